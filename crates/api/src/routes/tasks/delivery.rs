//! The delivery (utlevering), or that the data cannot be delivered.

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::task_delivery::DeliveryAction;
use uuid::Uuid;

use super::actions::run_delivery_action;
use super::requests::{date_problem, CannotDeliverRequest, DeliveryRequest};
use super::views::TaskDetailView;
use crate::auth::Principal;
use crate::error::{check_free_text, ApiError, Problem};
use crate::extract::ApiJson;
use crate::state::AppState;
use hds_domain::calendar::oslo_date;

/// Record the delivery (→ DELIVERED): date, method and what was delivered.
/// The case records it in the same transaction (the applicant's timeline
/// shows it; the statutory clock stops when it was the last granted source).
/// Refused (409) on a DECISION task, before the source is granted, for a
/// refused source, or with a delivery date before the decision.
#[utoipa::path(tag = "tasks", operation_id = "record_task_delivery", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        ("If-Match" = String, Header, description = "The task's ETag last read"),
    ),
    request_body = DeliveryRequest,
    responses(
        (status = 200, description = "The task, DELIVERED", body = TaskDetailView),
        (status = 403, description = "Not a registered custodian", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task for this custodian", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed (why: a DECISION task, not granted, refused, closed)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The task changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem with the delivery", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
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
    let mut problems = Vec::new();
    let on = date_problem(&b.delivered_on, "/deliveredOn", Some(today), &mut problems);
    check_free_text(&b.contents, "/contents", 5000, &mut problems);
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
#[utoipa::path(tag = "tasks", operation_id = "report_cannot_deliver", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        ("If-Match" = String, Header, description = "The task's ETag last read"),
    ),
    request_body = CannotDeliverRequest,
    responses(
        (status = 200, description = "The task, CANNOT_DELIVER", body = TaskDetailView),
        (status = 403, description = "Not a registered custodian", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task for this custodian", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed in the task's state (why)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The task changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The reason is missing", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
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
    let mut problems = Vec::new();
    check_free_text(&b.reason, "/reason", 5000, &mut problems);
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
