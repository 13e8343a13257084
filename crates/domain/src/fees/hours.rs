//! Hours worked on a case (timeføring): HDS's case handlers record their
//! hours on the case, custodians on their tasks. Each record is a
//! [`WorkEntry`]: a date, a time in hundredths of an hour, a note, who.
//!
//! **Corrections are new entries, never edits.** The entries form an
//! append-only ledger, in the order they were recorded. A later entry may
//! correct an earlier one:
//!
//! - [`Correction::Replaces`]: the new entry states the corrected date, time
//!   and activity of the work; the replaced entry (and any adjustment made to
//!   it) no longer counts. A replacement of `0` hours withdraws the work.
//! - [`Correction::Adjusts`]: the new entry adds its (positive or negative)
//!   time to the entry it adjusts, on that entry's date; "-0.50 h" takes half
//!   an hour off.
//!
//! Only the current version of a piece of work (the original, or its latest
//! replacement) may be corrected, so the history is one straight line per
//! piece of work. [`work_items`] folds the ledger into the work that counts
//! ([`WorkItem`]s), or returns every [`Problem`] in it.

use std::collections::BTreeMap;
use std::fmt;

use time::Date;

use crate::catalogue::Problem;

use super::money::Overflow;

/// Time worked, in hundredths of an hour (1 h 15 min = 1.25 h = `Hours::from_hundredths(125)`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hours(i64);

impl Hours {
    pub const ZERO: Hours = Hours(0);
    /// The most one entry may record: a whole day.
    pub const MAX_PER_ENTRY: Hours = Hours(2400);

    pub const fn from_hundredths(hundredths: i64) -> Self {
        Self(hundredths)
    }

    /// Whole hours.
    pub const fn whole(hours: i32) -> Self {
        Self(hours as i64 * 100)
    }

    pub const fn hundredths(self) -> i64 {
        self.0
    }

    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Rounded up to a whole hour ("per started hour"): 0.01 h → 1 h,
    /// 2.00 h → 2 h. Zero and negative times are left as they are.
    #[must_use]
    pub fn up_to_whole_hours(self) -> Self {
        if self.0 <= 0 {
            self
        } else {
            let started = self.0 / 100 + i64::from(self.0 % 100 != 0);
            Self(started.saturating_mul(100))
        }
    }

    pub fn checked_add(self, other: Self) -> Result<Self, Overflow> {
        self.0.checked_add(other.0).map(Self).ok_or(Overflow)
    }

    pub fn checked_sub(self, other: Self) -> Result<Self, Overflow> {
        self.0.checked_sub(other.0).map(Self).ok_or(Overflow)
    }

    /// `2,25 t` as a Norwegian reader writes it (two decimals, comma).
    pub fn text_nb(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{},{:02} t", abs / 100, abs % 100)
    }
}

impl fmt::Debug for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.0.unsigned_abs();
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}{}.{:02}h", abs / 100, abs % 100)
    }
}

/// Identifies an entry in the ledger (the stored row's id; a UUID fits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryId(pub u128);

/// What the work was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Activity {
    /// Handling the application (saksbehandling) or, for a custodian,
    /// preparing the data (datatilrettelegging).
    CaseHandling,
    /// Handling an appeal (klagebehandling) on the case: free where the
    /// invoicing party honours the appeal exemption.
    AppealHandling,
}

impl Activity {
    pub const ALL: [Activity; 2] = [Self::CaseHandling, Self::AppealHandling];

    /// `CASE_HANDLING` or `APPEAL_HANDLING`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CaseHandling => "CASE_HANDLING",
            Self::AppealHandling => "APPEAL_HANDLING",
        }
    }
}

/// How a new entry corrects an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Correction {
    /// States the corrected work in full; the earlier entry no longer counts.
    Replaces(EntryId),
    /// Adds this entry's time (often negative) to the earlier entry.
    Adjusts(EntryId),
}

/// One record in the ledger of hours. Never changed once recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkEntry {
    pub id: EntryId,
    /// The day the work was done (the calendar date in Europe/Oslo).
    pub worked_on: Date,
    /// Positive for work; zero only on a replacement (withdrawn); any sign
    /// but zero on an adjustment.
    pub hours: Hours,
    /// What was done, in the recorder's words.
    pub note: String,
    /// Who recorded it (the user's id or name, as the caller keeps it).
    pub recorded_by: String,
    pub activity: Activity,
    pub correction: Option<Correction>,
}

/// The longest note on an entry.
pub const MAX_NOTE_LEN: usize = 2000;

