//! The figures for a period: how many cases came in, were completed, decided,
//! rejected, withdrawn, appealed and got their data; how long that took in
//! working days; and how well the statutory deadline was kept. Overall, and
//! per data source, custodian, purpose and decision authority.
//!
//! Every figure is computed from the histories as of the period's last day
//! ([`CaseHistory::as_of`]), so a past period's figures never change. Which
//! date puts a case in a period is said at each field; `docs/reporting.md`
//! defines each figure in full.

use std::borrow::Borrow;
use std::collections::BTreeMap;

use time::Date;

use super::history::{AppealResult, CaseHistory, CaseKind, Seen};
use super::percentile::Durations;
use super::period::Period;
use super::view::{CaseView, Dimension};
use super::working_days::WorkingDays;
use crate::case::{CaseRules, DecisionOutcome};

/// Cases by the outcome of their first decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outcomes {
    /// Every source granted in full (innvilget).
    pub granted: u64,
    /// Some granted, in full or in part, and some not (delvis innvilget).
    pub partly_granted: u64,
    /// Every source refused (avslag).
    pub refused: u64,
}

impl Outcomes {
    pub fn total(&self) -> u64 {
        self.granted + self.partly_granted + self.refused
    }

    fn add(&mut self, outcome: DecisionOutcome) {
        match outcome {
            DecisionOutcome::Granted => self.granted += 1,
            DecisionOutcome::PartlyGranted => self.partly_granted += 1,
            DecisionOutcome::Refused => self.refused += 1,
        }
    }
}

/// Appeals (klager) received, and reconsiderations by result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AppealCounts {
    /// Appeals received in the period (each appeal, not each case).
    pub received: u64,
    /// Appeals reconsidered in the period where HDS changed its decision.
    pub reversed: u64,
    /// Appeals reconsidered in the period where HDS lifted its rejection.
    pub rejection_lifted: u64,
    /// Appeals reconsidered in the period that HDS upheld and sent to Helseklage.
    pub upheld: u64,
}

/// How many cases reached each milestone in the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Received (mottatt): the day received lies in the period.
    pub received: u64,
    /// Of those received, how many are change requests (endringer).
    pub change_requests: u64,
    /// Found complete: the completion day lies in the period.
    pub completed: u64,
    /// Decided (vedtak), by outcome: the day the last source in view got its
    /// first decision lies in the period.
    pub decided: Outcomes,
    /// Rejected for no reply (avvist): a rejection day lies in the period
    /// (a case counts once, however many rejections).
    pub rejected_no_reply: u64,
    /// Withdrawn by the applicant: the withdrawal day lies in the period.
    pub withdrawn: u64,
    /// Appeals and their reconsiderations.
    pub appeals: AppealCounts,
    /// Data made available: the day the last granted source's data were
    /// reported on lies in the period.
    pub data_made_available: u64,
    /// Of those, how many had a source whose custodian reported that the
    /// data cannot be delivered.
    pub data_cannot_deliver: u64,
}

/// Processing times (saksbehandlingstid) in working days, each counted over
/// the cases that reached the later milestone in the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProcessingTimes {
    /// From received to complete, over the cases completed in the period.
    pub received_to_complete: Durations,
    /// From complete to decided, over the cases decided in the period.
    pub complete_to_decision: Durations,
    /// From complete to data made available, over the cases whose data were
    /// made available in the period.
    pub complete_to_data: Durations,
}

/// How the statutory deadline (helseregisterloven § 19 f) was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeadlineCompliance {
    /// Cases whose statutory clock stopped in the period (data made available,
    /// or a first decision that granted nothing).
    pub clock_stopped: u64,
    /// Of those, how many stopped on or before the statutory deadline in
    /// force on that day.
    pub within_deadline: u64,
    /// Cases postponed with a preliminary reply in the period (a case counts
    /// once, however many postponements).
    pub postponed: u64,
    /// Cases overdue at the end of the period's last day: the clock runs and
    /// the statutory deadline in force is before that day.
    pub overdue_at_end: u64,
}

impl DeadlineCompliance {
    /// `within_deadline / clock_stopped` as a fraction from 0 to 1; `None`
    /// when no clock stopped.
    #[allow(clippy::cast_precision_loss)] // counts are far below 2^52
    pub fn share_within_deadline(&self) -> Option<f64> {
        (self.clock_stopped > 0).then(|| self.within_deadline as f64 / self.clock_stopped as f64)
    }
}

/// Every figure for one period and one group of cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PeriodFigures {
    pub counts: Counts,
    pub processing_times: ProcessingTimes,
    pub deadlines: DeadlineCompliance,
}

/// The figures of one group: one data source, custodian, purpose or
/// decision authority.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupFigures {
    pub dimension: Dimension,
    /// The group's code: a data source's or custodian's code, a purpose
    /// (`MEDICAL_AND_HEALTH_RESEARCH`), or an authority (`HDS`, `CUSTODIAN`).
    pub key: String,
    pub figures: PeriodFigures,
}

