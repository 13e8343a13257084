//! Invoice bases: basic fee, hours × the rate of the day, counting, free
//! hours, VAT, problems.

use time::macros::date;

use super::fixtures::*;
use crate::fees::*;

const RECEIVED: time::Date = date!(2025 - 05 - 20);

fn mfr() -> RequestedSource {
    source("MFR", "FHI")
}

fn kreft() -> RequestedSource {
    source("KREFT", "KREFTREGISTERET")
}

#[test]
fn hds_charges_the_basic_fee_for_one_or_several_sources() {
    let one = draft_for(&hds_2023(), RECEIVED, &[mfr(), mfr()], &[], &identifiable());
    assert_eq!(
        summary(&one.lines),
        vec![(
            "BASIC_FEE",
            "1.00".into(),
            "1500.00".into(),
            "1500.00".into()
        )]
    );
    assert_eq!(one.lines[0].description, "Grunngebyr, én datakilde");
    let several = draft_for(
        &hds_2023(),
        RECEIVED,
        &[mfr(), kreft()],
        &[],
        &identifiable(),
    );
    assert_eq!(several.totals.including_vat, Money::from_nok(3000));
    assert_eq!(
        several.lines[0].description,
        "Grunngebyr, flere datakilder (2)"
    );
}

#[test]
fn the_basic_fee_is_the_one_in_force_when_the_application_was_received() {
    let list = hds_with_july_change();
    let before = draft_for(&list, date!(2025 - 06 - 30), &[mfr()], &[], &identifiable());
    assert_eq!(before.totals.excluding_vat, Money::from_nok(1500));
    let after = draft_for(&list, JULY_2025, &[mfr()], &[], &identifiable());
    assert_eq!(after.totals.excluding_vat, Money::from_nok(1600));
}

#[test]
fn hours_on_both_sides_of_a_price_change_are_priced_at_the_two_rates() {
    let ledger = [work(1, date!(2025 - 06 - 30), 100), work(2, JULY_2025, 100)];
    let b = draft_for(
        &hds_with_july_change(),
        RECEIVED,
        &[mfr()],
        &ledger,
        &identifiable(),
    );
    assert_eq!(
        summary(&b.lines),
        vec![
            (
                "BASIC_FEE",
                "1.00".into(),
                "1500.00".into(),
                "1500.00".into()
            ),
            ("HOURS", "1.00".into(), "1155.00".into(), "1155.00".into()),
            ("HOURS", "1.00".into(), "1212.50".into(), "1212.50".into()),
        ]
    );
    assert_eq!(
        b.lines[1].period,
        Some((date!(2025 - 06 - 30), date!(2025 - 06 - 30)))
    );
    assert_eq!(b.lines[2].period, Some((JULY_2025, JULY_2025)));
    assert_eq!(b.totals.including_vat, nok("3867.50"));
}

#[test]
fn hds_counts_per_started_hour_of_the_case_and_bills_the_rounding_at_the_latest_rate() {
    let ledger = [
        work(1, date!(2025 - 06 - 10), 150),
        work(2, date!(2025 - 06 - 20), 75),
        work(3, date!(2025 - 07 - 03), 125),
    ];
    let b = draft_for(
        &hds_with_july_change(),
        RECEIVED,
        &[mfr()],
        &ledger,
        &identifiable(),
    );
    // 2.25 h before July, 1.25 h after: 3.50 h → 4 started hours; the 0.50 added is billed in July.
    assert_eq!(
        summary(&b.lines[1..]),
        vec![
            ("HOURS", "2.25".into(), "1155.00".into(), "2598.75".into()),
            ("HOURS", "1.75".into(), "1212.50".into(), "2121.88".into()),
        ]
    );
    assert_eq!(
        b.lines[1].description,
        "Saksbehandling 10.06.2025–20.06.2025"
    );
    assert_eq!(
        b.lines[2].description,
        "Saksbehandling 03.07.2025 (registrert 1,25 t; saken samlet rundet opp til 4 påbegynte timer)"
    );
}

#[test]
fn exact_hours_are_billed_as_recorded_with_corrections() {
    let ledger = [
        work(1, date!(2025 - 06 - 25), 300),
        work(2, date!(2025 - 07 - 02), 240),
        correction(
            3,
            date!(2025 - 07 - 02),
            -40,
            Correction::Adjusts(EntryId(2)),
        ),
        work(4, date!(2025 - 07 - 03), 100),
        correction(
            5,
            date!(2025 - 07 - 03),
            0,
            Correction::Replaces(EntryId(4)),
        ),
    ];
    let b = draft_for(
        &fhi(),
        RECEIVED,
        &[mfr(), kreft()],
        &ledger,
        &identifiable(),
    );
    assert_eq!(
        summary(&b.lines),
        vec![
            ("HOURS", "3.00".into(), "1155.00".into(), "3465.00".into()),
            ("HOURS", "2.00".into(), "1250.00".into(), "2500.00".into()),
        ]
    );
    assert_eq!(b.lines[0].description, "Tilrettelegging av data 25.06.2025");
    assert_eq!(b.totals.including_vat, nok("5965.00"));
}

