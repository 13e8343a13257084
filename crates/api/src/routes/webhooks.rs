//! Webhook endpoints (varslingsadresser) a custodian system registers, and
//! their delivery log. The feed (`/events`) is the source of truth; a webhook
//! only says "something happened, read the feed or fetch the task".

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use diesel::Connection;
use hds_domain::webhook::check_url;
use hds_persistence::webhooks::{self, Delivery, Endpoint, NewEndpoint};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::access::custodian_of;
use crate::auth::Principal;
use crate::config::Mode;
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::{ApiJson, ApiQuery};
use crate::http::etag::PRIVATE_NO_CACHE;
use crate::http::idempotency::{claim, http_response, keyed, respond_stored};
use crate::http::pagination::{self, Page};
use crate::http::request_id::request_id;
use crate::state::AppState;
use crate::webhook_dispatch::new_secret;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(register_webhook)
        .service(list_webhooks)
        .service(get_webhook)
        .service(delete_webhook)
        .service(rotate_webhook_secret)
        .service(enable_webhook)
        .service(list_webhook_deliveries);
}

/// How long the previous secret keeps signing after a rotation.
pub const PREVIOUS_SECRET_VALID: time::Duration = time::Duration::hours(24);

/// A webhook to register.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewWebhook {
    /// HTTPS address of the receiver (public hosts only; `http://` to
    /// loopback is allowed in the local default).
    #[schema(example = "https://api.fhi.no/hds/webhooks")]
    pub url: String,
    /// Feed event types to deliver (empty or absent: all).
    #[serde(default)]
    #[schema(example = json!(["no.helsedata.task.assigned"]))]
    pub event_types: Vec<String>,
}

/// A registered webhook endpoint (varslingsadresse).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    pub id: Uuid,
    pub url: String,
    pub event_types: Vec<String>,
    pub enabled: bool,
    /// Why it was disabled (e.g. failing for days).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub disabled_at: Option<OffsetDateTime>,
    /// Start of the current run of failed deliveries, if any.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub failing_since: Option<OffsetDateTime>,
    /// Until when the previous secret also signs (after a rotation).
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub previous_secret_valid_until: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

/// A webhook with its signing secret, shown only when it is created or rotated.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// Standard Webhooks secret (`whsec_...`): store it; it is not shown again.
    pub secret: String,
}

/// One delivery attempt series (levering) of one event.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookDelivery {
    pub id: Uuid,
    /// The `webhook-id` header: the feed event's id, the same on every retry.
    pub event_id: Uuid,
    pub event_sequence: i64,
    pub event_type: String,
    /// PENDING, DELIVERED or ABANDONED (gave up after 72 hours).
    pub status: String,
    pub attempts: i32,
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_attempt_at: Option<OffsetDateTime>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_attempt_at: Option<OffsetDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_status: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub delivered_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

impl From<Endpoint> for Webhook {
    fn from(e: Endpoint) -> Self {
        Self {
            id: e.id,
            url: e.url,
            event_types: e.event_types,
            enabled: e.enabled,
            disabled_reason: e.disabled_reason,
            disabled_at: e.disabled_at,
            failing_since: e.failing_since,
            previous_secret_valid_until: e
                .previous_secret_until
                .filter(|until| *until > OffsetDateTime::now_utc()),
            created_at: e.created_at,
        }
    }
}

impl From<Delivery> for WebhookDelivery {
    fn from(d: Delivery) -> Self {
        Self {
            id: d.id,
            event_id: d.event_id,
            event_sequence: d.event_sequence,
            event_type: d.event_type,
            next_attempt_at: (d.status == "PENDING").then_some(d.next_attempt_at),
            status: d.status,
            attempts: d.attempts,
            last_attempt_at: d.last_attempt_at,
            last_status: d.last_status,
            last_error: d.last_error,
            delivered_at: d.delivered_at,
            created_at: d.created_at,
        }
    }
}

fn with_secret(endpoint: Endpoint) -> WebhookWithSecret {
    let secret = endpoint.secret.clone();
    WebhookWithSecret {
        webhook: endpoint.into(),
        secret,
    }
}

