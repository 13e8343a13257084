//! Completeness (komplett søknad): day 0 of the statutory clock.

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::cases as repo;
use uuid::Uuid;

use super::commands::{handler_command, v};
use super::requests::{parse_date, CompleteRequest};
use super::views::CaseDetail;
use crate::auth::Principal;
use crate::error::{ApiError, FieldError, Text};
use crate::extract::ApiJson;
use crate::spec::{Conflict, IfMatch, NotFound};
use crate::state::AppState;
use hds_domain::calendar::oslo_date;

/// Mark the application complete: records the completion date (day 0) and
/// starts the statutory clock that runs until the data are made available:
/// 30 working days, or 60 when the submitted application's linkage plan
/// links data from two or more registers (helseregisterloven § 19 f; the
/// case handler can set it otherwise with `/linkage`). Sources whose
/// custodian decides get a DECISION task.
#[utoipa::path(tag = "cases", operation_id = "mark_case_complete", security(("bearerAuth" = ["CASE_HANDLER"])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        IfMatch,
    ),
    request_body = CompleteRequest,
    responses(
        (status = 200, description = "The case, UNDER_REVIEW", body = CaseDetail),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/cases/{id}/complete")]
pub(super) async fn mark_case_complete(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<CompleteRequest>,
) -> Result<HttpResponse, ApiError> {
    let today = oslo_date(state.clock.now());
    let completed_on = match body.0.completed_on.as_deref() {
        None => None,
        Some(raw) => {
            let d = parse_date(raw, "/completedOn").map_err(|e| ApiError::validation(vec![e]))?;
            if d > today {
                return Err(ApiError::validation(vec![FieldError::new(
                    "/completedOn",
                    "IN_THE_FUTURE",
                    Text::new(
                        "fullføringsdatoen kan ikke være fram i tid",
                        "the completion date cannot be in the future",
                    ),
                )]));
            }
            Some(d)
        }
    };
    let id = id.into_inner();
    handler_command(
        &req,
        &state,
        &principal,
        true,
        move |conn, version, ctx, rules| {
            Ok(repo::mark_complete(
                conn,
                id,
                v(version)?,
                ctx,
                rules,
                completed_on,
            )?)
        },
    )
    .await
}
