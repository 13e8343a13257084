//! The custodian's task list, built for polling.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_domain::task::{TaskKind, TaskState};
use hds_persistence::tasks::{self as repo, PollState, TaskFilter, TaskOwner};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

use super::mapping::summary;
use super::requests::TaskQuery;
use super::views::TaskSummary;
use crate::access::{acting_custodian, custodian_orgnr, not_registered};
use crate::auth::{Principal, Subject};
use crate::error::{ApiError, FieldError, Text};
use crate::extract::ApiQuery;
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::http::pagination::{self, Page};
use crate::spec::IfNoneMatch;
use crate::state::AppState;

fn list_filter(q: &TaskQuery) -> Result<TaskFilter, ApiError> {
    let mut problems = Vec::new();
    let mut states = Vec::new();
    if let Some(raw) = &q.state {
        for s in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match s.to_ascii_uppercase().parse::<TaskState>() {
                Ok(state) => states.push(state.as_str().to_owned()),
                Err(()) => problems.push(FieldError::new(
                    "/query/state",
                    "UNKNOWN_STATE",
                    Text::new(
                        format!("{s} er ikke en oppgavetilstand"),
                        format!("{s} is not a task state"),
                    ),
                )),
            }
        }
    }
    states.sort();
    states.dedup();
    let kind = match q.kind.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(k) => {
            let parsed = k.to_ascii_uppercase().parse::<TaskKind>().ok();
            if parsed.is_none() {
                problems.push(FieldError::new(
                    "/query/kind",
                    "UNKNOWN_KIND",
                    Text::new(
                        "kind er DECISION eller DATA_PREPARATION",
                        "kind is DECISION or DATA_PREPARATION",
                    ),
                ));
            }
            parsed.map(|kind| kind.as_str().to_owned())
        }
    };
    let updated_since = q.updated_since.as_deref().and_then(|raw| {
        let parsed = OffsetDateTime::parse(raw.trim(), &Rfc3339).ok();
        if parsed.is_none() {
            problems.push(FieldError::new(
                "/query/updatedSince",
                "INVALID_INSTANT",
                Text::new(
                    "forventet et tidspunkt etter RFC 3339, f.eks. 2026-11-23T08:00:00Z",
                    "expected an RFC 3339 instant such as 2026-11-23T08:00:00Z",
                ),
            ));
        }
        parsed
    });
    if problems.is_empty() {
        Ok(TaskFilter {
            states,
            kind,
            updated_since,
        })
    } else {
        Err(ApiError::bad_request(Text::new(
            "spørringen mot oppgavelisten har feil",
            "the task list query has problems",
        ))
        .with_errors(problems))
    }
}

fn micros(t: OffsetDateTime) -> i128 {
    t.unix_timestamp_nanos() / 1000
}

fn cursor_key(s: &TaskSummary) -> String {
    format!("{}|{}", micros(s.updated_at), s.id)
}

fn parse_cursor(raw: Option<&str>) -> Result<Option<(OffsetDateTime, Uuid)>, ApiError> {
    let bad = || {
        ApiError::bad_parameter(
            "/query/cursor",
            "INVALID_CURSOR",
            Text::new(
                "cursor er ikke en dette API-et har gitt ut",
                "cursor is not one this API gave out",
            ),
        )
    };
    pagination::decode_cursor(raw)?
        .map(|key| {
            let (at, id) = key.split_once('|').ok_or_else(bad)?;
            let at: i128 = at.parse().map_err(|_| bad())?;
            let at = OffsetDateTime::from_unix_timestamp_nanos(at * 1000).map_err(|_| bad())?;
            let id: Uuid = id.parse().map_err(|_| bad())?;
            Ok((at, id))
        })
        .transpose()
}

/// The custodian's tasks, oldest change first (by `updatedAt`, then id),
/// with filters and cursor pagination. Poll it with `If-None-Match`: an
/// unchanged list is a 304 without a body, answered from one indexed
/// lookup of the custodian's task change counter (read together with the
/// other polls of that moment).
#[utoipa::path(tag = "tasks", operation_id = "list_tasks", security(("bearerAuth" = ["CUSTODIAN"])),
    params(TaskQuery, IfNoneMatch),
    responses(
        (status = 200, description = "One page of tasks", body = Page<TaskSummary>),
    ))]
