//! How hours are counted for billing (timetelling): exactly, or per started
//! hour; and how many hours at the start of a case are free.
//!
//! Both are settings of a price list version ([`HourCounting`]), because the
//! sources only say "per started hour of case handling" (HDS) and "table data
//! from the third hour" (Kreftregisteret), not how to apply them:
//!
//! - **Per started hour** rounds up to whole hours, in a [`RoundingScope`]:
//!   each piece of work, each day, or the whole case. HDS's "per started hour
//!   of case handling" is read as the whole case ([`RoundingScope::Case`]):
//!   the case's total handling time is rounded up once. When the work spans a
//!   price change, the hours added by rounding are priced at the rate of the
//!   latest period with work (so a price change never adds a second started
//!   hour).
//! - **Free hours** are taken off the first hours of ordinary case handling
//!   (earliest price period first), after rounding. They may be limited to
//!   applications for anonymous data ("table data", [`FreeHoursFor`]).
//!
//! Hours of appeal handling are counted apart from ordinary handling (they are
//! rounded on their own and get no free hours), because they are exempt where
//! the party honours the appeal exemption.

use std::collections::BTreeMap;

use time::Date;

use crate::application::DataKind;

use super::hours::{Activity, Hours, WorkItem};
use super::money::Overflow;

/// Where "per started hour" rounds up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RoundingScope {
    /// Each piece of work (an entry with its corrections) on its own.
    Entry,
    /// The hours of each day.
    Day,
    /// The case's total (per activity), once.
    Case,
}

impl RoundingScope {
    pub const ALL: [RoundingScope; 3] = [Self::Entry, Self::Day, Self::Case];

    /// `ENTRY`, `DAY` or `CASE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Entry => "ENTRY",
            Self::Day => "DAY",
            Self::Case => "CASE",
        }
    }
}

/// Exact time, or rounded up to whole hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rounding {
    /// The time recorded, in hundredths of an hour.
    Exact,
    /// Per started hour (per påbegynt time), rounded up within the scope.
    PerStartedHour(RoundingScope),
}

/// Which applications get the free hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FreeHoursFor {
    /// Every application.
    AllApplications,
    /// Only applications for anonymous data (aggregated tables).
    AnonymousDataOnly,
}

impl FreeHoursFor {
    /// `ALL_APPLICATIONS` or `ANONYMOUS_DATA_ONLY`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AllApplications => "ALL_APPLICATIONS",
            Self::AnonymousDataOnly => "ANONYMOUS_DATA_ONLY",
        }
    }
}

/// How a party counts hours: a setting of each price list version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HourCounting {
    pub rounding: Rounding,
    /// Hours at the start of a case that are not billed ("from the third
    /// hour" is 2 free hours). Zero for none.
    pub free_hours: Hours,
    pub free_hours_for: FreeHoursFor,
}

impl HourCounting {
    /// Exact hours, nothing free.
    pub const EXACT: HourCounting = HourCounting {
        rounding: Rounding::Exact,
        free_hours: Hours::ZERO,
        free_hours_for: FreeHoursFor::AllApplications,
    };

    /// Do the free hours apply to an application for `data_kind`?
    pub fn free_hours_apply(&self, data_kind: Option<DataKind>) -> bool {
        self.free_hours.is_positive()
            && match self.free_hours_for {
                FreeHoursFor::AllApplications => true,
                FreeHoursFor::AnonymousDataOnly => data_kind == Some(DataKind::Anonymous),
            }
    }

    /// For an estimate of `worked` hours of ordinary handling: the hours
    /// counted and the free hours taken off them.
    pub fn count_total(&self, worked: Hours, free_apply: bool) -> (Hours, Hours) {
        let counted = match self.rounding {
            Rounding::Exact => worked,
            Rounding::PerStartedHour(_) => worked.up_to_whole_hours(),
        };
        let free = if free_apply {
            counted.min(self.free_hours).max(Hours::ZERO)
        } else {
            Hours::ZERO
        };
        (counted, free)
    }
}

/// The hours of one activity in one price period, as billed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodHours {
    /// The index of the price list version (period) in its list.
    pub period: usize,
    pub activity: Activity,
    pub first_day: Date,
    pub last_day: Date,
    /// The time recorded.
    pub worked: Hours,
    /// The time counted (after rounding up, if the party counts per started hour).
    pub counted: Hours,
    /// Free hours taken off `counted` here.
    pub free: Hours,
}

/// A work item whose date no price period covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpriced {
    pub worked_on: Date,
    /// Index in the ledger of the entry that dates it.
    pub entry_index: usize,
}

/// Why hours cannot be counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountError {
    Unpriced(Vec<Unpriced>),
    Overflow,
}

impl From<Overflow> for CountError {
    fn from(_: Overflow) -> Self {
        Self::Overflow
    }
}