/// The figures for a period, overall and per group.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub period: Period,
    pub overall: PeriodFigures,
    /// For each dimension asked for, in that order, a group for every key
    /// that a case received by the period's end has, keys in order.
    pub groups: Vec<GroupFigures>,
}

/// The overall figures for `period` over `cases`.
pub fn period_figures(
    cases: &[impl Borrow<CaseHistory>],
    period: Period,
    rules: &CaseRules,
) -> PeriodFigures {
    report(cases, period, &[], rules).overall
}

/// The figures for `period`, overall and broken down by each of `dimensions`.
/// The cases are histories, or shared ones (`Arc<CaseHistory>`).
pub fn report(
    cases: &[impl Borrow<CaseHistory>],
    period: Period,
    dimensions: &[Dimension],
    rules: &CaseRules,
) -> Report {
    let seen: Vec<Seen<'_>> = cases
        .iter()
        .filter_map(|c| c.borrow().seen_on(period.last()))
        .collect();
    let days = WorkingDays::spanning(
        &rules.calendar,
        seen.iter().map(|c| &**c),
        &[period.first(), period.last()],
    );
    let mut overall = Tally::default();
    for case in &seen {
        overall.add(&CaseView::whole(case), period, rules, &days);
    }
    let mut groups = Vec::new();
    for &dimension in dimensions {
        let mut members: BTreeMap<&str, Tally> = BTreeMap::new();
        for case in &seen {
            for key in dimension.keys(case) {
                if let Some(view) = CaseView::group(case, dimension, key) {
                    members
                        .entry(key)
                        .or_default()
                        .add(&view, period, rules, &days);
                }
            }
        }
        groups.extend(members.into_iter().map(|(key, tally)| GroupFigures {
            dimension,
            key: key.to_owned(),
            figures: tally.figures(),
        }));
    }
    let overall = overall.figures();
    Report {
        period,
        overall,
        groups,
    }
}

/// The counts so far and the durations to summarise.
#[derive(Default)]
struct Tally {
    counts: Counts,
    deadlines: DeadlineCompliance,
    received_to_complete: Vec<i64>,
    complete_to_decision: Vec<i64>,
    complete_to_data: Vec<i64>,
}

fn count(n: &mut u64, yes: bool) {
    *n += u64::from(yes);
}

impl Tally {
    /// Adds one case (seen as of the period's last day).
    fn add(&mut self, v: &CaseView<'_>, period: Period, rules: &CaseRules, days: &WorkingDays) {
        let case = v.case;
        let c = &mut self.counts;
        let within = |d: &Date| period.contains(*d);
        let received = within(&case.received_on);
        count(&mut c.received, received);
        count(
            &mut c.change_requests,
            received && case.kind == CaseKind::ChangeRequest,
        );
        count(
            &mut c.withdrawn,
            case.withdrawn_on.is_some_and(|d| within(&d)),
        );
        count(
            &mut c.rejected_no_reply,
            case.rejected_no_reply_on.iter().any(within),
        );
        for a in &case.appeals {
            count(&mut c.appeals.received, within(&a.received_on));
            if let Some(r) = a.resolved.filter(|r| within(&r.on)) {
                match r.result {
                    AppealResult::Reversed => c.appeals.reversed += 1,
                    AppealResult::RejectionLifted => c.appeals.rejection_lifted += 1,
                    AppealResult::Upheld => c.appeals.upheld += 1,
                }
            }
        }
        count(
            &mut self.deadlines.postponed,
            case.postponed_on.iter().any(within),
        );
        count(
            &mut self.deadlines.overdue_at_end,
            v.overdue_on(period.last(), rules.pause_clock_while_awaiting_applicant),
        );

        let completed = case.completed_on;
        if let Some(done) = completed.filter(within) {
            c.completed += 1;
            self.received_to_complete
                .push(days.between(case.received_on, done));
        }
        if let (Some(decided), Some(outcome)) = (v.decided_on(), v.outcome()) {
            if within(&decided) {
                c.decided.add(outcome);
                if let Some(done) = completed {
                    self.complete_to_decision.push(days.between(done, decided));
                }
            }
        }
        if let Some(made_available) = v.data_made_available_on().filter(within) {
            c.data_made_available += 1;
            count(&mut c.data_cannot_deliver, v.cannot_deliver());
            if let Some(done) = completed {
                self.complete_to_data
                    .push(days.between(done, made_available));
            }
        }
        if let Some(stopped) = v.clock_stopped_on().filter(within) {
            if let Some(due) = case.statutory_deadline_on(stopped) {
                self.deadlines.clock_stopped += 1;
                count(&mut self.deadlines.within_deadline, stopped <= due);
            }
        }
    }

    fn figures(self) -> PeriodFigures {
        PeriodFigures {
            counts: self.counts,
            processing_times: ProcessingTimes {
                received_to_complete: Durations::of(self.received_to_complete),
                complete_to_decision: Durations::of(self.complete_to_decision),
                complete_to_data: Durations::of(self.complete_to_data),
            },
            deadlines: self.deadlines,
        }
    }
}
