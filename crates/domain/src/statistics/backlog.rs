//! The backlog (restanser) on a day: the cases not finished at its end, by
//! stage and by age in working days since they were received.
//!
//! A case is in the backlog on day `D` when, seen as of `D`, it is waiting
//! for HDS or the applicant (submitted, awaiting the applicant, under review,
//! appealed), or it is decided and a granted source's data have not been
//! reported on yet (awaiting data). Withdrawn and rejected cases, cases at
//! Helseklage or closed with nothing left to deliver, are not.

use std::borrow::Borrow;
use std::collections::BTreeMap;

use time::Date;

use super::code_traits;
use super::history::{CaseHistory, Seen};
use super::view::{CaseView, Dimension};
use super::working_days::WorkingDays;
use crate::case::{CaseRules, CaseState};
use crate::catalogue::Problem;

/// Where an unfinished case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BacklogStage {
    /// Submitted, not yet found complete.
    Submitted,
    /// A question to the applicant waits for an answer.
    AwaitingApplicant,
    /// Complete, not yet decided.
    UnderReview,
    /// An appeal waits for HDS's reconsideration.
    Appealed,
    /// Decided (also after an appeal, or closed), and a granted source's data
    /// have not been reported on by its custodian.
    AwaitingData,
}

impl BacklogStage {
    pub const ALL: [BacklogStage; 5] = [
        Self::Submitted,
        Self::AwaitingApplicant,
        Self::UnderReview,
        Self::Appealed,
        Self::AwaitingData,
    ];

    /// `SUBMITTED`, `AWAITING_APPLICANT`, `UNDER_REVIEW`, `APPEALED` or
    /// `AWAITING_DATA`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "SUBMITTED",
            Self::AwaitingApplicant => "AWAITING_APPLICANT",
            Self::UnderReview => "UNDER_REVIEW",
            Self::Appealed => "APPEALED",
            Self::AwaitingData => "AWAITING_DATA",
        }
    }

    /// The stage of a case in state `state` (seen as of the same day), or
    /// `None` when it is not in the backlog.
    fn of(state: CaseState, view: &CaseView<'_>) -> Option<Self> {
        match state {
            CaseState::Submitted => Some(Self::Submitted),
            CaseState::AwaitingApplicant => Some(Self::AwaitingApplicant),
            CaseState::UnderReview => Some(Self::UnderReview),
            CaseState::Appealed => Some(Self::Appealed),
            CaseState::Decided | CaseState::ForwardedToAppealsBody | CaseState::Closed => {
                view.awaiting_data().then_some(Self::AwaitingData)
            }
            CaseState::RejectedNoReply | CaseState::Withdrawn => None,
        }
    }
}

code_traits!(BacklogStage, "backlog stage");

/// One age bucket: from `from` to `to` working days, both included; `to` is
/// `None` for the last, open bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AgeBucket {
    pub from: u32,
    pub to: Option<u32>,
}

impl AgeBucket {
    /// `0-30`, `31-60`, …, and `>120` for the last; `all` for the only one.
    pub fn label(&self) -> String {
        match (self.from, self.to) {
            (from, Some(to)) => format!("{from}-{to}"),
            (0, None) => "all".to_owned(),
            (from, None) => format!(">{}", from - 1),
        }
    }
}

/// The most bounds [`AgeBuckets::new`] accepts.
pub const MAX_AGE_BOUNDS: usize = 20;

/// Age buckets as data: the upper bound (included) of every bucket but the
/// last, ascending. `[30, 60, 120]` (the default) gives 0–30, 31–60, 61–120
/// and over 120 working days.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AgeBuckets {
    upper: Vec<u32>,
}

impl Default for AgeBuckets {
    fn default() -> Self {
        Self {
            upper: vec![30, 60, 120],
        }
    }
}

impl AgeBuckets {
    /// Buckets with these upper bounds: strictly ascending, at most
    /// [`MAX_AGE_BOUNDS`] of them. An empty list gives one bucket for all.
    pub fn new(pointer: &str, upper: Vec<u32>) -> Result<Self, Problem> {
        if upper.len() > MAX_AGE_BOUNDS {
            return Err(Problem::new(
                pointer,
                "TOO_MANY",
                format!("at most {MAX_AGE_BOUNDS} bounds"),
            ));
        }
        if upper.windows(2).any(|w| w[0] >= w[1]) {
            return Err(Problem::new(
                pointer,
                "NOT_ASCENDING",
                "the bounds must be strictly ascending, e.g. 30,60,120",
            ));
        }
        Ok(Self { upper })
    }

    /// The buckets, youngest first.
    pub fn buckets(&self) -> Vec<AgeBucket> {
        let mut from = 0;
        let mut out = Vec::with_capacity(self.upper.len() + 1);
        for &to in &self.upper {
            out.push(AgeBucket { from, to: Some(to) });
            from = to.saturating_add(1);
        }
        out.push(AgeBucket { from, to: None });
        out
    }

