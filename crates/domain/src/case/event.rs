//! What happens to a case: the events each command returns, to be recorded
//! (append-only) with the change.

use time::Date;

use super::delivery::DeliveryMethod;
use super::table::code_traits;
use super::{AppealedAct, CaseState, SourceDecision};
use crate::calendar::DataLinkage;

/// Something that happened to a case, to be recorded (append-only) with the
/// change. Who did it is the caller's to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseEvent {
    Submitted {
        on: Date,
    },
    MarkedComplete {
        on: Date,
        linkage: DataLinkage,
        statutory_deadline: Date,
    },
    QuestionAsked {
        on: Date,
        reply_deadline: Date,
        clock_paused: bool,
    },
    QuestionAnswered {
        on: Date,
    },
    /// The statutory clock runs again after a pause; deadlines moved.
    ClockResumed {
        on: Date,
        paused_working_days: u32,
        statutory_deadline: Date,
        expected_on: Option<Date>,
    },
    ReminderSent {
        on: Date,
        reply_deadline: Date,
    },
    RejectedNoReply {
        on: Date,
        appeal_deadline: Date,
    },
    Postponed {
        on: Date,
        previous_due_date: Date,
        expected_on: Date,
        reason: String,
    },
    Decided {
        on: Date,
        sources: Vec<SourceDecision>,
        appeal_deadline: Option<Date>,
    },
    Withdrawn {
        on: Date,
    },
    Appealed {
        on: Date,
        against: AppealedAct,
        appeal_deadline: Date,
    },
    AppealReversed {
        on: Date,
    },
    RejectionLifted {
        on: Date,
        state: CaseState,
    },
    AppealUpheld {
        on: Date,
    },
    ForwardedToAppealsBody {
        on: Date,
    },
    Closed {
        on: Date,
    },
    /// The case handler set the statutory clock (30 or 60 working days)
    /// against what the linkage plan gives, with a reason; the deadline is
    /// recomputed from the completion date (pauses kept).
    LinkageSet {
        on: Date,
        linkage: DataLinkage,
        previous: DataLinkage,
        statutory_deadline: Date,
        reason: String,
    },
    /// The custodian agreed a delivery date (avtalt frist) for its source.
    DeliveryDateAgreed {
        on: Date,
        data_source: String,
        custodian: String,
        agreed_on: Date,
    },
    /// The custodian postponed its source's delivery with a preliminary
    /// reply (foreløpig svar) to the applicant.
    DeliveryPostponed {
        on: Date,
        data_source: String,
        custodian: String,
        previous_due_date: Date,
        expected_on: Date,
        reason: String,
    },
    /// A granted source's data were delivered (utlevert) to the applicant.
    /// `on` is the day it was recorded, `delivered_on` the day of delivery.
    Delivered {
        on: Date,
        data_source: String,
        custodian: String,
        delivered_on: Date,
        method: DeliveryMethod,
        /// The source's due date when it was delivered.
        due_on: Date,
    },
    /// The custodian reported that a granted source's data cannot be
    /// delivered, with the reason.
    CannotDeliver {
        on: Date,
        data_source: String,
        custodian: String,
        reason: String,
        due_on: Date,
    },
    /// Every granted source is delivered or reported undeliverable: the data
    /// are made available (tilgjengeliggjort) and the statutory clock stops
    /// on `made_available_on`.
    DataMadeAvailable {
        on: Date,
        made_available_on: Date,
        /// Working days the latest source was late against its due date (0:
        /// in time).
        working_days_late: u32,
    },
}

/// The kind of a [`CaseEvent`], stored as its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    Submitted,
    MarkedComplete,
    QuestionAsked,
    QuestionAnswered,
    ClockResumed,
    ReminderSent,
    RejectedNoReply,
    Postponed,
    Decided,
    Withdrawn,
    Appealed,
    AppealReversed,
    RejectionLifted,
    AppealUpheld,
    ForwardedToAppealsBody,
    Closed,
    LinkageSet,
    DeliveryDateAgreed,
    DeliveryPostponed,
    Delivered,
    CannotDeliver,
    DataMadeAvailable,
}

impl EventKind {
    pub const ALL: [EventKind; 22] = [
        Self::Submitted,
        Self::MarkedComplete,
        Self::QuestionAsked,
        Self::QuestionAnswered,
        Self::ClockResumed,
        Self::ReminderSent,
        Self::RejectedNoReply,
        Self::Postponed,
        Self::Decided,
        Self::Withdrawn,
        Self::Appealed,
        Self::AppealReversed,
        Self::RejectionLifted,
        Self::AppealUpheld,
        Self::ForwardedToAppealsBody,
        Self::Closed,
        Self::LinkageSet,
        Self::DeliveryDateAgreed,
        Self::DeliveryPostponed,
        Self::Delivered,
        Self::CannotDeliver,
        Self::DataMadeAvailable,
    ];

