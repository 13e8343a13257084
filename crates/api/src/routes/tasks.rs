//! Tasks (oppgaver) of register custodians, for their own systems: the
//! cases assigned to them, machine to machine with a Maskinporten token.
//!
//! - `GET /tasks` is built for polling every few seconds: its ETag comes
//!   from ONE query (the custodian by orgnr and its task change counter,
//!   both index lookups) plus the query parameters, so an unchanged poll
//!   with `If-None-Match` is a bodiless 304 that loads no task rows, however
//!   many tasks the custodian has. Any change to one of the custodian's
//!   tasks changes the ETag of all its lists (a filtered list may then
//!   answer 200 with the same items: never a missed change).
//! - `GET /tasks/{id}` holds only what the custodian needs for its source.
//! - Every action is a POST with `If-Match` (the task's ETag `"v<version>"`),
//!   decided by the task state machine (`hds_domain::task`): a refusal is a
//!   409 naming why. Another custodian's task is a 404.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use hds_domain::calendar::oslo_date;
use hds_domain::case::DecisionOutcome;
use hds_domain::task::{hours_worked, HoursProblem, TaskKind, TaskState};
use hds_persistence::cases::{CaseError, Ctx, NewSourceDecision};
use hds_persistence::tasks::{self as repo, TaskCommand, TaskDetail, TaskError, TaskFilter};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::access::custodian_of;
use crate::auth::{Principal, Role};
use crate::error::check_free_text;
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::{ApiJson, ApiQuery};
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::http::pagination::{self, Page};
use crate::http::request_id::request_id;
use crate::routes::common::{outcome_of, Outcome};
use crate::state::{case_rules, AppState};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_tasks)
        .service(read_task)
        .service(acknowledge_task)
        .service(report_task_progress)
        .service(record_task_delivery)
        .service(report_cannot_deliver)
        .service(report_task_hours)
        .service(record_task_decision);
}

impl From<TaskError> for ApiError {
    fn from(e: TaskError) -> Self {
        match e {
            TaskError::Store(e) => e.into(),
            TaskError::Refused(r) => ApiError::conflict(r.to_string()),
            // the decision rules speak of "/decisions/0/..."; here the body is one decision
            TaskError::Case(CaseError::Invalid(problems)) => ApiError::validation(
                problems
                    .into_iter()
                    .map(|p| {
                        let pointer = p
                            .pointer
                            .strip_prefix("/decisions/0")
                            .unwrap_or(&p.pointer)
                            .to_owned();
                        FieldError::new(
                            if pointer.is_empty() {
                                "/".into()
                            } else {
                                pointer
                            },
                            p.code,
                            p.message,
                        )
                    })
                    .collect(),
            ),
            TaskError::Case(e) => e.into(),
        }
    }
}

// ------------------------------------------------------------------ DTOs

/// DECISION (decide for a source the custodian has authority over) or
/// `DATA_PREPARATION` (tilrettelegging og utlevering of a granted source).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskKindDto {
    Decision,
    DataPreparation,
}

/// The state of a task (oppgavestatus).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskStateDto {
    Assigned,
    Acknowledged,
    InPreparation,
    Delivered,
    CannotDeliver,
    Decided,
    Cancelled,
}

fn kind_dto(code: &str) -> TaskKindDto {
    match code.parse::<TaskKind>() {
        Ok(TaskKind::Decision) => TaskKindDto::Decision,
        _ => TaskKindDto::DataPreparation,
    }
}

fn state_dto(code: &str) -> TaskStateDto {
    match code.parse::<TaskState>() {
        Ok(TaskState::Assigned) => TaskStateDto::Assigned,
        Ok(TaskState::Acknowledged) => TaskStateDto::Acknowledged,
        Ok(TaskState::InPreparation) => TaskStateDto::InPreparation,
        Ok(TaskState::Delivered) => TaskStateDto::Delivered,
        Ok(TaskState::CannotDeliver) => TaskStateDto::CannotDeliver,
        Ok(TaskState::Decided) => TaskStateDto::Decided,
        Ok(TaskState::Cancelled) | Err(()) => TaskStateDto::Cancelled,
    }
}

