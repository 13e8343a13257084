//! What custodian systems send: the list's query and each action's body;
//! and reading the dates in them.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::error::{FieldError, Text};
use crate::field_rules::free_text;
use crate::routes::common::{
    DisposalCode, ExemptionDto, HoursCorrection, Outcome, TableDecisionDto, WorkActivity,
};

/// Query of the task list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// Comma-separated states, e.g. `ASSIGNED,ACKNOWLEDGED` (default: all).
    pub state: Option<String>,
    /// DECISION or `DATA_PREPARATION` (default: both).
    pub kind: Option<String>,
    /// Only tasks updated at or after this instant (RFC 3339).
    #[param(example = "2026-11-23T08:00:00Z")]
    pub updated_since: Option<String>,
    /// From `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
}

/// Acknowledge (kvitter ut) a task: the custodian has seen it.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AcknowledgeRequest {
    /// Optional note, e.g. the custodian's own reference.
    #[validate(length(max = 2000), custom(function = free_text))]
    pub note: Option<String>,
}

/// A progress report (framdrift).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProgressRequest {
    #[validate(length(max = 5000), custom(function = free_text))]
    pub note: String,
    /// 0 to 100.
    #[validate(range(min = 0, max = 100))]
    pub percent_complete: Option<i32>,
    /// When the custodian expects to deliver (YYYY-MM-DD).
    #[schema(example = "2026-12-15")]
    pub expected_delivery_on: Option<String>,
}

/// How the data was delivered (utleveringsmåte).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeliveryMethod {
    Email,
    SecureFileTransfer,
    RemoteAccess,
    PhysicalMedia,
    Other,
}

impl DeliveryMethod {
    pub(super) fn domain(self) -> hds_domain::case::DeliveryMethod {
        use hds_domain::case::DeliveryMethod as M;
        match self {
            Self::Email => M::Email,
            Self::SecureFileTransfer => M::SecureFileTransfer,
            Self::RemoteAccess => M::RemoteAccess,
            Self::PhysicalMedia => M::PhysicalMedia,
            Self::Other => M::Other,
        }
    }
}

/// The delivery (utlevering) of the data.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeliveryRequest {
    /// YYYY-MM-DD, not in the future.
    #[schema(example = "2026-11-23")]
    pub delivered_on: String,
    pub method: DeliveryMethod,
    /// What was delivered (files, variables, years), without personal data.
    #[schema(example = "mfr_2010_2020.csv (VEKT, KJONN, 2010–2020), sent by sikker filsluse")]
    #[validate(length(max = 5000), custom(function = free_text))]
    pub contents: String,
}

/// The data cannot be delivered.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CannotDeliverRequest {
    /// Why (required).
    #[validate(length(max = 5000), custom(function = free_text))]
    pub reason: String,
}

/// A postponement of this source's delivery with a preliminary reply
/// (foreløpig svar): the applicant is told why and when.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TaskPostponementRequest {
    /// When the data will probably be made available: later than the
    /// source's due date, not in the past.
    #[schema(example = "2027-03-01")]
    pub expected_on: String,
    /// Why the delivery is late, in words the applicant reads.
    #[validate(length(max = 5000), custom(function = free_text))]
    pub reason: String,
}

/// The delivery date agreed with the applicant (avtalt frist).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgreedDeliveryDateRequest {
    /// From today up to the source's due date (a later date needs a
    /// postponement first).
    #[schema(example = "2027-01-15")]
    pub agreed_on: String,
}

/// Hours worked (timer) on the task on one date, for the custodian's
/// invoice basis; or a correction of an earlier entry (entries are never
/// edited).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HoursRequest {
    /// YYYY-MM-DD, not in the future.
    #[schema(example = "2026-11-23")]
    pub worked_on: String,
    /// A decimal string with at most two decimals, never a JSON number:
    /// more than 0 and at most 24 for new work; a REPLACES correction
    /// states the corrected hours (0 withdraws the work); an ADJUSTS
    /// correction adds them (e.g. "-0.50").
    #[schema(example = "1.50")]
    pub hours: String,
    #[validate(length(max = 2000), custom(function = free_text))]
    pub description: String,
    /// Default CASE_HANDLING (preparing the data).
    #[serde(default)]
    pub activity: Option<WorkActivity>,
    /// Set to correct an earlier entry of this task.
    #[serde(default)]
    pub correction: Option<HoursCorrection>,
}

/// The custodian's decision (vedtak) for its source, under the same rules
/// as HDS's decisions.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TaskDecisionRequest {
    pub outcome: Outcome,
    /// Legal basis references (hjemmel), at least one.
    #[schema(example = json!(["helseregisterloven § 19 a"]))]
    pub legal_basis: Vec<String>,
    #[serde(default)]
    pub conditions: Vec<String>,
    /// The decision text (vedtakstekst).
    #[validate(length(max = 20000), custom(function = free_text))]
    pub text: String,
    /// For PARTLY_GRANTED: the variables granted (a subset of those asked for).
    pub granted_variables: Option<Vec<String>>,
    pub granted_period_from: Option<i32>,
    pub granted_period_to: Option<i32>,
    /// The first day the access is valid (YYYY-MM-DD); a grant of
    /// identifiable data states the period.
    #[schema(value_type = Option<String>, format = Date, example = "2027-01-01")]
    pub access_from: Option<String>,
    /// The last day the access is valid.
    #[schema(value_type = Option<String>, format = Date, example = "2029-12-31")]
    pub access_to: Option<String>,
    /// Delete or return the data when the access ends.
    pub disposal: Option<DisposalCode>,
    /// The day by which the data must be deleted or returned (not before
    /// the access ends).
    #[schema(value_type = Option<String>, format = Date, example = "2030-06-30")]
    pub dispose_by: Option<String>,
    /// The decision on exemption from confidentiality (dispensasjon fra
    /// taushetsplikt): required for a grant of identifiable data without
    /// the data subjects' consent; never for anonymous data.
    pub confidentiality_exemption: Option<ExemptionDto>,
    /// The outcome per table asked for from this source (all of them, when given).
    #[serde(default)]
    pub tables: Vec<TableDecisionDto>,
}

pub(super) fn date_problem(
    raw: &str,
    pointer: &str,
    not_after: Option<Date>,
    problems: &mut Vec<FieldError>,
) -> Option<Date> {
    match Date::parse(
        raw.trim(),
        &time::format_description::well_known::Iso8601::DATE,
    ) {
        Ok(d) if not_after.is_some_and(|today| d > today) => {
            problems.push(FieldError::new(
                pointer,
                "IN_THE_FUTURE",
                Text::new("datoen er fram i tid", "the date is in the future"),
            ));
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            problems.push(FieldError::new(
                pointer,
                "INVALID_DATE",
                Text::new("forventet en dato ÅÅÅÅ-MM-DD", "expected a date YYYY-MM-DD"),
            ));
            None
        }
    }
}
