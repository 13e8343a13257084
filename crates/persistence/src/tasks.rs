//! Custodian tasks (oppgaver) as the custodian works on them: polling,
//! reading, and every action (acknowledge, progress, delivery, cannot
//! deliver, hours, decision) as one version-checked transaction with its
//! task event, its audit event and its feed event.
//!
//! Case handling creates and cancels tasks (`crate::cases`); a trigger on
//! `custodian_tasks` appends the `no.helsedata.task.*` feed event for every
//! task created and every state change, whichever code path makes it.
//! Actions that keep the state (a second progress report, hours) append
//! their feed event here.
//!
//! Lock order, shared with case handling: the case row, then the task row.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel::PgConnection;
use hds_domain::case::CaseRules;
use hds_domain::task::{Refusal, SourceDecision, Task, TaskAction, TaskKind, TaskState};
use serde_json::{json, Value};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent};
use crate::cases::{self, Authority, CaseError, Ctx, DecisionRow, NewSourceDecision, TaskRow};
use crate::feed::{self, NewFeedEvent};
use crate::schema::{
    case_decisions, case_sources, cases as cases_t, custodian_task_counters, custodian_tasks,
    custodians, data_sources, task_deliveries, task_events, task_hours, task_progress_reports,
};
use crate::sql::{Bind, Sql};
use crate::StoreError;

/// Why a task action failed.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The task state machine refuses (409 with its reason).
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// The case's decision rules refuse or find problems (decisions only).
    #[error(transparent)]
    Case(#[from] CaseError),
}

impl From<diesel::result::Error> for TaskError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(e.into())
    }
}

type Result<T> = std::result::Result<T, TaskError>;

// ------------------------------------------------------------------ polling

/// Filters of the task list (combined with AND).
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    /// Only these states (empty: all).
    pub states: Vec<String>,
    pub kind: Option<String>,
    /// Updated at or after this instant.
    pub updated_since: Option<OffsetDateTime>,
}

/// What the ETag of a task list is computed from: the custodian's task
/// change counter (`custodian_task_counters`, raised by a trigger in every
/// transaction that inserts or updates one of its tasks). Any change to any
/// of the custodian's tasks changes it, so an ETag made from it (and the
/// query) changes whenever a list of that custodian's tasks could.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollState {
    pub custodian_id: Uuid,
    pub changes: i64,
}

/// In ONE prepared statement (unique and primary-key index lookups): the
/// custodians registered with these organisation numbers (those with none
/// are left out) and their change counters. The server reads the counters
/// of the polls that arrive together in one go; an unchanged poll runs
/// nothing else.
pub fn poll_states(
    conn: &mut PgConnection,
    orgnrs: &[String],
) -> std::result::Result<Vec<(String, PollState)>, StoreError> {
    let rows: Vec<(Option<String>, Uuid, Option<i64>)> = custodians::table
        .left_join(
            custodian_task_counters::table
                .on(custodian_task_counters::custodian_id.eq(custodians::id)),
        )
        .filter(custodians::orgnr.eq_any(orgnrs))
        .filter(custodians::retired_at.is_null())
        .select((
            custodians::orgnr,
            custodians::id,
            custodian_task_counters::changes.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(orgnr, custodian_id, changes)| {
            let state = PollState {
                custodian_id,
                changes: changes.unwrap_or(0),
            };
            Some((orgnr?, state))
        })
        .collect())
}

/// [`poll_state`] for a custodian known by id (its staff acting as persons;
/// a custodian may have no orgnr of its own).
pub fn poll_state_by_id(
    conn: &mut PgConnection,
    custodian_id: Uuid,
) -> std::result::Result<Option<PollState>, StoreError> {
    let row: Option<(Uuid, Option<i64>)> = custodians::table
        .left_join(
            custodian_task_counters::table
                .on(custodian_task_counters::custodian_id.eq(custodians::id)),
        )
        .filter(custodians::id.eq(custodian_id))
        .filter(custodians::retired_at.is_null())
        .select((custodians::id, custodian_task_counters::changes.nullable()))
        .first(conn)
        .optional()?;
    Ok(row.map(|(custodian_id, changes)| PollState {
        custodian_id,
        changes: changes.unwrap_or(0),
    }))
}

