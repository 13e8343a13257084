//! The submitted application's attachments (vedlegg), as submitted, for
//! case handlers: the project description, REK's approval, ...

use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_persistence::cases as repo;
use hds_persistence::submitted_attachments;
use uuid::Uuid;

use crate::access::case_handler;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::download::{file_response, BinaryFile};
use crate::spec::{IfNoneMatch, NotFound};
use crate::state::AppState;

/// Download an attachment of the case's submitted application, exactly as
/// submitted (the file is kept unchanged, whatever later happens to the
/// draft). The case file lists them with their download URLs.
#[utoipa::path(tag = "cases", operation_id = "download_case_attachment", security(("bearerAuth" = ["CASE_HANDLER"])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        ("attachmentId" = Uuid, Path, description = "The attachment's id"),
        IfNoneMatch,
    ),
    responses(
        // the type sniffed from its bytes on upload (hds_domain::application::sniff)
        (status = 200, description = "The file as submitted, as the type sniffed from its bytes on upload; `Content-Disposition: attachment`", content(
            (BinaryFile = "application/pdf"),
            (BinaryFile = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (BinaryFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (BinaryFile = "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            (BinaryFile = "application/vnd.oasis.opendocument.text"),
            (BinaryFile = "application/vnd.oasis.opendocument.spreadsheet"),
            (BinaryFile = "application/vnd.oasis.opendocument.presentation"),
            (BinaryFile = "application/msword"),
            (BinaryFile = "application/vnd.ms-excel"),
            (BinaryFile = "application/vnd.ms-powerpoint"),
            (BinaryFile = "text/csv"),
            (BinaryFile = "text/plain")
        )),
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
    let (meta, content) = state
        .run(move |conn| {
            let rec = repo::find(conn, id)?;
            Ok(submitted_attachments::content(
                conn,
                rec.application_id,
                attachment_id,
            )?)
        })
        .await?;
    Ok(file_response(
        &req,
        &meta.content_type,
        &meta.filename,
        &meta.sha256,
        content,
    ))
}
