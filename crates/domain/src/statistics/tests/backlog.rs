//! The backlog of the fixture on three days, counted by hand.

use time::macros::date;

use super::fixture::cases;
use crate::case::CaseRules;
use crate::statistics::csv::{write_csv, CsvOptions};
use crate::statistics::tables::backlog_table;
use crate::statistics::{backlog, backlog_report, AgeBucket, AgeBuckets, BacklogStage, Dimension};

fn counts<T>(pairs: &[(T, u64)]) -> Vec<u64> {
    pairs.iter().map(|(_, n)| *n).collect()
}

#[test]
fn at_the_end_of_april() {
    let b = backlog(
        &cases(),
        date!(2026 - 04 - 30),
        &CaseRules::default(),
        &AgeBuckets::default(),
    );
    // C8 submitted (age Apr 29, 30 = 2 wd), C7 under review (Mar 16 → Apr 30:
    // 30 wd), C2 awaiting NPR's data (Jan 12 → Apr 30: 75 wd, overdue since
    // Apr 16), C3 awaiting KREFT's data after the reversal (Feb 2 → Apr 30:
    // 60 wd; its clock stopped with the refusal, so not overdue).
    assert_eq!(b.total, 4);
    assert_eq!(b.overdue, 1);
    assert_eq!(
        b.by_stage.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
        BacklogStage::ALL
    );
    // SUBMITTED, AWAITING_APPLICANT, UNDER_REVIEW, APPEALED, AWAITING_DATA
    assert_eq!(counts(&b.by_stage), [1, 0, 1, 0, 2]);
    assert_eq!(
        b.by_age.iter().map(|(a, _)| a.label()).collect::<Vec<_>>(),
        ["0-30", "31-60", "61-120", ">120"]
    );
    assert_eq!(counts(&b.by_age), [2, 1, 1, 0]);
    let matrix: Vec<Vec<u64>> = b.by_stage_and_age.iter().map(|(_, n)| n.clone()).collect();
    assert_eq!(
        matrix,
        [
            vec![1, 0, 0, 0],
            vec![0, 0, 0, 0],
            vec![1, 0, 0, 0],
            vec![0, 0, 0, 0],
            vec![0, 1, 1, 0]
        ]
    );
}

#[test]
fn at_a_past_date_in_march() {
    // On Mar 10: C2 under review (41 wd), C3 under review (26 wd), C10 under
    // review (21 wd), C4 waiting for the applicant (6 wd; its clock paused).
    // C1 was delivered, C5 closed the day before, C6 withdrawn, C7 not received.
    let b = backlog(
        &cases(),
        date!(2026 - 03 - 10),
        &CaseRules::default(),
        &AgeBuckets::default(),
    );
    assert_eq!((b.total, b.overdue), (4, 0));
    assert_eq!(counts(&b.by_stage), [0, 1, 3, 0, 0]);
    assert_eq!(counts(&b.by_age), [3, 1, 0, 0]);
}

#[test]
fn after_christmas() {
    // On Jan 10: C1 under review (Dec 22 → Jan 10: 11 wd); C9 decided on
    // Dec 15 and waiting for its data (Nov 3 → Jan 10: 46 wd), overdue since
    // its deadline Dec 22.
    let b = backlog(
        &cases(),
        date!(2026 - 01 - 10),
        &CaseRules::default(),
        &AgeBuckets::default(),
    );
    assert_eq!((b.total, b.overdue), (2, 1));
    assert_eq!(counts(&b.by_stage), [0, 0, 1, 0, 1]);
    assert_eq!(counts(&b.by_age), [1, 1, 0, 0]);
}

#[test]
fn buckets_are_data() {
    let buckets = AgeBuckets::new("/query/ageBuckets", vec![10, 50]).unwrap();
    assert_eq!(
        buckets.buckets(),
        [
            AgeBucket {
                from: 0,
                to: Some(10)
            },
            AgeBucket {
                from: 11,
                to: Some(50)
            },
            AgeBucket { from: 51, to: None }
        ]
    );
    let b = backlog(
        &cases(),
        date!(2026 - 04 - 30),
        &CaseRules::default(),
        &buckets,
    );
    // Ages 2, 30, 60, 75.
    assert_eq!(counts(&b.by_age), [1, 1, 2]);
    assert_eq!(
        AgeBuckets::new("/x", vec![30, 30]).unwrap_err().code,
        "NOT_ASCENDING"
    );
    assert_eq!(
        AgeBuckets::new("/x", (1..=21).collect()).unwrap_err().code,
        "TOO_MANY"
    );
    let one = AgeBuckets::new("/x", vec![]).unwrap();
    assert_eq!(one.buckets()[0].label(), "all");
}

#[test]
fn per_data_source_and_as_csv() {
    let on = date!(2026 - 04 - 30);
    let (rules, buckets) = (CaseRules::default(), AgeBuckets::default());
    let r = backlog_report(&cases(), on, &[Dimension::DataSource], &rules, &buckets);
    assert_eq!(r.overall, backlog(&cases(), on, &rules, &buckets));
    // MOBA: C2's MOBA data were delivered and C6 was withdrawn, so nothing
    // waits, but the group is listed. NPR: C8, C7, and C2 waiting for NPR.
    let csv = write_csv(&backlog_table(&r), CsvOptions::default());
    assert_eq!(
        csv,
        "date;dimension;group;total;overdue;SUBMITTED;AWAITING_APPLICANT;UNDER_REVIEW;APPEALED;AWAITING_DATA;0-30;31-60;61-120;>120\r\n\
         2026-04-30;ALL;;4;1;1;0;1;0;2;2;1;1;0\r\n\
         2026-04-30;DATA_SOURCE;KREFT;1;0;0;0;0;0;1;0;1;0;0\r\n\
         2026-04-30;DATA_SOURCE;MOBA;0;0;0;0;0;0;0;0;0;0;0\r\n\
         2026-04-30;DATA_SOURCE;NPR;3;1;1;0;1;0;1;2;0;1;0\r\n"
    );
}
