//! Hours worked (timeføring): HDS's ledger on a case, and the custodians'
//! ledgers on their tasks read as one per invoicing party. Both are
//! append-only (a trigger refuses UPDATE and DELETE); a correction is a new
//! entry checked by `hds_domain::fees::check_new_entry` against the ledger
//! it joins, under the case's lock.

use diesel::prelude::*;
use diesel::PgConnection;
use hds_domain::catalogue::Problem;
use hds_domain::fees::{check_new_entry, Activity, Correction, EntryId, Hours, WorkEntry};
use serde_json::json;
use time::Date;
use uuid::Uuid;

use super::codes;
use super::rows::CaseHoursRow;
use super::FeeError;
use crate::audit::{self, NewAuditEvent};
use crate::cases::{self, Ctx};
use crate::schema::{case_hours, custodian_tasks, task_hours};
use crate::StoreError;

/// A new entry, as the caller gives it.
#[derive(Debug, Clone)]
pub struct NewHours {
    pub worked_on: Date,
    pub hours: Hours,
    pub activity: Activity,
    pub note: String,
    pub correction: Option<Correction>,
}

impl NewHours {
    /// The entry as the domain checks it, under the id it will be stored with.
    pub fn entry(&self, id: Uuid, recorded_by: &str) -> WorkEntry {
        WorkEntry {
            id: EntryId(id.as_u128()),
            worked_on: self.worked_on,
            hours: self.hours,
            note: self.note.clone(),
            recorded_by: recorded_by.to_owned(),
            activity: self.activity,
            correction: self.correction,
        }
    }
}

/// HDS's ledger on a case, in the order recorded.
pub fn case_ledger(
    conn: &mut PgConnection,
    case_id: Uuid,
) -> Result<Vec<CaseHoursRow>, StoreError> {
    Ok(case_hours::table
        .filter(case_hours::case_id.eq(case_id))
        .order(case_hours::seq.asc())
        .select(CaseHoursRow::as_select())
        .load(conn)?)
}

/// Stored case hours as the domain's ledger.
pub fn to_entries(rows: &[CaseHoursRow]) -> Result<Vec<WorkEntry>, StoreError> {
    rows.iter()
        .map(|r| {
            Ok(WorkEntry {
                id: EntryId(r.id.as_u128()),
                worked_on: r.worked_on,
                hours: codes::hours(r.hundredths),
                note: r.note.clone(),
                recorded_by: r.recorded_by.clone(),
                activity: codes::activity(&r.activity)?,
                correction: codes::correction(r.correction_kind.as_deref(), r.corrects_id)?,
            })
        })
        .collect()
}

type TaskHoursTuple = (
    Uuid,
    Date,
    i32,
    String,
    String,
    String,
    Option<String>,
    Option<Uuid>,
);

fn task_tuples_to_entries(rows: Vec<TaskHoursTuple>) -> Result<Vec<WorkEntry>, StoreError> {
    rows.into_iter()
        .map(
            |(id, worked_on, hundredths, note, recorded_by, activity, kind, corrects)| {
                Ok(WorkEntry {
                    id: EntryId(id.as_u128()),
                    worked_on,
                    hours: codes::hours(hundredths),
                    note,
                    recorded_by,
                    activity: codes::activity(&activity)?,
                    correction: codes::correction(kind.as_deref(), corrects)?,
                })
            },
        )
        .collect()
}

/// The hours on the case's tasks for these data sources, in the order
/// recorded: one ledger (a correction refers to an entry of its own task).
pub fn task_entries(
    conn: &mut PgConnection,
    case_id: Uuid,
    data_source_ids: &[Uuid],
) -> Result<Vec<WorkEntry>, StoreError> {
    let rows: Vec<TaskHoursTuple> = task_hours::table
        .inner_join(custodian_tasks::table)
        .filter(custodian_tasks::case_id.eq(case_id))
        .filter(custodian_tasks::data_source_id.eq_any(data_source_ids))
        .order(task_hours::seq.asc())
        .select((
            task_hours::id,
            task_hours::worked_on,
            task_hours::hundredths,
            task_hours::description,
            task_hours::recorded_by,
            task_hours::activity,
            task_hours::correction_kind,
            task_hours::corrects_id,
        ))
        .load(conn)?;
    task_tuples_to_entries(rows)
}

/// Every problem with recording `entry` on task `task_id` on `today`: its
/// own values and its correction against the task's ledger. Call it under
/// the task's lock.
pub fn check_task_entry(
    conn: &mut PgConnection,
    task_id: Uuid,
    entry: &WorkEntry,
    today: Date,
) -> Result<Vec<Problem>, StoreError> {
    let rows: Vec<TaskHoursTuple> = task_hours::table
        .filter(task_hours::task_id.eq(task_id))
        .order(task_hours::seq.asc())
        .select((
            task_hours::id,
            task_hours::worked_on,
            task_hours::hundredths,
            task_hours::description,
            task_hours::recorded_by,
            task_hours::activity,
            task_hours::correction_kind,
            task_hours::corrects_id,
        ))
        .load(conn)?;
    let ledger = task_tuples_to_entries(rows)?;
    Ok(check_new_entry(&ledger, entry, today))
}

/// Records HDS's hours on a case: locks the case, checks the entry against
/// the ledger (a correction must correct the current version of an entry of
/// this case), writes it and its audit event. `recorded_by` is the case
/// handler's pseudonymous id.
pub fn record_case_hours(
    conn: &mut PgConnection,
    case_id: Uuid,
    new: &NewHours,
    recorded_by: &str,
    ctx: &Ctx<'_>,
) -> Result<CaseHoursRow, FeeError> {
    conn.transaction(|conn| {
        cases::lock(conn, case_id, None)?;
        let ledger = to_entries(&case_ledger(conn, case_id)?)?;
        let id = Uuid::new_v4();
        let problems = check_new_entry(&ledger, &new.entry(id, recorded_by), ctx.on());
        if !problems.is_empty() {
            return Err(FeeError::Invalid(problems));
        }
        let (kind, corrects) = new.correction.map(codes::correction_kind).unzip();
        let row: CaseHoursRow = diesel::insert_into(case_hours::table)
            .values((
                case_hours::id.eq(id),
                case_hours::case_id.eq(case_id),
                case_hours::worked_on.eq(new.worked_on),
                case_hours::hundredths.eq(codes::hundredths(new.hours)?),
                case_hours::activity.eq(new.activity.as_str()),
                case_hours::note.eq(new.note.trim()),
                case_hours::correction_kind.eq(kind),
                case_hours::corrects_id.eq(corrects),
                case_hours::recorded_at.eq(ctx.at),
                case_hours::recorded_by.eq(recorded_by),
            ))
            .returning(CaseHoursRow::as_returning())
            .get_result(conn)?;
        audit::record(
            conn,
            &NewAuditEvent {
                actor: ctx.actor,
                action: "CASE_HOURS_RECORDED",
                entity_type: "case",
                entity_id: &case_id.to_string(),
                before_state: None,
                after_state: Some(json!({
                    "entryId": row.id, "workedOn": row.worked_on.to_string(),
                    "hundredths": row.hundredths, "activity": row.activity,
                    "correction": row.correction_kind, "corrects": row.corrects_id,
                })),
                request_id: ctx.request_id,
            },
        )?;
        Ok(row)
    })
}
