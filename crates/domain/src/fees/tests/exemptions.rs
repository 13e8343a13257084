//! Exemptions: each rule, its reason on the invoice line, and precedence.

use time::macros::date;

use super::fixtures::*;
use crate::application::DataKind;
use crate::fees::*;

const RECEIVED: time::Date = date!(2025 - 05 - 20);

fn sources() -> Vec<RequestedSource> {
    vec![source("MFR", "FHI"), source("KREFT", "KREFTREGISTERET")]
}

fn ledger() -> Vec<WorkEntry> {
    vec![
        work(1, date!(2025 - 06 - 10), 150),
        work(2, date!(2025 - 07 - 03), 125),
    ]
}

fn student(kind: DataKind) -> FeeFacts {
    FeeFacts {
        data_kind: Some(kind),
        student_up_to_masters: true,
        ..FeeFacts::default()
    }
}

fn waiver(party: InvoicingParty, covers: Covers) -> Waiver {
    Waiver {
        party,
        covers,
        reason: "Prosjektet er finansiert av HDS' eget utviklingsprogram".into(),
        granted_by: "saksbehandler-7".into(),
        granted_on: date!(2025 - 08 - 01),
    }
}

#[test]
fn a_student_asking_for_anonymous_data_pays_nothing_to_hds() {
    let b = draft_for(
        &hds_with_july_change(),
        RECEIVED,
        &sources(),
        &ledger(),
        &student(DataKind::Anonymous),
    );
    let last = b.lines.last().unwrap();
    assert_eq!(last.kind, LineKind::Exemption(Ground::Student));
    assert_eq!(
        last.description,
        "Fritak: student til og med masternivå som søker om anonyme, aggregerte opplysninger"
    );
    // The exemption takes off exactly what the other lines charge.
    let charged = Money::sum(b.lines[..b.lines.len() - 1].iter().map(|l| l.amount)).unwrap();
    assert_eq!(last.amount, Money::from_ore(-charged.ore()));
    assert_eq!(b.totals.including_vat, Money::ZERO);
    assert_eq!(
        b.lines.len(),
        4,
        "basic fee, two hours lines, one exemption"
    );
}

#[test]
fn a_student_asking_for_identifiable_data_pays_and_is_told_why() {
    let facts = student(DataKind::IndirectlyIdentifiable);
    let b = draft_for(
        &hds_with_july_change(),
        RECEIVED,
        &sources(),
        &ledger(),
        &facts,
    );
    assert!(b
        .lines
        .iter()
        .all(|l| !matches!(l.kind, LineKind::Exemption(_))));
    assert!(b.totals.including_vat > Money::ZERO);
    let a = assess(&facts, &InvoicingParty::Hds, &Ground::STATUTORY);
    assert_eq!(a.not_applied.len(), 1);
    assert_eq!(a.not_applied[0].ground, Ground::Student);
    assert!(
        a.not_applied[0].why.contains("bare anonyme"),
        "{}",
        a.not_applied[0].why
    );
    assert!(a.not_applied[0].why.contains("indirekte identifiserbare"));
    let unknown = FeeFacts {
        data_kind: None,
        ..facts
    };
    assert!(assess(&unknown, &InvoicingParty::Hds, &Ground::STATUTORY)
        .applied
        .iter()
        .all(|e| e.ground != Ground::Student));
}

#[test]
fn a_change_after_an_original_decision_is_free_and_before_one_it_is_not() {
    let decided = FeeFacts {
        request: RequestKind::ChangeRequest {
            original_case: "HDS-2024-000042".into(),
            original_decided_on: Some(date!(2024 - 11 - 05)),
        },
        ..identifiable()
    };
    let b = draft_for(
        &hds_with_july_change(),
        RECEIVED,
        &sources(),
        &ledger(),
        &decided,
    );
    assert_eq!(b.totals.including_vat, Money::ZERO);
    assert_eq!(
        b.lines.last().unwrap().reason.as_deref(),
        Some("Fritak: endring etter opprinnelig vedtak 2024-11-05 i sak HDS-2024-000042")
    );

    let undecided = FeeFacts {
        request: RequestKind::ChangeRequest {
            original_case: "HDS-2024-000042".into(),
            original_decided_on: None,
        },
        ..identifiable()
    };
    let b = draft_for(
        &hds_with_july_change(),
        RECEIVED,
        &sources(),
        &ledger(),
        &undecided,
    );
    assert!(b.totals.including_vat > Money::ZERO);
    let a = assess(&undecided, &InvoicingParty::Hds, &Ground::STATUTORY);
    assert_eq!(a.not_applied[0].ground, Ground::ChangeRequest);
    assert!(a.not_applied[0].why.contains("har ikke vedtak"));
}

#[test]
fn an_appeal_is_free_where_the_party_honours_it() {
    let facts = FeeFacts {
        request: RequestKind::Appeal {
            appealed_case: "HDS-2025-000007".into(),
        },
        ..identifiable()
    };
    let b = draft_for(
        &hds_with_july_change(),
        RECEIVED,
        &sources(),
        &ledger(),
        &facts,
    );
    assert_eq!(b.totals.including_vat, Money::ZERO);
    assert_eq!(
        b.lines.last().unwrap().reason.as_deref(),
        Some("Fritak: klage på vedtak i sak HDS-2025-000007")
    );
    // FHI's price list honours no statutory exemption: it charges, and says so.
    let f = draft_for(&fhi(), RECEIVED, &sources(), &ledger(), &facts);
    assert_eq!(f.totals.including_vat, nok("3295.00"));
    let a = assess(&facts, &custodian("FHI"), &[]);
    assert_eq!(a.not_applied[0].ground, Ground::Appeal);
    assert_eq!(
        a.not_applied[0].why,
        "FHI gir ikke fritak for klagebehandling"
    );
}

