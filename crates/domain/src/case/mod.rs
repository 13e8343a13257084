//! The case: one application as HDS handles it, from submission through
//! completeness, questions to the applicant, decision (vedtak), appeal
//! (klage) and making the data available (tilgjengeliggjøring: every granted
//! source delivered), which is when the statutory clock stops.
//!
//! A [`Case`] is a plain value. Every command is a method that takes the case
//! by reference, the date it happens (the calendar date in Europe/Oslo, see
//! [`oslo_date`](crate::calendar::oslo_date)) and the [`CaseRules`], and
//! returns either the new case together with the events to record
//! ([`Transitioned`]), or a [`TransitionError`] naming why it is not allowed.
//! Nothing is changed in place, so a caller can check, store the case and its
//! events in one transaction, or drop them.
//!
//! The allowed transitions are data: [`TRANSITIONS`]. `docs/case-states.md` is
//! generated from it ([`states_document`]).

mod decision;
mod delivery;
mod error;
mod event;
mod letter;
mod linkage;
mod number;
mod states_doc;
mod table;
mod terms;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_clock;
#[cfg(test)]
mod tests_delivery;
#[cfg(test)]
mod tests_terms;

use std::fmt;

use time::Date;

use crate::calendar::{DataLinkage, WorkingDayCalendar};
pub use decision::{
    check_decisions, Decider, DecisionAuthority, DecisionProblem, SourceDecisionDetails,
    SourceFacts,
};
pub use delivery::{
    DeliveryMethod, DeliveryPart, NewDelivery, PartDeadlines, Settlement, Timeliness,
};
pub use error::TransitionError;
pub use event::{CaseEvent, EventKind};
pub use letter::{
    decision_letter, letter_date, Body, Lang, Letter, LetterFacts, LetterSource, Line,
};
pub use linkage::linkage_by_plan;
pub use number::{CaseNumber, CaseNumberError};
pub use states_doc::{mermaid_diagram, states_document, SUBMIT};
use table::code_traits;
pub use table::{
    allowed_commands, is_allowed, targets, CaseState, Command, Transition, TRANSITIONS,
};
pub use terms::{
    check_complete_decisions, CompleteSourceDecision, DecisionFacts, DecisionTerms, Disposal,
    ExemptionDecision, TableDecision,
};

/// Settings for case handling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRules {
    /// The working-day calendar all deadlines are counted on.
    pub calendar: WorkingDayCalendar,
    /// Pause the statutory clock while a question to the applicant waits
    /// after the application was complete; the deadline then moves by the
    /// working days the question waited. Default on.
    pub pause_clock_while_awaiting_applicant: bool,
}

impl Default for CaseRules {
    fn default() -> Self {
        Self {
            calendar: WorkingDayCalendar::default(),
            pause_clock_while_awaiting_applicant: true,
        }
    }
}

/// The outcome of a decision for one data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecisionOutcome {
    /// Access granted (innvilget).
    Granted,
    /// Access granted in part, e.g. fewer variables or a shorter period
    /// (delvis innvilget). Can be appealed.
    PartlyGranted,
    /// Access refused (avslag). Can be appealed.
    Refused,
}

impl DecisionOutcome {
    pub const ALL: [DecisionOutcome; 3] = [Self::Granted, Self::PartlyGranted, Self::Refused];

    /// `GRANTED`, `PARTLY_GRANTED` or `REFUSED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Granted => "GRANTED",
            Self::PartlyGranted => "PARTLY_GRANTED",
            Self::Refused => "REFUSED",
        }
    }

    /// Whether the applicant can appeal this outcome.
    pub fn is_appealable(self) -> bool {
        !matches!(self, Self::Granted)
    }
}

code_traits!(DecisionOutcome, "decision outcome");

/// The decision for one data source. Legal basis, conditions and the decision
/// text are kept by the caller; the state machine needs only the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceDecision {
    /// The data source's identifier in the catalogue.
    pub data_source: String,
    pub outcome: DecisionOutcome,
}

