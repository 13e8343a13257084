//! Expected dates against percentiles and dates counted by hand.

use time::macros::date;
use time::{Date, Duration};

use super::fixture::{case, Granted, Refused, KREFT, MOBA, NPR};
use crate::application::Purpose::MedicalAndHealthResearch as Medical;
use crate::calendar::WorkingDayCalendar;
use crate::case::DecisionAuthority;
use crate::statistics::{
    expected_dates, CaseHistory, CountedFrom, Estimate, Expectation, ExpectationSettings,
};

/// Today: Tuesday 5 May 2026. The window: 6 May 2025 to 5 May 2026.
const TODAY: Date = date!(2026 - 05 - 05);

fn cal() -> WorkingDayCalendar {
    WorkingDayCalendar::default()
}

/// A past case for `source`: received on `received`, complete 3 working
/// days later, decided `decision` working days after that, data reported
/// `data` working days after completeness.
fn past(
    id: &str,
    source: (&str, &str, DecisionAuthority),
    received: Date,
    decision: u32,
    data: Option<u32>,
) -> CaseHistory {
    let c = cal();
    let complete = c.add_working_days(received, 3);
    let mut story = case(id, Medical, received)
        .source(source)
        .complete(complete, c.add_working_days(complete, 30))
        .decided(
            c.add_working_days(complete, decision),
            &[(source.0, Granted)],
        );
    if let Some(data) = data {
        story = story.deliver(source.0, c.add_working_days(complete, data));
    }
    story.done()
}

/// A past case decided on `decided_on`, long after completeness.
fn decided_on(id: &str, source: (&str, &str, DecisionAuthority), decided_on: Date) -> CaseHistory {
    let complete = decided_on - Duration::days(150);
    case(id, Medical, complete)
        .source(source)
        .complete(complete, cal().add_working_days(complete, 30))
        .decided(decided_on, &[(source.0, Granted)])
        .done()
}

fn history() -> Vec<CaseHistory> {
    // NPR (HDS): complete → decision [12, 40, 25, 33, 18, 60, 29, 45, 21, 37],
    // sorted [12, 18, 21, 25, 29, 33, 37, 40, 45, 60]: median (rank 5) 29,
    // 90th percentile (rank 9) 45. Complete → data for six of them
    // [40, 55, 70, 48, 62, 90], sorted [40, 48, 55, 62, 70, 90]: median
    // (rank 3) 55, 90th percentile (rank ⌈5.4⌉ = 6) 90.
    let durations = [
        (12, Some(40)),
        (40, Some(55)),
        (25, Some(70)),
        (33, Some(48)),
        (18, Some(62)),
        (60, Some(90)),
        (29, None),
        (45, None),
        (21, None),
        (37, None),
    ];
    let mut out: Vec<CaseHistory> = durations
        .iter()
        .enumerate()
        .map(|(i, (decision, data))| {
            let received = date!(2025 - 09 - 01) + Duration::weeks(i64::try_from(i).unwrap());
            past(&format!("N{i}"), NPR, received, *decision, *data)
        })
        .collect();
    // Cases that must not count, each of which would move the median:
    // decided on the window's first day (6 May 2025 is the first day in it),
    out.push(decided_on("X1", NPR, date!(2025 - 05 - 05)));
    // NPR when its custodian decided, another source, and a decision after today.
    let npr_by_custodian = ("NPR", "FHI", DecisionAuthority::Custodian);
    out.push(decided_on("X2", npr_by_custodian, date!(2026 - 02 - 20)));
    out.push(decided_on("X3", MOBA, date!(2026 - 02 - 20)));
    out.push(decided_on("X4", NPR, date!(2026 - 05 - 20)));
    // KREFT: only four cases.
    for (i, decision) in [10, 20, 30, 40].into_iter().enumerate() {
        let received = date!(2025 - 10 - 06) + Duration::weeks(i64::try_from(i).unwrap());
        out.push(past(&format!("K{i}"), KREFT, received, decision, None));
    }
    out
}

fn estimate(e: &Expectation) -> Estimate {
    match e {
        Expectation::Estimated(e) => *e,
        other => panic!("expected an estimate, got {other:?}"),
    }
}

