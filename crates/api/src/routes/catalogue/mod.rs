//! The catalogue (katalogen): purposes, custodians, data sources, variables
//! and service notices. Reads are public (no token) and cacheable (`ETag`,
//! `Cache-Control`, 304 on `If-None-Match`); writes need the ADMIN role and,
//! for changes to existing entries, `If-Match`. See docs/catalogue.md.
//!
//! The files: `mod.rs` the route table; one file of handlers and schemas per
//! kind of entry (`purposes`, `custodians`, `data_sources`, `variables`,
//! `service_notices`), `variable_import` (the bulk import, JSON or CSV, with
//! `csv` its reader) and `search` (one search box over sources and
//! variables); `common`, what they share.

pub mod common;
pub mod csv;
pub mod custodians;
pub mod data_sources;
pub mod purposes;
pub mod search;
pub mod service_notices;
pub mod variable_import;
pub mod variables;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(purposes::list_purposes)
        .service(custodians::list_custodians)
        .service(custodians::create_custodian)
        .service(custodians::get_custodian)
        .service(custodians::update_custodian)
        .service(custodians::retire_custodian)
        .service(data_sources::list_data_sources)
        .service(data_sources::create_data_source)
        .service(data_sources::get_data_source)
        .service(data_sources::update_data_source)
        .service(data_sources::retire_data_source)
        .service(variables::list_variables)
        .service(variables::list_source_variables)
        .service(variable_import::import_variables)
        .service(variables::create_variable)
        .service(variables::get_variable)
        .service(variables::update_variable)
        .service(variables::retire_variable)
        .service(service_notices::list_service_notices)
        .service(service_notices::create_service_notice)
        .service(search::search_catalogue);
}
