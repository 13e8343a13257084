//! Change requests (endringssøknad) and attachments sent later
//! (ettersending): storage. The rules are `hds_domain::change_request`.
//!
//! A change request is an application row of its own (the proposed
//! version, submitted at once) with a case of its own; `change_requests`
//! links it to the original application and case, with the version number,
//! the version it was measured against, the description, the changes and
//! the sources its decision covers; `case_origins` says the case is a
//! change request (the fee rules read it: free after the original decision).
//! The versions of an application are its own snapshot (1) and each change
//! request's snapshot (2, 3, ...).
//!
//! When a change request's case is decided or withdrawn, the original case
//! gets an event saying so ([`follow_transition`], called where case
//! transitions are committed): the original case itself does not change.

use diesel::prelude::*;
use diesel::sql_types::{
    Array, Bool, Date as SqlDate, Integer, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid,
};
use diesel::PgConnection;
use hds_domain::change_request::VersionStanding;
use serde_json::{json, Value};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::applications::{record_case_event, NewCaseEvent};
use crate::schema::{attachments_sent_later, case_origins, case_sources, change_requests};
use crate::StoreError;

/// Case event kinds of this module (stable codes; the notifications outbox
/// maps them to messages).
pub mod kinds {
    /// On the change request's own case: its receipt (in place of `SUBMITTED`).
    pub const CHANGE_REQUEST_RECEIVED: &str = "CHANGE_REQUEST_RECEIVED";
    /// On the original case: a change request was made (a link to it).
    pub const CHANGE_REQUEST_MADE: &str = "CHANGE_REQUEST_MADE";
    /// On the original case: the change request's case was decided.
    pub const CHANGE_REQUEST_DECIDED: &str = "CHANGE_REQUEST_DECIDED";
    /// On the original case: the change request was withdrawn.
    pub const CHANGE_REQUEST_WITHDRAWN: &str = "CHANGE_REQUEST_WITHDRAWN";
    /// On a case: an attachment sent after submission (new or a new version).
    pub const ATTACHMENT_SENT_LATER: &str = "ATTACHMENT_SENT_LATER";
}

/// A change request with both cases' numbers and statuses.
#[derive(Debug, Clone, QueryableByName)]
pub struct ChangeRequestRecord {
    #[diesel(sql_type = SqlUuid)]
    pub application_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub case_id: Uuid,
    #[diesel(sql_type = Text)]
    pub case_number: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Integer)]
    pub case_version: i32,
    #[diesel(sql_type = SqlUuid)]
    pub original_application_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub original_case_id: Uuid,
    #[diesel(sql_type = Text)]
    pub original_case_number: String,
    #[diesel(sql_type = Integer)]
    pub version_no: i32,
    #[diesel(sql_type = Integer)]
    pub base_version_no: i32,
    #[diesel(sql_type = Text)]
    pub description: String,
    #[diesel(sql_type = Jsonb)]
    pub changes: Value,
    #[diesel(sql_type = Array<Text>)]
    pub sources: Vec<String>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: OffsetDateTime,
}

const RECORD_SQL: &str = "SELECT cr.application_id, cr.case_id, c.case_number, c.status, \
     c.version AS case_version, cr.original_application_id, cr.original_case_id, \
     o.case_number AS original_case_number, cr.version_no, cr.base_version_no, cr.description, \
     cr.changes, cr.sources, cr.created_at \
     FROM change_requests cr JOIN cases c ON c.id = cr.case_id JOIN cases o ON o.id = cr.original_case_id ";

/// The change request whose own application is `application_id`, if it is one.
pub fn of_application(
    conn: &mut PgConnection,
    application_id: Uuid,
) -> Result<Option<ChangeRequestRecord>, StoreError> {
    Ok(
        diesel::sql_query(format!("{RECORD_SQL} WHERE cr.application_id = $1"))
            .bind::<SqlUuid, _>(application_id)
            .get_result(conn)
            .optional()?,
    )
}

/// The change request handled as case `case_id`, if it is one.
pub fn of_case(
    conn: &mut PgConnection,
    case_id: Uuid,
) -> Result<Option<ChangeRequestRecord>, StoreError> {
    Ok(
        diesel::sql_query(format!("{RECORD_SQL} WHERE cr.case_id = $1"))
            .bind::<SqlUuid, _>(case_id)
            .get_result(conn)
            .optional()?,
    )
}

/// The change requests made to the original application, oldest first.
pub fn of_original(
    conn: &mut PgConnection,
    original_application_id: Uuid,
) -> Result<Vec<ChangeRequestRecord>, StoreError> {
    Ok(diesel::sql_query(format!(
        "{RECORD_SQL} WHERE cr.original_application_id = $1 ORDER BY cr.version_no"
    ))
    .bind::<SqlUuid, _>(original_application_id)
    .load(conn)?)
}

