//! Closing a case (avslutte saken).

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::cases as repo;
use uuid::Uuid;

use super::commands::{handler_command, v};
use super::views::CaseDetail;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::spec::{Conflict, IfMatch, NotFound};
use crate::state::AppState;

/// Close the case: a decided case after the appeal deadline (or when all
/// was granted), a rejected one after its appeal deadline, one at
/// Helseklage when Helseklage has decided.
#[utoipa::path(tag = "cases", operation_id = "close_case", security(("bearerAuth" = ["CASE_HANDLER"])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        IfMatch,
    ),
    responses(
        (status = 200, description = "The case, CLOSED", body = CaseDetail),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
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
