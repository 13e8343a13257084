//! Notifications (varsler) as HDS staff see them: every message in the
//! outbox with its delivery state (sent, waiting for a new try with the last
//! error, or given up), and the custodians' functional addresses for tasks.

use actix_web::{get, put, web, HttpRequest, HttpResponse};
use hds_persistence::notifications::outbox::{self, Filter, NotificationRow};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::auth::{Principal, Role};
use crate::error::{ApiError, Text};
use crate::extract::{ApiJson, ApiQuery};
use crate::field_rules;
use crate::http::etag::{json_with_etag, PRIVATE_NO_CACHE};
use crate::http::pagination::{self, Page};
use crate::spec::{IfNoneMatch, NotFound};
use crate::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_notifications)
        .service(set_custodian_notification_address);
}

/// Delivery state of a message (leveringsstatus).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NotificationStatus {
    /// Waiting to be sent, or for its next try after a failure.
    Pending,
    /// Accepted by the mail server (or written as `.eml` locally).
    Sent,
    /// Given up after the last try (`HDS_MAIL_MAX_ATTEMPTS`).
    Failed,
}

/// Whom a message is for (mottaker).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NotificationAudience {
    /// The applicant (søker).
    Applicant,
    /// A co-applicant (medsøker).
    CoApplicant,
    /// A custodian's functional address (registerforvalter).
    Custodian,
    /// A person verifying their address.
    Person,
}

/// What a message tells (varseltype).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NotificationKind {
    Received,
    QuestionAsked,
    Reminder,
    PreliminaryReply,
    Decided,
    RejectedNoReply,
    DataDelivered,
    AppealReceived,
    AppealDecided,
    AppealForwarded,
    ChangeRequestReceived,
    ChangeRequestDecided,
    AddedAsCoApplicant,
    TaskAssigned,
    VerifyAddress,
}

fn code<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn parse<T: for<'de> Deserialize<'de>>(code: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
}

/// A message and its delivery state (varsel).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    pub id: Uuid,
    pub kind: NotificationKind,
    /// The event that caused it (e.g. `QUESTION_ASKED`, `TASK_CREATED`).
    pub cause: String,
    pub audience: NotificationAudience,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "HDS-2026-000001")]
    pub case_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custodian_id: Option<Uuid>,
    /// The address it is (or was) sent to.
    pub to: String,
    /// `NB` or `EN`.
    pub language: String,
    pub status: NotificationStatus,
    /// Tries so far.
    pub attempts: i32,
    /// Why the last try failed (the mail server's answer); absent once sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_attempt_at: Option<OffsetDateTime>,
    /// When the next try is due (while PENDING).
    #[serde(
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_attempt_at: Option<OffsetDateTime>,
    #[serde(
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

impl From<NotificationRow> for Notification {
    fn from(r: NotificationRow) -> Self {
        let status = parse(&r.status).unwrap_or(NotificationStatus::Pending);
        Self {
            id: r.id,
            kind: parse(&r.kind).unwrap_or(NotificationKind::Received),
            cause: r.cause,
            audience: parse(&r.audience).unwrap_or(NotificationAudience::Applicant),
            case_id: r.case_id,
            case_number: r.case_number,
            custodian_id: r.custodian_id,
            to: r.to_address,
            language: r.language,
            attempts: r.attempts,
            last_error: r.last_error,
            last_attempt_at: r.last_attempt_at,
            next_attempt_at: (status == NotificationStatus::Pending).then_some(r.next_attempt_at),
            sent_at: r.sent_at,
            created_at: r.created_at,
            status,
        }
    }
}

/// Filters of the list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NotificationsQuery {
    pub status: Option<NotificationStatus>,
    pub kind: Option<NotificationKind>,
    pub audience: Option<NotificationAudience>,
    /// Only the messages of this case.
    #[param(example = "HDS-2026-000001")]
    pub case_number: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// From `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

fn invalid_cursor() -> ApiError {
    ApiError::bad_parameter(
        "/query/cursor",
        "INVALID_CURSOR",
        Text::new(
            "cursor er ikke en dette API-et har gitt ut",
            "cursor is not one this API gave out",
        ),
    )
}

/// Every message, newest first, with its delivery state: status, tries,
/// the last error and the next try. HDS staff only.
#[utoipa::path(tag = "notifications", operation_id = "list_notifications", security(("bearerAuth" = ["CASE_HANDLER", "ADMIN"])),
    params(NotificationsQuery, IfNoneMatch),
    responses((status = 200, description = "The messages", body = Page<Notification>)))]
#[get("/notifications")]
async fn list_notifications(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    query: ApiQuery<NotificationsQuery>,
) -> Result<HttpResponse, ApiError> {
    if !principal.has(Role::CaseHandler) {
        principal.require(Role::Admin)?;
    }
    let q = query.0;
    let limit = pagination::limit(q.limit)?;
    let before = pagination::decode_cursor(q.cursor.as_deref())?
        .map(|key| {
            let (at, id) = key.split_once('|').ok_or_else(invalid_cursor)?;
            let at = OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
                .map_err(|_| invalid_cursor())?;
            Ok::<_, ApiError>((at, id.parse::<Uuid>().map_err(|_| invalid_cursor())?))
        })
        .transpose()?;
    let filter = Filter {
        status: q.status.map(code),
        kind: q.kind.map(code),
        case_number: q.case_number,
        audience: q.audience.map(code),
        before,
    };
    let rows = state
        .run(move |conn| outbox::list(conn, &filter, limit + 1).map_err(ApiError::from))
        .await?;
    let page = pagination::page(rows, limit, |r| {
        let at = r
            .created_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        format!("{at}|{}", r.id)
    });
    let page = Page {
        items: page.items.into_iter().map(Notification::from).collect(),
        next_cursor: page.next_cursor,
    };
    json_with_etag(&req, &page, PRIVATE_NO_CACHE)
}

/// A custodian's functional address for new tasks (funksjonell adresse).
#[derive(Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NotificationAddress {
    #[validate(email, length(max = 254))]
    #[schema(example = "datatilgang@fhi.no")]
    pub email: String,
}

/// Set the address a custodian's new tasks are announced to (ADMIN).
/// Without one, its public contact address is used.
#[utoipa::path(tag = "notifications", operation_id = "set_custodian_notification_address", security(("bearerAuth" = ["ADMIN"])),
    params(("code" = String, Path, description = "The custodian's code")),
    request_body = NotificationAddress,
    responses(
        (status = 200, description = "The address now in use", body = NotificationAddress),
        (status = 404, response = NotFound),
    ))]
#[put("/custodians/{code}/notification-address")]
async fn set_custodian_notification_address(
    state: web::Data<AppState>,
    principal: Principal,
    code: web::Path<String>,
    body: ApiJson<NotificationAddress>,
) -> Result<HttpResponse, ApiError> {
    principal.require(Role::Admin)?;
    let body = body.0;
    let problems = field_rules::check(&body);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let email = body.email.trim().to_owned();
    let by = principal.actor();
    let at = state.clock.now();
    let code = code.into_inner();
    let stored = email.clone();
    state
        .run(move |conn| {
            hds_persistence::notifications::set_custodian_address(conn, &code, &stored, &by, at)
                .map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(NotificationAddress { email }))
}
