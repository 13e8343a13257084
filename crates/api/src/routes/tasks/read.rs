//! One task, with only what the custodian needs for its source.

use actix_web::{get, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::mapping::task_view;
use super::views::TaskDetailView;
use crate::access::acting_custodian;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::spec::{IfNoneMatch, NotFound};
use crate::state::AppState;

/// One task with only what the custodian needs: its source (asked for and
/// decided: variables, period, conditions), the project and its contact,
/// the case number, and the custodian's own reports. ETag `"v<version>"`.
#[utoipa::path(tag = "tasks", operation_id = "read_task", security(("bearerAuth" = ["CUSTODIAN"])),
    params(("id" = Uuid, Path, description = "The task's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The task", body = TaskDetailView),
        (status = 404, response = NotFound),
    ))]
#[get("/tasks/{id}")]
pub(super) async fn read_task(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let custodian = acting_custodian(&state, &principal).await?.id;
    let id = id.into_inner();
    let view = state
        .run(move |conn| task_view(conn, custodian, id))
        .await?;
    let version = view.summary.version;
    etag::json_versioned_composite(&req, &view, version, PRIVATE_NO_CACHE)
}
