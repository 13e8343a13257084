//! Complete decisions: access period, deletion or return, exemption from
//! confidentiality and per-table outcomes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use time::macros::date;
use time::Date;

use super::*;

const DECIDED_ON: Date = date!(2026 - 12 - 10);

fn source(code: &str) -> SourceFacts {
    SourceFacts {
        code: code.into(),
        authority: DecisionAuthority::Hds,
        custodian: "FHI".into(),
        requested_variables: Some(["VEKT".to_owned()].into()),
        requested_from: Some(2000),
        requested_to: Some(2020),
    }
}

fn identifiable() -> DecisionFacts {
    DecisionFacts {
        identifiable: true,
        exemption_needed: true,
        table_sources: vec![],
    }
}

fn anonymous_tables() -> DecisionFacts {
    DecisionFacts {
        identifiable: false,
        exemption_needed: false,
        // tables 0 and 2 from MFR, table 1 from NPR
        table_sources: vec!["MFR".into(), "NPR".into(), "MFR".into()],
    }
}

fn details(code: &str, outcome: DecisionOutcome) -> SourceDecisionDetails {
    SourceDecisionDetails {
        data_source: code.into(),
        outcome,
        legal_basis: vec!["helseregisterloven § 19 a".into()],
        conditions: vec!["Data oppbevares på sikker server.".into()],
        text: "Vedtak.".into(),
        granted_variables: None,
        granted_period_from: None,
        granted_period_to: None,
    }
}

fn exemption(granted: bool) -> ExemptionDecision {
    ExemptionDecision {
        granted,
        legal_basis: vec!["helseregisterloven § 19 e".into()],
        conditions: vec![],
    }
}

/// A complete grant of identifiable data.
fn full_grant(code: &str) -> CompleteSourceDecision {
    CompleteSourceDecision {
        decision: details(code, DecisionOutcome::Granted),
        terms: DecisionTerms {
            access_from: Some(DECIDED_ON),
            access_to: Some(date!(2029 - 12 - 31)),
            disposal: Some(Disposal::Delete),
            dispose_by: Some(date!(2034 - 12 - 31)),
            exemption: Some(exemption(true)),
            tables: vec![],
        },
    }
}

fn codes(
    facts: &DecisionFacts,
    given: &[CompleteSourceDecision],
) -> Vec<(usize, String, &'static str)> {
    check_complete_decisions(
        &[source("MFR"), source("NPR")],
        facts,
        given,
        Decider::Hds,
        DECIDED_ON,
    )
    .into_iter()
    .map(|p| (p.index, p.field, p.code))
    .collect()
}

fn one(field: &str, code: &'static str) -> Vec<(usize, String, &'static str)> {
    vec![(0, field.to_owned(), code)]
}

#[test]
fn a_complete_grant_of_identifiable_data_passes() {
    assert_eq!(codes(&identifiable(), &[full_grant("MFR")]), vec![]);
}

#[test]
fn the_rules_of_check_decisions_still_apply() {
    let mut d = full_grant("KREFT");
    d.decision.text = String::new();
    assert_eq!(
        codes(&identifiable(), &[full_grant("MFR"), full_grant("MFR"), d]),
        vec![
            (1, "dataSource".into(), "DUPLICATE"),
            (2, "dataSource".into(), "NOT_IN_CASE"),
        ]
    );
    let mut blank = full_grant("MFR");
    blank.decision.conditions.push("  ".into());
    assert_eq!(
        codes(&identifiable(), &[blank]),
        one("conditions/1", "REQUIRED")
    );
}

#[test]
fn a_grant_of_identifiable_data_states_its_period_and_what_happens_after() {
    let mut d = full_grant("MFR");
    d.terms.access_from = None;
    d.terms.access_to = None;
    d.terms.disposal = None;
    d.terms.dispose_by = None;
    assert_eq!(
        codes(&identifiable(), &[d]),
        vec![
            (0, "accessFrom".into(), "REQUIRED"),
            (0, "accessTo".into(), "REQUIRED"),
            (0, "disposal".into(), "REQUIRED"),
            (0, "disposeBy".into(), "REQUIRED"),
        ]
    );
}

