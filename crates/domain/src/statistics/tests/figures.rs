//! Every figure of the fixture, counted by hand (see `fixture.rs` for the
//! working days of each case).

use time::macros::date;

use super::fixture::cases;
use crate::case::CaseRules;
use crate::statistics::csv::{write_csv, CsvOptions};
use crate::statistics::tables::{report_table, REPORT_COLUMNS};
use crate::statistics::{
    period_figures, report, AppealCounts, Counts, DeadlineCompliance, Dimension, Durations,
    Outcomes, Period, PeriodFigures, ProcessingTimes,
};

fn period(text: &str) -> Period {
    Period::parse("/query/period", text).unwrap()
}

fn durations(count: u64, median: i64, p90: i64) -> Durations {
    Durations {
        count,
        median: Some(median),
        p90: Some(p90),
    }
}

/// January to April 2026.
const JAN_TO_APR: &str = "2026-01-01..2026-04-30";

#[test]
fn overall_figures_january_to_april() {
    let f = period_figures(&cases(), period(JAN_TO_APR), &CaseRules::default());
    assert_eq!(
        f,
        PeriodFigures {
            counts: Counts {
                // C2, C3, C4, C5, C6, C7, C8, C10 (C1 and C9 came in 2025).
                received: 8,
                // C4.
                change_requests: 1,
                // C1, C2, C3, C4, C7, C10.
                completed: 6,
                decided: Outcomes {
                    // C1, C4, C10.
                    granted: 3,
                    // C2: MOBA granted, NPR partly.
                    partly_granted: 1,
                    // C3 (its reversal on appeal is not a first decision).
                    refused: 1,
                },
                // C5.
                rejected_no_reply: 1,
                // C6.
                withdrawn: 1,
                appeals: AppealCounts {
                    // C2 and C3.
                    received: 2,
                    reversed: 1,
                    rejection_lifted: 0,
                    upheld: 1,
                },
                // C1, C4, C9 delivered; C10 reported; C2 waits for NPR,
                // C3's data come in June.
                data_made_available: 4,
                data_cannot_deliver: 1,
            },
            processing_times: ProcessingTimes {
                // [2, 2, 5, 5, 7, 10]: ranks ⌈3⌉ = 3 and ⌈5.4⌉ = 6.
                received_to_complete: durations(6, 5, 10),
                // [20, 26, 29, 33, 49]: ranks ⌈2.5⌉ = 3 and ⌈4.5⌉ = 5.
                complete_to_decision: durations(5, 29, 49),
                // [25, 29, 36, 44]: ranks 2 and ⌈3.6⌉ = 4.
                complete_to_data: durations(4, 29, 44),
            },
            deadlines: DeadlineCompliance {
                // C1 (Feb 13 ≤ Feb 16), C3 (refused Mar 27 ≤ Mar 30), C10
                // (Mar 18 ≤ Mar 25) in time; C4 (Apr 28 > Apr 22) and C9
                // (Jan 14 > Dec 22) late.
                clock_stopped: 5,
                within_deadline: 3,
                // C2 (Mar 16) and C7 (Apr 27).
                postponed: 2,
                // C2: NPR's data still to come, deadline Apr 16.
                overdue_at_end: 1,
            },
        }
    );
    assert_eq!(f.deadlines.share_within_deadline(), Some(0.6));
}

