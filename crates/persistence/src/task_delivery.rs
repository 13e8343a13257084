//! A custodian's delivery work on its `DATA_PREPARATION` task, and what it
//! does to the case, as one change: delivering the data, reporting that
//! they cannot be delivered, postponing the delivery with a preliminary
//! reply (foreløpig svar), agreeing a delivery date (avtalt frist).
//!
//! Each runs in one transaction: the task side (state, report, task event,
//! audit, feed; `crate::tasks`) and the case side (the domain's command on
//! the case: applicant-visible case event, due date, awaiting delivery,
//! version; `crate::cases`). A refusal on either side writes nothing. Lock
//! order as everywhere: the case row, then the task row.

use diesel::prelude::*;
use diesel::PgConnection;
use hds_domain::case::{CaseRules, DeliveryMethod, NewDelivery};
use serde_json::json;
use time::Date;
use uuid::Uuid;

use crate::cases::{self, CaseError, Ctx, TaskRow};
use crate::schema::{custodians, data_sources};
use crate::tasks::{self, TaskCommand, TaskError};
use crate::StoreError;

type Result<T> = std::result::Result<T, TaskError>;

/// What the custodian does about its source's delivery.
#[derive(Debug, Clone)]
pub enum DeliveryAction {
    /// The data were delivered (→ DELIVERED).
    Deliver {
        delivered_on: Date,
        method: DeliveryMethod,
        contents: String,
    },
    /// The data cannot be delivered, and why (→ CANNOT_DELIVER).
    CannotDeliver { reason: String },
    /// The delivery is postponed: the applicant is told why and when.
    Postpone { expected_on: Date, reason: String },
    /// The delivery date agreed with the applicant.
    AgreeDate { agreed_on: Date },
}

/// The task's source code and its custodian's code.
fn codes(
    conn: &mut PgConnection,
    row: &TaskRow,
) -> std::result::Result<(String, String), StoreError> {
    let source: String = data_sources::table
        .find(row.data_source_id)
        .select(data_sources::code)
        .first(conn)?;
    let custodian: String = custodians::table
        .find(row.custodian_id)
        .select(custodians::code)
        .first(conn)?;
    Ok((source, custodian))
}

fn case_error(e: CaseError) -> TaskError {
    TaskError::Case(e)
}

/// Runs `action` on the custodian's task `task_id` (version `version`, the
/// If-Match) and on its case, in one transaction. Returns the task.
pub fn act(
    conn: &mut PgConnection,
    custodian_id: Uuid,
    task_id: Uuid,
    version: i32,
    ctx: &Ctx<'_>,
    rules: &CaseRules,
    action: DeliveryAction,
) -> Result<TaskRow> {
    conn.transaction(|conn| match action {
        DeliveryAction::Deliver {
            delivered_on,
            method,
            contents,
        } => {
            let command = TaskCommand::Deliver {
                delivered_on,
                method: method.as_str().to_owned(),
                contents,
            };
            let task = tasks::act(conn, custodian_id, task_id, version, ctx, &command)?;
            let (data_source, custodian) = codes(conn, &task)?;
            let delivery = NewDelivery {
                data_source,
                custodian,
                delivered_on,
                method,
            };
            cases::record_delivery(conn, task.case_id, ctx, rules, delivery).map_err(case_error)?;
            Ok(task)
        }
        DeliveryAction::CannotDeliver { reason } => {
            let command = TaskCommand::CannotDeliver {
                reason: reason.clone(),
            };
            let task = tasks::act(conn, custodian_id, task_id, version, ctx, &command)?;
            let (source, custodian) = codes(conn, &task)?;
            cases::report_cannot_deliver(
                conn,
                task.case_id,
                ctx,
                rules,
                &source,
                &custodian,
                &reason,
            )
            .map_err(case_error)?;
            Ok(task)
        }
        DeliveryAction::Postpone {
            expected_on,
            reason,
        } => plan(
            conn,
            custodian_id,
            task_id,
            version,
            ctx,
            |conn, row, source, custodian| {
                cases::postpone_delivery(
                    conn,
                    row.case_id,
                    ctx,
                    source,
                    custodian,
                    expected_on,
                    &reason,
                )?;
                Ok((
                    "DELIVERY_POSTPONED",
                    json!({"expectedOn": expected_on.to_string(), "reason": reason}),
                ))
            },
        ),
        DeliveryAction::AgreeDate { agreed_on } => plan(
            conn,
            custodian_id,
            task_id,
            version,
            ctx,
            |conn, row, source, custodian| {
                cases::agree_delivery_date(conn, row.case_id, ctx, source, custodian, agreed_on)?;
                Ok((
                    "DELIVERY_DATE_AGREED",
                    json!({"agreedDeliveryOn": agreed_on.to_string()}),
                ))
            },
        ),
    })
}

/// A postponement or an agreed date: the task keeps its state; its version
/// moves, and its event, audit and feed event record what was planned.
fn plan(
    conn: &mut PgConnection,
    custodian_id: Uuid,
    task_id: Uuid,
    version: i32,
    ctx: &Ctx<'_>,
    on_case: impl FnOnce(
        &mut PgConnection,
        &TaskRow,
        &str,
        &str,
    ) -> std::result::Result<(&'static str, serde_json::Value), CaseError>,
) -> Result<TaskRow> {
    let row = tasks::lock(conn, custodian_id, task_id, version)?;
    let decision = tasks::current_decision(conn, row.case_id, row.data_source_id)?;
    let task = tasks::domain_task(&row, decision.as_ref())?;
    task.may_plan_delivery()?;
    let (source, custodian) = codes(conn, &row)?;
    let (kind, data) = on_case(conn, &row, &source, &custodian).map_err(case_error)?;
    let updated = tasks::write_state(conn, &row, task.state, None, ctx)?;
    tasks::record(conn, &row, &updated, kind, data, ctx)?;
    Ok(updated)
}
