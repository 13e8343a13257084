//! The submitted version's files. Submission copies each attachment's
//! metadata into `submitted_attachments` and its bytes into
//! `attachment_blobs` (by SHA-256, stored once); both tables are
//! append-only in the database, so nothing that later happens to the draft's
//! attachments changes what was submitted. Case handlers and deciding
//! custodians read the files from here.

use diesel::prelude::*;
use diesel::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::schema::{attachment_blobs, submitted_attachments};
use crate::StoreError;

/// A submitted attachment's metadata.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = submitted_attachments)]
pub struct SubmittedAttachment {
    pub application_id: Uuid,
    pub attachment_id: Uuid,
    pub kind: String,
    pub title: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: OffsetDateTime,
    pub submitted_at: OffsetDateTime,
}

/// The submitted attachments of an application, in upload order.
pub fn list(
    conn: &mut PgConnection,
    application_id: Uuid,
) -> Result<Vec<SubmittedAttachment>, StoreError> {
    Ok(submitted_attachments::table
        .filter(submitted_attachments::application_id.eq(application_id))
        .order((
            submitted_attachments::uploaded_at.asc(),
            submitted_attachments::attachment_id.asc(),
        ))
        .select(SubmittedAttachment::as_select())
        .load(conn)?)
}

/// One submitted attachment with its bytes (NotFound if the application
/// did not submit it).
pub fn content(
    conn: &mut PgConnection,
    application_id: Uuid,
    attachment_id: Uuid,
) -> Result<(SubmittedAttachment, Vec<u8>), StoreError> {
    Ok(submitted_attachments::table
        .inner_join(attachment_blobs::table)
        .filter(submitted_attachments::application_id.eq(application_id))
        .filter(submitted_attachments::attachment_id.eq(attachment_id))
        .select((SubmittedAttachment::as_select(), attachment_blobs::content))
        .first(conn)?)
}

/// A file of a case as it is downloaded: its sniffed type, name, SHA-256
/// and bytes.
#[derive(Debug)]
pub struct CaseFile {
    pub content_type: String,
    pub filename: String,
    pub sha256: String,
    pub content: Vec<u8>,
}

/// One of a case's files: an attachment as submitted (frozen at
/// submission), else one the applicant sent later for the case (kept with
/// the application's attachments). `NotFound` for anything else.
pub fn case_file(
    conn: &mut PgConnection,
    case_id: Uuid,
    application_id: Uuid,
    attachment_id: Uuid,
) -> Result<CaseFile, StoreError> {
    use crate::schema::{application_attachments, attachments_sent_later};
    match content(conn, application_id, attachment_id) {
        Ok((meta, content)) => {
            return Ok(CaseFile {
                content_type: meta.content_type,
                filename: meta.filename,
                sha256: meta.sha256,
                content,
            })
        }
        Err(StoreError::NotFound) => {}
        Err(e) => return Err(e),
    }
    let (content_type, filename, sha256, content) = application_attachments::table
        .inner_join(
            attachments_sent_later::table
                .on(attachments_sent_later::attachment_id.eq(application_attachments::id)),
        )
        .filter(attachments_sent_later::case_id.eq(case_id))
        .filter(application_attachments::application_id.eq(application_id))
        .filter(application_attachments::id.eq(attachment_id))
        .select((
            application_attachments::content_type,
            application_attachments::filename,
            application_attachments::sha256,
            application_attachments::content,
        ))
        .first::<(String, String, String, Vec<u8>)>(conn)?;
    Ok(CaseFile {
        content_type,
        filename,
        sha256,
        content,
    })
}