/// A data source (datakilde), by code and name.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SourceRef {
    #[schema(example = "MFR")]
    pub code: String,
    pub name_nb: String,
    pub name_en: String,
}

/// A task in the custodian's list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskSummary {
    pub id: Uuid,
    pub case_id: Uuid,
    /// Saksnummer.
    #[schema(example = "2026-000123")]
    pub case_number: String,
    pub kind: TaskKindDto,
    pub state: TaskStateDto,
    /// Why it is CANNOT_DELIVER or CANCELLED.
    pub state_reason: Option<String>,
    pub data_source: SourceRef,
    /// Also the ETag ("v<version>") to send as If-Match.
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

/// What the application asks for from this source.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Requested {
    pub variables: Vec<String>,
    pub period_from: Option<i64>,
    pub period_to: Option<i64>,
}

/// The decision (vedtak) for this task's source in the case's current decision.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SourceDecisionView {
    pub outcome: Outcome,
    pub legal_basis: Vec<String>,
    /// Conditions (vilkår) the delivery must respect.
    pub conditions: Vec<String>,
    pub text: String,
    /// For PARTLY_GRANTED: the variables granted.
    pub granted_variables: Option<Vec<String>>,
    pub granted_period_from: Option<i32>,
    pub granted_period_to: Option<i32>,
    #[schema(value_type = String, format = Date)]
    pub decided_on: String,
    /// HDS or CUSTODIAN.
    pub decided_by: String,
}

/// The applicant's project, as far as the custodian needs it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectView {
    pub title: Option<String>,
    pub summary: Option<String>,
    /// The responsible institution.
    pub institution: Option<String>,
}

/// Whom to contact about the delivery: the project leader (prosjektleder).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactView {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// A progress report (framdriftsrapport).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgressView {
    pub note: String,
    pub percent_complete: Option<i32>,
    #[schema(value_type = Option<String>, format = Date)]
    pub expected_delivery_on: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub reported_at: OffsetDateTime,
}

/// How the data was delivered (utleveringsmåte).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeliveryMethod {
    Email,
    SecureFileTransfer,
    RemoteAccess,
    PhysicalMedia,
    Other,
}

impl DeliveryMethod {
    fn as_str(self) -> &'static str {
        match self {
            Self::Email => "EMAIL",
            Self::SecureFileTransfer => "SECURE_FILE_TRANSFER",
            Self::RemoteAccess => "REMOTE_ACCESS",
            Self::PhysicalMedia => "PHYSICAL_MEDIA",
            Self::Other => "OTHER",
        }
    }
}

/// The delivery (utlevering).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    #[schema(value_type = String, format = Date)]
    pub delivered_on: String,
    #[schema(value_type = String, example = "SECURE_FILE_TRANSFER")]
    pub method: String,
    /// What was delivered.
    pub contents: String,
}

/// Hours worked (timer) on one date.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HoursView {
    #[schema(value_type = String, format = Date)]
    pub worked_on: String,
    #[schema(example = 1.5)]
    pub hours: f64,
    pub description: String,
}

/// One thing that happened to the task.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskEventView {
    #[schema(example = "DELIVERED")]
    pub kind: String,
    pub state_before: TaskStateDto,
    pub state_after: TaskStateDto,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: OffsetDateTime,
    pub details: Value,
}

/// A task with only what the custodian needs for its source.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskDetailView {
    #[serde(flatten)]
    pub summary: TaskSummary,
    /// The case's status (e.g. WITHDRAWN after the applicant withdrew).
    pub case_status: String,
    pub requested: Requested,
    /// Absent until the source is decided.
    pub decision: Option<SourceDecisionView>,
    pub project: ProjectView,
    pub contact: ContactView,
    pub progress: Vec<ProgressView>,
    pub delivery: Option<DeliveryView>,
    pub hours: Vec<HoursView>,
    /// Sum of `hours`.
    pub total_hours: f64,
    pub history: Vec<TaskEventView>,
}

