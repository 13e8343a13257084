//! The submitted application's attachments (vedlegg), as submitted, for
//! case handlers: the project description, REK's approval, ...

use actix_web::{get, web, HttpResponse};
use hds_persistence::cases as repo;
use hds_persistence::submitted_attachments;
use uuid::Uuid;

use crate::access::case_handler;
use crate::auth::Principal;
use crate::error::{ApiError, Problem};
use crate::http::download::{file_response, BinaryFile};
use crate::state::AppState;

/// Download an attachment of the case's submitted application, exactly as
/// submitted (the file is kept unchanged, whatever later happens to the
/// draft). The case file lists them with their download URLs.
#[utoipa::path(tag = "cases", operation_id = "download_case_attachment", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        ("attachmentId" = Uuid, Path, description = "The attachment's id"),
    ),
    responses(
        (status = 200, description = "The file; `Content-Disposition: attachment`", content_type = "application/octet-stream", body = BinaryFile),
        (status = 403, description = "Not a case handler", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or no such attachment in what was submitted", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/cases/{id}/attachments/{attachmentId}")]
pub(super) async fn download_case_attachment(
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
        &meta.content_type,
        &meta.filename,
        &meta.sha256,
        content,
    ))
}
