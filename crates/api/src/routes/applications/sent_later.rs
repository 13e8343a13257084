//! Documents sent later (ettersending): attachments added to a submitted
//! case, as a new attachment or a new version of one (the submitted one
//! stays readable), and attachments that answer a question. Each is a case
//! event (`ATTACHMENT_SENT_LATER`) the case handler sees and, when it names
//! a data source, a change-feed event for that source's custodian.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use diesel::Connection;
use hds_domain::application as rules;
use hds_persistence::applications::{self as repo, AttachmentMeta, NewAttachment};
use hds_persistence::change_requests::{self as store, kinds, SentLaterRow};
use hds_persistence::feed::{self, NewFeedEvent};
use hds_persistence::DbConn;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::attachments::{read_limited, upload_problems};
use super::common::{audit, check_version};
use super::requests::UploadQuery;
use super::views::{AttachmentKindCode, AttachmentView};
use crate::access::applicant;
use crate::auth::Principal;
use crate::error::{ApiError, FieldError, Text};
use crate::extract::ApiQuery;
use crate::http::download::BinaryFile;
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::http::idempotency::{claim, hex, http_response, keyed, respond_stored};
use crate::http::request_id::request_id;
use crate::spec::{Conflict, IdempotencyKey, IfMatch, IfNoneMatch, NotFound};
use crate::state::AppState;

/// What the file sent later is, and what it belongs to.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SentLaterQuery {
    pub kind: AttachmentKindCode,
    /// A title the case handler understands (1 to 200 characters).
    pub title: String,
    /// The file's name (sanitised before it is stored).
    pub filename: String,
    /// The attachment this is a new version of (the old one stays readable).
    pub replaces: Option<Uuid>,
    /// The question (from the timeline) this attachment answers.
    pub question_id: Option<Uuid>,
    /// The data source (catalogue code) it concerns: that source's
    /// custodian is told on its change feed.
    pub data_source: Option<String>,
}

/// An attachment sent after submission (ettersendt vedlegg).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SentLaterView {
    pub attachment: AttachmentView,
    /// The attachment this is a new version of.
    pub replaces: Option<Uuid>,
    /// The question it answers.
    pub question_id: Option<Uuid>,
    /// The data source it concerns.
    pub data_source: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub sent_at: OffsetDateTime,
}

impl SentLaterView {
    pub fn new(row: &SentLaterRow, meta: &AttachmentMeta) -> Self {
        Self {
            attachment: AttachmentView::from_meta(meta),
            replaces: row.replaces_id,
            question_id: row.question_id,
            data_source: row.data_source_code.clone(),
            sent_at: row.sent_at,
        }
    }
}

/// The refusals that look at the stored case: a case that is over, an
/// attachment that is not this application's or already has a newer
/// version, a question not of this case, a source the case does not ask for.
/// Returns the custodian of the source named.
fn check_targets(
    conn: &mut DbConn,
    application_id: Uuid,
    case: &repo::CaseRow,
    query: &SentLaterQuery,
) -> Result<Option<Uuid>, ApiError> {
    if matches!(case.status.as_str(), "WITHDRAWN" | "CLOSED") {
        return Err(ApiError::conflict(Text::new(
            "saken er avsluttet; dokumenter kan ikke ettersendes",
            "the case is over; no documents can be sent to it",
        )));
    }
    let mut errors = Vec::new();
    if let Some(old) = query.replaces {
        let known = repo::list_attachments(conn, application_id)?
            .iter()
            .any(|a| a.id == old);
        if !known {
            errors.push(FieldError::new(
                "/query/replaces",
                "UNKNOWN_ATTACHMENT",
                Text::new(
                    "søknaden har ikke noe slikt vedlegg",
                    "the application has no such attachment",
                ),
            ));
        } else if store::is_replaced(conn, old)? {
            return Err(ApiError::conflict(Text::new(
                "vedlegget har allerede en nyere versjon; send en ny versjon av den",
                "the attachment has a newer version already; send a new version of that one",
            )));
        }
    }
    if let Some(q) = query.question_id {
        let questions = hds_persistence::cases::questions(conn, case.id)?;
        if !questions.iter().any(|r| r.id == q) {
            errors.push(FieldError::new(
                "/query/questionId",
                "UNKNOWN_QUESTION",
                Text::new(
                    "saken har ikke noe slikt spørsmål",
                    "the case has no such question",
                ),
            ));
        }
    }
    let mut custodian = None;
    if let Some(code) = &query.data_source {
        let sources = hds_persistence::cases::sources(conn, case.id)?;
        match sources.iter().find(|s| &s.code == code) {
            Some(s) => custodian = Some(s.custodian_id),
            None => errors.push(FieldError::new(
                "/query/dataSource",
                "UNKNOWN_DATA_SOURCE",
                Text::new(
                    "saken gjelder ikke denne datakilden",
                    "the case does not ask for this data source",
                ),
            )),
        }
    }
    if errors.is_empty() {
        Ok(custodian)
    } else {
        Err(ApiError::validation(errors))
    }
}