/// A piece of work as it counts after its corrections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkItem {
    pub worked_on: Date,
    pub hours: Hours,
    pub activity: Activity,
    /// Who recorded the current version.
    pub recorded_by: String,
    /// The entries that made it, in the order recorded (original first).
    pub entries: Vec<EntryId>,
    /// Index in the ledger of the entry that states its date (the original
    /// or the latest replacement), for problem pointers.
    pub(crate) head_index: usize,
}

/// Checks one entry before it is recorded after `ledger` (the entries
/// already recorded): its own fields (see [`WorkEntry`]), a date not after
/// `today` (Europe/Oslo), and that its correction fits the ledger. Pointers
/// are into the new entry (`/hours`, `/workedOn`, `/note`, `/correction`).
pub fn check_new_entry(ledger: &[WorkEntry], entry: &WorkEntry, today: Date) -> Vec<Problem> {
    let mut all: Vec<WorkEntry> = ledger.to_vec();
    all.push(entry.clone());
    let prefix = format!("/{}/", ledger.len());
    let mut problems: Vec<Problem> = match work_items(&all) {
        Ok(_) => Vec::new(),
        Err(problems) => problems
            .into_iter()
            .filter_map(|p| {
                p.pointer
                    .strip_prefix(&prefix)
                    .map(|rest| Problem::new(format!("/{rest}"), p.code, p.message))
            })
            .collect(),
    };
    if entry.worked_on > today {
        problems.push(Problem::new(
            "/workedOn",
            "IN_THE_FUTURE",
            "hours are recorded for work done, not in the future",
        ));
    }
    problems
}

/// Folds the ledger into the work that counts, in the order it was first
/// recorded, leaving out work withdrawn to 0 hours. Returns every problem in
/// the ledger, with pointers `/<index>/<field>` into `entries`.
pub fn work_items(entries: &[WorkEntry]) -> Result<Vec<WorkItem>, Vec<Problem>> {
    let mut fold = Fold::default();
    for (i, e) in entries.iter().enumerate() {
        let mut problems = Vec::new();
        let at = |field: &str| format!("/{i}/{field}");
        if fold.item_of.contains_key(&e.id) {
            problems.push(Problem::new(
                at("id"),
                "DUPLICATE_ID",
                "another entry has this id",
            ));
        }
        if e.note.chars().count() > MAX_NOTE_LEN {
            let message = format!("at most {MAX_NOTE_LEN} characters");
            problems.push(Problem::new(at("note"), "TOO_LONG", message));
        }
        if e.hours > Hours::MAX_PER_ENTRY || e.hours.0 < -Hours::MAX_PER_ENTRY.0 {
            problems.push(Problem::new(
                at("hours"),
                "OUT_OF_RANGE",
                "one entry records at most 24 hours",
            ));
        }
        match e.correction {
            None => fold.record(i, e, problems),
            Some(correction) => fold.correct(i, e, correction, problems),
        }
    }
    if fold.problems.is_empty() {
        Ok(fold
            .items
            .into_iter()
            .filter(|w| w.hours.is_positive())
            .collect())
    } else {
        Err(fold.problems)
    }
}

/// The state of [`work_items`] while it reads the ledger.
#[derive(Default)]
struct Fold {
    items: Vec<WorkItem>,
    /// Each entry's piece of work (index into `items`).
    item_of: BTreeMap<EntryId, usize>,
    /// The current version of each piece of work: the only entry that may be corrected.
    head_of_item: Vec<EntryId>,
    problems: Vec<Problem>,
}

impl Fold {
    /// An original entry: new work of more than 0 hours.
    fn record(&mut self, i: usize, e: &WorkEntry, mut problems: Vec<Problem>) {
        if !e.hours.is_positive() {
            problems.push(Problem::new(
                format!("/{i}/hours"),
                "OUT_OF_RANGE",
                "hours worked are more than 0; to take time off, correct the entry",
            ));
        }
        if problems.is_empty() {
            self.item_of.insert(e.id, self.items.len());
            self.head_of_item.push(e.id);
            self.items.push(WorkItem {
                worked_on: e.worked_on,
                hours: e.hours,
                activity: e.activity,
                recorded_by: e.recorded_by.clone(),
                entries: vec![e.id],
                head_index: i,
            });
        }
        self.problems.extend(problems);
    }

