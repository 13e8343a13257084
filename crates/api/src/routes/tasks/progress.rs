//! Progress reports (framdrift) on a data preparation.

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::tasks::TaskCommand;
use uuid::Uuid;

use super::actions::run_action;
use super::requests::{date_problem, ProgressRequest};
use super::views::TaskDetailView;
use crate::auth::Principal;
use crate::error::{check_free_text, ApiError, FieldError, Problem};
use crate::extract::ApiJson;
use crate::state::AppState;

/// Report progress on a data preparation (→ IN_PREPARATION).
#[utoipa::path(tag = "tasks", operation_id = "report_task_progress", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        ("If-Match" = String, Header, description = "The task's ETag last read"),
    ),
    request_body = ProgressRequest,
    responses(
        (status = 200, description = "The task", body = TaskDetailView),
        (status = 403, description = "Not a registered custodian", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task for this custodian", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed in the task's state (why)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The task changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem with the report", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/tasks/{id}/progress")]
pub(super) async fn report_task_progress(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<ProgressRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let mut problems = Vec::new();
    check_free_text(&b.note, "/note", 5000, &mut problems);
    if b.percent_complete.is_some_and(|p| !(0..=100).contains(&p)) {
        problems.push(FieldError::new(
            "/percentComplete",
            "OUT_OF_RANGE",
            "between 0 and 100",
        ));
    }
    let expected = b
        .expected_delivery_on
        .as_deref()
        .and_then(|d| date_problem(d, "/expectedDeliveryOn", None, &mut problems));
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    run_action(
        &req,
        &state,
        &principal,
        id.into_inner(),
        TaskCommand::ReportProgress {
            note: b.note,
            percent_complete: b.percent_complete,
            expected_delivery_on: expected,
        },
    )
    .await
}
