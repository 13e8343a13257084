//! The cost estimate (kostnadsberegning) before submission.

use time::macros::date;

use super::fixtures::*;
use crate::application::DataKind;
use crate::fees::*;

fn sources() -> Vec<RequestedSource> {
    vec![source("MFR", "FHI"), source("KREFT", "KREFTREGISTERET")]
}

fn estimate_on(on: time::Date, facts: &FeeFacts, hds_hours: Option<HourRange>) -> Estimate {
    let custodians = [fhi(), kreftregisteret()];
    estimate(&EstimateInput {
        on,
        sources: &sources(),
        hds: &hds_with_july_change(),
        custodians: &custodians,
        facts,
        hds_hours,
    })
    .unwrap()
}

#[allow(clippy::unnecessary_wraps)] // compared with the estimate's optional ranges
fn range(low: &str, high: &str) -> Option<Range> {
    Some(Range {
        low: nok(low),
        high: nok(high),
    })
}

#[test]
fn hds_and_each_custodian_get_a_range_from_their_prices() {
    let e = estimate_on(date!(2025 - 05 - 20), &anonymous(), None);
    let parties: Vec<String> = e.parties.iter().map(|p| p.party.to_string()).collect();
    assert_eq!(parties, ["HDS", "FHI", "KREFTREGISTERET"]);

    let hds = &e.parties[0];
    assert_eq!(hds.sources, ["KREFT", "MFR"]);
    assert_eq!(hds.basic_fee, Money::from_nok(3000));
    // 3 000 + 2 × 1 155 .. 3 000 + 8 × 1 155; outside VAT
    assert_eq!(hds.excluding_vat, range("5310.00", "12240.00"));
    assert_eq!(hds.including_vat, hds.excluding_vat);
    assert!(hds
        .notes
        .iter()
        .any(|n| n == "Timepris kr 1 155,00 (priser fra 01.01.2023)."));
    assert!(hds
        .notes
        .iter()
        .any(|n| n == "Timer faktureres per påbegynt time for saken samlet."));

    // FHI publishes no typical hours: the rate only.
    let fhi_e = &e.parties[1];
    assert_eq!(fhi_e.sources, ["MFR"]);
    assert_eq!(fhi_e.excluding_vat, None);
    assert_eq!(
        fhi_e.prices.as_ref().unwrap().hourly_rate,
        Money::from_nok(1155)
    );
    assert!(fhi_e
        .notes
        .iter()
        .any(|n| n.contains("avhenger av medgått tid")));

    // Kreftregisteret: 3 to 10 hours, the first 2 free for table data, 25 % VAT.
    let k = &e.parties[2];
    assert_eq!(k.excluding_vat, range("1155.00", "9240.00"));
    assert_eq!(k.including_vat, range("1443.75", "11550.00"));
    assert!(k.notes.iter().any(|n| n
        == "Timer faktureres per påbegynt time per dag. De første 2,00 t er gratis for anonyme opplysninger (tabelldata)."));
    assert!(k
        .notes
        .iter()
        .any(|n| n == "Prisene er eksklusive merverdiavgift (25 %)."));

    assert_eq!(Some(e.total_excluding_vat), range("6465.00", "21480.00"));
    assert_eq!(Some(e.total_including_vat), range("6753.75", "23790.00"));
    assert!(!e.complete, "FHI's amount is not known in advance");
}

#[test]
fn the_estimate_uses_the_prices_in_force_on_its_day() {
    let e = estimate_on(JULY_2025, &identifiable(), None);
    // 3 200 + 2 × 1 212,50 .. 3 200 + 8 × 1 212,50
    assert_eq!(e.parties[0].excluding_vat, range("5625.00", "12900.00"));
    // no free hours for identifiable data: 3 to 10 hours × 1 300
    assert_eq!(e.parties[2].excluding_vat, range("3900.00", "13000.00"));
}

#[test]
fn a_case_handlers_hours_replace_the_typical_range() {
    let e = estimate_on(
        date!(2025 - 05 - 20),
        &identifiable(),
        Some(HourRange {
            low: Hours::from_hundredths(50),
            high: Hours::whole(1),
        }),
    );
    // half an hour is one started hour
    assert_eq!(e.parties[0].excluding_vat, range("4155.00", "4155.00"));
}

#[test]
fn a_student_with_anonymous_data_sees_hds_free_and_why_custodians_charge() {
    let facts = FeeFacts {
        student_up_to_masters: true,
        data_kind: Some(DataKind::Anonymous),
        ..FeeFacts::default()
    };
    let e = estimate_on(date!(2025 - 05 - 20), &facts, None);
    let hds = &e.parties[0];
    assert_eq!(hds.excluding_vat, range("0.00", "0.00"));
    assert_eq!(hds.exemptions.applied[0].ground, Ground::Student);
    assert!(hds.notes.iter().any(|n| n.starts_with("Ingen betaling")));
    let k = &e.parties[2];
    assert_eq!(
        k.exemptions.not_applied[0].why,
        "KREFTREGISTERET gir ikke fritak for studenter"
    );
    assert_eq!(k.excluding_vat, range("1155.00", "9240.00"));
}

#[test]
fn a_custodian_without_prices_is_named_with_whom_to_ask() {
    let mut s = sources();
    s.push(source("NPR", "HELSEDIR"));
    let e = estimate(&EstimateInput {
        on: date!(2025 - 05 - 20),
        sources: &s,
        hds: &hds_2023(),
        custodians: &[fhi()],
        facts: &identifiable(),
        hds_hours: None,
    })
    .unwrap();
    let missing: Vec<&PartyEstimate> = e.parties.iter().filter(|p| p.prices.is_none()).collect();
    assert_eq!(missing.len(), 2);
    assert_eq!(missing[0].party, custodian("HELSEDIR"));
    assert_eq!(
        missing[0].notes,
        ["HELSEDIR har ingen prisliste i kraft 20.05.2025: kontakt forvalteren for prisliste og kostnadsberegning."]
    );
    assert_eq!(e.parties[0].sources.len(), 3, "HDS counts every source");
    assert_eq!(e.parties[0].basic_fee, Money::from_nok(3000));
}

#[test]
fn an_estimate_before_any_hds_price_list_says_so() {
    let e = estimate(&EstimateInput {
        on: date!(2022 - 06 - 01),
        sources: &sources(),
        hds: &hds_2023(),
        custodians: &[],
        facts: &identifiable(),
        hds_hours: None,
    })
    .unwrap();
    assert!(e.parties.iter().all(|p| p.prices.is_none()));
    assert_eq!(e.total_excluding_vat.high, Money::ZERO);
    assert!(!e.complete);
}
