//! A custodian's task (oppgave for registerforvalter) on a case: deciding for
//! a source it holds decision authority over (DECISION), or preparing and
//! delivering a granted source's data (`DATA_PREPARATION`).
//!
//! ```text
//! ASSIGNED ──acknowledge──▶ ACKNOWLEDGED ──report progress──▶ IN_PREPARATION ─┐
//!    │                          │   (DATA_PREPARATION)          │ (again)     │
//!    │                          └──────────deliver──────────────┴─▶ DELIVERED │
//!    ├── cannot deliver (reason) ─▶ CANNOT_DELIVER  (from any open state)     │
//!    ├── decide (DECISION tasks) ─▶ DECIDED         (from any open state)     │
//!    └── cancel (the system)     ─▶ CANCELLED       (from any open state) ◀───┘
//! ```
//!
//! Every action returns the new state or a [`Refusal`] naming why. Hours
//! worked do not change the state; they may be reported on any task the
//! custodian has acknowledged (also after delivery, for the invoice).

use std::fmt;
use std::str::FromStr;

use time::Date;

/// DECISION or `DATA_PREPARATION`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskKind {
    /// Decide (fatte vedtak) for a source the custodian has authority over.
    Decision,
    /// Prepare and deliver (tilrettelegge og utlevere) a granted source's data.
    DataPreparation,
}

/// The states of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskState {
    Assigned,
    Acknowledged,
    InPreparation,
    Delivered,
    CannotDeliver,
    /// A DECISION task whose decision is recorded.
    Decided,
    Cancelled,
}

/// What is decided for the task's source in the case's current decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceDecision {
    Undecided,
    Granted,
    PartlyGranted,
    Refused,
}

/// What a custodian (or the system) does to a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskAction {
    Acknowledge,
    ReportProgress,
    Deliver,
    CannotDeliver,
    Decide,
    Cancel,
}

/// Why an action is refused (409 with this text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the task is {0} and nothing more can happen to it")]
    Closed(TaskState),
    #[error("the task is already acknowledged")]
    AlreadyAcknowledged,
    #[error("acknowledge the task before reporting on it")]
    NotAcknowledged,
    #[error("a DECISION task is finished by recording the decision, not by {0}")]
    DecisionTask(&'static str),
    #[error("only a DECISION task records a decision; this task prepares data")]
    NotADecisionTask,
    #[error("the source has no decision yet: nothing may be delivered before it is granted")]
    SourceNotDecided,
    #[error("the source was refused: nothing may be delivered")]
    SourceRefused,
    #[error("the source already has a decision in this round")]
    AlreadyDecided,
    #[error("a reason is required when the data cannot be delivered")]
    ReasonRequired,
}

impl Refusal {
    /// The message in bokmål (`Display` is English).
    pub fn nb(&self) -> String {
        match self {
            Self::Closed(state) => {
                format!("oppgaven er {state}, og ingenting mer kan skje med den")
            }
            Self::AlreadyAcknowledged => "oppgaven er allerede kvittert ut".into(),
            Self::NotAcknowledged => "kvitter ut oppgaven før du rapporterer på den".into(),
            Self::DecisionTask(what) => {
                format!("en DECISION-oppgave avsluttes ved å registrere vedtaket, ikke med {what}")
            }
            Self::NotADecisionTask => {
                "bare en DECISION-oppgave registrerer et vedtak; denne oppgaven tilrettelegger data"
                    .into()
            }
            Self::SourceNotDecided => {
                "kilden har ikke vedtak ennå: ingenting kan utleveres før den er innvilget".into()
            }
            Self::SourceRefused => "kilden fikk avslag: ingenting kan utleveres".into(),
            Self::AlreadyDecided => "kilden har allerede et vedtak i denne runden".into(),
            Self::ReasonRequired => "oppgi en grunn når dataene ikke kan utleveres".into(),
        }
    }
}

impl TaskKind {
    pub const ALL: [Self; 2] = [Self::Decision, Self::DataPreparation];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Decision => "DECISION",
            Self::DataPreparation => "DATA_PREPARATION",
        }
    }
}

