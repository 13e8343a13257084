//! Writing a transition: the new state in the `cases` columns, its case
//! events (with the data the applicant sees) and the audit event; and the
//! internal events that are no transition.

use diesel::prelude::*;
use diesel::PgConnection;
use hds_domain::calendar::DataLinkage;
use hds_domain::case::{CaseEvent, CaseState, Command, TransitionError, Transitioned};
use serde_json::{json, Value};
use time::Date;
use uuid::Uuid;

use crate::applications::{record_case_event, NewCaseEvent};
use crate::audit::{self, NewAuditEvent};
use crate::schema::cases;

use super::load::parse_state;
use super::rows::{CaseRecord, Details};
use super::{Ctx, Result};

fn date_json(d: Option<Date>) -> Value {
    d.map_or(Value::Null, |d| Value::String(d.to_string()))
}

/// The applicant-visible data of a domain event: its dates and facts.
pub fn event_data(event: &CaseEvent) -> Value {
    let d = |d: Date| Value::String(d.to_string());
    match event {
        CaseEvent::Submitted { on } => json!({"receivedOn": d(*on)}),
        CaseEvent::MarkedComplete {
            on,
            linkage,
            statutory_deadline,
        } => json!({
            "completedOn": d(*on),
            "linkage": linkage.as_str(),
            "statutoryDeadline": d(*statutory_deadline),
        }),
        CaseEvent::QuestionAsked {
            on,
            reply_deadline,
            clock_paused,
        } => {
            json!({"askedOn": d(*on), "replyDeadline": d(*reply_deadline), "clockPaused": clock_paused})
        }
        CaseEvent::QuestionAnswered { on } => json!({"answeredOn": d(*on)}),
        CaseEvent::ClockResumed {
            on,
            paused_working_days,
            statutory_deadline,
            expected_on,
        } => json!({
            "resumedOn": d(*on),
            "pausedWorkingDays": paused_working_days,
            "statutoryDeadline": d(*statutory_deadline),
            "expectedOn": date_json(*expected_on),
        }),
        CaseEvent::ReminderSent { on, reply_deadline } => {
            json!({"sentOn": d(*on), "replyDeadline": d(*reply_deadline)})
        }
        CaseEvent::RejectedNoReply {
            on,
            appeal_deadline,
        } => json!({"rejectedOn": d(*on), "appealDeadline": d(*appeal_deadline)}),
        CaseEvent::Postponed {
            on,
            previous_due_date,
            expected_on,
            reason,
        } => json!({
            "postponedOn": d(*on),
            "previousDueDate": d(*previous_due_date),
            "expectedOn": d(*expected_on),
            "reason": reason,
        }),
        CaseEvent::Decided {
            on,
            sources,
            appeal_deadline,
        } => json!({
            "decidedOn": d(*on),
            "outcomes": sources.iter().map(|s| json!({"dataSource": s.data_source, "outcome": s.outcome.as_str()})).collect::<Vec<_>>(),
            "appealDeadline": date_json(*appeal_deadline),
        }),
        CaseEvent::Withdrawn { on } => json!({"withdrawnOn": d(*on)}),
        CaseEvent::Appealed {
            on,
            against,
            appeal_deadline,
        } => {
            json!({"appealedOn": d(*on), "against": against.as_str(), "appealDeadline": d(*appeal_deadline)})
        }
        CaseEvent::AppealReversed { on } => json!({"reversedOn": d(*on)}),
        CaseEvent::RejectionLifted { on, state } => {
            json!({"liftedOn": d(*on), "status": state.as_str()})
        }
        CaseEvent::AppealUpheld { on } => json!({"upheldOn": d(*on)}),
        CaseEvent::ForwardedToAppealsBody { on } => {
            json!({"forwardedOn": d(*on), "appealsBody": "Helseklage"})
        }
        CaseEvent::Closed { on } => json!({"closedOn": d(*on)}),
        CaseEvent::LinkageSet { .. }
        | CaseEvent::DeliveryDateAgreed { .. }
        | CaseEvent::DeliveryPostponed { .. }
        | CaseEvent::Delivered { .. }
        | CaseEvent::CannotDeliver { .. }
        | CaseEvent::DataMadeAvailable { .. } => super::delivery::event_data(event),
    }
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        for (k, v) in b {
            a.insert(k, v);
        }
    }
    a
}

/// Writes an event that is not a domain transition (assignment, note,
/// overdue flag, a partial decision).
pub(super) fn internal_event(
    conn: &mut PgConnection,
    rec: &CaseRecord,
    ctx: &Ctx<'_>,
    kind: &str,
    data: Value,
) -> Result<()> {
    record_case_event(
        conn,
        &NewCaseEvent {
            case_id: rec.id,
            kind,
            occurred_at: ctx.at,
            actor: ctx.actor,
            visible_to_applicant: false,
            status_before: Some(&rec.status),
            status_after: Some(&rec.status),
            data,
            request_id: ctx.request_id,
        },
    )?;
    Ok(())
}

pub(super) fn audit_case(
    conn: &mut PgConnection,
    ctx: &Ctx<'_>,
    action: &str,
    before: &CaseRecord,
    after: Value,
) -> Result<()> {
    audit::record(
        conn,
        &NewAuditEvent {
            actor: ctx.actor,
            action,
            entity_type: "case",
            entity_id: &before.id.to_string(),
            before_state: Some(json!({"status": before.status, "version": before.version})),
            after_state: Some(after),
            request_id: ctx.request_id,
        },
    )?;
    Ok(())
}

