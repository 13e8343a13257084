//! Closing a case (avslutte saken).

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::cases as repo;
use uuid::Uuid;

use super::commands::{handler_command, v};
use super::views::CaseDetail;
use crate::auth::Principal;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

/// Close the case: a decided case after the appeal deadline (or when all
/// was granted), a rejected one after its appeal deadline, one at
/// Helseklage when Helseklage has decided.
#[utoipa::path(tag = "cases", operation_id = "close_case", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        ("If-Match" = String, Header, description = "The case's ETag last read"),
    ),
    responses(
        (status = 200, description = "The case, CLOSED", body = CaseDetail),
        (status = 403, description = "Not a case handler", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed now (e.g. the appeal period is open)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The case changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/cases/{id}/close")]
pub(super) async fn close_case(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    handler_command(
        &req,
        &state,
        &principal,
        true,
        move |conn, version, ctx, _| Ok(repo::close(conn, id, v(version)?, ctx)?),
    )
    .await
}
