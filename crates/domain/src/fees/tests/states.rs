//! DRAFT → ISSUED → CREDITED, and the credit note.

use time::macros::date;

use super::fixtures::*;
use crate::fees::*;

const RECEIVED: time::Date = date!(2025 - 05 - 20);

fn basis() -> InvoiceBasis {
    let ledger = [
        work(1, date!(2025 - 06 - 10), 150),
        work(2, date!(2025 - 07 - 03), 125),
    ];
    draft_for(
        &hds_with_july_change(),
        RECEIVED,
        &[source("MFR", "FHI")],
        &ledger,
        &identifiable(),
    )
}

#[test]
fn a_draft_is_issued_numbered_and_then_credited_in_full() {
    let draft = basis();
    assert_eq!(draft.status.as_str(), "DRAFT");
    assert_eq!(draft.status.issue(), None);
    let issued = draft
        .issue("HDS-F-2025-0001", date!(2025 - 08 - 01), 30)
        .unwrap();
    let Status::Issued(issue) = &issued.status else {
        panic!("{:?}", issued.status)
    };
    assert_eq!(issue.number, "HDS-F-2025-0001");
    assert_eq!(issue.due_on, date!(2025 - 08 - 31));
    assert_eq!(issued.lines, draft.lines, "issuing changes no line");

    let (credited, note) = issued
        .credit("HDS-K-2025-0001", date!(2025 - 08 - 15), "Feil betaler")
        .unwrap();
    assert_eq!(credited.status.as_str(), "CREDITED");
    assert_eq!(credited.status.issue(), Some(issue));
    assert_eq!(note.credits, *issue);
    assert_eq!(note.reason, "Feil betaler");
    assert_eq!(note.lines.len(), issued.lines.len());
    for (c, i) in note.lines.iter().zip(&issued.lines) {
        assert_eq!(c.amount.ore(), -i.amount.ore());
        assert_eq!(c.quantity.hundredths(), -i.quantity.hundredths());
        assert_eq!(c.unit_price, i.unit_price, "a unit price is never negative");
        assert_eq!(c.description, i.description);
    }
    assert_eq!(
        note.totals.including_vat.ore(),
        -issued.totals.including_vat.ore()
    );
    assert_eq!(
        issued
            .totals
            .including_vat
            .checked_add(note.totals.including_vat),
        Ok(Money::ZERO)
    );
}

#[test]
fn an_issued_basis_is_never_edited() {
    let issued = basis().issue("F-1", date!(2025 - 08 - 01), 14).unwrap();
    assert_eq!(issued.redraft(basis()), Err(StateError::NotDraft("ISSUED")));
    assert_eq!(
        issued.issue("F-2", date!(2025 - 08 - 01), 14),
        Err(StateError::NotDraft("ISSUED"))
    );
    let (credited, _) = issued.credit("K-1", date!(2025 - 08 - 02), "feil").unwrap();
    assert_eq!(
        credited.redraft(basis()),
        Err(StateError::NotDraft("CREDITED"))
    );
    assert_eq!(
        credited
            .credit("K-2", date!(2025 - 08 - 02), "igjen")
            .unwrap_err(),
        StateError::NotIssued("CREDITED")
    );
    assert_eq!(
        basis()
            .credit("K-1", date!(2025 - 08 - 02), "feil")
            .unwrap_err(),
        StateError::NotIssued("DRAFT")
    );
    assert!(StateError::NotDraft("ISSUED")
        .to_string()
        .contains("never edited"));
}

#[test]
fn a_draft_is_recomputed_for_the_same_case_and_party_only() {
    let d = basis();
    let mut more = basis();
    more.lines.truncate(1);
    assert_eq!(d.redraft(more.clone()).unwrap().lines.len(), 1);
    let mut other = more;
    other.case_number = "HDS-2025-000999".into();
    assert_eq!(d.redraft(other), Err(StateError::NotTheSameBasis));
}

#[test]
fn nothing_to_pay_is_not_issued() {
    let exempt = draft_for(
        &hds_2023(),
        RECEIVED,
        &[source("MFR", "FHI")],
        &[],
        &FeeFacts {
            student_up_to_masters: true,
            ..anonymous()
        },
    );
    assert_eq!(exempt.totals.including_vat, Money::ZERO);
    assert_eq!(
        exempt.issue("F-1", date!(2025 - 08 - 01), 30),
        Err(StateError::NothingToInvoice("kr 0,00".into()))
    );
    let empty = draft_for(&fhi(), RECEIVED, &[], &[], &identifiable());
    assert!(matches!(
        empty.issue("F-1", date!(2025 - 08 - 01), 30),
        Err(StateError::NothingToInvoice(_))
    ));
}

#[test]
fn numbers_dates_terms_and_reasons_are_checked() {
    let d = basis();
    for bad in ["", "  ", "F\n1", &"F".repeat(51)] {
        assert_eq!(
            d.issue(bad, date!(2025 - 08 - 01), 30),
            Err(StateError::InvalidNumber),
            "{bad:?}"
        );
    }
    assert_eq!(
        d.issue("F-1", date!(2025 - 07 - 02), 30),
        Err(StateError::TooEarly(date!(2025 - 07 - 03))),
        "not before the last day of work billed"
    );
    assert_eq!(
        d.issue("F-1", date!(2025 - 08 - 01), 366),
        Err(StateError::PaymentTerms)
    );
    assert_eq!(
        d.issue("F-1", date!(2025 - 08 - 01), 0)
            .unwrap()
            .status
            .issue()
            .unwrap()
            .due_on,
        date!(2025 - 08 - 01)
    );
    let issued = d.issue("F-1", date!(2025 - 08 - 01), 30).unwrap();
    assert_eq!(
        issued
            .credit("F-1", date!(2025 - 08 - 02), "feil")
            .unwrap_err(),
        StateError::SameNumber
    );
    assert_eq!(
        issued
            .credit("K-1", date!(2025 - 08 - 02), " ")
            .unwrap_err(),
        StateError::ReasonRequired
    );
    assert_eq!(
        issued
            .credit("K-1", date!(2025 - 07 - 31), "feil")
            .unwrap_err(),
        StateError::TooEarly(date!(2025 - 08 - 01))
    );
    assert!(issued.credit("K-1", date!(2025 - 08 - 01), "feil").is_ok());
}

/// Every state and action, allowed or refused as the diagram says.
#[test]
fn the_state_machine_allows_exactly_the_drawn_transitions() {
    let draft = basis();
    let issued = draft.issue("F-1", date!(2025 - 08 - 01), 30).unwrap();
    let credited = issued
        .credit("K-1", date!(2025 - 08 - 02), "feil")
        .unwrap()
        .0;
    for (state, b) in [
        ("DRAFT", &draft),
        ("ISSUED", &issued),
        ("CREDITED", &credited),
    ] {
        assert_eq!(b.status.as_str(), state);
        let redraft = b.redraft(basis()).map(|n| n.status.as_str());
        let issue = b
            .issue("F-9", date!(2025 - 09 - 01), 30)
            .map(|n| n.status.as_str());
        let credit = b
            .credit("K-9", date!(2025 - 09 - 01), "feil")
            .map(|(n, _)| n.status.as_str());
        let outcome = (redraft.ok(), issue.ok(), credit.ok());
        let expected = match state {
            "DRAFT" => (Some("DRAFT"), Some("ISSUED"), None),
            "ISSUED" => (None, None, Some("CREDITED")),
            _ => (None, None, None),
        };
        assert_eq!(outcome, expected, "{state}");
    }
}
