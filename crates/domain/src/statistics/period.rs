//! The period a figure covers: a year, a quarter, a month, or explicit dates,
//! always whole calendar days in Europe/Oslo, first and last day included.

use std::fmt;

use time::{Date, Month};

use crate::catalogue::{Problem, YEARS};

/// The forms [`Period::parse`] accepts, for messages.
const FORMS: &str =
    "a year (2026), a quarter (2026-Q2), a month (2026-05) or dates (2026-01-01..2026-03-31)";

/// Calendar days from `first` to `last`, both included (`first <= last`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    first: Date,
    last: Date,
}

impl Period {
    /// The days from `first` to `last` inclusive; `None` when `last` is
    /// before `first`.
    pub fn new(first: Date, last: Date) -> Option<Self> {
        (first <= last).then_some(Self { first, last })
    }

    /// 1 January to 31 December of `year`.
    pub fn year(year: i32) -> Option<Self> {
        Self::months(year, Month::January, 12)
    }

    /// Quarter `quarter` (1 to 4) of `year`: Q1 is January to March.
    pub fn quarter(year: i32, quarter: u8) -> Option<Self> {
        if !(1..=4).contains(&quarter) {
            return None;
        }
        let first = Month::try_from(3 * quarter - 2).ok()?;
        Self::months(year, first, 3)
    }

    /// The month `month` of `year`.
    pub fn month(year: i32, month: Month) -> Option<Self> {
        Self::months(year, month, 1)
    }

    fn months(year: i32, first: Month, count: u8) -> Option<Self> {
        let last = first.nth_next(count - 1);
        Self::new(
            Date::from_calendar_date(year, first, 1).ok()?,
            Date::from_calendar_date(year, last, last.length(year)).ok()?,
        )
    }

    /// The first day.
    pub fn first(&self) -> Date {
        self.first
    }

    /// The last day (included).
    pub fn last(&self) -> Date {
        self.last
    }

    /// `day` lies in the period.
    pub fn contains(&self, day: Date) -> bool {
        self.first <= day && day <= self.last
    }

    /// Reads a period as `2026`, `2026-Q2`, `2026-05` or
    /// `2026-01-01..2026-03-31` (first and last day, both included). Every
    /// problem with the text is returned, each pointing at `pointer` (e.g.
    /// `/query/period`). Years are within [`YEARS`].
    pub fn parse(pointer: &str, text: &str) -> Result<Self, Vec<Problem>> {
        let problem = |code: &'static str, message: String| Problem::new(pointer, code, message);
        if let Some((a, b)) = text.split_once("..") {
            let first = parse_date(a).map_err(|e| problem(e.code(), e.message("first")));
            let last = parse_date(b).map_err(|e| problem(e.code(), e.message("last")));
            return match (first, last) {
                (Ok(first), Ok(last)) => Self::new(first, last).ok_or_else(|| {
                    vec![problem(
                        "END_BEFORE_START",
                        "the last date is before the first".into(),
                    )]
                }),
                (first, last) => Err([first.err(), last.err()].into_iter().flatten().collect()),
            };
        }
        let invalid = || vec![problem("INVALID_PERIOD", format!("give {FORMS}"))];
        let mut parts = text.split('-');
        let (year, rest) = (parts.next().unwrap_or_default(), parts.next());
        if parts.next().is_some() {
            return Err(invalid());
        }
        let year = match number(year, 4) {
            Some(y) if YEARS.contains(&y) => y,
            Some(_) => return Err(vec![year_out_of_range(pointer)]),
            None => return Err(invalid()),
        };
        let period = match rest {
            None => Self::year(year),
            Some(q) if q.starts_with(['Q', 'q']) => {
                number(&q[1..], 1).and_then(|q| Self::quarter(year, u8::try_from(q).ok()?))
            }
            Some(m) => number(m, 2)
                .and_then(|m| Month::try_from(u8::try_from(m).ok()?).ok())
                .and_then(|m| Self::month(year, m)),
        };
        period.ok_or_else(invalid)
    }
}

