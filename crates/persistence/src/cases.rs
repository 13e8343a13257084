//! Case handling: the stored form of [`hds_domain::case::Case`], and one
//! function per command that loads the case (locked), checks the version the
//! caller read (If-Match), applies the domain command, and writes the new
//! state, its case events and an audit event in the caller's transaction.
//!
//! Storage:
//! - `cases` holds the domain case's scalar fields as columns, plus what the
//!   work queue filters and sorts on (`status`, `assignee`, `due_on`,
//!   `queue_due_on`, `clock_paused`) and what the job runner claims on
//!   (`next_job_on`, `overdue_flagged_for`).
//! - `case_sources` (filled from the frozen snapshot at submission),
//!   `case_questions`, `case_decisions` (per source and round) and
//!   `custodian_tasks` are child tables.
//! - Internal notes and assignments are case events that the applicant never
//!   sees (`visible_to_applicant = false`); case events are append-only.

use std::collections::BTreeSet;

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use diesel::PgConnection;
use hds_domain::calendar::{oslo_date, DataLinkage};
use hds_domain::case::{
    linkage_for, Appeal, AppealedAct, Case, CaseEvent, CaseRules, CaseState, Command, Decider,
    Decision, DecisionAuthority, DecisionOutcome, Postponement, Question, Reconsideration,
    Rejection, Reminder, SourceDecision, SourceDecisionDetails, SourceFacts, TransitionError,
    Transitioned,
};
use serde_json::{json, Map, Value};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::applications::{record_case_event, NewCaseEvent};
use crate::audit::{self, NewAuditEvent};
use crate::schema::{
    application_snapshots, case_decisions, case_events, case_questions, case_sources, cases,
    custodian_tasks, custodians, data_sources,
};
use crate::StoreError;

/// The actor of a `case_events` row written by the job runner.
pub const JOB_RUNNER: &str = "system:job-runner";

/// Task kinds and states (`custodian_tasks`).
pub const TASK_DECISION: &str = "DECISION";
pub const TASK_DATA_PREPARATION: &str = "DATA_PREPARATION";
pub const TASK_ASSIGNED: &str = "ASSIGNED";
pub const TASK_CANCELLED: &str = "CANCELLED";
/// Task states in which the custodian's work is still open.
pub const OPEN_TASK_STATES: [&str; 3] = ["ASSIGNED", "ACKNOWLEDGED", "IN_PREPARATION"];

/// A case row with every column.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cases)]
pub struct CaseRecord {
    pub id: Uuid,
    pub application_id: Uuid,
    pub case_number: String,
    pub status: String,
    pub received_at: OffsetDateTime,
    pub received_on: Date,
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub last_change_on: Date,
    pub assignee: Option<String>,
    pub assignee_name: Option<String>,
    pub completed_on: Option<Date>,
    pub linkage: Option<String>,
    pub statutory_deadline: Option<Date>,
    pub due_on: Option<Date>,
    pub clock_paused: bool,
    pub postponement_expected_on: Option<Date>,
    pub open_question_id: Option<Uuid>,
    pub decision_round: i32,
    pub decided_on: Option<Date>,
    pub decision_appeal_deadline: Option<Date>,
    /// The rest of the domain case (see [`Details`]).
    pub details: Value,
    pub next_job_on: Option<Date>,
    pub overdue_flagged_for: Option<Date>,
    pub queue_due_on: Date,
}

/// The domain case's fields kept in `cases.details` (never filtered on).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Details {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postponed_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postponement_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection_appeal_deadline: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appealed_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal_against: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forwarded_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<Date>,
}

impl CaseRecord {
    /// The fields kept in `details`.
    pub fn details(&self) -> Details {
        serde_json::from_value(self.details.clone()).unwrap_or_default()
    }
}

/// A data source of a case, with its custodian.
#[derive(Debug, Clone, Queryable)]
pub struct CaseSourceRow {
    pub data_source_id: Uuid,
    pub code: String,
    pub name_nb: String,
    pub name_en: String,
    pub custodian_id: Uuid,
    pub custodian_code: String,
    pub custodian_name: String,
    pub decision_authority: String,
    pub requested: Value,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_questions)]
pub struct QuestionRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub text: String,
    pub asked_on: Date,
    pub asked_at: OffsetDateTime,
    pub asked_by: String,
    pub reply_deadline: Date,
    pub clock_paused: bool,
    pub reminder_sent_on: Option<Date>,
    pub reminder_reply_deadline: Option<Date>,
    pub answered_on: Option<Date>,
    pub answered_at: Option<OffsetDateTime>,
    pub answered_by: Option<String>,
    pub answer: Option<String>,
    pub closed_without_answer: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_decisions)]