/// The report as CSV, one line per group; the columns are [`REPORT_COLUMNS`].
fn csv_lines(text: &str, dimensions: &[Dimension]) -> Vec<String> {
    let r = report(&cases(), period(text), dimensions, &CaseRules::default());
    write_csv(&report_table(&r), CsvOptions::default())
        .split("\r\n")
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_group_january_to_april() {
    let lines = csv_lines(JAN_TO_APR, &Dimension::ALL);
    assert_eq!(lines[0], REPORT_COLUMNS.join(";"));
    let p = JAN_TO_APR;
    // received;changeRequests;completed;decided;G;PG;R;rejectedNoReply;withdrawn;
    // appeals received;reversed;lifted;upheld;data;cannotDeliver;
    // received→complete n;median;p90; complete→decision n;median;p90;
    // complete→data n;median;p90; clockStopped;within;percent;postponed;overdue
    let expected = [
        format!("{p};ALL;;8;1;6;5;3;1;1;1;1;2;1;0;1;4;1;6;5;10;5;29;49;4;29;44;5;3;60.0;2;1"),
        // C3, C5, C10.
        format!("{p};DATA_SOURCE;KREFT;3;0;2;2;1;0;1;1;0;1;1;0;0;1;1;2;2;10;2;20;29;1;25;25;2;2;100.0;0;0"),
        // C2 as far as MOBA goes (decided Mar 20: 44 wd; data Apr 7: 53 wd), C6.
        format!("{p};DATA_SOURCE;MOBA;2;0;1;1;1;0;0;0;1;1;0;0;1;1;0;1;5;5;1;44;44;1;53;53;1;1;100.0;1;0"),
        // C1, C2 (NPR: partly granted Mar 27, data in May), C4, C7, C8, C9.
        format!("{p};DATA_SOURCE;NPR;4;1;4;3;2;1;0;0;0;1;0;0;1;3;0;4;5;7;3;33;49;3;36;44;3;1;33.3;2;1"),
        // NPR's and MOBA's cases: as NPR, and C6 withdrawn.
        format!("{p};CUSTODIAN;FHI;5;1;4;3;2;1;0;0;1;1;0;0;1;3;0;4;5;7;3;33;49;3;36;44;3;1;33.3;2;1"),
        format!("{p};CUSTODIAN;KREFTREG;3;0;2;2;1;0;1;1;0;1;1;0;0;1;1;2;2;10;2;20;29;1;25;25;2;2;100.0;0;0"),
        // C2, C6: no clock stopped, so no share.
        format!("{p};PURPOSE;HEALTH_ANALYSIS;2;0;1;1;0;1;0;0;1;1;0;0;1;0;0;1;5;5;1;49;49;0;;;0;0;;1;1"),
        // C1, C3, C5, C7, C8, C9.
        format!("{p};PURPOSE;MEDICAL_AND_HEALTH_RESEARCH;4;0;3;2;1;0;1;1;0;1;1;0;0;2;0;3;7;10;2;26;29;2;29;44;3;2;66.7;1;0"),
        // C4, C10.
        format!("{p};PURPOSE;OTHER_RESEARCH;2;1;2;2;2;0;0;0;0;0;0;0;0;2;1;2;2;2;2;20;33;2;25;36;2;1;50.0;0;0"),
        // MOBA.
        format!("{p};DECISION_AUTHORITY;CUSTODIAN;2;0;1;1;1;0;0;0;1;1;0;0;1;1;0;1;5;5;1;44;44;1;53;53;1;1;100.0;1;0"),
        // NPR and KREFT: C2 counts with NPR only.
        format!("{p};DECISION_AUTHORITY;HDS;7;1;6;5;3;1;1;1;0;2;1;0;1;4;1;6;5;10;5;29;49;4;29;44;5;3;60.0;2;1"),
        String::new(),
    ];
    assert_eq!(lines[1..], expected);
}

#[test]
fn first_quarter_as_it_stood_on_31_march() {
    // As of Mar 31: C2 is decided (Mar 27) but no data yet; C3 refused and not
    // yet appealed; C7 received, C8 not.
    // complete → decision [20, 26, 29, 49]: ranks 2 and ⌈3.6⌉ = 4.
    // Clock stopped: C1, C3, C10 in time, C9 late: 3 of 4.
    assert_eq!(
        csv_lines("2026-Q1", &[])[1],
        "2026-Q1;ALL;;7;1;6;4;2;1;1;1;1;0;0;0;0;3;1;6;5;10;4;26;49;3;29;44;4;3;75.0;1;0"
    );
}

#[test]
fn second_quarter_counts_the_data_after_a_reversal_but_not_a_second_clock() {
    // Data: C4 Apr 28 (36 wd), C2 May 5 (Jan 19 → May 5: 72 wd), C3 Jun 1
    // after its reversal (Feb 16 → Jun 1: 69 wd). C3's clock stopped in
    // March with the refusal; C2 (May 5 > Apr 16) and C4 stopped late.
    // C7 is overdue at the end of June (deadline May 8).
    assert_eq!(
        csv_lines("2026-Q2", &[])[1],
        "2026-Q2;ALL;;1;0;0;1;1;0;0;0;0;2;1;0;1;3;0;0;;;1;33;33;3;69;72;2;0;0.0;1;1"
    );
}

#[test]
fn a_past_period_does_not_change_with_later_events() {
    let all = cases();
    let rules = CaseRules::default();
    let q1 = period("2026-Q1");
    let then: Vec<_> = all
        .iter()
        .filter_map(|c| c.as_of(date!(2026 - 03 - 31)))
        .collect();
    assert_eq!(
        report(&all, q1, &Dimension::ALL, &rules),
        report(&then, q1, &Dimension::ALL, &rules)
    );
}

#[test]
fn the_pause_setting_decides_whether_a_waiting_case_is_overdue() {
    // C4 waits for the applicant from Mar 9 to Mar 11. Seen on Mar 10 with a
    // deadline already passed it is overdue only when questions do not pause
    // the clock.
    let mut c4 = cases().swap_remove(3);
    assert_eq!(c4.case_id, "C4");
    c4.deadlines[0].due_on = date!(2026 - 03 - 06);
    let day = period("2026-03-01..2026-03-10");
    let mut rules = CaseRules::default();
    let overdue = |rules: &CaseRules| {
        period_figures(std::slice::from_ref(&c4), day, rules)
            .deadlines
            .overdue_at_end
    };
    assert_eq!(overdue(&rules), 0);
    rules.pause_clock_while_awaiting_applicant = false;
    assert_eq!(overdue(&rules), 1);
}

#[test]
fn saturdays_as_working_days_change_the_counts() {
    // C1: received Mon Dec 22, complete Mon Jan 5: with Saturdays Dec 27
    // and Jan 3 count too: 9 wd.
    let mut rules = CaseRules::default();
    rules.calendar.saturdays_are_working_days = true;
    let c1 = cases().swap_remove(0);
    let f = period_figures(&[c1], period("2026-01"), &rules);
    assert_eq!(f.processing_times.received_to_complete, durations(1, 9, 9));
}
