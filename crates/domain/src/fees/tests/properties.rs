//! Properties over random price lists, ledgers and facts.

use proptest::prelude::*;
use time::macros::date;
use time::{Date, Duration};

use super::fixtures::*;
use crate::application::DataKind;
use crate::fees::*;

const START: Date = date!(2025 - 05 - 01);

fn arb_counting() -> impl Strategy<Value = HourCounting> {
    let rounding = prop_oneof![
        Just(Rounding::Exact),
        Just(Rounding::PerStartedHour(RoundingScope::Entry)),
        Just(Rounding::PerStartedHour(RoundingScope::Day)),
        Just(Rounding::PerStartedHour(RoundingScope::Case)),
    ];
    (rounding, 0i64..=400, any::<bool>()).prop_map(|(rounding, free, anon)| HourCounting {
        rounding,
        free_hours: Hours::from_hundredths(free),
        free_hours_for: if anon {
            FreeHoursFor::AnonymousDataOnly
        } else {
            FreeHoursFor::AllApplications
        },
    })
}

fn arb_vat() -> impl Strategy<Value = VatTreatment> {
    prop_oneof![
        Just(outside_vat()),
        Just(vat_25()),
        (1u16..=10_000)
            .prop_map(|bp| VatTreatment::Standard(VatRate::from_basis_points(bp).unwrap())),
    ]
}

/// A party's list with a price change on 1 July 2025.
fn arb_list() -> impl Strategy<Value = PriceList> {
    (
        arb_counting(),
        (0i64..=500_000, 0i64..=500_000),
        (0i64..=1_000_000, 0i64..=1_000_000),
        (arb_vat(), arb_vat()),
        proptest::sample::subsequence(Ground::STATUTORY.to_vec(), 0..=3),
        any::<bool>(),
    )
        .prop_map(
            |(counting, (r1, r2), (one, several), (vat1, vat2), exemptions, hds)| {
                let v1 = PriceVersion {
                    valid_from: JAN_2023,
                    valid_to: None,
                    basic_fee: BasicFee {
                        one_source: Money::from_ore(one),
                        several_sources: Money::from_ore(several),
                    },
                    hourly_rate: Money::from_ore(r1),
                    counting,
                    vat: vat1,
                    estimated_hours: None,
                    exemptions,
                };
                let v2 = PriceVersion {
                    valid_from: JULY_2025,
                    hourly_rate: Money::from_ore(r2),
                    vat: vat2,
                    ..v1.clone()
                };
                let party = if hds {
                    InvoicingParty::Hds
                } else {
                    custodian("FHI")
                };
                PriceList {
                    party,
                    versions: vec![v1],
                }
                .with_new_version(v2, date!(2025 - 01 - 01))
                .unwrap()
            },
        )
}

/// Originals, then replacements and adjustments of current entries.
fn arb_ledger() -> impl Strategy<Value = Vec<WorkEntry>> {
    (
        proptest::collection::vec((0i64..120, 1i64..=800, prop::bool::weighted(0.15)), 0..12),
        proptest::collection::vec(
            (any::<prop::sample::Index>(), 0i64..=800, any::<bool>()),
            0..6,
        ),
    )
        .prop_map(|(originals, corrections)| {
            let mut ledger = Vec::new();
            let mut heads: Vec<(u128, Date, i64, Activity)> = Vec::new();
            for (i, (day, h, appeal)) in originals.into_iter().enumerate() {
                let mut e = work(i as u128 + 1, START + Duration::days(day), h);
                if appeal {
                    e.activity = Activity::AppealHandling;
                }
                heads.push((e.id.0, e.worked_on, h, e.activity));
                ledger.push(e);
            }
            for (which, h, replace) in corrections {
                if heads.is_empty() {
                    break;
                }
                let k = which.index(heads.len());
                let (head, on, current, activity) = heads[k];
                let id = ledger.len() as u128 + 1;
                let e = if replace {
                    heads[k] = (id, on, h, activity);
                    correction(id, on, h, Correction::Replaces(EntryId(head)))
                } else {
                    // take off at most what is there; never zero
                    let delta = if current > 0 {
                        -(h % current).max(1)
                    } else {
                        h.max(1)
                    };
                    heads[k].2 = current + delta;
                    correction(id, on, delta, Correction::Adjusts(EntryId(head)))
                };
                let e = WorkEntry { activity, ..e };
                ledger.push(e);
            }
            ledger
        })
}

fn arb_facts() -> impl Strategy<Value = FeeFacts> {
    let kind = prop_oneof![
        Just(None),
        Just(Some(DataKind::Anonymous)),
        Just(Some(DataKind::IndirectlyIdentifiable)),
        Just(Some(DataKind::DirectlyIdentifiable)),
    ];
    let request = prop_oneof![
        Just(RequestKind::New),
        Just(RequestKind::ChangeRequest {
            original_case: "HDS-2024-000001".into(),
            original_decided_on: Some(date!(2024 - 10 - 01)),
        }),
        Just(RequestKind::ChangeRequest {
            original_case: "HDS-2024-000001".into(),
            original_decided_on: None,
        }),
        Just(RequestKind::Appeal {
            appealed_case: "HDS-2024-000002".into(),
        }),
    ];
    let covers = prop_oneof![
        Just(Covers::Everything),
        Just(Covers::BasicFee),
        Just(Covers::Hours)
    ];
    (
        kind,
        any::<bool>(),
        request,
        proptest::option::of((covers, any::<bool>())),
    )
        .prop_map(|(data_kind, student, request, waiver)| FeeFacts {
            data_kind,
            student_up_to_masters: student,
            request,
            waivers: waiver
                .map(|(covers, hds)| Waiver {
                    party: if hds {
                        InvoicingParty::Hds
                    } else {
                        custodian("FHI")
                    },
                    covers,
                    reason: "begrunnelse".into(),
                    granted_by: "sb".into(),
                    granted_on: date!(2025 - 09 - 01),
                })
                .into_iter()
                .collect(),
        })
}

