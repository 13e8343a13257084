//! The catalogue for harvesting (issue 15): the data sources and their
//! custodians as DCAT-AP-NO / HealthDCAT-AP, in JSON-LD (and Turtle with
//! `Accept: text/turtle`), at a stable public URL with an ETag. This is the
//! shape data.norge.no and the European health data catalogues harvest:
//! a `dcat:Catalog` published by HDS holding one `dcat:Dataset` per data
//! source in service, each with its custodian as `dct:publisher`
//! (`foaf:Agent` with its organisation number) and `dcat:contactPoint`
//! (`vcard:Organization`), and HDS as the health data access body
//! (`healthdcatap:hdab`) where HDS decides.

mod turtle;

use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_persistence::statistics::catalogue::{published_sources, PublishedSource};
use serde_json::{json, Value};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiError;
use crate::http::etag::PUBLIC_CACHE;
use crate::http::negotiate::{accepts, respond_bytes};
use crate::spec::IfNoneMatch;
use crate::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(dcat_catalog);
}

/// The catalogue's publisher: Helsedataservice (HDS), at the Norwegian
/// Institute of Public Health, as in the fees' seed (invoicing party HDS).
const HDS_NAME: &str = "Folkehelseinstituttet (Helsedataservice)";
const HDS_ORGNR: &str = "983744516";
const HDS_EMAIL: &str = "mailto:helsedata@helsedata.no";

const JSON_LD: &str = "application/ld+json";
const TURTLE: &str = "text/turtle; charset=utf-8";

const EU: &str = "http://publications.europa.eu/resource/authority";

fn org_iri(orgnr: &str) -> String {
    format!("https://data.brreg.no/enhetsregisteret/api/enheter/{orgnr}")
}

fn context() -> Value {
    json!({
        "dcat": "http://www.w3.org/ns/dcat#",
        "dct": "http://purl.org/dc/terms/",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "vcard": "http://www.w3.org/2006/vcard/ns#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "healthdcatap": "http://healthdataportal.eu/ns/health#",
        "dcatno": "https://data.norge.no/vocabulary/dcatno#",
        "dct:publisher": {"@type": "@id"},
        "dcat:theme": {"@type": "@id"},
        "dct:accessRights": {"@type": "@id"},
        "dct:language": {"@type": "@id"},
        "dcat:landingPage": {"@type": "@id"},
        "dcat:dataset": {"@type": "@id"},
        "vcard:hasEmail": {"@type": "@id"},
        "vcard:hasURL": {"@type": "@id"},
        "foaf:homepage": {"@type": "@id"},
        "dcat:themeTaxonomy": {"@type": "@id"},
        "healthdcatap:hdab": {"@type": "@id"}
    })
}

fn lang(nb: &str, en: &str) -> Value {
    json!([{"@value": nb, "@language": "nb"}, {"@value": en, "@language": "en"}])
}

fn publisher(code: &str, name: &str, orgnr: &str) -> Value {
    json!({
        "@id": org_iri(orgnr),
        "@type": "foaf:Agent",
        "dct:identifier": orgnr,
        "foaf:name": name,
        "dct:alternative": code,
    })
}

/// A custodian as publisher. One without an organisation number of its own
/// (a unit of another organisation, such as Kreftregisteret within FHI) is
/// named by its entry in this catalogue's custodians and has no
/// `dct:identifier`: there is no number to give.
fn custodian_publisher(base: &str, s: &PublishedSource) -> Value {
    match &s.custodian_orgnr {
        Some(orgnr) => publisher(&s.custodian_code, &s.custodian_name, orgnr),
        None => json!({
            "@id": format!("{base}/api/v1/custodians/{}", s.custodian_code),
            "@type": "foaf:Agent",
            "foaf:name": s.custodian_name,
            "dct:alternative": s.custodian_code,
        }),
    }
}

fn contact_point(s: &PublishedSource) -> Value {
    let mut point = json!({
        "@type": "vcard:Organization",
        "vcard:fn": s.custodian_name,
    });
    if let Some(email) = &s.custodian_email {
        point["vcard:hasEmail"] = json!(format!("mailto:{email}"));
    }
    if let Some(url) = &s.custodian_website {
        point["vcard:hasURL"] = json!(url);
    }
    if s.custodian_email.is_none() && s.custodian_website.is_none() {
        // HDS answers for a custodian without contact details
        point["vcard:hasEmail"] = json!(HDS_EMAIL);
    }
    point
}

