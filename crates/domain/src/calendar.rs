//! The working-day calendar (virkedager) and the statutory deadlines that are
//! counted on it.
//!
//! - Working days are Monday to Friday, except Norwegian public holidays
//!   (helligdager og offentlige høytidsdager) and extra closure days. Whether
//!   Saturdays count is open in the sources, so it is a setting (default: not
//!   a working day). Sundays never count.
//! - A deadline of N working days from a date: that date is day 0, and the
//!   deadline is the Nth working day after it.
//! - "A date" is always the calendar date in Europe/Oslo ([`oslo_date`]), not UTC.
//!
//! The deadline rules (helseregisterloven § 19 f, forvaltningsloven § 29) are
//! methods of [`WorkingDayCalendar`], named as a case handler would say them:
//! [`statutory_deadline`](WorkingDayCalendar::statutory_deadline),
//! [`question_reply_deadline`](WorkingDayCalendar::question_reply_deadline),
//! [`reminder_reply_deadline`](WorkingDayCalendar::reminder_reply_deadline),
//! [`appeal_deadline`](WorkingDayCalendar::appeal_deadline) and
//! [`deadline_after_pause`](WorkingDayCalendar::deadline_after_pause).

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use time::{Date, Duration, Month, OffsetDateTime, UtcOffset, Weekday};

/// A Norwegian public holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HolidayKind {
    NewYearsDay,
    MaundyThursday,
    GoodFriday,
    EasterSunday,
    EasterMonday,
    LabourDay,
    ConstitutionDay,
    AscensionDay,
    WhitSunday,
    WhitMonday,
    ChristmasDay,
    BoxingDay,
}

impl HolidayKind {
    /// All holidays, in calendar order for a year where none coincide.
    pub const ALL: [HolidayKind; 12] = [
        Self::NewYearsDay,
        Self::MaundyThursday,
        Self::GoodFriday,
        Self::EasterSunday,
        Self::EasterMonday,
        Self::LabourDay,
        Self::ConstitutionDay,
        Self::AscensionDay,
        Self::WhitSunday,
        Self::WhitMonday,
        Self::ChristmasDay,
        Self::BoxingDay,
    ];

    /// The Norwegian (bokmål) name, e.g. "Skjærtorsdag".
    pub fn name_nb(self) -> &'static str {
        match self {
            Self::NewYearsDay => "Første nyttårsdag",
            Self::MaundyThursday => "Skjærtorsdag",
            Self::GoodFriday => "Langfredag",
            Self::EasterSunday => "Første påskedag",
            Self::EasterMonday => "Andre påskedag",
            Self::LabourDay => "Arbeidernes dag",
            Self::ConstitutionDay => "Grunnlovsdag",
            Self::AscensionDay => "Kristi himmelfartsdag",
            Self::WhitSunday => "Første pinsedag",
            Self::WhitMonday => "Andre pinsedag",
            Self::ChristmasDay => "Første juledag",
            Self::BoxingDay => "Andre juledag",
        }
    }

    /// The English name, e.g. "Maundy Thursday".
    pub fn name_en(self) -> &'static str {
        match self {
            Self::NewYearsDay => "New Year's Day",
            Self::MaundyThursday => "Maundy Thursday",
            Self::GoodFriday => "Good Friday",
            Self::EasterSunday => "Easter Sunday",
            Self::EasterMonday => "Easter Monday",
            Self::LabourDay => "Labour Day",
            Self::ConstitutionDay => "Constitution Day",
            Self::AscensionDay => "Ascension Day",
            Self::WhitSunday => "Whit Sunday",
            Self::WhitMonday => "Whit Monday",
            Self::ChristmasDay => "Christmas Day",
            Self::BoxingDay => "Boxing Day",
        }
    }

    /// A stable `UPPER_SNAKE_CASE` code, e.g. `MAUNDY_THURSDAY`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NewYearsDay => "NEW_YEARS_DAY",
            Self::MaundyThursday => "MAUNDY_THURSDAY",
            Self::GoodFriday => "GOOD_FRIDAY",
            Self::EasterSunday => "EASTER_SUNDAY",
            Self::EasterMonday => "EASTER_MONDAY",
            Self::LabourDay => "LABOUR_DAY",
            Self::ConstitutionDay => "CONSTITUTION_DAY",
            Self::AscensionDay => "ASCENSION_DAY",
            Self::WhitSunday => "WHIT_SUNDAY",
            Self::WhitMonday => "WHIT_MONDAY",
            Self::ChristmasDay => "CHRISTMAS_DAY",
            Self::BoxingDay => "BOXING_DAY",
        }
    }

    /// Days after Easter Sunday for the movable holidays; `None` for fixed ones.
    fn easter_offset(self) -> Option<i64> {
        match self {
            Self::MaundyThursday => Some(-3),
            Self::GoodFriday => Some(-2),
            Self::EasterSunday => Some(0),
            Self::EasterMonday => Some(1),
            Self::AscensionDay => Some(39),
            Self::WhitSunday => Some(49),
            Self::WhitMonday => Some(50),
            _ => None,
        }
    }

    /// Month and day for the fixed holidays; `None` for movable ones.
    fn fixed_date(self) -> Option<(Month, u8)> {
        match self {
            Self::NewYearsDay => Some((Month::January, 1)),
            Self::LabourDay => Some((Month::May, 1)),
            Self::ConstitutionDay => Some((Month::May, 17)),
            Self::ChristmasDay => Some((Month::December, 25)),
            Self::BoxingDay => Some((Month::December, 26)),
            _ => None,
        }
    }

    /// The date of this holiday in `year`; `None` outside the years `time`
    /// supports.
    pub fn date_in(self, year: i32) -> Option<Date> {
        if let Some((month, day)) = self.fixed_date() {
            return Date::from_calendar_date(year, month, day).ok();
        }
        let offset = self.easter_offset()?;
        easter_sunday(year)?.checked_add(Duration::days(offset))
    }
}

