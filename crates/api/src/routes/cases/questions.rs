//! Questions to the applicant (spørsmål til søker), and their answers.

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::cases as repo;
use uuid::Uuid;

use super::commands::{applicant_command, handler_command, v};
use super::requests::{AnswerRequest, QuestionRequest};
use super::views::{ApplicantCaseView, CaseDetail};
use crate::auth::Principal;
use crate::error::{check_free_text, ApiError, Problem};
use crate::extract::ApiJson;
use crate::state::AppState;

/// Ask the applicant a question (put several in one text). They have 10
/// working days; after completeness the clock pauses (setting, default on).
#[utoipa::path(tag = "cases", operation_id = "ask_question", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        ("If-Match" = String, Header, description = "The case's ETag last read"),
    ),
    request_body = QuestionRequest,
    responses(
        (status = 200, description = "The case, AWAITING_APPLICANT", body = CaseDetail),
        (status = 403, description = "Not a case handler", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed now (the state machine's reason)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The case changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long text", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/cases/{id}/questions")]
pub(super) async fn ask_question(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<QuestionRequest>,
) -> Result<HttpResponse, ApiError> {
    let text = body.0.text;
    let mut problems = Vec::new();
    check_free_text(&text, "/text", 10_000, &mut problems);
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
#[utoipa::path(tag = "applications", operation_id = "answer_question", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        ("questionId" = Uuid, Path, description = "The question's id (from the timeline)"),
        ("If-Match" = String, Header, description = "The case's ETag last read"),
    ),
    request_body = AnswerRequest,
    responses(
        (status = 200, description = "The case", body = ApplicantCaseView),
        (status = 403, description = "A co-applicant cannot answer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application, case or question for the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The question does not wait for an answer (the reason)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The case changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long answer, or a national identity number in it", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/applications/{id}/case/questions/{questionId}/answer")]
pub(super) async fn answer_question(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<AnswerRequest>,
) -> Result<HttpResponse, ApiError> {
    let answer = body.0.answer;
    let mut problems = Vec::new();
    check_free_text(&answer, "/answer", 20_000, &mut problems);
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
