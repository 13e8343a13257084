//! Appeals (klage) and HDS's reconsideration of them.

use diesel::prelude::*;
use diesel::PgConnection;
use hds_domain::case::{
    CaseEvent, CaseRules, Command, DecisionOutcome, Reconsideration, SourceDecision,
    TransitionError,
};
use serde_json::json;
use uuid::Uuid;

use crate::schema::case_questions;

use super::commit::{commit, rules_refuse};
use super::custodian_tasks::restore_rejected_tasks;
use super::decisions::{
    check_decisions, decision_facts, finish_round, insert_decisions, Authority, NewSourceDecision,
};
use super::load::{current_decisions, lock, sources, to_domain};
use super::rows::{CaseRecord, DecisionRow};
use super::terms::copy_decision;
use super::{CaseError, Ctx, Invalid, Result};

/// The applicant appeals (klage) a refusal, a partial grant or a rejection.
pub fn appeal(
    conn: &mut PgConnection,
    id: Uuid,
    version: i32,
    ctx: &Ctx<'_>,
    grounds: &str,
) -> Result<CaseRecord> {
    let rec = lock(conn, id, Some(version))?;
    let case = to_domain(conn, &rec)?;
    let t = case.appeal(ctx.on())?;
    let grounds = grounds.to_owned();
    let extra = move |_: &CaseEvent| json!({"grounds": grounds});
    commit(
        conn,
        &rec,
        &t,
        ctx,
        Command::Appeal,
        rec.open_question_id,
        &extra,
    )
}

/// HDS's reconsideration of the appeal.
#[derive(Debug, Clone)]
pub enum NewReconsideration {
    /// New decisions for the sources HDS decides; sources a custodian decided
    /// keep their decision.
    Reversed(Vec<NewSourceDecision>),
    RejectionLifted,
    Upheld,
}

pub fn reconsider(
    conn: &mut PgConnection,
    id: Uuid,
    version: i32,
    ctx: &Ctx<'_>,
    rules: &CaseRules,
    result: &NewReconsideration,
    reason: Option<&str>,
) -> Result<CaseRecord> {
    let rec = lock(conn, id, Some(version))?;
    rules_refuse(&rec, Command::ReconsiderAppeal)?;
    let case = to_domain(conn, &rec)?;
    let reason_json = json!({"reason": reason});
    match result {
        NewReconsideration::Reversed(given) => {
            let srcs = sources(conn, id)?;
            let facts = decision_facts(conn, &rec)?;
            let mut problems =
                check_decisions(&srcs, &facts, given, Authority::Hds, "/decisions", ctx.on());
            for s in srcs.iter().filter(|s| s.decision_authority == "HDS") {
                if !given.iter().any(|g| g.decision.data_source == s.code) {
                    problems.push(Invalid::new(
                        "/decisions",
                        "MISSING_SOURCE",
                        format!("a new decision needs an outcome for {}", s.code),
                    ));
                }
            }
            if !problems.is_empty() {
                return Err(CaseError::Invalid(problems));
            }
            // Check the domain before writing anything.
            let previous = current_decisions(conn, &rec)?;
            let mut outcomes: Vec<SourceDecision> = given
                .iter()
                .map(|g| SourceDecision::new(g.decision.data_source.clone(), g.decision.outcome))
                .collect();
            let kept: Vec<&(DecisionRow, String)> = previous
                .iter()
                .filter(|(d, _)| d.authority == "CUSTODIAN")
                .collect();
            for (d, code) in &kept {
                let outcome = d
                    .outcome
                    .parse::<DecisionOutcome>()
                    .map_err(|_| TransitionError::Inconsistent("unknown outcome"))?;
                outcomes.push(SourceDecision::new(code.clone(), outcome));
            }
            let t = case.reconsider_appeal(
                rules,
                ctx.on(),
                Reconsideration::Reversed {
                    new_decision: outcomes,
                },
            )?;
            let round = rec.decision_round + 1;
            insert_decisions(conn, id, round, &srcs, given, Authority::Hds, ctx)?;
            for (d, _) in kept {
                copy_decision(conn, d.id, round)?;
            }
            finish_round(
                conn,
                &rec,
                &t,
                ctx,
                Command::ReconsiderAppeal,
                round,
                reason,
            )
        }
        NewReconsideration::RejectionLifted => {
            let t = case.reconsider_appeal(rules, ctx.on(), Reconsideration::RejectionLifted)?;
            if let Some(qid) = rec.open_question_id {
                diesel::update(case_questions::table.find(qid))
                    .set(case_questions::closed_without_answer.eq("REJECTION_LIFTED"))
                    .execute(conn)?;
            }
            restore_rejected_tasks(conn, rec.id, ctx)?;
            let extra = move |_: &CaseEvent| reason_json.clone();
            commit(conn, &rec, &t, ctx, Command::ReconsiderAppeal, None, &extra)
        }
        NewReconsideration::Upheld => {
            let t = case.reconsider_appeal(rules, ctx.on(), Reconsideration::Upheld)?;
            let extra = move |_: &CaseEvent| reason_json.clone();
            commit(
                conn,
                &rec,
                &t,
                ctx,
                Command::ReconsiderAppeal,
                rec.open_question_id,
                &extra,
            )
        }
    }
}
