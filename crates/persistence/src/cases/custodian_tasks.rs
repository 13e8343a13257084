//! The custodian tasks case handling creates, cancels and gives back.

use diesel::prelude::*;
use diesel::PgConnection;
use uuid::Uuid;

use crate::schema::custodian_tasks;

use super::rows::CaseSourceRow;
use super::{Ctx, Result, OPEN_TASK_STATES, TASK_ASSIGNED, TASK_CANCELLED};

pub(super) fn create_task(
    conn: &mut PgConnection,
    case_id: Uuid,
    s: &CaseSourceRow,
    kind: &str,
    ctx: &Ctx<'_>,
) -> Result<bool> {
    let n = diesel::insert_into(custodian_tasks::table)
        .values((
            custodian_tasks::case_id.eq(case_id),
            custodian_tasks::custodian_id.eq(s.custodian_id),
            custodian_tasks::data_source_id.eq(s.data_source_id),
            custodian_tasks::kind.eq(kind),
            custodian_tasks::created_at.eq(ctx.at),
            custodian_tasks::updated_at.eq(ctx.at),
        ))
        .on_conflict((
            custodian_tasks::case_id,
            custodian_tasks::data_source_id,
            custodian_tasks::kind,
        ))
        .do_nothing()
        .execute(conn)?;
    if n > 0 {
        tell_custodian(conn, case_id, s, ctx)?;
        return Ok(true);
    }
    // A task cancelled earlier (e.g. a source refused, then granted on
    // appeal) is assigned again.
    let reopened = diesel::update(custodian_tasks::table)
        .filter(custodian_tasks::case_id.eq(case_id))
        .filter(custodian_tasks::data_source_id.eq(s.data_source_id))
        .filter(custodian_tasks::kind.eq(kind))
        .filter(custodian_tasks::state.eq(TASK_CANCELLED))
        .set((
            custodian_tasks::state.eq(TASK_ASSIGNED),
            custodian_tasks::state_reason.eq(None::<String>),
            custodian_tasks::version.eq(custodian_tasks::version + 1),
            custodian_tasks::updated_at.eq(ctx.at),
        ))
        .execute(conn)?;
    if reopened > 0 {
        tell_custodian(conn, case_id, s, ctx)?;
    }
    Ok(reopened > 0)
}

/// A new (or given back) task sends a message to the custodian's functional address.
fn tell_custodian(
    conn: &mut PgConnection,
    case_id: Uuid,
    s: &CaseSourceRow,
    ctx: &Ctx<'_>,
) -> Result<()> {
    crate::notifications::enqueue(
        conn,
        hds_domain::notification::TASK_CREATED,
        crate::notifications::About::Task {
            case_id,
            custodian_id: s.custodian_id,
        },
        ctx.at,
    )?;
    Ok(())
}

/// Why tasks are cancelled when a case is rejected for no reply; lifting the
/// rejection on appeal gives exactly these tasks back.
pub(super) const REJECTED_REASON: &str = "the application was rejected: no reply to a question";

/// Gives back the tasks a rejection for no reply cancelled.
pub(super) fn restore_rejected_tasks(
    conn: &mut PgConnection,
    case_id: Uuid,
    ctx: &Ctx<'_>,
) -> Result<usize> {
    Ok(diesel::update(custodian_tasks::table)
        .filter(custodian_tasks::case_id.eq(case_id))
        .filter(custodian_tasks::state.eq(TASK_CANCELLED))
        .filter(custodian_tasks::state_reason.eq(REJECTED_REASON))
        .set((
            custodian_tasks::state.eq(TASK_ASSIGNED),
            custodian_tasks::state_reason.eq(None::<String>),
            custodian_tasks::version.eq(custodian_tasks::version + 1),
            custodian_tasks::updated_at.eq(ctx.at),
        ))
        .execute(conn)?)
}

/// Cancels a case's open tasks (for one source, or all), e.g. after a
/// rejection for no reply. (Withdrawal's are cancelled by a trigger.)
pub(super) fn cancel_tasks(
    conn: &mut PgConnection,
    case_id: Uuid,
    source: Option<Uuid>,
    reason: &str,
    ctx: &Ctx<'_>,
) -> Result<usize> {
    let mut q = diesel::update(custodian_tasks::table)
        .filter(custodian_tasks::case_id.eq(case_id))
        .filter(custodian_tasks::state.eq_any(OPEN_TASK_STATES))
        .into_boxed();
    if let Some(source) = source {
        q = q.filter(custodian_tasks::data_source_id.eq(source));
    }
    Ok(q.set((
        custodian_tasks::state.eq(TASK_CANCELLED),
        custodian_tasks::state_reason.eq(reason),
        custodian_tasks::version.eq(custodian_tasks::version + 1),
        custodian_tasks::updated_at.eq(ctx.at),
    ))
    .execute(conn)?)
}