impl TaskState {
    pub const ALL: [Self; 7] = [
        Self::Assigned,
        Self::Acknowledged,
        Self::InPreparation,
        Self::Delivered,
        Self::CannotDeliver,
        Self::Decided,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Assigned => "ASSIGNED",
            Self::Acknowledged => "ACKNOWLEDGED",
            Self::InPreparation => "IN_PREPARATION",
            Self::Delivered => "DELIVERED",
            Self::CannotDeliver => "CANNOT_DELIVER",
            Self::Decided => "DECIDED",
            Self::Cancelled => "CANCELLED",
        }
    }

    /// Is the custodian's work still open?
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::Assigned | Self::Acknowledged | Self::InPreparation
        )
    }
}

impl fmt::Display for TaskState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TaskState {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or(())
    }
}

impl FromStr for TaskKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or(())
    }
}

impl TaskAction {
    pub const ALL: [Self; 6] = [
        Self::Acknowledge,
        Self::ReportProgress,
        Self::Deliver,
        Self::CannotDeliver,
        Self::Decide,
        Self::Cancel,
    ];

    fn phrase(self) -> &'static str {
        match self {
            Self::Acknowledge => "an acknowledgement",
            Self::ReportProgress => "a progress report",
            Self::Deliver => "a delivery",
            Self::CannotDeliver => "a report that the data cannot be delivered",
            Self::Decide => "a decision",
            Self::Cancel => "a cancellation",
        }
    }
}

/// A task as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Task {
    pub kind: TaskKind,
    pub state: TaskState,
    /// The case's current decision for the task's source.
    pub source: SourceDecision,
}

impl Task {
    /// The state after `action`, or why it is refused. `reason` is the text
    /// given with CANNOT_DELIVER (required, not blank).
    pub fn apply(&self, action: TaskAction, reason: Option<&str>) -> Result<TaskState, Refusal> {
        use TaskAction as A;
        use TaskState as S;
        if !self.state.is_open() {
            return Err(Refusal::Closed(self.state));
        }
        match (action, self.kind) {
            (A::Cancel, _) => Ok(S::Cancelled),
            (A::Acknowledge, _) if self.state == S::Assigned => Ok(S::Acknowledged),
            (A::Acknowledge, _) => Err(Refusal::AlreadyAcknowledged),
            (A::Decide, TaskKind::DataPreparation) => Err(Refusal::NotADecisionTask),
            (A::Decide, TaskKind::Decision) if self.source != SourceDecision::Undecided => {
                Err(Refusal::AlreadyDecided)
            }
            (A::Decide, TaskKind::Decision) => Ok(S::Decided),
            (A::ReportProgress | A::Deliver | A::CannotDeliver, TaskKind::Decision) => {
                Err(Refusal::DecisionTask(action.phrase()))
            }
            (A::CannotDeliver, TaskKind::DataPreparation) => {
                if reason.is_some_and(|r| !r.trim().is_empty()) {
                    Ok(S::CannotDeliver)
                } else {
                    Err(Refusal::ReasonRequired)
                }
            }
            (A::ReportProgress | A::Deliver, TaskKind::DataPreparation) => {
                match self.source {
                    SourceDecision::Undecided => return Err(Refusal::SourceNotDecided),
                    SourceDecision::Refused => return Err(Refusal::SourceRefused),
                    SourceDecision::Granted | SourceDecision::PartlyGranted => {}
                }
                if self.state == S::Assigned {
                    return Err(Refusal::NotAcknowledged);
                }
                Ok(if action == A::Deliver {
                    S::Delivered
                } else {
                    S::InPreparation
                })
            }
        }
    }

    /// May the custodian plan the delivery now: agree a delivery date with
    /// the applicant, or postpone the delivery with a preliminary reply?
    /// Only on an open `DATA_PREPARATION` task (the case's rules then decide
    /// whether the source is granted and still open).
    pub fn may_plan_delivery(&self) -> Result<(), Refusal> {
        if !self.state.is_open() {
            return Err(Refusal::Closed(self.state));
        }
        match self.kind {
            TaskKind::Decision => Err(Refusal::DecisionTask("planning a delivery")),
            TaskKind::DataPreparation => Ok(()),
        }
    }

    /// May hours be reported now? After acknowledgement, in any state but
    /// CANCELLED before any work (hours on a cancelled task that was worked
    /// on are still allowed: the work was done).
    pub fn may_report_hours(&self) -> Result<(), Refusal> {
        if self.state == TaskState::Assigned {
            Err(Refusal::NotAcknowledged)
        } else {
            Ok(())
        }
    }
}

