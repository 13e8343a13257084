//! What the task API answers with: a task in the custodian's list, and a
//! task in full with only what the custodian needs for its source.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::routes::common::{
    HoursAmount, HoursCorrection, Outcome, SourceRef, SubmittedAttachmentView, TermsView,
    WorkActivity,
};

/// DECISION (decide for a source the custodian has authority over) or
/// `DATA_PREPARATION` (tilrettelegging og utlevering of a granted source).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskKindDto {
    Decision,
    DataPreparation,
}

/// The state of a task (oppgavestatus).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskStateDto {
    Assigned,
    Acknowledged,
    InPreparation,
    Delivered,
    CannotDeliver,
    Decided,
    Cancelled,
}

/// A task in the custodian's list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskSummary {
    pub id: Uuid,
    pub case_id: Uuid,
    /// Saksnummer.
    #[schema(example = "2026-000123")]
    pub case_number: String,
    pub kind: TaskKindDto,
    pub state: TaskStateDto,
    /// Why it is CANNOT_DELIVER or CANCELLED.
    pub state_reason: Option<String>,
    pub data_source: SourceRef,
    /// Also the ETag ("v<version>") to send as If-Match.
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

/// What the application asks for from this source.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Requested {
    pub variables: Vec<String>,
    pub period_from: Option<i64>,
    pub period_to: Option<i64>,
    /// The data wanted in the applicant's words, for a source without
    /// catalogued variables.
    pub data_description: Option<String>,
}

/// A variable of a table asked for, with its categories (in Norwegian).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TableVariableView {
    pub name: String,
    pub categories: Vec<String>,
}

/// A table asked for from this source (tabellbestilling).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequestedTableView {
    /// The table's index in the application (per-table decisions name it).
    pub table: u32,
    pub title: Option<String>,
    pub variables: Vec<TableVariableView>,
}

/// How the data are to be linked (sammenstilling), as the application says.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LinkageView {
    pub description: Option<String>,
    /// Requested sources whose data are linked.
    pub linked_sources: Vec<String>,
    /// Other registers the data are linked with.
    pub other_registers: Vec<String>,
}

/// The dates the custodian delivers by (frister).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryDeadlinesView {
    /// 30 or 60 working days after the application was complete (lovpålagt
    /// frist, helseregisterloven § 19 f), moved by pauses.
    #[schema(value_type = String, format = Date)]
    pub statutory_deadline: Date,
    /// When this source is due: the statutory deadline, or a later
    /// postponed date (HDS's for the case, or the custodian's own).
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
    /// The delivery date agreed with the applicant (avtalt frist), if set.
    #[schema(value_type = Option<String>, format = Date)]
    pub agreed_delivery_on: Option<Date>,
}

/// A postponement with a preliminary reply (foreløpig svar) to the applicant.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostponementView {
    #[schema(value_type = String, format = Date)]
    pub postponed_on: Date,
    /// When the data will probably be made available.
    #[schema(value_type = String, format = Date)]
    pub expected_on: Date,
    /// Why, as the applicant reads it.
    pub reason: String,
}

/// The decision (vedtak) for this task's source in the case's current decision.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SourceDecisionView {
    pub outcome: Outcome,
    pub legal_basis: Vec<String>,
    /// Conditions (vilkår) the delivery must respect.
    pub conditions: Vec<String>,
    pub text: String,
    /// For PARTLY_GRANTED: the variables granted.
    pub granted_variables: Option<Vec<String>>,
    pub granted_period_from: Option<i32>,
    pub granted_period_to: Option<i32>,
    #[schema(value_type = String, format = Date)]
    pub decided_on: String,
    /// HDS or CUSTODIAN.
    pub decided_by: String,
    /// Access period, delete or return by when, exemption, per table.
    #[serde(flatten)]
    pub terms: TermsView,
}

/// The applicant's project, as far as the custodian needs it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectView {
    pub title: Option<String>,
    pub summary: Option<String>,
    /// The responsible institution.
    pub institution: Option<String>,
}

/// Whom to contact about the delivery: the project leader (prosjektleder).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactView {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// A progress report (framdriftsrapport).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgressView {
    pub note: String,
    pub percent_complete: Option<i32>,
    #[schema(value_type = Option<String>, format = Date)]
    pub expected_delivery_on: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub reported_at: OffsetDateTime,
}

/// The delivery (utlevering).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    #[schema(value_type = String, format = Date)]
    pub delivered_on: String,
    #[schema(value_type = String, example = "SECURE_FILE_TRANSFER")]
    pub method: String,
    /// What was delivered.
    pub contents: String,
}

/// An entry of hours worked (timer) on the task: never edited; a
/// correction is a later entry that names the one it corrects.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HoursView {
    pub id: Uuid,
    #[schema(value_type = String, format = Date)]
    pub worked_on: String,
    /// As recorded: on an ADJUSTS correction the hours added (may be negative).
    pub hours: HoursAmount,
    pub activity: WorkActivity,
    pub description: String,
    /// Set when the entry corrects an earlier one.
    pub correction: Option<HoursCorrection>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: OffsetDateTime,
}

/// One thing that happened to the task.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskEventView {
    #[schema(example = "DELIVERED")]
    pub kind: String,
    pub state_before: TaskStateDto,
    pub state_after: TaskStateDto,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: OffsetDateTime,
    pub details: Value,
}

/// A task with only what the custodian needs for its source.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskDetailView {
    #[serde(flatten)]
    pub summary: TaskSummary,
    /// The case's status (e.g. WITHDRAWN after the applicant withdrew).
    pub case_status: String,
    pub requested: Requested,
    /// The tables asked for from this source.
    pub tables: Vec<RequestedTableView>,
    /// The application's linkage plan.
    pub linkage: Option<LinkageView>,
    /// Absent until the source is decided.
    pub decision: Option<SourceDecisionView>,
    /// The statutory deadline, this source's due date and the agreed date;
    /// absent before the source is granted.
    pub deadlines: Option<DeliveryDeadlinesView>,
    /// The custodian's postponement of this source, if any.
    pub postponement: Option<PostponementView>,
    /// HDS's postponement of the whole case, if any.
    pub case_postponement: Option<PostponementView>,
    pub project: ProjectView,
    pub contact: ContactView,
    pub progress: Vec<ProgressView>,
    pub delivery: Option<DeliveryView>,
    /// The ledger of hours, in the order recorded.
    pub hours: Vec<HoursView>,
    /// The work that counts after the corrections.
    pub total_hours: HoursAmount,
    pub history: Vec<TaskEventView>,
}

/// The whole submitted application, for the custodian that decides a
/// source of it (DECISION task).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskApplicationView {
    pub case_id: Uuid,
    /// Saksnummer.
    pub case_number: String,
    /// The application's content as submitted (the applications API's
    /// `ApplicationContent`).
    #[schema(value_type = Object)]
    pub application: Value,
    /// The attachments as submitted, downloadable by this custodian.
    pub attachments: Vec<SubmittedAttachmentView>,
}
