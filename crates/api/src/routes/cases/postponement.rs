//! Postponement with a preliminary reply (foreløpig svar).

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::cases as repo;
use uuid::Uuid;

use super::commands::{handler_command, v};
use super::requests::{parse_date, PostponeRequest};
use super::views::CaseDetail;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::field_rules;
use crate::routes::common::refuse_too_far_ahead;
use crate::spec::{Conflict, IfMatch, NotFound};
use crate::state::AppState;

/// Postpone with a preliminary reply (foreløpig svar): the reason and the
/// new expected date, later than the current due date and at most
/// `HDS_MAX_YEARS_AHEAD` years ahead (default 3; later is 422). The applicant
/// sees both.
#[utoipa::path(tag = "cases", operation_id = "postpone_case", security(("bearerAuth" = ["CASE_HANDLER"])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        IfMatch,
    ),
    request_body = PostponeRequest,
    responses(
        (status = 200, description = "The case", body = CaseDetail),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/cases/{id}/postpone")]
pub(super) async fn postpone_case(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<PostponeRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let mut problems = field_rules::check(&body);
    let expected_on = parse_date(&body.expected_on, "/expectedOn")
        .map_err(|e| problems.push(e))
        .ok();
    if let Some(date) = expected_on {
        refuse_too_far_ahead(date, "/expectedOn", &state, &mut problems);
    }
    let Some(expected_on) = expected_on.filter(|_| problems.is_empty()) else {
        return Err(ApiError::validation(problems));
    };
    let reason = body.reason.trim().to_owned();
    let id = id.into_inner();
    handler_command(
        &req,
        &state,
        &principal,
        true,
        move |conn, version, ctx, _| {
            Ok(repo::postpone(
                conn,
                id,
                v(version)?,
                ctx,
                expected_on,
                &reason,
            )?)
        },
    )
    .await
}
