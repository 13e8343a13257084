//! What more than one resource speaks alike: the outcome and the terms of a
//! decision (vedtak), which case handlers and custodians both give, and how
//! a case command that fails reads as a problem. Route modules never import each
//! other; what they share lives here, or lower down (`access`, `http`,
//! `extract`, `error`).

use hds_domain::case::{
    DecisionOutcome, DecisionTerms, Disposal, ExemptionDecision, TableDecision,
};
use hds_persistence::cases::CaseError;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::error::{check_free_text, ApiError, FieldError, Text};

impl From<CaseError> for ApiError {
    fn from(e: CaseError) -> Self {
        match e {
            CaseError::Store(e) => e.into(),
            CaseError::Refused(e) => ApiError::conflict(Text::new(e.nb(), e.to_string())),
            CaseError::Conflict { en, nb } => ApiError::conflict(Text::new(nb, en)),
            CaseError::Invalid(problems) => ApiError::validation(
                problems
                    .into_iter()
                    .map(|p| FieldError::from_domain(p.pointer, p.code, p.message))
                    .collect(),
            ),
        }
    }
}

/// A decision outcome.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    /// Innvilget.
    Granted,
    /// Delvis innvilget: say which variables or period.
    PartlyGranted,
    /// Avslag.
    Refused,
}

impl From<Outcome> for DecisionOutcome {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Granted => Self::Granted,
            Outcome::PartlyGranted => Self::PartlyGranted,
            Outcome::Refused => Self::Refused,
        }
    }
}

pub(crate) fn outcome_of(code: &str) -> Outcome {
    match code {
        "GRANTED" => Outcome::Granted,
        "PARTLY_GRANTED" => Outcome::PartlyGranted,
        _ => Outcome::Refused,
    }
}

/// What becomes of the data when the access ends.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DisposalCode {
    /// Slettes.
    Delete,
    /// Leveres tilbake til registerforvalteren.
    Return,
}

/// The decision on exemption from confidentiality (dispensasjon fra
/// taushetsplikt), which HDS makes with the access decision where
/// identifiable data are given without the data subjects' consent.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExemptionDto {
    /// Granted or refused (never partly).
    pub granted: bool,
    /// Legal basis (hjemmel), at least one.
    #[schema(example = json!(["helseregisterloven § 19 e"]))]
    pub legal_basis: Vec<String>,
    #[serde(default)]
    pub conditions: Vec<String>,
}

/// The outcome for one table asked for (tabellbestilling).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TableDecisionDto {
    /// The table's index in the application's `tableSpecifications`.
    pub table: u32,
    pub outcome: Outcome,
    /// Why a table is not granted in full (required then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The terms of a decision beside its outcome (a complete decision): the
/// period the access is valid for, delete or return by when, the decision
/// on exemption from confidentiality, the outcome per table. The fields of
/// a decision as it is given.
pub struct TermsInput<'a> {
    pub access_from: Option<&'a str>,
    pub access_to: Option<&'a str>,
    pub disposal: Option<DisposalCode>,
    pub dispose_by: Option<&'a str>,
    pub exemption: Option<&'a ExemptionDto>,
    pub tables: &'a [TableDecisionDto],
}

