//! What more than one resource speaks alike: the outcome of a decision
//! (vedtak), which case handlers and custodians both give, and how a case
//! command that fails reads as a problem; and hours worked, which HDS's case
//! handlers (fees) and custodians (tasks) record alike: amounts, activities,
//! corrections. Route modules never import each
//! other; what they share lives here, or lower down (`access`, `http`,
//! `extract`, `error`).

use hds_domain::case::DecisionOutcome;
use hds_domain::fees::{
    check_new_entry, work_items, Activity, Correction, DecimalError, EntryId, Hours, WorkEntry,
};
use hds_persistence::cases::CaseError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, FieldError, Text};

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

/// Hours (timer) on the wire without floating point: hundredths of an hour
/// (an integer), and the same as a decimal string with two decimals.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct HoursAmount {
    /// Hundredths of an hour: 1.25 hours is 125.
    #[schema(example = 150)]
    pub hundredths: i64,
    /// The same as a decimal string, `.` as separator.
    #[schema(example = "1.50")]
    pub hours: String,
}

impl From<Hours> for HoursAmount {
    fn from(h: Hours) -> Self {
        Self {
            hundredths: h.hundredths(),
            hours: h.to_decimal(),
        }
    }
}

/// What the work was (aktivitet): handling the application (for a
/// custodian: preparing the data), or handling an appeal (klagebehandling),
/// which is free where the invoicing party grants the appeal exemption.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WorkActivity {
    #[default]
    CaseHandling,
    AppealHandling,
}

impl From<WorkActivity> for Activity {
    fn from(a: WorkActivity) -> Self {
        match a {
            WorkActivity::CaseHandling => Self::CaseHandling,
            WorkActivity::AppealHandling => Self::AppealHandling,
        }
    }
}

pub(crate) fn work_activity(code: &str) -> WorkActivity {
    if code == Activity::AppealHandling.as_str() {
        WorkActivity::AppealHandling
    } else {
        WorkActivity::CaseHandling
    }
}

/// How an entry corrects an earlier one (retting): REPLACES states the
/// corrected date, hours and activity in full (0 hours withdraws the work);
/// ADJUSTS adds its hours (often negative) on the entry's date.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CorrectionKind {
    Replaces,
    Adjusts,
}

/// A correction of an earlier entry of hours: entries are never edited, a
/// correction is a new entry. Only the current version of a piece of work
/// (the original or its latest replacement) may be corrected.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HoursCorrection {
    pub kind: CorrectionKind,
    /// The id of the entry corrected.
    pub entry_id: uuid::Uuid,
}

impl HoursCorrection {
    pub(crate) fn to_domain(&self) -> Correction {
        let id = EntryId(self.entry_id.as_u128());
        match self.kind {
            CorrectionKind::Replaces => Correction::Replaces(id),
            CorrectionKind::Adjusts => Correction::Adjusts(id),
        }
    }

    /// The stored correction, if any.
    pub(crate) fn stored(kind: Option<&str>, entry: Option<uuid::Uuid>) -> Option<Self> {
        let kind = match kind? {
            "REPLACES" => CorrectionKind::Replaces,
            _ => CorrectionKind::Adjusts,
        };
        Some(Self {
            kind,
            entry_id: entry?,
        })
    }
}

/// Reads hours sent as a decimal string ("1.5", "1.50", "-0.25"): never a
/// JSON number, so never a float.
pub(crate) fn parse_hours(
    text: &str,
    pointer: &str,
    problems: &mut Vec<FieldError>,
) -> Option<Hours> {
    match Hours::parse(text.trim()) {
        Ok(h) => Some(h),
        Err(e) => {
            let nb = match e {
                DecimalError::Malformed => "med høyst to desimaler og punktum",
                DecimalError::TooLarge => "tallet er for stort",
            };
            problems.push(FieldError::new(
                pointer,
                "INVALID_HOURS",
                Text::new(
                    format!("timer skrives som en desimaltekst, f.eks. \"1.50\": {nb}"),
                    format!("hours are a decimal string such as \"1.50\": {e}"),
                ),
            ));
            None
        }
    }
}

/// The work that counts in a ledger of hours (after its corrections), per activity.
pub(crate) fn ledger_totals(entries: &[WorkEntry]) -> (Hours, Hours) {
    let items = work_items(entries).unwrap_or_default();
    let sum = |activity: Activity| {
        items
            .iter()
            .filter(|w| w.activity == activity)
            .fold(Hours::ZERO, |acc, w| {
                acc.checked_add(w.hours).unwrap_or(acc)
            })
    };
    (sum(Activity::CaseHandling), sum(Activity::AppealHandling))
}

/// The problems of new work's hours that need no ledger (more than 0, at
/// most 24), by the domain's rules, so that they come with the body's other
/// problems; a correction's hours are checked against its ledger when it
/// is recorded.
pub(crate) fn check_new_work_hours(hours: Hours, correction: bool, problems: &mut Vec<FieldError>) {
    if correction {
        return;
    }
    let day = time::Date::MIN;
    let entry = WorkEntry {
        id: EntryId(0),
        worked_on: day,
        hours,
        note: String::new(),
        recorded_by: String::new(),
        activity: Activity::CaseHandling,
        correction: None,
    };
    problems.extend(
        check_new_entry(&[], &entry, day)
            .into_iter()
            .filter(|p| p.pointer == "/hours")
            .map(|p| FieldError::from_domain(p.pointer, p.code, p.message)),
    );
}
