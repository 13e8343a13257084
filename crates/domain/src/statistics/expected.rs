//! Expected dates (forventet dato) for a submitted case: per data source, the
//! likely decision date and data date, from how long recent cases took for
//! the same source and decision authority.
//!
//! The rule, for each source of the case:
//!
//! 1. If the milestone has happened (the source has its first decision, or
//!    its custodian has reported on the data), say so with its date. A
//!    source refused by the decision in force expects no data.
//! 2. Otherwise count from the case's completion date, or, while it is not
//!    complete, from its received date.
//! 3. The history: other cases with the same data source and decision
//!    authority whose milestone (the source's first decision; the source's
//!    data report) fell in the window: after the same date
//!    `window_months` before today, up to and including today. For each, the
//!    working days from its completion (or received) date to the milestone.
//! 4. With fewer than `minimum_sample` such cases there is too little
//!    history, and the answer says so. Otherwise the median and the 90th
//!    percentile (nearest rank) of those working days, added to the date of
//!    step 2 on the working-day calendar, give the likely date and the date
//!    by which nine in ten recent cases had got there.

use std::borrow::Borrow;

use time::Date;

use super::code_traits;
use super::history::{CaseHistory, Seen};
use super::percentile::Durations;
use super::view::{CaseView, Dimension};
use super::working_days::WorkingDays;
use crate::calendar::WorkingDayCalendar;
use crate::case::{DecisionAuthority, DecisionOutcome};

/// Settings for expected dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExpectationSettings {
    /// How far back the history reaches, in months (default 12).
    pub window_months: u32,
    /// The fewest past cases an estimate is made from (default 5).
    pub minimum_sample: usize,
}

impl Default for ExpectationSettings {
    fn default() -> Self {
        Self {
            window_months: 12,
            minimum_sample: 5,
        }
    }
}

/// The date an estimate counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CountedFrom {
    /// The case is not complete yet: counted from the day received.
    Received,
    /// Counted from the day the case was found complete.
    Complete,
}

impl CountedFrom {
    pub const ALL: [CountedFrom; 2] = [Self::Received, Self::Complete];

    /// `RECEIVED` or `COMPLETE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "RECEIVED",
            Self::Complete => "COMPLETE",
        }
    }
}

code_traits!(CountedFrom, "counted from");

/// An estimate from recent processing times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    pub counted_from: CountedFrom,
    /// The date counted from (day 0).
    pub from: Date,
    /// How many past cases the estimate rests on.
    pub sample_size: usize,
    pub median_working_days: i64,
    pub p90_working_days: i64,
    /// `from` plus the median: half of recent cases got there by this many
    /// working days.
    pub likely_on: Date,
    /// `from` plus the 90th percentile: nine in ten recent cases got there
    /// by this many working days.
    pub nine_in_ten_by: Date,
}

/// What can be said about one milestone of one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expectation {
    /// It has happened, on this date.
    Happened {
        on: Date,
    },
    /// It will not happen: no data come for a refused source.
    NotExpected,
    /// Too few recent cases to estimate from.
    TooLittleHistory {
        sample_size: usize,
        minimum: usize,
    },
    Estimated(Estimate),
}

impl Expectation {
    /// `HAPPENED`, `NOT_EXPECTED`, `TOO_LITTLE_HISTORY` or `ESTIMATED`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Happened { .. } => "HAPPENED",
            Self::NotExpected => "NOT_EXPECTED",
            Self::TooLittleHistory { .. } => "TOO_LITTLE_HISTORY",
            Self::Estimated(_) => "ESTIMATED",
        }
    }
}

/// The expected decision and data dates for one source of the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceExpectation {
    pub data_source: String,
    pub authority: DecisionAuthority,
    /// The source's first decision.
    pub decision: Expectation,
    /// The custodian's report on the data (delivered, or cannot deliver).
    pub data: Expectation,
}

