//! Endpoints: register one, list them, read one, delete one, rotate its
//! secret, enable it again after it was disabled.

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use diesel::Connection;
use hds_persistence::webhooks::{self, NewEndpoint};
use time::OffsetDateTime;
use uuid::Uuid;

use super::requests::{validate, NewWebhook};
use super::views::{with_secret, Webhook, WebhookWithSecret};
use crate::access::custodian_of;
use crate::auth::Principal;
use crate::config::Mode;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::http::etag::{json_with_etag, PRIVATE_NO_CACHE};
use crate::http::idempotency::{claim, http_response, keyed, respond_stored};
use crate::http::request_id::request_id;
use crate::spec::{IdempotencyKey, IfNoneMatch, NotFound};
use crate::state::AppState;
use crate::webhook_dispatch::new_secret;

/// How long the previous secret keeps signing after a rotation.
pub const PREVIOUS_SECRET_VALID: time::Duration = time::Duration::hours(24);

/// Registers a webhook endpoint for the caller's custodian; the answer holds
/// the signing secret, shown this once.
#[utoipa::path(tag = "webhooks", operation_id = "register_webhook", request_body = NewWebhook, security(("bearerAuth" = ["CUSTODIAN"])),
    params(IdempotencyKey),
    responses(
        (status = 201, description = "Registered", body = WebhookWithSecret),
    ))]
#[post("/webhooks")]
pub(super) async fn register_webhook(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    body: ApiJson<NewWebhook>,
) -> Result<HttpResponse, ApiError> {
    let custodian_id = custodian_of(&state, &principal).await?;
    let body = body.0;
    validate(&body, state.config.mode == Mode::Local)?;
    let fingerprint = format!("{}\n{}", body.url.trim(), body.event_types.join(","));
    let keyed = keyed(&req, &principal.actor(), fingerprint.as_bytes())?;
    let actor = principal.actor();
    let request_id = request_id(&req);
    let (stored, replayed) = state
        .run(move |conn| {
            conn.transaction(|conn| {
                if let Some(stored) = claim(conn, keyed.as_ref())? {
                    return Ok((stored, true));
                }
                let endpoint = webhooks::create_endpoint(
                    conn,
                    &NewEndpoint {
                        custodian_id,
                        url: body.url.trim(),
                        event_types: &body.event_types,
                        secret: &new_secret(),
                        actor: &actor,
                        request_id: request_id.as_deref(),
                    },
                )?;
                let headers = vec![
                    ("Location", format!("/api/v1/webhooks/{}", endpoint.id)),
                    ("Cache-Control", "no-store".to_owned()),
                ];
                Ok((
                    respond_stored(conn, keyed.as_ref(), 201, headers, &with_secret(endpoint))?,
                    false,
                ))
            })
        })
        .await?;
    Ok(http_response(stored, replayed))
}

/// The caller's webhook endpoints (without secrets).
#[utoipa::path(tag = "webhooks", operation_id = "list_webhooks", security(("bearerAuth" = ["CUSTODIAN"])),
    params(IfNoneMatch),
    responses((status = 200, description = "The custodian's endpoints", body = Vec<Webhook>)))]
#[get("/webhooks")]
pub(super) async fn list_webhooks(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let custodian_id = custodian_of(&state, &principal).await?;
    let list = state
        .run(move |conn| webhooks::list_endpoints(conn, custodian_id).map_err(ApiError::from))
        .await?;
    let list: Vec<Webhook> = list.into_iter().map(Webhook::from).collect();
    json_with_etag(&req, &list, PRIVATE_NO_CACHE)
}

/// One endpoint, with why it is disabled if it is.
#[utoipa::path(tag = "webhooks", operation_id = "get_webhook", security(("bearerAuth" = ["CUSTODIAN"])),
    params(("id" = Uuid, Path, description = "The endpoint"), IfNoneMatch),
    responses(
        (status = 200, description = "The endpoint", body = Webhook),
        (status = 404, response = NotFound),
    ))]
#[get("/webhooks/{id}")]
pub(super) async fn get_webhook(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let custodian_id = custodian_of(&state, &principal).await?;
    let id = id.into_inner();
    let endpoint = state
        .run(move |conn| webhooks::endpoint(conn, custodian_id, id).map_err(ApiError::from))
        .await?;
    json_with_etag(&req, &Webhook::from(endpoint), PRIVATE_NO_CACHE)
}

/// Removes an endpoint; undelivered deliveries to it are dropped.
#[utoipa::path(tag = "webhooks", operation_id = "delete_webhook", security(("bearerAuth" = ["CUSTODIAN"])),
    params(("id" = Uuid, Path, description = "The endpoint")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, response = NotFound),
    ))]
#[delete("/webhooks/{id}")]
pub(super) async fn delete_webhook(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let custodian_id = custodian_of(&state, &principal).await?;
    let (id, actor, request_id) = (id.into_inner(), principal.actor(), request_id(&req));
    state
        .run(move |conn| {
            webhooks::delete_endpoint(conn, custodian_id, id, &actor, request_id.as_deref())
                .map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Replaces the signing secret (shown this once); the previous secret keeps
/// signing beside it for 24 hours.
#[utoipa::path(tag = "webhooks", operation_id = "rotate_webhook_secret", security(("bearerAuth" = ["CUSTODIAN"])),
    params(("id" = Uuid, Path, description = "The endpoint")),
    responses(
        (status = 200, description = "The new secret", body = WebhookWithSecret),
        (status = 404, response = NotFound),
    ))]
#[post("/webhooks/{id}/rotate-secret")]
pub(super) async fn rotate_webhook_secret(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let custodian_id = custodian_of(&state, &principal).await?;
    let (id, actor, request_id) = (id.into_inner(), principal.actor(), request_id(&req));
    let until = OffsetDateTime::now_utc() + PREVIOUS_SECRET_VALID;
    let endpoint = state
        .run(move |conn| {
            webhooks::rotate_secret(
                conn,
                custodian_id,
                id,
                &new_secret(),
                until,
                &actor,
                request_id.as_deref(),
            )
            .map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(with_secret(endpoint)))
}

/// Turns a disabled endpoint back on (after fixing the receiver).
#[utoipa::path(tag = "webhooks", operation_id = "enable_webhook", security(("bearerAuth" = ["CUSTODIAN"])),
    params(("id" = Uuid, Path, description = "The endpoint")),
    responses(
        (status = 200, description = "Enabled", body = Webhook),
        (status = 404, response = NotFound),
    ))]
#[post("/webhooks/{id}/enable")]
pub(super) async fn enable_webhook(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let custodian_id = custodian_of(&state, &principal).await?;
    let (id, actor, request_id) = (id.into_inner(), principal.actor(), request_id(&req));
    let endpoint = state
        .run(move |conn| {
            webhooks::enable(conn, custodian_id, id, &actor, request_id.as_deref())
                .map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Webhook::from(endpoint)))
}