    /// The stored code, e.g. `QUESTION_ASKED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "SUBMITTED",
            Self::MarkedComplete => "MARKED_COMPLETE",
            Self::QuestionAsked => "QUESTION_ASKED",
            Self::QuestionAnswered => "QUESTION_ANSWERED",
            Self::ClockResumed => "CLOCK_RESUMED",
            Self::ReminderSent => "REMINDER_SENT",
            Self::RejectedNoReply => "REJECTED_NO_REPLY",
            Self::Postponed => "POSTPONED",
            Self::Decided => "DECIDED",
            Self::Withdrawn => "WITHDRAWN",
            Self::Appealed => "APPEALED",
            Self::AppealReversed => "APPEAL_REVERSED",
            Self::RejectionLifted => "REJECTION_LIFTED",
            Self::AppealUpheld => "APPEAL_UPHELD",
            Self::ForwardedToAppealsBody => "FORWARDED_TO_APPEALS_BODY",
            Self::Closed => "CLOSED",
            Self::LinkageSet => "LINKAGE_SET",
            Self::DeliveryDateAgreed => "DELIVERY_DATE_AGREED",
            Self::DeliveryPostponed => "DELIVERY_POSTPONED",
            Self::Delivered => "DELIVERED",
            Self::CannotDeliver => "CANNOT_DELIVER",
            Self::DataMadeAvailable => "DATA_MADE_AVAILABLE",
        }
    }
}

code_traits!(EventKind, "event kind");

impl CaseEvent {
    pub fn kind(&self) -> EventKind {
        match self {
            Self::Submitted { .. } => EventKind::Submitted,
            Self::MarkedComplete { .. } => EventKind::MarkedComplete,
            Self::QuestionAsked { .. } => EventKind::QuestionAsked,
            Self::QuestionAnswered { .. } => EventKind::QuestionAnswered,
            Self::ClockResumed { .. } => EventKind::ClockResumed,
            Self::ReminderSent { .. } => EventKind::ReminderSent,
            Self::RejectedNoReply { .. } => EventKind::RejectedNoReply,
            Self::Postponed { .. } => EventKind::Postponed,
            Self::Decided { .. } => EventKind::Decided,
            Self::Withdrawn { .. } => EventKind::Withdrawn,
            Self::Appealed { .. } => EventKind::Appealed,
            Self::AppealReversed { .. } => EventKind::AppealReversed,
            Self::RejectionLifted { .. } => EventKind::RejectionLifted,
            Self::AppealUpheld { .. } => EventKind::AppealUpheld,
            Self::ForwardedToAppealsBody { .. } => EventKind::ForwardedToAppealsBody,
            Self::Closed { .. } => EventKind::Closed,
            Self::LinkageSet { .. } => EventKind::LinkageSet,
            Self::DeliveryDateAgreed { .. } => EventKind::DeliveryDateAgreed,
            Self::DeliveryPostponed { .. } => EventKind::DeliveryPostponed,
            Self::Delivered { .. } => EventKind::Delivered,
            Self::CannotDeliver { .. } => EventKind::CannotDeliver,
            Self::DataMadeAvailable { .. } => EventKind::DataMadeAvailable,
        }
    }

    /// The date the event happened.
    pub fn on(&self) -> Date {
        match self {
            Self::Submitted { on }
            | Self::MarkedComplete { on, .. }
            | Self::QuestionAsked { on, .. }
            | Self::QuestionAnswered { on }
            | Self::ClockResumed { on, .. }
            | Self::ReminderSent { on, .. }
            | Self::RejectedNoReply { on, .. }
            | Self::Postponed { on, .. }
            | Self::Decided { on, .. }
            | Self::Withdrawn { on }
            | Self::Appealed { on, .. }
            | Self::AppealReversed { on }
            | Self::RejectionLifted { on, .. }
            | Self::AppealUpheld { on }
            | Self::ForwardedToAppealsBody { on }
            | Self::Closed { on }
            | Self::LinkageSet { on, .. }
            | Self::DeliveryDateAgreed { on, .. }
            | Self::DeliveryPostponed { on, .. }
            | Self::Delivered { on, .. }
            | Self::CannotDeliver { on, .. }
            | Self::DataMadeAvailable { on, .. } => *on,
        }
    }
}