impl fmt::Display for HolidayKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The code given to `FromStr` is not known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} code: {code:?}")]
pub struct UnknownCode {
    pub what: &'static str,
    pub code: String,
}

impl FromStr for HolidayKind {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownCode {
                what: "holiday",
                code: s.to_owned(),
            })
    }
}

/// A public holiday on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Holiday {
    pub date: Date,
    pub kind: HolidayKind,
}

impl Holiday {
    pub fn name_nb(&self) -> &'static str {
        self.kind.name_nb()
    }
    pub fn name_en(&self) -> &'static str {
        self.kind.name_en()
    }
}

/// Easter Sunday (første påskedag) in the Gregorian calendar, by the anonymous
/// Gregorian algorithm (Meeus/Jones/Butcher). `None` only outside the years
/// `time` supports.
#[allow(clippy::many_single_char_names)] // the algorithm's published names
pub fn easter_sunday(year: i32) -> Option<Date> {
    let y = year;
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()
}

/// All Norwegian public holidays of `year`, in date order. Two holidays can
/// fall on the same date (e.g. Whit Monday on 17 May 2027); both are listed.
/// Sundays are not listed, though every Sunday is a non-working day.
pub fn public_holidays(year: i32) -> Vec<Holiday> {
    let mut out: Vec<Holiday> = HolidayKind::ALL
        .into_iter()
        .filter_map(|kind| kind.date_in(year).map(|date| Holiday { date, kind }))
        .collect();
    out.sort();
    out
}

/// The public holiday on `date`, if any (the earlier-listed one when two
/// coincide).
pub fn public_holiday_on(date: Date) -> Option<HolidayKind> {
    let (month, day) = (date.month(), date.day());
    if let Some(kind) = HolidayKind::ALL
        .into_iter()
        .find(|k| k.fixed_date() == Some((month, day)))
    {
        return Some(kind);
    }
    // Movable holidays fall between 19 March and 14 June.
    if !matches!(
        month,
        Month::March | Month::April | Month::May | Month::June
    ) {
        return None;
    }
    let easter = easter_sunday(date.year())?;
    let offset = i64::from(date.to_julian_day() - easter.to_julian_day());
    HolidayKind::ALL
        .into_iter()
        .find(|k| k.easter_offset() == Some(offset))
}

/// Why a date is not a working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonWorkingReason {
    Sunday,
    Saturday,
    PublicHoliday(HolidayKind),
    /// An extra closure day configured as data (e.g. 24 or 31 December).
    ClosureDay,
}

/// The working-day calendar: which dates are working days (virkedager), and
/// deadlines counted on them.
///
/// Construct with `WorkingDayCalendar::default()` (Saturdays not working, no
/// closure days) and adjust the public fields, which are settings and data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkingDayCalendar {
    /// Count Saturdays as working days. Open question in the sources; default
    /// `false`.
    pub saturdays_are_working_days: bool,
    /// Extra days the office is closed (e.g. 24 and 31 December, which are
    /// ordinary working days by law). Data, not code.
    pub closure_days: BTreeSet<Date>,
}

