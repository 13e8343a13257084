//! Price lists (prislister): a party and its versions, read for everyone,
//! and a new version added by ADMIN. A version is never changed: adding a
//! later one ends an open-ended predecessor the day before, in the same
//! transaction, with the audit event. The rules are
//! `hds_domain::fees::PriceList::with_new_version`.

use diesel::prelude::*;
use diesel::PgConnection;
use hds_domain::fees::{PriceList, PriceVersion};
use serde_json::json;
use time::OffsetDateTime;

use super::codes::{self, party_of, HDS};
use super::rows::{PartyRow, PriceVersionRow};
use super::FeeError;
use crate::audit::{self, NewAuditEvent};
use crate::cases::Ctx;
use crate::schema::{custodians, invoicing_parties, price_list_versions};
use crate::StoreError;

/// A party with its price list, oldest version first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceListRecord {
    pub party: PartyRow,
    /// The code of the custodian whose party this is (None for HDS).
    pub custodian_code: Option<String>,
    pub versions: Vec<PriceVersionRow>,
}

impl PriceListRecord {
    /// The list as the domain's rules read it.
    pub fn to_domain(&self) -> Result<PriceList, StoreError> {
        Ok(PriceList {
            party: party_of(&self.party.code),
            versions: self
                .versions
                .iter()
                .map(codes::price_version)
                .collect::<Result<_, _>>()?,
        })
    }
}

/// What goes with a new version besides the prices.
#[derive(Debug, Clone, Default)]
pub struct VersionNotes {
    /// Where the prices come from (a URL, a decision).
    pub source: Option<String>,
    /// What is assumed or should be known.
    pub note: Option<String>,
}

fn versions_of(conn: &mut PgConnection, code: &str) -> Result<Vec<PriceVersionRow>, StoreError> {
    Ok(price_list_versions::table
        .filter(price_list_versions::party.eq(code))
        .order(price_list_versions::valid_from.asc())
        .select(PriceVersionRow::as_select())
        .load(conn)?)
}

fn custodian_code(conn: &mut PgConnection, party: &PartyRow) -> Result<Option<String>, StoreError> {
    match party.custodian_id {
        None => Ok(None),
        Some(id) => Ok(Some(
            custodians::table
                .find(id)
                .select(custodians::code)
                .first(conn)?,
        )),
    }
}

/// A custodian (not retired) by its code, as the party it would be before
/// it has a price list: version 0, no versions.
fn custodian_as_party(conn: &mut PgConnection, code: &str) -> Result<Option<PartyRow>, StoreError> {
    if code == HDS {
        return Ok(None);
    }
    let found: Option<(uuid::Uuid, String, Option<String>, OffsetDateTime)> = custodians::table
        .filter(custodians::code.eq(code))
        .filter(custodians::retired_at.is_null())
        .select((
            custodians::id,
            custodians::name,
            custodians::orgnr,
            custodians::created_at,
        ))
        .first(conn)
        .optional()?;
    // a custodian without an organisation number of its own invoices nothing
    let found = found.and_then(|(id, name, orgnr, at)| Some((id, name, orgnr?, at)));
    Ok(found.map(|(id, name, orgnr, created_at)| PartyRow {
        code: code.to_owned(),
        custodian_id: Some(id),
        data_sources: Vec::new(),
        legal_name: name,
        orgnr,
        street: None,
        postal_code: None,
        city: None,
        country: "NO".to_owned(),
        vat_registered: false,
        in_foretaksregisteret: false,
        bank_account: None,
        payment_days: 30,
        source: None,
        version: 0,
        created_at,
    }))
}

/// Every party (HDS first, then by code).
pub fn parties(conn: &mut PgConnection) -> Result<Vec<PartyRow>, StoreError> {
    let mut rows: Vec<PartyRow> = invoicing_parties::table
        .order(invoicing_parties::code.asc())
        .select(PartyRow::as_select())
        .load(conn)?;
    rows.sort_by_key(|p| (p.code != HDS, p.code.clone()));
    Ok(rows)
}

/// The price list of `code`: a party, or a custodian that has none yet
/// (version 0, no versions). `NotFound` for any other code.
pub fn find(conn: &mut PgConnection, code: &str) -> Result<PriceListRecord, StoreError> {
    let party = match invoicing_parties::table
        .find(code)
        .select(PartyRow::as_select())
        .first(conn)
        .optional()?
    {
        Some(p) => p,
        None => custodian_as_party(conn, code)?.ok_or(StoreError::NotFound)?,
    };
    let custodian_code = custodian_code(conn, &party)?;
    let versions = versions_of(conn, code)?;
    Ok(PriceListRecord {
        party,
        custodian_code,
        versions,
    })
}

/// A party's legal name, if it has a row.
pub fn legal_name(conn: &mut PgConnection, code: &str) -> Result<Option<String>, StoreError> {
    Ok(invoicing_parties::table
        .find(code)
        .select(invoicing_parties::legal_name)
        .first(conn)
        .optional()?)
}

/// Every party's price list.
pub fn list(conn: &mut PgConnection) -> Result<Vec<PriceListRecord>, StoreError> {
    let mut out = Vec::new();
    for party in parties(conn)? {
        let custodian_code = custodian_code(conn, &party)?;
        let versions = versions_of(conn, &party.code)?;
        out.push(PriceListRecord {
            party,
            custodian_code,
            versions,
        });
    }
    Ok(out)
}

/// The domain's price list of a party (no versions for a party without one).
pub fn domain_list(conn: &mut PgConnection, code: &str) -> Result<PriceList, StoreError> {
    let versions = versions_of(conn, code)?;
    Ok(PriceList {
        party: party_of(code),
        versions: versions
            .iter()
            .map(codes::price_version)
            .collect::<Result<_, _>>()?,
    })
}

