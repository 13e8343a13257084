//! Decisions (vedtak) per data source, by HDS or by a custodian through its
//! DECISION task; a complete round decides the case.

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel::PgConnection;
use hds_domain::case::{
    check_complete_decisions, CaseEvent, CaseRules, Command, CompleteSourceDecision, Decider,
    DecisionAuthority, DecisionFacts, DecisionOutcome, SourceDecision, SourceFacts,
    TransitionError, Transitioned,
};
use serde_json::{json, Value};
use time::Date;
use uuid::Uuid;

use crate::schema::{case_decisions, cases, custodian_tasks, data_sources};

use super::commit::{audit_case, bump, commit, internal_event, rules_refuse};
use super::custodian_tasks::create_task;
use super::load::{current_decisions, lock, snapshot, sources, to_domain};
use super::rows::{CaseRecord, CaseSourceRow, DecisionRow};
use super::snapshot_facts::application_of;
use super::terms::{decision_terms, insert_tables, terms_json};
use super::{
    CaseError, Ctx, Invalid, Result, OPEN_TASK_STATES, TASK_CANCELLED, TASK_DATA_PREPARATION,
};

/// The decision for one data source with its terms, as given (the domain's
/// rules check it: `check_complete_decisions`).
pub type NewSourceDecision = CompleteSourceDecision;

/// Who decides: HDS, or the custodian with this id (through its DECISION task).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authority {
    Hds,
    Custodian(Uuid),
}

impl Authority {
    fn code(self) -> &'static str {
        match self {
            Self::Hds => "HDS",
            Self::Custodian(_) => "CUSTODIAN",
        }
    }
}