impl SourceDecision {
    pub fn new(data_source: impl Into<String>, outcome: DecisionOutcome) -> Self {
        Self {
            data_source: data_source.into(),
            outcome,
        }
    }
}

/// A decision (vedtak) on the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub decided_on: Date,
    /// One outcome per data source.
    pub sources: Vec<SourceDecision>,
    /// The last day to appeal (klagefrist); `None` when every source was
    /// granted, so there is nothing to appeal.
    pub appeal_deadline: Option<Date>,
}

/// A reminder (purring) about an unanswered question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reminder {
    pub sent_on: Date,
    /// The new reply deadline: 5 working days after the first one.
    pub reply_deadline: Date,
}

/// The question the applicant has been asked and not yet answered. (The
/// question's text lives with the caller.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Question {
    pub asked_on: Date,
    /// 10 working days after `asked_on`.
    pub reply_deadline: Date,
    /// The statutory clock is paused while this question waits.
    pub clock_paused: bool,
    pub reminder: Option<Reminder>,
}

impl Question {
    /// The deadline that applies now: after the reminder if one was sent.
    pub fn current_reply_deadline(&self) -> Date {
        self.reminder
            .map_or(self.reply_deadline, |r| r.reply_deadline)
    }
}

/// A postponement with a preliminary reply (foreløpig svar) to the applicant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Postponement {
    pub postponed_on: Date,
    /// The date the applicant is told to expect an answer.
    pub expected_on: Date,
    /// Why, in words the applicant reads.
    pub reason: String,
}

/// The rejection (avvisning) of a case whose applicant did not reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejection {
    pub rejected_on: Date,
    pub appeal_deadline: Date,
}

/// What an appeal is against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppealedAct {
    /// A decision that refused or partly granted access.
    Decision,
    /// A rejection for no reply.
    Rejection,
}

impl AppealedAct {
    pub const ALL: [AppealedAct; 2] = [Self::Decision, Self::Rejection];

    /// `DECISION` or `REJECTION`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Decision => "DECISION",
            Self::Rejection => "REJECTION",
        }
    }
}

code_traits!(AppealedAct, "appealed act");

/// An appeal (klage) from the applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appeal {
    pub appealed_on: Date,
    pub against: AppealedAct,
}

/// The result of HDS's reconsideration of an appeal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reconsideration {
    /// HDS changes its decision: a new decision replaces the old one (it may
    /// again be appealable, e.g. if it still refuses part).
    Reversed { new_decision: Vec<SourceDecision> },
    /// HDS lifts its rejection for no reply; handling of the application resumes.
    RejectionLifted,
    /// HDS keeps its decision or rejection and forwards the appeal to the
    /// national appeals body (Helseklage) on the date of the command.
    Upheld,
}

impl Reconsideration {
    /// `REVERSED`, `REJECTION_LIFTED` or `UPHELD`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Reversed { .. } => "REVERSED",
            Self::RejectionLifted => "REJECTION_LIFTED",
            Self::Upheld => "UPHELD",
        }
    }
}

/// One application as HDS handles it. All fields are public so the
/// persistence layer can store and load them; change them only through the
/// command methods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub state: CaseState,
    pub submitted_on: Date,
    /// The date of the latest command. A command dated earlier is refused.
    pub last_change_on: Date,
    /// The day the application was found complete: day 0 of the statutory clock.
    pub completed_on: Option<Date>,
    pub linkage: Option<DataLinkage>,
    /// The statutory deadline: 30 or 60 working days after completeness, moved
    /// by any pauses while questions waited.
    pub statutory_deadline: Option<Date>,
    /// The latest postponement with a preliminary reply, if any.
    pub postponement: Option<Postponement>,
    /// The open question, while the case awaits the applicant (kept when the
    /// case is rejected for no reply, as the reason).
    pub question: Option<Question>,
    pub decision: Option<Decision>,
    pub rejection: Option<Rejection>,
    /// The appeal being reconsidered or at Helseklage.
    pub appeal: Option<Appeal>,
    /// The day the appeal was forwarded to Helseklage.
    pub forwarded_on: Option<Date>,
    pub withdrawn_on: Option<Date>,
    pub closed_on: Option<Date>,
    /// The custodians' parts in making granted sources' data available:
    /// postponements, agreed dates, deliveries (one per source, in the order
    /// first recorded).
    pub delivery_parts: Vec<DeliveryPart>,
}

