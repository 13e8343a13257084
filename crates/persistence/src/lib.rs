//! Persistence for hds: Diesel over PostgreSQL.
//!
//! The API calls repositories here; each state change and its audit event are
//! written in one transaction. Migrations live in the top-level `migrations/`
//! folder and are embedded in the binary.

pub mod applications;
pub mod audit;
pub mod calendar;
pub mod cases;
pub mod catalogue;
pub mod change_requests;
pub mod db;
pub mod draft_writes;
pub mod error;
pub mod feed;
pub mod fees;
pub mod idempotency;
pub mod members;
pub mod migrate;
pub mod notifications;
pub mod prepared;
pub mod schema;
pub mod seed;
mod sql;
pub mod statistics;
pub mod submission;
pub mod submitted_attachments;
pub mod task_context;
pub mod task_delivery;
pub mod tasks;
#[cfg(feature = "test-support")]
pub mod test_support;
pub mod webhooks;

pub use db::{Db, DbConn};
pub use error::StoreError;