pub(super) fn bump(conn: &mut PgConnection, rec: &CaseRecord, ctx: &Ctx<'_>) -> Result<CaseRecord> {
    Ok(diesel::update(cases::table.find(rec.id))
        .set((
            cases::version.eq(cases::version + 1),
            cases::updated_at.eq(ctx.at),
        ))
        .returning(CaseRecord::as_returning())
        .get_result(conn)?)
}

/// Writes the domain case's new state (columns) with its events and the
/// audit event. `open_question_id` is the question row behind
/// `t.case.question`; `extra` adds details to an event's data.
pub(super) fn commit(
    conn: &mut PgConnection,
    rec: &CaseRecord,
    t: &Transitioned,
    ctx: &Ctx<'_>,
    command: Command,
    open_question_id: Option<Uuid>,
    extra: &dyn Fn(&CaseEvent) -> Value,
) -> Result<CaseRecord> {
    let c = &t.case;
    let open_question_id = c.question.and(open_question_id);
    let waiting = (c.state == CaseState::AwaitingApplicant)
        .then_some(c.question)
        .flatten();
    let next_job_on = waiting.and_then(|q| q.current_reply_deadline().next_day());
    let details = Details {
        postponed_on: c.postponement.as_ref().map(|p| p.postponed_on),
        postponement_reason: c.postponement.as_ref().map(|p| p.reason.clone()),
        rejected_on: c.rejection.map(|r| r.rejected_on),
        rejection_appeal_deadline: c.rejection.map(|r| r.appeal_deadline),
        appealed_on: c.appeal.map(|a| a.appealed_on),
        appeal_against: c.appeal.map(|a| a.against.as_str().to_owned()),
        forwarded_on: c.forwarded_on,
        withdrawn_on: c.withdrawn_on,
        closed_on: c.closed_on,
    };
    let details = serde_json::to_value(details)
        .map_err(|_| TransitionError::Inconsistent("case details do not serialise"))?;
    let updated: CaseRecord = diesel::update(cases::table.find(rec.id))
        .set((
            cases::status.eq(c.state.as_str()),
            cases::last_change_on.eq(c.last_change_on),
            cases::completed_on.eq(c.completed_on),
            cases::linkage.eq(c.linkage.map(DataLinkage::as_str)),
            cases::statutory_deadline.eq(c.statutory_deadline),
            cases::due_on.eq(c.due_date()),
            cases::clock_paused.eq(waiting.is_some_and(|q| q.clock_paused)),
            cases::postponement_expected_on.eq(c.postponement.as_ref().map(|p| p.expected_on)),
            cases::open_question_id.eq(open_question_id),
            cases::decided_on.eq(c.decision.as_ref().map(|d| d.decided_on)),
            cases::decision_appeal_deadline.eq(c.decision.as_ref().and_then(|d| d.appeal_deadline)),
            cases::details.eq(details),
            cases::next_job_on.eq(next_job_on),
            cases::awaiting_delivery.eq(c.awaiting_delivery()),
            cases::data_made_available_on.eq(c.data_made_available_on()),
            cases::version.eq(cases::version + 1),
            cases::updated_at.eq(ctx.at),
        ))
        .returning(CaseRecord::as_returning())
        .get_result(conn)?;
    let before = rec.status.as_str();
    let after = c.state.as_str();
    for event in &t.events {
        record_case_event(
            conn,
            &NewCaseEvent {
                case_id: rec.id,
                kind: event.kind().as_str(),
                occurred_at: ctx.at,
                actor: ctx.actor,
                visible_to_applicant: true,
                status_before: Some(before),
                status_after: Some(after),
                data: merge(event_data(event), extra(event)),
                request_id: ctx.request_id,
            },
        )?;
    }
    follow_change_request(conn, rec, t, ctx)?;
    audit_case(
        conn,
        ctx,
        &format!("CASE_{}", command.as_str()),
        rec,
        json!({
            "status": after,
            "version": updated.version,
            "events": t.events.iter().map(|e| e.kind().as_str()).collect::<Vec<_>>(),
            "eventData": t.events.iter().map(event_data).collect::<Vec<_>>(),
        }),
    )?;
    Ok(updated)
}

/// A change request's decision or withdrawal is told on the original case
/// (issue 13; `crate::change_requests::follow_transition`).
fn follow_change_request(
    conn: &mut PgConnection,
    rec: &CaseRecord,
    t: &Transitioned,
    ctx: &Ctx<'_>,
) -> Result<()> {
    let kinds: Vec<&str> = t.events.iter().map(|e| e.kind().as_str()).collect();
    let outcomes = t
        .events
        .iter()
        .find(|e| matches!(e, CaseEvent::Decided { .. }))
        .map_or(Value::Null, |e| event_data(e)["outcomes"].clone());
    let acting = crate::change_requests::Acting {
        actor: ctx.actor,
        at: ctx.at,
        request_id: ctx.request_id,
    };
    crate::change_requests::follow_transition(conn, rec.id, &kinds, &outcomes, &acting)?;
    Ok(())
}

pub(super) fn no_extra(_: &CaseEvent) -> Value {
    Value::Null
}

pub(super) fn rules_refuse(rec: &CaseRecord, command: Command) -> Result<CaseState> {
    let state = parse_state(&rec.status)?;
    if hds_domain::case::is_allowed(state, command) {
        Ok(state)
    } else {
        Err(TransitionError::NotAllowed { state, command }.into())
    }
}
