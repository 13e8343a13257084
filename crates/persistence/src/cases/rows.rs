//! The stored case: a `cases` row with every column, the domain fields kept
//! in `cases.details`, and the child rows (sources, questions, decisions,
//! custodian tasks).

use diesel::prelude::*;
use serde_json::Value;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::schema::{case_decisions, case_questions, cases, custodian_tasks};

/// A case row with every column.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cases)]
pub struct CaseRecord {
    pub id: Uuid,
    pub application_id: Uuid,
    pub case_number: String,
    pub status: String,
    pub received_at: OffsetDateTime,
    pub received_on: Date,
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub last_change_on: Date,
    pub assignee: Option<String>,
    pub assignee_name: Option<String>,
    pub completed_on: Option<Date>,
    pub linkage: Option<String>,
    pub statutory_deadline: Option<Date>,
    pub due_on: Option<Date>,
    pub clock_paused: bool,
    pub postponement_expected_on: Option<Date>,
    pub open_question_id: Option<Uuid>,
    pub decision_round: i32,
    pub decided_on: Option<Date>,
    pub decision_appeal_deadline: Option<Date>,
    /// The rest of the domain case (see [`Details`]).
    pub details: Value,
    pub next_job_on: Option<Date>,
    pub overdue_flagged_for: Option<Date>,
    pub queue_due_on: Date,
    /// Decided, and a granted source is neither delivered nor reported
    /// undeliverable: the statutory clock still runs.
    pub awaiting_delivery: bool,
    /// The day the last granted source was delivered or reported undeliverable.
    pub data_made_available_on: Option<Date>,
}

/// The domain case's fields kept in `cases.details` (never filtered on).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Details {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postponed_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postponement_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection_appeal_deadline: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appealed_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal_against: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forwarded_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<Date>,
}

impl CaseRecord {
    /// The fields kept in `details`.
    pub fn details(&self) -> Details {
        serde_json::from_value(self.details.clone()).unwrap_or_default()
    }
}

/// A data source of a case, with its custodian.
#[derive(Debug, Clone, Queryable)]
pub struct CaseSourceRow {
    pub data_source_id: Uuid,
    pub code: String,
    pub name_nb: String,
    pub name_en: String,
    pub custodian_id: Uuid,
    pub custodian_code: String,
    pub custodian_name: String,
    pub decision_authority: String,
    pub requested: Value,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_questions)]
pub struct QuestionRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub text: String,
    pub asked_on: Date,
    pub asked_at: OffsetDateTime,
    pub asked_by: String,
    pub reply_deadline: Date,
    pub clock_paused: bool,
    pub reminder_sent_on: Option<Date>,
    pub reminder_reply_deadline: Option<Date>,
    pub answered_on: Option<Date>,
    pub answered_at: Option<OffsetDateTime>,
    pub answered_by: Option<String>,
    pub answer: Option<String>,
    pub closed_without_answer: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_decisions)]
pub struct DecisionRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub data_source_id: Uuid,
    pub round: i32,
    pub outcome: String,
    pub legal_basis: Vec<String>,
    pub conditions: Vec<String>,
    pub text: String,
    pub granted_variables: Option<Vec<String>>,
    pub granted_period_from: Option<i32>,
    pub granted_period_to: Option<i32>,
    pub decided_on: Date,
    pub decided_at: OffsetDateTime,
    pub decided_by: String,
    pub authority: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = custodian_tasks)]
pub struct TaskRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub custodian_id: Uuid,
    pub data_source_id: Uuid,
    pub kind: String,
    pub state: String,
    pub state_reason: Option<String>,
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}
