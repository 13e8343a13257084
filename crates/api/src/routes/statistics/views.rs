//! What the statistics API answers with (camelCase JSON). Every figure is
//! defined in docs/reporting.md.

use serde::Serialize;
use time::Date;
use utoipa::ToSchema;

/// Decided cases by outcome (vedtak etter utfall).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutcomesView {
    pub total: u64,
    pub granted: u64,
    pub partly_granted: u64,
    pub refused: u64,
}

/// Appeals (klager) received and reconsidered, by result.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppealsView {
    pub received: u64,
    pub reversed: u64,
    pub rejection_lifted: u64,
    pub upheld: u64,
}

/// A processing time (saksbehandlingstid) in working days: how many cases,
/// the median and the 90th percentile (nearest rank; empty with no cases).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DurationsView {
    pub count: u64,
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

/// The processing times of cases that reached the milestone in the period.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProcessingTimesView {
    /// Received to complete (mottatt til komplett).
    pub received_to_complete: DurationsView,
    /// Complete to the decision day (komplett til vedtak).
    pub complete_to_decision: DurationsView,
    /// Complete to the data day (komplett til tilgjengeliggjøring).
    pub complete_to_data: DurationsView,
}

/// Deadline compliance (fristoverholdelse).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeadlinesView {
    /// Cases whose statutory clock stopped in the period.
    pub clock_stopped: u64,
    /// Of those, stopped on or before the statutory deadline.
    pub within_deadline: u64,
    /// `withinDeadline / clockStopped × 100`, one decimal; empty when no clock stopped.
    pub within_deadline_percent: Option<f64>,
    /// Cases postponed with a preliminary reply (foreløpig svar).
    pub postponed: u64,
    /// Cases overdue at the end of the period's last day.
    pub overdue_at_end: u64,
}

/// The figures of a period (nøkkeltall), overall or for one group.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FiguresView {
    /// Applications received (mottatte søknader).
    pub received: u64,
    /// Of those, change requests (endringssøknader).
    pub change_requests: u64,
    /// Cases found complete (komplette).
    pub completed: u64,
    pub decided: OutcomesView,
    /// Rejected for no reply (avvist), once per case.
    pub rejected_no_reply: u64,
    /// Withdrawn by the applicant (trukket).
    pub withdrawn: u64,
    pub appeals: AppealsView,
    /// Cases whose data were made available (tilgjengeliggjort).
    pub data_made_available: u64,
    /// Of those, cases with a granted source that cannot be delivered.
    pub data_cannot_deliver: u64,
    pub processing_times: ProcessingTimesView,
    pub deadlines: DeadlinesView,
}

/// A dimension figures are broken down by (inndeling).
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StatisticsDimension {
    /// Per data source (datakilde), by code.
    DataSource,
    /// Per custodian (registerforvalter), by code.
    Custodian,
    /// Per purpose (formål).
    Purpose,
    /// Per decision authority (vedtaksmyndighet): HDS or CUSTODIAN.
    DecisionAuthority,
}

/// The figures of one group of a dimension.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupFiguresView {
    pub dimension: StatisticsDimension,
    /// The group's key: a data source's or custodian's code, a purpose, `HDS` or `CUSTODIAN`.
    pub group: String,
    pub figures: FiguresView,
}

/// An amount of money (beløp): whole øre, and kroner as a decimal string.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MoneyView {
    #[schema(example = 115_500)]
    pub ore: i64,
    #[schema(example = "1155.00")]
    pub nok: String,
}

/// What one invoicing party invoiced in the period (fakturert).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvoicedView {
    /// The invoicing party: `HDS` or a custodian's code.
    pub party: String,
    /// Invoice bases issued in the period.
    pub invoices: i64,
    /// Hours on their hour lines, as a decimal string (e.g. `12.50`).
    #[schema(example = "12.50")]
    pub hours: String,
    pub excluding_vat: MoneyView,
    pub including_vat: MoneyView,
    /// Credit notes issued in the period.
    pub credit_notes: i64,
    /// The totals (incl. VAT) of the invoices those credit notes credit.
    pub credited: MoneyView,
}

/// Statistics of case handling for a period (saksbehandlingsstatistikk).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatisticsView {
    /// The period in its shortest form, e.g. `2026-Q2`.
    #[schema(example = "2026-Q2")]
    pub period: String,
    /// Its first day.
    pub from: Date,
    /// Its last day (included).
    pub to: Date,
    pub overall: FiguresView,
    /// One per group of each dimension asked for, in that order.
    pub groups: Vec<GroupFiguresView>,
    /// Hours and fees invoiced in the period, per invoicing party.
    pub invoiced: Vec<InvoicedView>,
}

/// Cases in one stage of the backlog.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StageCountView {
    /// `SUBMITTED`, `AWAITING_APPLICANT`, `UNDER_REVIEW`, `APPEALED` or `AWAITING_DATA`.
    #[schema(example = "UNDER_REVIEW")]
    pub stage: String,
    pub count: u64,
    /// Per age bucket, in the order of `ageBuckets`.
    pub by_age: Vec<u64>,
}

/// Cases in one age bucket (working days since received).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgeCountView {
    /// E.g. `0-30`, `>120`.
    #[schema(example = "31-60")]
    pub bucket: String,
    pub from: u32,
    /// The upper bound, included; empty for the last bucket.
    pub to: Option<u32>,
    pub count: u64,
}

/// The backlog (restanser) of one view: total, overdue, by stage, by age.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BacklogFiguresView {
    pub total: u64,
    /// Of those, overdue at the end of the day.
    pub overdue: u64,
    pub by_stage: Vec<StageCountView>,
    pub by_age: Vec<AgeCountView>,
}

/// The backlog of one group of a dimension.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupBacklogView {
    pub dimension: StatisticsDimension,
    pub group: String,
    pub backlog: BacklogFiguresView,
}

/// The backlog at the end of a day (restanser), overall and per group.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BacklogView {
    /// The day (Europe/Oslo), as it stood at its end.
    pub on: Date,
    pub overall: BacklogFiguresView,
    pub groups: Vec<GroupBacklogView>,
}
