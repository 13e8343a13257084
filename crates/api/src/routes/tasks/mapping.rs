//! From the stored task rows to the views.

use hds_domain::case::Postponement;
use hds_domain::task::{TaskKind, TaskState};
use hds_persistence::task_context::{task_context, TaskContext};
use hds_persistence::tasks::{self as repo, TaskDetail};
use serde_json::Value;
use uuid::Uuid;

use super::views::{
    ContactView, DeliveryDeadlinesView, DeliveryView, HoursView, LinkageView, PostponementView,
    ProgressView, ProjectView, Requested, RequestedTableView, SourceDecisionView,
    TableVariableView, TaskDetailView, TaskEventView, TaskKindDto, TaskStateDto, TaskSummary,
};
use crate::error::ApiError;
use crate::routes::common::SourceRef;
use crate::routes::common::{
    ledger_totals, outcome_of, work_activity, HoursAmount, HoursCorrection, TermsView,
};
use hds_domain::fees::{Activity, EntryId, Hours, WorkEntry};

pub(super) fn kind_dto(code: &str) -> TaskKindDto {
    match code.parse::<TaskKind>() {
        Ok(TaskKind::Decision) => TaskKindDto::Decision,
        _ => TaskKindDto::DataPreparation,
    }
}

pub(super) fn state_dto(code: &str) -> TaskStateDto {
    match code.parse::<TaskState>() {
        Ok(TaskState::Assigned) => TaskStateDto::Assigned,
        Ok(TaskState::Acknowledged) => TaskStateDto::Acknowledged,
        Ok(TaskState::InPreparation) => TaskStateDto::InPreparation,
        Ok(TaskState::Delivered) => TaskStateDto::Delivered,
        Ok(TaskState::CannotDeliver) => TaskStateDto::CannotDeliver,
        Ok(TaskState::Decided) => TaskStateDto::Decided,
        Ok(TaskState::Cancelled) | Err(()) => TaskStateDto::Cancelled,
    }
}

pub(super) fn summary(row: repo::TaskListRow) -> TaskSummary {
    let t = row.task;
    TaskSummary {
        id: t.id,
        case_id: t.case_id,
        case_number: row.case_number,
        kind: kind_dto(&t.kind),
        state: state_dto(&t.state),
        state_reason: t.state_reason,
        data_source: SourceRef {
            code: row.source_code,
            name_nb: row.source_name_nb,
            name_en: row.source_name_en,
        },
        version: t.version,
        created_at: t.created_at,
        updated_at: t.updated_at,
    }
}

