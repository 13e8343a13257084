//! The one builder of the application, used by `serve`, by the tests and by
//! the spec exporter, so that what is served, tested and published is the
//! same set of routes. Routes are registered once, through utoipa-actix-web.

use std::sync::OnceLock;

use actix_web::body::BoxBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpResponse, ResponseError};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::{ApiError, FieldError, Problem};
use crate::extract::path_config;
use crate::http::allow::{refuse_undeclared_method, RouteTable};
use crate::http::cors;
use crate::http::input::refuse_unstorable_input;
use crate::middleware::{no_route, request_context};
use crate::routes;
use crate::spec::StatusRules;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "hds: the helsedata.no API",
        version = "1.0.0",
        description = "Apply for, handle, decide and deliver data from Norway's health registers. \
Conventions (paths, names, pagination, errors, auth, dates): docs/API-DESIGN.md. \
Every error is RFC 9457 application/problem+json.",
        license(name = "MIT")
    ),
    modifiers(&BearerAuth),
    // SearchLang is only a query parameter: no response names it; BinaryFile
    // is named by http::download::AttachmentDownload, which collects no schema
    components(schemas(
        Problem,
        FieldError,
        routes::catalogue::common::SearchLang,
        crate::http::download::BinaryFile
    )),
    tags(
        (name = "health", description = "Liveness and readiness for operators and load balancers."),
        (name = "me", description = "Who the caller is (innlogget bruker)."),
        (name = "applications", description = "Applications (søknader): drafts, completeness check, attachments (vedlegg), submission, the case timeline, withdrawal and co-applicants (medsøkere)."),
        (name = "cases", description = "Case handling (saksbehandling) for HDS case handlers: the work queue, the case file with the submitted attachments, completeness and the statutory clock (30 or 60 working days, running until the data are made available), questions, postponements (foreløpig svar), internal notes, decisions (vedtak) per data source with their terms, the decision letter (vedtaksbrev) and appeals (klage)."),
        (name = "calendar", description = "Working days (virkedager) and statutory deadlines (frister)."),
        (name = "events", description = "The change feed (hendelsesstrøm): CloudEvents in order, with long-polling."),
        (name = "tasks", description = "Tasks (oppgaver) of register custodians, for their systems (Maskinporten) and their staff (persons linked by an ADMIN): poll the list with ETags, read a task with its source's part of the application and its deadlines, acknowledge, report progress, agree a delivery date, postpone with a preliminary reply, deliveries, hours, or that the data cannot be delivered; decide where the custodian holds decision authority (reading the whole application), and download the decision letter."),
        (name = "fees", description = "Fees and invoices (gebyrer og fakturering, helseregisterloven § 19 g): price lists (prislister) with validity periods, the cost estimate (kostnadsberegning), HDS's hours on a case, waivers (fritak), invoice bases (fakturagrunnlag) per case and invoicing party (DRAFT, ISSUED, CREDITED), credit notes (kreditnotaer), and their export as CSV and EHF (PEPPOL BIS Billing 3.0). Money is whole øre with a decimal string, never a float. See docs/fees.md."),
        (name = "notifications", description = "Notifications (varsler) by e-mail: every message with its delivery state, for HDS staff; the custodians' functional addresses for new tasks. A person sets and verifies their own address under `me/contact`. See docs/operations.md."),
        (name = "webhooks", description = "Webhook endpoints of custodian systems (Standard Webhooks) and their delivery log."),
        (name = "disclosure-control", description = "Protect anonymous count tables before publication (prikking, avrunding)."),
        (name = "custodian-members", description = "Custodians' own case handlers as persons: an ADMIN links a person (ID-porten or HelseID) to a custodian; they then act for it on its tasks under their own name. No national identity number is stored or shown."),
        (name = "catalogue", description = "The catalogue (katalogen): purposes, custodians (registerforvaltere), data sources (datakilder), variables and service notices (driftsmeldinger). Reads are public and cacheable (ETag, Cache-Control, 304); writes need the ADMIN role and If-Match. See docs/catalogue.md."),
        (name = "statistics", description = "Statistics of case handling (saksbehandlingsstatistikk) for HDS staff: the figures of any period and the backlog (restanser) on any day, overall and per data source, custodian, purpose and decision authority, as JSON or CSV (Accept: text/csv). Computed from the case events, so a past figure is reproducible. See docs/reporting.md."),
        (name = "publishing", description = "What HDS publishes: the public overview of granted access (innsyn i tilganger) with its CSV, the catalogue for harvesting as DCAT-AP-NO / HealthDCAT-AP (JSON-LD, Turtle), and the expected dates (forventede datoer) of a case beside its statutory deadline. See docs/reporting.md."),
    )
)]
struct ApiDoc;

