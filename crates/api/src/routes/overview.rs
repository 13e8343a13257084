//! The public overview of granted access (innsyn i tilganger, issue 15):
//! the decided applications whose data were granted, with what the overview
//! publishes (project title, institution, purpose, the granted data sources,
//! the decision date, the project's period), and nothing personal. Public
//! and cacheable (ETag, Cache-Control), searchable, cursor-paginated, and as
//! CSV (`Accept: text/csv`). A case handler withholds an entry with a reason
//! (in the audit trail) and can publish it again.

use actix_web::{delete, get, put, web, HttpRequest, HttpResponse};
use hds_domain::statistics::csv::{write_csv, Cell, CsvOptions, Table};
use hds_persistence::statistics::overview::{self as repo, Entry, Filter};
use serde::{Deserialize, Serialize};
use time::macros::format_description;
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::access::case_handler;
use crate::auth::Principal;
use crate::error::{ApiError, Text};
use crate::extract::{ApiJson, ApiQuery};
use crate::field_rules::{self, free_text};
use crate::http::etag::{PRIVATE_NO_CACHE, PUBLIC_CACHE};
use crate::http::negotiate::{accepts, respond_bytes, CSV};
use crate::http::pagination::{decode_cursor, limit, page, Page};
use crate::http::request_id::request_id;
use crate::spec::{IfNoneMatch, NotFound};
use crate::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_granted_access)
        .service(withhold_entry)
        .service(publish_entry);
}

/// The most words a search may have.
const MAX_WORDS: usize = 10;

#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OverviewQuery {
    /// Words that must all occur (any case) in the project title, the
    /// institution or a granted data source's code or name.
    #[param(example = "kreft")]
    q: Option<String>,
    /// Only entries granting this data source (its code).
    #[param(example = "MFR")]
    data_source: Option<String>,
    /// Only this purpose.
    #[param(example = "HEALTH_ANALYSIS")]
    purpose: Option<String>,
    /// From `nextCursor` of the previous page (JSON only).
    cursor: Option<String>,
    /// 1 to 500, default 50 (JSON only; the CSV holds every entry found).
    limit: Option<i64>,
    /// CSV: begin with a UTF-8 byte order mark, as Excel needs.
    bom: Option<bool>,
}

/// A data source access was granted to.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GrantedSource {
    #[schema(example = "MFR")]
    pub code: String,
    pub name_nb: String,
    pub name_en: String,
}

/// A granted access (innvilget tilgang) as published: the project and what
/// it was granted, nothing personal.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GrantedAccessEntry {
    /// The case number (saksnummer), the entry's reference.
    #[schema(example = "HDS-2026-0000123")]
    pub case_number: String,
    /// The project's title (prosjekttittel).
    pub project_title: Option<String>,
    /// The institution responsible (behandlingsansvarlig institusjon).
    pub institution: Option<String>,
    /// The purpose (formål).
    #[schema(example = "MEDICAL_AND_HEALTH_RESEARCH")]
    pub purpose: Option<String>,
    /// The sources the decision in force grants (fully or partly).
    pub data_sources: Vec<GrantedSource>,
    /// The decision date (vedtaksdato).
    pub decided_on: Date,
    /// The project's period (gyldighetsperiode): first day.
    pub valid_from: Option<Date>,
    /// The project's period: last day.
    pub valid_to: Option<Date>,
}

fn date(raw: Option<&str>) -> Option<Date> {
    raw.and_then(|r| Date::parse(r, format_description!("[year]-[month]-[day]")).ok())
}

fn entry_view(e: Entry) -> GrantedAccessEntry {
    let data_sources = e
        .data_sources
        .into_iter()
        .zip(e.names_nb)
        .zip(e.names_en)
        .map(|((code, name_nb), name_en)| GrantedSource {
            code,
            name_nb,
            name_en,
        })
        .collect();
    GrantedAccessEntry {
        case_number: e.case_number,
        project_title: e.title,
        institution: e.institution,
        purpose: e.purpose,
        data_sources,
        decided_on: e.decided_on,
        valid_from: date(e.valid_from.as_deref()),
        valid_to: date(e.valid_to.as_deref()),
    }
}

/// The CSV columns of the overview, in order.
pub const COLUMNS: [&str; 8] = [
    "caseNumber",
    "projectTitle",
    "institution",
    "purpose",
    "dataSources",
    "decidedOn",
    "validFrom",
    "validTo",
];

fn text(t: Option<String>) -> Cell {
    t.map_or(Cell::Empty, Cell::Text)
}

fn table(entries: Vec<GrantedAccessEntry>) -> Table {
    Table {
        columns: COLUMNS.iter().map(|c| (*c).to_owned()).collect(),
        rows: entries
            .into_iter()
            .map(|e| {
                let sources = e
                    .data_sources
                    .iter()
                    .map(|s| s.code.as_str())
                    .collect::<Vec<_>>()
                    .join(",");
                vec![
                    Cell::Text(e.case_number),
                    text(e.project_title),
                    text(e.institution),
                    text(e.purpose),
                    Cell::Text(sources),
                    Cell::Date(e.decided_on),
                    e.valid_from.map_or(Cell::Empty, Cell::Date),
                    e.valid_to.map_or(Cell::Empty, Cell::Date),
                ]
            })
            .collect(),
    }
}

fn bad_cursor() -> ApiError {
    ApiError::bad_parameter(
        "/query/cursor",
        "INVALID_CURSOR",
        Text::new(
            "cursor er ikke en dette API-et har gitt ut",
            "cursor is not one this API gave out",
        ),
    )
}

