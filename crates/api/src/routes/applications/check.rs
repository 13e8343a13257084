//! The completeness check (kontroll av søknaden): every problem at once.

use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_persistence::applications as repo;
use uuid::Uuid;

use super::validation::{check_problem, run_check};
use super::views::CheckResult;
use crate::access::applicant;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::spec::{IfNoneMatch, NotFound};
use crate::state::AppState;

/// Check the application against what makes a good application: every
/// problem at once, each with a pointer, a code and messages in Norwegian and English.
#[utoipa::path(tag = "applications", operation_id = "check_application", security(("bearerAuth" = ["APPLICANT"])),
    params(("id" = Uuid, Path, description = "The application's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The problems (none when complete)", body = CheckResult),
        (status = 404, response = NotFound),
    ))]
#[get("/applications/{id}/check")]
pub(super) async fn check_application(
    req: HttpRequest,
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
    let result = CheckResult {
        complete: problems.is_empty(),
        problems: problems.into_iter().map(check_problem).collect(),
    };
    etag::json_with_etag(&req, &result, PRIVATE_NO_CACHE)
}
