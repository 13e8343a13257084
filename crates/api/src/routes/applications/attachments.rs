//! Attachments (vedlegg) of an application.
//!
//! Upload: `POST /applications/{id}/attachments?kind=..&title=..&filename=..`
//! with the file as the raw request body (any `Content-Type`: it is not
//! trusted). Raw body rather than multipart: one file per request, no
//! boundary parsing, and the size limit applies to the file itself.
//! - larger than `max_attachment_bytes` (default 25 MB): 413, nothing stored;
//! - the content is sniffed from its bytes (PDF, Office Open XML,
//!   OpenDocument, legacy Office, CSV or plain UTF-8 text): anything else 415;
//! - the file name is sanitised; title and file name are checked for
//!   national identity numbers (422);
//! - bytes, SHA-256 and metadata are stored in one transaction.

use actix_web::http::header;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use diesel::Connection;
use hds_domain::application as rules;
use hds_persistence::applications::{self as repo, NewAttachment};
use hds_persistence::draft_writes::{self, Actor};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::common::{audit, check_version, not_draft};
use super::requests::UploadQuery;
use super::views::AttachmentView;
use crate::access::applicant;
use crate::auth::Principal;
use crate::error::{ApiError, FieldError, Text};
use crate::extract::ApiQuery;
use crate::http::download::file_response;
use crate::http::download::{AttachmentDownload, BinaryFile};
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::http::idempotency::{claim, hex, http_response, keyed, respond_stored};
use crate::http::request_id::request_id;
use crate::spec::{Conflict, IdempotencyKey, IfMatch, IfNoneMatch, NotFound};
use crate::state::AppState;

/// Upload an attachment to a draft (raw body; see the module docs).
#[utoipa::path(tag = "applications", operation_id = "upload_attachment", security(("bearerAuth" = ["APPLICANT"])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        UploadQuery,
        IfMatch,
        IdempotencyKey,
    ),
    request_body(content = BinaryFile, content_type = "application/octet-stream",
        description = "The file itself. PDF, Office Open XML, OpenDocument, legacy Office, CSV or plain UTF-8 text."),
    responses(
        (status = 201, description = "Stored; `Location` downloads it", body = AttachmentView),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/applications/{id}/attachments")]
pub(super) async fn upload_attachment(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    query: ApiQuery<UploadQuery>,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let version = etag::required_version(&req)?;
    let query = query.0;
    let title = query.title.trim().to_owned();
    let filename = rules::sanitize_filename(&query.filename);
    let errors = upload_problems(&query, &title, filename.as_deref());
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let filename = filename.unwrap_or_default();
    let limit = state.config.max_attachment_bytes;
    let bytes = read_limited(&req, &mut payload, limit).await?;
    let Some((_, content_type)) = rules::sniff(&bytes, &filename) else {
        return Err(ApiError::unsupported_media_type(
            Text::new("filen er ikke av en godtatt type: PDF, Word/Excel/PowerPoint (OOXML eller eldre), OpenDocument, CSV eller ren UTF-8-tekst (innholdet sjekkes, ikke navnet eller hodet)", "the file is not an accepted kind: PDF, Word/Excel/PowerPoint (OOXML or legacy), OpenDocument, CSV or plain UTF-8 text (the content is checked, not the name or header)"),
        ));
    };
    let sha256 = hex(&Sha256::digest(&bytes));
    let keyed = keyed(
        &req,
        &pid,
        format!("{}\n{sha256}", req.query_string()).as_bytes(),
    )?;
    let id = id.into_inner();
    let kind = query.kind.domain().as_str();
    let actor = principal.actor();
    let request_id = request_id(&req);
    let (stored, replayed) = state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                if let Some(stored) = claim(conn, keyed.as_ref())? {
                    return Ok((stored, true));
                }
                let (app, _) = repo::lock_accessible(conn, id, &pid)?;
                if app.status != repo::DRAFT {
                    return Err(not_draft());
                }
                check_version(Some(version), app.version)?;
                // the file, the draft's new version and the audit event: one statement
                let (meta, _new_version) = draft_writes::add_attachment(
                    conn,
                    &NewAttachment {
                        application_id: id,
                        kind,
                        title: &title,
                        filename: &filename,
                        content_type,
                        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
                        sha256: &sha256,
                        content: &bytes,
                        uploaded_by: &actor,
                    },
                    &Actor {
                        actor: &actor,
                        request_id: request_id.as_deref(),
                    },
                )?;
                let view = AttachmentView::from_meta(&meta);
                let headers = vec![("Location", view.download_url.clone())];
                Ok((
                    respond_stored(conn, keyed.as_ref(), 201, headers, &view)?,
                    false,
                ))
            })
        })
        .await?;
    Ok(http_response(stored, replayed))
}