fn filter(q: &OverviewQuery) -> Result<Filter, ApiError> {
    let words: Vec<String> =
        q.q.as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect();
    if words.len() > MAX_WORDS || words.iter().any(|w| w.chars().count() > 100) {
        return Err(ApiError::bad_parameter(
            "/query/q",
            "TOO_LONG",
            Text::new(
                format!("søket kan ha høyst {MAX_WORDS} ord på høyst 100 tegn"),
                format!("a search has at most {MAX_WORDS} words of at most 100 characters"),
            ),
        ));
    }
    let after = decode_cursor(q.cursor.as_deref())?
        .map(|key| {
            let (on, number) = key.split_once('|').ok_or_else(bad_cursor)?;
            Ok::<_, ApiError>((date(Some(on)).ok_or_else(bad_cursor)?, number.to_owned()))
        })
        .transpose()?;
    Ok(Filter {
        words,
        data_source: q.data_source.clone().filter(|s| !s.is_empty()),
        purpose: q.purpose.clone().filter(|s| !s.is_empty()),
        after,
        limit: None,
    })
}

/// The decided applications whose data were granted, newest decision
/// first; public, no token needed. Withheld entries are not listed. With
/// `Accept: text/csv`, every entry found as CSV (semicolons, a header row;
/// `bom=true` for Excel).
#[utoipa::path(tag = "publishing", operation_id = "list_granted_access",
    params(OverviewQuery, IfNoneMatch),
    responses(
        (status = 200, description = "A page of entries, or every entry as CSV", content(
            (Page<GrantedAccessEntry> = "application/json"),
            (String = "text/csv")),
            headers(("Cache-Control" = String), ("Vary" = String))),
    ))]
#[get("/granted-access")]
async fn list_granted_access(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: ApiQuery<OverviewQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let csv = accepts(&req, "text/csv");
    let mut filter = filter(&q)?;
    let limit = limit(q.limit)?;
    if !csv {
        filter.limit = Some(limit + 1);
    }
    let rows = state
        .run(move |conn| Ok(repo::entries(conn, &filter)?))
        .await?;
    let entries: Vec<GrantedAccessEntry> = rows.into_iter().map(entry_view).collect();
    if csv {
        let options = CsvOptions {
            byte_order_mark: q.bom.unwrap_or(false),
            decimal_comma: false,
        };
        let text = write_csv(&table(entries), options);
        return Ok(respond_bytes(
            &req,
            text.into_bytes(),
            CSV,
            PUBLIC_CACHE,
            Some("innvilgede-tilganger.csv"),
        ));
    }
    let page = page(entries, limit, |e| {
        format!("{}|{}", e.decided_on, e.case_number)
    });
    let body = serde_json::to_vec(&page).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(respond_bytes(
        &req,
        body,
        "application/json",
        PUBLIC_CACHE,
        None,
    ))
}

/// Why an entry is withheld from the overview.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WithholdRequest {
    /// Why (required, at most 2000 characters; kept in the audit trail).
    #[validate(length(max = 2000), custom(function = free_text))]
    pub reason: String,
}

/// An entry withheld from the overview (unntatt fra innsyn).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WithholdingView {
    pub case_id: Uuid,
    pub reason: String,
    #[serde(with = "time::serde::rfc3339")]
    pub withheld_at: OffsetDateTime,
    /// The case handler's pseudonymous id.
    pub withheld_by: String,
}

/// Withholds the case's entry from the public overview, with the reason
/// (or changes the reason). The entry leaves the overview at once; the
/// withholding and its reason are in the audit trail.
#[utoipa::path(tag = "publishing", operation_id = "withhold_granted_access_entry",
    security(("bearerAuth" = ["CASE_HANDLER"])),
    params(("id" = Uuid, Path, description = "The case's id")),
    request_body = WithholdRequest,
    responses(
        (status = 200, description = "The entry is withheld", body = WithholdingView),
        (status = 404, response = NotFound),
    ))]
#[put("/granted-access/{id}/withholding")]
async fn withhold_entry(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<WithholdRequest>,
) -> Result<HttpResponse, ApiError> {
    let (handler, _) = case_handler(&principal)?;
    let b = body.0;
    let problems = field_rules::check(&b);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let id = id.into_inner();
    let at = state.clock.now();
    let request_id = request_id(&req);
    let row = state
        .run(move |conn| {
            Ok(repo::withhold(
                conn,
                id,
                b.reason.trim(),
                at,
                &handler,
                request_id.as_deref(),
            )?)
        })
        .await?;
    let view = WithholdingView {
        case_id: row.case_id,
        reason: row.reason,
        withheld_at: row.withheld_at,
        withheld_by: row.withheld_by,
    };
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", PRIVATE_NO_CACHE))
        .json(view))
}

/// Publishes the case's entry again (undoes a withholding), in the audit
/// trail. 404 when there is no such case or its entry is not withheld.
#[utoipa::path(tag = "publishing", operation_id = "publish_granted_access_entry",
    security(("bearerAuth" = ["CASE_HANDLER"])),
    params(("id" = Uuid, Path, description = "The case's id")),
    responses(
        (status = 204, description = "The entry is published again"),
        (status = 404, response = NotFound),
    ))]
#[delete("/granted-access/{id}/withholding")]
async fn publish_entry(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (handler, _) = case_handler(&principal)?;
    let id = id.into_inner();
    let request_id = request_id(&req);
    let found = state
        .run(move |conn| Ok(repo::publish(conn, id, &handler, request_id.as_deref())?))
        .await?;
    if found {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::not_found(Text::new(
            "oppføringen er ikke unntatt",
            "the entry is not withheld",
        )))
    }
}