/// Inserts one version as stored.
pub(super) fn insert_version(
    conn: &mut PgConnection,
    party: &str,
    v: &PriceVersion,
    notes: &VersionNotes,
    created_by: &str,
    created_at: OffsetDateTime,
) -> Result<(), StoreError> {
    let (rounding, scope) = codes::rounding_codes(v.counting.rounding);
    let (category, rate, reason) = codes::vat_codes(&v.vat);
    let range = v.estimated_hours;
    diesel::insert_into(price_list_versions::table)
        .values((
            price_list_versions::party.eq(party),
            price_list_versions::valid_from.eq(v.valid_from),
            price_list_versions::valid_to.eq(v.valid_to),
            price_list_versions::basic_fee_one_source_ore.eq(v.basic_fee.one_source.ore()),
            price_list_versions::basic_fee_several_sources_ore
                .eq(v.basic_fee.several_sources.ore()),
            price_list_versions::hourly_rate_ore.eq(v.hourly_rate.ore()),
            price_list_versions::rounding.eq(rounding),
            price_list_versions::rounding_scope.eq(scope),
            price_list_versions::free_hundredths.eq(codes::hundredths(v.counting.free_hours)?),
            price_list_versions::free_hours_for.eq(v.counting.free_hours_for.as_str()),
            price_list_versions::vat_category.eq(category),
            price_list_versions::vat_rate_basis_points.eq(rate),
            price_list_versions::vat_reason.eq(reason),
            price_list_versions::estimated_low_hundredths
                .eq(range.map(|r| codes::hundredths(r.low)).transpose()?),
            price_list_versions::estimated_high_hundredths
                .eq(range.map(|r| codes::hundredths(r.high)).transpose()?),
            price_list_versions::exemptions.eq(v
                .exemptions
                .iter()
                .map(|g| g.as_str().to_owned())
                .collect::<Vec<_>>()),
            price_list_versions::source.eq(&notes.source),
            price_list_versions::note.eq(&notes.note),
            price_list_versions::created_at.eq(created_at),
            price_list_versions::created_by.eq(created_by),
        ))
        .execute(conn)?;
    Ok(())
}

/// Adds `new` as the latest version of `code`'s prices, if the list is
/// still at `expected_version` (If-Match): checked by the domain's rules
/// (never retroactive, no overlap, every value), the open-ended version
/// before it ended the day before, the audit event written. A custodian's
/// first version creates its party from the catalogue.
pub fn add_version(
    conn: &mut PgConnection,
    code: &str,
    expected_version: i32,
    new: PriceVersion,
    notes: &VersionNotes,
    ctx: &Ctx<'_>,
) -> Result<PriceListRecord, FeeError> {
    conn.transaction(|conn| {
        let exists: Option<String> = invoicing_parties::table
            .find(code)
            .select(invoicing_parties::code)
            .first(conn)
            .optional()?;
        if exists.is_none() {
            let party = custodian_as_party(conn, code)?.ok_or(StoreError::NotFound)?;
            diesel::insert_into(invoicing_parties::table)
                .values((
                    invoicing_parties::code.eq(&party.code),
                    invoicing_parties::custodian_id.eq(party.custodian_id),
                    invoicing_parties::legal_name.eq(&party.legal_name),
                    invoicing_parties::orgnr.eq(&party.orgnr),
                    invoicing_parties::source
                        .eq("created from the catalogue's custodian with its first price list"),
                ))
                .on_conflict_do_nothing()
                .execute(conn)?;
        }
        let party: PartyRow = invoicing_parties::table
            .find(code)
            .select(PartyRow::as_select())
            .for_update()
            .first(conn)?;
        if party.version != expected_version {
            return Err(StoreError::StaleVersion.into());
        }
        let rows = versions_of(conn, code)?;
        let before = domain_list(conn, code)?;
        let after = before
            .with_new_version(new.clone(), ctx.on())
            .map_err(FeeError::Invalid)?;
        // the version that was latest, as the rules left it (ended, or as it was)
        let ended = rows
            .len()
            .checked_sub(1)
            .and_then(|i| after.versions.get(i));
        if let (Some(row), Some(ended)) = (rows.last(), ended) {
            if row.valid_to != ended.valid_to {
                diesel::update(price_list_versions::table.find(row.id))
                    .set(price_list_versions::valid_to.eq(ended.valid_to))
                    .execute(conn)?;
            }
        }
        insert_version(conn, code, &new, notes, ctx.actor, ctx.at)?;
        diesel::update(invoicing_parties::table.find(code))
            .set(invoicing_parties::version.eq(invoicing_parties::version + 1))
            .execute(conn)?;
        let (rounding, scope) = codes::rounding_codes(new.counting.rounding);
        audit::record(
            conn,
            &NewAuditEvent {
                actor: ctx.actor,
                action: "PRICE_LIST_VERSION_ADDED",
                entity_type: "price_list",
                entity_id: code,
                before_state: Some(json!({"version": party.version})),
                after_state: Some(json!({
                    "version": party.version + 1,
                    "validFrom": new.valid_from.to_string(),
                    "validTo": new.valid_to.map(|d| d.to_string()),
                    "basicFeeOneSourceOre": new.basic_fee.one_source.ore(),
                    "basicFeeSeveralSourcesOre": new.basic_fee.several_sources.ore(),
                    "hourlyRateOre": new.hourly_rate.ore(),
                    "rounding": rounding, "roundingScope": scope,
                    "freeHundredths": new.counting.free_hours.hundredths(),
                    "vatCategory": new.vat.category_code(),
                    "exemptions": new.exemptions.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
                    "source": notes.source, "note": notes.note,
                })),
                request_id: ctx.request_id,
            },
        )?;
        Ok(find(conn, code)?)
    })
}
