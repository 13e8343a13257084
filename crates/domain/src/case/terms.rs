//! A complete decision (vedtak) for one data source: beyond outcome, legal
//! basis, conditions and text ([`check_decisions`]), the period the access is
//! valid for, the date by which the data must be deleted or returned, the
//! decision on exemption from confidentiality (dispensasjon fra taushetsplikt)
//! where the application needs one, and, where tables were asked for, an
//! outcome per table.
//!
//! The rules, each a problem with a JSON pointer below the decision:
//! - A grant of identifiable data states the access period (`accessFrom`,
//!   `accessTo`) and what happens after (`disposal`: delete or return, by
//!   `disposeBy`). Anonymous data are not personal data (seed 003), so for
//!   them these are optional; a refusal carries none of them.
//! - The access starts no earlier than the decision, ends no earlier than it
//!   starts, and the data are deleted or returned no earlier than the access
//!   ends (the deletion date may be later, e.g. to keep data for
//!   verification of results, as the decision's conditions say).
//! - Identifiable data without the data subjects' consent need an exemption
//!   from confidentiality; anonymous data never do (seed 003: "Det er ikke
//!   nødvendig å fremlegge ... dispensasjon fra taushetsplikt for å få tilgang
//!   til anonyme opplysninger"). A grant that needs one carries the exemption
//!   decision, granted, with its legal basis; refusing the exemption means
//!   refusing the source.
//! - Per table: each table from the source is decided once, tables from other
//!   sources are not; a table not granted in full says why; the tables agree
//!   with the source's outcome (all granted for GRANTED, all refused for
//!   REFUSED, a mix for `PARTLY_GRANTED`). Tables decided that way say what a
//!   partial grant grants, so a partial grant by tables needs no variables or
//!   period.

use std::collections::BTreeSet;

use time::Date;

use super::decision::check_decision;
use super::table::code_traits;
use super::{Decider, DecisionOutcome, DecisionProblem, SourceDecisionDetails, SourceFacts};
use crate::application::{self, Application};

#[cfg(doc)]
use super::check_decisions;

/// What is to become of the data when the access ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Disposal {
    /// Delete (slette).
    Delete,
    /// Return to the custodian (tilbakelevere).
    Return,
}

impl Disposal {
    pub const ALL: [Disposal; 2] = [Self::Delete, Self::Return];

    /// `DELETE` or `RETURN`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delete => "DELETE",
            Self::Return => "RETURN",
        }
    }
}

code_traits!(Disposal, "disposal");

/// The decision on exemption from confidentiality (dispensasjon fra
/// taushetsplikt), which HDS makes with the access decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExemptionDecision {
    /// Granted or refused (never partly).
    pub granted: bool,
    /// Legal basis references, at least one.
    pub legal_basis: Vec<String>,
    pub conditions: Vec<String>,
}

/// The outcome for one table asked for (tabellbestilling).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDecision {
    /// The table's index in the application (`/tableSpecifications/{table}`).
    pub table: usize,
    pub outcome: DecisionOutcome,
    /// Why a table is not granted in full (e.g. small numbers that cannot be
    /// suppressed without revealing individuals).
    pub reason: Option<String>,
}

/// The terms a complete decision adds to [`SourceDecisionDetails`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionTerms {
    /// The first day the access is valid.
    pub access_from: Option<Date>,
    /// The last day the access is valid.
    pub access_to: Option<Date>,
    pub disposal: Option<Disposal>,
    /// The day by which the data must be deleted or returned.
    pub dispose_by: Option<Date>,
    pub exemption: Option<ExemptionDecision>,
    /// Per table, where tables were asked for from this source.
    pub tables: Vec<TableDecision>,
}

/// A complete decision for one data source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompleteSourceDecision {
    pub decision: SourceDecisionDetails,
    pub terms: DecisionTerms,
}

/// What the complete-decision rules need to know about the application.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionFacts {
    /// The application asks for identifiable data (not anonymous).
    pub identifiable: bool,
    /// Identifiable data without the data subjects' consent: an exemption
    /// from confidentiality is needed.
    pub exemption_needed: bool,
    /// The data source of each table asked for, by the table's index.
    pub table_sources: Vec<String>,
}