#[test]
fn access_starts_after_the_decision_and_ends_before_the_data_are_deleted() {
    let mut d = full_grant("MFR");
    d.terms.access_from = Some(date!(2026 - 12 - 09));
    assert_eq!(
        codes(&identifiable(), &[d.clone()]),
        one("accessFrom", "BEFORE_DECISION")
    );
    d.terms.access_from = Some(date!(2027 - 01 - 01));
    d.terms.access_to = Some(date!(2026 - 12 - 31));
    assert_eq!(
        codes(&identifiable(), &[d.clone()]),
        one("accessTo", "BEFORE_FROM")
    );
    d.terms.access_to = Some(date!(2029 - 12 - 31));
    d.terms.dispose_by = Some(date!(2029 - 12 - 30));
    let p = check_complete_decisions(
        &[source("MFR")],
        &identifiable(),
        &[d.clone()],
        Decider::Hds,
        DECIDED_ON,
    );
    assert_eq!(
        (p[0].field.as_str(), p[0].code),
        ("disposeBy", "BEFORE_ACCESS_ENDS")
    );
    assert!(p[0].message.contains("2029-12-31"), "{}", p[0].message);
    // Deleted on the last day of access, or later (verification): fine.
    d.terms.dispose_by = Some(date!(2029 - 12 - 31));
    assert_eq!(codes(&identifiable(), &[d]), vec![]);
}

#[test]
fn a_refusal_grants_no_period_and_anonymous_data_need_none() {
    let mut refusal = full_grant("MFR");
    refusal.decision.outcome = DecisionOutcome::Refused;
    refusal.terms.exemption = None;
    assert_eq!(
        codes(&identifiable(), &[refusal]),
        vec![
            (0, "accessFrom".into(), "ONLY_FOR_GRANT"),
            (0, "accessTo".into(), "ONLY_FOR_GRANT"),
            (0, "disposal".into(), "ONLY_FOR_GRANT"),
            (0, "disposeBy".into(), "ONLY_FOR_GRANT"),
        ]
    );
    let plain = CompleteSourceDecision {
        decision: details("MFR", DecisionOutcome::Granted),
        terms: DecisionTerms::default(),
    };
    assert_eq!(
        codes(&anonymous_tables(), std::slice::from_ref(&plain)),
        vec![]
    );
    // If anonymous data get a disposal, it has a date too.
    let mut half = plain;
    half.terms.disposal = Some(Disposal::Return);
    assert_eq!(
        codes(&anonymous_tables(), &[half]),
        one("disposeBy", "REQUIRED")
    );
}

#[test]
fn identifiable_data_without_consent_need_the_exemption_granted() {
    let mut d = full_grant("MFR");
    d.terms.exemption = None;
    assert_eq!(
        codes(&identifiable(), &[d.clone()]),
        one("confidentialityExemption", "EXEMPTION_REQUIRED")
    );
    // With the data subjects' consent no exemption is needed.
    let consent = DecisionFacts {
        exemption_needed: false,
        ..identifiable()
    };
    assert_eq!(codes(&consent, &[d.clone()]), vec![]);
    // Refusing the exemption while granting the data is a contradiction.
    d.terms.exemption = Some(exemption(false));
    assert_eq!(
        codes(&identifiable(), &[d.clone()]),
        one("confidentialityExemption/granted", "EXEMPTION_REFUSED")
    );
    // Refused exemption, refused source: consistent (and both appealable).
    let mut refused = CompleteSourceDecision {
        decision: details("MFR", DecisionOutcome::Refused),
        terms: DecisionTerms {
            exemption: Some(exemption(false)),
            ..DecisionTerms::default()
        },
    };
    assert_eq!(codes(&identifiable(), &[refused.clone()]), vec![]);
    refused.terms.exemption = Some(ExemptionDecision {
        legal_basis: vec![" ".into()],
        ..exemption(false)
    });
    assert_eq!(
        codes(&identifiable(), &[refused]),
        one("confidentialityExemption/legalBasis", "REQUIRED")
    );
    // Anonymous data: an exemption decision does not apply.
    let anon = CompleteSourceDecision {
        decision: details("MFR", DecisionOutcome::Granted),
        terms: DecisionTerms {
            exemption: Some(exemption(true)),
            ..DecisionTerms::default()
        },
    };
    assert_eq!(
        codes(&anonymous_tables(), &[anon]),
        one("confidentialityExemption", "EXEMPTION_NOT_APPLICABLE")
    );
}

