//! What the statistics read about a case: a summary of its history as plain
//! values, one [`CaseHistory`] per case.
//!
//! Every field comes from what the system records, so one SQL query can
//! produce it (see `docs/reporting.md`, "Where the inputs come from"):
//! `cases` and `case_sources` for the case and its sources, `case_events`
//! for the dated milestones and the states, `case_decisions` for the outcome
//! per source and round, and the custodians' task reports for the data.
//! Milestones the system does not record yet (change requests, or data made
//! available before custodian tasks existed) are simply empty.
//!
//! All dates are calendar dates in Europe/Oslo
//! ([`oslo_date`](crate::calendar::oslo_date)). Lists are in the order things
//! happened (the order of the case events), oldest first.
//!
//! The histories are kept in memory between requests, a hundred thousand
//! and more: the codes they name are shared [`Code`]s, and a figure reads a
//! history as of a day without copying it unless something in it is later
//! ([`CaseHistory::seen_on`]).

use std::ops::Deref;

use time::Date;

use super::code::Code;
use super::code_traits;
use crate::application::Purpose;
use crate::case::{AppealedAct, CaseState, DecisionAuthority, DecisionOutcome};

/// Whether the case is a new application or a request to change one
/// (endringssøknad).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum CaseKind {
    /// A new application (søknad).
    #[default]
    Application,
    /// A change to an application already submitted or decided (endring).
    ChangeRequest,
}

impl CaseKind {
    pub const ALL: [CaseKind; 2] = [Self::Application, Self::ChangeRequest];

    /// `APPLICATION` or `CHANGE_REQUEST`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Application => "APPLICATION",
            Self::ChangeRequest => "CHANGE_REQUEST",
        }
    }
}

code_traits!(CaseKind, "case kind");

/// A decision for one source on a date: the first decision, or a new one
/// on reconsideration of an appeal (one per decision round).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceDecisionOn {
    pub on: Date,
    pub outcome: DecisionOutcome,
}

/// What the custodian reported about a granted source's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryOutcome {
    /// The data were delivered to the applicant (utlevert).
    Delivered,
    /// The custodian reported that the data cannot be delivered, with a reason.
    CannotDeliver,
}

impl DeliveryOutcome {
    pub const ALL: [DeliveryOutcome; 2] = [Self::Delivered, Self::CannotDeliver];

    /// `DELIVERED` or `CANNOT_DELIVER` (the custodian task's final states).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delivered => "DELIVERED",
            Self::CannotDeliver => "CANNOT_DELIVER",
        }
    }
}

code_traits!(DeliveryOutcome, "delivery outcome");

/// The custodian's final report on a source's data, and its date: the data
/// were made available (tilgjengeliggjort), or cannot be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    pub on: Date,
    pub outcome: DeliveryOutcome,
}

/// One data source of the case, as at submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceHistory {
    /// The data source's code in the catalogue, e.g. `NPR`.
    pub data_source: Code,
    /// The custodian's code, e.g. `FHI`.
    pub custodian: Code,
    /// Who decides for the source (vedtaksmyndighet).
    pub authority: DecisionAuthority,
    /// The decisions for this source, one per decision round, oldest first:
    /// the first decision, then any new one on reconsideration of an appeal.
    pub decisions: Vec<SourceDecisionOn>,
    /// The custodian's final report on the data, if any.
    pub delivery: Option<Delivery>,
}

impl SourceHistory {
    /// The first decision (round 1), if any.
    pub fn first_decision(&self) -> Option<SourceDecisionOn> {
        self.decisions.first().copied()
    }

    /// The decision in force: the latest one.
    pub fn current_decision(&self) -> Option<SourceDecisionOn> {
        self.decisions.last().copied()
    }

    fn as_of(&self, day: Date) -> Self {
        Self {
            data_source: self.data_source.clone(),
            custodian: self.custodian.clone(),
            authority: self.authority,
            decisions: self
                .decisions
                .iter()
                .copied()
                .filter(|d| d.on <= day)
                .collect(),
            delivery: self.delivery.filter(|d| d.on <= day),
        }
    }
}

