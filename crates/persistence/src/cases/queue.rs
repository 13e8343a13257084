//! The work queue and the case history case handlers read.

use diesel::prelude::*;
use diesel::PgConnection;
use time::Date;
use uuid::Uuid;

use crate::schema::{case_sources, cases, custodians};

use super::rows::CaseRecord;
use super::Result;

/// The work queue's filters (all optional, combined with AND).
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Only these statuses; empty: every case not CLOSED or WITHDRAWN.
    pub statuses: Vec<String>,
    /// `Some(Some(id))`: assigned to this handler; `Some(None)`: unassigned.
    pub assignee: Option<Option<String>>,
    pub data_source: Option<String>,
    pub custodian: Option<String>,
    /// Due strictly before this date.
    pub due_before: Option<Date>,
    /// Due date passed on this date (and the clock not paused).
    pub overdue_on: Option<Date>,
    /// Not overdue on `.0`, due on or before `.1`.
    pub at_risk: Option<(Date, Date)>,
    /// Decided and awaiting delivery (`Some(true)`), or not (`Some(false)`).
    pub awaiting_delivery: Option<bool>,
    /// Awaiting delivery with the due date passed on this date: late deliveries.
    pub late_delivery_on: Option<Date>,
    /// Keyset: after this `(queue_due_on, id)`.
    pub after: Option<(Date, Uuid)>,
}

/// One page of the queue, sorted by due date (cases without one last), then
/// id; `limit + 1` rows when there are more.
pub fn queue(conn: &mut PgConnection, f: &QueueFilter, limit: i64) -> Result<Vec<CaseRecord>> {
    let mut q = cases::table
        .select(CaseRecord::as_select())
        .order((cases::queue_due_on.asc(), cases::id.asc()))
        .limit(limit + 1)
        .into_boxed();
    if f.statuses.is_empty() {
        q = q.filter(cases::status.ne_all(["CLOSED", "WITHDRAWN"]));
    } else {
        q = q.filter(cases::status.eq_any(f.statuses.clone()));
    }
    match &f.assignee {
        Some(Some(a)) => q = q.filter(cases::assignee.eq(a.clone())),
        Some(None) => q = q.filter(cases::assignee.is_null()),
        None => {}
    }
    if let Some(code) = &f.data_source {
        q = q.filter(
            cases::id.eq_any(
                case_sources::table
                    .filter(case_sources::data_source_code.eq(code.clone()))
                    .select(case_sources::case_id),
            ),
        );
    }
    if let Some(code) = &f.custodian {
        // Resolved first: a constant id lets the planner use
        // case_sources (custodian_id, case_id) instead of walking the queue.
        let id: Option<Uuid> = custodians::table
            .filter(custodians::code.eq(code))
            .select(custodians::id)
            .first(conn)
            .optional()?;
        let Some(id) = id else {
            return Ok(Vec::new());
        };
        q = q.filter(
            cases::id.eq_any(
                case_sources::table
                    .filter(case_sources::custodian_id.eq(id))
                    .select(case_sources::case_id),
            ),
        );
    }
    // Date filters also bound `queue_due_on` (equal to `due_on` where there
    // is one), so the queue index is scanned as a range.
    if let Some(d) = f.due_before {
        q = q
            .filter(cases::due_on.lt(d))
            .filter(cases::queue_due_on.lt(d));
    }
    if let Some(today) = f.overdue_on {
        q = q
            .filter(cases::due_on.lt(today))
            .filter(cases::queue_due_on.lt(today))
            .filter(cases::clock_paused.eq(false));
    }
    if let Some((today, until)) = f.at_risk {
        q = q
            .filter(cases::due_on.ge(today))
            .filter(cases::due_on.le(until))
            .filter(cases::queue_due_on.between(today, until));
    }
    if let Some(awaiting) = f.awaiting_delivery {
        q = q.filter(cases::awaiting_delivery.eq(awaiting));
    }
    if let Some(today) = f.late_delivery_on {
        q = q
            .filter(cases::awaiting_delivery.eq(true))
            .filter(cases::due_on.lt(today))
            .filter(cases::queue_due_on.lt(today));
    }
    if let Some((due, id)) = f.after {
        q = q.filter(
            cases::queue_due_on
                .gt(due)
                .or(cases::queue_due_on.eq(due).and(cases::id.gt(id))),
        );
    }
    Ok(q.load(conn)?)
}

/// The data source and custodian codes of some cases.
pub fn source_codes(
    conn: &mut PgConnection,
    case_ids: &[Uuid],
) -> Result<Vec<(Uuid, String, String)>> {
    Ok(case_sources::table
        .inner_join(custodians::table.on(custodians::id.eq(case_sources::custodian_id)))
        .filter(case_sources::case_id.eq_any(case_ids))
        .order((case_sources::case_id, case_sources::position))
        .select((
            case_sources::case_id,
            case_sources::data_source_code,
            custodians::code,
        ))
        .load(conn)?)
}

/// A case's full history, oldest first (case handlers see all of it).
pub fn history(
    conn: &mut PgConnection,
    case_id: Uuid,
) -> Result<Vec<crate::applications::CaseEventRow>> {
    Ok(crate::applications::case_events_of(conn, case_id, false)?)
}
