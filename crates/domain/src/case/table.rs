//! States, commands and the transition table of a case, as data (the state
//! document generated from them is in `states_doc.rs`).

/// Where a case stands. Stored as its [`as_str`](CaseState::as_str) code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CaseState {
    /// Submitted, not yet found complete: the statutory clock has not started.
    Submitted,
    /// A question to the applicant waits for an answer.
    AwaitingApplicant,
    /// Complete; the statutory clock runs.
    UnderReview,
    /// Decision (vedtak) made.
    Decided,
    /// Rejected (avvist) because the applicant did not answer.
    RejectedNoReply,
    /// Withdrawn by the applicant before the decision.
    Withdrawn,
    /// Appealed (klage); HDS reconsiders.
    Appealed,
    /// Decision upheld; the appeal is with the national appeals body (Helseklage).
    ForwardedToAppealsBody,
    /// Case handling is finished.
    Closed,
}

impl CaseState {
    pub const ALL: [CaseState; 9] = [
        Self::Submitted,
        Self::AwaitingApplicant,
        Self::UnderReview,
        Self::Decided,
        Self::RejectedNoReply,
        Self::Withdrawn,
        Self::Appealed,
        Self::ForwardedToAppealsBody,
        Self::Closed,
    ];

    /// The stored code, e.g. `UNDER_REVIEW`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "SUBMITTED",
            Self::AwaitingApplicant => "AWAITING_APPLICANT",
            Self::UnderReview => "UNDER_REVIEW",
            Self::Decided => "DECIDED",
            Self::RejectedNoReply => "REJECTED_NO_REPLY",
            Self::Withdrawn => "WITHDRAWN",
            Self::Appealed => "APPEALED",
            Self::ForwardedToAppealsBody => "FORWARDED_TO_APPEALS_BODY",
            Self::Closed => "CLOSED",
        }
    }

    /// How a sentence names a case in this state: "a decided case".
    pub fn phrase(self) -> &'static str {
        match self {
            Self::Submitted => "a submitted case",
            Self::AwaitingApplicant => "a case awaiting the applicant",
            Self::UnderReview => "a case under review",
            Self::Decided => "a decided case",
            Self::RejectedNoReply => "a case rejected for no reply",
            Self::Withdrawn => "a withdrawn case",
            Self::Appealed => "an appealed case",
            Self::ForwardedToAppealsBody => "a case forwarded to Helseklage",
            Self::Closed => "a closed case",
        }
    }

    /// How a bokmål sentence names a case in this state: "en vedtatt sak".
    pub fn phrase_nb(self) -> &'static str {
        match self {
            Self::Submitted => "en innsendt sak",
            Self::AwaitingApplicant => "en sak som venter på søkeren",
            Self::UnderReview => "en sak under behandling",
            Self::Decided => "en vedtatt sak",
            Self::RejectedNoReply => "en sak avvist fordi søkeren ikke svarte",
            Self::Withdrawn => "en trukket sak",
            Self::Appealed => "en påklaget sak",
            Self::ForwardedToAppealsBody => "en sak oversendt Helseklage",
            Self::Closed => "en avsluttet sak",
        }
    }

    /// What the state means, for a case handler.
    pub fn meaning(self) -> &'static str {
        match self {
            Self::Submitted => {
                "Submitted by the applicant and not yet found complete. \
                 The statutory clock has not started."
            }
            Self::AwaitingApplicant => {
                "A question to the applicant waits for an answer: 10 working days, then a \
                 reminder (purring) gives 5 more. If the case was already complete, the \
                 statutory clock is paused (a setting, default on)."
            }
            Self::UnderReview => {
                "Complete. The statutory clock runs: 30 working days, or 60 when making \
                 the data available requires linking data from several registers (the \
                 application's linkage plan; the case handler can set it with a reason). \
                 Can be postponed with a preliminary reply (foreløpig svar)."
            }
            Self::Decided => {
                "Decision (vedtak) per data source: granted, partly granted or refused. \
                 A refusal or partial grant can be appealed within 3 weeks. The statutory \
                 clock runs on until every granted source is delivered or reported \
                 undeliverable (awaiting delivery); the custodians agree delivery dates, \
                 postpone their part and report delivery here."
            }
            Self::RejectedNoReply => {
                "Rejected (avvist): the applicant did not answer a question even after the \
                 reminder. A new application and a new fee are needed. The rejection can be \
                 appealed within 3 weeks."
            }
            Self::Withdrawn => "Withdrawn by the applicant before the decision. Final.",
            Self::Appealed => {
                "The applicant appealed (klage). HDS reconsiders: it reverses (new decision, \
                 or the rejection is lifted and handling resumes) or upholds. Granted sources \
                 of an appealed decision are still delivered meanwhile."
            }
            Self::ForwardedToAppealsBody => {
                "HDS upheld its decision and forwarded the appeal to the national appeals \
                 body (Helseklage). Closed when Helseklage has decided and the granted \
                 sources are delivered or reported undeliverable."
            }
            Self::Closed => "Case handling is finished. Final.",
        }
    }

    /// No command is allowed in this state.
    pub fn is_final(self) -> bool {
        allowed_commands(self).is_empty()
    }
}