/// Declares the bearer JWT security scheme.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearerAuth",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "A JWT from a trusted issuer: ID-porten (persons), Maskinporten \
(organisations, consumer.ID 0192:<orgnr>), HelseID (HDS staff); locally `make token`.",
                    ))
                    .build(),
            ),
        );
    }
}

/// Every route of the API, registered once.
fn all_routes(cfg: &mut ServiceConfig) {
    routes::health::routes(cfg);
    cfg.service(utoipa_actix_web::scope("/api/v1").configure(routes::v1));
}

/// The published contract, as generated from the handlers: what each
/// handler declares, plus the statuses that follow from each operation's
/// shape (`spec::StatusRules`, applied once every path is known).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut api = openapi_without_rules();
    StatusRules.modify(&mut api);
    api
}

/// The contract as the handlers alone declare it.
pub(crate) fn openapi_without_rules() -> utoipa::openapi::OpenApi {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(all_routes)
        .split_for_parts();
    api
}

/// The contract as the committed `openapi/openapi.json` holds it.
pub fn openapi_json() -> String {
    let mut json = openapi().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}

/// Where the contract is served.
pub const SPEC_PATH: &str = "/api/v1/openapi.json";

/// Serves the contract, generated once per process.
async fn serve_spec() -> HttpResponse {
    static SPEC: OnceLock<String> = OnceLock::new();
    HttpResponse::Ok()
        .content_type("application/json")
        .body(SPEC.get_or_init(openapi_json).clone())
}

/// Every route's methods, from the contract, built once per process (the
/// `Allow` of a 405, see [`RouteTable`]).
fn route_table() -> web::Data<RouteTable> {
    static TABLE: OnceLock<web::Data<RouteTable>> = OnceLock::new();
    TABLE
        .get_or_init(|| web::Data::new(RouteTable::from_spec(&openapi()).with(SPEC_PATH, &["GET"])))
        .clone()
}

/// The whole application over `state`.
pub fn build_app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<BoxBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let dev_issuer = state.dev_issuer.clone();
    let cors_origins = state.config.cors_origins.clone();
    let metrics = state.config.metrics;
    let auth = state.auth.clone();
    let (app, _) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .app_data(state)
        .app_data(auth)
        .app_data(path_config())
        .app_data(route_table())
        // registered before the /api/v1 scope, which would otherwise claim it
        .route(SPEC_PATH, web::get().to(serve_spec))
        .route(
            "/docs",
            web::get().to(|| async {
                HttpResponse::PermanentRedirect()
                    .insert_header(("Location", "/docs/"))
                    .finish()
            }),
        )
        .configure(all_routes)
        .split_for_parts();
    app.service(SwaggerUi::new("/docs/{_:.*}").config(utoipa_swagger_ui::Config::from(SPEC_PATH)))
        .configure(|cfg| {
            if let Some(issuer) = dev_issuer {
                routes::dev_issuer::configure(cfg, issuer);
            }
            // an operator endpoint outside the contract (docs/operations.md)
            if metrics {
                cfg.service(
                    web::resource(crate::metrics::PATH)
                        .route(web::get().to(crate::metrics::serve))
                        .default_service(web::to(|| async {
                            ApiError::method_not_allowed(&["GET"]).error_response()
                        })),
                );
            }
        })
        .default_service(web::to(no_route))
        // innermost first: a method the matching route does not declare is a
        // 405 before routing; a string that cannot be stored is a 400 before
        // that; CORS answers preflights before that; the request context
        // (id, problem+json, masking, log, metrics) wraps everything
        .wrap(from_fn(refuse_undeclared_method))
        .wrap(from_fn(refuse_unstorable_input))
        .wrap(cors::middleware(&cors_origins))
        .wrap(from_fn(request_context))
}
