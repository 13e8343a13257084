//! What more than one resource speaks alike: the outcome of a decision
//! (vedtak), which case handlers and custodians both give, and how a case
//! command that fails reads as a problem. Route modules never import each
//! other; what they share lives here, or lower down (`access`, `http`,
//! `extract`, `error`).

use hds_domain::case::DecisionOutcome;
use hds_persistence::cases::CaseError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, FieldError};

impl From<CaseError> for ApiError {
    fn from(e: CaseError) -> Self {
        match e {
            CaseError::Store(e) => e.into(),
            CaseError::Refused(e) => ApiError::conflict(e.to_string()),
            CaseError::Conflict(m) => ApiError::conflict(m),
            CaseError::Invalid(problems) => ApiError::validation(
                problems
                    .into_iter()
                    .map(|p| FieldError::new(p.pointer, p.code, p.message))
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