/// Working days from a complete application to the deadline, when one source
/// is involved (helseregisterloven § 19 f).
pub const STATUTORY_WORKING_DAYS: u32 = 30;
/// Working days when data is linked from several registers or statistics are
/// compiled from several sources (helseregisterloven § 19 f).
pub const STATUTORY_WORKING_DAYS_LINKED: u32 = 60;
/// Working days the applicant has to answer a question.
pub const QUESTION_REPLY_WORKING_DAYS: u32 = 10;
/// Extra working days a reminder (purring) gives, counted from the first reply
/// deadline.
pub const REMINDER_REPLY_WORKING_DAYS: u32 = 5;
/// Calendar days to appeal a decision (klagefrist: 3 weeks, forvaltningsloven § 29).
pub const APPEAL_PERIOD_DAYS: i64 = 21;

/// Whether the application links data from several sources, which decides
/// the statutory deadline: 30 or 60 working days (helseregisterloven § 19 f).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DataLinkage {
    /// One source, or no linkage across sources: 30 working days.
    #[default]
    SingleSource,
    /// Identifiable data linked (sammenstilt) from more than one register:
    /// 60 working days.
    IdentifiableDataFromSeveralRegisters,
    /// Statistics compiled from several sources: 60 working days.
    StatisticsFromSeveralSources,
}

impl DataLinkage {
    pub const ALL: [DataLinkage; 3] = [
        Self::SingleSource,
        Self::IdentifiableDataFromSeveralRegisters,
        Self::StatisticsFromSeveralSources,
    ];

    /// `SINGLE_SOURCE`, `IDENTIFIABLE_DATA_FROM_SEVERAL_REGISTERS` or
    /// `STATISTICS_FROM_SEVERAL_SOURCES`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SingleSource => "SINGLE_SOURCE",
            Self::IdentifiableDataFromSeveralRegisters => {
                "IDENTIFIABLE_DATA_FROM_SEVERAL_REGISTERS"
            }
            Self::StatisticsFromSeveralSources => "STATISTICS_FROM_SEVERAL_SOURCES",
        }
    }
}

impl fmt::Display for DataLinkage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DataLinkage {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownCode {
                what: "data linkage",
                code: s.to_owned(),
            })
    }
}

/// The statutory number of working days (helseregisterloven § 19 f): 30, or
/// 60 when identifiable data is linked from more than one register or
/// statistics are compiled from several sources.
pub fn statutory_working_days(linkage: DataLinkage) -> u32 {
    match linkage {
        DataLinkage::SingleSource => STATUTORY_WORKING_DAYS,
        DataLinkage::IdentifiableDataFromSeveralRegisters
        | DataLinkage::StatisticsFromSeveralSources => STATUTORY_WORKING_DAYS_LINKED,
    }
}

impl WorkingDayCalendar {
    /// Why `date` is not a working day, or `None` if it is one.
    pub fn non_working_reason(&self, date: Date) -> Option<NonWorkingReason> {
        match date.weekday() {
            Weekday::Sunday => return Some(NonWorkingReason::Sunday),
            Weekday::Saturday if !self.saturdays_are_working_days => {
                return Some(NonWorkingReason::Saturday)
            }
            _ => {}
        }
        if let Some(kind) = public_holiday_on(date) {
            return Some(NonWorkingReason::PublicHoliday(kind));
        }
        if self.closure_days.contains(&date) {
            return Some(NonWorkingReason::ClosureDay);
        }
        None
    }

    /// Monday to Friday (and Saturday if so set), not a public holiday, not a
    /// closure day.
    pub fn is_working_day(&self, date: Date) -> bool {
        self.non_working_reason(date).is_none()
    }

    /// The Nth working day after `from` (`from` itself is day 0, whether or not
    /// it is a working day). `n = 0` returns `from`. Saturates at the last
    /// date `time` supports.
    pub fn add_working_days(&self, from: Date, n: u32) -> Date {
        let mut date = from;
        for _ in 0..n {
            date = match date.next_day() {
                Some(next) => self.next_working_day_on_or_after(next),
                None => return Date::MAX,
            };
        }
        date
    }

    /// The number of working days in `(a, b]`: after `a`, up to and including
    /// `b`. Negative when `b` is before `a` (minus the working days in `(b, a]`).
    /// So `working_days_between(d, add_working_days(d, n)) == n`.
    pub fn working_days_between(&self, a: Date, b: Date) -> i64 {
        if b < a {
            return -self.working_days_between(b, a);
        }
        let mut count = 0;
        let mut date = a;
        while date < b {
            let Some(next) = date.next_day() else { break };
            date = next;
            if self.is_working_day(date) {
                count += 1;
            }
        }
        count
    }