/// A task in a list, with its case number and source.
#[derive(Debug, Clone)]
pub struct TaskListRow {
    pub task: TaskRow,
    pub case_number: String,
    pub source_code: String,
    pub source_name_nb: String,
    pub source_name_en: String,
}

/// One page of a custodian's tasks, and the change counter the page was
/// read with (one statement, one snapshot: the page is what the counter
/// says, so an ETag made from it is never newer than the page).
#[derive(Debug, Clone)]
pub struct TaskPage {
    pub custodian_id: Uuid,
    pub changes: i64,
    pub rows: Vec<TaskListRow>,
}

/// Whose tasks a page lists.
#[derive(Debug, Clone)]
pub enum TaskOwner {
    /// A custodian known to be registered (its poll state was read).
    Id(Uuid),
    /// The registered custodian with this organisation number, found by the
    /// page's own statement: a first poll (no ETag yet) is one statement.
    Orgnr(String),
}

/// The row of [`page`]: the custodian, its counter, and a task when the page
/// has any.
type PageRow = (
    (Uuid, i64),
    (
        Option<Uuid>,
        Option<Uuid>,
        Option<Uuid>,
        Option<Uuid>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<i32>,
        Option<OffsetDateTime>,
        Option<OffsetDateTime>,
    ),
    (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ),
);

type PageSqlRow = (
    (SqlUuid, BigInt),
    (
        Nullable<SqlUuid>,
        Nullable<SqlUuid>,
        Nullable<SqlUuid>,
        Nullable<SqlUuid>,
        Nullable<Text>,
        Nullable<Text>,
        Nullable<Text>,
        Nullable<Integer>,
        Nullable<Timestamptz>,
        Nullable<Timestamptz>,
    ),
    (
        Nullable<Text>,
        Nullable<Text>,
        Nullable<Text>,
        Nullable<Text>,
    ),
);

fn list_row((_, task, source): PageRow) -> Option<TaskListRow> {
    let (id, case_id, custodian_id, data_source_id, kind, state, reason, version, created, updated) =
        task;
    let (case_number, source_code, source_name_nb, source_name_en) = source;
    Some(TaskListRow {
        task: TaskRow {
            id: id?,
            case_id: case_id?,
            custodian_id: custodian_id?,
            data_source_id: data_source_id?,
            kind: kind?,
            state: state?,
            state_reason: reason,
            version: version?,
            created_at: created?,
            updated_at: updated?,
        },
        case_number: case_number?,
        source_code: source_code?,
        source_name_nb: source_name_nb?,
        source_name_en: source_name_en?,
    })
}

/// Page sizes written into the page's statement as they are, so that
/// PostgreSQL knows the `LIMIT` when it plans the statement once for every
/// execution (its generic plan): with `LIMIT $n` it assumes a tenth of the
/// custodian's tasks, finds the generic plan dear, and plans the statement
/// anew on every execution (a quarter of a millisecond at 10,000 cases,
/// more than running it). Other sizes are bound as parameters. A short
/// list, because each size is a statement of its own that every connection
/// keeps prepared.
const PLANNED_PAGE_SIZES: [i64; 5] = [10, 20, 50, 100, 500];

