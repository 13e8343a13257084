//! Protecting a table (prikking or avrunding).

use actix_web::{post, web, HttpResponse};
use hds_domain::disclosure;

use super::mapping::{to_domain, to_dto};
use super::requests::DisclosureRequest;
use super::views::ProtectedTableDto;
use crate::error::{ApiError, FieldError};
use crate::extract::ApiJson;

/// Protects a count table for publication: suppression (prikking) with
/// secondary suppression so no hidden small count can be worked back from
/// the totals, or rounding (avrunding). Tables up to 250 x 250 categories.
#[utoipa::path(tag = "disclosure-control", operation_id = "protect_table",
    request_body = DisclosureRequest,
    responses(
        (status = 200, description = "The publishable table", body = ProtectedTableDto),
    ))]
#[post("/disclosure-control")]
pub(super) async fn protect_table(
    body: ApiJson<DisclosureRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = to_domain(body.0)?;
    // seconds of CPU for large tables: keep it off the async workers
    let protected = web::block(move || disclosure::protect(&request))
        .await?
        .map_err(|invalid| {
            ApiError::validation(
                invalid
                    .problems
                    .into_iter()
                    .map(|p| FieldError::from_domain(p.pointer, "INVALID_TABLE", p.message))
                    .collect(),
            )
        })?;
    Ok(HttpResponse::Ok().json(to_dto(protected)))
}