    /// A correction of the current version of earlier work.
    fn correct(
        &mut self,
        i: usize,
        e: &WorkEntry,
        correction: Correction,
        mut problems: Vec<Problem>,
    ) {
        let at = |field: &str| format!("/{i}/{field}");
        let (target, replaces) = match correction {
            Correction::Replaces(t) => (t, true),
            Correction::Adjusts(t) => (t, false),
        };
        let Some(&item) = self.item_of.get(&target) else {
            problems.push(Problem::new(
                at("correction"),
                "UNKNOWN_ENTRY",
                "corrects an entry that was not recorded before it",
            ));
            self.problems.extend(problems);
            return;
        };
        if self.head_of_item[item] != target {
            problems.push(Problem::new(
                at("correction"),
                "NOT_CURRENT",
                "corrects an entry that was already replaced or is an adjustment; correct the current entry",
            ));
            self.problems.extend(problems);
            return;
        }
        let it = &self.items[item];
        if replaces && e.hours.is_negative() {
            problems.push(Problem::new(
                at("hours"),
                "OUT_OF_RANGE",
                "a replacement states the corrected time: 0 or more",
            ));
        }
        if !replaces {
            if e.hours == Hours::ZERO {
                problems.push(Problem::new(
                    at("hours"),
                    "OUT_OF_RANGE",
                    "an adjustment changes the time: not 0",
                ));
            }
            if e.worked_on != it.worked_on {
                problems.push(Problem::new(
                    at("workedOn"),
                    "DATE_MISMATCH",
                    format!(
                        "an adjustment is dated as the work it adjusts ({}); replace the entry to change the date",
                        it.worked_on
                    ),
                ));
            }
            if e.activity != it.activity {
                problems.push(Problem::new(
                    at("activity"),
                    "ACTIVITY_MISMATCH",
                    "an adjustment has the activity of the work it adjusts; replace the entry to change it",
                ));
            }
        }
        let hours = if replaces {
            Ok(e.hours)
        } else {
            it.hours.checked_add(e.hours)
        };
        match hours {
            Ok(h) if h.is_negative() && !replaces => problems.push(Problem::new(
                at("hours"),
                "NEGATIVE_TOTAL",
                format!(
                    "takes off more than was recorded ({}); the work would be negative",
                    it.hours.text_nb()
                ),
            )),
            Ok(h) if h > Hours::MAX_PER_ENTRY => problems.push(Problem::new(
                at("hours"),
                "OUT_OF_RANGE",
                "the corrected work would be more than 24 hours",
            )),
            Err(Overflow) => problems.push(Problem::new(
                at("hours"),
                "OUT_OF_RANGE",
                "the number is too large",
            )),
            Ok(_) => {}
        }
        if !problems.is_empty() {
            self.problems.extend(problems);
            return;
        }
        let it = &mut self.items[item];
        it.hours = hours.unwrap_or(Hours::ZERO);
        it.entries.push(e.id);
        self.item_of.insert(e.id, item);
        if replaces {
            it.worked_on = e.worked_on;
            it.activity = e.activity;
            it.recorded_by.clone_from(&e.recorded_by);
            it.head_index = i;
            self.head_of_item[item] = e.id;
        }
    }
}