/// One page of a custodian's tasks by `(updated_at, id)`, after the keyset
/// `after` (`limit + 1` rows when there are more), with the custodian and
/// its change counter: ONE prepared statement per combination of filters.
/// The custodian is found by id or orgnr (registered, not retired); the
/// page is a range of the `custodian_tasks_poll` index; each task's case
/// number and source by primary key. None: no such custodian.
pub fn page(
    conn: &mut PgConnection,
    owner: &TaskOwner,
    filter: &TaskFilter,
    after: Option<(OffsetDateTime, Uuid)>,
    limit: i64,
) -> std::result::Result<Option<TaskPage>, StoreError> {
    let mut sql = Sql::<PageSqlRow>::new(
        "SELECT c.id, COALESCE(k.changes, 0), p.id, p.case_id, p.custodian_id, p.data_source_id, \
         p.kind, p.state, p.state_reason, p.version, p.created_at, p.updated_at, p.case_number, \
         p.source_code, p.source_name_nb, p.source_name_en \
         FROM custodians c LEFT JOIN custodian_task_counters k ON k.custodian_id = c.id \
         LEFT JOIN LATERAL (SELECT t.*, cs.case_number, d.code AS source_code, \
         d.name_nb AS source_name_nb, d.name_en AS source_name_en FROM custodian_tasks t \
         JOIN cases cs ON cs.id = t.case_id JOIN data_sources d ON d.id = t.data_source_id \
         WHERE t.custodian_id = c.id",
    );
    if let Some(since) = filter.updated_since {
        sql = sql.push(" AND t.updated_at >= ").bind(Bind::Instant(since));
    }
    if !filter.states.is_empty() {
        sql = sql
            .push(" AND t.state = ANY(")
            .bind(Bind::Texts(filter.states.clone()))
            .push(")");
    }
    if let Some(kind) = &filter.kind {
        sql = sql.push(" AND t.kind = ").bind(Bind::Text(kind.clone()));
    }
    if let Some((at, id)) = after {
        // (updated_at, id) > (at, id), written so that the index range
        // starts at `at`
        sql = sql
            .push(" AND t.updated_at >= ")
            .bind(Bind::Instant(at))
            .push(" AND (t.updated_at > ")
            .bind(Bind::Instant(at))
            .push(" OR t.id > ")
            .bind(Bind::Uuid(id))
            .push(")");
    }
    sql = if PLANNED_PAGE_SIZES.contains(&limit) {
        sql.push(format!(" ORDER BY t.updated_at, t.id LIMIT {}", limit + 1))
    } else {
        sql.push(" ORDER BY t.updated_at, t.id LIMIT ")
            .bind(Bind::BigInt(limit + 1))
    };
    sql = match owner {
        TaskOwner::Id(id) => sql.push(") p ON true WHERE c.id = ").bind(Bind::Uuid(*id)),
        TaskOwner::Orgnr(orgnr) => sql
            .push(") p ON true WHERE c.orgnr = ")
            .bind(Bind::Text(orgnr.clone())),
    };
    let rows: Vec<PageRow> = sql
        .push(" AND c.retired_at IS NULL ORDER BY p.updated_at, p.id")
        .load(conn)?;
    let Some(&((custodian_id, changes), _, _)) = rows.first() else {
        return Ok(None);
    };
    Ok(Some(TaskPage {
        custodian_id,
        changes,
        rows: rows.into_iter().filter_map(list_row).collect(),
    }))
}

// ------------------------------------------------------------------ reading

/// The task, if it is this custodian's (another custodian's task is NotFound).
pub fn find(
    conn: &mut PgConnection,
    custodian_id: Uuid,
    task_id: Uuid,
) -> std::result::Result<TaskRow, StoreError> {
    Ok(custodian_tasks::table
        .find(task_id)
        .filter(custodian_tasks::custodian_id.eq(custodian_id))
        .select(TaskRow::as_select())
        .first(conn)?)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = task_progress_reports)]
pub struct ProgressRow {
    pub id: Uuid,
    pub task_id: Uuid,
    pub note: String,
    pub percent_complete: Option<i32>,
    pub expected_delivery_on: Option<Date>,
    pub reported_at: OffsetDateTime,
    pub reported_by: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = task_deliveries)]
pub struct DeliveryRow {
    pub id: Uuid,
    pub task_id: Uuid,
    pub delivered_on: Date,
    pub method: String,
    pub contents: String,
    pub recorded_at: OffsetDateTime,
    pub recorded_by: String,
}

/// An entry in the task's ledger of hours (append-only; a correction is a
/// new entry that replaces or adjusts an earlier one).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = task_hours)]
pub struct HoursRow {
    pub id: Uuid,
    pub task_id: Uuid,
    pub worked_on: Date,
    pub hundredths: i32,
    pub description: String,
    pub recorded_at: OffsetDateTime,
    pub recorded_by: String,
    pub seq: i64,
    pub activity: String,
    pub correction_kind: Option<String>,
    pub corrects_id: Option<Uuid>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = task_events)]
pub struct TaskEventRow {
    pub id: i64,
    pub task_id: Uuid,
    pub kind: String,
    pub state_before: String,
    pub state_after: String,
    pub occurred_at: OffsetDateTime,
    pub actor: String,
    pub data: Value,
    pub request_id: Option<String>,
}

