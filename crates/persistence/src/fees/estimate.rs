//! The cost estimate (kostnadsberegning): for a draft application, at the
//! prices in force today; for a case, at the prices in force the day it was
//! received (the terms the case is invoiced on), with the case handler's
//! estimate of HDS's hours, the waivers and what the case is (a change
//! request, an appeal). The rules are `hds_domain::fees::estimate`.

use std::collections::BTreeMap;

use diesel::PgConnection;
use hds_domain::catalogue::Problem;
use hds_domain::fees::{estimate, Estimate, EstimateInput, FeeFacts, HourRange};
use serde_json::Value;
use time::Date;

use super::codes::HDS;
use super::inputs::{content_facts, draft_sources, requested, CaseFees, SourceParty};
use super::price_lists::domain_list;
use super::FeeError;

/// An estimate and the names of its parties.
#[derive(Debug, Clone)]
pub struct EstimateRecord {
    pub estimate: Estimate,
    /// Party code → name for people.
    pub names: BTreeMap<String, String>,
}

fn compute(
    conn: &mut PgConnection,
    on: Date,
    sources: &[SourceParty],
    facts: &FeeFacts,
    hds_hours: Option<HourRange>,
) -> Result<Estimate, FeeError> {
    let hds = domain_list(conn, HDS)?;
    let mut parties: Vec<&str> = sources.iter().map(|s| s.party.as_str()).collect();
    parties.sort_unstable();
    parties.dedup();
    let mut custodians = Vec::new();
    for party in parties.into_iter().filter(|p| *p != HDS) {
        custodians.push(domain_list(conn, party)?);
    }
    let requested = requested(sources);
    estimate(&EstimateInput {
        on,
        sources: &requested,
        hds: &hds,
        custodians: &custodians,
        facts,
        hds_hours,
    })
    .map_err(|_| {
        FeeError::Invalid(vec![Problem::new(
            "",
            "AMOUNT_TOO_LARGE",
            "the amounts are too large to compute",
        )])
    })
}

/// The estimate for a case.
pub fn for_case(conn: &mut PgConnection, fees: &CaseFees) -> Result<EstimateRecord, FeeError> {
    let estimate = compute(
        conn,
        fees.case.received_on,
        &fees.sources,
        &fees.facts,
        fees.hds_hour_range(),
    )?;
    let mut names = fees.names.clone();
    names
        .entry(HDS.to_owned())
        .or_insert_with(|| "Helsedataservice".to_owned());
    Ok(EstimateRecord { estimate, names })
}

/// The estimate for a draft's content on `today`: the sources it names that
/// the catalogue knows, its kind of data and student flag; a draft is a new
/// application, with no waivers and no case handler's estimate.
pub fn for_draft(
    conn: &mut PgConnection,
    content: &Value,
    today: Date,
) -> Result<EstimateRecord, FeeError> {
    let (sources, mut names) = draft_sources(conn, content)?;
    let estimate = compute(conn, today, &sources, &content_facts(content), None)?;
    names
        .entry(HDS.to_owned())
        .or_insert_with(|| "Helsedataservice".to_owned());
    Ok(EstimateRecord { estimate, names })
}