/// The body, refused with 413 as soon as it is known to exceed `limit`
/// (from `Content-Length`, or while streaming).
pub(super) async fn read_limited(
    req: &HttpRequest,
    payload: &mut web::Payload,
    limit: usize,
) -> Result<Vec<u8>, ApiError> {
    use futures_util::StreamExt;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::payload_too_large(limit));
    }
    let mut body = Vec::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::bad_request(Text::new(
                format!("innholdet kunne ikke leses: {e}"),
                format!("the body could not be read: {e}"),
            ))
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::payload_too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// What is wrong with an upload's title and file name (all at once).
pub(super) fn upload_problems(
    query: &UploadQuery,
    title: &str,
    filename: Option<&str>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if title.is_empty() || title.chars().count() > 200 {
        errors.push(FieldError::new(
            "/query/title",
            "INVALID_TITLE",
            Text::new(
                "en tittel på 1 til 200 tegn",
                "a title of 1 to 200 characters",
            ),
        ));
    }
    if filename.is_none() {
        errors.push(FieldError::new(
            "/query/filename",
            "INVALID_FILENAME",
            Text::new(
                "et filnavn med minst ett brukbart tegn",
                "a file name with at least one usable character",
            ),
        ));
    }
    for (pointer, text) in [
        ("/query/title", query.title.as_str()),
        ("/query/filename", query.filename.as_str()),
    ] {
        if let Some(p) = rules::scan_text(pointer, text) {
            errors.push(FieldError::new(
                p.pointer,
                p.code,
                Text::new(p.message_nb, p.message_en),
            ));
        }
    }
    errors
}

/// The application's attachments (metadata).
#[utoipa::path(tag = "applications", operation_id = "list_attachments", security(("bearerAuth" = ["APPLICANT"])),
    params(("id" = Uuid, Path, description = "The application's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The attachments, oldest first", body = Vec<AttachmentView>),
        (status = 404, response = NotFound),
    ))]
#[get("/applications/{id}/attachments")]
pub(super) async fn list_attachments(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let id = id.into_inner();
    let rows = state
        .run(move |conn| {
            repo::find_accessible(conn, id, &pid)?;
            Ok(repo::list_attachments(conn, id)?)
        })
        .await?;
    let views: Vec<_> = rows.iter().map(AttachmentView::from_meta).collect();
    etag::json_with_etag(&req, &views, PRIVATE_NO_CACHE)
}

/// Download an attachment, with its sniffed content type.
#[utoipa::path(tag = "applications", operation_id = "download_attachment", security(("bearerAuth" = ["APPLICANT"])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        ("attachmentId" = Uuid, Path, description = "The attachment's id"),
        IfNoneMatch,
    ),
    responses(
        AttachmentDownload,
        (status = 404, response = NotFound),
    ))]
#[get("/applications/{id}/attachments/{attachmentId}")]
pub(super) async fn download_attachment(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let (id, attachment_id) = path.into_inner();
    let (meta, content) = state
        .run(move |conn| {
            repo::find_accessible(conn, id, &pid)?;
            Ok(repo::attachment_content(conn, id, attachment_id)?)
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

/// Delete an attachment while the application is a draft.
#[utoipa::path(tag = "applications", operation_id = "delete_attachment", security(("bearerAuth" = ["APPLICANT"])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        ("attachmentId" = Uuid, Path, description = "The attachment's id"),
        IfMatch,
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[delete("/applications/{id}/attachments/{attachmentId}")]
pub(super) async fn delete_attachment(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let version = etag::required_version(&req)?;
    let (id, attachment_id) = path.into_inner();
    let actor = principal.actor();
    let request_id = request_id(&req);
    state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                let (app, _) = repo::lock_accessible(conn, id, &pid)?;
                if app.status != repo::DRAFT {
                    return Err(not_draft());
                }
                check_version(Some(version), app.version)?;
                let meta = repo::delete_attachment(conn, id, attachment_id)?;
                let version = repo::touch(conn, id)?;
                audit(
                    conn,
                    &actor,
                    "ATTACHMENT_DELETED",
                    "application",
                    &id.to_string(),
                    json!({"attachmentId": meta.id, "kind": meta.kind, "sha256": meta.sha256, "version": version}),
                    request_id.as_deref(),
                )
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