    /// `date` if it is a working day, else the first working day after it.
    /// Saturates at the last date `time` supports.
    pub fn next_working_day_on_or_after(&self, date: Date) -> Date {
        let mut date = date;
        while !self.is_working_day(date) {
            date = match date.next_day() {
                Some(next) => next,
                None => return Date::MAX,
            };
        }
        date
    }

    /// The public holidays of `year` (the same for every calendar; closure days
    /// are not holidays).
    pub fn holidays(&self, year: i32) -> Vec<Holiday> {
        public_holidays(year)
    }

    /// The statutory deadline (helseregisterloven § 19 f): 30 or 60 working
    /// days after the date the application was complete (day 0).
    pub fn statutory_deadline(&self, completed_on: Date, linkage: DataLinkage) -> Date {
        self.add_working_days(completed_on, statutory_working_days(linkage))
    }

    /// The applicant's reply deadline for a question: 10 working days after the
    /// day it was asked (day 0).
    pub fn question_reply_deadline(&self, asked_on: Date) -> Date {
        self.add_working_days(asked_on, QUESTION_REPLY_WORKING_DAYS)
    }

    /// The reply deadline after a reminder (purring): 5 more working days,
    /// counted from the first reply deadline (not from the day the reminder was
    /// sent), as ehelse.no states it: the reminder gives 5 more working days.
    /// A reminder sent late therefore does not lengthen the applicant's time.
    pub fn reminder_reply_deadline(&self, first_reply_deadline: Date) -> Date {
        self.add_working_days(first_reply_deadline, REMINDER_REPLY_WORKING_DAYS)
    }

    /// The appeal deadline (klagefrist, forvaltningsloven § 29): 3 weeks
    /// (21 calendar days) after the decision was received. If that day is not a
    /// working day it moves to the next working day; it also never ends on a
    /// Saturday, even when Saturdays are set as working days, because
    /// deadlines under forvaltningsloven are counted by domstolloven § 149,
    /// which moves a deadline ending on a Saturday.
    pub fn appeal_deadline(&self, received_on: Date) -> Date {
        let Some(mut date) = received_on.checked_add(Duration::days(APPEAL_PERIOD_DAYS)) else {
            return Date::MAX;
        };
        loop {
            date = self.next_working_day_on_or_after(date);
            if date.weekday() != Weekday::Saturday || date == Date::MAX {
                return date;
            }
            date = match date.next_day() {
                Some(next) => next,
                None => return Date::MAX,
            };
        }
    }

    /// The deadline moved by a pause of the statutory clock (while a question
    /// to the applicant waited after the application was complete): the
    /// deadline moves by the working days in `(paused_on, resumed_on]`. A
    /// question asked and answered the same day moves nothing; asked on a
    /// Monday and answered on the Wednesday moves it two working days.
    pub fn deadline_after_pause(&self, deadline: Date, paused_on: Date, resumed_on: Date) -> Date {
        let paused = self.working_days_between(paused_on, resumed_on).max(0);
        self.add_working_days(deadline, u32::try_from(paused).unwrap_or(u32::MAX))
    }
}

static OSLO: LazyLock<Option<jiff::tz::TimeZone>> =
    LazyLock::new(|| jiff::tz::TimeZone::get("Europe/Oslo").ok());

/// The same day `months` calendar months after `day` (before it when
/// negative), or the month's last day when the month is shorter: 31 May
/// less 3 months is 28 or 29 February, 29 February plus 12 months is 28
/// February. None outside the calendar (years beyond ±9999).
pub fn months_after(day: Date, months: i64) -> Option<Date> {
    let index =
        (i64::from(day.year()) * 12 + i64::from(u8::from(day.month())) - 1).checked_add(months)?;
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    Date::from_calendar_date(year, month, day.day().min(month.length(year))).ok()
}

/// The calendar date in Europe/Oslo of an instant. All deadlines count on
/// Oslo dates: a case completed at 23:30 UTC on a winter evening was completed
/// the next day in Oslo.
///
/// Uses the time zone database bundled with jiff; if that were unavailable it
/// falls back to the EU summer-time rule Norway has followed since 1996.
pub fn oslo_date(instant: OffsetDateTime) -> Date {
    let offset = oslo_offset_tzdb(instant).unwrap_or_else(|| oslo_offset_eu_rule(instant));
    instant
        .checked_to_offset(offset)
        .unwrap_or_else(|| instant.to_offset(UtcOffset::UTC))
        .date()
}

