//! Waivers (fritak) of a party's fee on a case: a case handler's decision
//! with a recorded reason, printed on the invoice line; audited.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use diesel::Connection;
use hds_domain::fees::Covers;
use hds_persistence::cases::Ctx;
use hds_persistence::fees as repo;
use uuid::Uuid;

use super::common::staff;
use super::mapping::waiver_view;
use super::requests::WaiverRequest;
use super::views::{WaiverCovers, WaiverView, WaiversView};
use crate::access::case_handler;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::field_rules;
use crate::http::etag::{json_with_etag, PRIVATE_NO_CACHE};
use crate::http::idempotency::{claim, http_response, keyed, respond_stored};
use crate::http::request_id::request_id;
use crate::spec::{IdempotencyKey, IfNoneMatch, NotFound};
use crate::state::AppState;

/// The waivers of the case's fees, oldest first (HDS staff).
#[utoipa::path(tag = "fees", operation_id = "list_fee_waivers", security(("bearerAuth" = ["CASE_HANDLER", "ADMIN"])),
    params(("id" = Uuid, Path, description = "The case's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The waivers", body = WaiversView,
            headers(("Cache-Control" = String))),
        (status = 404, response = NotFound),
    ))]
#[get("/cases/{id}/fee-waivers")]
pub(super) async fn list_fee_waivers(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    staff(&principal)?;
    let id = id.into_inner();
    let rows = state
        .run(move |conn| {
            hds_persistence::cases::find(conn, id)?;
            Ok(repo::case_waivers(conn, id)?)
        })
        .await?;
    let view = WaiversView {
        items: rows.iter().map(waiver_view).collect(),
    };
    json_with_etag(&req, &view, PRIVATE_NO_CACHE)
}

/// Waive a party's fee on the case (a case handler), in whole, the basic
/// fee or the hours, with a reason printed on the invoice line. Applies to
/// bases not yet issued; an issued one is credited and issued anew. Audited.
#[utoipa::path(tag = "fees", operation_id = "waive_fee", security(("bearerAuth" = ["CASE_HANDLER"])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        IdempotencyKey,
    ),
    request_body = WaiverRequest,
    responses(
        (status = 201, description = "The waiver", body = WaiverView, headers(("Location" = String))),
        (status = 404, response = NotFound),
    ))]
#[post("/cases/{id}/fee-waivers")]
pub(super) async fn waive_fee(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<WaiverRequest>,
) -> Result<HttpResponse, ApiError> {
    case_handler(&principal)?;
    let b = body.0;
    let problems = field_rules::check(&b);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let covers = match b.covers {
        WaiverCovers::Everything => Covers::Everything,
        WaiverCovers::BasicFee => Covers::BasicFee,
        WaiverCovers::Hours => Covers::Hours,
    };
    let id = id.into_inner();
    let keyed = keyed(&req, &principal.actor(), format!("{b:?}").as_bytes())?;
    let actor = principal.actor();
    let request_id = request_id(&req);
    let at = state.clock.now();
    let (stored, replayed) = state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                if let Some(stored) = claim(conn, keyed.as_ref())? {
                    return Ok((stored, true));
                }
                let ctx = Ctx {
                    actor: &actor,
                    at,
                    request_id: request_id.as_deref(),
                };
                let row =
                    repo::waivers::record_waiver(conn, id, &b.party, covers, &b.reason, &ctx)?;
                let headers = vec![("Location", format!("/api/v1/cases/{id}/fee-waivers"))];
                Ok((
                    respond_stored(conn, keyed.as_ref(), 201, headers, &waiver_view(&row))?,
                    false,
                ))
            })
        })
        .await?;
    Ok(http_response(stored, replayed))
}
