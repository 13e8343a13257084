//! Progress reports (framdrift) on a data preparation.

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::tasks::TaskCommand;
use uuid::Uuid;

use super::actions::run_action;
use super::requests::{date_problem, ProgressRequest};
use super::views::TaskDetailView;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::field_rules;
use crate::spec::{Conflict, IfMatch, NotFound};
use crate::state::AppState;

/// Report progress on a data preparation (→ IN_PREPARATION).
#[utoipa::path(tag = "tasks", operation_id = "report_task_progress", security(("bearerAuth" = ["CUSTODIAN"])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        IfMatch,
    ),
    request_body = ProgressRequest,
    responses(
        (status = 200, description = "The task", body = TaskDetailView),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
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
    let mut problems = field_rules::check(&b);
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