fn table(table: usize, outcome: DecisionOutcome, reason: Option<&str>) -> TableDecision {
    TableDecision {
        table,
        outcome,
        reason: reason.map(str::to_owned),
    }
}

fn with_tables(outcome: DecisionOutcome, tables: Vec<TableDecision>) -> CompleteSourceDecision {
    CompleteSourceDecision {
        decision: details("MFR", outcome),
        terms: DecisionTerms {
            tables,
            ..DecisionTerms::default()
        },
    }
}

#[test]
fn a_partial_grant_by_tables() {
    use DecisionOutcome as O;
    let small = Some("Små tall som ikke kan prikkes bort.");
    // Table 0 granted, table 2 refused: a partial grant that needs no
    // variables or period.
    let partly = with_tables(
        O::PartlyGranted,
        vec![table(0, O::Granted, None), table(2, O::Refused, small)],
    );
    assert_eq!(codes(&anonymous_tables(), &[partly]), vec![]);
    // Without tables a partial grant still says what it grants.
    assert_eq!(
        codes(
            &anonymous_tables(),
            &[with_tables(O::PartlyGranted, vec![])]
        ),
        one("grantedVariables", "REQUIRED")
    );
    // Every table of the source, once; no other source's table; a reason
    // for what is not granted.
    assert_eq!(
        codes(
            &anonymous_tables(),
            &[with_tables(
                O::PartlyGranted,
                vec![
                    table(0, O::Granted, None),
                    table(0, O::Refused, small),
                    table(1, O::Refused, None),
                    table(7, O::Granted, None),
                ]
            )]
        ),
        vec![
            (0, "tables/1/table".into(), "DUPLICATE"),
            (0, "tables/2/table".into(), "NOT_FROM_SOURCE"),
            (0, "tables/2/reason".into(), "REQUIRED"),
            (0, "tables/3/table".into(), "UNKNOWN_TABLE"),
            (0, "tables".into(), "TABLE_UNDECIDED"),
        ]
    );
}

#[test]
fn the_tables_agree_with_the_source_outcome() {
    use DecisionOutcome as O;
    let why = Some("Små tall.");
    assert_eq!(
        codes(
            &anonymous_tables(),
            &[with_tables(
                O::Granted,
                vec![table(0, O::Granted, None), table(2, O::Refused, why)]
            )]
        ),
        one("tables/1/outcome", "CONTRADICTS_OUTCOME")
    );
    assert_eq!(
        codes(
            &anonymous_tables(),
            &[with_tables(
                O::Refused,
                vec![table(0, O::Refused, why), table(2, O::Granted, None)]
            )]
        ),
        one("tables/1/outcome", "CONTRADICTS_OUTCOME")
    );
    assert_eq!(
        codes(
            &anonymous_tables(),
            &[with_tables(
                O::PartlyGranted,
                vec![table(0, O::Granted, None), table(2, O::Granted, None)]
            )]
        ),
        one("tables", "CONTRADICTS_OUTCOME")
    );
    assert_eq!(
        codes(
            &anonymous_tables(),
            &[with_tables(
                O::Granted,
                vec![table(0, O::Granted, None), table(2, O::Granted, None)]
            )]
        ),
        vec![]
    );
}

#[test]
fn the_facts_come_from_the_application() {
    use crate::application::{
        Application, Art6Letter, Art9Letter, DataKind, LegalBasis, TableSpecification,
    };
    let app = Application {
        data_kind: Some(DataKind::IndirectlyIdentifiable),
        legal_basis: LegalBasis {
            gdpr_article6: vec![Art6Letter::new('e').unwrap()],
            gdpr_article9: vec![Art9Letter::new('j').unwrap()],
            ..LegalBasis::default()
        },
        table_specifications: vec![TableSpecification {
            data_source: "NPR".into(),
            ..TableSpecification::default()
        }],
        ..Application::default()
    };
    assert_eq!(
        DecisionFacts::of(&app),
        DecisionFacts {
            identifiable: true,
            exemption_needed: true,
            table_sources: vec!["NPR".into()],
        }
    );
}
