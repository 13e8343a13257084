//! The handlers, one module per resource.

pub mod applications;
pub mod calendar;
pub mod cases;
pub mod catalogue;
pub mod common;
pub mod dev_issuer;
pub mod disclosure;
pub mod events;
pub mod health;
pub mod me;
pub mod tasks;
pub mod webhooks;

use utoipa_actix_web::service_config::ServiceConfig;

/// Everything under `/api/v1`.
pub fn v1(cfg: &mut ServiceConfig) {
    me::routes(cfg);
    applications::routes(cfg);
    calendar::routes(cfg);
    cases::routes(cfg);
    disclosure::routes(cfg);
    events::routes(cfg);
    tasks::routes(cfg);
    webhooks::routes(cfg);
    catalogue::routes(cfg);
}
