//! Price lists: validity, the rate on the day of the work, no retroactive change.

use time::macros::date;

use super::fixtures::*;
use crate::fees::*;

fn codes(problems: &[crate::catalogue::Problem]) -> Vec<(&str, &str)> {
    problems
        .iter()
        .map(|p| (p.pointer.as_str(), p.code))
        .collect()
}

#[test]
fn the_rate_is_the_one_in_force_on_the_day() {
    let list = hds_with_july_change();
    assert_eq!(list.version_on(date!(2022 - 12 - 31)), None);
    assert_eq!(
        list.version_on(JAN_2023).unwrap().hourly_rate,
        Money::from_nok(1155)
    );
    assert_eq!(
        list.version_on(date!(2025 - 06 - 30)).unwrap().hourly_rate,
        Money::from_nok(1155)
    );
    assert_eq!(
        list.version_on(JULY_2025).unwrap().hourly_rate,
        nok("1212.50")
    );
    assert_eq!(
        list.version_on(date!(2030 - 01 - 01)).unwrap().hourly_rate,
        nok("1212.50")
    );
    assert_eq!(list.period_on(date!(2025 - 06 - 30)), Some(0));
    assert_eq!(list.period_on(JULY_2025), Some(1));
}

#[test]
fn a_new_version_ends_the_open_ended_one_the_day_before() {
    let list = hds_with_july_change();
    assert_eq!(list.versions[0].valid_to, Some(date!(2025 - 06 - 30)));
    assert_eq!(list.versions[1].valid_to, None);
    assert_eq!(list.last_day(0), Some(date!(2025 - 06 - 30)));
    assert_eq!(list.last_day(1), None);
    assert!(list.check().is_empty());
}

#[test]
fn a_price_is_never_changed_retroactively() {
    let list = hds_2023();
    let today = date!(2025 - 06 - 15);
    let starting = |d| PriceVersion {
        valid_from: d,
        ..hds_2023_version()
    };
    // the same start, or before the current one: NOT_LATER
    for d in [JAN_2023, date!(2022 - 06 - 01)] {
        assert_eq!(
            codes(&list.with_new_version(starting(d), today).unwrap_err()),
            vec![("/validFrom", "NOT_LATER")],
            "{d}"
        );
    }
    // after the current one but not after today: RETROACTIVE
    for d in [date!(2024 - 01 - 01), today] {
        assert_eq!(
            codes(&list.with_new_version(starting(d), today).unwrap_err()),
            vec![("/validFrom", "RETROACTIVE")],
            "{d}"
        );
    }
    // tomorrow is the earliest
    let next = list
        .with_new_version(starting(date!(2025 - 06 - 16)), today)
        .unwrap();
    assert_eq!(next.versions[0].valid_to, Some(today));
    // the list it came from is unchanged
    assert_eq!(list.versions[0].valid_to, None);
}

#[test]
fn versions_never_overlap() {
    let mut ending = hds_2023_version();
    ending.valid_to = Some(date!(2025 - 12 - 31));
    let list = PriceList {
        party: InvoicingParty::Hds,
        versions: vec![ending],
    };
    let today = date!(2025 - 06 - 15);
    let new = PriceVersion {
        valid_from: date!(2025 - 09 - 01),
        ..hds_2023_version()
    };
    assert_eq!(
        codes(&list.with_new_version(new.clone(), today).unwrap_err()),
        vec![("/validFrom", "OVERLAP")]
    );
    let after = PriceVersion {
        valid_from: date!(2026 - 01 - 01),
        ..new
    };
    let list = list.with_new_version(after, today).unwrap();
    assert_eq!(
        list.versions[0].valid_to,
        Some(date!(2025 - 12 - 31)),
        "an explicit end stays"
    );

    // check() finds the same in a stored list
    let mut broken = hds_with_july_change();
    broken.versions[0].valid_to = Some(date!(2025 - 07 - 01));
    assert_eq!(
        codes(&broken.check()),
        vec![("/versions/1/validFrom", "OVERLAP")]
    );
    broken.versions[1].valid_from = JAN_2023;
    assert_eq!(
        codes(&broken.check()),
        vec![("/versions/1/validFrom", "NOT_LATER")]
    );
}