#[get("/tasks")]
pub(super) async fn list_tasks(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    query: ApiQuery<TaskQuery>,
) -> Result<HttpResponse, ApiError> {
    // a custodian's system by its orgnr; its staff by their link to it
    let (orgnr, member_of) = if matches!(principal.subject, Subject::Person { .. }) {
        let acting = acting_custodian(&state, &principal).await?;
        (String::new(), Some(acting.id))
    } else {
        (custodian_orgnr(&principal)?, None)
    };
    let query = query.0;
    let filter = list_filter(&query)?;
    let limit = pagination::limit(query.limit)?;
    let after = parse_cursor(query.cursor.as_deref())?;
    // the ETag: the custodian, its change counter, the query
    let query_key = format!(
        "{:?}|{:?}|{:?}|{:?}|{limit}",
        filter.states,
        filter.kind,
        filter.updated_since.map(micros),
        after.map(|(t, id)| (micros(t), id)),
    );
    // Whose page: a linked person's custodian by id (checked registered and
    // not retired); a system's by its orgnr. A poll with an ETag first reads
    // the custodian's change counter in ONE statement, shared by the polls
    // arriving together (an unchanged list is a 304 after it); a first poll
    // (no ETag to compare) is ONE statement: the page finds the custodian.
    let owner = match member_of {
        Some(id) => {
            let poll = state
                .run(move |conn| Ok(repo::poll_state_by_id(conn, id)?))
                .await?
                .ok_or_else(|| not_registered(&orgnr))?;
            if let Some(response) = not_modified(&req, &poll, &query_key) {
                return Ok(response);
            }
            TaskOwner::Id(poll.custodian_id)
        }
        None if !req.headers().contains_key(header::IF_NONE_MATCH) => TaskOwner::Orgnr(orgnr),
        None => {
            let poll = state
                .task_counters
                .read(&state.db, &orgnr)
                .await?
                .ok_or_else(|| not_registered(&orgnr))?;
            if let Some(response) = not_modified(&req, &poll, &query_key) {
                return Ok(response);
            }
            TaskOwner::Id(poll.custodian_id)
        }
    };
    page_of(&state, owner, filter, after, limit, &query_key).await
}

/// A 304 when the request's ETag is the list's current one.
fn not_modified(req: &HttpRequest, poll: &PollState, query_key: &str) -> Option<HttpResponse> {
    let unchanged = tag(poll, query_key);
    etag::none_match(req, &unchanged).then(|| {
        HttpResponse::NotModified()
            .insert_header((header::ETAG, header_value(&unchanged)))
            .insert_header((header::CACHE_CONTROL, PRIVATE_NO_CACHE))
            .finish()
    })
}

/// The list's ETag: the custodian, its change counter, the query.
fn tag(poll: &PollState, query_key: &str) -> String {
    etag::of_bytes(format!("tasks|{}|{}|{query_key}", poll.custodian_id, poll.changes).as_bytes())
}

/// ONE statement: the page, with the custodian and the counter it was read
/// with (the ETag).
async fn page_of(
    state: &web::Data<AppState>,
    owner: TaskOwner,
    filter: TaskFilter,
    after: Option<(OffsetDateTime, Uuid)>,
    limit: i64,
    query_key: &str,
) -> Result<HttpResponse, ApiError> {
    let orgnr = match &owner {
        TaskOwner::Orgnr(orgnr) => orgnr.clone(),
        TaskOwner::Id(_) => String::new(),
    };
    let page = state
        .run(move |conn| Ok(repo::page(conn, &owner, &filter, after, limit)?))
        .await?
        .ok_or_else(|| not_registered(&orgnr))?;
    let etag = tag(
        &PollState {
            custodian_id: page.custodian_id,
            changes: page.changes,
        },
        query_key,
    );
    let items: Vec<TaskSummary> = page.rows.into_iter().map(summary).collect();
    let body = serde_json::to_vec(&pagination::page(items, limit, cursor_key))
        .map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, header_value(&etag)))
        .insert_header((header::CACHE_CONTROL, PRIVATE_NO_CACHE))
        .insert_header((header::VARY, "Authorization"))
        .content_type("application/json")
        .body(body))
}

fn header_value(tag: &str) -> HeaderValue {
    HeaderValue::from_str(tag).unwrap_or(HeaderValue::from_static("\"\""))
}
