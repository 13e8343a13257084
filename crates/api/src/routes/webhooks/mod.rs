//! Webhook endpoints (varslingsadresser) a custodian system registers, and
//! their delivery log. The feed (`/events`) is the source of truth; a webhook
//! only says "something happened, read the feed or fetch the task".
//!
//! The files: `mod.rs` the route table; `endpoints` and `deliveries` (the
//! handlers); `views` and `requests` (the schemas).

mod deliveries;
mod endpoints;
pub mod requests;
pub mod views;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(endpoints::register_webhook)
        .service(endpoints::list_webhooks)
        .service(endpoints::get_webhook)
        .service(endpoints::delete_webhook)
        .service(endpoints::rotate_webhook_secret)
        .service(endpoints::enable_webhook)
        .service(deliveries::list_webhook_deliveries);
}
