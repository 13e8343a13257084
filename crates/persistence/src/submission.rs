//! The writes of a submission (innsending) in as few statements as its
//! transaction needs (issue 16). Each statement here is one round trip that
//! does several writes with data-modifying `WITH` parts. Those parts all
//! see the snapshot the statement started with (none sees another's rows),
//! so each statement only combines writes that do not read one another;
//! triggers that read a sibling's rows are `AFTER` triggers, which run when
//! the whole statement is done and see all of it.
//!
//! In order, after the application is locked and checked:
//! 1. [`mark_submitted_and_freeze`]: the status, and the files as submitted;
//! 2. [`open_case`]: the case number, the frozen snapshot and the case;
//! 3. [`record_with_feed_and_audit`]: the case event (with its notices), the feed event
//!    and the audit event.

use diesel::prelude::*;
use diesel::sql_types::{
    BigInt, Bool, Date as SqlDate, Integer, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid,
};
use diesel::PgConnection;
use hds_domain::case::CaseNumber;
use serde_json::Value;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::applications::{ApplicationRow, CaseRow, NewCaseEvent};
use crate::audit::NewAuditEvent;
use crate::feed::NewFeedEvent;
use crate::StoreError;

crate::prepared_sql! {
    /// The status and both copies of the files in one statement. The copies
    /// read `application_attachments` (which the update does not touch) and
    /// are made only when the update found the draft (`JOIN app`); the
    /// metadata's foreign key to `attachment_blobs` is checked at the
    /// statement's end, when the bytes are there.
    struct SubmitAndFreeze<'a> { id: &'a Uuid, at: &'a OffsetDateTime }
    returns (SqlUuid, Text, Text, Jsonb, Integer, Timestamptz, Timestamptz, Nullable<Timestamptz>);
    sql = [
        "WITH app AS (UPDATE applications SET status = 'SUBMITTED', submitted_at = "
        {at as Timestamptz} ", version = version + 1, updated_at = " {at as Timestamptz}
        " WHERE id = " {id as SqlUuid} " AND status = 'DRAFT' RETURNING id, owner_pid, status, \
         content, version, created_at, updated_at, submitted_at), \
         blobs AS (INSERT INTO attachment_blobs (sha256, size_bytes, content) \
         SELECT DISTINCT ON (f.sha256) f.sha256, f.size_bytes, f.content \
         FROM application_attachments f JOIN app ON f.application_id = app.id \
         ORDER BY f.sha256 ON CONFLICT DO NOTHING), \
         frozen AS (INSERT INTO submitted_attachments (application_id, attachment_id, kind, title, \
         filename, content_type, size_bytes, sha256, uploaded_at, submitted_at) \
         SELECT f.application_id, f.id, f.kind, f.title, f.filename, f.content_type, f.size_bytes, \
         f.sha256, f.uploaded_at, app.submitted_at \
         FROM application_attachments f JOIN app ON f.application_id = app.id) \
         SELECT id, owner_pid, status, content, version, created_at, updated_at, submitted_at \
         FROM app"
    ];
}

/// Marks the draft submitted at `at` (read-only from now on) and freezes
/// its attachments as submitted (`crate::submitted_attachments`), in one
/// statement. `NotFound` when it is not a draft.
pub fn mark_submitted_and_freeze(
    conn: &mut PgConnection,
    id: Uuid,
    at: OffsetDateTime,
) -> Result<ApplicationRow, StoreError> {
    Ok(SubmitAndFreeze { id: &id, at: &at }.get_result(conn)?)
}

/// A case to open for a submitted application.
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    pub application_id: Uuid,
    /// The frozen submitted version, without its case number: it gets
    /// `caseNumber` here, once the number is taken.
    pub snapshot: &'a Value,
    pub submitted_by: &'a str,
    pub status: &'a str,
    pub received_at: OffsetDateTime,
    /// The Oslo date of `received_at`; its year numbers the case.
    pub received_on: Date,
}

crate::prepared_sql! {
    /// The year's counter raised (or started at 1) under its row lock, the
    /// snapshot and the case, both carrying the number, in one statement.
    /// The case's `AFTER INSERT` trigger that fills its sources from the
    /// snapshot runs at the statement's end and sees the snapshot.
    struct OpenCase<'a> { new: &'a NewCase<'a>, year: i32 }
    returns (
        SqlUuid, SqlUuid, Text, Text, Timestamptz, SqlDate, Integer, Timestamptz, Timestamptz,
        Integer,
    );
    sql = [
        "WITH n AS (INSERT INTO case_number_counters AS k (year, last_value) VALUES ("
        {year as Integer} ", 1) ON CONFLICT (year) DO UPDATE SET last_value = k.last_value + 1 \
         RETURNING k.last_value, case_number_of(k.year, k.last_value) AS case_number), \
         snapshot AS (INSERT INTO application_snapshots (application_id, content, submitted_at, \
         submitted_by) SELECT " {new.application_id as SqlUuid} ", "
        {new.snapshot as Jsonb} " || jsonb_build_object('caseNumber', n.case_number), "
        {new.received_at as Timestamptz} ", " {new.submitted_by as Text} " FROM n), \
         c AS (INSERT INTO cases (application_id, case_number, status, received_at, received_on) \
         SELECT " {new.application_id as SqlUuid} ", n.case_number, " {new.status as Text} ", "
        {new.received_at as Timestamptz} ", " {new.received_on as SqlDate} " FROM n \
         RETURNING id, application_id, case_number, status, received_at, received_on, version, \
         created_at, updated_at) \
         SELECT c.id, c.application_id, c.case_number, c.status, c.received_at, c.received_on, \
         c.version, c.created_at, c.updated_at, n.last_value FROM c CROSS JOIN n"
    ];
}

