//! Internal notes (interne merknader): never shown to the applicant.

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::cases as repo;
use uuid::Uuid;

use super::commands::handler_command;
use super::requests::NoteRequest;
use super::views::CaseDetail;
use crate::auth::Principal;
use crate::error::{check_free_text, ApiError, Problem};
use crate::extract::ApiJson;
use crate::state::AppState;

/// Add an internal note (intern merknad). The applicant never sees notes.
/// No If-Match needed: a note does not change the case's state.
#[utoipa::path(tag = "cases", operation_id = "add_case_note", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "The case's id")),
    request_body = NoteRequest,
    responses(
        (status = 200, description = "The case", body = CaseDetail),
        (status = 403, description = "Not a case handler", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long text", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/cases/{id}/notes")]
pub(super) async fn add_case_note(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<NoteRequest>,
) -> Result<HttpResponse, ApiError> {
    let text = body.0.text;
    let mut problems = Vec::new();
    check_free_text(&text, "/text", 10_000, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let id = id.into_inner();
    handler_command(&req, &state, &principal, false, move |conn, _, ctx, _| {
        Ok(repo::add_note(conn, id, ctx, text.trim())?)
    })
    .await
}