#[test]
fn a_waiver_covers_what_it_says_for_the_party_it_names() {
    let facts = FeeFacts {
        waivers: vec![waiver(InvoicingParty::Hds, Covers::BasicFee)],
        ..identifiable()
    };
    let b = draft_for(
        &hds_with_july_change(),
        RECEIVED,
        &sources(),
        &ledger(),
        &facts,
    );
    let last = b.lines.last().unwrap();
    assert_eq!(last.kind, LineKind::Exemption(Ground::Waiver));
    assert_eq!(last.amount, Money::from_nok(-3000));
    assert_eq!(
        last.description,
        "Fritak innvilget av saksbehandler: Prosjektet er finansiert av HDS' eget utviklingsprogram"
    );
    let hours: Money = Money::sum(
        b.lines
            .iter()
            .filter(|l| l.kind == LineKind::Hours)
            .map(|l| l.amount),
    )
    .unwrap();
    assert_eq!(b.totals.including_vat, hours);

    // A waiver of the hours takes off the hours and their free hours, not the basic fee.
    let facts = FeeFacts {
        waivers: vec![waiver(custodian("KREFTREGISTERET"), Covers::Hours)],
        ..anonymous()
    };
    let k = draft_for(&kreftregisteret(), RECEIVED, &sources(), &ledger(), &facts);
    assert_eq!(k.totals.including_vat, Money::ZERO);
    // ... and does nothing for another party.
    let h = draft_for(
        &hds_with_july_change(),
        RECEIVED,
        &sources(),
        &ledger(),
        &facts,
    );
    assert!(h
        .lines
        .iter()
        .all(|l| !matches!(l.kind, LineKind::Exemption(Ground::Waiver))));
}

#[test]
fn a_line_is_taken_off_once_by_the_first_exemption_that_covers_it() {
    let facts = FeeFacts {
        waivers: vec![waiver(InvoicingParty::Hds, Covers::Everything)],
        ..student(DataKind::Anonymous)
    };
    let b = draft_for(
        &hds_with_july_change(),
        RECEIVED,
        &sources(),
        &ledger(),
        &facts,
    );
    let exemptions: Vec<Ground> = b
        .lines
        .iter()
        .filter_map(|l| match l.kind {
            LineKind::Exemption(g) => Some(g),
            _ => None,
        })
        .collect();
    assert_eq!(exemptions, vec![Ground::Student]);
    assert_eq!(b.totals.including_vat, Money::ZERO);
}

#[test]
fn the_assessment_lists_the_exemptions_in_order_of_precedence() {
    let facts = FeeFacts {
        request: RequestKind::ChangeRequest {
            original_case: "HDS-2024-000042".into(),
            original_decided_on: Some(date!(2024 - 11 - 05)),
        },
        waivers: vec![waiver(InvoicingParty::Hds, Covers::Hours)],
        ..student(DataKind::Anonymous)
    };
    let a = assess(&facts, &InvoicingParty::Hds, &Ground::STATUTORY);
    let grounds: Vec<(Ground, Covers)> = a.applied.iter().map(|e| (e.ground, e.covers)).collect();
    assert_eq!(
        grounds,
        vec![
            (Ground::Student, Covers::Everything),
            (Ground::ChangeRequest, Covers::Everything),
            (Ground::Appeal, Covers::AppealHours),
            (Ground::Waiver, Covers::Hours),
        ]
    );
    assert!(a.everything_exempt());
    let none = assess(&identifiable(), &InvoicingParty::Hds, &[]);
    assert!(none.applied.is_empty() && none.not_applied.is_empty());
    assert!(!none.everything_exempt());
    let partial = Assessment {
        applied: vec![Exemption {
            ground: Ground::Waiver,
            covers: Covers::BasicFee,
            reason: String::new(),
        }],
        not_applied: vec![],
    };
    assert!(!partial.everything_exempt());
    assert!(partial.covers(Covers::BasicFee) && !partial.covers(Covers::Hours));
}

#[test]
fn a_waiver_needs_a_reason() {
    let mut w = waiver(InvoicingParty::Hds, Covers::Everything);
    assert!(check_waiver(&w).is_empty());
    w.reason = "  ".into();
    w.covers = Covers::AppealHours;
    w.party = custodian("not a code");
    let problems = check_waiver(&w);
    let codes: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.pointer.as_str(), p.code))
        .collect();
    assert_eq!(
        codes,
        vec![
            ("/reason", "REQUIRED"),
            ("/party", "INVALID_CODE"),
            ("/covers", "NOT_ALLOWED"),
        ]
    );
}

#[test]
fn codes_are_stable() {
    let codes: Vec<&str> = Ground::ALL.iter().map(|g| g.as_str()).collect();
    assert_eq!(codes, ["STUDENT", "CHANGE_REQUEST", "APPEAL", "WAIVER"]);
    assert_eq!(Covers::AppealHours.as_str(), "APPEAL_HOURS");
    assert_eq!(
        RoundingScope::ALL.map(RoundingScope::as_str),
        ["ENTRY", "DAY", "CASE"]
    );
    assert_eq!(
        Activity::ALL.map(Activity::as_str),
        ["CASE_HANDLING", "APPEAL_HANDLING"]
    );
    assert_eq!(
        FreeHoursFor::AnonymousDataOnly.as_str(),
        "ANONYMOUS_DATA_ONLY"
    );
}
