//! Acknowledging a task (kvittere ut): the custodian has seen it.

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::tasks::TaskCommand;
use uuid::Uuid;

use super::actions::run_action;
use super::requests::AcknowledgeRequest;
use super::views::TaskDetailView;
use crate::auth::Principal;
use crate::error::{check_free_text, ApiError, Problem};
use crate::state::AppState;

/// Acknowledge the task (ASSIGNED → ACKNOWLEDGED).
#[utoipa::path(tag = "tasks", operation_id = "acknowledge_task", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        ("If-Match" = String, Header, description = "The task's ETag last read"),
    ),
    request_body(content = Option<AcknowledgeRequest>, description = "Optional note"),
    responses(
        (status = 200, description = "The task", body = TaskDetailView),
        (status = 403, description = "Not a registered custodian", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task for this custodian", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed in the task's state (why)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The task changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The note has problems", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
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
        serde_json::from_slice::<AcknowledgeRequest>(&body)
            .map_err(|e| {
                ApiError::bad_request(format!("the body is not a valid acknowledgement: {e}"))
            })?
            .note
    };
    if let Some(n) = &note {
        let mut problems = Vec::new();
        check_free_text(n, "/note", 2000, &mut problems);
        if !problems.is_empty() {
            return Err(ApiError::validation(problems));
        }
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
