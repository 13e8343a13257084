//! The terms of a complete decision (vedtak) per source, beside its outcome:
//! the access period, delete or return by when, the decision on exemption
//! from confidentiality (columns of `case_decisions`), and the outcome per
//! table (`case_decision_tables`).

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::PgConnection;
use hds_domain::case::{
    DecisionOutcome, DecisionTerms, Disposal, ExemptionDecision, TableDecision,
};
use serde_json::{json, Value};
use time::Date;
use uuid::Uuid;

use crate::schema::{case_decision_tables, case_decisions};

use super::Result;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_decisions)]
struct TermsRow {
    id: Uuid,
    access_from: Option<Date>,
    access_to: Option<Date>,
    disposal: Option<String>,
    dispose_by: Option<Date>,
    exemption_granted: Option<bool>,
    exemption_legal_basis: Vec<String>,
    exemption_conditions: Vec<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_decision_tables)]
struct TableRow {
    decision_id: Uuid,
    table_index: i32,
    outcome: String,
    reason: Option<String>,
}

/// The terms of these decisions (rows of `case_decisions`), by decision id.
pub fn decision_terms(
    conn: &mut PgConnection,
    decision_ids: &[Uuid],
) -> Result<BTreeMap<Uuid, DecisionTerms>> {
    let rows: Vec<TermsRow> = case_decisions::table
        .filter(case_decisions::id.eq_any(decision_ids))
        .select(TermsRow::as_select())
        .load(conn)?;
    let tables: Vec<TableRow> = case_decision_tables::table
        .filter(case_decision_tables::decision_id.eq_any(decision_ids))
        .order((
            case_decision_tables::decision_id,
            case_decision_tables::table_index,
        ))
        .select(TableRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let terms = DecisionTerms {
                access_from: r.access_from,
                access_to: r.access_to,
                disposal: r
                    .disposal
                    .as_deref()
                    .and_then(|d| d.parse::<Disposal>().ok()),
                dispose_by: r.dispose_by,
                exemption: r.exemption_granted.map(|granted| ExemptionDecision {
                    granted,
                    legal_basis: r.exemption_legal_basis,
                    conditions: r.exemption_conditions,
                }),
                tables: tables
                    .iter()
                    .filter(|t| t.decision_id == r.id)
                    .map(|t| TableDecision {
                        table: usize::try_from(t.table_index).unwrap_or(0),
                        outcome: t.outcome.parse().unwrap_or(DecisionOutcome::Refused),
                        reason: t.reason.clone(),
                    })
                    .collect(),
            };
            (r.id, terms)
        })
        .collect())
}

/// Writes the per-table outcomes of a decision row.
pub(super) fn insert_tables(
    conn: &mut PgConnection,
    decision_id: Uuid,
    tables: &[TableDecision],
) -> Result<()> {
    for t in tables {
        diesel::insert_into(case_decision_tables::table)
            .values((
                case_decision_tables::decision_id.eq(decision_id),
                case_decision_tables::table_index.eq(i32::try_from(t.table).unwrap_or(i32::MAX)),
                case_decision_tables::outcome.eq(t.outcome.as_str()),
                case_decision_tables::reason.eq(&t.reason),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A decision kept into a new round (a custodian's, when HDS reverses its
/// own on appeal): the row with its terms and its tables, under `round`.
pub(super) fn copy_decision(conn: &mut PgConnection, from: Uuid, round: i32) -> Result<()> {
    let copied: Uuid = diesel::sql_query(
        "INSERT INTO case_decisions (case_id, data_source_id, round, outcome, legal_basis, \
         conditions, text, granted_variables, granted_period_from, granted_period_to, \
         decided_on, decided_at, decided_by, authority, access_from, access_to, disposal, \
         dispose_by, exemption_granted, exemption_legal_basis, exemption_conditions) \
         SELECT case_id, data_source_id, $2, outcome, legal_basis, conditions, text, \
         granted_variables, granted_period_from, granted_period_to, decided_on, decided_at, \
         decided_by, authority, access_from, access_to, disposal, dispose_by, \
         exemption_granted, exemption_legal_basis, exemption_conditions \
         FROM case_decisions WHERE id = $1 RETURNING id",
    )
    .bind::<diesel::sql_types::Uuid, _>(from)
    .bind::<diesel::sql_types::Integer, _>(round)
    .get_result::<Copied>(conn)?
    .id;
    diesel::sql_query(
        "INSERT INTO case_decision_tables (decision_id, table_index, outcome, reason) \
         SELECT $2, table_index, outcome, reason FROM case_decision_tables WHERE decision_id = $1",
    )
    .bind::<diesel::sql_types::Uuid, _>(from)
    .bind::<diesel::sql_types::Uuid, _>(copied)
    .execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
struct Copied {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
}

/// The terms as the case events and views show them (dates YYYY-MM-DD).
pub fn terms_json(t: &DecisionTerms) -> Value {
    let d = |d: Option<Date>| d.map_or(Value::Null, |d| Value::String(d.to_string()));
    json!({
        "accessFrom": d(t.access_from),
        "accessTo": d(t.access_to),
        "disposal": t.disposal.map(Disposal::as_str),
        "disposeBy": d(t.dispose_by),
        "confidentialityExemption": t.exemption.as_ref().map(|e| json!({
            "granted": e.granted, "legalBasis": e.legal_basis, "conditions": e.conditions,
        })),
        "tables": t.tables.iter().map(|x| json!({
            "table": x.table, "outcome": x.outcome.as_str(), "reason": x.reason,
        })).collect::<Vec<_>>(),
    })
}
