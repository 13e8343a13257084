//! The change feed (hendelsesstrøm): every event the caller may see, in
//! order, as CloudEvents 1.0. A consumer keeps the sequence it has reached
//! and asks for what comes after it; with `wait` it long-polls.

use std::time::Duration;

use actix_web::{get, web, HttpResponse};
use hds_persistence::feed::{self, FeedEvent, PageReader};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::access::{custodian_orgnr, not_registered};
use crate::auth::{Principal, Role};
use crate::error::{ApiError, Text};
use crate::extract::ApiQuery;
use crate::http::etag::PRIVATE_NO_CACHE;
use crate::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(read_events);
}

pub const MAX_WAIT_SECONDS: i64 = 30;
pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 1000;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// The sequence already processed (0 or absent: from the beginning).
    #[param(example = 0, minimum = 0)]
    after: Option<i64>,
    /// At most this many events (1 to 1000, default 100).
    limit: Option<i64>,
    /// Seconds to wait for an event when there is none yet (0 to 30, default 0).
    wait: Option<i64>,
}

/// One event (hendelse), in CloudEvents 1.0 JSON form.
#[derive(Serialize, ToSchema)]
pub struct CloudEvent {
    /// Always "1.0".
    pub specversion: &'static str,
    pub id: uuid::Uuid,
    /// The resource the event is about, as an API path.
    #[schema(example = "/api/v1/cases/7a0c...")]
    pub source: String,
    /// Reverse-DNS event type.
    #[serde(rename = "type")]
    #[schema(example = "no.helsedata.task.assigned")]
    pub event_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub time: OffsetDateTime,
    /// Always "application/json".
    pub datacontenttype: &'static str,
    /// Thin: ids and types; fetch details with your token.
    pub data: Value,
    /// Position in the feed (extension attribute): continue after it.
    pub sequence: i64,
}

/// A page of the feed.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeedPage {
    pub items: Vec<CloudEvent>,
    /// Pass as `after` next time (it may move past events you may not see).
    pub next_after: i64,
}

impl From<FeedEvent> for CloudEvent {
    fn from(e: FeedEvent) -> Self {
        Self {
            specversion: "1.0",
            id: e.id,
            source: e.source,
            event_type: e.event_type,
            subject: e.subject,
            time: e.time,
            datacontenttype: "application/json",
            data: e.data,
            sequence: e.sequence,
        }
    }
}

fn in_range(
    value: Option<i64>,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
    name: &str,
) -> Result<i64, ApiError> {
    let value = value.unwrap_or(default);
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::bad_parameter(
            format!("/query/{name}"),
            "OUT_OF_RANGE",
            Text::new(
                format!("{name} må være mellom {} og {}", range.start(), range.end()),
                format!(
                    "{name} must be between {} and {}",
                    range.start(),
                    range.end()
                ),
            ),
        ))
    }
}

/// Which events the caller may read: HDS staff all (`None`); a custodian
/// system those addressed to its custodian (the orgnr of its Maskinporten
/// token, resolved in the page's own statement).
fn reader(principal: &Principal) -> Result<Option<String>, ApiError> {
    if principal.has(Role::CaseHandler) || principal.has(Role::Admin) {
        return Ok(None);
    }
    Ok(Some(custodian_orgnr(principal)?))
}

/// Events after a sequence number, in order, as CloudEvents; long-polls
/// with `wait`: answers as soon as an event arrives, or empty at the timeout.
#[utoipa::path(tag = "events", operation_id = "read_events", params(FeedQuery), security(("bearerAuth" = ["CUSTODIAN", "CASE_HANDLER", "ADMIN"])),
    responses(
        (status = 200, description = "The next events (possibly none)", body = FeedPage),
    ))]
#[get("/events")]
async fn read_events(
    state: web::Data<AppState>,
    principal: Principal,
    query: ApiQuery<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let after = in_range(query.after, 0, 0..=i64::MAX, "after")?;
    let limit = in_range(query.limit, DEFAULT_LIMIT, 1..=MAX_LIMIT, "limit")?;
    let wait = in_range(query.wait, 0, 0..=MAX_WAIT_SECONDS, "wait")?;
    let orgnr = reader(&principal)?;
    // subscribe before the first read, so an event appended in between wakes us
    let mut appended = state.feed.subscribe();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(wait.unsigned_abs());
    loop {
        let lookup = orgnr.clone();
        let page = state
            .run(move |conn| {
                // ONE statement: the custodian, the counter and the events, one snapshot
                let reader = lookup
                    .as_deref()
                    .map_or(PageReader::Everything, PageReader::Orgnr);
                Ok(feed::page(conn, reader, after, limit)?)
            })
            .await?;
        let Some(feed::Page { events, last }) = page else {
            return Err(not_registered(orgnr.as_deref().unwrap_or_default()));
        };
        let now = tokio::time::Instant::now();
        if !events.is_empty() || now >= deadline {
            let full_page = i64::try_from(events.len()).unwrap_or(i64::MAX) == limit;
            let last_item = events.last().map_or(after, |e| e.sequence);
            let next_after = if full_page {
                last_item
            } else {
                last_item.max(last).max(after)
            };
            let page = FeedPage {
                items: events.into_iter().map(CloudEvent::from).collect(),
                next_after,
            };
            return Ok(HttpResponse::Ok()
                .insert_header(("Cache-Control", PRIVATE_NO_CACHE))
                .json(page));
        }
        // woken by an append, or timed out: either way the next read answers
        let _waiting = state.metrics.feed_waiter();
        let _ = tokio::time::timeout(deadline - now, appended.changed()).await;
    }
}
