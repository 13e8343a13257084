//! Custodians' staff as persons (saksbehandlere hos registerforvalteren,
//! seed 004: "egne saksbehandlere"): an ADMIN links a person, who logs in
//! with ID-porten or HelseID, to a custodian; that person then acts for the
//! custodian on its tasks (decisions, deliveries, postponements) with their
//! own name in the audit trail. Unlinking takes effect at once.
//!
//! The national identity number an ADMIN sends is never stored nor echoed:
//! the link keeps a pseudonymous key (`m-...`, `crate::access::member_key`).
//!
//! The files: `mod.rs` the route table; `members` the handlers; `views`
//! and `requests` the schemas.

mod members;
pub mod requests;
pub mod views;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(members::list_custodian_members)
        .service(members::link_custodian_member)
        .service(members::unlink_custodian_member);
}
