//! Notifications (varsler) by e-mail: which event tells whom what, the texts
//! in bokmål and English, the verification code of a contact address, and
//! when a failed message is tried again.
//!
//! **The mapping** [`notice_for`] is the one place that decides which event
//! sends a message: persistence calls it for every case event it records,
//! every custodian task it creates or delivers, and every co-applicant added,
//! in the same transaction (the outbox). A new event kind that the applicant
//! should hear of needs one line there and one text in [`texts`].
//!
//! A message says what happened, the case number and where to log in; never
//! a national identity number, a project title, a question's text or
//! anything else from the application (which may hold special-category
//! data, GDPR art. 9).

pub mod texts;

use std::time::Duration;

/// What a message tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Notice {
    /// The application was received (kvittering), with its case number.
    Received,
    /// HDS asks the applicant a question (spørsmål).
    QuestionAsked,
    /// A reminder of an unanswered question (purring).
    Reminder,
    /// A preliminary reply: the case takes longer (foreløpig svar).
    PreliminaryReply,
    /// The decision (vedtak) is made.
    Decided,
    /// The application was rejected because a question was not answered.
    RejectedNoReply,
    /// A custodian delivered data or made it available (utlevering).
    DataDelivered,
    /// The appeal (klage) was received.
    AppealReceived,
    /// The appeal was decided by HDS (reversed, upheld, rejection lifted).
    AppealDecided,
    /// The appeal was sent to the appeals body (Helseklage).
    AppealForwarded,
    /// A change request (endringssøknad) was received.
    ChangeRequestReceived,
    /// A change request was decided.
    ChangeRequestDecided,
    /// The person was added as a co-applicant (medsøker, seed 004).
    AddedAsCoApplicant,
    /// A custodian got a new task (oppgave).
    TaskAssigned,
    /// The code that verifies a contact address.
    VerifyAddress,
}

/// Who a notice goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The applicant and the co-applicants of the case, each with a verified address.
    Applicants,
    /// The person just added as a co-applicant.
    NewCoApplicant,
    /// The custodian's functional address.
    Custodian,
    /// The address being verified.
    Person,
}

/// Event names outside the case events, as [`notice_for`] takes them.
pub const TASK_CREATED: &str = "TASK_CREATED";
/// A custodian recorded a delivery on its task.
pub const TASK_DELIVERED: &str = "TASK_DELIVERED";
/// A co-applicant was added to an application.
pub const MEMBER_ADDED: &str = "MEMBER_ADDED";
/// A person asked to verify a contact address.
pub const CONTACT_CODE: &str = "CONTACT_CODE";

/// What kind of case an event is about, as far as mail is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseKind {
    /// An application's own case, or an event about no case (a task's
    /// custodian, a co-applicant added to a draft, a contact address).
    Application,
    /// The case of a change request (endringssøknad) to a decided case.
    ChangeRequest,
}

/// The mapping `event kind → notice`: case event kinds as stored in
/// `case_events.kind`, and the names above, for an event about a case of
/// `kind`. `None`: nobody is told by mail (the timeline still shows what the
/// applicant may see).
///
/// A change request's decision is told once: as `CHANGE_REQUEST_DECIDED`
/// about the original case (the applicant's case number), so the change
/// request's own `DECIDED` sends nothing.
pub fn notice_for(event_kind: &str, kind: CaseKind) -> Option<Notice> {
    Some(match event_kind {
        "SUBMITTED" => Notice::Received,
        "QUESTION_ASKED" => Notice::QuestionAsked,
        "REMINDER_SENT" => Notice::Reminder,
        "POSTPONED" => Notice::PreliminaryReply,
        "DECIDED" if kind == CaseKind::ChangeRequest => return None,
        "DECIDED" => Notice::Decided,
        "REJECTED_NO_REPLY" => Notice::RejectedNoReply,
        "APPEALED" => Notice::AppealReceived,
        "APPEAL_REVERSED" | "APPEAL_UPHELD" | "REJECTION_LIFTED" => Notice::AppealDecided,
        "FORWARDED_TO_APPEALS_BODY" => Notice::AppealForwarded,
        "CHANGE_REQUEST_RECEIVED" => Notice::ChangeRequestReceived,
        "CHANGE_REQUEST_DECIDED" => Notice::ChangeRequestDecided,
        TASK_DELIVERED => Notice::DataDelivered,
        TASK_CREATED => Notice::TaskAssigned,
        MEMBER_ADDED => Notice::AddedAsCoApplicant,
        CONTACT_CODE => Notice::VerifyAddress,
        _ => return None,
    })
}

