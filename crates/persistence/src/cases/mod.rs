//! Case handling: the stored form of [`hds_domain::case::Case`], and one
//! function per command that loads the case (locked), checks the version the
//! caller read (If-Match), applies the domain command, and writes the new
//! state, its case events and an audit event in the caller's transaction.
//!
//! Storage:
//! - `cases` holds the domain case's scalar fields as columns, plus what the
//!   work queue filters and sorts on (`status`, `assignee`, `due_on`,
//!   `queue_due_on`, `clock_paused`) and what the job runner claims on
//!   (`next_job_on`, `overdue_flagged_for`).
//! - `case_sources` (filled from the frozen snapshot at submission),
//!   `case_questions`, `case_decisions` (per source and round, with their
//!   terms, and `case_decision_tables`), `case_delivery_parts` (each granted
//!   source's part after the decision) and `custodian_tasks` are child tables.
//! - Internal notes and assignments are case events that the applicant never
//!   sees (`visible_to_applicant = false`); case events are append-only.
//!
//! The files: `rows` (the stored case and its child rows), `load` (a case
//! and its children, locked for a command or as the domain's `Case`),
//! `commit` (writing a transition with its events and audit), the commands
//! (`commands`, `questions`, `decisions` with their `terms`, `appeals`,
//! `linkage` for 30 or 60 working days, `delivery` for the parts after the
//! decision), `custodian_tasks` (the tasks case handling creates and
//! cancels), `queue` (the work queue and history), `jobs` (the scheduled
//! rules), `letter` (the decision letter's facts) and `snapshot_facts`
//! (what the rules read of the submitted application).
//!
//! Withdrawal's cancellation of the custodians' open tasks is the database
//! trigger's job (`cases_withdrawn_cancel_tasks`): it covers every code path
//! that sets a case WITHDRAWN, so no code here does it a second time.

mod appeals;
mod commands;
mod commit;
mod custodian_tasks;
mod decisions;
mod delivery;
mod jobs;
mod letter;
mod linkage;
mod load;
mod questions;
mod queue;
mod rows;
mod snapshot_facts;
mod terms;

use hds_domain::calendar::oslo_date;
use hds_domain::case::TransitionError;
use time::{Date, OffsetDateTime};

pub use appeals::{appeal, reconsider, NewReconsideration};
pub use commands::{add_note, assign, close, mark_complete, postpone, withdraw};
pub use commit::event_data;
pub use decisions::{decide, Authority, NewSourceDecision};
pub use delivery::{
    agree_delivery_date, delivery_parts, part_status, postpone_delivery, record_delivery,
    report_cannot_deliver, PartStatus,
};
pub use jobs::{count_events, run_due_jobs, JobReport};
pub use letter::letter_facts;
pub use linkage::{linkage_of, set_linkage};
pub use load::{
    decisions, find, find_by_application, lock, questions, snapshot, sources, tasks, to_domain,
};
pub use questions::{answer_question, ask_question};
pub use queue::{history, queue, source_codes, QueueFilter};
pub use rows::{CaseRecord, CaseSourceRow, DecisionRow, Details, QuestionRow, TaskRow};
pub use snapshot_facts::application_of;
pub use terms::{decision_terms, terms_json};

use crate::StoreError;

/// The actor of a `case_events` row written by the job runner.
pub const JOB_RUNNER: &str = "system:job-runner";

/// Task kinds and states (`custodian_tasks`).
pub const TASK_DECISION: &str = "DECISION";
pub const TASK_DATA_PREPARATION: &str = "DATA_PREPARATION";
pub const TASK_ASSIGNED: &str = "ASSIGNED";
pub const TASK_CANCELLED: &str = "CANCELLED";
/// Task states in which the custodian's work is still open.
pub const OPEN_TASK_STATES: [&str; 3] = ["ASSIGNED", "ACKNOWLEDGED", "IN_PREPARATION"];

/// Who acts, when, and under which request.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub actor: &'a str,
    pub at: OffsetDateTime,
    pub request_id: Option<&'a str>,
}

impl Ctx<'_> {
    /// The calendar date of the command in Europe/Oslo.
    pub fn on(&self) -> Date {
        oslo_date(self.at)
    }
}

/// A problem with a command's input, found against the stored case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub pointer: String,
    pub code: &'static str,
    pub message: String,
}

impl Invalid {
    fn new(pointer: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            code,
            message: message.into(),
        }
    }
}

/// Why a case command failed.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The state machine refuses (409 with its reason).
    #[error("{0}")]
    Refused(#[from] TransitionError),
    /// Refused for another reason tied to the case's state (409), in
    /// English and bokmål.
    #[error("{en}")]
    Conflict { en: String, nb: String },
    /// The input does not fit the case (422, every problem at once).
    #[error("invalid input")]
    Invalid(Vec<Invalid>),
}

impl From<diesel::result::Error> for CaseError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(e.into())
    }
}

type Result<T> = std::result::Result<T, CaseError>;
