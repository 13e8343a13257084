//! Loading a case: by id or application, locked for a command (with the
//! version check), as the domain's `Case`, and its child rows.

use diesel::prelude::*;
use diesel::PgConnection;
use hds_domain::calendar::DataLinkage;
use hds_domain::case::{
    Appeal, AppealedAct, Case, CaseState, Decision, DecisionOutcome, Postponement, Question,
    Rejection, Reminder, SourceDecision, TransitionError,
};
use serde_json::Value;
use uuid::Uuid;

use crate::schema::{
    application_snapshots, case_decisions, case_questions, case_sources, cases, custodian_tasks,
    custodians, data_sources,
};
use crate::StoreError;

use super::rows::{CaseRecord, CaseSourceRow, DecisionRow, QuestionRow, TaskRow};
use super::Result;

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

pub(super) fn parse_state(code: &str) -> Result<CaseState> {
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
        delivery_parts: super::delivery::delivery_parts(conn, rec.id)?,
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

pub(super) fn current_decisions(
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
