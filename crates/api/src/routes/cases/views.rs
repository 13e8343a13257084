//! What case handling answers with: a line of the work queue, the case file
//! with its sources, questions, decisions, tasks and history, and the
//! applicant's view of their case after one of their commands.

use serde::Serialize;
use serde_json::Value;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::routes::common::{Outcome, SubmittedAttachmentView, TermsView};

/// A case handler, by a pseudonymous id derived from their national
/// identity number (the number itself is never stored or shown).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HandlerRef {
    #[schema(example = "h-3f2a9c0d1e2b4a5c")]
    pub id: String,
    pub name: Option<String>,
}

/// One case in the work queue (arbeidsliste).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseSummary {
    pub id: Uuid,
    pub application_id: Uuid,
    #[schema(example = "HDS-2026-000001")]
    pub case_number: String,
    /// A `CaseState` code: SUBMITTED, AWAITING_APPLICANT, UNDER_REVIEW, DECIDED,
    /// REJECTED_NO_REPLY, WITHDRAWN, APPEALED, FORWARDED_TO_APPEALS_BODY, CLOSED.
    #[schema(example = "UNDER_REVIEW")]
    pub status: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub received_at: OffsetDateTime,
    #[schema(value_type = String, format = Date)]
    pub received_on: Date,
    pub assignee: Option<HandlerRef>,
    /// Day 0 of the statutory clock (komplett søknad).
    #[schema(value_type = Option<String>, format = Date)]
    pub completed_on: Option<Date>,
    /// The statutory deadline (lovpålagt frist), moved by pauses.
    #[schema(value_type = Option<String>, format = Date)]
    pub statutory_deadline: Option<Date>,
    /// When the case is due, while the statutory clock runs (until the data
    /// are made available): before the decision the statutory deadline or
    /// the later postponed date; after it, the earliest due date of the
    /// granted sources not yet delivered. Absent before completeness and
    /// once the data are made available.
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<Date>,
    /// Working days from today to the due date (negative: overdue).
    pub working_days_left: Option<i64>,
    pub overdue: bool,
    /// The clock is paused while a question waits.
    pub clock_paused: bool,
    /// Decided, and a granted source is neither delivered nor reported
    /// undeliverable: the data are awaited (venter på utlevering).
    pub awaiting_delivery: bool,
    /// The day the last granted source was delivered or reported
    /// undeliverable: the statutory clock stopped.
    #[schema(value_type = Option<String>, format = Date)]
    pub data_made_available_on: Option<Date>,
    /// The data sources' codes.
    pub data_sources: Vec<String>,
    /// The custodians' codes.
    pub custodians: Vec<String>,
    /// Also the ETag (`"v<version>"`): send it as If-Match with a command.
    pub version: i32,
}

/// A data source of the case.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseSourceView {
    pub data_source: String,
    pub name_nb: String,
    pub name_en: String,
    pub custodian: String,
    pub custodian_name: String,
    /// HDS, or CUSTODIAN (the custodian decides through a DECISION task).
    pub decision_authority: String,
    /// What the application asks for (variables, period).
    #[schema(value_type = Object)]
    pub requested: Value,
}

/// A question to the applicant (spørsmål til søker).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QuestionView {
    pub id: Uuid,
    pub text: String,
    #[schema(value_type = String, format = Date)]
    pub asked_on: Date,
    /// 10 working days after it was asked.
    #[schema(value_type = String, format = Date)]
    pub reply_deadline: Date,
    pub clock_paused: bool,
    /// The reminder (purring), if sent, and its deadline (5 more working days).
    #[schema(value_type = Option<String>, format = Date)]
    pub reminder_sent_on: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub reminder_reply_deadline: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub answered_on: Option<Date>,
    pub answer: Option<String>,
    /// Why it closed without an answer: REJECTED_NO_REPLY, REJECTION_LIFTED, WITHDRAWN.
    pub closed_without_answer: Option<String>,
}

/// A decision (vedtak) for one data source.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DecisionView {
    pub data_source: String,
    /// 1 for the first decision; a reversal on appeal makes the next round.
    pub round: i32,
    pub current: bool,
    pub outcome: Outcome,
    pub legal_basis: Vec<String>,
    pub conditions: Vec<String>,
    pub text: String,
    pub granted_variables: Option<Vec<String>>,
    pub granted_period_from: Option<i32>,
    pub granted_period_to: Option<i32>,
    #[schema(value_type = String, format = Date)]
    pub decided_on: Date,
    /// HDS or CUSTODIAN.
    pub decided_by: String,
    /// Access period, delete or return by when, exemption, per table.
    #[serde(flatten)]
    pub terms: TermsView,
}