/// The statutory deadline as set on a date: when the application was found
/// complete (`MARKED_COMPLETE`), and each time it moved (`CLOCK_RESUMED`
/// after a pause while a question waited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineSet {
    /// The day it was set or moved.
    pub on: Date,
    /// The statutory deadline from that day.
    pub due_on: Date,
}

/// What HDS's reconsideration of an appeal came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AppealResult {
    /// HDS changed its decision (omgjort): a new decision round.
    Reversed,
    /// HDS lifted its rejection for no reply; handling resumed.
    RejectionLifted,
    /// HDS kept its decision or rejection and sent the appeal to Helseklage.
    Upheld,
}

impl AppealResult {
    pub const ALL: [AppealResult; 3] = [Self::Reversed, Self::RejectionLifted, Self::Upheld];

    /// `REVERSED`, `REJECTION_LIFTED` or `UPHELD`, as
    /// [`Reconsideration::as_str`](crate::case::Reconsideration::as_str).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reversed => "REVERSED",
            Self::RejectionLifted => "REJECTION_LIFTED",
            Self::Upheld => "UPHELD",
        }
    }
}

code_traits!(AppealResult, "appeal result");

/// The reconsideration of an appeal and its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppealResolution {
    pub on: Date,
    pub result: AppealResult,
}

/// An appeal (klage) and, once HDS has reconsidered it, what came of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppealHistory {
    pub received_on: Date,
    pub against: AppealedAct,
    pub resolved: Option<AppealResolution>,
}

/// The case entered `state` on `on` (a case event's `status_after`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateEntered {
    pub on: Date,
    pub state: CaseState,
}

/// A summary of one case's history: who and what it concerns, and its dated
/// milestones. The milestones feed the counts and processing times; the
/// states feed the backlog (where the case stood on a given day).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseHistory {
    /// The case number (`HDS-2026-000123`) or id; only used to tell cases apart.
    pub case_id: String,
    pub kind: CaseKind,
    /// What the data will be used for (formål).
    pub purpose: Purpose,
    /// The data sources asked for, with their custodian, decision authority,
    /// decisions and data.
    pub sources: Vec<SourceHistory>,
    /// The day the application was submitted (mottatt).
    pub received_on: Date,
    /// The day the application was found complete: day 0 of the statutory clock.
    pub completed_on: Option<Date>,
    /// The statutory deadline as set and moved, oldest first.
    pub deadlines: Vec<DeadlineSet>,
    /// The days the deadline was postponed with a preliminary reply
    /// (foreløpig svar), oldest first: as many as there were postponements.
    pub postponed_on: Vec<Date>,
    /// The days the case was rejected for no reply (avvist). Usually one; a
    /// rejection lifted on appeal may be followed by another.
    pub rejected_no_reply_on: Vec<Date>,
    /// The day the applicant withdrew the application.
    pub withdrawn_on: Option<Date>,
    /// The appeals, oldest first.
    pub appeals: Vec<AppealHistory>,
    /// Every state the case entered, with the day, oldest first; the first is
    /// `SUBMITTED` on the day received.
    pub states: Vec<StateEntered>,
}

impl CaseHistory {
    /// The history as it stood at the end of `day`: everything dated later is
    /// left out. `None` when the case was received after `day`.
    ///
    /// Every figure for a period is computed from the histories as of the
    /// period's last day, so a figure for a past period is the same whenever
    /// it is computed.
    pub fn as_of(&self, day: Date) -> Option<Self> {
        if self.received_on > day {
            return None;
        }
        let until =
            |dates: &[Date]| -> Vec<Date> { dates.iter().copied().filter(|d| *d <= day).collect() };
        Some(Self {
            case_id: self.case_id.clone(),
            kind: self.kind,
            purpose: self.purpose,
            sources: self.sources.iter().map(|s| s.as_of(day)).collect(),
            received_on: self.received_on,
            completed_on: self.completed_on.filter(|d| *d <= day),
            deadlines: self
                .deadlines
                .iter()
                .copied()
                .filter(|d| d.on <= day)
                .collect(),
            postponed_on: until(&self.postponed_on),
            rejected_no_reply_on: until(&self.rejected_no_reply_on),
            withdrawn_on: self.withdrawn_on.filter(|d| *d <= day),
            appeals: self
                .appeals
                .iter()
                .filter(|a| a.received_on <= day)
                .map(|a| AppealHistory {
                    resolved: a.resolved.filter(|r| r.on <= day),
                    ..*a
                })
                .collect(),
            states: self
                .states
                .iter()
                .copied()
                .filter(|s| s.on <= day)
                .collect(),
        })
    }

