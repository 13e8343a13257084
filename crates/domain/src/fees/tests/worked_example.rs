//! The worked example of docs/fees.md, recomputed: a case with HDS and two
//! custodians' hours across a price change on 1 July 2025. The figures here
//! and the tables in the document must agree.

use std::fmt::Write as _;

use time::macros::date;

use super::fixtures::*;
use crate::fees::*;

const DOC: &str = include_str!("../../../../../docs/fees.md");
const RECEIVED: time::Date = date!(2025 - 05 - 20);

fn sources() -> Vec<RequestedSource> {
    vec![source("MFR", "FHI"), source("KREFT", "KREFTREGISTERET")]
}

fn hds_hours() -> Vec<WorkEntry> {
    vec![
        work(1, date!(2025 - 06 - 10), 150),
        work(2, date!(2025 - 06 - 20), 100),
        correction(
            3,
            date!(2025 - 06 - 20),
            75,
            Correction::Replaces(EntryId(2)),
        ),
        work(4, date!(2025 - 07 - 03), 125),
    ]
}

fn fhi_hours() -> Vec<WorkEntry> {
    vec![
        work(11, date!(2025 - 06 - 25), 300),
        work(12, date!(2025 - 07 - 02), 240),
        correction(
            13,
            date!(2025 - 07 - 02),
            -40,
            Correction::Adjusts(EntryId(12)),
        ),
    ]
}

fn kreft_hours() -> Vec<WorkEntry> {
    vec![
        work(21, date!(2025 - 06 - 30), 120),
        work(22, date!(2025 - 07 - 01), 50),
        work(23, date!(2025 - 07 - 02), 110),
    ]
}

fn bases() -> [InvoiceBasis; 3] {
    let facts = anonymous();
    [
        draft_for(
            &hds_with_july_change(),
            RECEIVED,
            &sources(),
            &hds_hours(),
            &facts,
        ),
        draft_for(&fhi(), RECEIVED, &sources(), &fhi_hours(), &facts),
        draft_for(
            &kreftregisteret(),
            RECEIVED,
            &sources(),
            &kreft_hours(),
            &facts,
        ),
    ]
}

/// A basis as the markdown table in docs/fees.md.
fn table(b: &InvoiceBasis) -> String {
    let mut out =
        String::from("| # | line | quantity | unit price | amount |\n|---:|---|---:|---:|---:|\n");
    for (i, l) in b.lines.iter().enumerate() {
        let unit = match l.unit {
            Unit::Hour => " h",
            Unit::Piece => "",
        };
        let _ = writeln!(
            out,
            "| {} | {} | {}{unit} | {} | {} |",
            i + 1,
            l.description,
            l.quantity.to_decimal(),
            l.unit_price,
            l.amount
        );
    }
    for s in &b.totals.vat_breakdown {
        let _ = writeln!(
            out,
            "| | VAT {} on {} | | | {} |",
            match s.vat.rate() {
                Some(r) => r.to_string(),
                None => format!("({})", s.vat.category_code()),
            },
            s.taxable,
            s.amount
        );
    }
    let _ = writeln!(
        out,
        "| | **to pay** ({} øre) | | | **{}** |",
        grouped(b.totals.including_vat.ore()),
        b.totals.including_vat
    );
    out
}

/// `1856063` → `1 856 063`.
fn grouped(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

#[test]
fn the_worked_example_has_the_documented_figures() {
    let [hds, fhi_b, kreft] = bases();
    let ore = |b: &InvoiceBasis| {
        (
            b.totals.excluding_vat.ore(),
            b.totals.vat.ore(),
            b.totals.including_vat.ore(),
        )
    };
    // HDS: 3 000 + 2.25 h × 1 155 + 1.75 h × 1 212.50 (3.50 h → 4 started hours)
    assert_eq!(ore(&hds), (772_063, 0, 772_063));
    // FHI: 3.00 h × 1 155 + 2.00 h × 1 250, exact hours
    assert_eq!(ore(&fhi_b), (596_500, 0, 596_500));
    // Kreftregisteret: 2 h − 2 free h at 1 155, 3 h × 1 300, 25 % VAT
    assert_eq!(ore(&kreft), (390_000, 97_500, 487_500));
    let total: i64 = [&hds, &fhi_b, &kreft]
        .iter()
        .map(|b| b.totals.including_vat.ore())
        .sum();
    assert_eq!(total, 1_856_063);
    assert!(
        DOC.contains(&format!("NOK 18,560.63 ({} øre)", grouped(total))),
        "docs/fees.md states the sum of the three invoices"
    );
}

#[test]
fn as_a_student_the_example_costs_nothing_at_hds_only() {
    let facts = FeeFacts {
        student_up_to_masters: true,
        ..anonymous()
    };
    let hds = draft_for(
        &hds_with_july_change(),
        RECEIVED,
        &sources(),
        &hds_hours(),
        &facts,
    );
    let last = hds.lines.last().unwrap();
    assert_eq!(hds.lines.len(), 4);
    assert_eq!(last.amount.ore(), -772_063);
    assert_eq!(
        last.description,
        "Fritak: student til og med masternivå som søker om anonyme, aggregerte opplysninger"
    );
    assert!(DOC.contains(&format!("\"{}\", of {}", last.description, last.amount)));
    assert_eq!(hds.totals.including_vat, Money::ZERO);
    let fhi_b = draft_for(&fhi(), RECEIVED, &sources(), &fhi_hours(), &facts);
    assert_eq!(fhi_b.totals.including_vat.ore(), 596_500);
    let kreft = draft_for(
        &kreftregisteret(),
        RECEIVED,
        &sources(),
        &kreft_hours(),
        &facts,
    );
    assert_eq!(kreft.totals.including_vat.ore(), 487_500);
}

#[test]
fn the_documents_tables_are_what_the_code_computes() {
    for b in bases() {
        let t = table(&b);
        assert!(
            DOC.contains(&t),
            "docs/fees.md does not contain the table for {}:\n\n{t}",
            b.party
        );
    }
}
