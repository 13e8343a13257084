//! The case file (saksmappe).

use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_domain::calendar::oslo_date;
use uuid::Uuid;

use super::mapping::detail;
use super::views::CaseDetail;
use crate::access::case_handler;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::spec::{IfNoneMatch, NotFound};
use crate::state::AppState;

/// The case file: the submitted application, sources, deadlines, questions,
/// decisions, custodian tasks and the full history with internal notes.
#[utoipa::path(tag = "cases", operation_id = "read_case", security(("bearerAuth" = ["CASE_HANDLER"])),
    params(("id" = Uuid, Path, description = "The case's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The case; `ETag: \"v<version>\"`", body = CaseDetail),
        (status = 404, response = NotFound),
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
