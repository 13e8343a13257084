//! The delivery (utlevering), or that the data cannot be delivered.

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::task_delivery::DeliveryAction;
use uuid::Uuid;

use super::actions::run_delivery_action;
use super::requests::{date_problem, CannotDeliverRequest, DeliveryRequest};
use super::views::TaskDetailView;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::field_rules;
use crate::spec::{Conflict, IfMatch, NotFound};
use crate::state::AppState;
use hds_domain::calendar::oslo_date;

/// Record the delivery (→ DELIVERED): date, method and what was delivered.
/// The case records it in the same transaction (the applicant's timeline
/// shows it; the statutory clock stops when it was the last granted source).
/// Refused (409) on a DECISION task, before the source is granted, for a
/// refused source, or with a delivery date before the decision.
#[utoipa::path(tag = "tasks", operation_id = "record_task_delivery", security(("bearerAuth" = ["CUSTODIAN"])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        IfMatch,
    ),
    request_body = DeliveryRequest,
    responses(
        (status = 200, description = "The task, DELIVERED", body = TaskDetailView),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/tasks/{id}/deliveries")]
pub(super) async fn record_task_delivery(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<DeliveryRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let today = oslo_date(state.clock.now());
    let mut problems = field_rules::check(&b);
    let on = date_problem(&b.delivered_on, "/deliveredOn", Some(today), &mut problems);
    let Some(delivered_on) = on.filter(|_| problems.is_empty()) else {
        return Err(ApiError::validation(problems));
    };
    run_delivery_action(
        &req,
        &state,
        &principal,
        id.into_inner(),
        DeliveryAction::Deliver {
            delivered_on,
            method: b.method.domain(),
            contents: b.contents,
        },
    )
    .await
}

/// Report that the data cannot be delivered (→ CANNOT_DELIVER), with the
/// reason the applicant reads. Ends the source's part like a delivery.
#[utoipa::path(tag = "tasks", operation_id = "report_cannot_deliver", security(("bearerAuth" = ["CUSTODIAN"])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        IfMatch,
    ),
    request_body = CannotDeliverRequest,
    responses(
        (status = 200, description = "The task, CANNOT_DELIVER", body = TaskDetailView),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/tasks/{id}/cannot-deliver")]
pub(super) async fn report_cannot_deliver(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<CannotDeliverRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let problems = field_rules::check(&b);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    run_delivery_action(
        &req,
        &state,
        &principal,
        id.into_inner(),
        DeliveryAction::CannotDeliver { reason: b.reason },
    )
    .await
}
