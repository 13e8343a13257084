//! The cost estimate (kostnadsberegning): the applicant's, before
//! submitting (from the draft, at today's prices) and after (the case's);
//! HDS staff's on the case; and the case handler's estimate of HDS's hours.

use actix_web::{get, put, web, HttpRequest, HttpResponse};
use hds_domain::calendar::oslo_date;
use hds_domain::fees::HourRange;
use hds_persistence::applications::{self as applications_repo, DRAFT};
use hds_persistence::fees::{self as repo, estimate as estimates};
use uuid::Uuid;

use super::common::staff;
use super::mapping::estimate_view;
use super::requests::CostEstimateRequest;
use super::views::CostEstimateView;
use crate::access::{applicant, case_handler};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::http::etag::{json_with_etag, PRIVATE_NO_CACHE};
use crate::http::request_id::request_id;
use crate::routes::common::parse_hours;
use crate::spec::{IfNoneMatch, NotFound};
use crate::state::AppState;

/// The cost estimate of the caller's application (kostnadsberegning):
/// before submission from the draft as it is, at the prices in force today;
/// after submission the case's estimate (prices in force the day it was
/// received, the case handler's estimate of HDS's hours, waivers). With the
/// exemptions that apply and those that do not, and why.
#[utoipa::path(tag = "fees", operation_id = "get_application_cost_estimate", security(("bearerAuth" = ["APPLICANT"])),
    params(("id" = Uuid, Path, description = "The application's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The estimate", body = CostEstimateView,
            headers(("Cache-Control" = String))),
        (status = 404, response = NotFound),
    ))]
#[get("/applications/{id}/cost-estimate")]
pub(super) async fn get_application_cost_estimate(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let id = id.into_inner();
    let today = oslo_date(state.clock.now());
    let record = state
        .run(move |conn| {
            let (row, _) = applications_repo::find_accessible(conn, id, &pid)?;
            if row.status == DRAFT {
                return Ok(estimates::for_draft(conn, &row.content, today)?);
            }
            let case = applications_repo::case_of(conn, id)?;
            let fees = repo::case_fees(conn, case.id)?;
            Ok(estimates::for_case(conn, &fees)?)
        })
        .await?;
    json_with_etag(&req, &estimate_view(&record), PRIVATE_NO_CACHE)
}

/// The case's cost estimate (HDS staff): at the prices in force the day the
/// application was received, with the case handler's estimate of HDS's
/// hours, the waivers and what the case is (a change request, an appeal).
#[utoipa::path(tag = "fees", operation_id = "get_case_cost_estimate", security(("bearerAuth" = ["CASE_HANDLER", "ADMIN"])),
    params(("id" = Uuid, Path, description = "The case's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The estimate", body = CostEstimateView,
            headers(("Cache-Control" = String))),
        (status = 404, response = NotFound),
    ))]
#[get("/cases/{id}/cost-estimate")]
pub(super) async fn get_case_cost_estimate(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    staff(&principal)?;
    let id = id.into_inner();
    let record = state
        .run(move |conn| {
            let fees = repo::case_fees(conn, id)?;
            Ok(estimates::for_case(conn, &fees)?)
        })
        .await?;
    json_with_etag(&req, &estimate_view(&record), PRIVATE_NO_CACHE)
}

/// Set the case handler's estimate of HDS's hours on the case (replaces the
/// typical range on HDS's price list in the case's cost estimate; audited).
#[utoipa::path(tag = "fees", operation_id = "set_case_cost_estimate", security(("bearerAuth" = ["CASE_HANDLER"])),
    params(("id" = Uuid, Path, description = "The case's id")),
    request_body = CostEstimateRequest,
    responses(
        (status = 200, description = "The case's estimate", body = CostEstimateView,
            headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 404, response = NotFound),
    ))]
#[put("/cases/{id}/cost-estimate")]
pub(super) async fn set_case_cost_estimate(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<CostEstimateRequest>,
) -> Result<HttpResponse, ApiError> {
    case_handler(&principal)?;
    let mut problems = Vec::new();
    let low = parse_hours(&body.0.hds_hours.low, "/hdsHours/low", &mut problems);
    let high = parse_hours(&body.0.hds_hours.high, "/hdsHours/high", &mut problems);
    let (Some(low), Some(high), true) = (low, high, problems.is_empty()) else {
        return Err(ApiError::validation(problems));
    };
    let id = id.into_inner();
    let actor = principal.actor();
    let request_id = request_id(&req);
    let at = state.clock.now();
    let record = state
        .run(move |conn| {
            let ctx = hds_persistence::cases::Ctx {
                actor: &actor,
                at,
                request_id: request_id.as_deref(),
            };
            repo::waivers::set_hds_estimate(conn, id, HourRange { low, high }, &ctx)?;
            let fees = repo::case_fees(conn, id)?;
            Ok(estimates::for_case(conn, &fees)?)
        })
        .await?;
    json_with_etag(&req, &estimate_view(&record), PRIVATE_NO_CACHE)
}