#[test]
fn a_gap_between_versions_has_no_price() {
    let mut first = hds_2023_version();
    first.valid_to = Some(date!(2024 - 12 - 31));
    let list = PriceList {
        party: InvoicingParty::Hds,
        versions: vec![first],
    }
    .with_new_version(
        PriceVersion {
            valid_from: date!(2025 - 02 - 01),
            ..hds_2023_version()
        },
        date!(2025 - 01 - 10),
    )
    .unwrap();
    assert!(list.version_on(date!(2024 - 12 - 31)).is_some());
    assert!(list.version_on(date!(2025 - 01 - 15)).is_none());
    assert!(list.version_on(date!(2025 - 02 - 01)).is_some());
    assert_eq!(list.last_day(0), Some(date!(2024 - 12 - 31)));
}

#[test]
fn a_partys_first_version_may_be_dated_back() {
    let list = PriceList::new(custodian("FHI"))
        .with_new_version(hds_2023_version(), date!(2025 - 06 - 15))
        .unwrap();
    assert_eq!(list.versions.len(), 1);
}

#[test]
fn every_problem_with_a_versions_values_is_named() {
    let bad = PriceVersion {
        valid_from: date!(2026 - 01 - 01),
        valid_to: Some(date!(2025 - 12 - 31)),
        basic_fee: BasicFee {
            one_source: Money::from_ore(-1),
            several_sources: Money::ZERO,
        },
        hourly_rate: Money::from_ore(-100),
        counting: HourCounting {
            free_hours: Hours::from_hundredths(-1),
            ..HourCounting::EXACT
        },
        vat: VatTreatment::NotSubject { reason: " ".into() },
        estimated_hours: Some(HourRange {
            low: Hours::whole(5),
            high: Hours::whole(2),
        }),
        exemptions: vec![Ground::Student, Ground::Student, Ground::Waiver],
    };
    assert_eq!(
        codes(&check_version(&bad)),
        vec![
            ("/validTo", "BEFORE_START"),
            ("/basicFee/oneSource", "NEGATIVE"),
            ("/hourlyRate", "NEGATIVE"),
            ("/counting/freeHours", "OUT_OF_RANGE"),
            ("/estimatedHours/high", "BELOW_LOW"),
            ("/vat/reason", "REQUIRED"),
            ("/exemptions", "NOT_ALLOWED"),
            ("/exemptions", "DUPLICATE"),
        ]
    );
    let zero_vat = PriceVersion {
        vat: VatTreatment::Standard(VatRate::percent(0).unwrap()),
        ..hds_2023_version()
    };
    assert_eq!(
        codes(&check_version(&zero_vat)),
        vec![("/vat/rate", "OUT_OF_RANGE")]
    );
    let mut list = fhi();
    list.party = custodian("fhi");
    assert_eq!(codes(&list.check()), vec![("/party", "INVALID_CODE")]);
}

#[test]
fn the_basic_fee_depends_on_one_or_several_sources() {
    let fee = hds_2023_version().basic_fee;
    assert_eq!(fee.for_sources(0), Money::ZERO);
    assert_eq!(fee.for_sources(1), Money::from_nok(1500));
    assert_eq!(fee.for_sources(2), Money::from_nok(3000));
    assert_eq!(fee.for_sources(11), Money::from_nok(3000));
}

#[test]
fn vat_treatments_name_their_category() {
    assert_eq!(outside_vat().category_code(), "O");
    assert_eq!(outside_vat().rate(), None);
    assert!(outside_vat().exemption_reason().is_some());
    let exempt = VatTreatment::Exempt {
        reason: "Unntatt etter merverdiavgiftsloven § 3-2".into(),
    };
    assert_eq!(exempt.category_code(), "E");
    assert_eq!(exempt.vat_on(Money::from_nok(100)).unwrap(), Money::ZERO);
    assert_eq!(vat_25().category_code(), "S");
    assert_eq!(
        vat_25().vat_on(Money::from_nok(100)).unwrap(),
        Money::from_nok(25)
    );
    assert_eq!(vat_25().exemption_reason(), None);
}

#[test]
fn a_range_of_hours_runs_from_low_to_high() {
    let ok = HourRange {
        low: Hours::whole(2),
        high: Hours::whole(2),
    };
    assert!(check_hour_range(&ok).is_empty());
    let bad = HourRange {
        low: Hours::whole(-1),
        high: Hours::whole(10_001),
    };
    assert_eq!(
        codes(&check_hour_range(&bad)),
        vec![("/low", "OUT_OF_RANGE"), ("/high", "OUT_OF_RANGE")]
    );
    let inverted = HourRange {
        low: Hours::whole(5),
        high: Hours::whole(2),
    };
    assert_eq!(
        codes(&check_hour_range(&inverted)),
        vec![("/high", "BELOW_LOW")]
    );
}