/// One version of an application: the original's submission (1) or a
/// change request (2, ...), with where its case stands.
#[derive(Debug, Clone, QueryableByName)]
pub struct VersionRecord {
    #[diesel(sql_type = Integer)]
    pub version_no: i32,
    #[diesel(sql_type = SqlUuid)]
    pub application_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub case_id: Uuid,
    #[diesel(sql_type = Text)]
    pub case_number: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Nullable<SqlDate>)]
    pub decided_on: Option<Date>,
    #[diesel(sql_type = Bool)]
    pub granted: bool,
    #[diesel(sql_type = Timestamptz)]
    pub submitted_at: OffsetDateTime,
    #[diesel(sql_type = Jsonb)]
    pub snapshot: Value,
}

impl VersionRecord {
    /// Where this version stands, for the domain's version-in-force rule.
    pub fn standing(&self) -> VersionStanding {
        let ended = matches!(self.status.as_str(), "WITHDRAWN" | "REJECTED_NO_REPLY")
            || (self.status == "CLOSED" && self.decided_on.is_none());
        match self.decided_on {
            _ if ended => VersionStanding::Ended,
            Some(_) if self.granted => VersionStanding::Granted,
            Some(_) => VersionStanding::Refused,
            None => VersionStanding::Pending,
        }
    }
}

/// Every version of the original application, in order, with its frozen
/// snapshot.
pub fn versions(
    conn: &mut PgConnection,
    original_application_id: Uuid,
) -> Result<Vec<VersionRecord>, StoreError> {
    Ok(diesel::sql_query(
        "SELECT v.version_no, v.application_id, c.id AS case_id, c.case_number, c.status, \
         c.decided_on, EXISTS (SELECT 1 FROM case_decisions d WHERE d.case_id = c.id \
         AND d.round = c.decision_round AND d.outcome <> 'REFUSED') AS granted, \
         s.submitted_at, s.content AS snapshot \
         FROM (SELECT 1 AS version_no, $1 AS application_id UNION ALL \
               SELECT version_no, application_id FROM change_requests \
               WHERE original_application_id = $1) v \
         JOIN cases c ON c.application_id = v.application_id \
         JOIN application_snapshots s ON s.application_id = v.application_id \
         ORDER BY v.version_no",
    )
    .bind::<SqlUuid, _>(original_application_id)
    .load(conn)?)
}

/// A change request to record (its application and case exist already).
pub struct NewChangeRequest<'a> {
    pub application_id: Uuid,
    pub case_id: Uuid,
    pub original_application_id: Uuid,
    pub original_case_id: Uuid,
    pub version_no: i32,
    pub base_version_no: i32,
    pub description: &'a str,
    pub changes: &'a Value,
    pub sources: &'a [String],
    pub at: OffsetDateTime,
    pub by: &'a str,
}

/// Records the change request, marks its case as one for the fee rules
/// (`case_origins`), and narrows the case's sources (filled from the
/// snapshot when the case was inserted) to those its decision covers.
pub fn insert(conn: &mut PgConnection, new: &NewChangeRequest<'_>) -> Result<(), StoreError> {
    diesel::insert_into(change_requests::table)
        .values((
            change_requests::application_id.eq(new.application_id),
            change_requests::case_id.eq(new.case_id),
            change_requests::original_application_id.eq(new.original_application_id),
            change_requests::original_case_id.eq(new.original_case_id),
            change_requests::version_no.eq(new.version_no),
            change_requests::base_version_no.eq(new.base_version_no),
            change_requests::description.eq(new.description),
            change_requests::changes.eq(new.changes),
            change_requests::sources.eq(new.sources),
            change_requests::created_at.eq(new.at),
            change_requests::created_by.eq(new.by),
        ))
        .execute(conn)?;
    diesel::insert_into(case_origins::table)
        .values((
            case_origins::case_id.eq(new.case_id),
            case_origins::kind.eq("CHANGE_REQUEST"),
            case_origins::original_case_id.eq(new.original_case_id),
            case_origins::created_at.eq(new.at),
        ))
        .execute(conn)?;
    diesel::delete(
        case_sources::table
            .filter(case_sources::case_id.eq(new.case_id))
            .filter(case_sources::data_source_code.ne_all(new.sources)),
    )
    .execute(conn)?;
    Ok(())
}

/// Copies the co-applicants of the base version (`members_from`) and the
/// original's current attachments (the latest version of each) to the
/// change request's application, so that its members see it and its
/// completeness check sees the documents.
pub fn copy_members_and_attachments(
    conn: &mut PgConnection,
    members_from: Uuid,
    from: Uuid,
    to: Uuid,
) -> Result<(), StoreError> {
    diesel::sql_query(
        "INSERT INTO application_members (application_id, pid, added_by, added_at) \
         SELECT $2, pid, added_by, added_at FROM application_members WHERE application_id = $1",
    )
    .bind::<SqlUuid, _>(members_from)
    .bind::<SqlUuid, _>(to)
    .execute(conn)?;
    diesel::sql_query(
        "INSERT INTO application_attachments (application_id, kind, title, filename, \
         content_type, size_bytes, sha256, content, uploaded_by, uploaded_at) \
         SELECT $2, a.kind, a.title, a.filename, a.content_type, a.size_bytes, a.sha256, \
         a.content, a.uploaded_by, a.uploaded_at FROM application_attachments a \
         WHERE a.application_id = $1 AND NOT EXISTS \
         (SELECT 1 FROM attachments_sent_later l WHERE l.replaces_id = a.id) \
         ORDER BY a.uploaded_at, a.id",
    )
    .bind::<SqlUuid, _>(from)
    .bind::<SqlUuid, _>(to)
    .execute(conn)?;
    Ok(())
}

