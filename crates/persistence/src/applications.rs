//! Applications (søknader), their members and attachments, the submitted
//! snapshot, and the case each submission becomes.
//!
//! Storage choices:
//! - The content is one JSONB document keyed by section, in the API's JSON
//!   form (a PATCH replaces whole sections). The completeness rules live in
//!   `hds_domain::application`; this module only stores.
//! - `owner_pid` and members' `pid` are stored as they are (11 digits),
//!   because access control needs them. They are personal data: never logged,
//!   never written to the audit trail (which gets the masked form).
//! - Attachments are stored in PostgreSQL (`BYTEA`) with their SHA-256, in
//!   the same transaction as their metadata: a failed upload leaves nothing.
//! - Case numbers come from `case_number_counters`, taken with the snapshot
//!   and the case in one statement (`crate::submission::open_case`).
//! - The statements of submit are prepared (`crate::prepared_sql!` where the
//!   query builder would not let diesel keep them).
//!
//! Functions that change state take the caller's transaction: the API opens
//! one (`conn.transaction`) around a whole request, so that access check,
//! version check, rules and writes see one consistent state.

use diesel::dsl::{exists, sql};
use diesel::prelude::*;
use diesel::sql_types::{
    Array, BigInt, Bool, Bytea, Integer, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid,
};
use diesel::PgConnection;
use hds_domain::application::{
    CatalogueFacts, Channel, DataKind, Purpose, SourceFacts, VariableFacts,
};
use serde_json::Value;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::schema::{
    application_attachments, application_members, application_snapshots, applications, case_events,
    cases,
};
use crate::StoreError;

/// `applications.status` while the applicant writes.
pub const DRAFT: &str = "DRAFT";
/// `applications.status` once submitted (the case has the rest of the story).
pub const SUBMITTED: &str = "SUBMITTED";

/// An application as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = applications)]
pub struct ApplicationRow {
    pub id: Uuid,
    pub owner_pid: String,
    pub status: String,
    pub content: Value,
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub submitted_at: Option<OffsetDateTime>,
}

/// How the caller relates to an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Created it: may do everything.
    Owner,
    /// Co-applicant (medsøker): may read, and edit drafts.
    Member,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "OWNER",
            Self::Member => "MEMBER",
        }
    }
}

/// Creates a draft owned by `owner_pid`.
pub fn create(
    conn: &mut PgConnection,
    owner_pid: &str,
    content: &Value,
) -> Result<ApplicationRow, StoreError> {
    Ok(diesel::insert_into(applications::table)
        .values((
            applications::owner_pid.eq(owner_pid),
            applications::content.eq(content),
        ))
        .returning(ApplicationRow::as_returning())
        .get_result(conn)?)
}

/// Owner or member of the application (`applications` row in scope).
macro_rules! is_member {
    ($pid:expr) => {
        applications::owner_pid.eq($pid).or(exists(
            application_members::table
                .filter(application_members::application_id.eq(applications::id))
                .filter(application_members::pid.eq($pid)),
        ))
    };
}

fn access_of(row: &ApplicationRow, pid: &str) -> Access {
    if row.owner_pid == pid {
        Access::Owner
    } else {
        Access::Member
    }
}

/// The application if `pid` owns it or is a member; `NotFound` otherwise
/// (another person's application does not exist for the caller).
pub fn find_accessible(
    conn: &mut PgConnection,
    id: Uuid,
    pid: &str,
) -> Result<(ApplicationRow, Access), StoreError> {
    let row = applications::table
        .filter(applications::id.eq(id))
        .filter(is_member!(pid))
        .select(ApplicationRow::as_select())
        .first(conn)?;
    let access = access_of(&row, pid);
    Ok((row, access))
}

/// Like [`find_accessible`], locking the row (`FOR UPDATE`) until the
/// transaction ends: writers of one application queue up here.
pub fn lock_accessible(
    conn: &mut PgConnection,
    id: Uuid,
    pid: &str,
) -> Result<(ApplicationRow, Access), StoreError> {
    let row = applications::table
        .filter(applications::id.eq(id))
        .filter(is_member!(pid))
        .select(ApplicationRow::as_select())
        .for_update()
        .first(conn)?;
    let access = access_of(&row, pid);
    Ok((row, access))
}