fn year_out_of_range(pointer: &str) -> Problem {
    Problem::new(
        pointer,
        "YEAR_OUT_OF_RANGE",
        format!("the year must be from {} to {}", YEARS.start(), YEARS.end()),
    )
}

/// A number of exactly `digits` ASCII digits.
fn number(text: &str, digits: usize) -> Option<i32> {
    (text.len() == digits && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

enum DateError {
    Format,
    NoSuchDay,
    YearOutOfRange,
}

impl DateError {
    fn code(&self) -> &'static str {
        match self {
            Self::Format | Self::NoSuchDay => "INVALID_DATE",
            Self::YearOutOfRange => "YEAR_OUT_OF_RANGE",
        }
    }

    fn message(&self, which: &str) -> String {
        match self {
            Self::Format => format!("the {which} date must be written YYYY-MM-DD, e.g. 2026-01-31"),
            Self::NoSuchDay => format!("the {which} date does not exist"),
            Self::YearOutOfRange => format!(
                "the {which} date's year must be from {} to {}",
                YEARS.start(),
                YEARS.end()
            ),
        }
    }
}

/// `YYYY-MM-DD`, strictly.
fn parse_date(text: &str) -> Result<Date, DateError> {
    let mut parts = text.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(DateError::Format);
    };
    let (Some(y), Some(m), Some(d)) = (number(y, 4), number(m, 2), number(d, 2)) else {
        return Err(DateError::Format);
    };
    if !YEARS.contains(&y) {
        return Err(DateError::YearOutOfRange);
    }
    let month = u8::try_from(m)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or(DateError::NoSuchDay)?;
    let day = u8::try_from(d).map_err(|_| DateError::NoSuchDay)?;
    Date::from_calendar_date(y, month, day).map_err(|_| DateError::NoSuchDay)
}

