//! Planning the delivery of a granted source: the date agreed with the
//! applicant (avtalt frist), and a postponement with a preliminary reply
//! (foreløpig svar) when the due date cannot be kept.

use actix_web::{post, put, web, HttpRequest, HttpResponse};
use hds_persistence::task_delivery::DeliveryAction;
use uuid::Uuid;

use super::actions::run_delivery_action;
use super::requests::{date_problem, AgreedDeliveryDateRequest, TaskPostponementRequest};
use super::views::TaskDetailView;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::field_rules;
use crate::routes::common::refuse_too_far_ahead;
use crate::spec::{Conflict, IfMatch, NotFound};
use crate::state::AppState;

/// Postpone this source's delivery with a preliminary reply (foreløpig
/// svar, helseregisterloven § 19 f): the reason and the date the data will
/// probably be made available, later than the source's due date. The
/// applicant sees both on the case's timeline; only this source's due date
/// moves. The task keeps its state. A date more than `HDS_MAX_YEARS_AHEAD`
/// years ahead (default 3) is refused (422).
#[utoipa::path(tag = "tasks", operation_id = "postpone_task_delivery", security(("bearerAuth" = ["CUSTODIAN"])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        IfMatch,
    ),
    request_body = TaskPostponementRequest,
    responses(
        (status = 200, description = "The task with its new due date", body = TaskDetailView),
        (status = 404, response = NotFound),
        // a DECISION task, closed, not granted, the date not later than the due date or in the past
        (status = 409, response = Conflict),
    ))]
#[post("/tasks/{id}/postponement")]
pub(super) async fn postpone_task_delivery(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<TaskPostponementRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let mut problems = field_rules::check(&b);
    let expected_on = date_problem(&b.expected_on, "/expectedOn", None, &mut problems);
    if let Some(date) = expected_on {
        refuse_too_far_ahead(date, "/expectedOn", &state, &mut problems);
    }
    let Some(expected_on) = expected_on.filter(|_| problems.is_empty()) else {
        return Err(ApiError::validation(problems));
    };
    let action = DeliveryAction::Postpone {
        expected_on,
        reason: b.reason.trim().to_owned(),
    };
    run_delivery_action(&req, &state, &principal, id.into_inner(), action).await
}

/// Set the delivery date agreed with the applicant (avtalt frist, seed 004):
/// from today up to the source's due date; a later date needs a
/// postponement first. Setting it again replaces it. The applicant sees it
/// on the case's timeline. The task keeps its state. A date more than
/// `HDS_MAX_YEARS_AHEAD` years ahead (default 3) is refused (422).
#[utoipa::path(tag = "tasks", operation_id = "set_agreed_delivery_date", security(("bearerAuth" = ["CUSTODIAN"])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        IfMatch,
    ),
    request_body = AgreedDeliveryDateRequest,
    responses(
        (status = 200, description = "The task with the agreed date", body = TaskDetailView),
        (status = 404, response = NotFound),
        // a DECISION task, closed, not granted, the date in the past or after the due date
        (status = 409, response = Conflict),
    ))]
#[put("/tasks/{id}/agreed-delivery-date")]
pub(super) async fn set_agreed_delivery_date(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<AgreedDeliveryDateRequest>,
) -> Result<HttpResponse, ApiError> {
    let mut problems = Vec::new();
    let agreed_on = date_problem(&body.0.agreed_on, "/agreedOn", None, &mut problems);
    if let Some(date) = agreed_on {
        refuse_too_far_ahead(date, "/agreedOn", &state, &mut problems);
    }
    let Some(agreed_on) = agreed_on.filter(|_| problems.is_empty()) else {
        return Err(ApiError::validation(problems));
    };
    let action = DeliveryAction::AgreeDate { agreed_on };
    run_delivery_action(&req, &state, &principal, id.into_inner(), action).await
}
