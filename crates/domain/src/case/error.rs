//! Why a command is refused.

use time::Date;

use super::{allowed_commands, AppealedAct, CaseState, Command};
use crate::calendar::DataLinkage;

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The command is not allowed in the case's state at all.
    #[error("{}", not_allowed_message(*.state, *.command))]
    NotAllowed { state: CaseState, command: Command },
    #[error("the date {on} is before the case's last change on {last_change_on}")]
    DateBeforeLastChange { on: Date, last_change_on: Date },
    #[error("the applicant's reply deadline {reply_deadline} has not passed yet; a reminder can be sent from the day after")]
    ReplyDeadlineNotPassed { reply_deadline: Date },
    #[error("a reminder was already sent on {sent_on}")]
    ReminderAlreadySent { sent_on: Date },
    #[error("no reminder (purring) has been sent; the applicant must get one before the case can be rejected")]
    NoReminderSent,
    #[error("the reply deadline after the reminder, {reply_deadline}, has not passed yet")]
    ReminderDeadlineNotPassed { reply_deadline: Date },
    #[error("the new expected date {expected_on} must be later than the current deadline {current_deadline}")]
    PostponementNotLater {
        expected_on: Date,
        current_deadline: Date,
    },
    #[error("a postponement needs a reason the applicant can read")]
    PostponementWithoutReason,
    #[error("a decision needs an outcome for at least one data source")]
    EmptyDecision,
    #[error("data source {data_source:?} has more than one outcome in the decision")]
    DuplicateDataSource { data_source: String },
    #[error("nothing to appeal: every data source was granted")]
    NothingToAppeal,
    #[error("the appeal deadline was {appeal_deadline}; an appeal on {on} is too late")]
    AppealTooLate { on: Date, appeal_deadline: Date },
    #[error("the appeal deadline {appeal_deadline} has not passed; the case can be closed from the day after")]
    AppealPeriodOpen { appeal_deadline: Date },
    #[error("the appeal is against a {}; {} does not apply to it", .against.as_str().to_lowercase(), .given)]
    ReconsiderationDoesNotFit {
        against: AppealedAct,
        given: &'static str,
    },
    #[error(
        "nothing awaits delivery: every granted data source is delivered or reported undeliverable"
    )]
    NothingAwaitingDelivery,
    #[error(
        "{data_source} is not granted in the current decision: it has no data to make available"
    )]
    SourceNotGranted { data_source: String },
    #[error("{data_source} was already delivered or reported undeliverable on {on}")]
    AlreadySettled { data_source: String, on: Date },
    #[error("the delivery date {delivered_on} must be on or after the decision ({decided_on}) and not after the day it is recorded ({recorded_on})")]
    DeliveryDateOutOfRange {
        delivered_on: Date,
        decided_on: Date,
        recorded_on: Date,
    },
    #[error("a report that the data cannot be delivered needs a reason the applicant can read")]
    CannotDeliverWithoutReason,
    #[error("the agreed delivery date {agreed_on} is before today ({today})")]
    AgreedDateInThePast { agreed_on: Date, today: Date },
    #[error("the agreed delivery date {agreed_on} is after the due date {due_on}; postpone the delivery with a preliminary reply (foreløpig svar) to the applicant first")]
    AgreedDateAfterDueDate { agreed_on: Date, due_on: Date },
    #[error("the expected date {expected_on} is before today ({today})")]
    PostponementInThePast { expected_on: Date, today: Date },
    #[error("the data are not yet made available: {} not delivered or reported undeliverable", .sources.join(", "))]
    NotYetMadeAvailable { sources: Vec<String> },
    #[error("the statutory clock is already {}", .linkage.as_str())]
    LinkageUnchanged { linkage: DataLinkage },
    #[error("the statutory clock has not started: the application is not yet complete")]
    ClockNotStarted,
    #[error("setting the statutory clock needs a reason")]
    LinkageWithoutReason,
    /// The stored case contradicts its state (e.g. awaiting the applicant
    /// without a question): a bug in whoever stored it.
    #[error("inconsistent case data: {0}")]
    Inconsistent(&'static str),
}

fn not_allowed_message(state: CaseState, command: Command) -> String {
    let allowed = allowed_commands(state);
    let what = format!("{} cannot {}", state.phrase(), command.refused_phrase());
    if allowed.is_empty() {
        format!("{what} (nothing more can happen to it)")
    } else {
        let names: Vec<&str> = allowed.iter().map(|c| c.as_str()).collect();
        format!("{what} (allowed now: {})", names.join(", "))
    }
}