fn summary(row: repo::TaskListRow) -> TaskSummary {
    let t = row.task;
    TaskSummary {
        id: t.id,
        case_id: t.case_id,
        case_number: row.case_number,
        kind: kind_dto(&t.kind),
        state: state_dto(&t.state),
        state_reason: t.state_reason,
        data_source: SourceRef {
            code: row.source_code,
            name_nb: row.source_name_nb,
            name_en: row.source_name_en,
        },
        version: t.version,
        created_at: t.created_at,
        updated_at: t.updated_at,
    }
}

fn detail_view(d: TaskDetail) -> TaskDetailView {
    let requested = Requested {
        variables: d
            .requested
            .get("variables")
            .and_then(Value::as_array)
            .map(|vs| {
                vs.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        period_from: d.requested.get("periodFrom").and_then(Value::as_i64),
        period_to: d.requested.get("periodTo").and_then(Value::as_i64),
    };
    let hours: Vec<HoursView> = d
        .hours
        .into_iter()
        .map(|h| HoursView {
            worked_on: h.worked_on.to_string(),
            hours: f64::from(h.hundredths) / 100.0,
            description: h.description,
        })
        .collect();
    let total: i64 = hours
        .iter()
        .map(|h| {
            #[allow(clippy::cast_possible_truncation)]
            let hundredths = (h.hours * 100.0).round() as i64;
            hundredths
        })
        .sum();
    #[allow(clippy::cast_precision_loss)]
    let total_hours = total as f64 / 100.0;
    TaskDetailView {
        summary: summary(d.row),
        case_status: d.case_status,
        requested,
        decision: d.decision.map(|x| SourceDecisionView {
            outcome: outcome_of(&x.outcome),
            legal_basis: x.legal_basis,
            conditions: x.conditions,
            text: x.text,
            granted_variables: x.granted_variables,
            granted_period_from: x.granted_period_from,
            granted_period_to: x.granted_period_to,
            decided_on: x.decided_on.to_string(),
            decided_by: x.authority,
        }),
        project: ProjectView {
            title: d.project_title,
            summary: d.project_summary,
            institution: d.institution_name,
        },
        contact: ContactView {
            name: d.project_leader_name,
            email: d.project_leader_email,
        },
        progress: d
            .progress
            .into_iter()
            .map(|p| ProgressView {
                note: p.note,
                percent_complete: p.percent_complete,
                expected_delivery_on: p.expected_delivery_on.map(|d| d.to_string()),
                reported_at: p.reported_at,
            })
            .collect(),
        delivery: d.delivery.map(|x| DeliveryView {
            delivered_on: x.delivered_on.to_string(),
            method: x.method,
            contents: x.contents,
        }),
        hours,
        total_hours,
        history: d
            .events
            .into_iter()
            .map(|e| TaskEventView {
                kind: e.kind,
                state_before: state_dto(&e.state_before),
                state_after: state_dto(&e.state_after),
                occurred_at: e.occurred_at,
                details: e.data,
            })
            .collect(),
    }
}

/// Query of the task list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// Comma-separated states, e.g. `ASSIGNED,ACKNOWLEDGED` (default: all).
    pub state: Option<String>,
    /// DECISION or `DATA_PREPARATION` (default: both).
    pub kind: Option<String>,
    /// Only tasks updated at or after this instant (RFC 3339).
    #[param(example = "2026-11-23T08:00:00Z")]
    pub updated_since: Option<String>,
    /// From `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
}

/// Acknowledge (kvitter ut) a task: the custodian has seen it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AcknowledgeRequest {
    /// Optional note, e.g. the custodian's own reference.
    pub note: Option<String>,
}

/// A progress report (framdrift).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProgressRequest {
    pub note: String,
    /// 0 to 100.
    pub percent_complete: Option<i32>,
    /// When the custodian expects to deliver (YYYY-MM-DD).
    #[schema(example = "2026-12-15")]
    pub expected_delivery_on: Option<String>,
}

/// The delivery (utlevering) of the data.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeliveryRequest {
    /// YYYY-MM-DD, not in the future.
    #[schema(example = "2026-11-23")]
    pub delivered_on: String,
    pub method: DeliveryMethod,
    /// What was delivered (files, variables, years), without personal data.
    #[schema(example = "mfr_2010_2020.csv (VEKT, KJONN, 2010–2020), sent by sikker filsluse")]
    pub contents: String,
}

