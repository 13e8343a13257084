//! Questions to the applicant (spørsmål til søker), and their answers.

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::cases as repo;
use uuid::Uuid;

use super::commands::{applicant_command, handler_command, v};
use super::requests::{AnswerRequest, QuestionRequest};
use super::views::{ApplicantCaseView, CaseDetail};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::field_rules;
use crate::spec::{Conflict, IfMatch, NotFound};
use crate::state::AppState;

/// Ask the applicant a question (put several in one text). They have 10
/// working days; after completeness the clock pauses (setting, default on).
#[utoipa::path(tag = "cases", operation_id = "ask_question", security(("bearerAuth" = ["CASE_HANDLER"])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        IfMatch,
    ),
    request_body = QuestionRequest,
    responses(
        (status = 200, description = "The case, AWAITING_APPLICANT", body = CaseDetail),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/cases/{id}/questions")]
pub(super) async fn ask_question(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<QuestionRequest>,
) -> Result<HttpResponse, ApiError> {
    let problems = field_rules::check(&body.0);
    let text = body.0.text;
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let id = id.into_inner();
    handler_command(
        &req,
        &state,
        &principal,
        true,
        move |conn, version, ctx, rules| {
            Ok(repo::ask_question(conn, id, v(version)?, ctx, rules, text.trim())?.0)
        },
    )
    .await
}

/// Answer a question from HDS (svar på spørsmål). Owner only; `If-Match`
/// with the case's ETag (`GET /applications/{id}/case`). The case goes back
/// to handling and a paused clock resumes (the deadline moves by the working
/// days paused). Accepted until the case is actually rejected.
#[utoipa::path(tag = "applications", operation_id = "answer_question", security(("bearerAuth" = ["APPLICANT"])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        ("questionId" = Uuid, Path, description = "The question's id (from the timeline)"),
        IfMatch,
    ),
    request_body = AnswerRequest,
    responses(
        (status = 200, description = "The case", body = ApplicantCaseView),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/applications/{id}/case/questions/{questionId}/answer")]
pub(super) async fn answer_question(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<AnswerRequest>,
) -> Result<HttpResponse, ApiError> {
    let problems = field_rules::check(&body.0);
    let answer = body.0.answer;
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let (id, question_id) = path.into_inner();
    applicant_command(
        &req,
        &state,
        &principal,
        id,
        move |conn, case_id, version, ctx, rules| {
            Ok(repo::answer_question(
                conn,
                case_id,
                version,
                ctx,
                rules,
                question_id,
                answer.trim(),
            )?)
        },
    )
    .await
}
