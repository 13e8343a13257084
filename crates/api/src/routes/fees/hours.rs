//! HDS's hours on a case (timeføring): the ledger, and a new entry or a
//! correction (a new entry that replaces or adjusts an earlier one: entries
//! are never edited).

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use diesel::Connection;
use hds_persistence::cases::Ctx;
use hds_persistence::fees::{self as repo, NewHours};
use uuid::Uuid;

use super::common::staff;
use super::mapping::{date, ledger_view};
use super::requests::HoursEntryRequest;
use super::views::CaseHoursView;
use crate::access::case_handler;
use crate::auth::Principal;
use crate::error::{ApiError, FieldError};
use crate::extract::ApiJson;
use crate::field_rules;
use crate::http::etag::{json_with_etag, PRIVATE_NO_CACHE};
use crate::http::idempotency::{claim, http_response, keyed, respond_stored};
use crate::http::request_id::request_id;
use crate::routes::common::{check_new_work_hours, parse_hours, HoursCorrection};
use crate::spec::{IdempotencyKey, IfNoneMatch, NotFound};
use crate::state::AppState;

/// HDS's ledger of hours on the case, in the order recorded, with the work
/// that counts after the corrections (HDS staff).
#[utoipa::path(tag = "fees", operation_id = "list_case_hours", security(("bearerAuth" = ["CASE_HANDLER", "ADMIN"])),
    params(("id" = Uuid, Path, description = "The case's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The ledger", body = CaseHoursView,
            headers(("Cache-Control" = String))),
        (status = 404, response = NotFound),
    ))]
#[get("/cases/{id}/hours")]
pub(super) async fn list_case_hours(
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
            Ok(repo::case_ledger(conn, id)?)
        })
        .await?;
    json_with_etag(&req, &ledger_view(&rows)?, PRIVATE_NO_CACHE)
}

/// Record hours worked on the case on one date (a case handler), or
/// correct an earlier entry with a new one: REPLACES states the corrected
/// date, hours and activity (0 withdraws the work), ADJUSTS adds hours
/// (e.g. "-0.50") on the entry's date. Hours are a decimal string, never a
/// JSON number. Appeal handling (APPEAL_HANDLING) is free where the appeal
/// exemption applies.
#[utoipa::path(tag = "fees", operation_id = "record_case_hours", security(("bearerAuth" = ["CASE_HANDLER"])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        IdempotencyKey,
    ),
    request_body = HoursEntryRequest,
    responses(
        (status = 201, description = "The ledger with the new entry", body = CaseHoursView,
            headers(("Location" = String))),
        (status = 404, response = NotFound),
    ))]
#[post("/cases/{id}/hours")]
pub(super) async fn record_case_hours(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<HoursEntryRequest>,
) -> Result<HttpResponse, ApiError> {
    let (handler, _) = case_handler(&principal)?;
    let b = body.0;
    let mut problems: Vec<FieldError> = field_rules::check(&b);
    let worked_on = date(&b.worked_on, "/workedOn", &mut problems);
    let hours = parse_hours(&b.hours, "/hours", &mut problems);
    if let Some(h) = hours {
        check_new_work_hours(h, b.correction.is_some(), &mut problems);
    }
    let (Some(worked_on), Some(hours), true) = (worked_on, hours, problems.is_empty()) else {
        return Err(ApiError::validation(problems));
    };
    let new = NewHours {
        worked_on,
        hours,
        activity: b.activity.unwrap_or_default().into(),
        note: b.note.clone(),
        correction: b.correction.as_ref().map(HoursCorrection::to_domain),
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
                repo::record_case_hours(conn, id, &new, &handler, &ctx)?;
                let view = ledger_view(&repo::case_ledger(conn, id)?)?;
                let headers = vec![("Location", format!("/api/v1/cases/{id}/hours"))];
                Ok((
                    respond_stored(conn, keyed.as_ref(), 201, headers, &view)?,
                    false,
                ))
            })
        })
        .await?;
    Ok(http_response(stored, replayed))
}