type OpenedRow = (
    Uuid,
    Uuid,
    String,
    String,
    OffsetDateTime,
    Date,
    i32,
    OffsetDateTime,
    OffsetDateTime,
    i32,
);

/// Takes the next case number of the year and opens the case with its
/// frozen snapshot, in one statement ([`CaseNumber`]: `HDS-<year>-<serial>`,
/// six digits up to 999,999, then seven).
///
/// `INSERT ... ON CONFLICT DO UPDATE` on the year's counter row: the row
/// lock makes concurrent submits wait for each other until they commit
/// (never the same number), and a rolled-back submit undoes its increment
/// (no gaps). The number is spelled by `case_number_of` (migration
/// `one_statement_helpers`) and checked here against [`CaseNumber`]: a
/// difference is an error (and the transaction rolls back).
pub fn open_case(conn: &mut PgConnection, new: &NewCase<'_>) -> Result<CaseRow, StoreError> {
    let year = new.received_on.year();
    let row: OpenedRow = OpenCase { new, year }.get_result(conn)?;
    let (id, application_id, case_number, status, received_at, received_on, version, ..) = row;
    let (created_at, updated_at, serial) = (row.7, row.8, row.9);
    let expected = CaseNumber::new(year, i64::from(serial))
        .map_err(|e| StoreError::Database(diesel::result::Error::QueryBuilderError(e.into())))?;
    if expected.to_string() != case_number {
        return Err(StoreError::Database(
            diesel::result::Error::QueryBuilderError(
                format!("case number {case_number} is not {expected}").into(),
            ),
        ));
    }
    Ok(CaseRow {
        id,
        application_id,
        case_number,
        status,
        received_at,
        received_on,
        version,
        created_at,
        updated_at,
    })
}

crate::prepared_sql! {
    /// A case event, the audit event of its change and a feed event, in one
    /// statement: three appends to three tables that read nothing of one
    /// another. The feed event is the main part (a function call, which a
    /// `WITH` part would not run unless it were read), so it is appended
    /// once, last in the statement, and its sequence is what it returns.
    struct Received<'a> {
        e: &'a NewCaseEvent<'a>,
        a: &'a NewAuditEvent<'a>,
        f: &'a NewFeedEvent<'a>,
    }
    returns BigInt;
    sql = [
        "WITH event AS (INSERT INTO case_events (case_id, kind, occurred_at, actor, \
         visible_to_applicant, status_before, status_after, data, request_id) VALUES ("
        {e.case_id as SqlUuid} ", " {e.kind as Text} ", " {e.occurred_at as Timestamptz} ", "
        {e.actor as Text} ", " {e.visible_to_applicant as Bool} ", "
        {e.status_before as Nullable<Text>} ", " {e.status_after as Nullable<Text>} ", "
        {e.data as Jsonb} ", " {e.request_id as Nullable<Text>} ")), \
         audit AS (INSERT INTO audit_events (actor, action, entity_type, entity_id, before_state, \
         after_state, request_id) VALUES (" {a.actor as Text} ", " {a.action as Text} ", "
        {a.entity_type as Text} ", " {a.entity_id as Text} ", "
        {a.before_state as Nullable<Jsonb>} ", " {a.after_state as Nullable<Jsonb>} ", "
        {a.request_id as Nullable<Text>} ")) \
         SELECT append_feed_event(" {f.event_type as Text} ", " {f.source as Text} ", "
        {f.subject as Nullable<Text>} ", " {f.data as Jsonb} ", "
        {f.custodian_id as Nullable<SqlUuid>} ", " {f.case_id as Nullable<SqlUuid>} ")"
    ];
}

/// Records the case event of a change with the feed event and the audit
/// event that go with it, in the caller's transaction: the notices the event
/// causes first (`crate::notifications::enqueue`, when the applicant sees
/// it), then the three appends in one statement. In this order the feed's
/// one counter row, which every writer of the feed waits for until the
/// holder commits, is taken as late as it can be. Returns the feed
/// event's sequence.
pub fn record_with_feed_and_audit(
    conn: &mut PgConnection,
    event: &NewCaseEvent<'_>,
    feed: &NewFeedEvent<'_>,
    audit: &NewAuditEvent<'_>,
) -> Result<i64, StoreError> {
    crate::applications::enqueue_notices(conn, event)?;
    Ok(Received {
        e: event,
        a: audit,
        f: feed,
    }
    .get_result(conn)?)
}
