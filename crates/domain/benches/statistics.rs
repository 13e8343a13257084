//! Timings of the statistics over 100,000 synthetic cases received over two
//! and a half years (2024-07 to 2026-12), 17 data sources of 6 custodians,
//! one to three sources a case.
//!
//! `cargo bench -p hds-domain --bench statistics` (release profile). A plain
//! main function without a harness: it prints a Markdown table, it does not
//! assert. What it times is the pure computation only; reading the case
//! histories from PostgreSQL is the API step's to measure.

use std::time::{Duration, Instant};

use hds_domain::application::Purpose;
use hds_domain::calendar::WorkingDayCalendar;
use hds_domain::case::{CaseRules, CaseState, DecisionAuthority, DecisionOutcome};
use hds_domain::statistics::csv::{write_csv, CsvOptions};
use hds_domain::statistics::tables::{backlog_table, report_table};
use hds_domain::statistics::{
    backlog, backlog_report, expected_dates, report, AgeBuckets, CaseHistory, CaseKind,
    DeadlineSet, Delivery, DeliveryOutcome, Dimension, ExpectationSettings, Period,
    SourceDecisionOn, SourceHistory, StateEntered,
};
use time::macros::date;
use time::Date;

/// A small deterministic generator (`SplitMix64`), so every run times the
/// same cases.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u32) -> u32 {
        u32::try_from(self.next() % u64::from(n)).unwrap_or(0)
    }
}

const CUSTODIANS: [&str; 6] = ["FHI", "HDIR", "DMP", "KREFTREG", "NHA", "FORSVARET"];

fn source(i: u32) -> SourceHistory {
    SourceHistory {
        data_source: format!("SRC{i:02}").into(),
        custodian: CUSTODIANS[usize::try_from(i).unwrap_or(0) % CUSTODIANS.len()].into(),
        authority: if i % 4 == 3 {
            DecisionAuthority::Custodian
        } else {
            DecisionAuthority::Hds
        },
        decisions: Vec::new(),
        delivery: None,
    }
}

/// One case following a typical path: most are completed, decided and
/// delivered; some wait, some are withdrawn or rejected.
fn case(index: u32, random: &mut SplitMix, cal: &WorkingDayCalendar) -> CaseHistory {
    let received = date!(2024 - 07 - 01) + time::Duration::days(i64::from(random.below(913)));
    let mut sources: Vec<SourceHistory> = (0..=random.below(3))
        .map(|_| source(random.below(17)))
        .collect();
    sources.dedup_by(|a, b| a.data_source == b.data_source);
    let mut states = vec![StateEntered {
        on: received,
        state: CaseState::Submitted,
    }];
    let mut c = CaseHistory {
        case_id: format!("HDS-BENCH-{index:06}"),
        kind: if random.below(10) == 0 {
            CaseKind::ChangeRequest
        } else {
            CaseKind::Application
        },
        purpose: [
            Purpose::MedicalAndHealthResearch,
            Purpose::OtherResearch,
            Purpose::HealthAnalysis,
        ][usize::try_from(random.below(3)).unwrap_or(0)],
        sources: Vec::new(),
        received_on: received,
        completed_on: None,
        deadlines: Vec::new(),
        postponed_on: Vec::new(),
        rejected_no_reply_on: Vec::new(),
        withdrawn_on: None,
        appeals: Vec::new(),
        states: Vec::new(),
    };
    let fate = random.below(20);
    if fate == 0 {
        let on = cal.add_working_days(received, random.below(20));
        c.withdrawn_on = Some(on);
        states.push(StateEntered {
            on,
            state: CaseState::Withdrawn,
        });
    } else if fate == 1 {
        let on = cal.add_working_days(received, 16 + random.below(10));
        c.rejected_no_reply_on.push(on);
        states.push(StateEntered {
            on,
            state: CaseState::RejectedNoReply,
        });
    } else {
        let complete = cal.add_working_days(received, random.below(40));
        let due = cal.add_working_days(complete, if sources.len() > 1 { 60 } else { 30 });
        c.completed_on = Some(complete);
        c.deadlines.push(DeadlineSet {
            on: complete,
            due_on: due,
        });
        states.push(StateEntered {
            on: complete,
            state: CaseState::UnderReview,
        });
        if random.below(5) == 0 {
            c.postponed_on
                .push(cal.add_working_days(complete, 20 + random.below(10)));
        }
        let decided = cal.add_working_days(complete, 10 + random.below(120));
        for s in &mut sources {
            let outcome = match random.below(10) {
                0 => DecisionOutcome::Refused,
                1 => DecisionOutcome::PartlyGranted,
                _ => DecisionOutcome::Granted,
            };
            s.decisions.push(SourceDecisionOn {
                on: decided,
                outcome,
            });
            if outcome != DecisionOutcome::Refused {
                s.delivery = Some(Delivery {
                    on: cal.add_working_days(decided, 5 + random.below(80)),
                    outcome: if random.below(50) == 0 {
                        DeliveryOutcome::CannotDeliver
                    } else {
                        DeliveryOutcome::Delivered
                    },
                });
            }
        }
        states.push(StateEntered {
            on: decided,
            state: CaseState::Decided,
        });
    }
    c.sources = sources;
    c.states = states;
    c
}