/// The data cannot be delivered.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CannotDeliverRequest {
    /// Why (required).
    pub reason: String,
}

/// Hours worked on the task on one date (for the custodian's invoice).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HoursRequest {
    /// YYYY-MM-DD, not in the future.
    #[schema(example = "2026-11-23")]
    pub worked_on: String,
    /// More than 0, at most 24, at most two decimals.
    #[schema(example = 1.5)]
    pub hours: f64,
    pub description: String,
}

/// The custodian's decision (vedtak) for its source, under the same rules
/// as HDS's decisions.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TaskDecisionRequest {
    pub outcome: Outcome,
    /// Legal basis references (hjemmel), at least one.
    #[schema(example = json!(["helseregisterloven § 19 a"]))]
    pub legal_basis: Vec<String>,
    #[serde(default)]
    pub conditions: Vec<String>,
    /// The decision text (vedtakstekst).
    pub text: String,
    /// For PARTLY_GRANTED: the variables granted (a subset of those asked for).
    pub granted_variables: Option<Vec<String>>,
    pub granted_period_from: Option<i32>,
    pub granted_period_to: Option<i32>,
}

// --------------------------------------------------------------- helpers

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
                    format!("{s} is not a task state"),
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
                    "kind is DECISION or DATA_PREPARATION",
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
                "expected an RFC 3339 instant such as 2026-11-23T08:00:00Z",
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
        Err(ApiError::bad_request("the task list query has problems").with_errors(problems))
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
            "cursor is not one this API gave out",
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

/// The custodian acting on a task, the caller's actor name and the version read.
async fn custodian_action(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    principal: &Principal,
) -> Result<(Uuid, i32), ApiError> {
    let custodian = custodian_of(state, principal).await?;
    let version = etag::required_version(req)?;
    Ok((custodian, version))
}

fn date_problem(
    raw: &str,
    pointer: &str,
    not_after: Option<Date>,
    problems: &mut Vec<FieldError>,
) -> Option<Date> {
    match Date::parse(
        raw.trim(),
        &time::format_description::well_known::Iso8601::DATE,
    ) {
        Ok(d) if not_after.is_some_and(|today| d > today) => {
            problems.push(FieldError::new(
                pointer,
                "IN_THE_FUTURE",
                "the date is in the future",
            ));
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            problems.push(FieldError::new(
                pointer,
                "INVALID_DATE",
                "expected a date YYYY-MM-DD",
            ));
            None
        }
    }
}

/// Runs one action, then answers with the task and its new ETag.
async fn run_action(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    principal: &Principal,
    id: Uuid,
    command: TaskCommand,
) -> Result<HttpResponse, ApiError> {
    let (custodian, version) = custodian_action(req, state, principal).await?;
    let actor = principal.actor();
    let request_id = request_id(req);
    let at = state.clock.now();
    let view = state
        .run(move |conn| {
            let ctx = Ctx {
                actor: &actor,
                at,
                request_id: request_id.as_deref(),
            };
            repo::act(conn, custodian, id, version, &ctx, &command)?;
            Ok(detail_view(repo::detail(conn, custodian, id)?))
        })
        .await?;
    let version = view.summary.version;
    etag::json_versioned_composite(req, &view, version, PRIVATE_NO_CACHE)
}

// -------------------------------------------------------------- handlers