    /// The index of the bucket for `age` working days (negative ages go in
    /// the first).
    fn index_of(&self, age: i64) -> usize {
        self.upper
            .iter()
            .position(|&to| age <= i64::from(to))
            .unwrap_or(self.upper.len())
    }
}

/// The backlog at the end of one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlog {
    pub on: Date,
    pub total: u64,
    /// Of the backlog, the cases overdue: the statutory clock runs and the
    /// deadline in force is before the day.
    pub overdue: u64,
    /// Every stage, in [`BacklogStage::ALL`] order, with its count.
    pub by_stage: Vec<(BacklogStage, u64)>,
    /// Every bucket, youngest first, with its count.
    pub by_age: Vec<(AgeBucket, u64)>,
    /// For every stage (in order), the count in every bucket (in order).
    pub by_stage_and_age: Vec<(BacklogStage, Vec<u64>)>,
}

impl Backlog {
    fn empty(on: Date, buckets: &AgeBuckets) -> Self {
        let b = buckets.buckets();
        Self {
            on,
            total: 0,
            overdue: 0,
            by_stage: BacklogStage::ALL.iter().map(|s| (*s, 0)).collect(),
            by_age: b.iter().map(|b| (*b, 0)).collect(),
            by_stage_and_age: BacklogStage::ALL
                .iter()
                .map(|s| (*s, vec![0; b.len()]))
                .collect(),
        }
    }

    fn add(
        &mut self,
        view: &CaseView<'_>,
        rules: &CaseRules,
        buckets: &AgeBuckets,
        days: &WorkingDays,
    ) {
        let Some(state) = view.case.state_on(self.on) else {
            return;
        };
        let Some(waiting) = BacklogStage::of(state, view) else {
            return;
        };
        let age = days.between(view.case.received_on, self.on);
        let s = BacklogStage::ALL
            .iter()
            .position(|x| *x == waiting)
            .unwrap_or_default();
        let b = buckets.index_of(age);
        self.total += 1;
        self.by_stage[s].1 += 1;
        self.by_age[b].1 += 1;
        self.by_stage_and_age[s].1[b] += 1;
        if view.overdue_on(self.on, rules.pause_clock_while_awaiting_applicant) {
            self.overdue += 1;
        }
    }
}

/// The backlog of one group (see [`Dimension`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupBacklog {
    pub dimension: Dimension,
    pub key: String,
    pub backlog: Backlog,
}

/// The backlog on one day, overall and per group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BacklogReport {
    pub overall: Backlog,
    /// For each dimension asked for, in that order, a group for every key
    /// that a case received by then has, keys in order.
    pub groups: Vec<GroupBacklog>,
}

/// The backlog at the end of `on`, overall. See [`backlog_report`].
pub fn backlog(
    cases: &[impl Borrow<CaseHistory>],
    on: Date,
    rules: &CaseRules,
    buckets: &AgeBuckets,
) -> Backlog {
    backlog_report(cases, on, &[], rules, buckets).overall
}

/// The backlog at the end of `on`, overall and per group of each of
/// `dimensions`: every case seen as of that day. The age is the working
/// days from the day received to `on` (received on `on` is age 0). In a
/// group a case counts with the group's sources (e.g. awaiting data only
/// when one of the group's granted sources waits). The cases are histories,
/// or shared ones (`Arc<CaseHistory>`).
pub fn backlog_report(
    cases: &[impl Borrow<CaseHistory>],
    on: Date,
    dimensions: &[Dimension],
    rules: &CaseRules,
    buckets: &AgeBuckets,
) -> BacklogReport {
    let seen: Vec<Seen<'_>> = cases
        .iter()
        .filter_map(|c| c.borrow().seen_on(on))
        .collect();
    let days = WorkingDays::spanning(&rules.calendar, seen.iter().map(|c| &**c), &[on]);
    let mut overall = Backlog::empty(on, buckets);
    for case in &seen {
        overall.add(&CaseView::whole(case), rules, buckets, &days);
    }
    let mut groups = Vec::new();
    for &dimension in dimensions {
        let mut members: BTreeMap<&str, Backlog> = BTreeMap::new();
        for case in &seen {
            for key in dimension.keys(case) {
                if let Some(view) = CaseView::group(case, dimension, key) {
                    members
                        .entry(key)
                        .or_insert_with(|| Backlog::empty(on, buckets))
                        .add(&view, rules, buckets, &days);
                }
            }
        }
        groups.extend(members.into_iter().map(|(key, backlog)| GroupBacklog {
            dimension,
            key: key.to_owned(),
            backlog,
        }));
    }
    BacklogReport { overall, groups }
}
