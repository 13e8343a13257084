//! Postponement with a preliminary reply (foreløpig svar).

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::cases as repo;
use uuid::Uuid;

use super::commands::{handler_command, v};
use super::requests::{parse_date, PostponeRequest};
use super::views::CaseDetail;
use crate::auth::Principal;
use crate::error::{check_free_text, ApiError, Problem};
use crate::extract::ApiJson;
use crate::state::AppState;

/// Postpone with a preliminary reply (foreløpig svar): the reason and the
/// new expected date, later than the current due date. The applicant sees both.
#[utoipa::path(tag = "cases", operation_id = "postpone_case", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        ("If-Match" = String, Header, description = "The case's ETag last read"),
    ),
    request_body = PostponeRequest,
    responses(
        (status = 200, description = "The case", body = CaseDetail),
        (status = 403, description = "Not a case handler", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed now, or the date is not later than the current deadline", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The case changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad date or an empty reason", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
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
    let mut problems = Vec::new();
    let expected_on = parse_date(&body.expected_on, "/expectedOn")
        .map_err(|e| problems.push(e))
        .ok();
    check_free_text(&body.reason, "/reason", 5_000, &mut problems);
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
