//! For the custodian: the attachments the applicant sent after submission
//! that concern the task's data source (ettersending; the applicant names
//! the source when sending). Nothing else of the application's attachments.

use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_persistence::applications as repo;
use hds_persistence::change_requests as store;
use hds_persistence::task_context;
use hds_persistence::tasks;
use hds_persistence::DbConn;
use uuid::Uuid;

use super::sent_later::SentLaterView;
use crate::access::acting_custodian;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::download::AttachmentDownload;
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::spec::{IfNoneMatch, NotFound};
use crate::state::AppState;

/// The attachments sent later concerning the task's source, with the case's
/// application id (their rows' owner).
fn concerning(
    conn: &mut DbConn,
    custodian: Uuid,
    task_id: Uuid,
) -> Result<(Uuid, Vec<SentLaterView>), ApiError> {
    let detail = tasks::detail(conn, custodian, task_id)?;
    let case = hds_persistence::cases::find(conn, detail.row.task.case_id)?;
    let code = detail.row.source_code.clone();
    let metas = repo::list_attachments(conn, case.application_id)?;
    let views = store::sent_later_of_case(conn, case.id)?
        .iter()
        .filter(|r| r.data_source_code.as_deref() == Some(code.as_str()))
        .filter_map(|r| {
            metas.iter().find(|m| m.id == r.attachment_id).map(|m| {
                let mut v = SentLaterView::new(r, m);
                v.attachment.download_url = format!("/api/v1/tasks/{task_id}/attachments/{}", m.id);
                v
            })
        })
        .collect();
    Ok((case.application_id, views))
}

/// The attachments the applicant sent after submission about this task's
/// data source, oldest first.
#[utoipa::path(tag = "tasks", operation_id = "list_task_attachments", security(("bearerAuth" = ["CUSTODIAN"])),
    params(("id" = Uuid, Path, description = "The task's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The attachments sent later about the source", body = Vec<SentLaterView>),
        (status = 404, response = NotFound),
    ))]
#[get("/tasks/{id}/attachments")]
pub(super) async fn list_task_attachments(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let custodian = acting_custodian(&state, &principal).await?.id;
    let id = id.into_inner();
    let (_, views) = state
        .run(move |conn| concerning(conn, custodian, id))
        .await?;
    etag::json_with_etag(&req, &views, PRIVATE_NO_CACHE)
}

/// Download an attachment: for the custodian that decides (a DECISION
/// task) any file of the submitted application, as submitted; for any task
/// a file sent later about its data source.
#[utoipa::path(tag = "tasks", operation_id = "download_task_attachment", security(("bearerAuth" = ["CUSTODIAN"])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        ("attachmentId" = Uuid, Path, description = "The attachment's id"),
        IfNoneMatch,
    ),
    responses(
        AttachmentDownload,
        (status = 404, response = NotFound),
    ))]
#[get("/tasks/{id}/attachments/{attachmentId}")]
pub(super) async fn download_task_attachment(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let custodian = acting_custodian(&state, &principal).await?.id;
    let (id, attachment_id) = path.into_inner();
    let (content_type, filename, sha256, content) = state
        .run(move |conn| {
            // the deciding custodian reads every file as submitted
            match task_context::deciding_attachment(conn, custodian, id, attachment_id) {
                Ok((meta, content)) => {
                    return Ok((meta.content_type, meta.filename, meta.sha256, content));
                }
                Err(tasks::TaskError::Store(hds_persistence::StoreError::NotFound)) => {}
                Err(e) => return Err(e.into()),
            }
            // a file sent later about the task's source
            let (application_id, views) = concerning(conn, custodian, id)?;
            if !views.iter().any(|v| v.attachment.id == attachment_id) {
                return Err(hds_persistence::StoreError::NotFound.into());
            }
            let (meta, content) = repo::attachment_content(conn, application_id, attachment_id)?;
            Ok((meta.content_type, meta.filename, meta.sha256, content))
        })
        .await?;
    Ok(crate::http::download::file_response(
        &req,
        &content_type,
        &filename,
        &sha256,
        content,
    ))
}
