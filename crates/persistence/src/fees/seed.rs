//! The fees' reference data, `seed/fees.json`: the invoicing parties (HDS
//! and the custodians whose prices the sources give) and their price lists
//! from 1 January 2023, each with its source and what is assumed. Loaded by
//! `hds seed` after the catalogue, insert-only: a party that exists is left
//! as it is, and a party's versions are loaded only while it has none, so
//! versions ADMIN adds through the API are never mixed with these. Every
//! list is checked by the domain's rules before it is written.

use diesel::prelude::*;
use diesel::PgConnection;
use hds_domain::fees::{
    BasicFee, FreeHoursFor, Ground, HourCounting, Hours, Money, PriceList, PriceVersion,
};
use hds_domain::identity::Orgnr;
use serde::Deserialize;
use time::Date;

use super::codes::{self, party_of};
use super::price_lists::{insert_version, VersionNotes};
use crate::schema::{custodians, invoicing_parties, price_list_versions};
use crate::StoreError;

const FEES: &str = include_str!("../../seed/fees.json");

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FeeSeed {
    parties: Vec<SeedParty>,
    price_versions: Vec<SeedVersion>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SeedParty {
    code: String,
    custodian: Option<String>,
    data_sources: Vec<String>,
    legal_name: String,
    orgnr: String,
    street: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    country: String,
    vat_registered: bool,
    payment_days: i32,
    source: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SeedVersion {
    party: String,
    #[serde(with = "iso_date")]
    valid_from: Date,
    basic_fee_one_source: String,
    basic_fee_several_sources: String,
    hourly_rate: String,
    rounding: String,
    rounding_scope: Option<String>,
    free_hours: String,
    free_hours_for: String,
    vat_category: String,
    #[serde(default)]
    vat_rate_basis_points: Option<i32>,
    vat_reason: Option<String>,
    exemptions: Vec<String>,
    source: String,
    note: String,
}

fn bad_seed(message: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("reference data (fees): {message}"))
}

fn money(text: &str, what: &str) -> Result<Money, StoreError> {
    Money::parse_nok(text).map_err(|e| bad_seed(format!("{what} {text:?}: {e}")))
}

fn version(v: &SeedVersion) -> Result<PriceVersion, StoreError> {
    let at = |what: &str| format!("{} from {}: {what}", v.party, v.valid_from);
    let free_hours: FreeHoursFor =
        codes::free_hours_for(&v.free_hours_for).map_err(|_| bad_seed(at("freeHoursFor")))?;
    Ok(PriceVersion {
        valid_from: v.valid_from,
        valid_to: None,
        basic_fee: BasicFee {
            one_source: money(&v.basic_fee_one_source, &at("basicFeeOneSource"))?,
            several_sources: money(&v.basic_fee_several_sources, &at("basicFeeSeveralSources"))?,
        },
        hourly_rate: money(&v.hourly_rate, &at("hourlyRate"))?,
        counting: HourCounting {
            rounding: codes::rounding(&v.rounding, v.rounding_scope.as_deref())
                .map_err(|_| bad_seed(at("rounding")))?,
            free_hours: Hours::parse(&v.free_hours).map_err(|e| bad_seed(at(&e.to_string())))?,
            free_hours_for: free_hours,
        },
        vat: codes::vat(
            &v.vat_category,
            v.vat_rate_basis_points,
            v.vat_reason.as_deref(),
        )
        .map_err(|_| bad_seed(at("vat")))?,
        estimated_hours: None,
        exemptions: v
            .exemptions
            .iter()
            .map(|g| codes::ground(g).map_err(|_| bad_seed(at("exemptions"))))
            .collect::<Result<Vec<Ground>, _>>()?,
    })
}

fn load_party(conn: &mut PgConnection, p: &SeedParty) -> Result<(), StoreError> {
    Orgnr::parse(&p.orgnr).map_err(|e| bad_seed(format!("party {}: {e}", p.code)))?;
    let custodian_id: Option<uuid::Uuid> = match &p.custodian {
        None => None,
        Some(code) => Some(
            custodians::table
                .filter(custodians::code.eq(code))
                .select(custodians::id)
                .first(conn)
                .map_err(|_| bad_seed(format!("party {}: unknown custodian {code}", p.code)))?,
        ),
    };
    diesel::insert_into(invoicing_parties::table)
        .values((
            invoicing_parties::code.eq(&p.code),
            invoicing_parties::custodian_id.eq(custodian_id),
            invoicing_parties::data_sources.eq(&p.data_sources),
            invoicing_parties::legal_name.eq(&p.legal_name),
            invoicing_parties::orgnr.eq(&p.orgnr),
            invoicing_parties::street.eq(&p.street),
            invoicing_parties::postal_code.eq(&p.postal_code),
            invoicing_parties::city.eq(&p.city),
            invoicing_parties::country.eq(&p.country),
            invoicing_parties::vat_registered.eq(p.vat_registered),
            invoicing_parties::payment_days.eq(p.payment_days),
            invoicing_parties::source.eq(&p.source),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(())
}

/// Loads the parties and price lists that are missing. Call it inside the
/// reference data's transaction, after the catalogue.
pub fn load(conn: &mut PgConnection) -> Result<(), StoreError> {
    let seed: FeeSeed = serde_json::from_str(FEES).map_err(bad_seed)?;
    for p in &seed.parties {
        load_party(conn, p)?;
    }
    for p in &seed.parties {
        let stored: i64 = price_list_versions::table
            .filter(price_list_versions::party.eq(&p.code))
            .count()
            .get_result(conn)?;
        if stored > 0 {
            continue;
        }
        let mine: Vec<&SeedVersion> = seed
            .price_versions
            .iter()
            .filter(|v| v.party == p.code)
            .collect();
        let list = PriceList {
            party: party_of(&p.code),
            versions: mine.iter().map(|v| version(v)).collect::<Result<_, _>>()?,
        };
        let problems = list.check();
        if !problems.is_empty() {
            let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
            return Err(bad_seed(format!("{}: {}", p.code, text.join("; "))));
        }
        for (v, seeded) in list.versions.iter().zip(&mine) {
            let notes = VersionNotes {
                source: Some(seeded.source.clone()),
                note: Some(seeded.note.clone()),
            };
            insert_version(
                conn,
                &p.code,
                v,
                &notes,
                "system:reference-data",
                time::OffsetDateTime::now_utc(),
            )?;
        }
        let count = i32::try_from(mine.len()).map_err(bad_seed)?;
        diesel::update(invoicing_parties::table.find(&p.code))
            .set(invoicing_parties::version.eq(count))
            .execute(conn)?;
    }
    Ok(())
}