/// Replaces the content and bumps the version (the caller checked it).
pub fn update_content(
    conn: &mut PgConnection,
    id: Uuid,
    content: &Value,
) -> Result<ApplicationRow, StoreError> {
    Ok(
        diesel::update(applications::table.filter(applications::id.eq(id)))
            .set((
                applications::content.eq(content),
                applications::version.eq(applications::version + 1),
                applications::updated_at.eq(diesel::dsl::now),
            ))
            .returning(ApplicationRow::as_returning())
            .get_result(conn)?,
    )
}

crate::prepared_sql! {
    struct Touch<'a> { id: &'a Uuid }
    returns Integer;
    sql = [
        "UPDATE applications SET version = version + 1, updated_at = CURRENT_TIMESTAMP WHERE id = "
        {id as SqlUuid} " RETURNING version"
    ];
}

/// Bumps the version (attachments and members are part of the application).
pub fn touch(conn: &mut PgConnection, id: Uuid) -> Result<i32, StoreError> {
    Ok(Touch { id: &id }.get_result(conn)?)
}

/// One line of "my applications".
#[derive(Debug, Clone, Queryable)]
pub struct ListedApplication {
    pub id: Uuid,
    pub owner_pid: String,
    pub status: String,
    pub content: Value,
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub submitted_at: Option<OffsetDateTime>,
    pub case_number: Option<String>,
    pub case_status: Option<String>,
}

/// The caller's applications (owned or as member), newest first, keyset
/// paginated on `(created_at, id)`; `limit + 1` rows are returned when there
/// are more. `status` filters on `DRAFT` or a case status.
pub fn list_for(
    conn: &mut PgConnection,
    pid: &str,
    after: Option<(OffsetDateTime, Uuid)>,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<ListedApplication>, StoreError> {
    let mut query = applications::table
        .left_join(cases::table)
        .filter(is_member!(pid))
        .select((
            applications::id,
            applications::owner_pid,
            applications::status,
            applications::content,
            applications::version,
            applications::created_at,
            applications::updated_at,
            applications::submitted_at,
            cases::case_number.nullable(),
            cases::status.nullable(),
        ))
        .order((applications::created_at.desc(), applications::id.desc()))
        .limit(limit + 1)
        .into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(
            applications::created_at
                .lt(at)
                .or(applications::created_at.eq(at).and(applications::id.lt(id))),
        );
    }
    match status {
        Some(DRAFT) => query = query.filter(applications::status.eq(DRAFT)),
        Some(case_status) => query = query.filter(cases::status.eq(case_status.to_owned())),
        None => {}
    }
    Ok(query.load(conn)?)
}

// ---------------------------------------------------------------- members

/// A co-applicant.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = application_members)]
pub struct MemberRow {
    pub id: Uuid,
    pub application_id: Uuid,
    pub pid: String,
    pub added_by: String,
    pub added_at: OffsetDateTime,
}

/// Adds a member; adding one who is already a member returns the existing row.
pub fn add_member(
    conn: &mut PgConnection,
    application_id: Uuid,
    pid: &str,
    added_by: &str,
) -> Result<(MemberRow, bool), StoreError> {
    let inserted = diesel::insert_into(application_members::table)
        .values((
            application_members::application_id.eq(application_id),
            application_members::pid.eq(pid),
            application_members::added_by.eq(added_by),
        ))
        .on_conflict_do_nothing()
        .returning(MemberRow::as_returning())
        .get_result(conn)
        .optional()?;
    match inserted {
        Some(row) => {
            crate::notifications::enqueue(
                conn,
                hds_domain::notification::MEMBER_ADDED,
                crate::notifications::About::Member {
                    application_id,
                    pid,
                },
                row.added_at,
            )?;
            Ok((row, true))
        }
        None => Ok((
            application_members::table
                .filter(application_members::application_id.eq(application_id))
                .filter(application_members::pid.eq(pid))
                .select(MemberRow::as_select())
                .first(conn)?,
            false,
        )),
    }
}

pub fn list_members(
    conn: &mut PgConnection,
    application_id: Uuid,
) -> Result<Vec<MemberRow>, StoreError> {
    Ok(application_members::table
        .filter(application_members::application_id.eq(application_id))
        .order((
            application_members::added_at.asc(),
            application_members::id.asc(),
        ))
        .select(MemberRow::as_select())
        .load(conn)?)
}