/// The custodian's tasks, oldest change first (by `updatedAt`, then id),
/// with filters and cursor pagination. Poll it with `If-None-Match`: an
/// unchanged list is a 304 without a body, answered from one indexed
/// lookup of the custodian's task change counter.
#[utoipa::path(tag = "tasks", operation_id = "list_tasks", security(("bearerAuth" = [])),
    params(TaskQuery, ("If-None-Match" = Option<String>, Header, description = "The ETag of the list last read")),
    responses(
        (status = 200, description = "One page of tasks", body = Page<TaskSummary>),
        (status = 304, description = "Nothing changed since the ETag in If-None-Match"),
        (status = 400, description = "A malformed filter or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a registered custodian", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/tasks")]
async fn list_tasks(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    query: ApiQuery<TaskQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(Role::Custodian)?;
    let orgnr = principal
        .orgnr()
        .map(|o| o.as_str().to_owned())
        .ok_or_else(|| ApiError::forbidden("the CUSTODIAN role needs an organisation token"))?;
    let query = query.0;
    let filter = list_filter(&query)?;
    let limit = pagination::limit(query.limit)?;
    let after = parse_cursor(query.cursor.as_deref())?;
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let lookup = orgnr.clone();
    let outcome = state
        .run(move |conn| {
            // ONE query (index lookups): the custodian and its task change counter
            let Some(poll) = repo::poll_state(conn, &lookup)? else {
                return Ok(None);
            };
            let tag = etag::of_bytes(
                format!(
                    "tasks|{}|{}|{:?}|{:?}|{:?}|{:?}|{}",
                    poll.custodian_id,
                    poll.changes,
                    filter.states,
                    filter.kind,
                    filter.updated_since.map(micros),
                    after.map(|(t, id)| (micros(t), id)),
                    limit
                )
                .as_bytes(),
            );
            let unchanged = if_none_match.as_deref().is_some_and(|v| {
                v.split(',')
                    .map(str::trim)
                    .any(|t| t == tag || t == "*" || t.strip_prefix("W/") == Some(&tag))
            });
            if unchanged {
                return Ok(Some((tag, None)));
            }
            let rows = repo::list(conn, poll.custodian_id, &filter, after, limit)?;
            Ok(Some((tag, Some(rows))))
        })
        .await?;
    let Some((tag, rows)) = outcome else {
        return Err(ApiError::forbidden(format!(
            "organisation {orgnr} is not a registered custodian; ask HDS to register it"
        )));
    };
    let tag_value = HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"\""));
    let Some(rows) = rows else {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, tag_value))
            .insert_header((header::CACHE_CONTROL, PRIVATE_NO_CACHE))
            .finish());
    };
    let items: Vec<TaskSummary> = rows.into_iter().map(summary).collect();
    let page = pagination::page(items, limit, cursor_key);
    let body = serde_json::to_vec(&page).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, tag_value))
        .insert_header((header::CACHE_CONTROL, PRIVATE_NO_CACHE))
        .insert_header((header::VARY, "Authorization"))
        .content_type("application/json")
        .body(body))
}

/// One task with only what the custodian needs: its source (asked for and
/// decided: variables, period, conditions), the project and its contact,
/// the case number, and the custodian's own reports. ETag `"v<version>"`.
#[utoipa::path(tag = "tasks", operation_id = "read_task", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "The task's id")),
    responses(
        (status = 200, description = "The task", body = TaskDetailView),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 403, description = "Not a registered custodian", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task for this custodian", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/tasks/{id}")]
async fn read_task(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let custodian = custodian_of(&state, &principal).await?;
    let id = id.into_inner();
    let view = state
        .run(move |conn| Ok(detail_view(repo::detail(conn, custodian, id)?)))
        .await?;
    let version = view.summary.version;
    etag::json_versioned_composite(&req, &view, version, PRIVATE_NO_CACHE)
}

