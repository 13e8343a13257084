//! The commands that move a case, apart from questions, decisions and
//! appeals: assignment, internal notes, completeness, postponement, closing
//! and withdrawal.

use diesel::prelude::*;
use diesel::PgConnection;
use hds_domain::case::{CaseEvent, CaseRules, Command};
use serde_json::json;
use time::Date;
use uuid::Uuid;

use crate::schema::{case_questions, cases};

use super::commit::{audit_case, bump, commit, internal_event, no_extra, rules_refuse};
use super::custodian_tasks::create_task;
use super::linkage::linkage_of;
use super::load::{lock, parse_state, sources, to_domain};
use super::rows::CaseRecord;
use super::{CaseError, Ctx, Result, TASK_DECISION};

/// Assigns the case to a handler (`None` unassigns). Not a state change; an
/// internal event.
pub fn assign(
    conn: &mut PgConnection,
    id: Uuid,
    version: i32,
    ctx: &Ctx<'_>,
    assignee: Option<(&str, Option<&str>)>,
) -> Result<CaseRecord> {
    let rec = lock(conn, id, Some(version))?;
    let state = parse_state(&rec.status)?;
    if state.is_final() {
        return Err(CaseError::Conflict {
            en: format!(
                "{} cannot be assigned (nothing more can happen to it)",
                state.phrase()
            ),
            nb: format!(
                "{} kan ikke tildeles (ingenting mer kan skje med den)",
                state.phrase_nb()
            ),
        });
    }
    let updated: CaseRecord = diesel::update(cases::table.find(rec.id))
        .set((
            cases::assignee.eq(assignee.map(|a| a.0)),
            cases::assignee_name.eq(assignee.and_then(|a| a.1)),
            cases::version.eq(cases::version + 1),
            cases::updated_at.eq(ctx.at),
        ))
        .returning(CaseRecord::as_returning())
        .get_result(conn)?;
    let data = json!({
        "assignee": assignee.map(|a| a.0),
        "assigneeName": assignee.and_then(|a| a.1),
        "previousAssignee": rec.assignee,
    });
    internal_event(conn, &rec, ctx, "ASSIGNED", data.clone())?;
    audit_case(conn, ctx, "CASE_ASSIGNED", &rec, data)?;
    Ok(updated)
}

/// An internal note (intern merknad): the applicant never sees it.
pub fn add_note(
    conn: &mut PgConnection,
    id: Uuid,
    ctx: &Ctx<'_>,
    text: &str,
) -> Result<CaseRecord> {
    let rec = lock(conn, id, None)?;
    let updated = bump(conn, &rec, ctx)?;
    internal_event(conn, &rec, ctx, "NOTE_ADDED", json!({"text": text}))?;
    audit_case(
        conn,
        ctx,
        "CASE_NOTE_ADDED",
        &rec,
        json!({"version": updated.version}),
    )?;
    Ok(updated)
}

/// Marks the application complete on `completed_on` (default: today): the
/// statutory clock starts (30 or 60 working days by the submitted
/// application's linkage plan). Sources where the custodian decides get a
/// DECISION task for that custodian.
pub fn mark_complete(
    conn: &mut PgConnection,
    id: Uuid,
    version: i32,
    ctx: &Ctx<'_>,
    rules: &CaseRules,
    completed_on: Option<Date>,
) -> Result<CaseRecord> {
    let rec = lock(conn, id, Some(version))?;
    rules_refuse(&rec, Command::MarkComplete)?;
    let on = completed_on.unwrap_or_else(|| ctx.on());
    let linkage = linkage_of(conn, &rec)?;
    let case = to_domain(conn, &rec)?;
    let t = case.mark_complete(rules, on, linkage)?;
    let mut created = Vec::new();
    for s in sources(conn, id)?
        .iter()
        .filter(|s| s.decision_authority == "CUSTODIAN")
    {
        if create_task(conn, id, s, TASK_DECISION, ctx)? {
            created.push(json!({"dataSource": s.code, "custodian": s.custodian_code}));
        }
    }
    let extra = move |_: &CaseEvent| json!({"decisionTasks": created});
    commit(
        conn,
        &rec,
        &t,
        ctx,
        Command::MarkComplete,
        rec.open_question_id,
        &extra,
    )
}

/// Postpones with a preliminary reply: reason and new expected date.
pub fn postpone(
    conn: &mut PgConnection,
    id: Uuid,
    version: i32,
    ctx: &Ctx<'_>,
    expected_on: Date,
    reason: &str,
) -> Result<CaseRecord> {
    let rec = lock(conn, id, Some(version))?;
    let case = to_domain(conn, &rec)?;
    let t = case.postpone(ctx.on(), expected_on, reason)?;
    commit(
        conn,
        &rec,
        &t,
        ctx,
        Command::Postpone,
        rec.open_question_id,
        &no_extra,
    )
}

/// Closes the case (after the appeal period, or when Helseklage decided).
pub fn close(conn: &mut PgConnection, id: Uuid, version: i32, ctx: &Ctx<'_>) -> Result<CaseRecord> {
    let rec = lock(conn, id, Some(version))?;
    let case = to_domain(conn, &rec)?;
    let t = case.close(ctx.on())?;
    commit(
        conn,
        &rec,
        &t,
        ctx,
        Command::Close,
        rec.open_question_id,
        &no_extra,
    )
}

/// The applicant withdraws: the case is WITHDRAWN and an open question
/// closes. The custodians' open tasks are cancelled in the same transaction
/// by the database trigger `cases_withdrawn_cancel_tasks` (migration
/// `2026-11-23-000040_custodian_task_work`), whichever code path withdraws.
pub fn withdraw(
    conn: &mut PgConnection,
    id: Uuid,
    version: i32,
    ctx: &Ctx<'_>,
) -> Result<CaseRecord> {
    let rec = lock(conn, id, Some(version))?;
    let case = to_domain(conn, &rec)?;
    let t = case.withdraw(ctx.on())?;
    if let Some(qid) = rec.open_question_id {
        diesel::update(case_questions::table.find(qid))
            .set(case_questions::closed_without_answer.eq("WITHDRAWN"))
            .execute(conn)?;
    }
    commit(conn, &rec, &t, ctx, Command::Withdraw, None, &no_extra)
}