/// Removes a member by its id; `NotFound` when there is none.
pub fn remove_member(
    conn: &mut PgConnection,
    application_id: Uuid,
    member_id: Uuid,
) -> Result<MemberRow, StoreError> {
    Ok(diesel::delete(
        application_members::table
            .filter(application_members::application_id.eq(application_id))
            .filter(application_members::id.eq(member_id)),
    )
    .returning(MemberRow::as_returning())
    .get_result(conn)?)
}

// ------------------------------------------------------------ attachments

/// An attachment's metadata (without its bytes).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = application_attachments)]
pub struct AttachmentMeta {
    pub id: Uuid,
    pub application_id: Uuid,
    pub kind: String,
    pub title: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: OffsetDateTime,
}

/// An attachment to store.
#[derive(Debug, Insertable)]
#[diesel(table_name = application_attachments)]
pub struct NewAttachment<'a> {
    pub application_id: Uuid,
    pub kind: &'a str,
    pub title: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub content: &'a [u8],
    pub uploaded_by: &'a str,
}

crate::prepared_sql! {
    struct InsertAttachment<'a> { new: &'a NewAttachment<'a> }
    returns (SqlUuid, SqlUuid, Text, Text, Text, Text, BigInt, Text, Text, Timestamptz);
    sql = [
        "INSERT INTO application_attachments (application_id, kind, title, filename, content_type, \
         size_bytes, sha256, content, uploaded_by) VALUES ("
        {new.application_id as SqlUuid} ", " {new.kind as Text} ", " {new.title as Text} ", "
        {new.filename as Text} ", " {new.content_type as Text} ", " {new.size_bytes as BigInt}
        ", " {new.sha256 as Text} ", " {new.content as Bytea} ", " {new.uploaded_by as Text}
        ") RETURNING id, application_id, kind, title, filename, content_type, size_bytes, sha256, \
         uploaded_by, uploaded_at"
    ];
}

pub fn insert_attachment(
    conn: &mut PgConnection,
    new: &NewAttachment<'_>,
) -> Result<AttachmentMeta, StoreError> {
    Ok(InsertAttachment { new }.get_result(conn)?)
}

pub fn list_attachments(
    conn: &mut PgConnection,
    application_id: Uuid,
) -> Result<Vec<AttachmentMeta>, StoreError> {
    Ok(application_attachments::table
        .filter(application_attachments::application_id.eq(application_id))
        .order((
            application_attachments::uploaded_at.asc(),
            application_attachments::id.asc(),
        ))
        .select(AttachmentMeta::as_select())
        .load(conn)?)
}

/// One attachment with its bytes.
pub fn attachment_content(
    conn: &mut PgConnection,
    application_id: Uuid,
    id: Uuid,
) -> Result<(AttachmentMeta, Vec<u8>), StoreError> {
    Ok(application_attachments::table
        .filter(application_attachments::application_id.eq(application_id))
        .filter(application_attachments::id.eq(id))
        .select((
            AttachmentMeta::as_select(),
            application_attachments::content,
        ))
        .first(conn)?)
}

pub fn delete_attachment(
    conn: &mut PgConnection,
    application_id: Uuid,
    id: Uuid,
) -> Result<AttachmentMeta, StoreError> {
    Ok(diesel::delete(
        application_attachments::table
            .filter(application_attachments::application_id.eq(application_id))
            .filter(application_attachments::id.eq(id)),
    )
    .returning(AttachmentMeta::as_returning())
    .get_result(conn)?)
}

// -------------------------------------------------------------- catalogue

crate::prepared_sql! {
    /// Each source with its purposes and variables, in one statement.
    struct Facts<'a> { codes: &'a [String] }
    returns (
        SqlUuid, Text, Text, Text, Array<Text>, Text, Nullable<Text>, Bool,
        Array<Text>, Array<Text>, Array<Bool>, Array<Bool>,
    );
    sql = [
        "SELECT d.id, d.code, d.name_nb, d.name_en, d.data_kinds, d.channel, d.external_url, \
         d.retired_at IS NOT NULL, \
         ARRAY(SELECT p.purpose_code FROM data_source_purposes p WHERE p.data_source_id = d.id), \
         COALESCE(v.names, '{}'), COALESCE(v.identifying, '{}'), COALESCE(v.retired, '{}') \
         FROM data_sources d CROSS JOIN LATERAL (SELECT array_agg(x.name) AS names, \
         array_agg(x.identifying) AS identifying, array_agg(x.retired_at IS NOT NULL) AS retired \
         FROM variables x WHERE x.data_source_id = d.id) v WHERE d.code = ANY("
        {codes as Array<Text>} ")"
    ];
}