/// What a case handler, the applicant or the job runner does to a case.
/// Stored as its [`as_str`](Command::as_str) code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Command {
    MarkComplete,
    AskQuestion,
    AnswerQuestion,
    SendReminder,
    RejectForNoReply,
    Postpone,
    Decide,
    Withdraw,
    Appeal,
    ReconsiderAppeal,
    Close,
    SetLinkage,
    AgreeDeliveryDate,
    PostponeDelivery,
    RecordDelivery,
    ReportCannotDeliver,
}

impl Command {
    pub const ALL: [Command; 16] = [
        Self::MarkComplete,
        Self::AskQuestion,
        Self::AnswerQuestion,
        Self::SendReminder,
        Self::RejectForNoReply,
        Self::Postpone,
        Self::Decide,
        Self::Withdraw,
        Self::Appeal,
        Self::ReconsiderAppeal,
        Self::Close,
        Self::SetLinkage,
        Self::AgreeDeliveryDate,
        Self::PostponeDelivery,
        Self::RecordDelivery,
        Self::ReportCannotDeliver,
    ];

    /// The stored code, e.g. `MARK_COMPLETE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MarkComplete => "MARK_COMPLETE",
            Self::AskQuestion => "ASK_QUESTION",
            Self::AnswerQuestion => "ANSWER_QUESTION",
            Self::SendReminder => "SEND_REMINDER",
            Self::RejectForNoReply => "REJECT_FOR_NO_REPLY",
            Self::Postpone => "POSTPONE",
            Self::Decide => "DECIDE",
            Self::Withdraw => "WITHDRAW",
            Self::Appeal => "APPEAL",
            Self::ReconsiderAppeal => "RECONSIDER_APPEAL",
            Self::Close => "CLOSE",
            Self::SetLinkage => "SET_LINKAGE",
            Self::AgreeDeliveryDate => "AGREE_DELIVERY_DATE",
            Self::PostponeDelivery => "POSTPONE_DELIVERY",
            Self::RecordDelivery => "RECORD_DELIVERY",
            Self::ReportCannotDeliver => "REPORT_CANNOT_DELIVER",
        }
    }

    /// Completes "a decided case cannot …": "be withdrawn".
    pub fn refused_phrase(self) -> &'static str {
        match self {
            Self::MarkComplete => "be marked complete",
            Self::AskQuestion => "get a question to the applicant",
            Self::AnswerQuestion => "record an answer from the applicant",
            Self::SendReminder => "get a reminder (purring)",
            Self::RejectForNoReply => "be rejected for no reply",
            Self::Postpone => "be postponed",
            Self::Decide => "be decided",
            Self::Withdraw => "be withdrawn",
            Self::Appeal => "be appealed",
            Self::ReconsiderAppeal => "have an appeal reconsidered",
            Self::Close => "be closed",
            Self::SetLinkage => "have its statutory clock set",
            Self::AgreeDeliveryDate => "get an agreed delivery date",
            Self::PostponeDelivery => "have a delivery postponed",
            Self::RecordDelivery => "record a delivery",
            Self::ReportCannotDeliver => "record that data cannot be delivered",
        }
    }

    /// Completes "en vedtatt sak kan ikke …": "trekkes".
    pub fn refused_phrase_nb(self) -> &'static str {
        match self {
            Self::MarkComplete => "markeres som komplett",
            Self::AskQuestion => "få et spørsmål til søkeren",
            Self::AnswerQuestion => "få registrert et svar fra søkeren",
            Self::SendReminder => "få en purring",
            Self::RejectForNoReply => "avvises for manglende svar",
            Self::Postpone => "utsettes",
            Self::Decide => "vedtas",
            Self::Withdraw => "trekkes",
            Self::Appeal => "påklages",
            Self::ReconsiderAppeal => "få klagen vurdert på nytt",
            Self::Close => "avsluttes",
            Self::SetLinkage => "få den lovpålagte fristen endret",
            Self::AgreeDeliveryDate => "få en avtalt leveringsdato",
            Self::PostponeDelivery => "få en leveranse utsatt",
            Self::RecordDelivery => "få registrert en utlevering",
            Self::ReportCannotDeliver => "få registrert at data ikke kan leveres",
        }
    }

    /// Who usually gives the command.
    pub fn actor(self) -> &'static str {
        match self {
            Self::AnswerQuestion | Self::Withdraw | Self::Appeal => "applicant",
            Self::SendReminder | Self::RejectForNoReply => "job runner",
            Self::AgreeDeliveryDate
            | Self::PostponeDelivery
            | Self::RecordDelivery
            | Self::ReportCannotDeliver => "custodian",
            Self::MarkComplete
            | Self::AskQuestion
            | Self::Postpone
            | Self::Decide
            | Self::ReconsiderAppeal
            | Self::Close
            | Self::SetLinkage => "case handler",
        }
    }
}