/// Only what the custodian needs for its task: its source (what was asked
/// for and what is decided), the applicant's project and contact, the case
/// number, and its own reports. Never another source's part.
#[derive(Debug, Clone)]
pub struct TaskDetail {
    pub row: TaskListRow,
    pub case_status: String,
    /// `{code, variables, periodFrom, periodTo}` as the application asks.
    pub requested: Value,
    /// The case's current decision for this source.
    pub decision: Option<DecisionRow>,
    pub project_title: Option<String>,
    pub project_summary: Option<String>,
    pub institution_name: Option<String>,
    pub project_leader_name: Option<String>,
    pub project_leader_email: Option<String>,
    pub progress: Vec<ProgressRow>,
    pub delivery: Option<DeliveryRow>,
    pub hours: Vec<HoursRow>,
    pub events: Vec<TaskEventRow>,
}

pub(crate) fn current_decision(
    conn: &mut PgConnection,
    case_id: Uuid,
    data_source_id: Uuid,
) -> std::result::Result<Option<DecisionRow>, StoreError> {
    Ok(case_decisions::table
        .inner_join(
            cases_t::table.on(cases_t::id
                .eq(case_decisions::case_id)
                .and(cases_t::decision_round.eq(case_decisions::round))),
        )
        .filter(case_decisions::case_id.eq(case_id))
        .filter(case_decisions::data_source_id.eq(data_source_id))
        .select(DecisionRow::as_select())
        .first(conn)
        .optional()?)
}

fn source_decision(d: Option<&DecisionRow>) -> SourceDecision {
    match d.map(|d| d.outcome.as_str()) {
        None => SourceDecision::Undecided,
        Some("GRANTED") => SourceDecision::Granted,
        Some("PARTLY_GRANTED") => SourceDecision::PartlyGranted,
        Some(_) => SourceDecision::Refused,
    }
}

fn text_at(v: &Value, pointer: &str) -> Option<String> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

pub fn detail(
    conn: &mut PgConnection,
    custodian_id: Uuid,
    task_id: Uuid,
) -> std::result::Result<TaskDetail, StoreError> {
    let task = find(conn, custodian_id, task_id)?;
    let (case_number, case_status, application_id): (String, String, Uuid) = cases_t::table
        .find(task.case_id)
        .select((
            cases_t::case_number,
            cases_t::status,
            cases_t::application_id,
        ))
        .first(conn)?;
    let (code, nb, en): (String, String, String) = data_sources::table
        .find(task.data_source_id)
        .select((
            data_sources::code,
            data_sources::name_nb,
            data_sources::name_en,
        ))
        .first(conn)?;
    let requested: Value = case_sources::table
        .find((task.case_id, task.data_source_id))
        .select(case_sources::requested)
        .first(conn)?;
    let decision = current_decision(conn, task.case_id, task.data_source_id)?;
    let snapshot: Value = crate::schema::application_snapshots::table
        .filter(crate::schema::application_snapshots::application_id.eq(application_id))
        .select(crate::schema::application_snapshots::content)
        .first(conn)?;
    let progress = task_progress_reports::table
        .filter(task_progress_reports::task_id.eq(task_id))
        .order((
            task_progress_reports::reported_at.asc(),
            task_progress_reports::id.asc(),
        ))
        .select(ProgressRow::as_select())
        .load(conn)?;
    let delivery = task_deliveries::table
        .filter(task_deliveries::task_id.eq(task_id))
        .select(DeliveryRow::as_select())
        .first(conn)
        .optional()?;
    let hours = task_hours::table
        .filter(task_hours::task_id.eq(task_id))
        .order(task_hours::seq.asc())
        .select(HoursRow::as_select())
        .load(conn)?;
    let events = task_events::table
        .filter(task_events::task_id.eq(task_id))
        .order(task_events::id.asc())
        .select(TaskEventRow::as_select())
        .load(conn)?;
    Ok(TaskDetail {
        row: TaskListRow {
            task,
            case_number,
            source_code: code,
            source_name_nb: nb,
            source_name_en: en,
        },
        case_status,
        requested,
        decision,
        project_title: text_at(&snapshot, "/content/project/title"),
        project_summary: text_at(&snapshot, "/content/project/summary"),
        institution_name: text_at(&snapshot, "/content/responsibility/institutionName"),
        project_leader_name: text_at(&snapshot, "/content/responsibility/projectLeader/name"),
        project_leader_email: text_at(&snapshot, "/content/responsibility/projectLeader/email"),
        progress,
        delivery,
        hours,
        events,
    })
}

