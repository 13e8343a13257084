//! The rules a decision (vedtak) for one data source must follow, beyond its
//! outcome: who may decide it, its legal basis and text, and what a partial
//! grant grants.

use std::collections::BTreeSet;

use super::DecisionOutcome;

/// Who decides for a data source (vedtaksmyndighet), a property of the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecisionAuthority {
    /// Helsedataservice decides (the registers HDS decides for since 15 March 2023).
    Hds,
    /// The source's custodian decides itself.
    Custodian,
}

impl DecisionAuthority {
    /// `HDS` or `CUSTODIAN`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hds => "HDS",
            Self::Custodian => "CUSTODIAN",
        }
    }
}

/// Who is deciding now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decider<'a> {
    /// An HDS case handler.
    Hds,
    /// The custodian with this code.
    Custodian(&'a str),
}

/// What the rules need to know about a data source of the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFacts {
    pub code: String,
    pub authority: DecisionAuthority,
    /// The custodian's code.
    pub custodian: String,
    /// The variables the application asks for (`None`: not listed, e.g. tables).
    pub requested_variables: Option<BTreeSet<String>>,
    /// The period the application asks for (years).
    pub requested_from: Option<i32>,
    pub requested_to: Option<i32>,
}

/// The decision for one data source with everything the applicant reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceDecisionDetails {
    pub data_source: String,
    pub outcome: DecisionOutcome,
    /// Legal basis references (hjemmel), at least one.
    pub legal_basis: Vec<String>,
    /// Conditions (vilkår).
    pub conditions: Vec<String>,
    /// The decision text (vedtakstekst).
    pub text: String,
    /// For a partial grant: the variables granted (a subset of those asked for).
    pub granted_variables: Option<Vec<String>>,
    /// For a partial grant: the period granted, within the period asked for.
    pub granted_period_from: Option<i32>,
    pub granted_period_to: Option<i32>,
}

/// A problem with one decision: `index` in the list, `field` a JSON pointer
/// below it (e.g. `grantedVariables/0`), a code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionProblem {
    pub index: usize,
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

/// Checks decisions against the case's sources and who decides: every
/// problem, in order. A source may appear once; it must be one the
/// application asks for; HDS decides only HDS sources and a custodian only
/// its own CUSTODIAN sources; a legal basis and a text are required; a
/// PARTLY_GRANTED decision says which variables (asked for) or which period
/// (within the one asked for) it grants, and only it does.
pub fn check_decisions(
    sources: &[SourceFacts],
    given: &[SourceDecisionDetails],
    decider: Decider<'_>,
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
        let earlier: Vec<&SourceDecisionDetails> = given[..index].iter().collect();
        check_decision(sources, &earlier, d, decider, false, &mut problem);
    }
    problems
}