macro_rules! code_traits {
    ($ty:ty, $what:literal) => {
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::calendar::UnknownCode;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Self::ALL
                    .into_iter()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| $crate::calendar::UnknownCode {
                        what: $what,
                        code: s.to_owned(),
                    })
            }
        }
    };
}
pub(crate) use code_traits;

code_traits!(CaseState, "case state");
code_traits!(Command, "command");

/// One allowed transition: `command` in state `from` leads to `to`, under the
/// condition `when` (if several rows share `from` and `command`, the case data
/// decides which applies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: CaseState,
    pub command: Command,
    pub to: CaseState,
    pub when: Option<&'static str>,
}

const fn t(
    from: CaseState,
    command: Command,
    to: CaseState,
    when: Option<&'static str>,
) -> Transition {
    Transition {
        from,
        command,
        to,
        when,
    }
}

use CaseState as S;
use Command as C;

/// Every allowed transition. Any (state, command) pair not listed is refused
/// with [`TransitionError::NotAllowed`](super::TransitionError::NotAllowed).
/// The functions on [`Case`](super::Case) implement these rows; a test checks
/// that they agree, and `docs/case-states.md` is generated from this table.
pub const TRANSITIONS: &[Transition] = &[
    t(
        S::Submitted,
        C::MarkComplete,
        S::UnderReview,
        Some("statutory clock starts"),
    ),
    t(
        S::Submitted,
        C::AskQuestion,
        S::AwaitingApplicant,
        Some("clock not started"),
    ),
    t(S::Submitted, C::Withdraw, S::Withdrawn, None),
    t(
        S::UnderReview,
        C::AskQuestion,
        S::AwaitingApplicant,
        Some("clock paused"),
    ),
    t(
        S::UnderReview,
        C::Postpone,
        S::UnderReview,
        Some("later expected date, with reason"),
    ),
    t(
        S::UnderReview,
        C::SetLinkage,
        S::UnderReview,
        Some("with reason, deadline recomputed"),
    ),
    t(S::UnderReview, C::Decide, S::Decided, None),
    t(S::UnderReview, C::Withdraw, S::Withdrawn, None),
    t(
        S::AwaitingApplicant,
        C::AnswerQuestion,
        S::Submitted,
        Some("case not yet complete"),
    ),
    t(
        S::AwaitingApplicant,
        C::AnswerQuestion,
        S::UnderReview,
        Some("case complete, clock resumes"),
    ),
    t(
        S::AwaitingApplicant,
        C::SendReminder,
        S::AwaitingApplicant,
        Some("reply deadline passed"),
    ),
    t(
        S::AwaitingApplicant,
        C::RejectForNoReply,
        S::RejectedNoReply,
        Some("reminder deadline passed"),
    ),
    t(
        S::AwaitingApplicant,
        C::SetLinkage,
        S::AwaitingApplicant,
        Some("case complete, with reason"),
    ),
    t(S::AwaitingApplicant, C::Withdraw, S::Withdrawn, None),
    t(
        S::Decided,
        C::Appeal,
        S::Appealed,
        Some("refused or partly granted, within 3 weeks"),
    ),
    t(
        S::Decided,
        C::Postpone,
        S::Decided,
        Some("awaiting delivery, later expected date, with reason"),
    ),
    t(
        S::Decided,
        C::SetLinkage,
        S::Decided,
        Some("awaiting delivery, with reason"),
    ),
    t(
        S::Decided,
        C::AgreeDeliveryDate,
        S::Decided,
        Some("granted source, from today up to its due date"),
    ),
    t(
        S::Decided,
        C::PostponeDelivery,
        S::Decided,
        Some("granted source, later expected date, with reason"),
    ),
    t(
        S::Decided,
        C::RecordDelivery,
        S::Decided,
        Some("granted source"),
    ),
    t(
        S::Decided,
        C::ReportCannotDeliver,
        S::Decided,
        Some("granted source, with reason"),
    ),
    t(
        S::Decided,
        C::Close,
        S::Closed,
        Some("appeal deadline passed or nothing to appeal, and data made available"),
    ),
    t(
        S::RejectedNoReply,
        C::Appeal,
        S::Appealed,
        Some("within 3 weeks"),
    ),
    t(
        S::RejectedNoReply,
        C::Close,
        S::Closed,
        Some("appeal deadline passed"),
    ),
    t(
        S::Appealed,
        C::Postpone,
        S::Appealed,
        Some("decision appealed, awaiting delivery"),
    ),
    t(
        S::Appealed,
        C::AgreeDeliveryDate,
        S::Appealed,
        Some("decision appealed, granted source"),
    ),
    t(
        S::Appealed,
        C::PostponeDelivery,
        S::Appealed,
        Some("decision appealed, granted source"),
    ),
    t(
        S::Appealed,
        C::RecordDelivery,
        S::Appealed,
        Some("decision appealed, granted source"),
    ),
    t(
        S::Appealed,
        C::ReportCannotDeliver,
        S::Appealed,
        Some("decision appealed, granted source"),
    ),
    t(
        S::Appealed,
        C::ReconsiderAppeal,
        S::Decided,
        Some("reversed, new decision"),
    ),
    t(
        S::Appealed,
        C::ReconsiderAppeal,
        S::Submitted,
        Some("rejection lifted, case not complete"),
    ),
    t(
        S::Appealed,
        C::ReconsiderAppeal,
        S::UnderReview,
        Some("rejection lifted, case complete"),
    ),
    t(
        S::Appealed,
        C::ReconsiderAppeal,
        S::ForwardedToAppealsBody,
        Some("upheld, sent to Helseklage"),
    ),
    t(
        S::ForwardedToAppealsBody,
        C::Postpone,
        S::ForwardedToAppealsBody,
        Some("awaiting delivery"),
    ),
    t(
        S::ForwardedToAppealsBody,
        C::AgreeDeliveryDate,
        S::ForwardedToAppealsBody,
        Some("granted source"),
    ),
    t(
        S::ForwardedToAppealsBody,
        C::PostponeDelivery,
        S::ForwardedToAppealsBody,
        Some("granted source"),
    ),
    t(
        S::ForwardedToAppealsBody,
        C::RecordDelivery,
        S::ForwardedToAppealsBody,
        Some("granted source"),
    ),
    t(
        S::ForwardedToAppealsBody,
        C::ReportCannotDeliver,
        S::ForwardedToAppealsBody,
        Some("granted source"),
    ),
    t(
        S::ForwardedToAppealsBody,
        C::Close,
        S::Closed,
        Some("Helseklage has decided, and data made available"),
    ),
];

/// Whether the table allows `command` in `state` (the case data may still
/// refuse it, e.g. an appeal after the deadline).
pub fn is_allowed(state: CaseState, command: Command) -> bool {
    TRANSITIONS
        .iter()
        .any(|t| t.from == state && t.command == command)
}

/// The commands the table allows in `state`, in [`Command::ALL`] order: the
/// buttons a case handler may see.
pub fn allowed_commands(state: CaseState) -> Vec<Command> {
    Command::ALL
        .into_iter()
        .filter(|c| is_allowed(state, *c))
        .collect()
}

/// The states `command` can lead to from `state`.
pub fn targets(state: CaseState, command: Command) -> Vec<CaseState> {
    TRANSITIONS
        .iter()
        .filter(|t| t.from == state && t.command == command)
        .map(|t| t.to)
        .collect()
}