impl DecisionFacts {
    /// The facts of a (submitted) application.
    pub fn of(app: &Application) -> Self {
        Self {
            identifiable: application::requests_identifiable_data(app),
            exemption_needed: application::needs_confidentiality_exemption(app),
            table_sources: app
                .table_specifications
                .iter()
                .map(|t| t.data_source.clone())
                .collect(),
        }
    }
}

/// Checks complete decisions: every problem of [`check_decisions`] (a
/// partial grant may say what it grants by its tables instead), and the
/// terms' rules above. `decided_on` is the decision's date.
pub fn check_complete_decisions(
    sources: &[SourceFacts],
    facts: &DecisionFacts,
    given: &[CompleteSourceDecision],
    decider: Decider<'_>,
    decided_on: Date,
) -> Vec<DecisionProblem> {
    let mut problems = Vec::new();
    for (index, d) in given.iter().enumerate() {
        let mut problem = |field: &str, code: &'static str, message: String| {
            problems.push(DecisionProblem {
                index,
                field: field.to_owned(),
                code,
                message,
            });
        };
        let earlier: Vec<&SourceDecisionDetails> =
            given[..index].iter().map(|g| &g.decision).collect();
        let partial_by_tables =
            d.decision.outcome == DecisionOutcome::PartlyGranted && !d.terms.tables.is_empty();
        let known = check_decision(
            sources,
            &earlier,
            &d.decision,
            decider,
            partial_by_tables,
            &mut problem,
        );
        for (j, c) in d.decision.conditions.iter().enumerate() {
            if c.trim().is_empty() {
                problem(
                    &format!("conditions/{j}"),
                    "REQUIRED",
                    "a condition cannot be blank".into(),
                );
            }
        }
        let grant = d.decision.outcome != DecisionOutcome::Refused;
        check_period(facts, grant, &d.terms, decided_on, &mut problem);
        check_exemption(facts, grant, d.terms.exemption.as_ref(), &mut problem);
        if known {
            check_tables(facts, &d.decision, &d.terms.tables, &mut problem);
        }
    }
    problems
}

type Problem<'a> = dyn FnMut(&str, &'static str, String) + 'a;

fn check_period(
    facts: &DecisionFacts,
    grant: bool,
    t: &DecisionTerms,
    decided_on: Date,
    problem: &mut Problem<'_>,
) {
    let fields = [
        ("accessFrom", t.access_from.is_some()),
        ("accessTo", t.access_to.is_some()),
        ("disposal", t.disposal.is_some()),
        ("disposeBy", t.dispose_by.is_some()),
    ];
    if !grant {
        for (field, given) in fields {
            if given {
                problem(
                    field,
                    "ONLY_FOR_GRANT",
                    "a refusal grants no access: no access period, deletion or return".into(),
                );
            }
        }
        return;
    }
    let any_disposal = t.disposal.is_some() || t.dispose_by.is_some();
    for (field, given) in fields {
        let required = facts.identifiable || (field.starts_with("dispos") && any_disposal);
        if required && !given {
            let message = if field.starts_with("access") {
                "a grant of identifiable data states the period the access is valid for"
            } else {
                "a grant of identifiable data states whether the data are deleted or returned, and by when"
            };
            problem(field, "REQUIRED", message.into());
        }
    }
    if let Some(from) = t.access_from.filter(|f| *f < decided_on) {
        problem(
            "accessFrom",
            "BEFORE_DECISION",
            format!("the access cannot start ({from}) before the decision ({decided_on})"),
        );
    }
    if let (Some(from), Some(to)) = (t.access_from, t.access_to) {
        if to < from {
            problem(
                "accessTo",
                "BEFORE_FROM",
                format!("the access ends ({to}) before it starts ({from})"),
            );
        }
    }
    if let (Some(to), Some(by)) = (t.access_to, t.dispose_by) {
        if by < to {
            problem(
                "disposeBy",
                "BEFORE_ACCESS_ENDS",
                format!(
                    "the data must be deleted or returned ({by}) no earlier than the access ends ({to})"
                ),
            );
        }
    }
}

