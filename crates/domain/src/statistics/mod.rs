//! Statistics on case handling (saksbehandlingsstatistikk): what HDS reports
//! to the ministry and the public, and the expected dates an applicant and a
//! custodian see beside the statutory deadline.
//!
//! Everything here is a pure function of plain values: a summary of each
//! case's history ([`CaseHistory`], which one SQL query over the case events
//! can produce), a [`Period`] of calendar dates in Europe/Oslo, the
//! [`CaseRules`](crate::case::CaseRules) (the working-day calendar and the
//! pause setting) and, where it matters, "today". No clock, no I/O.
//!
//! - [`history`]: the input, one [`CaseHistory`] per case, naming its data
//!   sources and custodians by shared [`Code`]s ([`code`]).
//! - [`period`]: year, quarter, month or dates, and [`Period::parse`].
//! - [`percentile`]: median and 90th percentile by the nearest-rank method.
//! - [`figures`]: the figures for a period, overall and per group.
//! - [`backlog`]: the cases not finished on a date, by stage and age.
//! - [`expected`]: the likely decision and data dates of a submitted case.
//! - [`csv`] and [`tables`]: figures as semicolon-separated text.
//!
//! Each figure is defined in `docs/reporting.md`; the definitions there and
//! the doc comments here say the same thing.

pub mod backlog;
pub mod code;
pub mod csv;
pub mod expected;
pub mod figures;
pub mod history;
pub mod percentile;
pub mod period;
pub mod tables;
mod view;
mod working_days;

#[cfg(test)]
mod tests;

pub use backlog::{
    backlog, backlog_report, AgeBucket, AgeBuckets, Backlog, BacklogReport, BacklogStage,
    GroupBacklog,
};
pub use code::{Code, Codes};
pub use expected::{
    expected_dates, CountedFrom, Estimate, Expectation, ExpectationSettings, SourceExpectation,
};
pub use figures::{
    period_figures, report, AppealCounts, Counts, DeadlineCompliance, GroupFigures, Outcomes,
    PeriodFigures, ProcessingTimes, Report,
};
pub use history::{
    AppealHistory, AppealResolution, AppealResult, CaseHistory, CaseKind, DeadlineSet, Delivery,
    DeliveryOutcome, SourceDecisionOn, SourceHistory, StateEntered,
};
pub use percentile::{nearest_rank, Durations};
pub use period::Period;
pub use view::Dimension;

/// `Display` and `FromStr` by the `UPPER_SNAKE_CASE` code of an enum with
/// `ALL` and `as_str`.
macro_rules! code_traits {
    ($ty:ty, $what:literal) => {
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::calendar::UnknownCode;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Self::ALL
                    .into_iter()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| $crate::calendar::UnknownCode {
                        what: $what,
                        code: s.to_owned(),
                    })
            }
        }
    };
}
pub(crate) use code_traits;