/// A command's result: the new case and the events to record with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transitioned {
    pub case: Case,
    pub events: Vec<CaseEvent>,
}

type Result<T> = std::result::Result<T, TransitionError>;

impl Case {
    /// A new case, submitted on `on`, with its `SUBMITTED` event.
    pub fn submit(on: Date) -> Transitioned {
        let case = Case {
            state: CaseState::Submitted,
            submitted_on: on,
            last_change_on: on,
            completed_on: None,
            linkage: None,
            statutory_deadline: None,
            postponement: None,
            question: None,
            decision: None,
            rejection: None,
            appeal: None,
            forwarded_on: None,
            withdrawn_on: None,
            closed_on: None,
            delivery_parts: Vec::new(),
        };
        Transitioned {
            case,
            events: vec![CaseEvent::Submitted { on }],
        }
    }

    /// The date the case is due, while the statutory clock runs (from
    /// completeness until the data are made available): before the decision
    /// the statutory deadline, or the postponed expected date if later;
    /// after it, the earliest due date of the granted sources not yet
    /// delivered nor reported undeliverable ([`part_due_date`](Self::part_due_date)).
    /// `None` before completeness, once the data are made available (or
    /// nothing was granted), and when rejected, withdrawn or closed.
    pub fn due_date(&self) -> Option<Date> {
        match self.state {
            CaseState::UnderReview | CaseState::AwaitingApplicant => self.case_due_date(),
            CaseState::Decided | CaseState::Appealed | CaseState::ForwardedToAppealsBody => {
                self.delivery_due_date()
            }
            _ => None,
        }
    }

