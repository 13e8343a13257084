//! A draft's creation and an attachment's upload, each with its audit event
//! in one statement (issue 16: a request in as few statements as its
//! transaction needs). The writes are data-modifying `WITH` parts that read
//! nothing of one another's tables; the audit event is built from what they
//! return (the new id and version), as the handlers built it before.

use diesel::prelude::*;
use diesel::sql_types::{
    BigInt, Bool, Bytea, Integer, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid,
};
use diesel::PgConnection;
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::applications::{ApplicationRow, AttachmentMeta, NewAttachment};
use crate::StoreError;

/// Who made a change, for its audit event.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// The audit trail's form (`person:<masked>`).
    pub actor: &'a str,
    pub request_id: Option<&'a str>,
}

crate::prepared_sql! {
    /// The draft, its audit event (`APPLICATION_CREATED`, `{"version"}`),
    /// and whether its owner has a verified address (the view's
    /// `emailNotifications`), in one statement.
    struct Create<'a> { owner_pid: &'a str, content: &'a Value, by: &'a Actor<'a> }
    returns (
        SqlUuid, Text, Text, Jsonb, Integer, Timestamptz, Timestamptz, Nullable<Timestamptz>, Bool,
    );
    sql = [
        "WITH app AS (INSERT INTO applications (owner_pid, content) VALUES (" {owner_pid as Text}
        ", " {content as Jsonb} ") RETURNING id, owner_pid, status, content, version, \
         created_at, updated_at, submitted_at), \
         audit AS (INSERT INTO audit_events (actor, action, entity_type, entity_id, \
         before_state, after_state, request_id) SELECT " {by.actor as Text}
        ", 'APPLICATION_CREATED', 'application', app.id::text, NULL, \
         jsonb_build_object('version', app.version), " {by.request_id as Nullable<Text>}
        " FROM app) \
         SELECT id, owner_pid, status, content, version, created_at, updated_at, submitted_at, \
         EXISTS (SELECT 1 FROM person_contacts pc WHERE pc.person_key = person_key_of(app.owner_pid) \
         AND pc.email IS NOT NULL) FROM app"
    ];
}

type CreatedRow = (
    Uuid,
    String,
    String,
    Value,
    i32,
    OffsetDateTime,
    OffsetDateTime,
    Option<OffsetDateTime>,
    bool,
);

/// Creates a draft owned by `owner_pid` with its audit event. Returns it
/// and whether the owner has a verified address.
pub fn create(
    conn: &mut PgConnection,
    owner_pid: &str,
    content: &Value,
    by: &Actor<'_>,
) -> Result<(ApplicationRow, bool), StoreError> {
    let row: CreatedRow = Create {
        owner_pid,
        content,
        by,
    }
    .get_result(conn)?;
    let (id, owner_pid, status, content, version, created_at, updated_at, submitted_at, email) =
        row;
    Ok((
        ApplicationRow {
            id,
            owner_pid,
            status,
            content,
            version,
            created_at,
            updated_at,
            submitted_at,
        },
        email,
    ))
}

crate::prepared_sql! {
    /// The attachment, the application's new version and the audit event
    /// (`ATTACHMENT_ADDED`, `{"attachmentId", "kind", "sha256", "version"}`),
    /// in one statement. The attachment's foreign key to the application is
    /// checked at the statement's end (the row is the caller's, locked).
    struct Add<'a> { new: &'a NewAttachment<'a>, by: &'a Actor<'a> }
    returns (
        SqlUuid, SqlUuid, Text, Text, Text, Text, BigInt, Text, Text, Timestamptz, Integer,
    );
    sql = [
        "WITH file AS (INSERT INTO application_attachments (application_id, kind, title, filename, \
         content_type, size_bytes, sha256, content, uploaded_by) VALUES ("
        {new.application_id as SqlUuid} ", " {new.kind as Text} ", " {new.title as Text} ", "
        {new.filename as Text} ", " {new.content_type as Text} ", " {new.size_bytes as BigInt}
        ", " {new.sha256 as Text} ", " {new.content as Bytea} ", " {new.uploaded_by as Text}
        ") RETURNING id, application_id, kind, title, filename, content_type, size_bytes, sha256, \
         uploaded_by, uploaded_at), \
         app AS (UPDATE applications SET version = version + 1, updated_at = CURRENT_TIMESTAMP \
         WHERE id = " {new.application_id as SqlUuid} " RETURNING id, version), \
         audit AS (INSERT INTO audit_events (actor, action, entity_type, entity_id, \
         before_state, after_state, request_id) SELECT " {by.actor as Text}
        ", 'ATTACHMENT_ADDED', 'application', app.id::text, NULL, jsonb_build_object(\
         'attachmentId', file.id, 'kind', file.kind, 'sha256', file.sha256, 'version', \
         app.version), " {by.request_id as Nullable<Text>} " FROM file CROSS JOIN app) \
         SELECT file.id, file.application_id, file.kind, file.title, file.filename, \
         file.content_type, file.size_bytes, file.sha256, file.uploaded_by, file.uploaded_at, \
         app.version FROM file CROSS JOIN app"
    ];
}

type AddedRow = (
    Uuid,
    Uuid,
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    OffsetDateTime,
    i32,
);

/// Adds an attachment to a draft the caller has locked, bumps the draft's
/// version (attachments are part of it) and records the audit event.
/// Returns the attachment and the new version.
pub fn add_attachment(
    conn: &mut PgConnection,
    new: &NewAttachment<'_>,
    by: &Actor<'_>,
) -> Result<(AttachmentMeta, i32), StoreError> {
    let row: AddedRow = Add { new, by }.get_result(conn)?;
    let (id, application_id, kind, title, filename, content_type, size_bytes, sha256, ..) = row;
    Ok((
        AttachmentMeta {
            id,
            application_id,
            kind,
            title,
            filename,
            content_type,
            size_bytes,
            sha256,
            uploaded_by: row.8,
            uploaded_at: row.9,
        },
        row.10,
    ))
}