/// The time worked per day (all activities), for a timesheet.
pub fn hours_per_day(items: &[WorkItem]) -> Result<BTreeMap<Date, Hours>, Overflow> {
    let mut days: BTreeMap<Date, Hours> = BTreeMap::new();
    for w in items {
        let day = days.entry(w.worked_on).or_default();
        *day = day.checked_add(w.hours)?;
    }
    Ok(days)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use time::macros::date;

    fn entry(id: u128, on: Date, hundredths: i64) -> WorkEntry {
        WorkEntry {
            id: EntryId(id),
            worked_on: on,
            hours: Hours::from_hundredths(hundredths),
            note: "lest søknaden".into(),
            recorded_by: "saksbehandler-1".into(),
            activity: Activity::CaseHandling,
            correction: None,
        }
    }

    fn correcting(mut e: WorkEntry, c: Correction) -> WorkEntry {
        e.correction = Some(c);
        e
    }

    fn codes(problems: &[Problem]) -> Vec<(&str, &str)> {
        problems
            .iter()
            .map(|p| (p.pointer.as_str(), p.code))
            .collect()
    }

    #[test]
    fn whole_hours_round_up_from_the_first_hundredth() {
        assert_eq!(
            Hours::from_hundredths(1).up_to_whole_hours(),
            Hours::whole(1)
        );
        assert_eq!(Hours::whole(2).up_to_whole_hours(), Hours::whole(2));
        assert_eq!(
            Hours::from_hundredths(201).up_to_whole_hours(),
            Hours::whole(3)
        );
        assert_eq!(Hours::ZERO.up_to_whole_hours(), Hours::ZERO);
        assert_eq!(Hours::from_hundredths(225).text_nb(), "2,25 t");
        assert_eq!(Hours::from_hundredths(-50).text_nb(), "-0,50 t");
    }

    #[test]
    fn a_replacement_supersedes_and_an_adjustment_adds() {
        let d1 = date!(2025 - 06 - 10);
        let d2 = date!(2025 - 06 - 11);
        let ledger = vec![
            entry(1, d1, 150),
            entry(2, d1, 100),
            correcting(entry(3, d2, 75), Correction::Replaces(EntryId(2))),
            correcting(entry(4, d1, -50), Correction::Adjusts(EntryId(1))),
            entry(5, d2, 300),
            correcting(entry(6, d2, 0), Correction::Replaces(EntryId(5))),
        ];
        let items = work_items(&ledger).unwrap();
        assert_eq!(items.len(), 2, "the withdrawn work is left out");
        assert_eq!(items[0].worked_on, d1);
        assert_eq!(items[0].hours, Hours::from_hundredths(100));
        assert_eq!(items[0].entries, vec![EntryId(1), EntryId(4)]);
        assert_eq!(items[1].worked_on, d2, "the replacement moved the date");
        assert_eq!(items[1].hours, Hours::from_hundredths(75));
        assert_eq!(items[1].entries, vec![EntryId(2), EntryId(3)]);
        let days = hours_per_day(&items).unwrap();
        assert_eq!(days[&d1], Hours::whole(1));
        assert_eq!(days[&d2], Hours::from_hundredths(75));
    }

    #[test]
    fn a_replacement_drops_earlier_adjustments() {
        let d = date!(2025 - 06 - 10);
        let ledger = vec![
            entry(1, d, 300),
            correcting(entry(2, d, -100), Correction::Adjusts(EntryId(1))),
            correcting(entry(3, d, 250), Correction::Replaces(EntryId(1))),
        ];
        let items = work_items(&ledger).unwrap();
        assert_eq!(items[0].hours, Hours::from_hundredths(250));
    }

    #[test]
    fn every_problem_in_the_ledger_is_named() {
        let d = date!(2025 - 06 - 10);
        let ledger = vec![
            entry(1, d, 0),
            entry(2, d, 2401),
            entry(3, d, 100),
            entry(3, d, 100),
            correcting(entry(4, d, 50), Correction::Adjusts(EntryId(99))),
            correcting(entry(5, d, -150), Correction::Adjusts(EntryId(3))),
            correcting(
                entry(6, date!(2025 - 06 - 11), -10),
                Correction::Adjusts(EntryId(3)),
            ),
            correcting(entry(7, d, 0), Correction::Adjusts(EntryId(3))),
            correcting(entry(8, d, 50), Correction::Replaces(EntryId(3))),
            correcting(entry(9, d, 50), Correction::Replaces(EntryId(3))),
            correcting(entry(10, d, -5), Correction::Replaces(EntryId(8))),
        ];
        let problems = work_items(&ledger).unwrap_err();
        assert_eq!(
            codes(&problems),
            vec![
                ("/0/hours", "OUT_OF_RANGE"),
                ("/1/hours", "OUT_OF_RANGE"),
                ("/3/id", "DUPLICATE_ID"),
                ("/4/correction", "UNKNOWN_ENTRY"),
                ("/5/hours", "NEGATIVE_TOTAL"),
                ("/6/workedOn", "DATE_MISMATCH"),
                ("/7/hours", "OUT_OF_RANGE"),
                ("/9/correction", "NOT_CURRENT"),
                ("/10/hours", "OUT_OF_RANGE"),
            ]
        );
    }

    #[test]
    fn an_adjustment_cannot_itself_be_corrected() {
        let d = date!(2025 - 06 - 10);
        let ledger = vec![
            entry(1, d, 100),
            correcting(entry(2, d, 50), Correction::Adjusts(EntryId(1))),
            correcting(entry(3, d, 10), Correction::Adjusts(EntryId(2))),
        ];
        assert_eq!(
            codes(&work_items(&ledger).unwrap_err()),
            vec![("/2/correction", "NOT_CURRENT")]
        );
    }

    #[test]
    fn a_new_entry_is_checked_against_the_ledger_and_today() {
        let today = date!(2025 - 06 - 12);
        let ledger = vec![entry(1, date!(2025 - 06 - 10), 100)];
        assert!(check_new_entry(&ledger, &entry(2, today, 50), today).is_empty());
        let future = entry(2, date!(2025 - 06 - 13), 50);
        assert_eq!(
            codes(&check_new_entry(&ledger, &future, today)),
            vec![("/workedOn", "IN_THE_FUTURE")]
        );
        let too_much = correcting(
            entry(2, date!(2025 - 06 - 10), -150),
            Correction::Adjusts(EntryId(1)),
        );
        assert_eq!(
            codes(&check_new_entry(&ledger, &too_much, today)),
            vec![("/hours", "NEGATIVE_TOTAL")]
        );
        let mut long = entry(2, today, 50);
        long.note = "x".repeat(MAX_NOTE_LEN + 1);
        assert_eq!(
            codes(&check_new_entry(&ledger, &long, today)),
            vec![("/note", "TOO_LONG")]
        );
    }
}
