//! What case handlers and applicants send: the queue's query and each
//! command's body; and reading them (dates, decisions) into what the
//! repository takes.

use hds_domain::case::SourceDecisionDetails;
use hds_persistence::cases::NewSourceDecision;
use serde::Deserialize;
use time::Date;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::error::{check_free_text, FieldError, Text};
use crate::field_rules::free_text;
use crate::routes::common::{
    read_terms, DisposalCode, ExemptionDto, Outcome, TableDecisionDto, TermsInput,
};

/// Query of the work queue.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Comma-separated statuses; default every case not CLOSED or WITHDRAWN.
    pub status: Option<String>,
    /// `me`, `none` (unassigned), or a handler id.
    pub assignee: Option<String>,
    /// A data source code, e.g. `NPR`.
    pub data_source: Option<String>,
    /// A custodian code, e.g. `FHI`.
    pub custodian: Option<String>,
    /// Due before this date (YYYY-MM-DD).
    pub due_before: Option<String>,
    /// `true`: only cases whose due date has passed (clock not paused).
    pub overdue: Option<bool>,
    /// Only cases due within this many working days from today (not yet overdue).
    pub at_risk_within: Option<u32>,
    /// `true`: only decided cases whose data are not yet made available
    /// (a granted source neither delivered nor reported undeliverable);
    /// `false`: only the others.
    pub awaiting_delivery: Option<bool>,
    /// `true`: only late deliveries: awaiting delivery with the due date passed.
    pub late_delivery: Option<bool>,
    /// From `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
}

/// Assign the case (tildele). Without `nationalId`: to yourself.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssignRequest {
    /// Another handler's national identity number (never stored: the case
    /// keeps a pseudonymous handler id).
    pub national_id: Option<String>,
    /// The other handler's name, as shown in the queue.
    pub name: Option<String>,
    /// `true`: remove the assignment.
    #[serde(default)]
    pub unassign: bool,
}

/// Mark the application complete (komplett).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CompleteRequest {
    /// The day the application became complete (day 0); default today
    /// (Europe/Oslo). Not in the future.
    #[schema(value_type = Option<String>, format = Date)]
    pub completed_on: Option<String>,
}

/// A question to the applicant; they have 10 working days to answer.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QuestionRequest {
    #[validate(length(max = 10000), custom(function = free_text))]
    pub text: String,
}

/// A postponement with a preliminary reply (foreløpig svar): before the
/// decision, or after it while the data are awaited.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PostponeRequest {
    /// The new expected date; later than the current due date (after the
    /// decision: the earliest due date of the sources not yet delivered).
    #[schema(value_type = String, format = Date)]
    pub expected_on: String,
    /// Why, in words the applicant reads.
    #[validate(length(max = 5000), custom(function = free_text))]
    pub reason: String,
}

/// The statutory clock (lovpålagt frist, helseregisterloven § 19 f).
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LinkageCode {
    /// No linkage across registers: 30 working days.
    SingleSource,
    /// Identifiable data linked (sammenstilt) from several registers: 60.
    IdentifiableDataFromSeveralRegisters,
    /// Statistics compiled from several sources: 60.
    StatisticsFromSeveralSources,
}

impl LinkageCode {
    pub(super) fn domain(self) -> hds_domain::calendar::DataLinkage {
        use hds_domain::calendar::DataLinkage as L;
        match self {
            Self::SingleSource => L::SingleSource,
            Self::IdentifiableDataFromSeveralRegisters => L::IdentifiableDataFromSeveralRegisters,
            Self::StatisticsFromSeveralSources => L::StatisticsFromSeveralSources,
        }
    }
}

/// The case handler sets the statutory clock, with a reason.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LinkageRequest {
    pub linkage: LinkageCode,
    /// Why, in words the applicant reads (also in the audit trail).
    #[validate(length(max = 5000), custom(function = free_text))]
    pub reason: String,
}

/// An internal note (intern merknad); never shown to the applicant.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NoteRequest {
    #[validate(length(max = 10000), custom(function = free_text))]
    pub text: String,
}