/// Removes the co-applicant `pid` from the change request's application.
pub fn remove_member_pid(
    conn: &mut PgConnection,
    application_id: Uuid,
    pid: &str,
) -> Result<(), StoreError> {
    diesel::delete(
        crate::schema::application_members::table
            .filter(crate::schema::application_members::application_id.eq(application_id))
            .filter(crate::schema::application_members::pid.eq(pid)),
    )
    .execute(conn)?;
    Ok(())
}

/// Who acts, when, under which request: for [`follow_transition`].
pub struct Acting<'a> {
    pub actor: &'a str,
    pub at: OffsetDateTime,
    pub request_id: Option<&'a str>,
}

/// Called where a case's transition is committed, with the kinds of the
/// events it recorded: when `case_id` is a change request's case and it was
/// decided or withdrawn, the original case gets `CHANGE_REQUEST_DECIDED` or
/// `CHANGE_REQUEST_WITHDRAWN` (visible to the applicant). The original
/// case's state, decision and version do not change.
pub fn follow_transition(
    conn: &mut PgConnection,
    case_id: Uuid,
    event_kinds: &[&str],
    outcomes: &Value,
    acting: &Acting<'_>,
) -> Result<(), StoreError> {
    let kind = if event_kinds.contains(&"DECIDED") {
        kinds::CHANGE_REQUEST_DECIDED
    } else if event_kinds.contains(&"WITHDRAWN") {
        kinds::CHANGE_REQUEST_WITHDRAWN
    } else {
        return Ok(());
    };
    let Some(cr) = of_case(conn, case_id)? else {
        return Ok(());
    };
    let original_status: String = crate::schema::cases::table
        .find(cr.original_case_id)
        .select(crate::schema::cases::status)
        .first(conn)?;
    record_case_event(
        conn,
        &NewCaseEvent {
            case_id: cr.original_case_id,
            kind,
            occurred_at: acting.at,
            actor: acting.actor,
            visible_to_applicant: true,
            status_before: Some(&original_status),
            status_after: Some(&original_status),
            data: json!({
                "changeRequestCaseId": cr.case_id,
                "changeRequestCaseNumber": cr.case_number,
                "changeRequestApplicationId": cr.application_id,
                "versionNo": cr.version_no,
                "outcomes": outcomes,
            }),
            request_id: acting.request_id,
        },
    )?;
    Ok(())
}

// ------------------------------------------------- attachments sent later

/// What an attachment sent later is (beside its `application_attachments` row).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = attachments_sent_later)]
pub struct SentLaterRow {
    pub attachment_id: Uuid,
    pub case_id: Uuid,
    pub replaces_id: Option<Uuid>,
    pub question_id: Option<Uuid>,
    pub data_source_code: Option<String>,
    pub sent_at: OffsetDateTime,
}

pub fn insert_sent_later(conn: &mut PgConnection, row: &SentLaterRow) -> Result<(), StoreError> {
    diesel::insert_into(attachments_sent_later::table)
        .values((
            attachments_sent_later::attachment_id.eq(row.attachment_id),
            attachments_sent_later::case_id.eq(row.case_id),
            attachments_sent_later::replaces_id.eq(row.replaces_id),
            attachments_sent_later::question_id.eq(row.question_id),
            attachments_sent_later::data_source_code.eq(&row.data_source_code),
            attachments_sent_later::sent_at.eq(row.sent_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The attachments sent later to a case, oldest first.
pub fn sent_later_of_case(
    conn: &mut PgConnection,
    case_id: Uuid,
) -> Result<Vec<SentLaterRow>, StoreError> {
    Ok(attachments_sent_later::table
        .filter(attachments_sent_later::case_id.eq(case_id))
        .order((
            attachments_sent_later::sent_at.asc(),
            attachments_sent_later::attachment_id.asc(),
        ))
        .select(SentLaterRow::as_select())
        .load(conn)?)
}

/// Whether `attachment_id` already has a newer version.
pub fn is_replaced(conn: &mut PgConnection, attachment_id: Uuid) -> Result<bool, StoreError> {
    Ok(diesel::select(diesel::dsl::exists(
        attachments_sent_later::table.filter(attachments_sent_later::replaces_id.eq(attachment_id)),
    ))
    .get_result(conn)?)
}
