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
mod change_requests;
mod conformance;
mod cors;
mod custodian_staff;
mod decision_letter;
mod decision_terms;
mod delivery;
mod disclosure;
mod errors;
mod etags;
mod events;
mod every_source;
mod fees;
mod health;
mod journey;
mod languages;
mod metrics;
mod notifications;
mod openapi;
mod privacy;
mod reading;
mod sent_later;
mod statistics;
mod tasks;
mod unstorable;
mod webhook_addresses;
mod webhooks;
