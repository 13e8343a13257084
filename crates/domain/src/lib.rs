//! The rules of helsedata.no, as a case handler who reads Rust would state them.
//!
//! Pure Rust: no web framework, no database, no clock. Time comes in as a
//! parameter, so every rule can be tested with a fixed date.

pub mod application;
pub mod calendar;
pub mod case;
pub mod catalogue;
pub mod change_request;
pub mod disclosure;
pub mod fees;
pub mod horizon;
pub mod identity;
pub mod notification;
pub mod statistics;
pub mod task;
pub mod webhook;
