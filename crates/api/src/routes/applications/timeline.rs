//! The case a submitted application became, and its timeline (saksgang) as
//! the applicant sees it.

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_persistence::applications as repo;
use uuid::Uuid;

use super::views::{ApplicationStatus, CaseEventView, CaseView};
use crate::access::applicant;
use crate::auth::Principal;
use crate::error::{ApiError, Problem};
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::state::AppState;

/// The case a submitted application became: case number, status, received.
#[utoipa::path(tag = "applications", operation_id = "get_case", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "The application's id")),
    responses(
        (status = 200, description = "The case; `ETag: \"v<version>\"`", body = CaseView),
        (status = 404, description = "No such application for the caller, or not submitted", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/applications/{id}/case")]
pub(super) async fn get_case(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let id = id.into_inner();
    let case = state
        .run(move |conn| {
            repo::find_accessible(conn, id, &pid)?;
            Ok(repo::case_of(conn, id)?)
        })
        .await?;
    let view = CaseView::from_row(&case);
    etag::json_versioned(&req, &view, view.version, PRIVATE_NO_CACHE)
}

/// The case's timeline (saksgang) as the applicant sees it: received,
/// questions, decision, deadline changes, withdrawal. Oldest first.
#[utoipa::path(tag = "applications", operation_id = "list_case_events", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "The application's id")),
    responses(
        (status = 200, description = "The events meant for the applicant", body = Vec<CaseEventView>),
        (status = 404, description = "No such application for the caller, or not submitted", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/applications/{id}/case/events")]
pub(super) async fn list_case_events(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let id = id.into_inner();
    let events = state
        .run(move |conn| {
            repo::find_accessible(conn, id, &pid)?;
            let case = repo::case_of(conn, id)?;
            Ok(repo::case_events_of(conn, case.id, true)?)
        })
        .await?;
    let views: Vec<CaseEventView> = events
        .into_iter()
        .map(|e| CaseEventView {
            kind: e.kind,
            occurred_at: e.occurred_at,
            status: e
                .status_after
                .as_deref()
                .and_then(ApplicationStatus::from_code),
            details: e.data,
        })
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PRIVATE_NO_CACHE))
        .json(views))
}