impl Notice {
    pub const ALL: [Self; 15] = [
        Self::Received,
        Self::QuestionAsked,
        Self::Reminder,
        Self::PreliminaryReply,
        Self::Decided,
        Self::RejectedNoReply,
        Self::DataDelivered,
        Self::AppealReceived,
        Self::AppealDecided,
        Self::AppealForwarded,
        Self::ChangeRequestReceived,
        Self::ChangeRequestDecided,
        Self::AddedAsCoApplicant,
        Self::TaskAssigned,
        Self::VerifyAddress,
    ];

    /// Who is told.
    pub fn audience(self) -> Audience {
        match self {
            Self::AddedAsCoApplicant => Audience::NewCoApplicant,
            Self::TaskAssigned => Audience::Custodian,
            Self::VerifyAddress => Audience::Person,
            _ => Audience::Applicants,
        }
    }

    /// The stored code, e.g. `QUESTION_ASKED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "RECEIVED",
            Self::QuestionAsked => "QUESTION_ASKED",
            Self::Reminder => "REMINDER",
            Self::PreliminaryReply => "PRELIMINARY_REPLY",
            Self::Decided => "DECIDED",
            Self::RejectedNoReply => "REJECTED_NO_REPLY",
            Self::DataDelivered => "DATA_DELIVERED",
            Self::AppealReceived => "APPEAL_RECEIVED",
            Self::AppealDecided => "APPEAL_DECIDED",
            Self::AppealForwarded => "APPEAL_FORWARDED",
            Self::ChangeRequestReceived => "CHANGE_REQUEST_RECEIVED",
            Self::ChangeRequestDecided => "CHANGE_REQUEST_DECIDED",
            Self::AddedAsCoApplicant => "ADDED_AS_CO_APPLICANT",
            Self::TaskAssigned => "TASK_ASSIGNED",
            Self::VerifyAddress => "VERIFY_ADDRESS",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|n| n.as_str() == code)
    }
}

/// The language of a person's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    /// Norsk bokmål (the default).
    #[default]
    Nb,
    En,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nb => "NB",
            Self::En => "EN",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "NB" => Some(Self::Nb),
            "EN" => Some(Self::En),
            _ => None,
        }
    }

    /// The `Content-Language` tag.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Nb => "nb",
            Self::En => "en",
        }
    }
}

// ------------------------------------------------------------ verification

/// A verification code lives this long.
pub const CODE_VALID_FOR: time::Duration = time::Duration::minutes(30);
/// Wrong codes allowed before the code is spent; then a new one must be asked for.
pub const MAX_CODE_ATTEMPTS: i32 = 5;

/// What giving a code does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    /// Right, in time: the pending address becomes the verified one.
    Verified,
    /// Wrong; this many tries are left.
    Wrong { left: i32 },
    /// Past its expiry: ask for a new code.
    Expired,
    /// Too many wrong tries: ask for a new code.
    TooManyAttempts,
}

/// Checks a code: `matches` is whether its hash equals the stored one,
/// `attempts` the wrong tries made before this one.
pub fn check_code(
    matches: bool,
    attempts: i32,
    expires_at: time::OffsetDateTime,
    now: time::OffsetDateTime,
) -> CodeCheck {
    if attempts >= MAX_CODE_ATTEMPTS {
        CodeCheck::TooManyAttempts
    } else if now >= expires_at {
        CodeCheck::Expired
    } else if matches {
        CodeCheck::Verified
    } else {
        CodeCheck::Wrong {
            left: MAX_CODE_ATTEMPTS - attempts - 1,
        }
    }
}

/// Codes a person may ask for within [`CODE_WINDOW`] (each is a mail to an
/// address they name: the limit keeps the service from being used to flood one).
pub const MAX_CODES_PER_WINDOW: i32 = 5;
/// The window of [`MAX_CODES_PER_WINDOW`].
pub const CODE_WINDOW: time::Duration = time::Duration::hours(1);

/// Whether another code may be sent at `now`, given the codes sent since
/// `since`: `Ok((count, since))` to store, or `Err(when another may be asked for)`.
pub fn may_send_code(
    sent: i32,
    since: Option<time::OffsetDateTime>,
    now: time::OffsetDateTime,
) -> Result<(i32, time::OffsetDateTime), time::OffsetDateTime> {
    match since {
        Some(start) if now < start + CODE_WINDOW => {
            if sent >= MAX_CODES_PER_WINDOW {
                Err(start + CODE_WINDOW)
            } else {
                Ok((sent + 1, start))
            }
        }
        _ => Ok((1, now)),
    }
}