    /// The state the case was in at the end of `day`: the last state entered
    /// on or before it. `None` before the case was received.
    pub fn state_on(&self, day: Date) -> Option<CaseState> {
        self.states
            .iter()
            .rev()
            .find(|s| s.on <= day)
            .map(|s| s.state)
    }

    /// The statutory deadline in force on `day`: the last one set on or
    /// before it. `None` before the application was complete.
    pub fn statutory_deadline_on(&self, day: Date) -> Option<Date> {
        self.deadlines
            .iter()
            .rev()
            .find(|d| d.on <= day)
            .map(|d| d.due_on)
    }

    /// The history as it stood at the end of `day`, as [`Self::as_of`], but
    /// without a copy when nothing in it is dated later (the usual case for
    /// today's backlog or this year's figures): the history itself.
    pub(crate) fn seen_on(&self, day: Date) -> Option<Seen<'_>> {
        if self.received_on > day {
            None
        } else if self.nothing_after(day) {
            Some(Seen::Whole(self))
        } else {
            self.as_of(day).map(|cut| Seen::Cut(Box::new(cut)))
        }
    }

    /// Whether every date [`Self::as_of`] looks at is on or before `day`,
    /// so that the history as of `day` is the whole history.
    fn nothing_after(&self, day: Date) -> bool {
        let by = |d: Date| d <= day;
        by(self.received_on)
            && self.completed_on.is_none_or(by)
            && self.withdrawn_on.is_none_or(by)
            && self.deadlines.iter().all(|d| by(d.on))
            && self.postponed_on.iter().copied().all(by)
            && self.rejected_no_reply_on.iter().copied().all(by)
            && self.states.iter().all(|s| by(s.on))
            && self
                .appeals
                .iter()
                .all(|a| by(a.received_on) && a.resolved.is_none_or(|r| by(r.on)))
            && self.sources.iter().all(|s| {
                s.decisions.iter().all(|d| by(d.on)) && s.delivery.is_none_or(|d| by(d.on))
            })
    }

    /// Where every date of the history lies: the first and the last.
    pub(crate) fn date_span(&self) -> (Date, Date) {
        let mut first = self.received_on;
        let mut last = self.received_on;
        let mut see = |d: Date| {
            first = first.min(d);
            last = last.max(d);
        };
        self.completed_on.into_iter().for_each(&mut see);
        self.withdrawn_on.into_iter().for_each(&mut see);
        self.postponed_on.iter().copied().for_each(&mut see);
        self.rejected_no_reply_on.iter().copied().for_each(&mut see);
        self.states.iter().for_each(|s| see(s.on));
        for a in &self.appeals {
            see(a.received_on);
            a.resolved.into_iter().for_each(|r| see(r.on));
        }
        for s in &self.sources {
            s.decisions.iter().for_each(|d| see(d.on));
            s.delivery.into_iter().for_each(|d| see(d.on));
        }
        (first, last)
    }
}

/// A case's history as it stood at the end of a day
/// ([`CaseHistory::seen_on`]): the kept history itself when nothing in it is
/// later, otherwise a copy without what came after.
#[derive(Debug)]
pub(crate) enum Seen<'a> {
    Whole(&'a CaseHistory),
    Cut(Box<CaseHistory>),
}

impl Deref for Seen<'_> {
    type Target = CaseHistory;
    fn deref(&self) -> &CaseHistory {
        match self {
            Seen::Whole(h) => h,
            Seen::Cut(h) => h,
        }
    }
}