type FactsRow = (
    Uuid,
    String,
    String,
    String,
    Vec<String>,
    String,
    Option<String>,
    bool,
    Vec<String>,
    Vec<String>,
    Vec<bool>,
    Vec<bool>,
);

/// What the completeness check needs from the catalogue, for these codes,
/// in one prepared statement. Codes the catalogue does not have are simply
/// absent.
pub fn catalogue_facts(
    conn: &mut PgConnection,
    codes: &[String],
) -> Result<CatalogueFacts, StoreError> {
    let rows: Vec<FactsRow> = Facts { codes }.load(conn)?;
    Ok(CatalogueFacts::new(rows.into_iter().map(
        |(
            _,
            code,
            name_nb,
            name_en,
            kinds,
            channel,
            url,
            retired,
            purposes,
            names,
            identifying,
            variables_retired,
        )| {
            SourceFacts {
                code,
                name_nb,
                name_en,
                purposes: purposes
                    .iter()
                    .filter_map(|p| p.parse::<Purpose>().ok())
                    .collect(),
                data_kinds: kinds
                    .iter()
                    .filter_map(|k| k.parse::<DataKind>().ok())
                    .collect(),
                channel: match (channel.as_str(), url) {
                    ("EXTERNAL_FORM", Some(url)) => Channel::ExternalForm { url },
                    _ => Channel::CommonForm,
                },
                retired,
                variables: names
                    .into_iter()
                    .zip(identifying)
                    .zip(variables_retired)
                    .map(|((name, identifying), retired)| {
                        (
                            name,
                            VariableFacts {
                                identifying,
                                retired,
                            },
                        )
                    })
                    .collect(),
            }
        },
    )))
}

// ------------------------------------------------------------ submission

