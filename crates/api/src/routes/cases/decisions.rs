//! Decisions (vedtak) per data source.

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::cases::{self as repo, Authority};
use uuid::Uuid;

use super::commands::{handler_command, v};
use super::requests::{decisions_input, DecideRequest};
use super::views::CaseDetail;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::spec::{Conflict, IfMatch, NotFound};
use crate::state::AppState;

/// Decide (vedtak) per data source: GRANTED, PARTLY_GRANTED (which variables
/// or period) or REFUSED, with legal basis, conditions and text. HDS decides
/// only the sources with decision authority HDS; the others are decided by
/// their custodians through DECISION tasks. When every source has a
/// decision the case is DECIDED, the appeal deadline is recorded (3 weeks,
/// next working day) and granted sources get DATA_PREPARATION tasks.
#[utoipa::path(tag = "cases", operation_id = "decide_case", security(("bearerAuth" = ["CASE_HANDLER"])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        IfMatch,
    ),
    request_body = DecideRequest,
    responses(
        (status = 200, description = "The case (DECIDED, or UNDER_REVIEW while custodians decide)", body = CaseDetail),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
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
