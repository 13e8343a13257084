//! What the fee rules read about a case (or a draft application), loaded
//! once: the sources and the party that invoices for each, the facts the
//! exemptions depend on, the payer, the case handler's estimate of HDS's
//! hours, and each party's ledger of hours.
//!
//! **Which party invoices for a source.** A party whose `data_sources` names
//! the source and whose custodian holds it (Kreftregisteret for KREFT, within
//! FHI); otherwise the custodian's own party, which has the custodian's code.
//! HDS invoices the case handling of every case.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::PgConnection;
use hds_domain::application::DataKind;
use hds_domain::fees::{
    Address, FeeFacts, HourRange, Payer, RequestKind, RequestedSource, Waiver, WorkEntry,
};
use hds_domain::identity::Orgnr;
use serde_json::Value;
use uuid::Uuid;

use super::codes::{self, party_of, HDS};
use super::hours::{case_ledger, task_entries};
use super::price_lists::parties;
use super::rows::{EstimateRow, PartyRow, WaiverRow};
use crate::cases::{self, CaseRecord};
use crate::schema::{case_fee_estimates, case_origins, cases as cases_t, custodians, data_sources};
use crate::StoreError;

/// A data source of a case and the party that invoices for preparing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceParty {
    pub code: String,
    pub data_source_id: Uuid,
    pub custodian_id: Uuid,
    /// The invoicing party's code.
    pub party: String,
}

/// Everything the fee rules read about one case.
#[derive(Debug, Clone)]
pub struct CaseFees {
    pub case: CaseRecord,
    pub sources: Vec<SourceParty>,
    pub facts: FeeFacts,
    pub payer: Payer,
    pub payer_reference: Option<String>,
    /// The case handler's estimate of HDS's hours, if given.
    pub hds_hours: Option<EstimateRow>,
    pub waivers: Vec<WaiverRow>,
    /// The parties that have a row (price list, seller), by code.
    pub parties: BTreeMap<String, PartyRow>,
    /// Each party's name for people: the seller's name, else the custodian's.
    pub names: BTreeMap<String, String>,
}

impl CaseFees {
    /// HDS, then the parties of the sources in code order.
    pub fn party_codes(&self) -> Vec<String> {
        let mut codes: Vec<String> = self.sources.iter().map(|s| s.party.clone()).collect();
        codes.sort();
        codes.dedup();
        codes.retain(|c| c != HDS);
        codes.insert(0, HDS.to_owned());
        codes
    }

    /// The sources as the domain's rules take them (custodian = invoicing party).
    pub fn requested(&self) -> Vec<RequestedSource> {
        requested(&self.sources)
    }

    /// The custodian whose staff see `party`'s invoice bases (None for HDS).
    pub fn custodian_of(&self, party: &str) -> Option<Uuid> {
        if party == HDS {
            return None;
        }
        self.parties
            .get(party)
            .and_then(|p| p.custodian_id)
            .or_else(|| {
                self.sources
                    .iter()
                    .find(|s| s.party == party)
                    .map(|s| s.custodian_id)
            })
    }

    /// The case handler's estimate of HDS's hours.
    pub fn hds_hour_range(&self) -> Option<HourRange> {
        self.hds_hours.as_ref().map(|e| HourRange {
            low: codes::hours(e.low_hundredths),
            high: codes::hours(e.high_hundredths),
        })
    }
}

pub(super) fn requested(sources: &[SourceParty]) -> Vec<RequestedSource> {
    sources
        .iter()
        .map(|s| RequestedSource {
            code: s.code.clone(),
            custodian: s.party.clone(),
        })
        .collect()
}

/// The party that invoices for `source` held by `custodian`.
pub(super) fn party_for(
    parties: &[PartyRow],
    source: &str,
    custodian_id: Uuid,
    custodian_code: &str,
) -> String {
    parties
        .iter()
        .find(|p| {
            p.custodian_id == Some(custodian_id) && p.data_sources.iter().any(|s| s == source)
        })
        .map_or_else(|| custodian_code.to_owned(), |p| p.code.clone())
}

fn text(v: &Value, pointer: &str) -> Option<String> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The facts the exemptions read from an application's content (a draft's
/// content, or a snapshot's `content`): the kind of data and the student flag.
pub(super) fn content_facts(content: &Value) -> FeeFacts {
    FeeFacts {
        data_kind: text(content, "/dataKind/kind").and_then(|k| k.parse::<DataKind>().ok()),
        student_up_to_masters: content
            .pointer("/fee/studentUpToMasters")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        ..FeeFacts::default()
    }
}

/// Who pays: the responsible institution by its organisation number, or
/// else the project leader as a private person (by name only: no national
/// identity number is ever put on an invoice). The application holds no
/// postal address, so the address is the country.
pub(super) fn payer(content: &Value) -> Payer {
    let address = Address {
        country: "NO".to_owned(),
        ..Address::default()
    };
    let institution = text(content, "/responsibility/institutionName");
    let orgnr =
        text(content, "/responsibility/institutionOrgnr").and_then(|o| Orgnr::parse(&o).ok());
    match (orgnr, institution) {
        (Some(orgnr), Some(name)) => Payer::Organisation {
            name,
            orgnr,
            address,
        },
        (Some(orgnr), None) => Payer::Organisation {
            name: format!("Organisasjonsnummer {}", orgnr.as_str()),
            orgnr,
            address,
        },
        (None, institution) => Payer::Person {
            name: text(content, "/responsibility/projectLeader/name")
                .or(institution)
                .unwrap_or_else(|| "Søker (navn mangler i søknaden)".to_owned()),
            address,
        },
    }
}