/// Freezes the submitted version (append-only).
pub fn insert_snapshot(
    conn: &mut PgConnection,
    application_id: Uuid,
    content: &Value,
    at: OffsetDateTime,
    by: &str,
) -> Result<(), StoreError> {
    diesel::insert_into(application_snapshots::table)
        .values((
            application_snapshots::application_id.eq(application_id),
            application_snapshots::content.eq(content),
            application_snapshots::submitted_at.eq(at),
            application_snapshots::submitted_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

/// The frozen submitted version.
pub fn snapshot(conn: &mut PgConnection, application_id: Uuid) -> Result<Value, StoreError> {
    Ok(application_snapshots::table
        .filter(application_snapshots::application_id.eq(application_id))
        .select(application_snapshots::content)
        .first(conn)?)
}

crate::prepared_sql! {
    struct MarkSubmitted<'a> { id: &'a Uuid, at: &'a OffsetDateTime }
    returns (SqlUuid, Text, Text, Jsonb, Integer, Timestamptz, Timestamptz, Nullable<Timestamptz>);
    sql = [
        "UPDATE applications SET status = 'SUBMITTED', submitted_at = " {at as Timestamptz}
        ", version = version + 1, updated_at = " {at as Timestamptz} " WHERE id = " {id as SqlUuid}
        " AND status = 'DRAFT' RETURNING id, owner_pid, status, content, version, created_at, \
         updated_at, submitted_at"
    ];
}

/// Marks the application submitted (read-only from now on).
pub fn mark_submitted(
    conn: &mut PgConnection,
    id: Uuid,
    at: OffsetDateTime,
) -> Result<ApplicationRow, StoreError> {
    Ok(MarkSubmitted { id: &id, at: &at }.get_result(conn)?)
}

/// A case as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cases)]
pub struct CaseRow {
    pub id: Uuid,
    pub application_id: Uuid,
    pub case_number: String,
    pub status: String,
    pub received_at: OffsetDateTime,
    pub received_on: Date,
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

pub fn insert_case(
    conn: &mut PgConnection,
    application_id: Uuid,
    case_number: &str,
    status: &str,
    received_at: OffsetDateTime,
    received_on: Date,
) -> Result<CaseRow, StoreError> {
    Ok(diesel::insert_into(cases::table)
        .values((
            cases::application_id.eq(application_id),
            cases::case_number.eq(case_number),
            cases::status.eq(status),
            cases::received_at.eq(received_at),
            cases::received_on.eq(received_on),
        ))
        .returning(CaseRow::as_returning())
        .get_result(conn)?)
}

/// The case of an application; `NotFound` while it is a draft.
pub fn case_of(conn: &mut PgConnection, application_id: Uuid) -> Result<CaseRow, StoreError> {
    Ok(cases::table
        .filter(cases::application_id.eq(application_id))
        .select(CaseRow::as_select())
        .first(conn)?)
}

/// Locks the case of an application for a change.
pub fn lock_case_of(conn: &mut PgConnection, application_id: Uuid) -> Result<CaseRow, StoreError> {
    Ok(cases::table
        .filter(cases::application_id.eq(application_id))
        .select(CaseRow::as_select())
        .for_update()
        .first(conn)?)
}

/// Sets a case's status and bumps its version.
pub fn set_case_status(
    conn: &mut PgConnection,
    case_id: Uuid,
    status: &str,
) -> Result<CaseRow, StoreError> {
    Ok(diesel::update(cases::table.filter(cases::id.eq(case_id)))
        .set((
            cases::status.eq(status),
            cases::version.eq(cases::version + 1),
            cases::updated_at.eq(diesel::dsl::now),
        ))
        .returning(CaseRow::as_returning())
        .get_result(conn)?)
}

/// An event to append to a case's history.
#[derive(Debug, Insertable)]
#[diesel(table_name = case_events)]
pub struct NewCaseEvent<'a> {
    pub case_id: Uuid,
    pub kind: &'a str,
    pub occurred_at: OffsetDateTime,
    pub actor: &'a str,
    pub visible_to_applicant: bool,
    pub status_before: Option<&'a str>,
    pub status_after: Option<&'a str>,
    pub data: Value,
    pub request_id: Option<&'a str>,
}

/// A recorded case event.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_events)]
pub struct CaseEventRow {
    pub id: i64,
    pub case_id: Uuid,
    pub kind: String,
    pub occurred_at: OffsetDateTime,
    pub actor: String,
    pub visible_to_applicant: bool,
    pub status_before: Option<String>,
    pub status_after: Option<String>,
    pub data: Value,
    pub request_id: Option<String>,
}

crate::prepared_sql! {
    struct InsertCaseEvent<'a> { e: &'a NewCaseEvent<'a> }
    sql = [
        "INSERT INTO case_events (case_id, kind, occurred_at, actor, visible_to_applicant, \
         status_before, status_after, data, request_id) VALUES (" {e.case_id as SqlUuid} ", "
        {e.kind as Text} ", " {e.occurred_at as Timestamptz} ", " {e.actor as Text} ", "
        {e.visible_to_applicant as Bool} ", " {e.status_before as Nullable<Text>} ", "
        {e.status_after as Nullable<Text>} ", " {e.data as Jsonb} ", "
        {e.request_id as Nullable<Text>} ")"
    ];
}

pub fn record_case_event(
    conn: &mut PgConnection,
    event: &NewCaseEvent<'_>,
) -> Result<(), StoreError> {
    InsertCaseEvent { e: event }.execute(conn)?;
    enqueue_notices(conn, event)
}

/// The notices of a case event the applicant sees, into the outbox in the
/// event's transaction (the mapping decides who hears of it).
pub(crate) fn enqueue_notices(
    conn: &mut PgConnection,
    event: &NewCaseEvent<'_>,
) -> Result<(), StoreError> {
    if event.visible_to_applicant {
        crate::notifications::enqueue(
            conn,
            event.kind,
            crate::notifications::About::Case(event.case_id),
            event.occurred_at,
        )?;
    }
    Ok(())
}

/// A case's events, oldest first; only those meant for the applicant when
/// `applicant_view`.
pub fn case_events_of(
    conn: &mut PgConnection,
    case_id: Uuid,
    applicant_view: bool,
) -> Result<Vec<CaseEventRow>, StoreError> {
    let mut query = case_events::table
        .filter(case_events::case_id.eq(case_id))
        .order(case_events::id.asc())
        .select(CaseEventRow::as_select())
        .into_boxed();
    if applicant_view {
        query = query.filter(case_events::visible_to_applicant.eq(true));
    }
    Ok(query.load(conn)?)
}

/// How many cases exist (for tests and metrics).
pub fn count_cases(conn: &mut PgConnection) -> Result<i64, StoreError> {
    Ok(cases::table
        .select(sql::<diesel::sql_types::BigInt>("count(*)"))
        .first(conn)?)
}
