//! For the case handler: a case's change-request links (the change request
//! it is, with what changed against the version in force, and those made
//! to it), and the case's attachments, submitted and sent later.

use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_persistence::applications as repo;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::change_request_views::ChangeRequestLinks;
use super::change_requests::links;
use super::sent_later::{sent_later_views, SentLaterView};
use super::views::AttachmentView;
use crate::access::case_handler;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::download::AttachmentDownload;
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::spec::{IfNoneMatch, NotFound};
use crate::state::AppState;

/// The change-request links of a case: when it handles a change request
/// (endringssøknad), what changed (JSON pointers with the old and the new
/// value, against the version in force when it was made), why, and the
/// original case; and the change requests made to it.
#[utoipa::path(tag = "cases", operation_id = "read_case_change_requests", security(("bearerAuth" = ["CASE_HANDLER"])),
    params(("id" = Uuid, Path, description = "The case's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The links both ways", body = ChangeRequestLinks),
        (status = 404, response = NotFound),
    ))]
#[get("/cases/{id}/change-requests")]
pub(super) async fn read_case_change_requests(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    case_handler(&principal)?;
    let id = id.into_inner();
    let view = state
        .run(move |conn| {
            let case = hds_persistence::cases::find(conn, id)?;
            links(conn, case.application_id)
        })
        .await?;
    etag::json_with_etag(&req, &view, PRIVATE_NO_CACHE)
}

/// A case's attachments: those submitted (frozen with the application) and
/// those sent later (ettersendt), each with what it replaces or answers.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseAttachments {
    /// Every attachment of the application, oldest first (download:
    /// `/cases/{id}/attachments/{attachmentId}`).
    pub attachments: Vec<AttachmentView>,
    /// Those sent after submission.
    pub sent_later: Vec<SentLaterView>,
}

/// The case's attachments, submitted and sent later.
#[utoipa::path(tag = "cases", operation_id = "list_case_attachments", security(("bearerAuth" = ["CASE_HANDLER"])),
    params(("id" = Uuid, Path, description = "The case's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The attachments", body = CaseAttachments),
        (status = 404, response = NotFound),
    ))]
#[get("/cases/{id}/attachments")]
pub(super) async fn list_case_attachments(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    case_handler(&principal)?;
    let id = id.into_inner();
    let view = state
        .run(move |conn| {
            let case = hds_persistence::cases::find(conn, id)?;
            let mut attachments: Vec<AttachmentView> =
                repo::list_attachments(conn, case.application_id)?
                    .iter()
                    .map(AttachmentView::from_meta)
                    .collect();
            for a in &mut attachments {
                a.download_url = format!("/api/v1/cases/{id}/attachments/{}", a.id);
            }
            let mut sent_later = sent_later_views(conn, case.application_id, id)?;
            for s in &mut sent_later {
                s.attachment.download_url =
                    format!("/api/v1/cases/{id}/attachments/{}", s.attachment.id);
            }
            Ok(CaseAttachments {
                attachments,
                sent_later,
            })
        })
        .await?;
    etag::json_with_etag(&req, &view, PRIVATE_NO_CACHE)
}

/// Download one of the case's attachments: a submitted one exactly as
/// submitted (kept unchanged whatever later happens to the draft), or one
/// sent later.
#[utoipa::path(tag = "cases", operation_id = "download_case_attachment", security(("bearerAuth" = ["CASE_HANDLER"])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        ("attachmentId" = Uuid, Path, description = "The attachment's id"),
        IfNoneMatch,
    ),
    responses(
        AttachmentDownload,
        (status = 404, response = NotFound),
    ))]
#[get("/cases/{id}/attachments/{attachmentId}")]
pub(super) async fn download_case_attachment(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    case_handler(&principal)?;
    let (id, attachment_id) = path.into_inner();
    let file = state
        .run(move |conn| {
            let case = hds_persistence::cases::find(conn, id)?;
            Ok(hds_persistence::submitted_attachments::case_file(
                conn,
                id,
                case.application_id,
                attachment_id,
            )?)
        })
        .await?;
    Ok(crate::http::download::file_response(
        &req,
        &file.content_type,
        &file.filename,
        &file.sha256,
        file.content,
    ))
}