/// Why a report of hours worked is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoursProblem {
    #[error("hours must be more than 0 and at most 24")]
    OutOfRange,
    #[error("hours are given with at most two decimals")]
    TooPrecise,
    #[error("the date is in the future")]
    InTheFuture,
}

impl HoursProblem {
    /// The message in bokmål (`Display` is English).
    pub fn nb(&self) -> &'static str {
        match self {
            Self::OutOfRange => "timer må være mer enn 0 og høyst 24",
            Self::TooPrecise => "timer oppgis med høyst to desimaler",
            Self::InTheFuture => "datoen er fram i tid",
        }
    }
}

/// Hours worked on one date, in hundredths of an hour (1.25 h = 125).
/// `today` is the date in Europe/Oslo.
pub fn hours_worked(hours: f64, worked_on: Date, today: Date) -> Result<u16, Vec<HoursProblem>> {
    let mut problems = Vec::new();
    if !(hours.is_finite() && hours > 0.0 && hours <= 24.0) {
        problems.push(HoursProblem::OutOfRange);
    }
    let hundredths = (hours * 100.0).round();
    if hours.is_finite() && ((hours * 100.0) - hundredths).abs() > 1e-6 {
        problems.push(HoursProblem::TooPrecise);
    }
    if worked_on > today {
        problems.push(HoursProblem::InTheFuture);
    }
    if problems.is_empty() {
        // 1..=2400 after the checks above
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(hundredths as u16)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use time::macros::date;

    use SourceDecision as D;
    use TaskAction as A;
    use TaskKind as K;
    use TaskState as S;

    fn task(kind: TaskKind, state: TaskState, source: SourceDecision) -> Task {
        Task {
            kind,
            state,
            source,
        }
    }

    /// The expected outcome of every (kind, state, source, action), written
    /// out as the rules say it, independently of `apply`.
    fn expected(kind: K, state: S, source: D, action: A) -> Result<S, Refusal> {
        if !state.is_open() {
            return Err(Refusal::Closed(state));
        }
        let granted = matches!(source, D::Granted | D::PartlyGranted);
        match action {
            A::Cancel => Ok(S::Cancelled),
            A::Acknowledge => {
                if state == S::Assigned {
                    Ok(S::Acknowledged)
                } else {
                    Err(Refusal::AlreadyAcknowledged)
                }
            }
            A::Decide => match (kind, source) {
                (K::DataPreparation, _) => Err(Refusal::NotADecisionTask),
                (K::Decision, D::Undecided) => Ok(S::Decided),
                (K::Decision, _) => Err(Refusal::AlreadyDecided),
            },
            A::ReportProgress | A::Deliver | A::CannotDeliver if kind == K::Decision => {
                Err(Refusal::DecisionTask(action.phrase()))
            }
            A::CannotDeliver => Ok(S::CannotDeliver),
            A::ReportProgress | A::Deliver => {
                if source == D::Undecided {
                    Err(Refusal::SourceNotDecided)
                } else if source == D::Refused {
                    Err(Refusal::SourceRefused)
                } else if state == S::Assigned {
                    Err(Refusal::NotAcknowledged)
                } else {
                    assert!(granted);
                    Ok(if action == A::Deliver {
                        S::Delivered
                    } else {
                        S::InPreparation
                    })
                }
            }
        }
    }

    #[test]
    fn every_kind_state_source_and_action_is_allowed_or_refused_as_the_rules_say() {
        let sources = [D::Undecided, D::Granted, D::PartlyGranted, D::Refused];
        let mut checked = 0;
        for kind in K::ALL {
            for state in S::ALL {
                for source in sources {
                    for action in A::ALL {
                        let t = task(kind, state, source);
                        assert_eq!(
                            t.apply(action, Some("the register is unavailable")),
                            expected(kind, state, source, action),
                            "{kind:?} {state:?} {source:?} {action:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 2 * 7 * 4 * 6);
    }

    #[test]
    fn the_data_is_delivered_after_acknowledgement_and_progress() {
        let mut t = task(K::DataPreparation, S::Assigned, D::Granted);
        for (action, next) in [
            (A::Acknowledge, S::Acknowledged),
            (A::ReportProgress, S::InPreparation),
            (A::ReportProgress, S::InPreparation),
            (A::Deliver, S::Delivered),
        ] {
            t.state = t.apply(action, None).unwrap();
            assert_eq!(t.state, next);
        }
        assert_eq!(
            t.apply(A::Deliver, None),
            Err(Refusal::Closed(S::Delivered))
        );
    }

    #[test]
    fn only_an_open_preparation_task_plans_its_delivery() {
        for state in S::ALL {
            for kind in K::ALL {
                let got = task(kind, state, D::Granted).may_plan_delivery();
                let want = if !state.is_open() {
                    Err(Refusal::Closed(state))
                } else if kind == K::Decision {
                    Err(Refusal::DecisionTask("planning a delivery"))
                } else {
                    Ok(())
                };
                assert_eq!(got, want, "{kind:?} {state:?}");
            }
        }
    }

    #[test]
    fn a_delivery_may_come_straight_after_acknowledgement() {
        let t = task(K::DataPreparation, S::Acknowledged, D::PartlyGranted);
        assert_eq!(t.apply(A::Deliver, None), Ok(S::Delivered));
    }

    #[test]
    fn a_decision_task_is_never_delivered() {
        let t = task(K::Decision, S::Acknowledged, D::Undecided);
        let err = t.apply(A::Deliver, None).unwrap_err();
        assert_eq!(err, Refusal::DecisionTask("a delivery"));
        assert!(err.to_string().contains("recording the decision"));
    }

    #[test]
    fn nothing_is_delivered_before_a_grant_or_for_a_refused_source() {
        let before = task(K::DataPreparation, S::Acknowledged, D::Undecided);
        assert_eq!(
            before.apply(A::Deliver, None),
            Err(Refusal::SourceNotDecided)
        );
        let refused = task(K::DataPreparation, S::InPreparation, D::Refused);
        assert_eq!(refused.apply(A::Deliver, None), Err(Refusal::SourceRefused));
        assert!(Refusal::SourceRefused.to_string().contains("refused"));
    }

    #[test]
    fn cannot_deliver_needs_a_reason() {
        let t = task(K::DataPreparation, S::InPreparation, D::Granted);
        assert_eq!(
            t.apply(A::CannotDeliver, None),
            Err(Refusal::ReasonRequired)
        );
        assert_eq!(
            t.apply(A::CannotDeliver, Some("  ")),
            Err(Refusal::ReasonRequired)
        );
        assert_eq!(
            t.apply(A::CannotDeliver, Some("the variables no longer exist")),
            Ok(S::CannotDeliver)
        );
    }

    #[test]
    fn the_system_cancels_open_tasks_only() {
        for state in S::ALL {
            let t = task(K::DataPreparation, state, D::Granted);
            assert_eq!(t.apply(A::Cancel, None).is_ok(), state.is_open(), "{state}");
        }
    }

    #[test]
    fn hours_are_reported_after_acknowledgement() {
        assert_eq!(
            task(K::DataPreparation, S::Assigned, D::Granted).may_report_hours(),
            Err(Refusal::NotAcknowledged)
        );
        for state in S::ALL.into_iter().filter(|s| *s != S::Assigned) {
            assert!(task(K::Decision, state, D::Undecided)
                .may_report_hours()
                .is_ok());
        }
    }

    #[test]
    fn hours_are_between_0_and_24_with_two_decimals_and_not_in_the_future() {
        let today = date!(2026 - 11 - 23);
        assert_eq!(hours_worked(1.25, today, today), Ok(125));
        assert_eq!(hours_worked(24.0, date!(2026 - 11 - 20), today), Ok(2400));
        assert_eq!(hours_worked(0.01, today, today), Ok(1));
        for bad in [0.0, -1.0, 24.01, f64::NAN, f64::INFINITY] {
            assert!(
                hours_worked(bad, today, today)
                    .unwrap_err()
                    .contains(&HoursProblem::OutOfRange),
                "{bad}"
            );
        }
        assert_eq!(
            hours_worked(1.255, today, today),
            Err(vec![HoursProblem::TooPrecise])
        );
        assert_eq!(
            hours_worked(2.0, date!(2026 - 11 - 24), today),
            Err(vec![HoursProblem::InTheFuture])
        );
    }

    #[test]
    fn names_round_trip() {
        for s in S::ALL {
            assert_eq!(s.as_str().parse::<S>(), Ok(s));
        }
        for k in K::ALL {
            assert_eq!(k.as_str().parse::<K>(), Ok(k));
        }
    }
}
