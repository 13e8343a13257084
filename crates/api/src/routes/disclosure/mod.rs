//! Disclosure control (prikking og avrunding) of anonymous count tables:
//! custodians check a table before delivering it; applicants see in advance
//! how much of a requested table would survive. The rules are in
//! `hds_domain::disclosure`; `docs/disclosure-control.md` explains them.
//!
//! The files: `mod.rs` the route table; `protect` (the handler);
//! `requests` and `views` (the schemas); `mapping` to and from the domain.

mod mapping;
mod protect;
pub mod requests;
pub mod views;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(protect::protect_table);
}
