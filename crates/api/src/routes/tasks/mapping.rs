//! From the stored task rows to the views.

use hds_domain::task::{TaskKind, TaskState};
use hds_persistence::tasks::{self as repo, TaskDetail};
use serde_json::Value;

use super::views::{
    ContactView, DeliveryView, HoursView, ProgressView, ProjectView, Requested, SourceDecisionView,
    SourceRef, TaskDetailView, TaskEventView, TaskKindDto, TaskStateDto, TaskSummary,
};
use crate::routes::common::outcome_of;

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

pub(super) fn detail_view(d: TaskDetail) -> TaskDetailView {
    let requested = Requested {
        variables: d
            .requested
            .get("variables")
            .and_then(Value::as_array)
            .map(|vs| {
                vs.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        period_from: d.requested.get("periodFrom").and_then(Value::as_i64),
        period_to: d.requested.get("periodTo").and_then(Value::as_i64),
    };
    let hours: Vec<HoursView> = d
        .hours
        .into_iter()
        .map(|h| HoursView {
            worked_on: h.worked_on.to_string(),
            hours: f64::from(h.hundredths) / 100.0,
            description: h.description,
        })
        .collect();
    let total: i64 = hours
        .iter()
        .map(|h| {
            #[allow(clippy::cast_possible_truncation)]
            let hundredths = (h.hours * 100.0).round() as i64;
            hundredths
        })
        .sum();
    #[allow(clippy::cast_precision_loss)]
    let total_hours = total as f64 / 100.0;
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
        }),
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