pub struct DecisionRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub data_source_id: Uuid,
    pub round: i32,
    pub outcome: String,
    pub legal_basis: Vec<String>,
    pub conditions: Vec<String>,
    pub text: String,
    pub granted_variables: Option<Vec<String>>,
    pub granted_period_from: Option<i32>,
    pub granted_period_to: Option<i32>,
    pub decided_on: Date,
    pub decided_at: OffsetDateTime,
    pub decided_by: String,
    pub authority: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = custodian_tasks)]
pub struct TaskRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub custodian_id: Uuid,
    pub data_source_id: Uuid,
    pub kind: String,
    pub state: String,
    pub state_reason: Option<String>,
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// Who acts, when, and under which request.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub actor: &'a str,
    pub at: OffsetDateTime,
    pub request_id: Option<&'a str>,
}

impl Ctx<'_> {
    /// The calendar date of the command in Europe/Oslo.
    pub fn on(&self) -> Date {
        oslo_date(self.at)
    }
}

/// A problem with a command's input, found against the stored case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub pointer: String,
    pub code: &'static str,
    pub message: String,
}

impl Invalid {
    fn new(pointer: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            code,
            message: message.into(),
        }
    }
}

/// Why a case command failed.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The state machine refuses (409 with its reason).
    #[error("{0}")]
    Refused(#[from] TransitionError),
    /// Refused for another reason tied to the case's state (409).
    #[error("{0}")]
    Conflict(String),
    /// The input does not fit the case (422, every problem at once).
    #[error("invalid input")]
    Invalid(Vec<Invalid>),
}

impl From<diesel::result::Error> for CaseError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(e.into())
    }
}

type Result<T> = std::result::Result<T, CaseError>;

// ------------------------------------------------------------------ loading

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<CaseRecord> {
    Ok(cases::table
        .find(id)
        .select(CaseRecord::as_select())
        .first(conn)
        .map_err(StoreError::from)?)
}

/// The case of an application (`NotFound` while a draft).
pub fn find_by_application(conn: &mut PgConnection, application_id: Uuid) -> Result<CaseRecord> {
    Ok(cases::table
        .filter(cases::application_id.eq(application_id))
        .select(CaseRecord::as_select())
        .first(conn)
        .map_err(StoreError::from)?)
}

/// Locks the case (`FOR UPDATE`) and checks the version the caller read:
/// writers of one case queue up here, and the loser of a race gets
/// `StaleVersion` (412).
pub fn lock(
    conn: &mut PgConnection,
    id: Uuid,
    expected_version: Option<i32>,
) -> Result<CaseRecord> {
    let rec: CaseRecord = cases::table
        .find(id)
        .select(CaseRecord::as_select())
        .for_update()
        .first(conn)
        .map_err(StoreError::from)?;
    if expected_version.is_some_and(|v| v != rec.version) {
        return Err(StoreError::StaleVersion.into());
    }
    Ok(rec)
}

fn parse_state(code: &str) -> Result<CaseState> {
    code.parse()
        .map_err(|_| TransitionError::Inconsistent("unknown case status").into())
}

/// The domain case stored in `rec` and its child rows.
pub fn to_domain(conn: &mut PgConnection, rec: &CaseRecord) -> Result<Case> {
    let question = match rec.open_question_id {
        Some(qid) => {
            let q: QuestionRow = case_questions::table
                .find(qid)
                .select(QuestionRow::as_select())
                .first(conn)?;
            Some(Question {
                asked_on: q.asked_on,
                reply_deadline: q.reply_deadline,
                clock_paused: q.clock_paused,
                reminder: q.reminder_sent_on.zip(q.reminder_reply_deadline).map(
                    |(sent_on, reply_deadline)| Reminder {
                        sent_on,
                        reply_deadline,
                    },
                ),
            })
        }
        None => None,
    };
    let decision = match rec.decided_on {
        Some(decided_on) => Some(Decision {
            decided_on,
            sources: current_decisions(conn, rec)?
                .into_iter()
                .map(|(d, code)| {
                    let outcome = d
                        .outcome
                        .parse::<DecisionOutcome>()
                        .map_err(|_| TransitionError::Inconsistent("unknown outcome"))?;
                    Ok(SourceDecision::new(code, outcome))
                })
                .collect::<Result<Vec<_>>>()?,
            appeal_deadline: rec.decision_appeal_deadline,
        }),
        None => None,
    };
    let linkage = rec
        .linkage
        .as_deref()
        .map(str::parse::<DataLinkage>)
        .transpose()
        .map_err(|_| TransitionError::Inconsistent("unknown linkage"))?;
    let details = rec.details();
    let against = details
        .appeal_against
        .as_deref()
        .map(str::parse::<AppealedAct>)
        .transpose()
        .map_err(|_| TransitionError::Inconsistent("unknown appealed act"))?;
    Ok(Case {
        state: parse_state(&rec.status)?,
        submitted_on: rec.received_on,
        last_change_on: rec.last_change_on,
        completed_on: rec.completed_on,
        linkage,
        statutory_deadline: rec.statutory_deadline,
        postponement: match (
            details.postponed_on,
            rec.postponement_expected_on,
            &details.postponement_reason,
        ) {
            (Some(postponed_on), Some(expected_on), Some(reason)) => Some(Postponement {
                postponed_on,
                expected_on,
                reason: reason.clone(),
            }),
            _ => None,
        },
        question,
        decision,
        rejection: details
            .rejected_on
            .zip(details.rejection_appeal_deadline)
            .map(|(rejected_on, appeal_deadline)| Rejection {
                rejected_on,
                appeal_deadline,
            }),
        appeal: details
            .appealed_on
            .zip(against)
            .map(|(appealed_on, against)| Appeal {
                appealed_on,
                against,
            }),
        forwarded_on: details.forwarded_on,
        withdrawn_on: details.withdrawn_on,
        closed_on: details.closed_on,
        delivery_parts: crate::case_delivery::delivery_parts(conn, rec.id)?,
    })
}