/// How a granted source's part ended.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SettlementView {
    /// DELIVERED (utlevert) or CANNOT_DELIVER.
    pub kind: String,
    /// The delivery date, or the day of the report.
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    /// How it was delivered (DELIVERED).
    pub method: Option<String>,
    /// Why it cannot be delivered (CANNOT_DELIVER).
    pub reason: Option<String>,
    /// The custodian's code.
    pub custodian: String,
}

/// A granted source's part in making the data available (tilgjengeliggjøring).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryPartView {
    pub data_source: String,
    /// When this source is due (statutory deadline, or a later postponed date).
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<Date>,
    /// The delivery date the custodian agreed with the applicant (avtalt frist).
    #[schema(value_type = Option<String>, format = Date)]
    pub agreed_delivery_on: Option<Date>,
    /// The custodian's postponement of this source: when it was made.
    #[schema(value_type = Option<String>, format = Date)]
    pub postponed_on: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub postponement_expected_on: Option<Date>,
    pub postponement_reason: Option<String>,
    /// Absent while the data are awaited.
    pub settlement: Option<SettlementView>,
}

/// A custodian's task on the case.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskView {
    pub id: Uuid,
    /// DECISION or DATA_PREPARATION.
    pub kind: String,
    /// ASSIGNED, ACKNOWLEDGED, IN_PREPARATION, DELIVERED, CANNOT_DELIVER, CANCELLED.
    pub state: String,
    pub custodian: String,
    pub data_source: String,
}

/// One entry of the case's full history (saksgang), internal entries included.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub id: i64,
    /// E.g. SUBMITTED, ASSIGNED, MARKED_COMPLETE, QUESTION_ASKED, REMINDER_SENT,
    /// NOTE_ADDED, POSTPONED, SOURCES_DECIDED, DECIDED, OVERDUE, APPEALED.
    pub kind: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: OffsetDateTime,
    /// Who: `person:<masked>`, `system:job-runner`, ...
    pub actor: String,
    pub visible_to_applicant: bool,
    pub status_before: Option<String>,
    pub status_after: Option<String>,
    #[schema(value_type = Object)]
    pub details: Value,
}

/// The case file (saksmappe) as a case handler sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseDetail {
    #[serde(flatten)]
    pub summary: CaseSummary,
    /// SINGLE_SOURCE (30 working days) or IDENTIFIABLE_DATA_FROM_SEVERAL_REGISTERS /
    /// STATISTICS_FROM_SEVERAL_SOURCES (60).
    pub linkage: Option<String>,
    /// What the application's linkage plan gives (the case handler may have
    /// set `linkage` otherwise, with a reason).
    pub linkage_by_plan: String,
    /// The latest postponement (foreløpig svar).
    #[schema(value_type = Option<String>, format = Date)]
    pub postponed_on: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub postponement_expected_on: Option<Date>,
    pub postponement_reason: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub decided_on: Option<Date>,
    /// The last day to appeal the decision (klagefrist).
    #[schema(value_type = Option<String>, format = Date)]
    pub appeal_deadline: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub rejected_on: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub rejection_appeal_deadline: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub appealed_on: Option<Date>,
    /// DECISION or REJECTION.
    pub appeal_against: Option<String>,
    /// The day the appeal went to Helseklage.
    #[schema(value_type = Option<String>, format = Date)]
    pub forwarded_on: Option<Date>,
    /// The commands the state machine allows now.
    pub allowed_commands: Vec<String>,
    pub sources: Vec<CaseSourceView>,
    pub questions: Vec<QuestionView>,
    pub decisions: Vec<DecisionView>,
    /// Each granted source's delivery, after the decision.
    pub delivery_parts: Vec<DeliveryPartView>,
    pub tasks: Vec<TaskView>,
    /// The frozen submitted application.
    #[schema(value_type = Object)]
    pub application: Value,
    /// The submitted attachments, downloadable as submitted.
    pub attachments: Vec<SubmittedAttachmentView>,
    pub history: Vec<HistoryEntry>,
}

/// The applicant's view of their case after a command.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicantCaseView {
    pub id: Uuid,
    pub case_number: String,
    pub status: String,
    /// Also the ETag.
    pub version: i32,
}