/// The expected dates of `case`, one entry per source in the case's order,
/// from the past cases in `history` (the case itself is left out by
/// `case_id`) as of `today`. The past cases are histories, or shared ones
/// (`Arc<CaseHistory>`).
pub fn expected_dates(
    case: &CaseHistory,
    history: &[impl Borrow<CaseHistory>],
    today: Date,
    calendar: &WorkingDayCalendar,
    settings: &ExpectationSettings,
) -> Vec<SourceExpectation> {
    let case = case.seen_on(today).unwrap_or(Seen::Whole(case));
    let (counted_from, from) = match case.completed_on {
        Some(d) => (CountedFrom::Complete, d),
        None => (CountedFrom::Received, case.received_on),
    };
    let window_start = months_before(today, settings.window_months);
    let in_window = |d: Date| window_start < d && d <= today;
    let shares_a_source = |h: &CaseHistory| {
        h.sources
            .iter()
            .any(|s| case.sources.iter().any(|c| c.data_source == s.data_source))
    };
    let past: Vec<Seen<'_>> = history
        .iter()
        .map(Borrow::borrow)
        .filter(|h| h.case_id != case.case_id && shares_a_source(h))
        .filter_map(|h| h.seen_on(today))
        .collect();
    let days = WorkingDays::spanning(calendar, past.iter().map(|p| &**p), &[window_start, today]);

    // Working days from each past case's start (complete or received) to
    // the milestone `reached` picks, for the source's cases in the window.
    let sample = |code: &str,
                  authority: DecisionAuthority,
                  reached: &dyn Fn(&CaseView<'_>) -> Option<Date>| {
        let mut out = Vec::new();
        for p in &past {
            let Some(view) = CaseView::group(p, Dimension::DataSource, code) else {
                continue;
            };
            if view.sources.iter().any(|s| s.authority != authority) {
                continue;
            }
            let start = match counted_from {
                CountedFrom::Complete => p.completed_on,
                CountedFrom::Received => Some(p.received_on),
            };
            if let (Some(start), Some(end)) = (start, reached(&view).filter(|d| in_window(*d))) {
                out.push(days.between(start, end));
            }
        }
        out
    };
    let estimate = |durations: Vec<i64>| {
        if durations.len() < settings.minimum_sample {
            return Expectation::TooLittleHistory {
                sample_size: durations.len(),
                minimum: settings.minimum_sample,
            };
        }
        let summary = Durations::of(durations);
        let (median, p90) = (
            summary.median.unwrap_or_default(),
            summary.p90.unwrap_or_default(),
        );
        let add = |n: i64| calendar.add_working_days(from, u32::try_from(n).unwrap_or(0));
        Expectation::Estimated(Estimate {
            counted_from,
            from,
            sample_size: usize::try_from(summary.count).unwrap_or(usize::MAX),
            median_working_days: median,
            p90_working_days: p90,
            likely_on: add(median),
            nine_in_ten_by: add(p90),
        })
    };

    case.sources
        .iter()
        .map(|s| {
            let decision = match s.first_decision() {
                Some(d) => Expectation::Happened { on: d.on },
                None => estimate(sample(s.data_source.as_str(), s.authority, &|v| {
                    v.decided_on()
                })),
            };
            let data = match (s.current_decision(), s.delivery) {
                (_, Some(d)) => Expectation::Happened { on: d.on },
                (Some(d), None) if d.outcome == DecisionOutcome::Refused => {
                    Expectation::NotExpected
                }
                _ => estimate(sample(s.data_source.as_str(), s.authority, &|v| {
                    v.data_made_available_on()
                })),
            };
            SourceExpectation {
                data_source: s.data_source.to_string(),
                authority: s.authority,
                decision,
                data,
            }
        })
        .collect()
}

/// The same day `months` months before `day` (the month's last day when it
/// is shorter: 31 May less 3 months is 28 or 29 February).
pub fn months_before(day: Date, months: u32) -> Date {
    crate::calendar::months_after(day, -i64::from(months)).unwrap_or(Date::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_before_keeps_the_day_or_takes_the_last() {
        assert_eq!(
            months_before(date!(2026 - 05 - 04), 12),
            date!(2025 - 05 - 04)
        );
        assert_eq!(
            months_before(date!(2026 - 05 - 31), 3),
            date!(2026 - 02 - 28)
        );
        assert_eq!(
            months_before(date!(2028 - 05 - 31), 3),
            date!(2028 - 02 - 29)
        );
        assert_eq!(
            months_before(date!(2028 - 02 - 29), 12),
            date!(2027 - 02 - 28)
        );
        assert_eq!(
            months_before(date!(2026 - 01 - 15), 1),
            date!(2025 - 12 - 15)
        );
        assert_eq!(
            months_before(date!(2026 - 01 - 15), 0),
            date!(2026 - 01 - 15)
        );
        assert_eq!(months_before(date!(2026 - 01 - 15), u32::MAX), Date::MIN);
    }
}