/// Acknowledge the task (ASSIGNED → ACKNOWLEDGED).
#[utoipa::path(tag = "tasks", operation_id = "acknowledge_task", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        ("If-Match" = String, Header, description = "The task's ETag last read"),
    ),
    request_body(content = Option<AcknowledgeRequest>, description = "Optional note"),
    responses(
        (status = 200, description = "The task", body = TaskDetailView),
        (status = 403, description = "Not a registered custodian", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task for this custodian", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed in the task's state (why)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The task changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The note has problems", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/tasks/{id}/acknowledge")]
async fn acknowledge_task(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    // the body is optional; when given it must be valid
    let note = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        serde_json::from_slice::<AcknowledgeRequest>(&body)
            .map_err(|e| {
                ApiError::bad_request(format!("the body is not a valid acknowledgement: {e}"))
            })?
            .note
    };
    if let Some(n) = &note {
        let mut problems = Vec::new();
        check_free_text(n, "/note", 2000, &mut problems);
        if !problems.is_empty() {
            return Err(ApiError::validation(problems));
        }
    }
    run_action(
        &req,
        &state,
        &principal,
        id.into_inner(),
        TaskCommand::Acknowledge { note },
    )
    .await
}

/// Report progress on a data preparation (→ IN_PREPARATION).
#[utoipa::path(tag = "tasks", operation_id = "report_task_progress", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        ("If-Match" = String, Header, description = "The task's ETag last read"),
    ),
    request_body = ProgressRequest,
    responses(
        (status = 200, description = "The task", body = TaskDetailView),
        (status = 403, description = "Not a registered custodian", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task for this custodian", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed in the task's state (why)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The task changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem with the report", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/tasks/{id}/progress")]
async fn report_task_progress(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<ProgressRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let mut problems = Vec::new();
    check_free_text(&b.note, "/note", 5000, &mut problems);
    if b.percent_complete.is_some_and(|p| !(0..=100).contains(&p)) {
        problems.push(FieldError::new(
            "/percentComplete",
            "OUT_OF_RANGE",
            "between 0 and 100",
        ));
    }
    let expected = b
        .expected_delivery_on
        .as_deref()
        .and_then(|d| date_problem(d, "/expectedDeliveryOn", None, &mut problems));
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    run_action(
        &req,
        &state,
        &principal,
        id.into_inner(),
        TaskCommand::ReportProgress {
            note: b.note,
            percent_complete: b.percent_complete,
            expected_delivery_on: expected,
        },
    )
    .await
}

/// Record the delivery (→ DELIVERED): date, method and what was delivered.
/// Refused (409) on a DECISION task, before the source is granted, or for a
/// refused source.
#[utoipa::path(tag = "tasks", operation_id = "record_task_delivery", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        ("If-Match" = String, Header, description = "The task's ETag last read"),
    ),
    request_body = DeliveryRequest,
    responses(
        (status = 200, description = "The task, DELIVERED", body = TaskDetailView),
        (status = 403, description = "Not a registered custodian", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task for this custodian", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed (why: a DECISION task, not granted, refused, closed)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The task changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem with the delivery", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/tasks/{id}/deliveries")]
async fn record_task_delivery(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<DeliveryRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let today = oslo_date(state.clock.now());
    let mut problems = Vec::new();
    let on = date_problem(&b.delivered_on, "/deliveredOn", Some(today), &mut problems);
    check_free_text(&b.contents, "/contents", 5000, &mut problems);
    let Some(delivered_on) = on.filter(|_| problems.is_empty()) else {
        return Err(ApiError::validation(problems));
    };
    run_action(
        &req,
        &state,
        &principal,
        id.into_inner(),
        TaskCommand::Deliver {
            delivered_on,
            method: b.method.as_str().to_owned(),
            contents: b.contents,
        },
    )
    .await
}

/// Report that the data cannot be delivered (→ CANNOT_DELIVER), with the reason.
#[utoipa::path(tag = "tasks", operation_id = "report_cannot_deliver", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        ("If-Match" = String, Header, description = "The task's ETag last read"),
    ),
    request_body = CannotDeliverRequest,
    responses(
        (status = 200, description = "The task, CANNOT_DELIVER", body = TaskDetailView),
        (status = 403, description = "Not a registered custodian", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task for this custodian", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed in the task's state (why)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The task changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The reason is missing", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/tasks/{id}/cannot-deliver")]
async fn report_cannot_deliver(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<CannotDeliverRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let mut problems = Vec::new();
    check_free_text(&b.reason, "/reason", 5000, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    run_action(
        &req,
        &state,
        &principal,
        id.into_inner(),
        TaskCommand::CannotDeliver { reason: b.reason },
    )
    .await
}

/// Report hours worked on the task on one date (no state change; for the
/// custodian's invoice later). Allowed once the task is acknowledged.
#[utoipa::path(tag = "tasks", operation_id = "report_task_hours", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        ("If-Match" = String, Header, description = "The task's ETag last read"),
    ),
    request_body = HoursRequest,
    responses(
        (status = 200, description = "The task with its hours", body = TaskDetailView),
        (status = 403, description = "Not a registered custodian", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task for this custodian", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not acknowledged yet", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The task changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem with the hours", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/tasks/{id}/hours")]
async fn report_task_hours(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<HoursRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let today = oslo_date(state.clock.now());
    let mut problems = Vec::new();
    let on = date_problem(&b.worked_on, "/workedOn", None, &mut problems);
    check_free_text(&b.description, "/description", 2000, &mut problems);
    let mut hundredths = None;
    match hours_worked(b.hours, on.unwrap_or(today), today) {
        Ok(h) => hundredths = Some(i32::from(h)),
        Err(found) => {
            for p in found {
                let (pointer, code) = match p {
                    HoursProblem::OutOfRange => ("/hours", "OUT_OF_RANGE"),
                    HoursProblem::TooPrecise => ("/hours", "TOO_PRECISE"),
                    HoursProblem::InTheFuture => ("/workedOn", "IN_THE_FUTURE"),
                };
                problems.push(FieldError::new(pointer, code, p.to_string()));
            }
        }
    }
    let (Some(worked_on), Some(hundredths), true) = (on, hundredths, problems.is_empty()) else {
        return Err(ApiError::validation(problems));
    };
    run_action(
        &req,
        &state,
        &principal,
        id.into_inner(),
        TaskCommand::ReportHours {
            worked_on,
            hundredths,
            description: b.description,
        },
    )
    .await
}

/// Record the custodian's decision (vedtak) on a DECISION task (→ DECIDED),
/// through the same decision rules as HDS: per source GRANTED,
/// PARTLY_GRANTED (say which variables or period) or REFUSED, with legal
/// basis, conditions and text. When it is the case's last undecided source,
/// the case is decided and granted sources get data preparation tasks.
#[utoipa::path(tag = "tasks", operation_id = "record_task_decision", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        ("If-Match" = String, Header, description = "The task's ETag last read"),
    ),
    request_body = TaskDecisionRequest,
    responses(
        (status = 200, description = "The task, DECIDED, with the decision", body = TaskDetailView),
        (status = 403, description = "Not a registered custodian", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task for this custodian", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed (not a DECISION task, already decided, case not under review)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The task changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem with the decision", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/tasks/{id}/decision")]
async fn record_task_decision(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<TaskDecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let mut problems = Vec::new();
    if b.legal_basis.iter().all(|x| x.trim().is_empty()) {
        problems.push(FieldError::new(
            "/legalBasis",
            "REQUIRED",
            "name at least one legal basis (hjemmel)",
        ));
    }
    check_free_text(&b.text, "/text", 20_000, &mut problems);
    for (j, c) in b.conditions.iter().enumerate() {
        check_free_text(c, &format!("/conditions/{j}"), 2_000, &mut problems);
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let decision = NewSourceDecision {
        // the task's own source; filled in by the repository
        data_source: String::new(),
        outcome: DecisionOutcome::from(b.outcome),
        legal_basis: b
            .legal_basis
            .into_iter()
            .map(|x| x.trim().to_owned())
            .filter(|x| !x.is_empty())
            .collect(),
        conditions: b.conditions,
        text: b.text,
        granted_variables: b.granted_variables,
        granted_period_from: b.granted_period_from,
        granted_period_to: b.granted_period_to,
    };
    let (custodian, version) = custodian_action(&req, &state, &principal).await?;
    let id = id.into_inner();
    let actor = principal.actor();
    let request_id = request_id(&req);
    let at = state.clock.now();
    let config = state.config.clone();
    let view = state
        .run(move |conn| {
            let rules = case_rules(&config, conn)?;
            let ctx = Ctx {
                actor: &actor,
                at,
                request_id: request_id.as_deref(),
            };
            repo::decide(conn, custodian, id, version, &ctx, &rules, decision)?;
            Ok(detail_view(repo::detail(conn, custodian, id)?))
        })
        .await?;
    let version = view.summary.version;
    etag::json_versioned_composite(&req, &view, version, PRIVATE_NO_CACHE)
}