/// The rules of [`check_decisions`] for one decision `d`, after `earlier`
/// ones. `partial_by_tables`: a partial grant says what it grants by its
/// tables (see [`check_complete_decisions`](super::check_complete_decisions)).
/// Returns whether the source is one of the case's, decided once.
pub(super) fn check_decision(
    sources: &[SourceFacts],
    earlier: &[&SourceDecisionDetails],
    d: &SourceDecisionDetails,
    decider: Decider<'_>,
    partial_by_tables: bool,
    problem: &mut dyn FnMut(&str, &'static str, String),
) -> bool {
    if earlier.iter().any(|o| o.data_source == d.data_source) {
        problem(
            "dataSource",
            "DUPLICATE",
            format!("{} has more than one decision", d.data_source),
        );
        return false;
    }
    let Some(s) = sources.iter().find(|s| s.code == d.data_source) else {
        problem(
            "dataSource",
            "NOT_IN_CASE",
            format!("the application does not ask for {}", d.data_source),
        );
        return false;
    };
    match (decider, s.authority) {
        (Decider::Hds, DecisionAuthority::Custodian) => problem(
            "dataSource",
            "DECIDED_BY_CUSTODIAN",
            format!(
                "{} is decided by its custodian {}, which has a DECISION task for it",
                s.code, s.custodian
            ),
        ),
        (Decider::Custodian(c), authority)
            if authority != DecisionAuthority::Custodian || s.custodian != c =>
        {
            problem(
                "dataSource",
                "NOT_YOUR_DECISION",
                format!("{} is not decided by custodian {c}", s.code),
            );
        }
        _ => {}
    }
    check_content(s, d, partial_by_tables, problem);
    true
}

/// Legal basis, text and what a partial grant grants.
fn check_content(
    s: &SourceFacts,
    d: &SourceDecisionDetails,
    partial_by_tables: bool,
    problem: &mut dyn FnMut(&str, &'static str, String),
) {
    if d.legal_basis.iter().all(|b| b.trim().is_empty()) {
        problem(
            "legalBasis",
            "REQUIRED",
            "name at least one legal basis (hjemmel)".into(),
        );
    }
    if d.text.trim().is_empty() {
        problem("text", "REQUIRED", "the decision needs its text".into());
    }
    let partly = d.outcome == DecisionOutcome::PartlyGranted;
    let grants = d.granted_variables.is_some()
        || d.granted_period_from.is_some()
        || d.granted_period_to.is_some();
    if partly && !grants && !partial_by_tables {
        problem(
            "grantedVariables",
            "REQUIRED",
            "a partial grant says which variables or which period is granted".into(),
        );
    }
    if !partly && grants {
        problem(
            "grantedVariables",
            "ONLY_FOR_PARTLY_GRANTED",
            "granted variables and period belong to a PARTLY_GRANTED decision".into(),
        );
    }
    if let (Some(vars), Some(requested)) = (&d.granted_variables, &s.requested_variables) {
        for (j, v) in vars.iter().enumerate() {
            if !requested.contains(v) {
                problem(
                    &format!("grantedVariables/{j}"),
                    "NOT_REQUESTED",
                    format!("{v} was not asked for from {}", s.code),
                );
            }
        }
    }
    if let (Some(from), Some(asked)) = (d.granted_period_from, s.requested_from) {
        if from < asked {
            problem(
                "grantedPeriodFrom",
                "OUTSIDE_REQUESTED_PERIOD",
                format!("the application asks from {asked}"),
            );
        }
    }
    if let (Some(to), Some(asked)) = (d.granted_period_to, s.requested_to) {
        if to > asked {
            problem(
                "grantedPeriodTo",
                "OUTSIDE_REQUESTED_PERIOD",
                format!("the application asks up to {asked}"),
            );
        }
    }
    if let (Some(from), Some(to)) = (d.granted_period_from, d.granted_period_to) {
        if from > to {
            problem(
                "grantedPeriodTo",
                "BEFORE_FROM",
                "the period ends before it starts".into(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(code: &str, authority: DecisionAuthority, custodian: &str) -> SourceFacts {
        SourceFacts {
            code: code.into(),
            authority,
            custodian: custodian.into(),
            requested_variables: Some(["VEKT".to_owned(), "KJONN".to_owned()].into()),
            requested_from: Some(2000),
            requested_to: Some(2015),
        }
    }

    fn decision(code: &str, outcome: DecisionOutcome) -> SourceDecisionDetails {
        SourceDecisionDetails {
            data_source: code.into(),
            outcome,
            legal_basis: vec!["helseregisterloven § 19 a".into()],
            conditions: vec![],
            text: "Vedtak.".into(),
            granted_variables: None,
            granted_period_from: None,
            granted_period_to: None,
        }
    }

    fn codes(p: &[DecisionProblem]) -> Vec<(usize, &str, &str)> {
        p.iter()
            .map(|p| (p.index, p.field.as_str(), p.code))
            .collect()
    }

    #[test]
    fn who_decides_follows_the_decision_authority() {
        let sources = [
            source("MFR", DecisionAuthority::Hds, "FHI"),
            source("MOBA", DecisionAuthority::Custodian, "FHI"),
            source("HUNT", DecisionAuthority::Custodian, "NTNU"),
        ];
        let all = [
            decision("MFR", DecisionOutcome::Granted),
            decision("MOBA", DecisionOutcome::Granted),
            decision("HUNT", DecisionOutcome::Refused),
        ];
        assert_eq!(
            codes(&check_decisions(&sources, &all, Decider::Hds)),
            vec![
                (1, "dataSource", "DECIDED_BY_CUSTODIAN"),
                (2, "dataSource", "DECIDED_BY_CUSTODIAN")
            ]
        );
        assert_eq!(
            codes(&check_decisions(&sources, &all, Decider::Custodian("FHI"))),
            vec![
                (0, "dataSource", "NOT_YOUR_DECISION"),
                (2, "dataSource", "NOT_YOUR_DECISION")
            ]
        );
        assert!(check_decisions(&sources, &all[..1], Decider::Hds).is_empty());
    }

    #[test]
    fn a_partial_grant_says_what_and_stays_within_the_application() {
        let sources = [source("MFR", DecisionAuthority::Hds, "FHI")];
        let mut d = decision("MFR", DecisionOutcome::PartlyGranted);
        assert_eq!(
            codes(&check_decisions(&sources, &[d.clone()], Decider::Hds)),
            vec![(0, "grantedVariables", "REQUIRED")]
        );
        d.granted_variables = Some(vec!["VEKT".into(), "DIAGNOSE".into()]);
        d.granted_period_from = Some(1990);
        d.granted_period_to = Some(2020);
        assert_eq!(
            codes(&check_decisions(&sources, &[d.clone()], Decider::Hds)),
            vec![
                (0, "grantedVariables/1", "NOT_REQUESTED"),
                (0, "grantedPeriodFrom", "OUTSIDE_REQUESTED_PERIOD"),
                (0, "grantedPeriodTo", "OUTSIDE_REQUESTED_PERIOD"),
            ]
        );
        d.granted_variables = Some(vec!["VEKT".into()]);
        d.granted_period_from = Some(2010);
        d.granted_period_to = Some(2005);
        assert_eq!(
            codes(&check_decisions(&sources, &[d.clone()], Decider::Hds)),
            vec![(0, "grantedPeriodTo", "BEFORE_FROM")]
        );
        d.granted_period_to = Some(2015);
        assert!(check_decisions(&sources, &[d.clone()], Decider::Hds).is_empty());
        let mut granted = d;
        granted.outcome = DecisionOutcome::Granted;
        assert_eq!(
            codes(&check_decisions(&sources, &[granted], Decider::Hds)),
            vec![(0, "grantedVariables", "ONLY_FOR_PARTLY_GRANTED")]
        );
    }

    #[test]
    fn legal_basis_text_unknown_and_duplicate_sources() {
        let sources = [source("MFR", DecisionAuthority::Hds, "FHI")];
        let mut d = decision("MFR", DecisionOutcome::Refused);
        d.legal_basis = vec![" ".into()];
        d.text = String::new();
        let problems = check_decisions(
            &sources,
            &[
                d,
                decision("MFR", DecisionOutcome::Granted),
                decision("KREFT", DecisionOutcome::Granted),
            ],
            Decider::Hds,
        );
        assert_eq!(
            codes(&problems),
            vec![
                (0, "legalBasis", "REQUIRED"),
                (0, "text", "REQUIRED"),
                (1, "dataSource", "DUPLICATE"),
                (2, "dataSource", "NOT_IN_CASE"),
            ]
        );
    }
}
