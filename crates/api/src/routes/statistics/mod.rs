//! Statistics of case handling for HDS staff (saksbehandlingsstatistikk,
//! issue 15): the figures of a period and the backlog on a day, overall and
//! per data source, custodian, purpose and decision authority, as JSON or as
//! CSV for a Norwegian spreadsheet (`Accept: text/csv`). Computed from the
//! case events every time, so a figure for a past date is reproducible.
//! Every figure is defined in docs/reporting.md.

mod handlers;
mod mapping;
mod query;
pub mod views;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(handlers::figures).service(handlers::backlog);
}