#[test]
fn free_hours_come_off_anonymous_table_data_only() {
    let ledger = [
        work(1, date!(2025 - 06 - 30), 120),
        work(2, JULY_2025, 50),
        work(3, date!(2025 - 07 - 02), 110),
    ];
    let anon = draft_for(
        &kreftregisteret(),
        RECEIVED,
        &[kreft()],
        &ledger,
        &anonymous(),
    );
    assert_eq!(
        summary(&anon.lines),
        vec![
            ("HOURS", "2.00".into(), "1155.00".into(), "2310.00".into()),
            (
                "FREE_HOURS",
                "-2.00".into(),
                "1155.00".into(),
                "-2310.00".into()
            ),
            ("HOURS", "3.00".into(), "1300.00".into(), "3900.00".into()),
        ]
    );
    assert_eq!(
        anon.lines[1].description,
        "Fri tid: de første 2,00 t av saken er gratis"
    );
    assert_eq!(anon.totals.excluding_vat, nok("3900.00"));
    assert_eq!(anon.totals.vat, nok("975.00"));
    assert_eq!(anon.totals.including_vat, nok("4875.00"));

    let ident = draft_for(
        &kreftregisteret(),
        RECEIVED,
        &[kreft()],
        &ledger,
        &identifiable(),
    );
    assert!(ident.lines.iter().all(|l| l.kind != LineKind::FreeHours));
    assert_eq!(ident.totals.excluding_vat, nok("6210.00"));
    assert_eq!(ident.totals.including_vat, nok("7762.50"));
}

#[test]
fn vat_is_computed_once_on_the_categorys_sum_not_per_line() {
    let mut list = kreftregisteret();
    for v in &mut list.versions {
        v.counting = HourCounting::EXACT;
        v.hourly_rate = nok("1.50");
    }
    let ledger = [
        work(1, date!(2025 - 06 - 02), 1),
        work(2, date!(2025 - 07 - 02), 1),
    ];
    let b = draft_for(&list, RECEIVED, &[kreft()], &ledger, &identifiable());
    // Each line: 0.01 h × 1.50 = 0.015 → 0.02 (half up).
    assert_eq!(
        summary(&b.lines),
        vec![
            ("HOURS", "0.01".into(), "1.50".into(), "0.02".into()),
            ("HOURS", "0.01".into(), "1.50".into(), "0.02".into()),
        ]
    );
    // VAT 25 % of the sum 0.04 is 0.01; per line it would have been 2 × 0.01 (0.005 → 0.01).
    assert_eq!(b.totals.excluding_vat, Money::from_ore(4));
    assert_eq!(b.totals.vat, Money::from_ore(1));
    assert_eq!(b.totals.vat_breakdown.len(), 1);
    assert_eq!(b.totals.vat_breakdown[0].taxable, Money::from_ore(4));
    assert_eq!(b.totals.including_vat, Money::from_ore(5));
}

#[test]
fn a_change_of_vat_status_gives_a_breakdown_per_category() {
    let mut list = fhi();
    list.versions[1].vat = vat_25();
    let ledger = [
        work(1, date!(2025 - 06 - 25), 100),
        work(2, date!(2025 - 07 - 02), 100),
    ];
    let b = draft_for(&list, RECEIVED, &[mfr()], &ledger, &identifiable());
    let cats: Vec<(&str, String, String)> = b
        .totals
        .vat_breakdown
        .iter()
        .map(|s| {
            (
                s.vat.category_code(),
                s.taxable.to_decimal(),
                s.amount.to_decimal(),
            )
        })
        .collect();
    assert_eq!(
        cats,
        vec![
            ("O", "1155.00".into(), "0.00".into()),
            ("S", "1250.00".into(), "312.50".into()),
        ]
    );
    assert_eq!(b.totals.including_vat, nok("2717.50"));
}