/// The data sources of a case, in the order the application lists them.
pub fn sources(conn: &mut PgConnection, case_id: Uuid) -> Result<Vec<CaseSourceRow>> {
    Ok(case_sources::table
        .inner_join(data_sources::table)
        .inner_join(custodians::table.on(custodians::id.eq(case_sources::custodian_id)))
        .filter(case_sources::case_id.eq(case_id))
        .order(case_sources::position.asc())
        .select((
            case_sources::data_source_id,
            case_sources::data_source_code,
            data_sources::name_nb,
            data_sources::name_en,
            case_sources::custodian_id,
            custodians::code,
            custodians::short_name,
            case_sources::decision_authority,
            case_sources::requested,
        ))
        .load(conn)?)
}

/// Every question of a case, oldest first.
pub fn questions(conn: &mut PgConnection, case_id: Uuid) -> Result<Vec<QuestionRow>> {
    Ok(case_questions::table
        .filter(case_questions::case_id.eq(case_id))
        .order((case_questions::asked_at.asc(), case_questions::id.asc()))
        .select(QuestionRow::as_select())
        .load(conn)?)
}

/// Every decision row of a case (all rounds), with the source code.
pub fn decisions(conn: &mut PgConnection, case_id: Uuid) -> Result<Vec<(DecisionRow, String)>> {
    Ok(case_decisions::table
        .inner_join(data_sources::table)
        .filter(case_decisions::case_id.eq(case_id))
        .order((case_decisions::round.asc(), data_sources::code.asc()))
        .select((DecisionRow::as_select(), data_sources::code))
        .load(conn)?)
}

fn current_decisions(
    conn: &mut PgConnection,
    rec: &CaseRecord,
) -> Result<Vec<(DecisionRow, String)>> {
    Ok(case_decisions::table
        .inner_join(data_sources::table)
        .filter(case_decisions::case_id.eq(rec.id))
        .filter(case_decisions::round.eq(rec.decision_round))
        .order(data_sources::code.asc())
        .select((DecisionRow::as_select(), data_sources::code))
        .load(conn)?)
}

/// The custodian tasks of a case, with the custodian's and the source's code.
pub fn tasks(conn: &mut PgConnection, case_id: Uuid) -> Result<Vec<(TaskRow, String, String)>> {
    Ok(custodian_tasks::table
        .inner_join(custodians::table)
        .inner_join(data_sources::table)
        .filter(custodian_tasks::case_id.eq(case_id))
        .order((
            custodian_tasks::created_at.asc(),
            custodian_tasks::kind.asc(),
            data_sources::code.asc(),
        ))
        .select((TaskRow::as_select(), custodians::code, data_sources::code))
        .load(conn)?)
}

/// The frozen submitted application.
pub fn snapshot(conn: &mut PgConnection, rec: &CaseRecord) -> Result<Value> {
    Ok(application_snapshots::table
        .filter(application_snapshots::application_id.eq(rec.application_id))
        .select(application_snapshots::content)
        .first(conn)?)
}

