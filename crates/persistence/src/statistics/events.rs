//! The event names the statistics read, in one place.
//!
//! Case events (`case_events.kind`) give the dated milestones. The data
//! made available are read from case handling's delivery parts
//! (`case_delivery_parts`, issue 12): each granted source's settlement,
//! `DELIVERED` or `CANNOT_DELIVER`, with its date; the case's
//! `DATA_MADE_AVAILABLE` event is written when the last granted source is
//! settled, on the latest of those dates, which is the day the statistics
//! compute from the parts (`hds_domain::statistics`), decision by decision
//! as a period's end saw them.

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
