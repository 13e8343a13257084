//! Drafts (utkast): start one, list the caller's applications, read one,
//! change its sections.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use diesel::Connection;
use hds_persistence::applications as repo;
use hds_persistence::draft_writes::{self, Actor};
use serde_json::{json, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use super::common::{audit, check_version, not_draft};
use super::content::{ApplicationContent, ApplicationPatch, ALL_SECTIONS};
use super::mapping::{content_json, new_draft_view, stored_content, view};
use super::requests::ListApplicationsQuery;
use super::validation::validate_for_saving;
use super::views::{ApplicationRole, ApplicationStatus, ApplicationSummary, ApplicationView};
use crate::access::applicant;
use crate::auth::Principal;
use crate::error::{ApiError, Text};
use crate::extract::{ApiJson, ApiQuery};
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::http::idempotency::{claim, http_response, keyed, respond_stored};
use crate::http::pagination::{self, Page};
use crate::http::request_id::request_id;
use crate::spec::{Conflict, IdempotencyKey, IfMatch, IfNoneMatch, NotFound};
use crate::state::AppState;

/// Start a new draft application (utkast), optionally with some sections.
#[utoipa::path(tag = "applications", operation_id = "create_application", security(("bearerAuth" = ["APPLICANT"])),
    params(IdempotencyKey),
    request_body = ApplicationContent,
    responses(
        (status = 201, description = "The draft; `ETag` and `Location` set", body = ApplicationView),
    ))]
#[post("/applications")]
pub(super) async fn create_application(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    body: ApiJson<ApplicationContent>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let content = body.0;
    let json = content_json(&content)?;
    let keyed = keyed(&req, &pid, json.to_string().as_bytes())?;
    let actor = principal.actor();
    let request_id = request_id(&req);
    let (stored, replayed) = state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                if let Some(stored) = claim(conn, keyed.as_ref())? {
                    return Ok((stored, true));
                }
                validate_for_saving(conn, &content, &ALL_SECTIONS)?;
                let by = Actor {
                    actor: &actor,
                    request_id: request_id.as_deref(),
                };
                let (row, email) = draft_writes::create(conn, &pid, &json, &by)?;
                let view = new_draft_view(&row, email)?;
                let headers = vec![
                    ("Location", format!("/api/v1/applications/{}", row.id)),
                    ("ETag", view_etag(&view)?),
                ];
                Ok((
                    respond_stored(conn, keyed.as_ref(), 201, headers, &view)?,
                    false,
                ))
            })
        })
        .await?;
    Ok(http_response(stored, replayed))
}

/// The caller's applications (own and as co-applicant), newest first, with
/// status and case number.
#[utoipa::path(tag = "applications", operation_id = "list_my_applications", security(("bearerAuth" = ["APPLICANT"])),
    params(ListApplicationsQuery, IfNoneMatch),
    responses(
        (status = 200, description = "One page", body = Page<ApplicationSummary>),
    ))]
#[get("/applications")]
pub(super) async fn list_my_applications(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    query: ApiQuery<ListApplicationsQuery>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let query = query.0;
    let limit = pagination::limit(query.limit)?;
    let after = pagination::decode_cursor(query.cursor.as_deref())?
        .map(|c| parse_cursor(&c))
        .transpose()?;
    let status = query.status.map(ApplicationStatus::code);
    let rows = state
        .run(move |conn| {
            Ok(repo::list_for(conn, &pid, after, status, limit).map(|rows| (rows, pid))?)
        })
        .await?;
    let (rows, pid) = rows;
    let items: Vec<ApplicationSummary> = rows
        .into_iter()
        .map(|r| ApplicationSummary {
            id: r.id,
            title: r
                .content
                .pointer("/project/title")
                .and_then(Value::as_str)
                .map(str::to_owned),
            status: r
                .case_status
                .as_deref()
                .and_then(ApplicationStatus::from_code)
                .unwrap_or(ApplicationStatus::Draft),
            role: if r.owner_pid == pid {
                ApplicationRole::Owner
            } else {
                ApplicationRole::Member
            },
            case_number: r.case_number,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
            submitted_at: r.submitted_at,
        })
        .collect();
    let page = pagination::page(items, limit, |a| {
        format!("{}|{}", a.created_at.unix_timestamp_nanos(), a.id)
    });
    etag::json_with_etag(&req, &page, PRIVATE_NO_CACHE)
}

fn parse_cursor(raw: &str) -> Result<(OffsetDateTime, Uuid), ApiError> {
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
    let (nanos, id) = raw.split_once('|').ok_or_else(bad)?;
    let nanos: i128 = nanos.parse().map_err(|_| bad())?;
    let at = OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(|_| bad())?;
    let id = Uuid::parse_str(id).map_err(|_| bad())?;
    Ok((at, id))
}

/// One application, with its content and attachments.
#[utoipa::path(tag = "applications", operation_id = "get_application", security(("bearerAuth" = ["APPLICANT"])),
    params(("id" = Uuid, Path, description = "The application's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The application; `ETag: \"v<version>-<hash>\"`: its version (for `If-Match`), and a hash of what this caller sees, which also changes with the case's status and the caller's e-mail notifications", body = ApplicationView),
        (status = 404, response = NotFound),
    ))]
#[get("/applications/{id}")]
pub(super) async fn get_application(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let id = id.into_inner();
    let view = state
        .run(move |conn| {
            let (row, access) = repo::find_accessible(conn, id, &pid)?;
            view(conn, &row, access, &pid)
        })
        .await?;
    etag::json_versioned_composite(&req, &view, view.version, PRIVATE_NO_CACHE)
}

/// Change sections of a draft. Each section given replaces the stored one;
/// `null` clears it. Needs `If-Match`. Content wrong in itself is refused
/// (422); what is merely unfinished is reported by the check.
#[utoipa::path(tag = "applications", operation_id = "update_application", security(("bearerAuth" = ["APPLICANT"])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        IfMatch,
    ),
    request_body = ApplicationPatch,
    responses(
        (status = 200, description = "The application after the change; new `ETag`", body = ApplicationView),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[patch("/applications/{id}")]
pub(super) async fn update_application(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<ApplicationPatch>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let version = etag::required_version(&req)?;
    let id = id.into_inner();
    let patch = body.0;
    let actor = principal.actor();
    let request_id = request_id(&req);
    let view = state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                let (row, access) = repo::lock_accessible(conn, id, &pid)?;
                if row.status != repo::DRAFT {
                    return Err(not_draft());
                }
                check_version(Some(version), row.version)?;
                let mut content = stored_content(&row)?;
                let touched = patch.apply(&mut content);
                validate_for_saving(conn, &content, &touched)?;
                let row = repo::update_content(conn, id, &content_json(&content)?)?;
                audit(
                    conn,
                    &actor,
                    "APPLICATION_UPDATED",
                    "application",
                    &id.to_string(),
                    json!({"version": row.version, "sections": touched}),
                    request_id.as_deref(),
                )?;
                view(conn, &row, access, &pid)
            })
        })
        .await?;
    etag::json_versioned_composite(&req, &view, view.version, PRIVATE_NO_CACHE)
}

/// The ETag of an application as `view` shows it (as
/// [`etag::json_versioned_composite`] gives it on a read): its version, and
/// a hash of what else the caller sees (the case's status, their role,
/// whether they get e-mail), so a cached copy is not kept when those change.
fn view_etag(view: &ApplicationView) -> Result<String, ApiError> {
    let body = serde_json::to_vec(view).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(etag::of_version_and_bytes(view.version, &body))
}
