//! Assignment (tildeling) of a case to a handler.

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::cases as repo;
use uuid::Uuid;

use super::commands::{handler_command, v};
use super::requests::AssignRequest;
use super::views::CaseDetail;
use crate::access::{case_handler, handler_id};
use crate::auth::Principal;
use crate::error::{ApiError, FieldError, Text};
use crate::extract::ApiJson;
use crate::spec::{Conflict, IfMatch, NotFound};
use crate::state::AppState;
use hds_domain::identity::NationalId;

/// Assign the case to yourself or another handler, or unassign it.
#[utoipa::path(tag = "cases", operation_id = "assign_case", security(("bearerAuth" = ["CASE_HANDLER"])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        IfMatch,
    ),
    request_body = AssignRequest,
    responses(
        (status = 200, description = "The case", body = CaseDetail),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/cases/{id}/assign")]
pub(super) async fn assign_case(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<AssignRequest>,
) -> Result<HttpResponse, ApiError> {
    let (me, my_name) = case_handler(&principal)?;
    let body = body.0;
    let assignee = if body.unassign {
        None
    } else if let Some(raw) = body.national_id.as_deref() {
        let pid = NationalId::parse(raw.trim()).map_err(|e| {
            ApiError::validation(vec![FieldError::new(
                "/nationalId",
                "INVALID_NATIONAL_ID",
                Text::new(
                    format!("ikke et gyldig fødselsnummer eller D-nummer: {}", e.nb()),
                    format!("not a valid fødselsnummer or D-nummer: {e}"),
                ),
            )])
        })?;
        Some((handler_id(pid.as_str()), body.name.clone()))
    } else {
        Some((me, my_name))
    };
    let id = id.into_inner();
    handler_command(
        &req,
        &state,
        &principal,
        true,
        move |conn, version, ctx, _| {
            let a = assignee
                .as_ref()
                .map(|(id, name)| (id.as_str(), name.as_deref()));
            Ok(repo::assign(conn, id, v(version)?, ctx, a)?)
        },
    )
    .await
}