/// Send an attachment after submission (ettersende): a new one, a new
/// version of one (`replaces`; the submitted one stays readable), or one
/// answering a question (`questionId`). Owner or co-applicant; `If-Match`
/// is the application's ETag. The raw body is the file, as for uploads.
#[utoipa::path(tag = "applications", operation_id = "send_attachment_later", security(("bearerAuth" = ["APPLICANT"])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        SentLaterQuery,
        IfMatch,
        IdempotencyKey,
    ),
    request_body(content = BinaryFile, content_type = "application/octet-stream",
        description = "The file itself. PDF, Office Open XML, OpenDocument, legacy Office, CSV or plain UTF-8 text."),
    responses(
        (status = 201, description = "Stored and told on the case's timeline; `Location` downloads it", body = SentLaterView),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/applications/{id}/case/attachments")]
pub(super) async fn send_attachment_later(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    query: ApiQuery<SentLaterQuery>,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let version = etag::required_version(&req)?;
    let query = query.0;
    let title = query.title.trim().to_owned();
    let filename = rules::sanitize_filename(&query.filename);
    let as_upload = UploadQuery {
        kind: query.kind,
        title: query.title.clone(),
        filename: query.filename.clone(),
    };
    let errors = upload_problems(&as_upload, &title, filename.as_deref());
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let filename = filename.unwrap_or_default();
    let bytes = read_limited(&req, &mut payload, state.config.max_attachment_bytes).await?;
    let Some((_, content_type)) = rules::sniff(&bytes, &filename) else {
        return Err(ApiError::unsupported_media_type(Text::new(
            "filen er ikke av en godtatt type: PDF, Word/Excel/PowerPoint (OOXML eller eldre), OpenDocument, CSV eller ren UTF-8-tekst (innholdet sjekkes, ikke navnet eller hodet)",
            "the file is not an accepted kind: PDF, Word/Excel/PowerPoint (OOXML or legacy), OpenDocument, CSV or plain UTF-8 text (the content is checked, not the name or header)",
        )));
    };
    let sha256 = hex(&Sha256::digest(&bytes));
    let keyed = keyed(
        &req,
        &pid,
        format!("{}\n{sha256}", req.query_string()).as_bytes(),
    )?;
    let id = id.into_inner();
    let actor = principal.actor();
    let request_id = request_id(&req);
    let (stored, replayed) = state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                if let Some(stored) = claim(conn, keyed.as_ref())? {
                    return Ok((stored, true));
                }
                let (app, _) = repo::lock_accessible(conn, id, &pid)?;
                if app.status == repo::DRAFT {
                    return Err(ApiError::conflict(Text::new(
                        "søknaden er et utkast: last opp vedlegg med POST /api/v1/applications/{id}/attachments",
                        "the application is a draft: upload attachments with POST /api/v1/applications/{id}/attachments",
                    )));
                }
                check_version(Some(version), app.version)?;
                let case = repo::lock_case_of(conn, id)?;
                let custodian = check_targets(conn, id, &case, &query)?;
                let kind = query.kind.domain().as_str();
                let meta = repo::insert_attachment(
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
                )?;
                let row = SentLaterRow {
                    attachment_id: meta.id,
                    case_id: case.id,
                    replaces_id: query.replaces,
                    question_id: query.question_id,
                    data_source_code: query.data_source.clone(),
                    sent_at: meta.uploaded_at,
                };
                store::insert_sent_later(conn, &row)?;
                let version = repo::touch(conn, id)?;
                let told = Told {
                    case: &case,
                    meta: &meta,
                    row: &row,
                    custodian,
                    actor: &actor,
                    request_id: request_id.as_deref(),
                };
                tell(conn, id, &told, version)?;
                let view = SentLaterView::new(&row, &meta);
                let headers = vec![("Location", view.attachment.download_url.clone())];
                Ok((respond_stored(conn, keyed.as_ref(), 201, headers, &view)?, false))
            })
        })
        .await?;
    Ok(http_response(stored, replayed))
}