fn arb_sources() -> impl Strategy<Value = Vec<RequestedSource>> {
    proptest::sample::subsequence(
        vec![
            source("MFR", "FHI"),
            source("MSIS", "FHI"),
            source("KREFT", "KREFTREGISTERET"),
        ],
        0..=3,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn totals_equal_the_sum_of_the_lines(
        list in arb_list(), ledger in arb_ledger(), facts in arb_facts(), sources in arb_sources()
    ) {
        let b = draft_for(&list, START, &sources, &ledger, &facts);
        let t = &b.totals;
        prop_assert_eq!(t.excluding_vat, Money::sum(b.lines.iter().map(|l| l.amount)).unwrap());
        prop_assert_eq!(t.vat, Money::sum(t.vat_breakdown.iter().map(|s| s.amount)).unwrap());
        prop_assert_eq!(t.including_vat, t.excluding_vat.checked_add(t.vat).unwrap());
        for s in &t.vat_breakdown {
            let taxable = Money::sum(b.lines.iter().filter(|l| l.vat == s.vat).map(|l| l.amount)).unwrap();
            prop_assert_eq!(s.taxable, taxable);
            prop_assert_eq!(s.amount, s.vat.vat_on(taxable).unwrap());
        }
        for l in &b.lines {
            prop_assert!(!l.unit_price.is_negative());
            prop_assert_eq!(l.amount, l.unit_price.times(l.quantity).unwrap());
        }
        // exemptions and free hours never take off more than is charged
        prop_assert!(!t.excluding_vat.is_negative());
        for s in &t.vat_breakdown {
            prop_assert!(!s.taxable.is_negative());
        }
    }

    #[test]
    fn hours_billed_are_never_fewer_than_worked(
        list in arb_list(), ledger in arb_ledger(), sources in arb_sources()
    ) {
        let b = draft_for(&list, START, &sources, &ledger, &FeeFacts::default());
        let worked: i64 = work_items(&ledger).unwrap().iter().map(|w| w.hours.hundredths()).sum();
        let billed: i64 = b.lines.iter().filter(|l| l.kind == LineKind::Hours).map(|l| l.quantity.hundredths()).sum();
        let counting = list.versions[0].counting;
        match counting.rounding {
            Rounding::Exact => prop_assert_eq!(billed, worked),
            Rounding::PerStartedHour(scope) => {
                prop_assert!(billed >= worked);
                prop_assert_eq!(billed % 100, 0, "whole hours");
                if scope == RoundingScope::Case {
                    // once per activity: less than one hour added for each
                    prop_assert!(billed - worked < 200);
                }
            }
        }
    }

    #[test]
    fn a_credit_note_nets_to_zero(
        list in arb_list(), ledger in arb_ledger(), facts in arb_facts(), sources in arb_sources()
    ) {
        let b = draft_for(&list, START, &sources, &ledger, &facts);
        prop_assume!(b.totals.including_vat > Money::ZERO);
        let issued = b.issue("F-1", date!(2025 - 12 - 01), 30).unwrap();
        let (credited, note) = issued.credit("K-1", date!(2025 - 12 - 02), "feil").unwrap();
        prop_assert_eq!(credited.status.as_str(), "CREDITED");
        for (i, c) in issued.lines.iter().zip(&note.lines) {
            prop_assert_eq!(i.amount.checked_add(c.amount).unwrap(), Money::ZERO);
        }
        prop_assert_eq!(issued.totals.including_vat.checked_add(note.totals.including_vat).unwrap(), Money::ZERO);
        prop_assert_eq!(issued.totals.vat.checked_add(note.totals.vat).unwrap(), Money::ZERO);
        // recomputing the credit note's totals from its lines gives the same (symmetric rounding)
        prop_assert_eq!(&Totals::of(&note.lines).unwrap(), &note.totals);
    }

    #[test]
    fn the_price_of_a_day_is_the_one_version_covering_it(days in proptest::collection::btree_set(1i64..2000, 1..6), probe in 0i64..2200) {
        let base = date!(2023 - 01 - 01);
        let mut list = PriceList::new(InvoicingParty::Hds);
        for (i, d) in days.iter().enumerate() {
            let v = PriceVersion {
                valid_from: base + Duration::days(*d),
                hourly_rate: Money::from_nok(i32::try_from(i).unwrap() + 1),
                ..hds_2023_version()
            };
            list = list.with_new_version(v, base).unwrap();
        }
        prop_assert!(list.check().is_empty());
        let day = base + Duration::days(probe);
        let covering: Vec<&PriceVersion> = list.versions.iter().filter(|v| v.covers(day)).collect();
        prop_assert!(covering.len() <= 1);
        prop_assert_eq!(list.version_on(day), covering.first().copied());
    }
}
