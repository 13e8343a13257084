//! The scheduled rules: reminders, rejections for no reply, overdue flags.
//! Each writes its case events and its audit event in the transaction that
//! acts (reminders and rejections through `commit`, overdue flags here).

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use diesel::PgConnection;
use hds_domain::calendar::oslo_date;
use hds_domain::case::{CaseEvent, CaseRules, CaseState, Command};
use serde_json::{json, Map, Value};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::schema::{case_events, case_questions, cases};
use crate::StoreError;

use super::commit::{audit_case, commit, internal_event};
use super::custodian_tasks::{cancel_tasks, REJECTED_REASON};
use super::load::to_domain;
use super::rows::CaseRecord;
use super::{CaseError, Ctx, Result, JOB_RUNNER};

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
/// before `today` (the clock not paused): under review or awaiting the
/// applicant, and decided cases whose data are not yet made available (a
/// late delivery; their due date is cleared once the data are available).
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
                    CaseState::Decided.as_str(),
                    CaseState::Appealed.as_str(),
                    CaseState::ForwardedToAppealsBody.as_str(),
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
                // late in making the data available, after the decision
                data.insert("awaitingDelivery".into(), json!(rec.awaiting_delivery));
                let audit = json!({
                    "status": rec.status,
                    "version": rec.version,
                    "events": ["OVERDUE"],
                    "dueOn": due.to_string(),
                    "workingDaysOverdue": days,
                    "awaitingDelivery": rec.awaiting_delivery,
                });
                internal_event(conn, &rec, ctx, "OVERDUE", Value::Object(data))
                    .and_then(|()| audit_case(conn, ctx, "CASE_OVERDUE_FLAGGED", &rec, audit))
                    .map_err(|e| match e {
                        CaseError::Store(e) => e,
                        other => StoreError::Unavailable(other.to_string()),
                    })?;
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
/// passed (not while the clock is paused), before the decision and while
/// decided data await delivery.
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