/// Reads the terms (dates YYYY-MM-DD; a bad one is a problem at
/// `{pointer}/<field>`); the rules are the domain's.
pub(crate) fn read_terms(
    t: &TermsInput<'_>,
    pointer: &str,
    problems: &mut Vec<FieldError>,
) -> DecisionTerms {
    let mut date = |raw: Option<&str>, field: &str| {
        raw.and_then(|raw| {
            Date::parse(
                raw.trim(),
                &time::format_description::well_known::Iso8601::DATE,
            )
            .map_err(|_| {
                problems.push(FieldError::new(
                    format!("{pointer}/{field}"),
                    "INVALID_DATE",
                    Text::new("forventet en dato ÅÅÅÅ-MM-DD", "expected a date YYYY-MM-DD"),
                ));
            })
            .ok()
        })
    };
    let access_from = date(t.access_from, "accessFrom");
    let access_to = date(t.access_to, "accessTo");
    let dispose_by = date(t.dispose_by, "disposeBy");
    for (j, c) in t.exemption.iter().flat_map(|e| &e.conditions).enumerate() {
        check_free_text(
            c,
            &format!("{pointer}/confidentialityExemption/conditions/{j}"),
            2_000,
            problems,
        );
    }
    for (j, table) in t.tables.iter().enumerate() {
        if let Some(r) = table.reason.as_deref().filter(|r| !r.trim().is_empty()) {
            check_free_text(r, &format!("{pointer}/tables/{j}/reason"), 2_000, problems);
        }
    }
    DecisionTerms {
        access_from,
        access_to,
        disposal: t.disposal.map(|d| match d {
            DisposalCode::Delete => Disposal::Delete,
            DisposalCode::Return => Disposal::Return,
        }),
        dispose_by,
        exemption: t.exemption.map(|e| ExemptionDecision {
            granted: e.granted,
            legal_basis: e
                .legal_basis
                .iter()
                .map(|b| b.trim().to_owned())
                .filter(|b| !b.is_empty())
                .collect(),
            conditions: e.conditions.clone(),
        }),
        tables: t
            .tables
            .iter()
            .map(|x| TableDecision {
                table: usize::try_from(x.table).unwrap_or(usize::MAX),
                outcome: x.outcome.into(),
                reason: x.reason.clone(),
            })
            .collect(),
    }
}

/// The terms of a decision as it is read back (a complete decision).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TermsView {
    /// The first day the access is valid.
    #[schema(value_type = Option<String>, format = Date)]
    pub access_from: Option<Date>,
    /// The last day the access is valid.
    #[schema(value_type = Option<String>, format = Date)]
    pub access_to: Option<Date>,
    pub disposal: Option<DisposalCode>,
    /// The day by which the data must be deleted or returned.
    #[schema(value_type = Option<String>, format = Date)]
    pub dispose_by: Option<Date>,
    pub confidentiality_exemption: Option<ExemptionDto>,
    pub tables: Vec<TableDecisionDto>,
}

impl TermsView {
    pub(crate) fn of(t: &DecisionTerms) -> Self {
        Self {
            access_from: t.access_from,
            access_to: t.access_to,
            disposal: t.disposal.map(|d| match d {
                Disposal::Delete => DisposalCode::Delete,
                Disposal::Return => DisposalCode::Return,
            }),
            dispose_by: t.dispose_by,
            confidentiality_exemption: t.exemption.as_ref().map(|e| ExemptionDto {
                granted: e.granted,
                legal_basis: e.legal_basis.clone(),
                conditions: e.conditions.clone(),
            }),
            tables: t
                .tables
                .iter()
                .map(|x| TableDecisionDto {
                    table: u32::try_from(x.table).unwrap_or(u32::MAX),
                    outcome: outcome_of(x.outcome.as_str()),
                    reason: x.reason.clone(),
                })
                .collect(),
        }
    }
}

/// An attachment (vedlegg) of the submitted application, as submitted: the
/// file itself is kept unchanged whatever later happens to the draft.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubmittedAttachmentView {
    pub id: uuid::Uuid,
    /// PROJECT_DESCRIPTION, REK_DECISION, DPIA, ...
    pub kind: String,
    pub title: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// Where the caller downloads it.
    pub download_url: String,
}

impl SubmittedAttachmentView {
    /// The view, downloaded under `{prefix}/{attachment id}`.
    pub(crate) fn of(
        a: &hds_persistence::submitted_attachments::SubmittedAttachment,
        prefix: &str,
    ) -> Self {
        Self {
            id: a.attachment_id,
            kind: a.kind.clone(),
            title: a.title.clone(),
            filename: a.filename.clone(),
            content_type: a.content_type.clone(),
            size_bytes: a.size_bytes,
            sha256: a.sha256.clone(),
            download_url: format!("{prefix}/{}", a.attachment_id),
        }
    }
}