/// The attachments sent after submission, oldest first (each downloads
/// at `/applications/{id}/attachments/{attachmentId}`, like the submitted ones).
#[utoipa::path(tag = "applications", operation_id = "list_attachments_sent_later", security(("bearerAuth" = ["APPLICANT"])),
    params(("id" = Uuid, Path, description = "The application's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The attachments sent later", body = Vec<SentLaterView>),
        (status = 404, response = NotFound),
    ))]
#[get("/applications/{id}/case/attachments")]
pub(super) async fn list_attachments_sent_later(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let id = id.into_inner();
    let view = state
        .run(move |conn| {
            repo::find_accessible(conn, id, &pid)?;
            let case = repo::case_of(conn, id)?;
            sent_later_views(conn, id, case.id)
        })
        .await?;
    etag::json_with_etag(&req, &view, PRIVATE_NO_CACHE)
}

/// The attachments sent later to `case_id` of `application_id`.
pub fn sent_later_views(
    conn: &mut DbConn,
    application_id: Uuid,
    case_id: Uuid,
) -> Result<Vec<SentLaterView>, ApiError> {
    let metas = repo::list_attachments(conn, application_id)?;
    Ok(store::sent_later_of_case(conn, case_id)?
        .iter()
        .filter_map(|r| {
            metas
                .iter()
                .find(|m| m.id == r.attachment_id)
                .map(|m| SentLaterView::new(r, m))
        })
        .collect())
}

/// An attachment just sent later, for [`tell`].
struct Told<'a> {
    case: &'a repo::CaseRow,
    meta: &'a AttachmentMeta,
    row: &'a SentLaterRow,
    custodian: Option<Uuid>,
    actor: &'a str,
    request_id: Option<&'a str>,
}

/// The case event, the change-feed event and the audit event of an
/// attachment sent later to application `id` (now at `version`).
fn tell(conn: &mut DbConn, id: Uuid, t: &Told<'_>, version: i32) -> Result<(), ApiError> {
    let data = json!({
        "attachmentId": t.meta.id, "kind": t.meta.kind, "title": t.meta.title,
        "filename": t.meta.filename, "sha256": t.meta.sha256,
        "replaces": t.row.replaces_id, "questionId": t.row.question_id,
        "dataSource": t.row.data_source_code,
    });
    repo::record_case_event(
        conn,
        &repo::NewCaseEvent {
            case_id: t.case.id,
            kind: kinds::ATTACHMENT_SENT_LATER,
            occurred_at: t.meta.uploaded_at,
            actor: t.actor,
            visible_to_applicant: true,
            status_before: Some(&t.case.status),
            status_after: Some(&t.case.status),
            data: data.clone(),
            request_id: t.request_id,
        },
    )?;
    let mut feed_data = data.clone();
    feed_data["caseId"] = json!(t.case.id);
    feed_data["caseNumber"] = json!(t.case.case_number);
    feed::append(
        conn,
        &NewFeedEvent {
            event_type: "no.helsedata.case.attachment_sent_later",
            source: &format!("/api/v1/cases/{}", t.case.id),
            subject: Some(&t.case.case_number),
            data: feed_data,
            custodian_id: t.custodian,
            case_id: Some(t.case.id),
        },
    )?;
    audit(
        conn,
        t.actor,
        "ATTACHMENT_SENT_LATER",
        "application",
        &id.to_string(),
        json!({"attachmentId": t.meta.id, "caseId": t.case.id, "kind": t.meta.kind, "sha256": t.meta.sha256,
               "replaces": t.row.replaces_id, "questionId": t.row.question_id, "version": version}),
        t.request_id,
    )?;
    Ok(())
}
