//! The completeness check (kontroll av søknaden): every problem at once.

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use hds_persistence::applications as repo;
use uuid::Uuid;

use super::validation::{check_problem, run_check};
use super::views::CheckResult;
use crate::access::applicant;
use crate::auth::Principal;
use crate::error::{ApiError, Problem};
use crate::http::etag::PRIVATE_NO_CACHE;
use crate::state::AppState;

/// Check the application against what makes a good application: every
/// problem at once, each with a pointer, a code and messages in Norwegian and English.
#[utoipa::path(tag = "applications", operation_id = "check_application", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "The application's id")),
    responses(
        (status = 200, description = "The problems (none when complete)", body = CheckResult),
        (status = 404, description = "No such application for the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/applications/{id}/check")]
pub(super) async fn check_application(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let id = id.into_inner();
    let problems = state
        .run(move |conn| {
            let (row, _) = repo::find_accessible(conn, id, &pid)?;
            run_check(conn, &row)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PRIVATE_NO_CACHE))
        .json(CheckResult {
            complete: problems.is_empty(),
            problems: problems.into_iter().map(check_problem).collect(),
        }))
}