// ------------------------------------------------------------------ actions

/// What the custodian reports with an action.
#[derive(Debug, Clone)]
pub enum TaskCommand {
    Acknowledge {
        note: Option<String>,
    },
    ReportProgress {
        note: String,
        percent_complete: Option<i32>,
        expected_delivery_on: Option<Date>,
    },
    Deliver {
        delivered_on: Date,
        method: String,
        contents: String,
    },
    CannotDeliver {
        reason: String,
    },
    /// Hours worked: no state change. Checked against the task's ledger by
    /// `hds_domain::fees::check_new_entry` (a correction replaces or adjusts
    /// the current version of an earlier entry of this task).
    ReportHours(crate::fees::NewHours),
}

impl TaskCommand {
    fn action(&self) -> Option<TaskAction> {
        match self {
            Self::Acknowledge { .. } => Some(TaskAction::Acknowledge),
            Self::ReportProgress { .. } => Some(TaskAction::ReportProgress),
            Self::Deliver { .. } => Some(TaskAction::Deliver),
            Self::CannotDeliver { .. } => Some(TaskAction::CannotDeliver),
            Self::ReportHours { .. } => None,
        }
    }

    fn event_kind(&self) -> &'static str {
        match self {
            Self::Acknowledge { .. } => "ACKNOWLEDGED",
            Self::ReportProgress { .. } => "PROGRESS_REPORTED",
            Self::Deliver { .. } => "DELIVERED",
            Self::CannotDeliver { .. } => "CANNOT_DELIVER",
            Self::ReportHours { .. } => "HOURS_REPORTED",
        }
    }
}

pub(crate) fn domain_task(row: &TaskRow, decision: Option<&DecisionRow>) -> Result<Task> {
    let kind: TaskKind = row
        .kind
        .parse()
        .map_err(|()| StoreError::Database(diesel::result::Error::NotFound))?;
    let state: TaskState = row
        .state
        .parse()
        .map_err(|()| StoreError::Database(diesel::result::Error::NotFound))?;
    Ok(Task {
        kind,
        state,
        source: source_decision(decision),
    })
}

/// Locks the task's case, then the task (same order as case handling), and
/// checks the version the caller read.
pub(crate) fn lock(
    conn: &mut PgConnection,
    custodian_id: Uuid,
    task_id: Uuid,
    version: i32,
) -> Result<TaskRow> {
    let unlocked = find(conn, custodian_id, task_id)?;
    cases::lock(conn, unlocked.case_id, None)?;
    let row: TaskRow = custodian_tasks::table
        .find(task_id)
        .select(TaskRow::as_select())
        .for_update()
        .first(conn)?;
    if row.version != version {
        return Err(StoreError::StaleVersion.into());
    }
    Ok(row)
}

pub(crate) fn write_state(
    conn: &mut PgConnection,
    row: &TaskRow,
    next: TaskState,
    reason: Option<&str>,
    ctx: &Ctx<'_>,
) -> Result<TaskRow> {
    let reason = if next.as_str() == row.state {
        row.state_reason.as_deref()
    } else {
        reason
    };
    Ok(diesel::update(custodian_tasks::table.find(row.id))
        .set((
            custodian_tasks::state.eq(next.as_str()),
            custodian_tasks::state_reason.eq(reason),
            custodian_tasks::version.eq(custodian_tasks::version + 1),
            custodian_tasks::updated_at.eq(ctx.at),
        ))
        .returning(TaskRow::as_returning())
        .get_result(conn)?)
}

