//! The event names the statistics read, in one place.
//!
//! Case events (`case_events.kind`) give the dated milestones; custodian
//! task events (`task_events.kind`) and `task_deliveries` give the data made
//! available. Issue 12 (the delivery clock) records delivery as its own
//! events (`DELIVERED`, `DATA_MADE_AVAILABLE`) and parts of a delivery; when
//! it is merged, the names below are the ones to adjust.

/// The application was found complete: `data.statutoryDeadline` is set.
pub const MARKED_COMPLETE: &str = "MARKED_COMPLETE";
/// The clock resumed after a pause: `data.statutoryDeadline` moved.
pub const CLOCK_RESUMED: &str = "CLOCK_RESUMED";
/// Postponed with a preliminary reply (foreløpig svar).
pub const POSTPONED: &str = "POSTPONED";
/// Rejected for no reply (avvist).
pub const REJECTED_NO_REPLY: &str = "REJECTED_NO_REPLY";
/// Withdrawn by the applicant.
pub const WITHDRAWN: &str = "WITHDRAWN";
/// An appeal received: `data.against`.
pub const APPEALED: &str = "APPEALED";
/// The appeal's reconsideration: HDS changed its decision.
pub const APPEAL_REVERSED: &str = "APPEAL_REVERSED";
/// The appeal's reconsideration: the rejection lifted.
pub const REJECTION_LIFTED: &str = "REJECTION_LIFTED";
/// The appeal's reconsideration: kept, sent to Helseklage.
pub const APPEAL_UPHELD: &str = "APPEAL_UPHELD";

/// The case events a history reads besides the changes of state.
pub const CASE_MILESTONES: [&str; 9] = [
    MARKED_COMPLETE,
    CLOCK_RESUMED,
    POSTPONED,
    REJECTED_NO_REPLY,
    WITHDRAWN,
    APPEALED,
    APPEAL_REVERSED,
    REJECTION_LIFTED,
    APPEAL_UPHELD,
];

/// A custodian task's final report that the data cannot be delivered (its
/// date is the event's Oslo date). A delivery is a `task_deliveries` row
/// (its `delivered_on`).
pub const TASK_CANNOT_DELIVER: &str = "CANNOT_DELIVER";

/// The data-preparation task kind (the task whose report is the data made available).
pub const PREPARATION_TASK: &str = "DATA_PREPARATION";