#[test]
fn a_complete_case_counts_from_its_completion() {
    // Complete on Monday 27 April 2026. 29 working days on: Apr 28–30, May
    // 4–8, 11–13, (Ascension) 15, 18–22, (Whit Monday) 26–29, Jun 1–5,
    // 8–10: 10 June.
    let new = case("NEW", Medical, date!(2026 - 04 - 20))
        .source(NPR)
        .source(KREFT)
        .complete(date!(2026 - 04 - 27), date!(2026 - 06 - 10))
        .done();
    let mut all = history();
    all.push(new.clone());
    let got = expected_dates(&new, &all, TODAY, &cal(), &ExpectationSettings::default());
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].data_source, "NPR");
    assert_eq!(
        estimate(&got[0].decision),
        Estimate {
            counted_from: CountedFrom::Complete,
            from: date!(2026 - 04 - 27),
            sample_size: 10,
            median_working_days: 29,
            p90_working_days: 45,
            likely_on: date!(2026 - 06 - 10),
            // + Jun 11, 12, 15–19, 22–26, 29, 30, Jul 1, 2 = 45.
            nine_in_ten_by: date!(2026 - 07 - 02),
        }
    );
    let data = estimate(&got[0].data);
    assert_eq!(
        (
            data.sample_size,
            data.median_working_days,
            data.p90_working_days
        ),
        (6, 55, 90)
    );
    // 55: Jul 3, 6–10, 13–16. 90: Jul 17 … Sep 3.
    assert_eq!(
        (data.likely_on, data.nine_in_ten_by),
        (date!(2026 - 07 - 16), date!(2026 - 09 - 03))
    );
    assert_eq!(got[0].decision.as_str(), "ESTIMATED");
    assert_eq!(got[1].data_source, "KREFT");
    assert_eq!(got[1].decision.as_str(), "TOO_LITTLE_HISTORY");
    assert_eq!(
        got[1].decision,
        Expectation::TooLittleHistory {
            sample_size: 4,
            minimum: 5
        }
    );
    assert_eq!(
        got[1].data,
        Expectation::TooLittleHistory {
            sample_size: 0,
            minimum: 5
        }
    );
}

#[test]
fn a_case_not_yet_complete_counts_from_the_day_received() {
    // Received → decision is 3 more: [15, 21, 24, 28, 32, 36, 40, 43, 48, 63]:
    // median 32, 90th percentile 48. From Wednesday 29 April: 17 June and
    // 9 July. Data: [43, 51, 58, 65, 73, 93]: 58 and 93: 23 July and
    // 10 September.
    let new = case("NEW", Medical, date!(2026 - 04 - 29))
        .source(NPR)
        .done();
    let got = expected_dates(
        &new,
        &history(),
        TODAY,
        &cal(),
        &ExpectationSettings::default(),
    );
    let decision = estimate(&got[0].decision);
    assert_eq!(decision.counted_from, CountedFrom::Received);
    assert_eq!(decision.from, date!(2026 - 04 - 29));
    assert_eq!(
        (decision.median_working_days, decision.p90_working_days),
        (32, 48)
    );
    assert_eq!(
        (decision.likely_on, decision.nine_in_ten_by),
        (date!(2026 - 06 - 17), date!(2026 - 07 - 09))
    );
    let data = estimate(&got[0].data);
    assert_eq!((data.median_working_days, data.p90_working_days), (58, 93));
    assert_eq!(
        (data.likely_on, data.nine_in_ten_by),
        (date!(2026 - 07 - 23), date!(2026 - 09 - 10))
    );
}

#[test]
fn what_has_happened_is_said_plainly() {
    let new = case("NEW", Medical, date!(2026 - 03 - 02))
        .source(NPR)
        .source(KREFT)
        .complete(date!(2026 - 03 - 04), date!(2026 - 04 - 20))
        .decided(
            date!(2026 - 04 - 23),
            &[("NPR", Granted), ("KREFT", Refused)],
        )
        .deliver("NPR", date!(2026 - 04 - 28))
        .done();
    let got = expected_dates(
        &new,
        &history(),
        TODAY,
        &cal(),
        &ExpectationSettings::default(),
    );
    let happened = |on| Expectation::Happened { on };
    assert_eq!(got[0].decision, happened(date!(2026 - 04 - 23)));
    assert_eq!(got[0].data, happened(date!(2026 - 04 - 28)));
    assert_eq!(got[1].decision, happened(date!(2026 - 04 - 23)));
    assert_eq!(got[1].data, Expectation::NotExpected);
    assert_eq!(
        [got[0].decision.as_str(), got[1].data.as_str()],
        ["HAPPENED", "NOT_EXPECTED"]
    );
    // Seen a day before the decision, nothing has happened yet.
    let before = expected_dates(
        &new,
        &history(),
        date!(2026 - 04 - 22),
        &cal(),
        &ExpectationSettings::default(),
    );
    assert!(matches!(before[0].decision, Expectation::Estimated(_)));
}

#[test]
fn the_minimum_and_the_window_are_settings() {
    let new = case("NEW", Medical, date!(2026 - 04 - 29))
        .source(NPR)
        .done();
    let strict = ExpectationSettings {
        minimum_sample: 11,
        ..ExpectationSettings::default()
    };
    let got = expected_dates(&new, &history(), TODAY, &cal(), &strict);
    assert_eq!(
        got[0].decision,
        Expectation::TooLittleHistory {
            sample_size: 10,
            minimum: 11
        }
    );
    // Three months back (from 5 February 2026) no NPR case was decided: the
    // last decision, N5's, came 60 wd after 9 October 2025.
    let short = ExpectationSettings {
        window_months: 3,
        ..ExpectationSettings::default()
    };
    let got = expected_dates(&new, &history(), TODAY, &cal(), &short);
    assert_eq!(
        got[0].decision,
        Expectation::TooLittleHistory {
            sample_size: 0,
            minimum: 5
        }
    );
}