    /// The due date has passed on `today`.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.due_date().is_some_and(|due| today > due)
    }

    /// Working days from `today` to the due date (negative when overdue). For
    /// "at risk within N working days" lists.
    pub fn working_days_left(&self, calendar: &WorkingDayCalendar, today: Date) -> Option<i64> {
        self.due_date()
            .map(|due| calendar.working_days_between(today, due))
    }

    /// The scheduled command due on `today`, for the job runner: a reminder
    /// once the reply deadline has passed, a rejection once the reminder's
    /// deadline has passed.
    pub fn due_job(&self, today: Date) -> Option<Command> {
        if self.state != CaseState::AwaitingApplicant {
            return None;
        }
        let q = self.question?;
        match q.reminder {
            None if today > q.reply_deadline => Some(Command::SendReminder),
            Some(r) if today > r.reply_deadline => Some(Command::RejectForNoReply),
            _ => None,
        }
    }

    fn refuse(&self, command: Command) -> TransitionError {
        TransitionError::NotAllowed {
            state: self.state,
            command,
        }
    }

    fn check_date(&self, on: Date) -> Result<()> {
        if on < self.last_change_on {
            return Err(TransitionError::DateBeforeLastChange {
                on,
                last_change_on: self.last_change_on,
            });
        }
        Ok(())
    }

    fn next(&self, on: Date, state: CaseState) -> Case {
        Case {
            state,
            last_change_on: on,
            ..self.clone()
        }
    }

    /// Marks the application complete (all information and attachments in
    /// hand) on `on`: the statutory clock starts, with `on` as day 0 and the
    /// deadline 30 or 60 working days later depending on `linkage`.
    pub fn mark_complete(
        &self,
        rules: &CaseRules,
        on: Date,
        linkage: DataLinkage,
    ) -> Result<Transitioned> {
        if self.state != CaseState::Submitted {
            return Err(self.refuse(Command::MarkComplete));
        }
        self.check_date(on)?;
        let deadline = rules.calendar.statutory_deadline(on, linkage);
        let mut case = self.next(on, CaseState::UnderReview);
        case.completed_on = Some(on);
        case.linkage = Some(linkage);
        case.statutory_deadline = Some(deadline);
        Ok(Transitioned {
            case,
            events: vec![CaseEvent::MarkedComplete {
                on,
                linkage,
                statutory_deadline: deadline,
            }],
        })
    }

    /// Asks the applicant a question on `on` (put several questions in one).
    /// The reply deadline is 10 working days later. Before completeness the
    /// statutory clock has not started; after it, the clock pauses while the
    /// question waits (if [`CaseRules::pause_clock_while_awaiting_applicant`]).
    pub fn ask_question(&self, rules: &CaseRules, on: Date) -> Result<Transitioned> {
        let complete = match self.state {
            CaseState::Submitted => false,
            CaseState::UnderReview => true,
            _ => return Err(self.refuse(Command::AskQuestion)),
        };
        self.check_date(on)?;
        let reply_deadline = rules.calendar.question_reply_deadline(on);
        let clock_paused = complete && rules.pause_clock_while_awaiting_applicant;
        let mut case = self.next(on, CaseState::AwaitingApplicant);
        case.question = Some(Question {
            asked_on: on,
            reply_deadline,
            clock_paused,
            reminder: None,
        });
        Ok(Transitioned {
            case,
            events: vec![CaseEvent::QuestionAsked {
                on,
                reply_deadline,
                clock_paused,
            }],
        })
    }

    /// Moves the statutory deadline and any postponed date by the working
    /// days in `(paused_on, resumed_on]`, clearing the question.
    fn resume_clock(
        &self,
        case: &mut Case,
        rules: &CaseRules,
        paused_on: Date,
        resumed_on: Date,
    ) -> Result<CaseEvent> {
        let cal = &rules.calendar;
        let deadline = self
            .statutory_deadline
            .ok_or(TransitionError::Inconsistent(
                "complete case without a statutory deadline",
            ))?;
        let paused = cal.working_days_between(paused_on, resumed_on).max(0);
        let paused = u32::try_from(paused).unwrap_or(u32::MAX);
        let statutory_deadline = cal.add_working_days(deadline, paused);
        case.statutory_deadline = Some(statutory_deadline);
        if let Some(p) = case.postponement.as_mut() {
            p.expected_on = cal.add_working_days(p.expected_on, paused);
        }
        Ok(CaseEvent::ClockResumed {
            on: resumed_on,
            paused_working_days: paused,
            statutory_deadline,
            expected_on: case.postponement.as_ref().map(|p| p.expected_on),
        })
    }

    /// Records the applicant's answer on `on`. The case goes back to
    /// `SUBMITTED` if it was not complete, else to `UNDER_REVIEW`, and a paused
    /// clock resumes: the deadline moves by the working days the question
    /// waited, counted after the day it was asked up to and including the day
    /// of the answer. An answer is accepted until the case is actually
    /// rejected, even after the reply deadline.
    pub fn answer_question(&self, rules: &CaseRules, on: Date) -> Result<Transitioned> {
        if self.state != CaseState::AwaitingApplicant {
            return Err(self.refuse(Command::AnswerQuestion));
        }
        self.check_date(on)?;
        let q = self.question.ok_or(TransitionError::Inconsistent(
            "awaiting the applicant without a question",
        ))?;
        let state = if self.completed_on.is_some() {
            CaseState::UnderReview
        } else {
            CaseState::Submitted
        };
        let mut case = self.next(on, state);
        case.question = None;
        let mut events = vec![CaseEvent::QuestionAnswered { on }];
        if q.clock_paused {
            events.push(self.resume_clock(&mut case, rules, q.asked_on, on)?);
        }
        Ok(Transitioned { case, events })
    }

    /// Sends the reminder (purring) on `on`, once the reply deadline has
    /// passed. The new reply deadline is 5 working days after the first
    /// deadline (a reminder sent a little late does not lengthen the
    /// applicant's time). Only if that date has already passed when the
    /// reminder goes out (e.g. the job runner was down for days) do the 5
    /// working days count from the day before the reminder instead, so that a
    /// rejection never follows a reminder at once.
    pub fn send_reminder(&self, rules: &CaseRules, on: Date) -> Result<Transitioned> {
        if self.state != CaseState::AwaitingApplicant {
            return Err(self.refuse(Command::SendReminder));
        }
        self.check_date(on)?;
        let q = self.question.ok_or(TransitionError::Inconsistent(
            "awaiting the applicant without a question",
        ))?;
        if let Some(r) = q.reminder {
            return Err(TransitionError::ReminderAlreadySent { sent_on: r.sent_on });
        }
        if on <= q.reply_deadline {
            return Err(TransitionError::ReplyDeadlineNotPassed {
                reply_deadline: q.reply_deadline,
            });
        }
        let mut reply_deadline = rules.calendar.reminder_reply_deadline(q.reply_deadline);
        if reply_deadline < on {
            reply_deadline = rules
                .calendar
                .reminder_reply_deadline(on.previous_day().unwrap_or(on));
        }
        let mut case = self.next(on, CaseState::AwaitingApplicant);
        case.question = Some(Question {
            reminder: Some(Reminder {
                sent_on: on,
                reply_deadline,
            }),
            ..q
        });
        Ok(Transitioned {
            case,
            events: vec![CaseEvent::ReminderSent { on, reply_deadline }],
        })
    }

    /// Rejects the application (avvisning) on `on` because the applicant did
    /// not answer by the reminder's deadline. A new application and fee are
    /// needed; the rejection can be appealed within 3 weeks.
    pub fn reject_for_no_reply(&self, rules: &CaseRules, on: Date) -> Result<Transitioned> {
        if self.state != CaseState::AwaitingApplicant {
            return Err(self.refuse(Command::RejectForNoReply));
        }
        self.check_date(on)?;
        let q = self.question.ok_or(TransitionError::Inconsistent(
            "awaiting the applicant without a question",
        ))?;
        let r = q.reminder.ok_or(TransitionError::NoReminderSent)?;
        if on <= r.reply_deadline {
            return Err(TransitionError::ReminderDeadlineNotPassed {
                reply_deadline: r.reply_deadline,
            });
        }
        let appeal_deadline = rules.calendar.appeal_deadline(on);
        let mut case = self.next(on, CaseState::RejectedNoReply);
        case.rejection = Some(Rejection {
            rejected_on: on,
            appeal_deadline,
        });
        Ok(Transitioned {
            case,
            events: vec![CaseEvent::RejectedNoReply {
                on,
                appeal_deadline,
            }],
        })
    }

    /// Postpones the case with a preliminary reply (foreløpig svar) on `on`:
    /// the applicant is told `reason` and the new `expected_on` date, which
    /// must be later than the current due date (the statutory deadline or an
    /// earlier postponement). Under review, or after the decision while the
    /// data are awaited: the postponed date then applies to every granted
    /// source (a source its custodian postponed further keeps its own date).
    pub fn postpone(&self, on: Date, expected_on: Date, reason: &str) -> Result<Transitioned> {
        let current = match self.state {
            CaseState::UnderReview => self.due_date().ok_or(TransitionError::Inconsistent(
                "case under review without a deadline",
            ))?,
            CaseState::Decided | CaseState::Appealed | CaseState::ForwardedToAppealsBody => self
                .due_date()
                .ok_or(TransitionError::NothingAwaitingDelivery)?,
            _ => return Err(self.refuse(Command::Postpone)),
        };
        self.check_date(on)?;
        if reason.trim().is_empty() {
            return Err(TransitionError::PostponementWithoutReason);
        }
        if expected_on <= current {
            return Err(TransitionError::PostponementNotLater {
                expected_on,
                current_deadline: current,
            });
        }
        let mut case = self.next(on, self.state);
        case.postponement = Some(Postponement {
            postponed_on: on,
            expected_on,
            reason: reason.to_owned(),
        });
        Ok(Transitioned {
            case,
            events: vec![CaseEvent::Postponed {
                on,
                previous_due_date: current,
                expected_on,
                reason: reason.to_owned(),
            }],
        })
    }

    fn new_decision(rules: &CaseRules, on: Date, sources: Vec<SourceDecision>) -> Result<Decision> {
        if sources.is_empty() {
            return Err(TransitionError::EmptyDecision);
        }
        for (i, s) in sources.iter().enumerate() {
            if sources[..i].iter().any(|o| o.data_source == s.data_source) {
                return Err(TransitionError::DuplicateDataSource {
                    data_source: s.data_source.clone(),
                });
            }
        }
        let appealable = sources.iter().any(|s| s.outcome.is_appealable());
        Ok(Decision {
            decided_on: on,
            sources,
            appeal_deadline: appealable.then(|| rules.calendar.appeal_deadline(on)),
        })
    }

    /// Decides (vedtak) on `on`, with one outcome per data source. If any
    /// source is refused or partly granted, the appeal deadline is recorded:
    /// 3 weeks later, moved to the next working day if it ends on a
    /// non-working day (counted from the decision date, as decisions are
    /// delivered digitally the same day).
    pub fn decide(
        &self,
        rules: &CaseRules,
        on: Date,
        sources: Vec<SourceDecision>,
    ) -> Result<Transitioned> {
        if self.state != CaseState::UnderReview {
            return Err(self.refuse(Command::Decide));
        }
        self.check_date(on)?;
        let decision = Self::new_decision(rules, on, sources)?;
        let event = CaseEvent::Decided {
            on,
            sources: decision.sources.clone(),
            appeal_deadline: decision.appeal_deadline,
        };
        let mut case = self.next(on, CaseState::Decided);
        case.decision = Some(decision);
        Ok(Transitioned {
            case,
            events: vec![event],
        })
    }

    /// The applicant withdraws the application on `on`. Only before the
    /// decision.
    pub fn withdraw(&self, on: Date) -> Result<Transitioned> {
        if !matches!(
            self.state,
            CaseState::Submitted | CaseState::AwaitingApplicant | CaseState::UnderReview
        ) {
            return Err(self.refuse(Command::Withdraw));
        }
        self.check_date(on)?;
        let mut case = self.next(on, CaseState::Withdrawn);
        case.withdrawn_on = Some(on);
        Ok(Transitioned {
            case,
            events: vec![CaseEvent::Withdrawn { on }],
        })
    }

    /// The applicant appeals (klage) on `on`: a decision that refused or
    /// partly granted access, or a rejection for no reply. Refused after the
    /// appeal deadline, with the deadline in the error.
    pub fn appeal(&self, on: Date) -> Result<Transitioned> {
        let (against, deadline) = match self.state {
            CaseState::Decided => {
                let d = self.decision.as_ref().ok_or(TransitionError::Inconsistent(
                    "decided case without a decision",
                ))?;
                let deadline = d.appeal_deadline.ok_or(TransitionError::NothingToAppeal)?;
                (AppealedAct::Decision, deadline)
            }
            CaseState::RejectedNoReply => {
                let r = self.rejection.ok_or(TransitionError::Inconsistent(
                    "rejected case without a rejection",
                ))?;
                (AppealedAct::Rejection, r.appeal_deadline)
            }
            _ => return Err(self.refuse(Command::Appeal)),
        };
        self.check_date(on)?;
        if on > deadline {
            return Err(TransitionError::AppealTooLate {
                on,
                appeal_deadline: deadline,
            });
        }
        let mut case = self.next(on, CaseState::Appealed);
        case.appeal = Some(Appeal {
            appealed_on: on,
            against,
        });
        Ok(Transitioned {
            case,
            events: vec![CaseEvent::Appealed {
                on,
                against,
                appeal_deadline: deadline,
            }],
        })
    }

    /// HDS's reconsideration of the appeal, on `on`:
    /// - [`Reconsideration::Reversed`] (appeal against a decision): the new
    ///   decision replaces the old; the case is `DECIDED` again.
    /// - [`Reconsideration::RejectionLifted`] (appeal against a rejection):
    ///   handling resumes, in `UNDER_REVIEW` if the case was complete
    ///   (a paused clock resumes as after an answer) or else `SUBMITTED`.
    /// - [`Reconsideration::Upheld`]: the appeal is forwarded to Helseklage on
    ///   `on`; the case waits in `FORWARDED_TO_APPEALS_BODY`.
    pub fn reconsider_appeal(
        &self,
        rules: &CaseRules,
        on: Date,
        result: Reconsideration,
    ) -> Result<Transitioned> {
        if self.state != CaseState::Appealed {
            return Err(self.refuse(Command::ReconsiderAppeal));
        }
        self.check_date(on)?;
        let appeal = self.appeal.ok_or(TransitionError::Inconsistent(
            "appealed case without an appeal",
        ))?;
        match (result, appeal.against) {
            (Reconsideration::Reversed { new_decision }, AppealedAct::Decision) => {
                let decision = Self::new_decision(rules, on, new_decision)?;
                let decided = CaseEvent::Decided {
                    on,
                    sources: decision.sources.clone(),
                    appeal_deadline: decision.appeal_deadline,
                };
                let mut case = self.next(on, CaseState::Decided);
                case.decision = Some(decision);
                case.appeal = None;
                Ok(Transitioned {
                    case,
                    events: vec![CaseEvent::AppealReversed { on }, decided],
                })
            }
            (Reconsideration::RejectionLifted, AppealedAct::Rejection) => {
                let state = if self.completed_on.is_some() {
                    CaseState::UnderReview
                } else {
                    CaseState::Submitted
                };
                let mut case = self.next(on, state);
                case.appeal = None;
                case.rejection = None;
                case.question = None;
                let mut events = vec![CaseEvent::RejectionLifted { on, state }];
                if let Some(q) = self.question.filter(|q| q.clock_paused) {
                    events.push(self.resume_clock(&mut case, rules, q.asked_on, on)?);
                }
                Ok(Transitioned { case, events })
            }
            (Reconsideration::Upheld, _) => {
                let mut case = self.next(on, CaseState::ForwardedToAppealsBody);
                case.forwarded_on = Some(on);
                Ok(Transitioned {
                    case,
                    events: vec![
                        CaseEvent::AppealUpheld { on },
                        CaseEvent::ForwardedToAppealsBody { on },
                    ],
                })
            }
            (given, against) => Err(TransitionError::ReconsiderationDoesNotFit {
                against,
                given: given.as_str(),
            }),
        }
    }

    /// Closes the case on `on`: a decided case once nothing can be appealed
    /// any more (the appeal deadline has passed, or everything was granted);
    /// a rejected case once its appeal deadline has passed; a case at
    /// Helseklage when Helseklage has decided. A decided case (also one at
    /// Helseklage) only once its data are made available: every granted
    /// source delivered or reported undeliverable.
    pub fn close(&self, on: Date) -> Result<Transitioned> {
        let appeal_deadline = match self.state {
            CaseState::Decided => {
                self.decision
                    .as_ref()
                    .ok_or(TransitionError::Inconsistent(
                        "decided case without a decision",
                    ))?
                    .appeal_deadline
            }
            CaseState::RejectedNoReply => Some(
                self.rejection
                    .ok_or(TransitionError::Inconsistent(
                        "rejected case without a rejection",
                    ))?
                    .appeal_deadline,
            ),
            CaseState::ForwardedToAppealsBody => None,
            _ => return Err(self.refuse(Command::Close)),
        };
        self.check_date(on)?;
        if let Some(deadline) = appeal_deadline.filter(|d| on <= *d) {
            return Err(TransitionError::AppealPeriodOpen {
                appeal_deadline: deadline,
            });
        }
        if self.in_delivery_phase() {
            let open = self.undelivered_sources();
            if !open.is_empty() {
                return Err(TransitionError::NotYetMadeAvailable {
                    sources: open.into_iter().map(str::to_owned).collect(),
                });
            }
        }
        let mut case = self.next(on, CaseState::Closed);
        case.closed_on = Some(on);
        Ok(Transitioned {
            case,
            events: vec![CaseEvent::Closed { on }],
        })
    }
}

impl fmt::Display for Reconsideration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
