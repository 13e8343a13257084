//! Acknowledging a task (kvittere ut): the custodian has seen it.

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::tasks::TaskCommand;
use uuid::Uuid;

use super::actions::run_action;
use super::requests::AcknowledgeRequest;
use super::views::TaskDetailView;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::parse_json;
use crate::field_rules;
use crate::spec::{Conflict, IfMatch, NotFound};
use crate::state::AppState;

/// Acknowledge the task (ASSIGNED → ACKNOWLEDGED).
#[utoipa::path(tag = "tasks", operation_id = "acknowledge_task", security(("bearerAuth" = ["CUSTODIAN"])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        IfMatch,
    ),
    request_body(content = Option<AcknowledgeRequest>, description = "Optional note"),
    responses(
        (status = 200, description = "The task", body = TaskDetailView),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/tasks/{id}/acknowledge")]
pub(super) async fn acknowledge_task(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    // the body is optional; when given it must be valid
    let note = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        parse_json::<AcknowledgeRequest>(&body)?.note
    };
    let problems = field_rules::check(&AcknowledgeRequest { note: note.clone() });
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    run_action(
        &req,
        &state,
        &principal,
        id.into_inner(),
        TaskCommand::Acknowledge { note },
    )
    .await
}
