//! Service notices (driftsmeldinger), e.g. planned downtime: admins publish
//! them with a validity window; everyone sees the ones active now.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use hds_persistence::catalogue::{self as repo, NoticeInput, NoticeRow};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::common::{Severity, Who};
use crate::auth::{Principal, Role};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::http::etag::{json_with_etag, PRIVATE_NO_CACHE, PUBLIC_CACHE};
use crate::spec::IfNoneMatch;
use crate::state::AppState;

/// A service notice (driftsmelding), shown to everyone while valid.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceNotice {
    pub id: Uuid,
    pub severity: Severity,
    #[schema(example = "Planlagt nedetid")]
    pub title_nb: String,
    #[schema(example = "Planned downtime")]
    pub title_en: String,
    pub body_nb: String,
    pub body_en: String,
    /// Shown from this instant (inclusive).
    #[serde(with = "time::serde::rfc3339")]
    pub valid_from: OffsetDateTime,
    /// Shown until this instant (exclusive).
    #[serde(with = "time::serde::rfc3339")]
    pub valid_to: OffsetDateTime,
}

fn to_dto(row: NoticeRow) -> Result<ServiceNotice, ApiError> {
    Ok(ServiceNotice {
        id: row.id,
        severity: Severity::from_db(&row.severity)?,
        title_nb: row.title_nb,
        title_en: row.title_en,
        body_nb: row.body_nb,
        body_en: row.body_en,
        valid_from: row.valid_from,
        valid_to: row.valid_to,
    })
}

/// The notices active at an instant.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceNoticeList {
    pub items: Vec<ServiceNotice>,
}

/// Query of the active notices.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NoticeQuery {
    /// The instant (RFC 3339) to list the notices of; default now.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[param(value_type = Option<String>, format = DateTime)]
    pub at: Option<OffsetDateTime>,
}

/// The service notices (driftsmeldinger) active now (or at `at`).
#[utoipa::path(tag = "catalogue", operation_id = "list_service_notices", params(NoticeQuery, IfNoneMatch),
    responses(
        (status = 200, description = "The active notices, oldest first", body = ServiceNoticeList,
            headers(("ETag" = String), ("Cache-Control" = String))),
    ))]
#[get("/service-notices")]
pub(super) async fn list_service_notices(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: ApiQuery<NoticeQuery>,
) -> Result<HttpResponse, ApiError> {
    let at = query.0.at.unwrap_or_else(OffsetDateTime::now_utc);
    let rows = state
        .run(move |conn| Ok(repo::active_notices(conn, at)?))
        .await?;
    let items = rows.into_iter().map(to_dto).collect::<Result<_, _>>()?;
    json_with_etag(&req, &ServiceNoticeList { items }, PUBLIC_CACHE)
}

/// A new service notice.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewServiceNotice {
    pub severity: Severity,
    pub title_nb: String,
    pub title_en: String,
    #[serde(default)]
    pub body_nb: String,
    #[serde(default)]
    pub body_en: String,
    /// RFC 3339; before `validTo`.
    #[serde(with = "time::serde::rfc3339")]
    pub valid_from: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub valid_to: OffsetDateTime,
}

/// Publishes a service notice (ADMIN).
#[utoipa::path(tag = "catalogue", operation_id = "create_service_notice", security(("bearerAuth" = ["ADMIN"])),
    request_body = NewServiceNotice,
    responses(
        (status = 201, description = "Published", body = ServiceNotice),
    ))]
#[post("/service-notices")]
pub(super) async fn create_service_notice(
    state: web::Data<AppState>,
    req: HttpRequest,
    principal: Principal,
    body: ApiJson<NewServiceNotice>,
) -> Result<HttpResponse, ApiError> {
    principal.require(Role::Admin)?;
    let who = Who::of(&principal, &req);
    let body = body.0;
    let input = NoticeInput {
        severity: body.severity.as_db().to_owned(),
        title_nb: body.title_nb,
        title_en: body.title_en,
        body_nb: body.body_nb,
        body_en: body.body_en,
        valid_from: body.valid_from,
        valid_to: body.valid_to,
    };
    let row = state
        .run(move |conn| Ok(repo::create_notice(conn, &input, who.actor())?))
        .await?;
    Ok(HttpResponse::build(StatusCode::CREATED)
        .insert_header((actix_web::http::header::CACHE_CONTROL, PRIVATE_NO_CACHE))
        .json(to_dto(row)?))
}