/// The task event, the audit event, and (when the state did not change, so
/// the trigger appended nothing) a feed event named after the action.
pub(crate) fn record(
    conn: &mut PgConnection,
    before: &TaskRow,
    after: &TaskRow,
    kind: &str,
    data: Value,
    ctx: &Ctx<'_>,
) -> Result<()> {
    diesel::insert_into(task_events::table)
        .values((
            task_events::task_id.eq(before.id),
            task_events::kind.eq(kind),
            task_events::state_before.eq(&before.state),
            task_events::state_after.eq(&after.state),
            task_events::occurred_at.eq(ctx.at),
            task_events::actor.eq(ctx.actor),
            task_events::data.eq(&data),
            task_events::request_id.eq(ctx.request_id),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        &NewAuditEvent {
            actor: ctx.actor,
            action: &format!("TASK_{kind}"),
            entity_type: "custodian_task",
            entity_id: &before.id.to_string(),
            before_state: Some(json!({"state": before.state, "version": before.version})),
            after_state: Some(
                json!({"state": after.state, "version": after.version, "data": data}),
            ),
            request_id: ctx.request_id,
        },
    )?;
    if kind == "DELIVERED" {
        crate::notifications::enqueue(
            conn,
            hds_domain::notification::TASK_DELIVERED,
            crate::notifications::About::Case(after.case_id),
            ctx.at,
        )?;
    }
    if before.state == after.state {
        let source = format!("/api/v1/tasks/{}", after.id);
        let subject = after.id.to_string();
        feed::append(
            conn,
            &NewFeedEvent {
                event_type: &format!("no.helsedata.task.{}", kind.to_ascii_lowercase()),
                source: &source,
                subject: Some(&subject),
                data: json!({
                    "taskId": after.id, "caseId": after.case_id, "kind": after.kind,
                    "state": after.state, "version": after.version,
                }),
                custodian_id: Some(after.custodian_id),
                case_id: Some(after.case_id),
            },
        )?;
    }
    Ok(())
}

/// One custodian action on its task, in one transaction: lock, check the
/// version (If-Match), ask the state machine, write the change, the report,
/// the task event, the audit event and the feed event.
pub fn act(
    conn: &mut PgConnection,
    custodian_id: Uuid,
    task_id: Uuid,
    version: i32,
    ctx: &Ctx<'_>,
    command: &TaskCommand,
) -> Result<TaskRow> {
    conn.transaction(|conn| {
        let row = lock(conn, custodian_id, task_id, version)?;
        let decision = current_decision(conn, row.case_id, row.data_source_id)?;
        let task = domain_task(&row, decision.as_ref())?;
        let reason = match command {
            TaskCommand::CannotDeliver { reason } => Some(reason.as_str()),
            _ => None,
        };
        let next = if let Some(action) = command.action() {
            task.apply(action, reason)?
        } else {
            task.may_report_hours()?;
            task.state
        };
        let updated = write_state(conn, &row, next, reason, ctx)?;
        let data = match command {
            TaskCommand::Acknowledge { note } => json!({"note": note}),
            TaskCommand::ReportProgress {
                note,
                percent_complete,
                expected_delivery_on,
            } => {
                diesel::insert_into(task_progress_reports::table)
                    .values((
                        task_progress_reports::task_id.eq(task_id),
                        task_progress_reports::note.eq(note),
                        task_progress_reports::percent_complete.eq(percent_complete),
                        task_progress_reports::expected_delivery_on.eq(expected_delivery_on),
                        task_progress_reports::reported_at.eq(ctx.at),
                        task_progress_reports::reported_by.eq(ctx.actor),
                    ))
                    .execute(conn)?;
                json!({"note": note, "percentComplete": percent_complete,
                       "expectedDeliveryOn": expected_delivery_on.map(|d| d.to_string())})
            }
            TaskCommand::Deliver {
                delivered_on,
                method,
                contents,
            } => {
                diesel::insert_into(task_deliveries::table)
                    .values((
                        task_deliveries::task_id.eq(task_id),
                        task_deliveries::delivered_on.eq(delivered_on),
                        task_deliveries::method.eq(method),
                        task_deliveries::contents.eq(contents),
                        task_deliveries::recorded_at.eq(ctx.at),
                        task_deliveries::recorded_by.eq(ctx.actor),
                    ))
                    .execute(conn)?;
                json!({"deliveredOn": delivered_on.to_string(), "method": method, "contents": contents})
            }
            TaskCommand::CannotDeliver { reason } => json!({"reason": reason}),
            TaskCommand::ReportHours(new) => report_hours(conn, task_id, new, ctx)?,
        };
        record(conn, &row, &updated, command.event_kind(), data, ctx)?;
        Ok(updated)
    })
}

/// Checks hours against the task's ledger and records them; the task
/// event's data.
fn report_hours(
    conn: &mut PgConnection,
    task_id: Uuid,
    new: &crate::fees::NewHours,
    ctx: &Ctx<'_>,
) -> Result<Value> {
    let id = Uuid::new_v4();
    let problems =
        crate::fees::hours::check_task_entry(conn, task_id, &new.entry(id, ctx.actor), ctx.on())?;
    if !problems.is_empty() {
        return Err(CaseError::Invalid(
            problems
                .into_iter()
                .map(|p| cases::Invalid {
                    pointer: p.pointer,
                    code: p.code,
                    message: p.message,
                })
                .collect(),
        )
        .into());
    }
    let (kind, corrects) = new
        .correction
        .map(crate::fees::codes::correction_kind)
        .unzip();
    let hundredths = crate::fees::codes::hundredths(new.hours)?;
    diesel::insert_into(task_hours::table)
        .values((
            task_hours::id.eq(id),
            task_hours::task_id.eq(task_id),
            task_hours::worked_on.eq(new.worked_on),
            task_hours::hundredths.eq(hundredths),
            task_hours::description.eq(new.note.trim()),
            task_hours::activity.eq(new.activity.as_str()),
            task_hours::correction_kind.eq(kind),
            task_hours::corrects_id.eq(corrects),
            task_hours::recorded_at.eq(ctx.at),
            task_hours::recorded_by.eq(ctx.actor),
        ))
        .execute(conn)?;
    Ok(json!({
        "entryId": id, "workedOn": new.worked_on.to_string(), "hundredths": hundredths,
        "activity": new.activity.as_str(), "correction": kind, "corrects": corrects,
        "description": new.note.trim(),
    }))
}

/// The custodian's decision on a DECISION task, through the same decision
/// rules as HDS (`cases::decide` with the custodian's authority): the task
/// becomes DECIDED; when it was the last source, the case is decided and
/// granted sources get their `DATA_PREPARATION` tasks.
pub fn decide(
    conn: &mut PgConnection,
    custodian_id: Uuid,
    task_id: Uuid,
    version: i32,
    ctx: &Ctx<'_>,
    rules: &CaseRules,
    decision: NewSourceDecision,
) -> Result<TaskRow> {
    conn.transaction(|conn| {
        let row = lock(conn, custodian_id, task_id, version)?;
        let current = current_decision(conn, row.case_id, row.data_source_id)?;
        let next = domain_task(&row, current.as_ref())?.apply(TaskAction::Decide, None)?;
        let code: String = data_sources::table
            .find(row.data_source_id)
            .select(data_sources::code)
            .first(conn)?;
        let mut decision = decision;
        decision.decision.data_source = code;
        let data = json!({
            "outcome": decision.decision.outcome.as_str(),
            "legalBasis": decision.decision.legal_basis,
            "conditions": decision.decision.conditions,
            "terms": cases::terms_json(&decision.terms),
        });
        cases::decide(
            conn,
            row.case_id,
            None,
            ctx,
            rules,
            &[decision],
            Authority::Custodian(custodian_id),
        )?;
        let updated = write_state(conn, &row, next, None, ctx)?;
        record(conn, &row, &updated, "DECIDED", data, ctx)?;
        Ok(updated)
    })
}

/// Rows a refused action must leave untouched (tests).
pub fn count_work(conn: &mut PgConnection, task_id: Uuid) -> std::result::Result<i64, StoreError> {
    let a: i64 = task_events::table
        .filter(task_events::task_id.eq(task_id))
        .count()
        .get_result(conn)?;
    let b: i64 = task_progress_reports::table
        .filter(task_progress_reports::task_id.eq(task_id))
        .count()
        .get_result(conn)?;
    let c: i64 = task_deliveries::table
        .filter(task_deliveries::task_id.eq(task_id))
        .count()
        .get_result(conn)?;
    let d: i64 = task_hours::table
        .filter(task_hours::task_id.eq(task_id))
        .count()
        .get_result(conn)?;
    Ok(a + b + c + d)
}
