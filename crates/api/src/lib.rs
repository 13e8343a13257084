//! The hds HTTP API: actix-web handlers, DTOs with utoipa schemas, auth and
//! errors. `app::build_app` is the one builder of the application.

pub mod access;
pub mod app;
pub mod auth;
pub mod clock;
pub mod config;
pub mod error;
pub mod extract;
pub mod feed_listener;
pub mod field_rules;
pub mod http;
pub mod i18n;
pub mod jobs;
pub mod letter;
pub mod mail;
pub mod metrics;
pub mod middleware;
pub mod pdf;
pub mod routes;
pub mod server;
pub mod spec;
pub mod state;
pub mod task_counters;
pub mod warm_up;
pub mod webhook_dispatch;