/// The task's ledger of hours as views, and the work that counts after the corrections.
fn hours_views(hours: Vec<repo::HoursRow>) -> (Vec<HoursView>, HoursAmount) {
    let ledger: Vec<WorkEntry> = hours
        .iter()
        .map(|h| WorkEntry {
            id: EntryId(h.id.as_u128()),
            worked_on: h.worked_on,
            hours: Hours::from_hundredths(i64::from(h.hundredths)),
            note: h.description.clone(),
            recorded_by: h.recorded_by.clone(),
            activity: if h.activity == Activity::AppealHandling.as_str() {
                Activity::AppealHandling
            } else {
                Activity::CaseHandling
            },
            correction: HoursCorrection::stored(h.correction_kind.as_deref(), h.corrects_id)
                .map(|c| c.to_domain()),
        })
        .collect();
    let (handling, appeal) = ledger_totals(&ledger);
    let total_hours = HoursAmount::from(handling.checked_add(appeal).unwrap_or(handling));
    let views: Vec<HoursView> = hours
        .into_iter()
        .map(|h| HoursView {
            id: h.id,
            worked_on: h.worked_on.to_string(),
            hours: Hours::from_hundredths(i64::from(h.hundredths)).into(),
            activity: work_activity(&h.activity),
            description: h.description,
            correction: HoursCorrection::stored(h.correction_kind.as_deref(), h.corrects_id),
            recorded_at: h.recorded_at,
        })
        .collect();
    (views, total_hours)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn postponement_view(p: Postponement) -> PostponementView {
    PostponementView {
        postponed_on: p.postponed_on,
        expected_on: p.expected_on,
        reason: p.reason,
    }
}

/// The tables asked for from the task's source.
fn tables_view(tables: &[(usize, Value)]) -> Vec<RequestedTableView> {
    tables
        .iter()
        .map(|(i, t)| RequestedTableView {
            table: u32::try_from(*i).unwrap_or(u32::MAX),
            title: t.get("title").and_then(Value::as_str).map(str::to_owned),
            variables: t
                .get("variables")
                .and_then(Value::as_array)
                .map(|vs| {
                    vs.iter()
                        .map(|v| TableVariableView {
                            name: v
                                .get("name")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_owned(),
                            categories: strings(v.get("categories")),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

fn linkage_view(l: &Value) -> LinkageView {
    LinkageView {
        description: l
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned),
        linked_sources: strings(l.get("linkedSources")),
        other_registers: strings(l.get("otherRegisters")),
    }
}

/// The task with its context, as the custodian reads it.
pub(super) fn task_view(
    conn: &mut diesel::PgConnection,
    custodian: Uuid,
    id: Uuid,
) -> Result<TaskDetailView, ApiError> {
    let detail = repo::detail(conn, custodian, id)?;
    let context = task_context(conn, &detail.row.task, &detail.row.source_code)?;
    Ok(detail_view(detail, context))
}

fn requested_view(requested: &Value) -> Requested {
    Requested {
        variables: strings(requested.get("variables")),
        period_from: requested.get("periodFrom").and_then(Value::as_i64),
        period_to: requested.get("periodTo").and_then(Value::as_i64),
        data_description: requested
            .get("dataDescription")
            .and_then(Value::as_str)
            .map(str::to_owned),
    }
}

pub(super) fn detail_view(d: TaskDetail, context: TaskContext) -> TaskDetailView {
    let requested = requested_view(&d.requested);
    let tables = tables_view(&context.tables);
    let linkage = context.linkage.as_ref().map(linkage_view);
    let terms = context.terms.unwrap_or_default();
    let part = context.part;
    let (hours, total_hours) = hours_views(d.hours);
    TaskDetailView {
        summary: summary(d.row),
        case_status: d.case_status,
        requested,
        decision: d.decision.map(|x| SourceDecisionView {
            outcome: outcome_of(&x.outcome),
            legal_basis: x.legal_basis,
            conditions: x.conditions,
            text: x.text,
            granted_variables: x.granted_variables,
            granted_period_from: x.granted_period_from,
            granted_period_to: x.granted_period_to,
            decided_on: x.decided_on.to_string(),
            decided_by: x.authority,
            terms: TermsView::of(&terms),
        }),
        tables,
        linkage,
        deadlines: part.deadlines.map(|p| DeliveryDeadlinesView {
            statutory_deadline: p.statutory_deadline,
            due_on: p.due_on,
            agreed_delivery_on: p.agreed_on,
        }),
        postponement: part.postponement.map(postponement_view),
        case_postponement: part.case_postponement.map(postponement_view),
        project: ProjectView {
            title: d.project_title,
            summary: d.project_summary,
            institution: d.institution_name,
        },
        contact: ContactView {
            name: d.project_leader_name,
            email: d.project_leader_email,
        },
        progress: d
            .progress
            .into_iter()
            .map(|p| ProgressView {
                note: p.note,
                percent_complete: p.percent_complete,
                expected_delivery_on: p.expected_delivery_on.map(|d| d.to_string()),
                reported_at: p.reported_at,
            })
            .collect(),
        delivery: d.delivery.map(|x| DeliveryView {
            delivered_on: x.delivered_on.to_string(),
            method: x.method,
            contents: x.contents,
        }),
        hours,
        total_hours,
        history: d
            .events
            .into_iter()
            .map(|e| TaskEventView {
                kind: e.kind,
                state_before: state_dto(&e.state_before),
                state_after: state_dto(&e.state_after),
                occurred_at: e.occurred_at,
                details: e.data,
            })
            .collect(),
    }
}