#[test]
fn a_custodian_charges_its_basic_fee_for_its_own_sources() {
    let mut list = fhi();
    for v in &mut list.versions {
        v.basic_fee = BasicFee {
            one_source: Money::from_nok(500),
            several_sources: Money::from_nok(800),
        };
    }
    let sources = [mfr(), source("MSIS", "FHI"), kreft()];
    let b = draft_for(&list, RECEIVED, &sources, &[], &identifiable());
    assert_eq!(b.totals.including_vat, Money::from_nok(800));
    let b = draft_for(&list, RECEIVED, &[mfr(), kreft()], &[], &identifiable());
    assert_eq!(b.totals.including_vat, Money::from_nok(500));
    let b = draft_for(&list, RECEIVED, &[kreft()], &[], &identifiable());
    assert!(b.lines.is_empty(), "no source of its own: no fee");
}

#[test]
fn appeal_hours_are_free_where_the_party_honours_appeals() {
    let mut appeal = work(2, date!(2025 - 09 - 01), 150);
    appeal.activity = Activity::AppealHandling;
    let ledger = [work(1, date!(2025 - 06 - 02), 100), appeal];
    let hds = draft_for(
        &hds_with_july_change(),
        RECEIVED,
        &[mfr()],
        &ledger,
        &identifiable(),
    );
    assert_eq!(
        summary(&hds.lines),
        vec![
            (
                "BASIC_FEE",
                "1.00".into(),
                "1500.00".into(),
                "1500.00".into()
            ),
            ("HOURS", "1.00".into(), "1155.00".into(), "1155.00".into()),
            ("HOURS", "2.00".into(), "1212.50".into(), "2425.00".into()),
            (
                "EXEMPTION",
                "-1.00".into(),
                "2425.00".into(),
                "-2425.00".into()
            ),
        ]
    );
    assert!(hds.lines[2].description.starts_with("Klagebehandling"));
    assert_eq!(hds.lines[3].kind, LineKind::Exemption(Ground::Appeal));
    assert_eq!(
        hds.lines[3].reason.as_deref(),
        Some("Fritak: klagebehandling")
    );
    assert_eq!(hds.totals.including_vat, nok("2655.00"));

    // FHI does not list the appeal exemption: it charges the hours.
    let f = draft_for(&fhi(), RECEIVED, &[mfr()], &ledger, &identifiable());
    assert_eq!(f.totals.including_vat, nok("3030.00"));
}

#[test]
fn every_problem_is_named_with_a_pointer() {
    let ledger = [
        work(1, date!(2022 - 12 - 30), 100),
        work(2, date!(2025 - 06 - 02), 0),
    ];
    let mut payer = uio();
    if let Payer::Organisation { name, address, .. } = &mut payer {
        *name = " ".into();
        address.country = "Norge".into();
    }
    let err = draft(&BasisInput {
        case_number: "HDS-2025-000123",
        price_list: &hds_2023(),
        received_on: RECEIVED,
        sources: &[mfr()],
        work: &ledger,
        facts: &identifiable(),
        payer: &payer,
        payer_reference: Some(""),
    })
    .unwrap_err();
    let codes: Vec<(&str, &str)> = err.iter().map(|p| (p.pointer.as_str(), p.code)).collect();
    assert_eq!(
        codes,
        vec![
            ("/payer/name", "REQUIRED"),
            ("/payer/address/country", "INVALID_COUNTRY"),
            ("/payerReference", "REQUIRED"),
            ("/work/1/hours", "OUT_OF_RANGE"),
        ]
    );

    // Work before the first price list, and a case received before it.
    let err = draft(&BasisInput {
        case_number: "HDS-2025-000123",
        price_list: &hds_2023(),
        received_on: RECEIVED,
        sources: &[mfr()],
        work: &ledger[..1],
        facts: &identifiable(),
        payer: &uio(),
        payer_reference: None,
    })
    .unwrap_err();
    assert_eq!(err[0].pointer, "/work/0/workedOn");
    assert_eq!(err[0].code, "NO_PRICE");
    let err = draft(&BasisInput {
        case_number: "HDS-2025-000123",
        price_list: &hds_2023(),
        received_on: date!(2022 - 12 - 01),
        sources: &[mfr()],
        work: &[],
        facts: &identifiable(),
        payer: &uio(),
        payer_reference: None,
    })
    .unwrap_err();
    assert_eq!(err[0].pointer, "/receivedOn");
    assert_eq!(err[0].code, "NO_PRICE_LIST");
}

#[test]
fn a_party_with_nothing_to_charge_has_an_empty_basis() {
    let b = draft_for(&fhi(), RECEIVED, &[mfr()], &[], &identifiable());
    assert!(b.lines.is_empty());
    assert_eq!(b.totals.including_vat, Money::ZERO);
    assert!(b.totals.vat_breakdown.is_empty());
    assert_eq!(b.status, Status::Draft);
    assert_eq!(b.payer_reference.as_deref(), Some("PRJ-4711"));
}