fn check_exemption(
    facts: &DecisionFacts,
    grant: bool,
    exemption: Option<&ExemptionDecision>,
    problem: &mut Problem<'_>,
) {
    let Some(e) = exemption else {
        if grant && facts.exemption_needed {
            problem(
                "confidentialityExemption",
                "EXEMPTION_REQUIRED",
                "identifiable data without consent need a decision on exemption from \
                 confidentiality (dispensasjon fra taushetsplikt)"
                    .into(),
            );
        }
        return;
    };
    if !facts.identifiable {
        problem(
            "confidentialityExemption",
            "EXEMPTION_NOT_APPLICABLE",
            "anonymous data need no exemption from confidentiality".into(),
        );
        return;
    }
    if grant && facts.exemption_needed && !e.granted {
        problem(
            "confidentialityExemption/granted",
            "EXEMPTION_REFUSED",
            "without the exemption from confidentiality the identifiable data cannot be \
             granted: grant the exemption or refuse the source"
                .into(),
        );
    }
    if e.legal_basis.iter().all(|b| b.trim().is_empty()) {
        problem(
            "confidentialityExemption/legalBasis",
            "REQUIRED",
            "name the legal basis (hjemmel) of the decision on exemption".into(),
        );
    }
}

fn check_tables(
    facts: &DecisionFacts,
    d: &SourceDecisionDetails,
    tables: &[TableDecision],
    problem: &mut Problem<'_>,
) {
    if tables.is_empty() {
        return;
    }
    let mut seen = BTreeSet::new();
    for (j, t) in tables.iter().enumerate() {
        let at = format!("tables/{j}");
        match facts.table_sources.get(t.table) {
            None => problem(
                &format!("{at}/table"),
                "UNKNOWN_TABLE",
                format!("the application has no table {}", t.table),
            ),
            Some(s) if *s != d.data_source => problem(
                &format!("{at}/table"),
                "NOT_FROM_SOURCE",
                format!("table {} is made from {s}, not {}", t.table, d.data_source),
            ),
            Some(_) if !seen.insert(t.table) => problem(
                &format!("{at}/table"),
                "DUPLICATE",
                format!("table {} has more than one outcome", t.table),
            ),
            Some(_) => {}
        }
        if t.outcome != DecisionOutcome::Granted
            && t.reason.as_ref().is_none_or(|r| r.trim().is_empty())
        {
            problem(
                &format!("{at}/reason"),
                "REQUIRED",
                "say why the table is not granted in full".into(),
            );
        }
        let contradicts = match d.outcome {
            DecisionOutcome::Granted => t.outcome != DecisionOutcome::Granted,
            DecisionOutcome::Refused => t.outcome != DecisionOutcome::Refused,
            DecisionOutcome::PartlyGranted => false,
        };
        if contradicts {
            problem(
                &format!("{at}/outcome"),
                "CONTRADICTS_OUTCOME",
                format!(
                    "a {} source cannot have a {} table",
                    d.outcome.as_str(),
                    t.outcome.as_str()
                ),
            );
        }
    }
    let missing: Vec<String> = facts
        .table_sources
        .iter()
        .enumerate()
        .filter(|(i, s)| **s == d.data_source && !seen.contains(i))
        .map(|(i, _)| i.to_string())
        .collect();
    if !missing.is_empty() {
        problem(
            "tables",
            "TABLE_UNDECIDED",
            format!(
                "every table from {} needs an outcome; missing: {}",
                d.data_source,
                missing.join(", ")
            ),
        );
    }
    if d.outcome == DecisionOutcome::PartlyGranted {
        let all = |o: DecisionOutcome| tables.iter().all(|t| t.outcome == o);
        if all(DecisionOutcome::Granted) || all(DecisionOutcome::Refused) {
            problem(
                "tables",
                "CONTRADICTS_OUTCOME",
                "a partial grant by tables grants some and not all: otherwise grant or refuse \
                 the source"
                    .into(),
            );
        }
    }
}
