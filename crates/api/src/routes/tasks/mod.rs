//! Tasks (oppgaver) of register custodians, for their own systems: the
//! cases assigned to them, machine to machine with a Maskinporten token.
//!
//! - `GET /tasks` is built for polling every few seconds: its ETag comes
//!   from ONE query (the custodian by orgnr and its task change counter,
//!   both index lookups) plus the query parameters, so an unchanged poll
//!   with `If-None-Match` is a bodiless 304 that loads no task rows, however
//!   many tasks the custodian has. Any change to one of the custodian's
//!   tasks changes the ETag of all its lists (a filtered list may then
//!   answer 200 with the same items: never a missed change).
//! - `GET /tasks/{id}` holds only what the custodian needs for its source.
//! - Every action is a POST with `If-Match` (the task's ETag `"v<version>"`),
//!   decided by the task state machine (`hds_domain::task`): a refusal is a
//!   409 naming why. Another custodian's task is a 404.
//!
//! The files: `mod.rs` the route table; `list` and `read`; the actions
//! (`acknowledge`, `progress`, `delivery`, `hours`, `decision`) and
//! `actions`, how every action runs; the schemas (`views`, `requests`) and
//! `mapping` from the task rows to the views.

mod acknowledge;
mod actions;
mod application;
mod decision;
mod delivery;
mod hours;
mod list;
mod mapping;
mod planning;
mod progress;
mod read;
pub mod requests;
pub mod views;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_tasks)
        .service(read::read_task)
        .service(acknowledge::acknowledge_task)
        .service(progress::report_task_progress)
        .service(delivery::record_task_delivery)
        .service(delivery::report_cannot_deliver)
        .service(planning::postpone_task_delivery)
        .service(planning::set_agreed_delivery_date)
        .service(hours::report_task_hours)
        .service(decision::record_task_decision)
        .service(application::read_task_application)
        .service(application::download_task_decision_letter);
}
