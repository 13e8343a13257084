//! What more than one resource speaks alike: a data source by code and
//! name; the outcome and the terms of a
//! decision (vedtak), which case handlers and custodians both give, and how
//! a case command that fails reads as a problem; the attachments as
//! submitted; and hours worked, which HDS's case handlers (fees) and
//! custodians (tasks) record alike: amounts, activities, corrections. Route
//! modules never import each other; what they share lives here, or lower
//! down (`access`, `http`, `extract`, `error`).

use hds_domain::case::{
    DecisionOutcome, DecisionTerms, Disposal, ExemptionDecision, TableDecision,
};
use hds_domain::fees::{
    check_new_entry, work_items, Activity, Correction, DecimalError, EntryId, Hours, WorkEntry,
};
use hds_persistence::cases::CaseError;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::error::{check_free_text, ApiError, FieldError, Text};

/// A data source (datakilde), by code and name: the source of a variable in
/// the catalogue, and of a custodian's task.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SourceRef {
    #[schema(example = "MFR")]
    pub code: String,
    pub name_nb: String,
    pub name_en: String,
}

/// Refuses a promised date (a postponement's expected date, an agreed
/// delivery date) more than `state.config.max_years_ahead` years after
/// today in Europe/Oslo ([`hds_domain::horizon`]): a 422 at `pointer`.
pub fn refuse_too_far_ahead(
    date: Date,
    pointer: &str,
    state: &crate::state::AppState,
    problems: &mut Vec<FieldError>,
) {
    let today = hds_domain::calendar::oslo_date(state.clock.now());
    let years = state.config.max_years_ahead;
    if hds_domain::horizon::too_far_ahead(date, today, years) {
        let latest = hds_domain::horizon::latest_promised_date(today, years);
        problems.push(FieldError::new(
            pointer,
            "TOO_FAR_AHEAD",
            Text::new(
                format!("datoen kan være høyst {years} år fram i tid (senest {latest})"),
                format!("the date may be at most {years} years ahead (at the latest {latest})"),
            ),
        ));
    }
}

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
