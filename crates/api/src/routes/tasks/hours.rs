//! Hours worked (timer) on a task, for the custodian's invoice.

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::tasks::TaskCommand;
use uuid::Uuid;

use super::actions::run_action;
use super::requests::{date_problem, HoursRequest};
use super::views::TaskDetailView;
use crate::auth::Principal;
use crate::error::{check_free_text, ApiError, Problem};
use crate::extract::ApiJson;
use crate::routes::common::HoursCorrection;
use crate::routes::common::{check_new_work_hours, parse_hours};
use crate::state::AppState;
use hds_domain::calendar::oslo_date;
use hds_persistence::fees::NewHours;

/// Report hours worked on the task on one date (no state change), or
/// correct an earlier entry with a new one (REPLACES or ADJUSTS): the hours
/// the custodian's invoice basis bills. Hours are a decimal string, never a
/// JSON number. Allowed once the task is acknowledged.
#[utoipa::path(tag = "tasks", operation_id = "report_task_hours", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        ("If-Match" = String, Header, description = "The task's ETag last read"),
    ),
    request_body = HoursRequest,
    responses(
        (status = 200, description = "The task with its hours", body = TaskDetailView),
        (status = 403, description = "Not a registered custodian", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task for this custodian", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not acknowledged yet, or the task is done", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The task changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem with the hours or the correction (pointers into the body)", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/tasks/{id}/hours")]
pub(super) async fn report_task_hours(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<HoursRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let today = oslo_date(state.clock.now());
    let mut problems = Vec::new();
    let on = date_problem(&b.worked_on, "/workedOn", Some(today), &mut problems);
    check_free_text(&b.description, "/description", 2000, &mut problems);
    let hours = parse_hours(&b.hours, "/hours", &mut problems);
    if let Some(h) = hours {
        check_new_work_hours(h, b.correction.is_some(), &mut problems);
    }
    let (Some(worked_on), Some(hours), true) = (on, hours, problems.is_empty()) else {
        return Err(ApiError::validation(problems));
    };
    let new = NewHours {
        worked_on,
        hours,
        activity: b.activity.unwrap_or_default().into(),
        note: b.description,
        correction: b.correction.as_ref().map(HoursCorrection::to_domain),
    };
    run_action(
        &req,
        &state,
        &principal,
        id.into_inner(),
        TaskCommand::ReportHours(new),
    )
    .await
}
