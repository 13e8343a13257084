//! How far ahead a date may be promised: the expected date of a
//! postponement (foreløpig svar, helseregisterloven § 19 f), by HDS for the
//! case or by a custodian for its source, and the delivery date a custodian
//! agrees with the applicant (avtalt frist).
//!
//! The law names no limit: the preliminary reply gives "tidspunktet for når
//! tilgjengeliggjøring sannsynligvis vil skje" (seed 003). A date decades
//! ahead (`9999-12-31`) is a typing error rather than a plan, and it would
//! keep a case off every overdue list for good; so the limit is a setting
//! (`HDS_MAX_YEARS_AHEAD`), [`DEFAULT_MAX_YEARS_AHEAD`] years by default.

use time::Date;

/// The default limit, in years after today (Europe/Oslo). Real processing
/// times are 5 to 8 months end to end; three years leaves room for the
/// worst backlog without admitting a date no one can mean.
pub const DEFAULT_MAX_YEARS_AHEAD: u16 = 3;

/// The last date that may be promised on `today`: the same day `years`
/// later (28 February for 29 February in a common year).
pub fn latest_promised_date(today: Date, years: u16) -> Date {
    crate::calendar::months_after(today, 12 * i64::from(years)).unwrap_or(Date::MAX)
}

/// Is `date` later than may be promised on `today`?
pub fn too_far_ahead(date: Date, today: Date, years: u16) -> bool {
    date > latest_promised_date(today, years)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn a_date_up_to_the_same_day_years_later_may_be_promised() {
        let today = date!(2026 - 11 - 30);
        assert_eq!(latest_promised_date(today, 3), date!(2029 - 11 - 30));
        assert!(!too_far_ahead(date!(2029 - 11 - 30), today, 3));
        assert!(too_far_ahead(date!(2029 - 12 - 01), today, 3));
        assert!(too_far_ahead(date!(9999 - 12 - 31), today, 3));
        assert!(!too_far_ahead(date!(2027 - 06 - 01), today, 1));
        assert!(too_far_ahead(date!(2027 - 12 - 01), today, 1));
    }

    #[test]
    fn a_leap_day_promises_up_to_the_28th_of_february() {
        assert_eq!(
            latest_promised_date(date!(2028 - 02 - 29), 1),
            date!(2029 - 02 - 28)
        );
        assert_eq!(
            latest_promised_date(date!(2028 - 02 - 29), 4),
            date!(2032 - 02 - 29)
        );
    }

    #[test]
    fn the_last_years_of_the_calendar_do_not_overflow() {
        assert_eq!(latest_promised_date(date!(9999 - 06 - 01), 3), Date::MAX);
    }
}