// ------------------------------------------------------------------ writing

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
        | CaseEvent::DataMadeAvailable { .. } => crate::case_delivery::event_data(event),
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
fn internal_event(
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

fn audit_case(
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

fn bump(conn: &mut PgConnection, rec: &CaseRecord, ctx: &Ctx<'_>) -> Result<CaseRecord> {
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
fn commit(
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
    audit_case(
        conn,
        ctx,
        &format!("CASE_{}", command.as_str()),
        rec,
        json!({
            "status": after,
            "version": updated.version,
            "events": t.events.iter().map(|e| e.kind().as_str()).collect::<Vec<_>>(),
        }),
    )?;
    Ok(updated)
}

fn no_extra(_: &CaseEvent) -> Value {
    Value::Null
}

fn rules_refuse(rec: &CaseRecord, command: Command) -> Result<CaseState> {
    let state = parse_state(&rec.status)?;
    if hds_domain::case::is_allowed(state, command) {
        Ok(state)
    } else {
        Err(TransitionError::NotAllowed { state, command }.into())
    }
}

// ----------------------------------------------------------------- commands

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
        return Err(CaseError::Conflict(format!(
            "{} cannot be assigned (nothing more can happen to it)",
            state.phrase()
        )));
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

/// The statutory clock an application gets from its frozen content.
pub fn linkage_of(conn: &mut PgConnection, rec: &CaseRecord) -> Result<DataLinkage> {
    let snapshot = snapshot(conn, rec)?;
    let source_count: i64 = case_sources::table
        .filter(case_sources::case_id.eq(rec.id))
        .count()
        .get_result(conn)?;
    let anonymous = snapshot
        .pointer("/content/dataKind/kind")
        .and_then(Value::as_str)
        == Some("ANONYMOUS");
    Ok(linkage_for(
        usize::try_from(source_count).unwrap_or(0),
        anonymous,
    ))
}

/// Marks the application complete on `completed_on` (default: today): the
/// statutory clock starts (30 or 60 working days from the snapshot's
/// sources and data kind). Sources where the custodian decides get a
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

fn create_task(
    conn: &mut PgConnection,
    case_id: Uuid,
    s: &CaseSourceRow,
    kind: &str,
    ctx: &Ctx<'_>,
) -> Result<bool> {
    let n = diesel::insert_into(custodian_tasks::table)
        .values((
            custodian_tasks::case_id.eq(case_id),
            custodian_tasks::custodian_id.eq(s.custodian_id),
            custodian_tasks::data_source_id.eq(s.data_source_id),
            custodian_tasks::kind.eq(kind),
            custodian_tasks::created_at.eq(ctx.at),
            custodian_tasks::updated_at.eq(ctx.at),
        ))
        .on_conflict((
            custodian_tasks::case_id,
            custodian_tasks::data_source_id,
            custodian_tasks::kind,
        ))
        .do_nothing()
        .execute(conn)?;
    if n > 0 {
        return Ok(true);
    }
    // A task cancelled earlier (e.g. a source refused, then granted on
    // appeal) is assigned again.
    let reopened = diesel::update(custodian_tasks::table)
        .filter(custodian_tasks::case_id.eq(case_id))
        .filter(custodian_tasks::data_source_id.eq(s.data_source_id))
        .filter(custodian_tasks::kind.eq(kind))
        .filter(custodian_tasks::state.eq(TASK_CANCELLED))
        .set((
            custodian_tasks::state.eq(TASK_ASSIGNED),
            custodian_tasks::state_reason.eq(None::<String>),
            custodian_tasks::version.eq(custodian_tasks::version + 1),
            custodian_tasks::updated_at.eq(ctx.at),
        ))
        .execute(conn)?;
    Ok(reopened > 0)
}

/// Why tasks are cancelled when a case is rejected for no reply; lifting the
/// rejection on appeal gives exactly these tasks back.
const REJECTED_REASON: &str = "the application was rejected: no reply to a question";

/// Gives back the tasks a rejection for no reply cancelled.
fn restore_rejected_tasks(conn: &mut PgConnection, case_id: Uuid, ctx: &Ctx<'_>) -> Result<usize> {
    Ok(diesel::update(custodian_tasks::table)
        .filter(custodian_tasks::case_id.eq(case_id))
        .filter(custodian_tasks::state.eq(TASK_CANCELLED))
        .filter(custodian_tasks::state_reason.eq(REJECTED_REASON))
        .set((
            custodian_tasks::state.eq(TASK_ASSIGNED),
            custodian_tasks::state_reason.eq(None::<String>),
            custodian_tasks::version.eq(custodian_tasks::version + 1),
            custodian_tasks::updated_at.eq(ctx.at),
        ))
        .execute(conn)?)
}

/// Cancels a case's open tasks (for one source, or all), e.g. after withdrawal.
fn cancel_tasks(
    conn: &mut PgConnection,
    case_id: Uuid,
    source: Option<Uuid>,
    reason: &str,
    ctx: &Ctx<'_>,
) -> Result<usize> {
    let mut q = diesel::update(custodian_tasks::table)
        .filter(custodian_tasks::case_id.eq(case_id))
        .filter(custodian_tasks::state.eq_any(OPEN_TASK_STATES))
        .into_boxed();
    if let Some(source) = source {
        q = q.filter(custodian_tasks::data_source_id.eq(source));
    }
    Ok(q.set((
        custodian_tasks::state.eq(TASK_CANCELLED),
        custodian_tasks::state_reason.eq(reason),
        custodian_tasks::version.eq(custodian_tasks::version + 1),
        custodian_tasks::updated_at.eq(ctx.at),
    ))
    .execute(conn)?)
}

/// Asks the applicant a question: 10 working days to answer; after
/// completeness the statutory clock pauses (if the rules say so).
pub fn ask_question(
    conn: &mut PgConnection,
    id: Uuid,
    version: i32,
    ctx: &Ctx<'_>,
    rules: &CaseRules,
    text: &str,
) -> Result<(CaseRecord, Uuid)> {
    let rec = lock(conn, id, Some(version))?;
    let case = to_domain(conn, &rec)?;
    let t = case.ask_question(rules, ctx.on())?;
    let q = t
        .case
        .question
        .ok_or(TransitionError::Inconsistent("asked without a question"))?;
    let qid: Uuid = diesel::insert_into(case_questions::table)
        .values((
            case_questions::case_id.eq(id),
            case_questions::text.eq(text),
            case_questions::asked_on.eq(q.asked_on),
            case_questions::asked_at.eq(ctx.at),
            case_questions::asked_by.eq(ctx.actor),
            case_questions::reply_deadline.eq(q.reply_deadline),
            case_questions::clock_paused.eq(q.clock_paused),
        ))
        .returning(case_questions::id)
        .get_result(conn)?;
    let text = text.to_owned();
    let extra = move |_: &CaseEvent| json!({"questionId": qid, "text": text});
    let updated = commit(conn, &rec, &t, ctx, Command::AskQuestion, Some(qid), &extra)?;
    Ok((updated, qid))
}

/// The applicant answers the open question `question_id`.
pub fn answer_question(
    conn: &mut PgConnection,
    id: Uuid,
    version: i32,
    ctx: &Ctx<'_>,
    rules: &CaseRules,
    question_id: Uuid,
    answer: &str,
) -> Result<CaseRecord> {
    let rec = lock(conn, id, Some(version))?;
    let q: QuestionRow = case_questions::table
        .filter(case_questions::case_id.eq(id))
        .filter(case_questions::id.eq(question_id))
        .select(QuestionRow::as_select())
        .first(conn)
        .map_err(StoreError::from)?;
    let case = to_domain(conn, &rec)?;
    if rec.open_question_id != Some(q.id) || case.state != CaseState::AwaitingApplicant {
        if q.answered_on.is_some() {
            return Err(CaseError::Conflict(format!(
                "this question was answered on {}",
                q.answered_on.map(|d| d.to_string()).unwrap_or_default()
            )));
        }
        // The state machine names why (e.g. rejected for no reply).
        case.answer_question(rules, ctx.on())?;
        return Err(CaseError::Conflict(
            "this question no longer waits for an answer".into(),
        ));
    }
    let t = case.answer_question(rules, ctx.on())?;
    diesel::update(case_questions::table.find(q.id))
        .set((
            case_questions::answered_on.eq(ctx.on()),
            case_questions::answered_at.eq(ctx.at),
            case_questions::answered_by.eq(ctx.actor),
            case_questions::answer.eq(answer),
        ))
        .execute(conn)?;
    let qid = q.id;
    let extra = move |e: &CaseEvent| match e {
        CaseEvent::QuestionAnswered { .. } => json!({"questionId": qid}),
        _ => Value::Null,
    };
    commit(conn, &rec, &t, ctx, Command::AnswerQuestion, None, &extra)
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

/// The decision for one data source, as given (the domain's rules check it).
pub type NewSourceDecision = SourceDecisionDetails;

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

/// Checks decisions against the case's sources and who decides them (the
/// rules are `hds_domain::case::check_decisions`).
fn check_decisions(
    sources: &[CaseSourceRow],
    given: &[NewSourceDecision],
    authority: Authority,
    pointer: &str,
) -> Vec<Invalid> {
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
    hds_domain::case::check_decisions(&facts, given, decider)
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

fn insert_decisions(
    conn: &mut PgConnection,
    case_id: Uuid,
    round: i32,
    sources: &[CaseSourceRow],
    given: &[NewSourceDecision],
    authority: Authority,
    ctx: &Ctx<'_>,
) -> Result<()> {
    for d in given {
        let Some(s) = sources.iter().find(|s| s.code == d.data_source) else {
            continue;
        };
        diesel::insert_into(case_decisions::table)
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
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn decision_json(d: &DecisionRow, code: &str) -> Value {
    json!({
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
fn finish_round(
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
    let details: Vec<Value> = rows.iter().map(|(d, c)| decision_json(d, c)).collect();
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
    let mut problems = check_decisions(&srcs, given, authority, "/decisions");
    let existing = current_decisions(conn, &rec)?;
    for (i, d) in given.iter().enumerate() {
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
        let data = json!({
            "decisions": given.iter().filter_map(|g| all.iter().find(|(_, c)| *c == g.data_source)).map(|(d, c)| decision_json(d, c)).collect::<Vec<_>>(),
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
            let mut problems = check_decisions(&srcs, given, Authority::Hds, "/decisions");
            for s in srcs.iter().filter(|s| s.decision_authority == "HDS") {
                if !given.iter().any(|g| g.data_source == s.code) {
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
                .map(|g| SourceDecision::new(g.data_source.clone(), g.outcome))
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
                diesel::insert_into(case_decisions::table)
                    .values((
                        case_decisions::case_id.eq(id),
                        case_decisions::data_source_id.eq(d.data_source_id),
                        case_decisions::round.eq(round),
                        case_decisions::outcome.eq(&d.outcome),
                        case_decisions::legal_basis.eq(&d.legal_basis),
                        case_decisions::conditions.eq(&d.conditions),
                        case_decisions::text.eq(&d.text),
                        case_decisions::granted_variables.eq(&d.granted_variables),
                        case_decisions::granted_period_from.eq(d.granted_period_from),
                        case_decisions::granted_period_to.eq(d.granted_period_to),
                        case_decisions::decided_on.eq(d.decided_on),
                        case_decisions::decided_at.eq(d.decided_at),
                        case_decisions::decided_by.eq(&d.decided_by),
                        case_decisions::authority.eq(&d.authority),
                    ))
                    .execute(conn)?;
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

/// The applicant withdraws: the case is WITHDRAWN and the custodians' open
/// tasks are cancelled.
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
    cancel_tasks(conn, id, None, "the application was withdrawn", ctx)?;
    commit(conn, &rec, &t, ctx, Command::Withdraw, None, &no_extra)
}

// ------------------------------------------------------------- work queue

/// The work queue's filters (all optional, combined with AND).
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Only these statuses; empty: every case not CLOSED or WITHDRAWN.
    pub statuses: Vec<String>,
    /// `Some(Some(id))`: assigned to this handler; `Some(None)`: unassigned.
    pub assignee: Option<Option<String>>,
    pub data_source: Option<String>,
    pub custodian: Option<String>,
    /// Due strictly before this date.
    pub due_before: Option<Date>,
    /// Due date passed on this date (and the clock not paused).
    pub overdue_on: Option<Date>,
    /// Not overdue on `.0`, due on or before `.1`.
    pub at_risk: Option<(Date, Date)>,
    /// Keyset: after this `(queue_due_on, id)`.
    pub after: Option<(Date, Uuid)>,
}

/// One page of the queue, sorted by due date (cases without one last), then
/// id; `limit + 1` rows when there are more.
pub fn queue(conn: &mut PgConnection, f: &QueueFilter, limit: i64) -> Result<Vec<CaseRecord>> {
    let mut q = cases::table
        .select(CaseRecord::as_select())
        .order((cases::queue_due_on.asc(), cases::id.asc()))
        .limit(limit + 1)
        .into_boxed();
    if f.statuses.is_empty() {
        q = q.filter(cases::status.ne_all(["CLOSED", "WITHDRAWN"]));
    } else {
        q = q.filter(cases::status.eq_any(f.statuses.clone()));
    }
    match &f.assignee {
        Some(Some(a)) => q = q.filter(cases::assignee.eq(a.clone())),
        Some(None) => q = q.filter(cases::assignee.is_null()),
        None => {}
    }
    if let Some(code) = &f.data_source {
        q = q.filter(
            cases::id.eq_any(
                case_sources::table
                    .filter(case_sources::data_source_code.eq(code.clone()))
                    .select(case_sources::case_id),
            ),
        );
    }
    if let Some(code) = &f.custodian {
        // Resolved first: a constant id lets the planner use
        // case_sources (custodian_id, case_id) instead of walking the queue.
        let id: Option<Uuid> = custodians::table
            .filter(custodians::code.eq(code))
            .select(custodians::id)
            .first(conn)
            .optional()?;
        let Some(id) = id else {
            return Ok(Vec::new());
        };
        q = q.filter(
            cases::id.eq_any(
                case_sources::table
                    .filter(case_sources::custodian_id.eq(id))
                    .select(case_sources::case_id),
            ),
        );
    }
    // Date filters also bound `queue_due_on` (equal to `due_on` where there
    // is one), so the queue index is scanned as a range.
    if let Some(d) = f.due_before {
        q = q
            .filter(cases::due_on.lt(d))
            .filter(cases::queue_due_on.lt(d));
    }
    if let Some(today) = f.overdue_on {
        q = q
            .filter(cases::due_on.lt(today))
            .filter(cases::queue_due_on.lt(today))
            .filter(cases::clock_paused.eq(false));
    }
    if let Some((today, until)) = f.at_risk {
        q = q
            .filter(cases::due_on.ge(today))
            .filter(cases::due_on.le(until))
            .filter(cases::queue_due_on.between(today, until));
    }
    if let Some((due, id)) = f.after {
        q = q.filter(
            cases::queue_due_on
                .gt(due)
                .or(cases::queue_due_on.eq(due).and(cases::id.gt(id))),
        );
    }
    Ok(q.load(conn)?)
}

/// The data source and custodian codes of some cases.
pub fn source_codes(
    conn: &mut PgConnection,
    case_ids: &[Uuid],
) -> Result<Vec<(Uuid, String, String)>> {
    Ok(case_sources::table
        .inner_join(custodians::table.on(custodians::id.eq(case_sources::custodian_id)))
        .filter(case_sources::case_id.eq_any(case_ids))
        .order((case_sources::case_id, case_sources::position))
        .select((
            case_sources::case_id,
            case_sources::data_source_code,
            custodians::code,
        ))
        .load(conn)?)
}

/// A case's full history, oldest first (case handlers see all of it).
pub fn history(
    conn: &mut PgConnection,
    case_id: Uuid,
) -> Result<Vec<crate::applications::CaseEventRow>> {
    Ok(crate::applications::case_events_of(conn, case_id, false)?)
}

// -------------------------------------------------------------- job runner

/// What one run of the scheduled rules did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobReport {
    /// The instant the rules ran for, and its date in Europe/Oslo.
    pub at: Option<OffsetDateTime>,
    pub on: Option<Date>,
    /// Case numbers that got a reminder (purring).
    pub reminders: Vec<String>,
    /// Case numbers rejected for no reply.
    pub rejections: Vec<String>,
    /// Case numbers flagged overdue.
    pub overdue: Vec<String>,
    /// Cases a rule could not act on, and why.
    pub errors: Vec<(String, String)>,
}

impl JobReport {
    pub fn acted(&self) -> usize {
        self.reminders.len() + self.rejections.len() + self.overdue.len()
    }
}

/// The reminder or rejection due on `today` for a claimed case, if any.
fn question_job(
    conn: &mut PgConnection,
    rec: &CaseRecord,
    today: Date,
    rules: &CaseRules,
    ctx: &Ctx<'_>,
) -> Result<Option<Command>> {
    let case = to_domain(conn, rec)?;
    match case.due_job(today) {
        Some(Command::SendReminder) => {
            let t = case.send_reminder(rules, today)?;
            let r = t.case.question.and_then(|q| q.reminder);
            if let (Some(qid), Some(r)) = (rec.open_question_id, r) {
                diesel::update(case_questions::table.find(qid))
                    .set((
                        case_questions::reminder_sent_on.eq(r.sent_on),
                        case_questions::reminder_reply_deadline.eq(r.reply_deadline),
                    ))
                    .execute(conn)?;
            }
            let qid = rec.open_question_id;
            let extra = move |_: &CaseEvent| json!({"questionId": qid});
            commit(conn, rec, &t, ctx, Command::SendReminder, qid, &extra)?;
            Ok(Some(Command::SendReminder))
        }
        Some(Command::RejectForNoReply) => {
            let t = case.reject_for_no_reply(rules, today)?;
            if let Some(qid) = rec.open_question_id {
                diesel::update(case_questions::table.find(qid))
                    .set(case_questions::closed_without_answer.eq("REJECTED_NO_REPLY"))
                    .execute(conn)?;
            }
            cancel_tasks(conn, rec.id, None, REJECTED_REASON, ctx)?;
            let qid = rec.open_question_id;
            let extra =
                move |_: &CaseEvent| json!({"questionId": qid, "newApplicationNeeded": true});
            commit(conn, rec, &t, ctx, Command::RejectForNoReply, qid, &extra)?;
            Ok(Some(Command::RejectForNoReply))
        }
        _ => Ok(None),
    }
}

/// One OVERDUE event per case and due date, for cases whose due date passed
/// before `today` (the clock not paused).
fn flag_overdue(
    conn: &mut PgConnection,
    today: Date,
    rules: &CaseRules,
    ctx: &Ctx<'_>,
    report: &mut JobReport,
) -> std::result::Result<(), StoreError> {
    loop {
        let flagged = conn.transaction::<_, StoreError, _>(|conn| {
            let claimed: Vec<CaseRecord> = cases::table
                .filter(cases::due_on.lt(today))
                .filter(cases::clock_paused.eq(false))
                .filter(cases::status.eq_any([
                    CaseState::UnderReview.as_str(),
                    CaseState::AwaitingApplicant.as_str(),
                ]))
                .filter(sql::<Bool>("overdue_flagged_for IS DISTINCT FROM due_on"))
                .order((cases::due_on.asc(), cases::id.asc()))
                .select(CaseRecord::as_select())
                .limit(100)
                .for_update()
                .skip_locked()
                .load(conn)?;
            let mut numbers = Vec::new();
            for rec in claimed {
                let Some(due) = rec.due_on else { continue };
                let days = rules.calendar.working_days_between(due, today);
                diesel::update(cases::table.find(rec.id))
                    .set(cases::overdue_flagged_for.eq(due))
                    .execute(conn)?;
                let mut data = Map::new();
                data.insert("dueOn".into(), Value::String(due.to_string()));
                data.insert("flaggedOn".into(), Value::String(today.to_string()));
                data.insert("workingDaysOverdue".into(), json!(days));
                internal_event(conn, &rec, ctx, "OVERDUE", Value::Object(data)).map_err(
                    |e| match e {
                        CaseError::Store(e) => e,
                        other => StoreError::Unavailable(other.to_string()),
                    },
                )?;
                numbers.push(rec.case_number);
            }
            Ok(numbers)
        })?;
        if flagged.is_empty() {
            break;
        }
        report.overdue.extend(flagged);
    }
    Ok(())
}

/// Runs every scheduled rule due at `at`: reminders once a reply deadline
/// has passed, rejections for no reply once the reminder's deadline has
/// passed, and one OVERDUE event per case and due date once the due date has
/// passed (not while the clock is paused).
///
/// Each case is claimed with `SELECT ... FOR UPDATE SKIP LOCKED` inside the
/// transaction that acts on it, so two runners never act on one case twice;
/// and each rule only finds cases it has not acted on yet (the reminder moves
/// `next_job_on` past `at`, the rejection clears it, the overdue flag records
/// the due date it was for), so a second run at the same instant does
/// nothing.
pub fn run_due_jobs(
    conn: &mut PgConnection,
    at: OffsetDateTime,
    rules: &CaseRules,
) -> std::result::Result<JobReport, StoreError> {
    let today = oslo_date(at);
    let mut report = JobReport {
        at: Some(at),
        on: Some(today),
        ..JobReport::default()
    };
    let ctx = Ctx {
        actor: JOB_RUNNER,
        at,
        request_id: None,
    };
    let mut skipped: Vec<Uuid> = Vec::new();
    // Reminders and rejections.
    loop {
        let outcome = conn.transaction::<_, CaseError, _>(|conn| {
            let claimed: Option<CaseRecord> = cases::table
                .filter(cases::next_job_on.le(today))
                .filter(cases::status.eq(CaseState::AwaitingApplicant.as_str()))
                .filter(cases::id.ne_all(skipped.clone()))
                .order((cases::next_job_on.asc(), cases::id.asc()))
                .select(CaseRecord::as_select())
                .for_update()
                .skip_locked()
                .first(conn)
                .optional()?;
            let Some(rec) = claimed else {
                return Ok(None);
            };
            let number = rec.case_number.clone();
            let result = conn.transaction::<_, CaseError, _>(|conn| {
                question_job(conn, &rec, today, rules, &ctx)
            });
            Ok(Some((rec.id, number, result)))
        });
        match outcome {
            Ok(None) => break,
            Ok(Some((id, number, result))) => match result {
                Ok(Some(Command::SendReminder)) => report.reminders.push(number),
                Ok(Some(_)) => report.rejections.push(number),
                Ok(None) => skipped.push(id),
                Err(e) => {
                    skipped.push(id);
                    report.errors.push((number, e.to_string()));
                }
            },
            Err(CaseError::Store(e)) => return Err(e),
            Err(e) => return Err(StoreError::Unavailable(e.to_string())),
        }
    }
    flag_overdue(conn, today, rules, &ctx, &mut report)?;
    Ok(report)
}

/// Case events of one kind (tests and the job report).
pub fn count_events(conn: &mut PgConnection, case_id: Uuid, kind: &str) -> Result<i64> {
    Ok(case_events::table
        .filter(case_events::case_id.eq(case_id))
        .filter(case_events::kind.eq(kind))
        .count()
        .get_result(conn)?)
}