/// The decision for one data source.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SourceDecisionInput {
    #[schema(example = "MFR")]
    pub data_source: String,
    pub outcome: Outcome,
    /// Legal basis references (hjemmel), at least one.
    #[schema(example = json!(["helseregisterloven § 19 a", "helseforskningsloven § 33"]))]
    pub legal_basis: Vec<String>,
    /// Conditions (vilkår) of a grant.
    #[serde(default)]
    pub conditions: Vec<String>,
    /// The decision text (vedtakstekst).
    pub text: String,
    /// For PARTLY_GRANTED: the variables granted (a subset of those asked for).
    pub granted_variables: Option<Vec<String>>,
    /// For PARTLY_GRANTED: the period granted.
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

/// Decisions (vedtak) per data source.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DecideRequest {
    pub decisions: Vec<SourceDecisionInput>,
}

/// The result of reconsidering an appeal.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReconsiderationResult {
    /// Omgjort: new decisions replace the old.
    Reversed,
    /// The rejection for no reply is lifted; handling resumes.
    RejectionLifted,
    /// Opprettholdt: the appeal goes to Helseklage, dated today.
    Upheld,
}

/// HDS's reconsideration of an appeal (klagebehandling).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReconsiderRequest {
    pub result: ReconsiderationResult,
    /// For REVERSED: the new decisions for every source HDS decides.
    pub decisions: Option<Vec<SourceDecisionInput>>,
    /// Why, for the applicant.
    #[validate(length(max = 5000), custom(function = free_text))]
    pub reason: Option<String>,
}

/// The applicant's answer to a question.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnswerRequest {
    #[validate(length(max = 20000), custom(function = free_text))]
    pub answer: String,
}

/// The applicant's appeal (klage).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppealRequest {
    /// The grounds of the appeal.
    #[validate(length(max = 20000), custom(function = free_text))]
    pub grounds: String,
}

pub(super) fn parse_date(raw: &str, pointer: &str) -> Result<Date, FieldError> {
    Date::parse(
        raw.trim(),
        &time::format_description::well_known::Iso8601::DATE,
    )
    .map_err(|_| {
        FieldError::new(
            pointer,
            "INVALID_DATE",
            Text::new("forventet en dato ÅÅÅÅ-MM-DD", "expected a date YYYY-MM-DD"),
        )
    })
}

pub(super) fn decisions_input(
    given: Vec<SourceDecisionInput>,
    pointer: &str,
    problems: &mut Vec<FieldError>,
) -> Vec<NewSourceDecision> {
    // The rules (sources, authority, legal basis, text, partial grants) are
    // the domain's, checked against the case; here only the privacy guard
    // and lengths.
    for (i, d) in given.iter().enumerate() {
        if !d.text.trim().is_empty() {
            check_free_text(&d.text, &format!("{pointer}/{i}/text"), 20_000, problems);
        }
        for (j, c) in d.conditions.iter().enumerate() {
            check_free_text(c, &format!("{pointer}/{i}/conditions/{j}"), 2_000, problems);
        }
    }
    given
        .into_iter()
        .enumerate()
        .map(|(i, d)| NewSourceDecision {
            terms: read_terms(
                &TermsInput {
                    access_from: d.access_from.as_deref(),
                    access_to: d.access_to.as_deref(),
                    disposal: d.disposal,
                    dispose_by: d.dispose_by.as_deref(),
                    exemption: d.confidentiality_exemption.as_ref(),
                    tables: &d.tables,
                },
                &format!("{pointer}/{i}"),
                problems,
            ),
            decision: SourceDecisionDetails {
                data_source: d.data_source.trim().to_ascii_uppercase(),
                outcome: d.outcome.into(),
                legal_basis: d
                    .legal_basis
                    .into_iter()
                    .map(|b| b.trim().to_owned())
                    .filter(|b| !b.is_empty())
                    .collect(),
                conditions: d.conditions,
                text: d.text,
                granted_variables: d.granted_variables,
                granted_period_from: d.granted_period_from,
                granted_period_to: d.granted_period_to,
            },
        })
        .collect()
}
