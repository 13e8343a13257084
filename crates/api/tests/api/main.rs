//! API tests: the real application on a real port, over a real PostgreSQL
//! database of its own, driven with reqwest.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod support;

mod allow;
mod applications;
mod applications_attachments;
mod applications_submit;
mod auth;
mod calendar;
mod cases;
mod catalogue;
mod catalogue_admin;
mod catalogue_import;
mod conformance;
mod cors;
mod disclosure;
mod errors;
mod etags;
mod events;
mod fees;
mod health;
mod languages;
mod openapi;
mod statistics;
mod tasks;
mod webhooks;
