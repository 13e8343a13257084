//! The case file (saksmappe).

use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_domain::calendar::oslo_date;
use uuid::Uuid;

use super::mapping::detail;
use super::views::CaseDetail;
use crate::access::case_handler;
use crate::auth::Principal;
use crate::error::{ApiError, Problem};
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::state::AppState;

/// The case file: the submitted application, sources, deadlines, questions,
/// decisions, custodian tasks and the full history with internal notes.
#[utoipa::path(tag = "cases", operation_id = "read_case", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "The case's id")),
    responses(
        (status = 200, description = "The case; `ETag: \"v<version>\"`", body = CaseDetail),
        (status = 403, description = "Not a case handler", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/cases/{id}")]
pub(super) async fn read_case(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    case_handler(&principal)?;
    let id = id.into_inner();
    let today = oslo_date(state.clock.now());
    let config = state.config.clone();
    let view = state
        .run(move |conn| detail(conn, &config, id, today))
        .await?;
    let version = view.summary.version;
    etag::json_versioned(&req, &view, version, PRIVATE_NO_CACHE)
}
