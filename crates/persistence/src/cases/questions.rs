//! Questions to the applicant and their answers.

use diesel::prelude::*;
use diesel::PgConnection;
use hds_domain::case::{CaseEvent, CaseRules, CaseState, Command, TransitionError};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::schema::case_questions;
use crate::StoreError;

use super::commit::commit;
use super::load::{lock, to_domain};
use super::rows::{CaseRecord, QuestionRow};
use super::{CaseError, Ctx, Result};

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
            let on = q.answered_on.map(|d| d.to_string()).unwrap_or_default();
            return Err(CaseError::Conflict {
                en: format!("this question was answered on {on}"),
                nb: format!("dette spørsmålet ble besvart {on}"),
            });
        }
        // The state machine names why (e.g. rejected for no reply).
        case.answer_question(rules, ctx.on())?;
        return Err(CaseError::Conflict {
            en: "this question no longer waits for an answer".into(),
            nb: "dette spørsmålet venter ikke lenger på svar".into(),
        });
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