/// Six digits from a random number.
pub fn code_from(random: u32) -> String {
    format!("{:06}", random % 1_000_000)
}

// ------------------------------------------------------------------ retry

/// The wait before the next try after `attempts` failed tries: `first`,
/// doubling each time, at most six hours.
pub fn retry_delay(first: Duration, attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(16);
    first
        .saturating_mul(1 << doublings)
        .min(Duration::from_secs(6 * 3600))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn every_event_the_applicant_should_know_of_has_a_notice() {
        for kind in [
            "SUBMITTED",
            "QUESTION_ASKED",
            "REMINDER_SENT",
            "POSTPONED",
            "DECIDED",
            "REJECTED_NO_REPLY",
            "APPEALED",
            "APPEAL_REVERSED",
            "APPEAL_UPHELD",
            "REJECTION_LIFTED",
            "FORWARDED_TO_APPEALS_BODY",
            TASK_DELIVERED,
        ] {
            assert_eq!(
                notice_for(kind, CaseKind::Application).map(Notice::audience),
                Some(Audience::Applicants),
                "{kind}"
            );
        }
        for internal in [
            "ASSIGNED",
            "NOTE_ADDED",
            "OVERDUE",
            "MARKED_COMPLETE",
            "CLOSED",
        ] {
            assert_eq!(
                notice_for(internal, CaseKind::Application),
                None,
                "{internal}"
            );
        }
        assert_eq!(
            notice_for(TASK_CREATED, CaseKind::Application).map(Notice::audience),
            Some(Audience::Custodian)
        );
        for n in Notice::ALL {
            assert_eq!(Notice::parse(n.as_str()), Some(n));
        }
    }

    /// A change request's decision is told once, as `CHANGE_REQUEST_DECIDED`
    /// about the original case: its own `DECIDED` sends nothing, while every
    /// other event of its case is told as for any case.
    #[test]
    fn a_change_requests_own_decision_sends_no_mail() {
        assert_eq!(
            notice_for("DECIDED", CaseKind::Application),
            Some(Notice::Decided)
        );
        assert_eq!(notice_for("DECIDED", CaseKind::ChangeRequest), None);
        assert_eq!(
            notice_for("CHANGE_REQUEST_DECIDED", CaseKind::Application),
            Some(Notice::ChangeRequestDecided)
        );
        for kind in ["QUESTION_ASKED", "POSTPONED", "REMINDER_SENT"] {
            assert_eq!(
                notice_for(kind, CaseKind::ChangeRequest),
                notice_for(kind, CaseKind::Application),
                "{kind}"
            );
        }
    }

    #[test]
    fn a_code_is_refused_when_wrong_expired_or_tried_too_often() {
        let expires = datetime!(2026-12-01 12:00 UTC);
        let before = datetime!(2026-12-01 11:59 UTC);
        assert_eq!(check_code(true, 0, expires, before), CodeCheck::Verified);
        assert_eq!(
            check_code(false, 0, expires, before),
            CodeCheck::Wrong { left: 4 }
        );
        assert_eq!(check_code(true, 0, expires, expires), CodeCheck::Expired);
        assert_eq!(
            check_code(true, MAX_CODE_ATTEMPTS, expires, before),
            CodeCheck::TooManyAttempts
        );
        assert_eq!(code_from(42), "000042");
        assert_eq!(code_from(4_294_967_295).len(), 6);
    }

    #[test]
    fn at_most_five_codes_an_hour() {
        let t0 = datetime!(2026-12-01 12:00 UTC);
        assert_eq!(may_send_code(0, None, t0), Ok((1, t0)));
        assert_eq!(may_send_code(4, Some(t0), t0), Ok((5, t0)));
        let later = datetime!(2026-12-01 12:59 UTC);
        assert_eq!(
            may_send_code(5, Some(t0), later),
            Err(datetime!(2026-12-01 13:00 UTC))
        );
        let next = datetime!(2026-12-01 13:00 UTC);
        assert_eq!(may_send_code(5, Some(t0), next), Ok((1, next)));
    }

    #[test]
    fn retries_back_off_exponentially_up_to_six_hours() {
        let first = Duration::from_secs(60);
        assert_eq!(retry_delay(first, 1), Duration::from_secs(60));
        assert_eq!(retry_delay(first, 2), Duration::from_secs(120));
        assert_eq!(retry_delay(first, 4), Duration::from_secs(480));
        assert_eq!(retry_delay(first, 30), Duration::from_secs(6 * 3600));
    }
}
