//! API tests: the real application on a real port, over a real PostgreSQL
//! database of its own, driven with reqwest.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod support;

mod auth;
mod catalogue;
mod catalogue_admin;
mod catalogue_import;
mod errors;
mod health;
mod openapi;
