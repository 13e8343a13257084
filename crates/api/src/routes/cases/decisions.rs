//! Decisions (vedtak) per data source.

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::cases::{self as repo, Authority};
use uuid::Uuid;

use super::commands::{handler_command, v};
use super::requests::{decisions_input, DecideRequest};
use super::views::CaseDetail;
use crate::auth::Principal;
use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;
use crate::state::AppState;

/// Decide (vedtak) per data source: GRANTED, PARTLY_GRANTED (which variables
/// or period) or REFUSED, with legal basis, conditions and text. HDS decides
/// only the sources with decision authority HDS; the others are decided by
/// their custodians through DECISION tasks. When every source has a
/// decision the case is DECIDED, the appeal deadline is recorded (3 weeks,
/// next working day) and granted sources get DATA_PREPARATION tasks.
#[utoipa::path(tag = "cases", operation_id = "decide_case", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        ("If-Match" = String, Header, description = "The case's ETag last read"),
    ),
    request_body = DecideRequest,
    responses(
        (status = 200, description = "The case (DECIDED, or UNDER_REVIEW while custodians decide)", body = CaseDetail),
        (status = 403, description = "Not a case handler", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed now (the state machine's reason)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The case changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem with the decisions, with pointers", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/cases/{id}/decisions")]
pub(super) async fn decide_case(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<DecideRequest>,
) -> Result<HttpResponse, ApiError> {
    let mut problems = Vec::new();
    let given = decisions_input(body.0.decisions, "/decisions", &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let id = id.into_inner();
    handler_command(
        &req,
        &state,
        &principal,
        true,
        move |conn, version, ctx, rules| {
            Ok(repo::decide(
                conn,
                id,
                Some(v(version)?),
                ctx,
                rules,
                &given,
                Authority::Hds,
            )?)
        },
    )
    .await
}
