//! Hours worked (timer) on a task, for the custodian's invoice.

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::tasks::TaskCommand;
use uuid::Uuid;

use super::actions::run_action;
use super::requests::{date_problem, HoursRequest};
use super::views::TaskDetailView;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::field_rules;
use crate::routes::common::{check_new_work_hours, parse_hours, HoursCorrection};
use crate::spec::{Conflict, IfMatch, NotFound};
use crate::state::AppState;
use hds_domain::calendar::oslo_date;
use hds_persistence::fees::NewHours;

/// Report hours worked on the task on one date (no state change), or
/// correct an earlier entry with a new one (REPLACES or ADJUSTS): the hours
/// the custodian's invoice basis bills. Hours are a decimal string, never a
/// JSON number. Allowed once the task is acknowledged. 422 names every
/// problem with the hours or the correction (pointers into the body).
#[utoipa::path(tag = "tasks", operation_id = "report_task_hours", security(("bearerAuth" = ["CUSTODIAN"])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        IfMatch,
    ),
    request_body = HoursRequest,
    responses(
        (status = 200, description = "The task with its hours", body = TaskDetailView),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
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
    let mut problems = field_rules::check(&b);
    let on = date_problem(&b.worked_on, "/workedOn", Some(today), &mut problems);
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