fn requested_variables(s: &CaseSourceRow) -> Option<BTreeSet<String>> {
    s.requested
        .get("variables")
        .and_then(Value::as_array)
        .map(|vs| {
            vs.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
}

fn source_facts(s: &CaseSourceRow) -> SourceFacts {
    let year = |key: &str| {
        s.requested
            .get(key)
            .and_then(Value::as_i64)
            .and_then(|y| i32::try_from(y).ok())
    };
    SourceFacts {
        code: s.code.clone(),
        authority: if s.decision_authority == "HDS" {
            DecisionAuthority::Hds
        } else {
            DecisionAuthority::Custodian
        },
        custodian: s.custodian_code.clone(),
        requested_variables: requested_variables(s),
        requested_from: year("periodFrom"),
        requested_to: year("periodTo"),
    }
}

/// What the complete-decision rules need from the submitted application.
pub(super) fn decision_facts(conn: &mut PgConnection, rec: &CaseRecord) -> Result<DecisionFacts> {
    Ok(DecisionFacts::of(&application_of(&snapshot(conn, rec)?)))
}

/// Checks complete decisions against the case's sources, who decides them
/// and the submitted application (the rules are
/// `hds_domain::case::check_complete_decisions`), as decided on `decided_on`.
pub(super) fn check_decisions(
    sources: &[CaseSourceRow],
    facts: &DecisionFacts,
    given: &[NewSourceDecision],
    authority: Authority,
    pointer: &str,
    decided_on: Date,
) -> Vec<Invalid> {
    let application = facts;
    let facts: Vec<SourceFacts> = sources.iter().map(source_facts).collect();
    let custodian_code = match authority {
        Authority::Hds => None,
        Authority::Custodian(id) => Some(
            sources
                .iter()
                .find(|s| s.custodian_id == id)
                .map_or("", |s| s.custodian_code.as_str()),
        ),
    };
    let decider = custodian_code.map_or(Decider::Hds, Decider::Custodian);
    check_complete_decisions(&facts, application, given, decider, decided_on)
        .into_iter()
        .map(|p| {
            Invalid::new(
                format!("{pointer}/{}/{}", p.index, p.field),
                p.code,
                p.message,
            )
        })
        .collect()
}

pub(super) fn insert_decisions(
    conn: &mut PgConnection,
    case_id: Uuid,
    round: i32,
    sources: &[CaseSourceRow],
    given: &[NewSourceDecision],
    authority: Authority,
    ctx: &Ctx<'_>,
) -> Result<()> {
    for CompleteSourceDecision { decision: d, terms } in given {
        let Some(s) = sources.iter().find(|s| s.code == d.data_source) else {
            continue;
        };
        let exemption = terms.exemption.as_ref();
        let id: Uuid = diesel::insert_into(case_decisions::table)
            .values((
                case_decisions::case_id.eq(case_id),
                case_decisions::data_source_id.eq(s.data_source_id),
                case_decisions::round.eq(round),
                case_decisions::outcome.eq(d.outcome.as_str()),
                case_decisions::legal_basis.eq(&d.legal_basis),
                case_decisions::conditions.eq(&d.conditions),
                case_decisions::text.eq(&d.text),
                case_decisions::granted_variables.eq(&d.granted_variables),
                case_decisions::granted_period_from.eq(d.granted_period_from),
                case_decisions::granted_period_to.eq(d.granted_period_to),
                case_decisions::decided_on.eq(ctx.on()),
                case_decisions::decided_at.eq(ctx.at),
                case_decisions::decided_by.eq(ctx.actor),
                case_decisions::authority.eq(authority.code()),
                case_decisions::access_from.eq(terms.access_from),
                case_decisions::access_to.eq(terms.access_to),
                case_decisions::disposal.eq(terms.disposal.map(hds_domain::case::Disposal::as_str)),
                case_decisions::dispose_by.eq(terms.dispose_by),
                case_decisions::exemption_granted.eq(exemption.map(|e| e.granted)),
                case_decisions::exemption_legal_basis
                    .eq(exemption.map(|e| e.legal_basis.clone()).unwrap_or_default()),
                case_decisions::exemption_conditions
                    .eq(exemption.map(|e| e.conditions.clone()).unwrap_or_default()),
            ))
            .returning(case_decisions::id)
            .get_result(conn)?;
        insert_tables(conn, id, &terms.tables)?;
    }
    Ok(())
}

fn decision_json(
    d: &DecisionRow,
    code: &str,
    terms: Option<&hds_domain::case::DecisionTerms>,
) -> Value {
    json!({
        "terms": terms.map(terms_json),
        "dataSource": code,
        "outcome": d.outcome,
        "legalBasis": d.legal_basis,
        "conditions": d.conditions,
        "text": d.text,
        "grantedVariables": d.granted_variables,
        "grantedPeriodFrom": d.granted_period_from,
        "grantedPeriodTo": d.granted_period_to,
        "decidedBy": d.authority,
    })
}

/// After a decision round is complete: the case is decided (domain), granted
/// sources get DATA_PREPARATION tasks, refused ones have theirs cancelled.
pub(super) fn finish_round(
    conn: &mut PgConnection,
    rec: &CaseRecord,
    t: &Transitioned,
    ctx: &Ctx<'_>,
    command: Command,
    round: i32,
    reason: Option<&str>,
) -> Result<CaseRecord> {
    let srcs = sources(conn, rec.id)?;
    let rows: Vec<(DecisionRow, String)> = case_decisions::table
        .inner_join(data_sources::table)
        .filter(case_decisions::case_id.eq(rec.id))
        .filter(case_decisions::round.eq(round))
        .order(data_sources::code.asc())
        .select((DecisionRow::as_select(), data_sources::code))
        .load(conn)?;
    let mut tasks = Vec::new();
    for (d, code) in &rows {
        let Some(s) = srcs.iter().find(|s| &s.code == code) else {
            continue;
        };
        if d.outcome == DecisionOutcome::Refused.as_str() {
            let kind_filter = custodian_tasks::kind.eq(TASK_DATA_PREPARATION);
            diesel::update(custodian_tasks::table)
                .filter(custodian_tasks::case_id.eq(rec.id))
                .filter(custodian_tasks::data_source_id.eq(s.data_source_id))
                .filter(kind_filter)
                .filter(custodian_tasks::state.eq_any(OPEN_TASK_STATES))
                .set((
                    custodian_tasks::state.eq(TASK_CANCELLED),
                    custodian_tasks::state_reason.eq("the source was refused on reconsideration"),
                    custodian_tasks::version.eq(custodian_tasks::version + 1),
                    custodian_tasks::updated_at.eq(ctx.at),
                ))
                .execute(conn)?;
        } else if create_task(conn, rec.id, s, TASK_DATA_PREPARATION, ctx)? {
            tasks.push(json!({"dataSource": s.code, "custodian": s.custodian_code}));
        }
    }
    let ids: Vec<Uuid> = rows.iter().map(|(d, _)| d.id).collect();
    let terms = decision_terms(conn, &ids)?;
    let details: Vec<Value> = rows
        .iter()
        .map(|(d, c)| decision_json(d, c, terms.get(&d.id)))
        .collect();
    let reason = reason.map(str::to_owned);
    let extra = move |e: &CaseEvent| match e {
        CaseEvent::Decided { .. } => {
            json!({"decisions": details, "dataPreparationTasks": tasks})
        }
        CaseEvent::AppealReversed { .. } => json!({"reason": reason}),
        _ => Value::Null,
    };
    diesel::update(cases::table.find(rec.id))
        .set(cases::decision_round.eq(round))
        .execute(conn)?;
    commit(conn, rec, t, ctx, command, rec.open_question_id, &extra)
}

/// Records decisions for the sources `authority` decides. When every source
/// of the case has a decision in the current round, the case is decided
/// (DECIDED, appeal deadline recorded); until then the decisions wait, and a
/// `SOURCES_DECIDED` internal event records them.
pub fn decide(
    conn: &mut PgConnection,
    id: Uuid,
    version: Option<i32>,
    ctx: &Ctx<'_>,
    rules: &CaseRules,
    given: &[NewSourceDecision],
    authority: Authority,
) -> Result<CaseRecord> {
    let rec = lock(conn, id, version)?;
    rules_refuse(&rec, Command::Decide)?;
    let srcs = sources(conn, id)?;
    let facts = decision_facts(conn, &rec)?;
    let mut problems = check_decisions(&srcs, &facts, given, authority, "/decisions", ctx.on());
    let existing = current_decisions(conn, &rec)?;
    for (i, d) in given.iter().map(|g| &g.decision).enumerate() {
        if existing.iter().any(|(_, code)| *code == d.data_source) {
            problems.push(Invalid::new(
                format!("/decisions/{i}/dataSource"),
                "ALREADY_DECIDED",
                format!("{} already has a decision", d.data_source),
            ));
        }
    }
    if given.is_empty() {
        problems.push(Invalid::new(
            "/decisions",
            "REQUIRED",
            "give a decision for at least one data source",
        ));
    }
    if !problems.is_empty() {
        return Err(CaseError::Invalid(problems));
    }
    insert_decisions(conn, id, rec.decision_round, &srcs, given, authority, ctx)?;
    let all = current_decisions(conn, &rec)?;
    let pending: Vec<&CaseSourceRow> = srcs
        .iter()
        .filter(|s| !all.iter().any(|(_, c)| *c == s.code))
        .collect();
    if !pending.is_empty() {
        let updated = bump(conn, &rec, ctx)?;
        let ids: Vec<Uuid> = all.iter().map(|(d, _)| d.id).collect();
        let terms = decision_terms(conn, &ids)?;
        let data = json!({
            "decisions": given.iter().filter_map(|g| all.iter().find(|(_, c)| *c == g.decision.data_source)).map(|(d, c)| decision_json(d, c, terms.get(&d.id))).collect::<Vec<_>>(),
            "waitingFor": pending.iter().map(|s| json!({"dataSource": s.code, "custodian": s.custodian_code})).collect::<Vec<_>>(),
        });
        internal_event(conn, &rec, ctx, "SOURCES_DECIDED", data.clone())?;
        audit_case(conn, ctx, "CASE_SOURCES_DECIDED", &rec, data)?;
        return Ok(updated);
    }
    let outcomes = all
        .iter()
        .map(|(d, code)| {
            let outcome = d
                .outcome
                .parse::<DecisionOutcome>()
                .map_err(|_| TransitionError::Inconsistent("unknown outcome"))?;
            Ok(SourceDecision::new(code.clone(), outcome))
        })
        .collect::<Result<Vec<_>>>()?;
    let case = to_domain(conn, &rec)?;
    let t = case.decide(rules, ctx.on(), outcomes)?;
    let round = rec.decision_round;
    finish_round(conn, &rec, &t, ctx, Command::Decide, round, None)
}