fn dataset(base: &str, s: &PublishedSource) -> Value {
    let mut d = json!({
        "@id": format!("{base}/api/v1/catalogue/data-sources/{}", s.code),
        "@type": "dcat:Dataset",
        "dct:identifier": s.code,
        "dct:title": lang(&s.name_nb, &s.name_en),
        "dct:description": lang(&s.description_nb, &s.description_en),
        "dct:publisher": custodian_publisher(base, s),
        "dcat:contactPoint": contact_point(s),
        "dcat:theme": [format!("{EU}/data-theme/HEAL")],
        "dct:accessRights": format!("{EU}/access-right/NON_PUBLIC"),
        "dct:language": [format!("{EU}/language/NOR")],
        "dcat:keyword": s.data_kinds.iter().chain(&s.purposes).collect::<Vec<_>>(),
        "dct:type": s.kind,
        "dct:modified": {"@value": s.updated_at.date().to_string(), "@type": "xsd:date"},
        "healthdcatap:healthCategory": s.data_kinds,
    });
    if s.decision_authority == "HDS" {
        d["healthdcatap:hdab"] = publisher("HDS", HDS_NAME, HDS_ORGNR);
    }
    if let Some(url) = &s.external_url {
        d["dcat:landingPage"] = json!(url);
    }
    if s.period_from.is_some() || s.period_to.is_some() {
        let mut t = json!({"@type": "dct:PeriodOfTime"});
        if let Some(y) = s.period_from {
            t["dcat:startDate"] = json!({"@value": format!("{y:04}-01-01"), "@type": "xsd:date"});
        }
        if let Some(y) = s.period_to {
            t["dcat:endDate"] = json!({"@value": format!("{y:04}-12-31"), "@type": "xsd:date"});
        }
        d["dct:temporal"] = t;
    }
    d
}

/// The catalogue as a JSON-LD document.
fn catalog(base: &str, sources: &[PublishedSource]) -> Value {
    let modified = sources
        .iter()
        .map(|s| s.updated_at.date())
        .max()
        .map(|d| d.to_string());
    let mut c = json!({
        "@context": context(),
        "@id": format!("{base}/api/v1/dcat/catalog"),
        "@type": "dcat:Catalog",
        "dct:title": lang("Helsedataservice: katalog over helseregistre", "Health Data Service: catalogue of health registries"),
        "dct:description": lang(
            "Datakildene (helseregistre og andre kilder) som det kan søkes om tilgang til gjennom helsedata.no, med registerforvalter og kontaktpunkt.",
            "The data sources (health registries and other sources) access can be applied for through helsedata.no, with their custodians and contact points."),
        "dct:publisher": publisher("HDS", HDS_NAME, HDS_ORGNR),
        "foaf:homepage": "https://helsedata.no",
        "dct:language": [format!("{EU}/language/NOR"), format!("{EU}/language/ENG")],
        "dcat:themeTaxonomy": format!("{EU}/data-theme"),
        "dcat:dataset": sources.iter().map(|s| dataset(base, s)).collect::<Vec<_>>(),
    });
    if let Some(m) = modified {
        c["dct:modified"] = json!({"@value": m, "@type": "xsd:date"});
    }
    c
}

/// The data sources and their custodians as DCAT-AP-NO / HealthDCAT-AP:
/// JSON-LD (`application/ld+json`, the default) or Turtle
/// (`Accept: text/turtle`). Public and cacheable; the ETag changes when the
/// catalogue does.
#[utoipa::path(tag = "publishing", operation_id = "get_dcat_catalog",
    params(IfNoneMatch),
    responses(
        (status = 200, description = "The catalogue", content(
            (Object = "application/ld+json"),
            (String = "text/turtle")),
            headers(("Cache-Control" = String), ("Vary" = String))),
    ))]
#[get("/dcat/catalog")]
async fn dcat_catalog(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let sources = state.run(|conn| Ok(published_sources(conn)?)).await?;
    let base = state.config.public_url.trim_end_matches('/').to_owned();
    let doc = catalog(&base, &sources);
    if accepts(&req, "text/turtle") {
        let ttl = turtle::turtle(&doc);
        return Ok(respond_bytes(
            &req,
            ttl.into_bytes(),
            TURTLE,
            PUBLIC_CACHE,
            None,
        ));
    }
    let body = serde_json::to_vec(&doc).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(respond_bytes(&req, body, JSON_LD, PUBLIC_CACHE, None))
}
