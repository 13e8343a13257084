//! Hours worked (timer) on a task, for the custodian's invoice.

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::tasks::TaskCommand;
use uuid::Uuid;

use super::actions::run_action;
use super::requests::{date_problem, HoursRequest};
use super::views::TaskDetailView;
use crate::auth::Principal;
use crate::error::{ApiError, FieldError, Text};
use crate::extract::ApiJson;
use crate::field_rules;
use crate::spec::{Conflict, IfMatch, NotFound};
use crate::state::AppState;
use hds_domain::calendar::oslo_date;
use hds_domain::task::{hours_worked, HoursProblem};

/// Report hours worked on the task on one date (no state change; for the
/// custodian's invoice later). Allowed once the task is acknowledged.
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
    let on = date_problem(&b.worked_on, "/workedOn", None, &mut problems);
    let mut hundredths = None;
    match hours_worked(b.hours, on.unwrap_or(today), today) {
        Ok(h) => hundredths = Some(i32::from(h)),
        Err(found) => {
            for p in found {
                let (pointer, code) = match p {
                    HoursProblem::OutOfRange => ("/hours", "OUT_OF_RANGE"),
                    HoursProblem::TooPrecise => ("/hours", "TOO_PRECISE"),
                    HoursProblem::InTheFuture => ("/workedOn", "IN_THE_FUTURE"),
                };
                problems.push(FieldError::new(
                    pointer,
                    code,
                    Text::new(p.nb(), p.to_string()),
                ));
            }
        }
    }
    let (Some(worked_on), Some(hundredths), true) = (on, hundredths, problems.is_empty()) else {
        return Err(ApiError::validation(problems));
    };
    run_action(
        &req,
        &state,
        &principal,
        id.into_inner(),
        TaskCommand::ReportHours {
            worked_on,
            hundredths,
            description: b.description,
        },
    )
    .await
}
