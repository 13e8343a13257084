//! Internal notes (interne merknader): never shown to the applicant.

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::cases as repo;
use uuid::Uuid;

use super::commands::handler_command;
use super::requests::NoteRequest;
use super::views::CaseDetail;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::field_rules;
use crate::spec::NotFound;
use crate::state::AppState;

/// Add an internal note (intern merknad). The applicant never sees notes.
/// No If-Match needed: a note does not change the case's state.
#[utoipa::path(tag = "cases", operation_id = "add_case_note", security(("bearerAuth" = ["CASE_HANDLER"])),
    params(("id" = Uuid, Path, description = "The case's id")),
    request_body = NoteRequest,
    responses(
        (status = 200, description = "The case", body = CaseDetail),
        (status = 404, response = NotFound),
    ))]
#[post("/cases/{id}/notes")]
pub(super) async fn add_case_note(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<NoteRequest>,
) -> Result<HttpResponse, ApiError> {
    let problems = field_rules::check(&body.0);
    let text = body.0.text;
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let id = id.into_inner();
    handler_command(&req, &state, &principal, false, move |conn, _, ctx, _| {
        Ok(repo::add_note(conn, id, ctx, text.trim())?)
    })
    .await
}