/// The median and the fastest of several runs: on a shared machine the
/// fastest is the steadier measure of the work itself.
struct Timing {
    median: Duration,
    fastest: Duration,
}

impl std::fmt::Display for Timing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.1?} | {:.1?}", self.median, self.fastest)
    }
}

const RUNS: usize = 9;

/// Run `f` `runs` times; the timing and the last result.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Timing, T) {
    let mut times = Vec::with_capacity(runs);
    let mut result = None;
    for _ in 0..runs {
        let start = Instant::now();
        result = Some(f());
        times.push(start.elapsed());
    }
    times.sort();
    match result {
        Some(result) => (
            Timing {
                median: times[runs / 2],
                fastest: times[0],
            },
            result,
        ),
        None => unreachable!("runs is at least 1"),
    }
}

fn main() {
    let cal = WorkingDayCalendar::default();
    let rules = CaseRules::default();
    let mut random = SplitMix(42);
    let (build, cases) = time(1, || {
        (0..100_000)
            .map(|i| case(i, &mut random, &cal))
            .collect::<Vec<_>>()
    });
    let year = Period::year(2025).unwrap_or_else(|| unreachable!());
    let month = Period::parse("", "2025-10").unwrap_or_else(|_| unreachable!());
    let day: Date = date!(2025 - 10 - 31);
    let buckets = AgeBuckets::default();
    println!("100,000 cases generated in {:.2?}\n", build.median);
    println!("| computation | median of {RUNS} | fastest |");
    println!("|---|---:|---:|");
    let (t, r) = time(RUNS, || report(&cases, year, &[], &rules));
    println!("| figures for 2025, overall | {t} |");
    let (t, full) = time(RUNS, || report(&cases, year, &Dimension::ALL, &rules));
    println!(
        "| figures for 2025, overall and by all four dimensions ({} groups) | {t} |",
        full.groups.len()
    );
    let (t, _) = time(RUNS, || report(&cases, month, &Dimension::ALL, &rules));
    println!("| figures for 2025-10, overall and by all four dimensions | {t} |");
    let (t, csv) = time(RUNS, || {
        write_csv(&report_table(&full), CsvOptions::NORWEGIAN_SPREADSHEET)
    });
    println!("| the 2025 report as CSV ({} bytes) | {t} |", csv.len());
    let (t, b) = time(RUNS, || backlog(&cases, day, &rules, &buckets));
    println!(
        "| backlog on 2025-10-31, overall ({} cases) | {t} |",
        b.total
    );
    let (t, groups) = time(RUNS, || {
        backlog_report(&cases, day, &Dimension::ALL, &rules, &buckets)
    });
    println!(
        "| backlog on 2025-10-31, overall and by all four dimensions ({} groups) | {t} |",
        groups.groups.len()
    );
    let _ = backlog_table(&groups);
    let new = &cases[0];
    let (t, e) = time(RUNS, || {
        expected_dates(
            new,
            &cases,
            date!(2026 - 06 - 01),
            &cal,
            &ExpectationSettings::default(),
        )
    });
    println!(
        "| expected dates of one case ({} sources) from all 100,000 | {t} |",
        e.len()
    );
    println!(
        "\n2025: {} received, {} decided, {} overdue at the end",
        r.overall.counts.received,
        r.overall.counts.decided.total(),
        r.overall.deadlines.overdue_at_end
    );
}