fn oslo_offset_tzdb(instant: OffsetDateTime) -> Option<UtcOffset> {
    let tz = OSLO.as_ref()?;
    let ts = jiff::Timestamp::new(instant.unix_timestamp(), 0).ok()?;
    UtcOffset::from_whole_seconds(tz.to_offset(ts).seconds()).ok()
}

/// CET (+1) or CEST (+2): summer time from 01:00 UTC on the last Sunday of
/// March to 01:00 UTC on the last Sunday of October.
fn oslo_offset_eu_rule(instant: OffsetDateTime) -> UtcOffset {
    let utc = instant.to_offset(UtcOffset::UTC);
    let last_sunday = |month: Month| {
        let days = month.length(utc.year());
        Date::from_calendar_date(utc.year(), month, days)
            .ok()
            .map(|d| d - Duration::days(i64::from(d.weekday().number_days_from_sunday())))
    };
    let hours = if let (Some(start), Some(end)) =
        (last_sunday(Month::March), last_sunday(Month::October))
    {
        let start = start.midnight().assume_utc() + Duration::hours(1);
        let end = end.midnight().assume_utc() + Duration::hours(1);
        if utc >= start && utc < end {
            2
        } else {
            1
        }
    } else {
        1
    };
    UtcOffset::from_hms(hours, 0, 0).unwrap_or(UtcOffset::UTC)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::{date, datetime};

    fn cal() -> WorkingDayCalendar {
        WorkingDayCalendar::default()
    }

    #[test]
    fn months_after_keeps_the_day_or_takes_the_months_last() {
        assert_eq!(
            months_after(date!(2026 - 01 - 31), 1),
            Some(date!(2026 - 02 - 28))
        );
        assert_eq!(
            months_after(date!(2026 - 05 - 31), -3),
            Some(date!(2026 - 02 - 28))
        );
        assert_eq!(
            months_after(date!(2028 - 02 - 29), 12),
            Some(date!(2029 - 02 - 28))
        );
        assert_eq!(
            months_after(date!(2026 - 12 - 15), 1),
            Some(date!(2027 - 01 - 15))
        );
        assert_eq!(
            months_after(date!(2026 - 01 - 15), -1),
            Some(date!(2025 - 12 - 15))
        );
        assert_eq!(months_after(date!(9999 - 06 - 01), 12), None);
        assert_eq!(months_after(date!(2026 - 01 - 15), i64::MIN), None);
    }

    #[test]
    fn easter_known_years() {
        for (year, easter) in [
            (2000, date!(2000 - 04 - 23)),
            (2008, date!(2008 - 03 - 23)),
            (2011, date!(2011 - 04 - 24)),
            (2019, date!(2019 - 04 - 21)),
            (2024, date!(2024 - 03 - 31)),
            (2025, date!(2025 - 04 - 20)),
            (2026, date!(2026 - 04 - 05)),
            (2027, date!(2027 - 03 - 28)),
            (2030, date!(2030 - 04 - 21)),
            (2038, date!(2038 - 04 - 25)),
            (2285, date!(2285 - 03 - 22)),
            (1943, date!(1943 - 04 - 25)),
        ] {
            assert_eq!(easter_sunday(year), Some(easter), "{year}");
        }
    }

    #[test]
    fn holidays_2025_in_full() {
        let got: Vec<(Date, &str, &str)> = public_holidays(2025)
            .into_iter()
            .map(|h| (h.date, h.name_nb(), h.name_en()))
            .collect();
        assert_eq!(
            got,
            vec![
                (date!(2025 - 01 - 01), "Første nyttårsdag", "New Year's Day"),
                (date!(2025 - 04 - 17), "Skjærtorsdag", "Maundy Thursday"),
                (date!(2025 - 04 - 18), "Langfredag", "Good Friday"),
                (date!(2025 - 04 - 20), "Første påskedag", "Easter Sunday"),
                (date!(2025 - 04 - 21), "Andre påskedag", "Easter Monday"),
                (date!(2025 - 05 - 01), "Arbeidernes dag", "Labour Day"),
                (date!(2025 - 05 - 17), "Grunnlovsdag", "Constitution Day"),
                (
                    date!(2025 - 05 - 29),
                    "Kristi himmelfartsdag",
                    "Ascension Day"
                ),
                (date!(2025 - 06 - 08), "Første pinsedag", "Whit Sunday"),
                (date!(2025 - 06 - 09), "Andre pinsedag", "Whit Monday"),
                (date!(2025 - 12 - 25), "Første juledag", "Christmas Day"),
                (date!(2025 - 12 - 26), "Andre juledag", "Boxing Day"),
            ]
        );
        assert_eq!(cal().holidays(2025), public_holidays(2025));
    }

    #[test]
    fn coinciding_holidays_are_both_listed() {
        // Easter 2027-03-28: Whit Monday is 17 May.
        let h = public_holidays(2027);
        let may17: Vec<HolidayKind> = h
            .iter()
            .filter(|h| h.date == date!(2027 - 05 - 17))
            .map(|h| h.kind)
            .collect();
        assert_eq!(
            may17,
            vec![HolidayKind::ConstitutionDay, HolidayKind::WhitMonday]
        );
        assert_eq!(h.len(), 12);
    }

    #[test]
    fn holiday_codes_round_trip() {
        for k in HolidayKind::ALL {
            assert_eq!(k.as_str().parse::<HolidayKind>(), Ok(k));
        }
        assert!("EASTER".parse::<HolidayKind>().is_err());
        for l in DataLinkage::ALL {
            assert_eq!(l.as_str().parse::<DataLinkage>(), Ok(l));
        }
    }

    #[test]
    fn public_holiday_on_agrees_with_list() {
        for year in 1990..2060 {
            let list = public_holidays(year);
            let mut d = date!(1990 - 01 - 01).replace_year(year).unwrap();
            while d.year() == year {
                let listed = list.iter().find(|h| h.date == d).map(|h| h.kind);
                assert_eq!(public_holiday_on(d), listed, "{d}");
                d = d.next_day().unwrap();
            }
        }
    }

    #[test]
    fn working_days_basic() {
        let c = cal();
        assert!(
            c.is_working_day(date!(2025 - 12 - 24)),
            "24 Dec is a working day by law"
        );
        assert!(!c.is_working_day(date!(2025 - 12 - 25)));
        assert!(!c.is_working_day(date!(2025 - 05 - 17)));
        assert!(!c.is_working_day(date!(2026 - 04 - 04)), "Saturday");
        assert!(!c.is_working_day(date!(2026 - 04 - 05)), "Sunday");
        assert_eq!(
            c.non_working_reason(date!(2026 - 04 - 02)),
            Some(NonWorkingReason::PublicHoliday(HolidayKind::MaundyThursday))
        );
        assert_eq!(
            c.add_working_days(date!(2026 - 04 - 04), 0),
            date!(2026 - 04 - 04)
        );
        assert_eq!(
            c.next_working_day_on_or_after(date!(2026 - 04 - 02)),
            date!(2026 - 04 - 07)
        );
    }

    #[test]
    fn deadline_across_easter() {
        // Friday 27 March 2026; Easter holidays 2 (Thu), 3 (Fri), 6 (Mon) April.
        let c = cal();
        let from = date!(2026 - 03 - 27);
        assert_eq!(c.add_working_days(from, 1), date!(2026 - 03 - 30));
        assert_eq!(c.add_working_days(from, 3), date!(2026 - 04 - 01));
        assert_eq!(c.add_working_days(from, 4), date!(2026 - 04 - 07));
        assert_eq!(c.question_reply_deadline(from), date!(2026 - 04 - 15));
        assert_eq!(
            c.reminder_reply_deadline(date!(2026 - 04 - 15)),
            date!(2026 - 04 - 22)
        );
    }

    #[test]
    fn deadline_across_christmas_and_new_year() {
        let c = cal();
        // Monday 22 Dec 2025: working days 23, 24, 29, 30, 31 Dec, 2 Jan, 5 Jan ...
        let from = date!(2025 - 12 - 22);
        assert_eq!(c.add_working_days(from, 3), date!(2025 - 12 - 29));
        assert_eq!(c.add_working_days(from, 6), date!(2026 - 01 - 02));
        assert_eq!(c.question_reply_deadline(from), date!(2026 - 01 - 08));
        // With 24 and 31 December as closure days.
        let mut closed = cal();
        closed
            .closure_days
            .extend([date!(2025 - 12 - 24), date!(2025 - 12 - 31)]);
        assert_eq!(closed.add_working_days(from, 3), date!(2025 - 12 - 30));
        assert_eq!(closed.question_reply_deadline(from), date!(2026 - 01 - 12));
        assert_eq!(
            closed.non_working_reason(date!(2025 - 12 - 24)),
            Some(NonWorkingReason::ClosureDay)
        );
    }

    #[test]
    fn saturdays_setting() {
        let mut c = cal();
        c.saturdays_are_working_days = true;
        // Friday 27 March 2026 + 1 = Saturday 28.
        assert_eq!(
            c.add_working_days(date!(2026 - 03 - 27), 1),
            date!(2026 - 03 - 28)
        );
        // Easter Saturday (påskeaften) is not a public holiday.
        assert!(c.is_working_day(date!(2026 - 04 - 04)));
        assert!(!c.is_working_day(date!(2026 - 04 - 05)));
        assert_eq!(
            c.working_days_between(date!(2026 - 03 - 27), date!(2026 - 04 - 07)),
            6
        );
        assert_eq!(
            cal().working_days_between(date!(2026 - 03 - 27), date!(2026 - 04 - 07)),
            4
        );
    }

    #[test]
    fn statutory_deadlines() {
        let c = cal();
        assert_eq!(statutory_working_days(DataLinkage::SingleSource), 30);
        assert_eq!(
            statutory_working_days(DataLinkage::IdentifiableDataFromSeveralRegisters),
            60
        );
        assert_eq!(
            statutory_working_days(DataLinkage::StatisticsFromSeveralSources),
            60
        );
        // Complete on Monday 2 March 2026: 30 working days, Easter costs 3.
        let d = date!(2026 - 03 - 02);
        assert_eq!(
            c.statutory_deadline(d, DataLinkage::SingleSource),
            date!(2026 - 04 - 16)
        );
        let d60 = c.statutory_deadline(d, DataLinkage::IdentifiableDataFromSeveralRegisters);
        assert_eq!(c.working_days_between(d, d60), 60);
        // 60 from 2 March: through Easter, 1 May (Fri), 14 May (Ascension), 25 May (Whit Monday).
        assert_eq!(d60, date!(2026 - 06 - 02));
    }

    #[test]
    fn appeal_deadline_moves_off_non_working_days() {
        let c = cal();
        // Decision Friday 6 March 2026 + 21 = Friday 27 March (working).
        assert_eq!(
            c.appeal_deadline(date!(2026 - 03 - 06)),
            date!(2026 - 03 - 27)
        );
        // Saturday 14 March + 21 = Saturday 4 April (Easter Saturday) -> Tuesday 7 April.
        assert_eq!(
            c.appeal_deadline(date!(2026 - 03 - 14)),
            date!(2026 - 04 - 07)
        );
        // Thursday 12 March + 21 = Thursday 2 April (Maundy Thursday) -> Tuesday 7 April.
        assert_eq!(
            c.appeal_deadline(date!(2026 - 03 - 12)),
            date!(2026 - 04 - 07)
        );
        // Saturday even with Saturdays as working days moves to Monday.
        let mut sat = cal();
        sat.saturdays_are_working_days = true;
        assert_eq!(
            sat.appeal_deadline(date!(2025 - 03 - 01)),
            date!(2025 - 03 - 24)
        );
    }

    #[test]
    fn pause_moves_deadline() {
        let c = cal();
        let deadline = date!(2026 - 04 - 16);
        // Asked Monday 9 March, answered Wednesday 11 March: 2 working days.
        assert_eq!(
            c.deadline_after_pause(deadline, date!(2026 - 03 - 09), date!(2026 - 03 - 11)),
            date!(2026 - 04 - 20)
        );
        // Same day: nothing.
        assert_eq!(
            c.deadline_after_pause(deadline, date!(2026 - 03 - 09), date!(2026 - 03 - 09)),
            deadline
        );
        // Across Easter: asked 27 March, answered 7 April = 4 working days.
        assert_eq!(
            c.deadline_after_pause(deadline, date!(2026 - 03 - 27), date!(2026 - 04 - 07)),
            c.add_working_days(deadline, 4)
        );
    }

    #[test]
    fn oslo_dates_around_midnight() {
        // Winter (UTC+1): 23:30 UTC is 00:30 next day in Oslo.
        assert_eq!(
            oslo_date(datetime!(2026-01-15 22:59:59 UTC)),
            date!(2026 - 01 - 15)
        );
        assert_eq!(
            oslo_date(datetime!(2026-01-15 23:00:00 UTC)),
            date!(2026 - 01 - 16)
        );
        // Summer (UTC+2).
        assert_eq!(
            oslo_date(datetime!(2026-07-15 21:59:59 UTC)),
            date!(2026 - 07 - 15)
        );
        assert_eq!(
            oslo_date(datetime!(2026-07-15 22:00:00 UTC)),
            date!(2026 - 07 - 16)
        );
        // Offsets on the input are respected.
        assert_eq!(
            oslo_date(datetime!(2026-07-16 00:30:00 +02:00)),
            date!(2026 - 07 - 16)
        );
        assert_eq!(
            oslo_date(datetime!(2026-07-15 19:00:00 -05:00)),
            date!(2026 - 07 - 16)
        );
        // DST switches 2026: 29 March and 25 October at 01:00 UTC.
        assert_eq!(
            oslo_date(datetime!(2026-03-28 23:30:00 UTC)),
            date!(2026 - 03 - 29)
        );
        assert_eq!(
            oslo_date(datetime!(2026-10-24 22:30:00 UTC)),
            date!(2026 - 10 - 25)
        );
        assert_eq!(
            oslo_date(datetime!(2026-10-25 22:30:00 UTC)),
            date!(2026 - 10 - 25)
        );
        assert_eq!(
            oslo_date(datetime!(2026-10-25 23:00:00 UTC)),
            date!(2026 - 10 - 26)
        );
    }

    #[test]
    fn eu_rule_fallback_agrees_with_tzdb() {
        let mut t = datetime!(2020-01-01 00:30:00 UTC);
        let end = datetime!(2031-01-01 00:00:00 UTC);
        while t < end {
            assert_eq!(Some(oslo_offset_eu_rule(t)), oslo_offset_tzdb(t), "{t}");
            t += Duration::minutes(30 * 47);
        }
        for t in [
            datetime!(2026-03-29 00:59:59 UTC),
            datetime!(2026-03-29 01:00:00 UTC),
            datetime!(2026-10-25 00:59:59 UTC),
            datetime!(2026-10-25 01:00:00 UTC),
        ] {
            assert_eq!(Some(oslo_offset_eu_rule(t)), oslo_offset_tzdb(t), "{t}");
        }
    }

    #[test]
    fn extreme_dates_do_not_panic() {
        let c = cal();
        assert_eq!(c.add_working_days(Date::MAX, 3), Date::MAX);
        assert_eq!(c.appeal_deadline(Date::MAX), Date::MAX);
        let _ = oslo_date(OffsetDateTime::new_utc(Date::MAX, time::Time::MIDNIGHT));
        let _ = oslo_date(OffsetDateTime::new_utc(Date::MIN, time::Time::MIDNIGHT));
        let _ = public_holidays(i32::MAX);
        let _ = public_holidays(-9999);
    }

    fn any_date() -> impl Strategy<Value = Date> {
        // 1990-01-01 .. 2100-01-01
        (2_447_893i32..2_488_070).prop_map(|jd| Date::from_julian_day(jd).unwrap())
    }

    fn any_calendar() -> impl Strategy<Value = WorkingDayCalendar> {
        (
            any::<bool>(),
            proptest::collection::btree_set(any_date(), 0..20),
        )
            .prop_map(
                |(saturdays_are_working_days, closure_days)| WorkingDayCalendar {
                    saturdays_are_working_days,
                    closure_days,
                },
            )
    }

    proptest! {
        #[test]
        fn deadline_is_a_working_day(c in any_calendar(), d in any_date(), n in 1u32..400) {
            prop_assert!(c.is_working_day(c.add_working_days(d, n)));
        }

        #[test]
        fn adding_is_additive(c in any_calendar(), d in any_date(), n in 0u32..200, m in 0u32..200) {
            prop_assert_eq!(
                c.add_working_days(c.add_working_days(d, n), m),
                c.add_working_days(d, n + m)
            );
        }

        #[test]
        fn between_inverts_add(c in any_calendar(), d in any_date(), n in 0u32..400) {
            let e = c.add_working_days(d, n);
            prop_assert_eq!(c.working_days_between(d, e), i64::from(n));
            prop_assert_eq!(c.working_days_between(e, d), -i64::from(n));
        }

        #[test]
        fn appeal_deadline_is_working_day_not_saturday(c in any_calendar(), d in any_date()) {
            let a = c.appeal_deadline(d);
            prop_assert!(c.is_working_day(a));
            prop_assert!(a.weekday() != Weekday::Saturday);
            prop_assert!(a >= d + Duration::days(21));
            prop_assert!(a < d + Duration::days(35));
        }

        #[test]
        fn holidays_are_never_working_days(c in any_calendar(), year in 1990i32..2100) {
            for h in public_holidays(year) {
                prop_assert!(!c.is_working_day(h.date));
            }
        }
    }
}
