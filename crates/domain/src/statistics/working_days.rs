//! Counting working days between many pairs of dates quickly: the same
//! answer as [`WorkingDayCalendar::working_days_between`], from a table of
//! running totals built once for the dates a computation needs.
//!
//! The calendar walks day by day; statistics over 100,000 cases count
//! millions of days, so they look the counts up instead.

use time::Date;

use crate::calendar::WorkingDayCalendar;

/// The longest span (in days) a table is built for; beyond it every count
/// falls back to the calendar. 400 years: far more than any statistic needs.
const MAX_SPAN_DAYS: i32 = 146_100;

/// Working days counted on one calendar, with a table of running totals
/// for the days from `first` to `first + totals.len() - 1`.
pub(crate) struct WorkingDays<'a> {
    calendar: &'a WorkingDayCalendar,
    first: Date,
    /// `totals[i]`: the working days in `(first, first + i]`.
    totals: Vec<u32>,
}

impl<'a> WorkingDays<'a> {
    /// A table for the dates from `first` to `last` (inclusive). An empty or
    /// too long span gives no table: every count then asks the calendar.
    pub(crate) fn new(calendar: &'a WorkingDayCalendar, first: Date, last: Date) -> Self {
        let span = last.to_julian_day() - first.to_julian_day();
        let mut totals = Vec::new();
        if (0..=MAX_SPAN_DAYS).contains(&span) {
            totals.reserve(usize::try_from(span).unwrap_or(0) + 1);
            totals.push(0);
            let mut count = 0u32;
            let mut day = first;
            while day < last {
                let Some(next) = day.next_day() else { break };
                day = next;
                count += u32::from(calendar.is_working_day(day));
                totals.push(count);
            }
        }
        Self {
            calendar,
            first,
            totals,
        }
    }

    /// A table spanning every date of `cases` and `extra`.
    pub(crate) fn spanning<'c>(
        calendar: &'a WorkingDayCalendar,
        cases: impl IntoIterator<Item = &'c super::CaseHistory>,
        extra: &[Date],
    ) -> Self {
        let mut span: Option<(Date, Date)> = None;
        let mut see = |(a, b): (Date, Date)| {
            span = Some(span.map_or((a, b), |(f, l)| (f.min(a), l.max(b))));
        };
        for c in cases {
            see(c.date_span());
        }
        for d in extra {
            see((*d, *d));
        }
        match span {
            Some((first, last)) => Self::new(calendar, first, last),
            None => Self::new(calendar, Date::MIN, Date::MIN),
        }
    }

    fn index(&self, d: Date) -> Option<usize> {
        let i = usize::try_from(d.to_julian_day() - self.first.to_julian_day()).ok()?;
        (i < self.totals.len()).then_some(i)
    }

    /// The working days in `(a, b]`, negative when `b` is before `a`: as
    /// [`WorkingDayCalendar::working_days_between`].
    pub(crate) fn between(&self, a: Date, b: Date) -> i64 {
        match (self.index(a), self.index(b)) {
            (Some(i), Some(j)) => i64::from(self.totals[j]) - i64::from(self.totals[i]),
            _ => self.calendar.working_days_between(a, b),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn counts_across_christmas_and_easter() {
        let cal = WorkingDayCalendar::default();
        let days = WorkingDays::new(&cal, date!(2025 - 12 - 01), date!(2026 - 06 - 30));
        // Dec 23, 24, 29, 30, 31, Jan 2, Jan 5.
        assert_eq!(
            days.between(date!(2025 - 12 - 22), date!(2026 - 01 - 05)),
            7
        );
        // Mar 30, 31, Apr 1, Apr 7 (Maundy Thursday to Easter Monday closed).
        assert_eq!(
            days.between(date!(2026 - 03 - 27), date!(2026 - 04 - 07)),
            4
        );
        assert_eq!(
            days.between(date!(2026 - 04 - 07), date!(2026 - 03 - 27)),
            -4
        );
        // Outside the table: the calendar answers.
        assert_eq!(
            days.between(date!(2025 - 11 - 28), date!(2025 - 12 - 01)),
            1
        );
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (2_460_000i32..2_461_500).prop_map(|jd| Date::from_julian_day(jd).unwrap())
    }

    proptest! {
        #[test]
        fn agrees_with_the_calendar(a in any_date(), b in any_date(), saturdays in any::<bool>()) {
            let cal = WorkingDayCalendar {
                saturdays_are_working_days: saturdays,
                closure_days: [date!(2024 - 12 - 24), date!(2025 - 12 - 31)].into(),
            };
            let days = WorkingDays::new(&cal, date!(2023 - 03 - 01), date!(2026 - 12 - 31));
            prop_assert_eq!(days.between(a, b), cal.working_days_between(a, b));
        }
    }
}