/// Counts `items` per price period (`period_of(date)` gives the index of the
/// version in force that day) and activity, by `counting`; takes the free
/// hours off ordinary handling if `free_apply`. Groups come out in period
/// order, ordinary handling before appeal handling.
pub fn count_hours(
    items: &[WorkItem],
    period_of: impl Fn(Date) -> Option<usize>,
    counting: &HourCounting,
    free_apply: bool,
) -> Result<Vec<PeriodHours>, CountError> {
    let unpriced: Vec<Unpriced> = items
        .iter()
        .filter(|w| period_of(w.worked_on).is_none())
        .map(|w| Unpriced {
            worked_on: w.worked_on,
            entry_index: w.head_index,
        })
        .collect();
    if !unpriced.is_empty() {
        return Err(CountError::Unpriced(unpriced));
    }

    // The units that are rounded up on their own: (period, activity, first day, last day, hours).
    let mut units: Vec<(usize, Activity, Date, Date, Hours)> = Vec::new();
    let scope = match counting.rounding {
        Rounding::Exact => None,
        Rounding::PerStartedHour(scope) => Some(scope),
    };
    if scope == Some(RoundingScope::Day) {
        let mut days: BTreeMap<(Date, Activity), Hours> = BTreeMap::new();
        for w in items {
            let h = days.entry((w.worked_on, w.activity)).or_default();
            *h = h.checked_add(w.hours)?;
        }
        for ((day, activity), hours) in days {
            let period = period_of(day).unwrap_or_default();
            units.push((period, activity, day, day, hours));
        }
    } else {
        for w in items {
            let period = period_of(w.worked_on).unwrap_or_default();
            units.push((period, w.activity, w.worked_on, w.worked_on, w.hours));
        }
    }

    let mut groups: BTreeMap<(usize, Activity), PeriodHours> = BTreeMap::new();
    for (period, activity, first, last, hours) in units {
        let counted = match scope {
            Some(RoundingScope::Entry | RoundingScope::Day) => hours.up_to_whole_hours(),
            _ => hours,
        };
        let g = groups.entry((period, activity)).or_insert(PeriodHours {
            period,
            activity,
            first_day: first,
            last_day: last,
            worked: Hours::ZERO,
            counted: Hours::ZERO,
            free: Hours::ZERO,
        });
        g.first_day = g.first_day.min(first);
        g.last_day = g.last_day.max(last);
        g.worked = g.worked.checked_add(hours)?;
        g.counted = g.counted.checked_add(counted)?;
    }

    if scope == Some(RoundingScope::Case) {
        for activity in Activity::ALL {
            let total = groups
                .values()
                .filter(|g| g.activity == activity)
                .try_fold(Hours::ZERO, |acc, g| acc.checked_add(g.worked))?;
            let extra = total.up_to_whole_hours().checked_sub(total)?;
            // The hours added by rounding go to the latest period with work.
            if let Some(latest) = groups.values_mut().rev().find(|g| g.activity == activity) {
                latest.counted = latest.counted.checked_add(extra)?;
            }
        }
    }

    let mut out: Vec<PeriodHours> = groups.into_values().collect();
    out.sort_by_key(|g| (g.activity, g.period));
    if free_apply {
        let mut left = counting.free_hours;
        for g in out
            .iter_mut()
            .filter(|g| g.activity == Activity::CaseHandling)
        {
            let take = left.min(g.counted).max(Hours::ZERO);
            g.free = take;
            left = left.checked_sub(take)?;
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use time::macros::date;

    const JULY: Date = date!(2025 - 07 - 01);

    fn item(on: Date, hundredths: i64) -> WorkItem {
        WorkItem {
            worked_on: on,
            hours: Hours::from_hundredths(hundredths),
            activity: Activity::CaseHandling,
            recorded_by: "x".into(),
            entries: vec![],
            head_index: 0,
        }
    }

    /// Two periods: before and from 1 July 2025.
    fn period_of(d: Date) -> Option<usize> {
        if d < date!(2023 - 01 - 01) {
            None
        } else if d < JULY {
            Some(0)
        } else {
            Some(1)
        }
    }

    fn counting(rounding: Rounding, free: i32) -> HourCounting {
        HourCounting {
            rounding,
            free_hours: Hours::whole(free),
            free_hours_for: FreeHoursFor::AllApplications,
        }
    }

    fn counted(groups: &[PeriodHours]) -> Vec<(usize, i64, i64)> {
        groups
            .iter()
            .map(|g| (g.period, g.counted.hundredths(), g.free.hundredths()))
            .collect()
    }

    fn work() -> Vec<WorkItem> {
        vec![
            item(date!(2025 - 06 - 30), 120),
            item(date!(2025 - 06 - 30), 30),
            item(JULY, 50),
            item(date!(2025 - 07 - 02), 110),
        ]
    }

    #[test]
    fn exact_hours_are_summed_per_period() {
        let g = count_hours(&work(), period_of, &HourCounting::EXACT, false).unwrap();
        assert_eq!(counted(&g), vec![(0, 150, 0), (1, 160, 0)]);
        assert_eq!(g[1].first_day, JULY);
        assert_eq!(g[1].last_day, date!(2025 - 07 - 02));
    }

    #[test]
    fn per_started_hour_per_entry_rounds_each_piece_of_work() {
        let c = counting(Rounding::PerStartedHour(RoundingScope::Entry), 0);
        let g = count_hours(&work(), period_of, &c, false).unwrap();
        // 1.20 → 2, 0.30 → 1 | 0.50 → 1, 1.10 → 2
        assert_eq!(counted(&g), vec![(0, 300, 0), (1, 300, 0)]);
    }

    #[test]
    fn per_started_hour_per_day_rounds_each_days_total() {
        let c = counting(Rounding::PerStartedHour(RoundingScope::Day), 0);
        let g = count_hours(&work(), period_of, &c, false).unwrap();
        // 30 June 1.50 → 2 | 1 July 0.50 → 1, 2 July 1.10 → 2
        assert_eq!(counted(&g), vec![(0, 200, 0), (1, 300, 0)]);
        assert_eq!(g[0].worked, Hours::from_hundredths(150));
    }

    #[test]
    fn per_started_hour_per_case_rounds_once_and_bills_the_rest_at_the_latest_rate() {
        let c = counting(Rounding::PerStartedHour(RoundingScope::Case), 0);
        let g = count_hours(&work(), period_of, &c, false).unwrap();
        // total 3.10 → 4: the 0.90 added is billed in the July period
        assert_eq!(counted(&g), vec![(0, 150, 0), (1, 250, 0)]);
        let whole: Vec<WorkItem> = vec![item(date!(2025 - 06 - 30), 200)];
        let g = count_hours(&whole, period_of, &c, false).unwrap();
        assert_eq!(
            counted(&g),
            vec![(0, 200, 0)],
            "whole hours stay as they are"
        );
    }

    #[test]
    fn free_hours_come_off_the_earliest_hours_after_rounding() {
        let c = counting(Rounding::PerStartedHour(RoundingScope::Day), 2);
        let g = count_hours(&work(), period_of, &c, true).unwrap();
        assert_eq!(counted(&g), vec![(0, 200, 200), (1, 300, 0)]);
        let c = counting(Rounding::Exact, 2);
        let g = count_hours(&work(), period_of, &c, true).unwrap();
        // 1.50 free before July, the remaining 0.50 in July
        assert_eq!(counted(&g), vec![(0, 150, 150), (1, 160, 50)]);
        let g = count_hours(&work(), period_of, &c, false).unwrap();
        assert_eq!(
            counted(&g),
            vec![(0, 150, 0), (1, 160, 0)],
            "not applicable"
        );
        let c = counting(Rounding::Exact, 10);
        let g = count_hours(&work(), period_of, &c, true).unwrap();
        assert_eq!(
            counted(&g),
            vec![(0, 150, 150), (1, 160, 160)],
            "never more than worked"
        );
    }

    #[test]
    fn free_hours_for_anonymous_data_only_apply_to_anonymous_data() {
        let c = HourCounting {
            free_hours_for: FreeHoursFor::AnonymousDataOnly,
            ..counting(Rounding::Exact, 2)
        };
        assert!(c.free_hours_apply(Some(DataKind::Anonymous)));
        assert!(!c.free_hours_apply(Some(DataKind::IndirectlyIdentifiable)));
        assert!(!c.free_hours_apply(None));
        assert!(counting(Rounding::Exact, 2).free_hours_apply(None));
        assert!(!counting(Rounding::Exact, 0).free_hours_apply(Some(DataKind::Anonymous)));
    }

    #[test]
    fn appeal_hours_are_counted_apart_and_get_no_free_hours() {
        let mut appeal = item(date!(2025 - 07 - 03), 20);
        appeal.activity = Activity::AppealHandling;
        let mut items = work();
        items.push(appeal);
        let c = counting(Rounding::PerStartedHour(RoundingScope::Case), 1);
        let g = count_hours(&items, period_of, &c, true).unwrap();
        assert_eq!(
            g.iter()
                .map(|g| (g.activity, g.counted.hundredths(), g.free.hundredths()))
                .collect::<Vec<_>>(),
            vec![
                (Activity::CaseHandling, 150, 100),
                (Activity::CaseHandling, 250, 0),
                (Activity::AppealHandling, 100, 0),
            ]
        );
    }

    #[test]
    fn work_on_a_day_without_a_price_is_named() {
        let mut early = item(date!(2022 - 12 - 31), 100);
        early.head_index = 3;
        let err = count_hours(&[early], period_of, &HourCounting::EXACT, false).unwrap_err();
        assert_eq!(
            err,
            CountError::Unpriced(vec![Unpriced {
                worked_on: date!(2022 - 12 - 31),
                entry_index: 3
            }])
        );
    }

    #[test]
    fn an_estimate_counts_a_total_the_same_way() {
        let c = counting(Rounding::PerStartedHour(RoundingScope::Case), 2);
        assert_eq!(
            c.count_total(Hours::from_hundredths(250), true),
            (Hours::whole(3), Hours::whole(2))
        );
        assert_eq!(
            c.count_total(Hours::from_hundredths(150), true),
            (Hours::whole(2), Hours::whole(2))
        );
        assert_eq!(
            HourCounting::EXACT.count_total(Hours::from_hundredths(150), true),
            (Hours::from_hundredths(150), Hours::ZERO)
        );
    }
}
