//! The delivery log of an endpoint.

use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_persistence::webhooks;
use time::OffsetDateTime;
use uuid::Uuid;

use super::requests::DeliveriesQuery;
use super::views::WebhookDelivery;
use crate::access::custodian_of;
use crate::auth::Principal;
use crate::error::{ApiError, Text};
use crate::extract::ApiQuery;
use crate::http::etag::{json_with_etag, PRIVATE_NO_CACHE};
use crate::http::pagination::{self, Page};
use crate::spec::{IfNoneMatch, NotFound};
use crate::state::AppState;

/// The endpoint's deliveries, newest first: status, attempts, last error.
#[utoipa::path(tag = "webhooks", operation_id = "list_webhook_deliveries", security(("bearerAuth" = ["CUSTODIAN"])),
    params(("id" = Uuid, Path, description = "The endpoint"), DeliveriesQuery, IfNoneMatch),
    responses(
        (status = 200, description = "The delivery log", body = Page<WebhookDelivery>),
        (status = 404, response = NotFound),
    ))]
#[get("/webhooks/{id}/deliveries")]
pub(super) async fn list_webhook_deliveries(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    query: ApiQuery<DeliveriesQuery>,
) -> Result<HttpResponse, ApiError> {
    let custodian_id = custodian_of(&state, &principal).await?;
    let id = id.into_inner();
    let limit = pagination::limit(query.0.limit)?;
    let before = pagination::decode_cursor(query.0.cursor.as_deref())?
        .map(|key| {
            let (at, delivery) = key.split_once('|')?;
            let at =
                OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()?;
            Some((at, delivery.parse::<Uuid>().ok()?))
        })
        .map(|parsed| {
            parsed.ok_or_else(|| {
                ApiError::bad_parameter(
                    "/query/cursor",
                    "INVALID_CURSOR",
                    Text::new(
                        "cursor er ikke en dette API-et har gitt ut",
                        "cursor is not one this API gave out",
                    ),
                )
            })
        })
        .transpose()?;
    let rows = state
        .run(move |conn| {
            {
                webhooks::endpoint(conn, custodian_id, id)?;
                webhooks::deliveries(conn, id, before, limit + 1)
            }
            .map_err(ApiError::from)
        })
        .await?;
    let page = pagination::page(rows, limit, |d| {
        let at = d
            .created_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        format!("{at}|{}", d.id)
    });
    let page = Page {
        items: page.items.into_iter().map(WebhookDelivery::from).collect(),
        next_cursor: page.next_cursor,
    };
    json_with_etag(&req, &page, PRIVATE_NO_CACHE)
}