/// The shortest form that reads back as the same period: `2026`, `2026-Q2`,
/// `2026-05`, or `2026-01-01..2026-02-15`.
impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let year = self.first.year();
        if Self::year(year) == Some(*self) {
            return write!(f, "{year:04}");
        }
        if let Some(q) = (1..=4).find(|q| Self::quarter(year, *q) == Some(*self)) {
            return write!(f, "{year:04}-Q{q}");
        }
        if Self::month(year, self.first.month()) == Some(*self) {
            return write!(f, "{year:04}-{:02}", u8::from(self.first.month()));
        }
        write!(f, "{}..{}", self.first, self.last)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use time::macros::date;

    fn parse(text: &str) -> Result<Period, Vec<(&'static str, String)>> {
        Period::parse("/query/period", text).map_err(|problems| {
            problems
                .into_iter()
                .map(|p| {
                    assert_eq!(p.pointer, "/query/period");
                    (p.code, p.message)
                })
                .collect()
        })
    }

    fn days(text: &str) -> (Date, Date) {
        let p = parse(text).unwrap();
        (p.first(), p.last())
    }

    #[test]
    fn years_quarters_months_and_dates() {
        assert_eq!(days("2026"), (date!(2026 - 01 - 01), date!(2026 - 12 - 31)));
        assert_eq!(
            days("2026-Q1"),
            (date!(2026 - 01 - 01), date!(2026 - 03 - 31))
        );
        assert_eq!(
            days("2026-Q2"),
            (date!(2026 - 04 - 01), date!(2026 - 06 - 30))
        );
        assert_eq!(
            days("2026-q3"),
            (date!(2026 - 07 - 01), date!(2026 - 09 - 30))
        );
        assert_eq!(
            days("2026-Q4"),
            (date!(2026 - 10 - 01), date!(2026 - 12 - 31))
        );
        assert_eq!(
            days("2026-05"),
            (date!(2026 - 05 - 01), date!(2026 - 05 - 31))
        );
        assert_eq!(
            days("2028-02"),
            (date!(2028 - 02 - 01), date!(2028 - 02 - 29))
        );
        assert_eq!(
            days("2026-02"),
            (date!(2026 - 02 - 01), date!(2026 - 02 - 28))
        );
        assert_eq!(
            days("2026-01-01..2026-03-31"),
            (date!(2026 - 01 - 01), date!(2026 - 03 - 31))
        );
        assert_eq!(
            days("2026-03-05..2026-03-05"),
            (date!(2026 - 03 - 05), date!(2026 - 03 - 05))
        );
    }

    #[test]
    fn displays_its_shortest_form_and_reads_it_back() {
        for (text, shown) in [
            ("2026", "2026"),
            ("2026-q2", "2026-Q2"),
            ("2026-05", "2026-05"),
            ("2026-01-01..2026-12-31", "2026"),
            ("2026-04-01..2026-06-30", "2026-Q2"),
            ("2026-05-01..2026-05-31", "2026-05"),
            ("2026-01-01..2026-04-30", "2026-01-01..2026-04-30"),
            ("2025-12-01..2026-01-31", "2025-12-01..2026-01-31"),
        ] {
            let p = parse(text).unwrap();
            assert_eq!(p.to_string(), shown);
            assert_eq!(parse(shown).unwrap(), p);
        }
    }

    #[test]
    fn bad_input_is_named() {
        let code = |text: &str| -> Vec<&'static str> {
            parse(text).unwrap_err().into_iter().map(|p| p.0).collect()
        };
        for bad in [
            "",
            "26",
            "2026-",
            "2026-Q",
            "2026-Q5",
            "2026-Q0",
            "2026-Q12",
            "2026-13",
            "2026-00",
            "2026-5",
            "2026-05-01",
            " 2026",
            "2026 ",
            "２０２６",
            "+2026",
            "2026-H1",
            "2026-05-x",
            "2026-Q2-01",
        ] {
            assert_eq!(code(bad), ["INVALID_PERIOD"], "{bad:?}");
        }
        assert_eq!(code("1799"), ["YEAR_OUT_OF_RANGE"]);
        assert_eq!(code("2201-Q1"), ["YEAR_OUT_OF_RANGE"]);
        assert_eq!(code("2026-02-30..2026-03-01"), ["INVALID_DATE"]);
        assert_eq!(code("2026-1-01..2026-03-01"), ["INVALID_DATE"]);
        assert_eq!(code("2026-01-01.."), ["INVALID_DATE"]);
        assert_eq!(code("2026-01-01..2026-03-01..2026-04-01"), ["INVALID_DATE"]);
        assert_eq!(code("x..y"), ["INVALID_DATE", "INVALID_DATE"]);
        assert_eq!(code(".."), ["INVALID_DATE", "INVALID_DATE"]);
        assert_eq!(code("1700-01-01..2026-03-01"), ["YEAR_OUT_OF_RANGE"]);
        assert_eq!(code("2026-03-02..2026-03-01"), ["END_BEFORE_START"]);
        let messages = parse("2026-13-01..2026-02-29").unwrap_err();
        assert_eq!(
            messages,
            [
                ("INVALID_DATE", "the first date does not exist".to_owned()),
                ("INVALID_DATE", "the last date does not exist".to_owned())
            ]
        );
    }

    #[test]
    fn contains_both_ends() {
        let p = parse("2026-Q2").unwrap();
        assert!(!p.contains(date!(2026 - 03 - 31)));
        assert!(p.contains(date!(2026 - 04 - 01)));
        assert!(p.contains(date!(2026 - 06 - 30)));
        assert!(!p.contains(date!(2026 - 07 - 01)));
        assert_eq!(
            Period::new(date!(2026 - 01 - 02), date!(2026 - 01 - 01)),
            None
        );
        assert_eq!(Period::quarter(2026, 5), None);
    }
}