fn validate(body: &NewWebhook, allow_loopback: bool) -> Result<(), ApiError> {
    let mut problems = Vec::new();
    if let Err(problem) = check_url(body.url.trim(), allow_loopback) {
        problems.push(FieldError::new(
            "/url",
            "INVALID_WEBHOOK_URL",
            problem.to_string(),
        ));
    }
    for (i, kind) in body.event_types.iter().enumerate() {
        let valid = kind.starts_with("no.helsedata.")
            && kind.len() <= 200
            && kind
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_');
        if !valid {
            problems.push(FieldError::new(
                format!("/eventTypes/{i}"),
                "INVALID_EVENT_TYPE",
                "an event type looks like no.helsedata.task.assigned",
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(problems))
    }
}

/// Registers a webhook endpoint for the caller's custodian; the answer holds
/// the signing secret, shown this once.
#[utoipa::path(tag = "webhooks", operation_id = "register_webhook", request_body = NewWebhook, security(("bearerAuth" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried registration return the same endpoint")),
    responses(
        (status = 201, description = "Registered", body = WebhookWithSecret),
        (status = 403, description = "Not a registered custodian system", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The URL or an event type is not allowed", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/webhooks")]
async fn register_webhook(
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
#[utoipa::path(tag = "webhooks", operation_id = "list_webhooks", security(("bearerAuth" = [])),
    responses((status = 200, description = "The custodian's endpoints", body = Vec<Webhook>)))]
#[get("/webhooks")]
async fn list_webhooks(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let custodian_id = custodian_of(&state, &principal).await?;
    let list = state
        .run(move |conn| webhooks::list_endpoints(conn, custodian_id).map_err(ApiError::from))
        .await?;
    let list: Vec<Webhook> = list.into_iter().map(Webhook::from).collect();
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", PRIVATE_NO_CACHE))
        .json(list))
}

/// One endpoint, with why it is disabled if it is.
#[utoipa::path(tag = "webhooks", operation_id = "get_webhook", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "The endpoint")),
    responses(
        (status = 200, description = "The endpoint", body = Webhook),
        (status = 404, description = "No such endpoint of yours", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/webhooks/{id}")]
async fn get_webhook(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let custodian_id = custodian_of(&state, &principal).await?;
    let id = id.into_inner();
    let endpoint = state
        .run(move |conn| webhooks::endpoint(conn, custodian_id, id).map_err(ApiError::from))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", PRIVATE_NO_CACHE))
        .json(Webhook::from(endpoint)))
}

/// Removes an endpoint; undelivered deliveries to it are dropped.
#[utoipa::path(tag = "webhooks", operation_id = "delete_webhook", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "The endpoint")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such endpoint of yours", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/webhooks/{id}")]
async fn delete_webhook(
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
#[utoipa::path(tag = "webhooks", operation_id = "rotate_webhook_secret", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "The endpoint")),
    responses(
        (status = 200, description = "The new secret", body = WebhookWithSecret),
        (status = 404, description = "No such endpoint of yours", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/webhooks/{id}/rotate-secret")]
async fn rotate_webhook_secret(
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
#[utoipa::path(tag = "webhooks", operation_id = "enable_webhook", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "The endpoint")),
    responses(
        (status = 200, description = "Enabled", body = Webhook),
        (status = 404, description = "No such endpoint of yours", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/webhooks/{id}/enable")]
async fn enable_webhook(
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

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesQuery {
    /// 1 to 500, default 50.
    limit: Option<i64>,
    /// From `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// The endpoint's deliveries, newest first: status, attempts, last error.
#[utoipa::path(tag = "webhooks", operation_id = "list_webhook_deliveries", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "The endpoint"), DeliveriesQuery),
    responses(
        (status = 200, description = "The delivery log", body = Page<WebhookDelivery>),
        (status = 404, description = "No such endpoint of yours", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/webhooks/{id}/deliveries")]
async fn list_webhook_deliveries(
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
                    "cursor is not one this API gave out",
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
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", PRIVATE_NO_CACHE))
        .json(page))
}
