//! 30 or 60 working days (helseregisterloven § 19 f): the clock an
//! application gets from its linkage plan, and the case handler's override
//! with a reason.

use diesel::PgConnection;
use hds_domain::application::statutory_linkage;
use hds_domain::calendar::DataLinkage;
use hds_domain::case::{CaseEvent, CaseRules, Command};
use serde_json::json;
use uuid::Uuid;

use super::commit::commit;
use super::load::{lock, snapshot, to_domain};
use super::rows::CaseRecord;
use super::snapshot_facts::application_of;
use super::{Ctx, Result};

/// The statutory clock the submitted application gets from its linkage
/// plan: 60 working days when it links data from two or more registers,
/// else 30 (`hds_domain::application::statutory_linkage`).
pub fn linkage_of(conn: &mut PgConnection, rec: &CaseRecord) -> Result<DataLinkage> {
    Ok(statutory_linkage(&application_of(&snapshot(conn, rec)?)))
}

/// The case handler sets the statutory clock against the linkage plan, with
/// a reason: the deadline is counted again from the completion date
/// (pauses kept). The reason is in the case event the applicant sees and in
/// the audit event.
pub fn set_linkage(
    conn: &mut PgConnection,
    id: Uuid,
    version: i32,
    ctx: &Ctx<'_>,
    rules: &CaseRules,
    linkage: DataLinkage,
    reason: &str,
) -> Result<CaseRecord> {
    let rec = lock(conn, id, Some(version))?;
    let by_plan = linkage_of(conn, &rec)?;
    let t = to_domain(conn, &rec)?.set_linkage(rules, ctx.on(), linkage, reason)?;
    let extra = move |_: &CaseEvent| json!({"linkageByPlan": by_plan.as_str()});
    commit(
        conn,
        &rec,
        &t,
        ctx,
        Command::SetLinkage,
        rec.open_question_id,
        &extra,
    )
}