fn request_kind(conn: &mut PgConnection, case_id: Uuid) -> Result<RequestKind, StoreError> {
    let origin: Option<(String, String, Option<time::Date>)> = case_origins::table
        .inner_join(cases_t::table.on(cases_t::id.eq(case_origins::original_case_id)))
        .filter(case_origins::case_id.eq(case_id))
        .select((
            case_origins::kind,
            cases_t::case_number,
            cases_t::decided_on,
        ))
        .first(conn)
        .optional()?;
    Ok(match origin {
        None => RequestKind::New,
        Some((kind, original_case, decided_on)) if kind == "CHANGE_REQUEST" => {
            RequestKind::ChangeRequest {
                original_case,
                original_decided_on: decided_on,
            }
        }
        Some((_, appealed_case, _)) => RequestKind::Appeal { appealed_case },
    })
}

pub(super) fn domain_waivers(rows: &[WaiverRow]) -> Result<Vec<Waiver>, StoreError> {
    rows.iter()
        .map(|w| {
            Ok(Waiver {
                party: party_of(&w.party),
                covers: codes::covers(&w.covers)?,
                reason: w.reason.clone(),
                granted_by: w.granted_by.clone(),
                granted_on: w.granted_on,
            })
        })
        .collect()
}

fn names(
    parties: &BTreeMap<String, PartyRow>,
    custodian_names: &BTreeMap<Uuid, String>,
    sources: &[SourceParty],
) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = parties
        .values()
        .map(|p| (p.code.clone(), p.legal_name.clone()))
        .collect();
    for s in sources {
        if let Some(name) = custodian_names.get(&s.custodian_id) {
            out.entry(s.party.clone()).or_insert_with(|| name.clone());
        }
    }
    out
}

/// Everything the fee rules read about a case. `NotFound` for no case.
pub fn case_fees(conn: &mut PgConnection, case_id: Uuid) -> Result<CaseFees, StoreError> {
    let case = cases::find(conn, case_id).map_err(super::from_case)?;
    let snapshot = crate::applications::snapshot(conn, case.application_id)?;
    let content = snapshot.get("content").cloned().unwrap_or(Value::Null);
    let all_parties = parties(conn)?;
    let case_sources = cases::sources(conn, case_id).map_err(super::from_case)?;
    let mut custodian_names = BTreeMap::new();
    let sources: Vec<SourceParty> = case_sources
        .iter()
        .map(|s| {
            custodian_names.insert(s.custodian_id, s.custodian_name.clone());
            SourceParty {
                code: s.code.clone(),
                data_source_id: s.data_source_id,
                custodian_id: s.custodian_id,
                party: party_for(&all_parties, &s.code, s.custodian_id, &s.custodian_code),
            }
        })
        .collect();
    let waiver_rows = super::case_waivers(conn, case_id)?;
    let mut facts = content_facts(&content);
    facts.request = request_kind(conn, case_id)?;
    facts.waivers = domain_waivers(&waiver_rows)?;
    let hds_hours = case_fee_estimates::table
        .find(case_id)
        .select(EstimateRow::as_select())
        .first(conn)
        .optional()?;
    let parties: BTreeMap<String, PartyRow> = all_parties
        .into_iter()
        .map(|p| (p.code.clone(), p))
        .collect();
    let names = names(&parties, &custodian_names, &sources);
    Ok(CaseFees {
        payer: payer(&content),
        payer_reference: text(&content, "/fee/payerReference"),
        case,
        sources,
        facts,
        hds_hours,
        waivers: waiver_rows,
        parties,
        names,
    })
}

/// The sources a draft's content names that the catalogue knows, with
/// their parties; and the parties' names.
pub fn draft_sources(
    conn: &mut PgConnection,
    content: &Value,
) -> Result<(Vec<SourceParty>, BTreeMap<String, String>), StoreError> {
    let codes: Vec<String> = content
        .pointer("/dataSources")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|s| s.get("code").and_then(Value::as_str))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let found: Vec<(String, Uuid, Uuid, String, String)> = data_sources::table
        .inner_join(custodians::table)
        .filter(data_sources::code.eq_any(&codes))
        .select((
            data_sources::code,
            data_sources::id,
            custodians::id,
            custodians::code,
            custodians::short_name,
        ))
        .load(conn)?;
    let all_parties = parties(conn)?;
    let mut custodian_names = BTreeMap::new();
    let mut sources = Vec::new();
    for code in &codes {
        if sources.iter().any(|s: &SourceParty| &s.code == code) {
            continue;
        }
        if let Some((code, id, custodian_id, custodian_code, name)) =
            found.iter().find(|f| &f.0 == code)
        {
            custodian_names.insert(*custodian_id, name.clone());
            sources.push(SourceParty {
                code: code.clone(),
                data_source_id: *id,
                custodian_id: *custodian_id,
                party: party_for(&all_parties, code, *custodian_id, custodian_code),
            });
        }
    }
    let parties: BTreeMap<String, PartyRow> = all_parties
        .into_iter()
        .map(|p| (p.code.clone(), p))
        .collect();
    let names = names(&parties, &custodian_names, &sources);
    Ok((sources, names))
}

/// The ledger of hours `party` bills on the case, in the order recorded:
/// HDS's hours on the case, or the hours on the tasks of the party's sources.
pub fn work(
    conn: &mut PgConnection,
    fees: &CaseFees,
    party: &str,
) -> Result<Vec<WorkEntry>, StoreError> {
    if party == HDS {
        return super::hours::to_entries(&case_ledger(conn, fees.case.id)?);
    }
    let ids: Vec<Uuid> = fees
        .sources
        .iter()
        .filter(|s| s.party == party)
        .map(|s| s.data_source_id)
        .collect();
    task_entries(conn, fees.case.id, &ids)
}
