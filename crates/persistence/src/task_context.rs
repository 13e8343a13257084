//! What a custodian's task shows beyond the task itself: for its own source
//! only, the part of the submitted application the custodian needs (the
//! tables asked for from this source, the linkage plan), the terms of the
//! decision (access period, delete or return by when, exemption, tables),
//! and the delivery deadlines (statutory, due, agreed; postponements).
//! Nothing of another source. A custodian that decides (DECISION task)
//! reads the whole submitted application with its attachments.

use diesel::PgConnection;
use hds_domain::case::DecisionTerms;
use serde_json::Value;
use uuid::Uuid;

use crate::cases::{self, CaseRecord, PartStatus, TaskRow};
use crate::submitted_attachments::{self, SubmittedAttachment};
use crate::tasks::{self, TaskError};
use crate::StoreError;

/// The context of one task (see the module docs).
#[derive(Debug, Clone)]
pub struct TaskContext {
    /// The tables asked for from the task's source: (index in the
    /// application, the table as submitted).
    pub tables: Vec<(usize, Value)>,
    /// The submitted linkage section (description, linked sources, other
    /// registers), if any.
    pub linkage: Option<Value>,
    /// The terms of the current decision for the task's source.
    pub terms: Option<DecisionTerms>,
    /// The delivery deadlines and postponements of the task's source.
    pub part: PartStatus,
}

/// The context of the task `row` with source `source_code`.
pub fn task_context(
    conn: &mut PgConnection,
    row: &TaskRow,
    source_code: &str,
) -> Result<TaskContext, TaskError> {
    let rec = cases::find(conn, row.case_id)?;
    let snapshot = cases::snapshot(conn, &rec)?;
    let tables = snapshot
        .pointer("/content/tableSpecifications")
        .and_then(Value::as_array)
        .map(|all| {
            all.iter()
                .enumerate()
                .filter(|(_, t)| t.get("dataSource").and_then(Value::as_str) == Some(source_code))
                .map(|(i, t)| (i, t.clone()))
                .collect()
        })
        .unwrap_or_default();
    let linkage = snapshot
        .pointer("/content/linkage")
        .filter(|l| l.is_object())
        .cloned();
    let decision = tasks::current_decision(conn, row.case_id, row.data_source_id)?;
    let terms = match decision {
        Some(d) => cases::decision_terms(conn, &[d.id])?.remove(&d.id),
        None => None,
    };
    let part = cases::part_status(conn, row.case_id, source_code)?;
    Ok(TaskContext {
        tables,
        linkage,
        terms,
        part,
    })
}

/// The case behind a custodian's DECISION task, which lets the custodian
/// read the whole submitted application with its attachments (it must judge
/// all of it). NotFound for another custodian's task, a `DATA_PREPARATION`
/// task (a preparing custodian reads only its source's part) and a
/// cancelled task.
fn deciding_case(
    conn: &mut PgConnection,
    custodian_id: Uuid,
    task_id: Uuid,
) -> Result<CaseRecord, TaskError> {
    let row = tasks::find(conn, custodian_id, task_id)?;
    if row.kind != cases::TASK_DECISION || row.state == cases::TASK_CANCELLED {
        return Err(StoreError::NotFound.into());
    }
    Ok(cases::find(conn, row.case_id)?)
}

/// The submitted application as a deciding custodian reads it: the case,
/// the frozen snapshot and the submitted attachments.
pub fn deciding_application(
    conn: &mut PgConnection,
    custodian_id: Uuid,
    task_id: Uuid,
) -> Result<(CaseRecord, Value, Vec<SubmittedAttachment>), TaskError> {
    let rec = deciding_case(conn, custodian_id, task_id)?;
    let snapshot = cases::snapshot(conn, &rec)?;
    let attachments = submitted_attachments::list(conn, rec.application_id)?;
    Ok((rec, snapshot, attachments))
}

/// One submitted attachment, for a deciding custodian.
pub fn deciding_attachment(
    conn: &mut PgConnection,
    custodian_id: Uuid,
    task_id: Uuid,
    attachment_id: Uuid,
) -> Result<(SubmittedAttachment, Vec<u8>), TaskError> {
    let rec = deciding_case(conn, custodian_id, task_id)?;
    Ok(submitted_attachments::content(
        conn,
        rec.application_id,
        attachment_id,
    )?)
}
