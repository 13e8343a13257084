//! 30 or 60 working days: the case handler sets the statutory clock against
//! the linkage plan, with a reason.

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::cases as repo;
use uuid::Uuid;

use super::commands::{handler_command, v};
use super::requests::LinkageRequest;
use super::views::CaseDetail;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::field_rules;
use crate::spec::{Conflict, IfMatch, NotFound};
use crate::state::AppState;

/// Set the statutory clock (30 or 60 working days, helseregisterloven
/// § 19 f) against what the application's linkage plan gives, with a
/// reason: e.g. the plan names no linkage the data need, or names one they
/// do not. The deadline is counted again from the completion date (pauses
/// kept); a postponed date stays as the applicant was told. The applicant
/// sees the new deadline and the reason; the audit trail records both.
/// While the clock runs: under review, awaiting the applicant after
/// completeness, or decided with data awaited.
#[utoipa::path(tag = "cases", operation_id = "set_case_linkage", security(("bearerAuth" = ["CASE_HANDLER"])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        IfMatch,
    ),
    request_body = LinkageRequest,
    responses(
        (status = 200, description = "The case with its new statutory deadline", body = CaseDetail),
        (status = 404, response = NotFound),
        // the clock has not started or has stopped, or the linkage is already this
        (status = 409, response = Conflict),
    ))]
#[post("/cases/{id}/linkage")]
pub(super) async fn set_case_linkage(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<LinkageRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let problems = field_rules::check(&body);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let linkage = body.linkage.domain();
    let reason = body.reason.trim().to_owned();
    let id = id.into_inner();
    handler_command(
        &req,
        &state,
        &principal,
        true,
        move |conn, version, ctx, rules| {
            Ok(repo::set_linkage(
                conn,
                id,
                v(version)?,
                ctx,
                rules,
                linkage,
                &reason,
            )?)
        },
    )
    .await
}
