//! The case a submitted application became, its timeline (saksgang) as the
//! applicant sees it, and its decision letter.

use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_persistence::applications as repo;
use uuid::Uuid;

use super::views::{ApplicationStatus, CaseEventView, CaseView};
use crate::access::applicant;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::http::download::BinaryFile;
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::letter::{language, pdf_response, LetterQuery};
use crate::spec::{IfNoneMatch, NotFound};
use crate::state::AppState;

/// The case a submitted application became: case number, status, received.
#[utoipa::path(tag = "applications", operation_id = "get_case", security(("bearerAuth" = ["APPLICANT"])),
    params(("id" = Uuid, Path, description = "The application's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The case; `ETag: \"v<version>\"`", body = CaseView),
        (status = 404, response = NotFound),
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
/// questions, decision, deadline changes (postponements with a preliminary
/// reply, by HDS or by a custodian for its source; the statutory clock set
/// with a reason), each delivery (source, method, date, custodian) or
/// report that data cannot be delivered, the data made available,
/// withdrawal. Oldest first.
#[utoipa::path(tag = "applications", operation_id = "list_case_events", security(("bearerAuth" = ["APPLICANT"])),
    params(("id" = Uuid, Path, description = "The application's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The events meant for the applicant", body = Vec<CaseEventView>),
        (status = 404, response = NotFound),
    ))]
#[get("/applications/{id}/case/events")]
pub(super) async fn list_case_events(
    req: HttpRequest,
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
    etag::json_with_etag(&req, &views, PRIVATE_NO_CACHE)
}

/// The decision letter (vedtaksbrev) of the application's case as a PDF,
/// for the applicant and the co-applicants: case number, parties, each
/// source's outcome and legal basis, conditions, access period, deletion or
/// return date, the right to appeal within 3 weeks and to whom. Bokmål;
/// English with `lang=en` or `Accept-Language: en`.
#[utoipa::path(tag = "applications", operation_id = "download_decision_letter", security(("bearerAuth" = ["APPLICANT"])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        LetterQuery,
        ("Accept-Language" = Option<String>, Header, description = "`en` for English (bokmål otherwise), unless `lang` is given"),
        IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The letter; `Content-Language` says which", content_type = "application/pdf", body = BinaryFile),
        (status = 404, response = NotFound),
    ))]
#[get("/applications/{id}/case/decision-letter")]
pub(super) async fn download_decision_letter(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    query: ApiQuery<LetterQuery>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let lang = language(&req, &query.0);
    let id = id.into_inner();
    let facts = state
        .run(move |conn| {
            repo::find_accessible(conn, id, &pid)?;
            let case = repo::case_of(conn, id)?;
            Ok(hds_persistence::cases::letter_facts(conn, case.id)?)
        })
        .await?;
    pdf_response(&req, facts, lang)
}
