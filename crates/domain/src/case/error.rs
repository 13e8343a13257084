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

impl TransitionError {
    /// The message in bokmål (`Display` is English).
    pub fn nb(&self) -> String {
        match self {
            Self::NotAllowed { state, command } => {
                let allowed = allowed_commands(*state);
                let what = format!("{} kan ikke {}", state.phrase_nb(), command.refused_phrase_nb());
                if allowed.is_empty() {
                    format!("{what} (ingenting mer kan skje med den)")
                } else {
                    let names: Vec<&str> = allowed.iter().map(|c| c.as_str()).collect();
                    format!("{what} (tillatt nå: {})", names.join(", "))
                }
            }
            Self::DateBeforeLastChange { on, last_change_on } => {
                format!("datoen {on} er før sakens siste endring {last_change_on}")
            }
            Self::ReplyDeadlineNotPassed { reply_deadline } => format!(
                "søkerens svarfrist {reply_deadline} er ikke passert; purring kan sendes fra dagen etter"
            ),
            Self::ReminderAlreadySent { sent_on } => format!("det ble allerede purret {sent_on}"),
            Self::NoReminderSent => {
                "det er ikke sendt purring; søkeren må få en før saken kan avvises".into()
            }
            Self::ReminderDeadlineNotPassed { reply_deadline } => {
                format!("svarfristen etter purringen, {reply_deadline}, er ikke passert")
            }
            Self::PostponementNotLater {
                expected_on,
                current_deadline,
            } => format!(
                "den nye forventede datoen {expected_on} må være senere enn gjeldende frist {current_deadline}"
            ),
            Self::PostponementWithoutReason => {
                "en utsettelse trenger en begrunnelse søkeren kan lese".into()
            }
            Self::EmptyDecision => "et vedtak trenger et utfall for minst én datakilde".into(),
            Self::DuplicateDataSource { data_source } => {
                format!("datakilden {data_source:?} har mer enn ett utfall i vedtaket")
            }
            Self::NothingToAppeal => "ingenting å klage på: alle datakilder ble innvilget".into(),
            Self::AppealTooLate { on, appeal_deadline } => {
                format!("klagefristen var {appeal_deadline}; en klage {on} er for sent")
            }
            Self::AppealPeriodOpen { appeal_deadline } => format!(
                "klagefristen {appeal_deadline} er ikke passert; saken kan avsluttes fra dagen etter"
            ),
            Self::ReconsiderationDoesNotFit { against, given } => format!(
                "klagen gjelder {}; {given} passer ikke for den",
                against.as_str()
            ),
            Self::NothingAwaitingDelivery => {
                "ingenting venter på utlevering: alle innvilgede datakilder er utlevert eller meldt umulige å levere".into()
            }
            Self::SourceNotGranted { data_source } => format!(
                "{data_source} er ikke innvilget i gjeldende vedtak: det er ingen data å tilgjengeliggjøre"
            ),
            Self::AlreadySettled { data_source, on } => {
                format!("{data_source} ble allerede utlevert eller meldt umulig å levere {on}")
            }
            Self::DeliveryDateOutOfRange {
                delivered_on,
                decided_on,
                recorded_on,
            } => format!(
                "utleveringsdatoen {delivered_on} må være på eller etter vedtaket ({decided_on}) og ikke etter dagen den registreres ({recorded_on})"
            ),
            Self::CannotDeliverWithoutReason => {
                "en melding om at data ikke kan leveres trenger en begrunnelse søkeren kan lese".into()
            }
            Self::AgreedDateInThePast { agreed_on, today } => {
                format!("den avtalte leveringsdatoen {agreed_on} er før i dag ({today})")
            }
            Self::AgreedDateAfterDueDate { agreed_on, due_on } => format!(
                "den avtalte leveringsdatoen {agreed_on} er etter fristen {due_on}; utsett leveransen med et foreløpig svar til søkeren først"
            ),
            Self::PostponementInThePast { expected_on, today } => {
                format!("den forventede datoen {expected_on} er før i dag ({today})")
            }
            Self::NotYetMadeAvailable { sources } => format!(
                "dataene er ikke tilgjengeliggjort ennå: {} er ikke utlevert eller meldt umulig å levere",
                sources.join(", ")
            ),
            Self::LinkageUnchanged { linkage } => {
                format!("den lovpålagte fristen er allerede {}", linkage.as_str())
            }
            Self::ClockNotStarted => {
                "den lovpålagte fristen har ikke begynt å løpe: søknaden er ikke komplett ennå".into()
            }
            Self::LinkageWithoutReason => "å endre den lovpålagte fristen krever en begrunnelse".into(),
            Self::Inconsistent(what) => format!("inkonsistente saksdata: {what}"),
        }
    }
}
