//! The two reads: the figures of a period, and the backlog on a day.

use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_domain::calendar::oslo_date;
use hds_domain::statistics::csv::{write_csv, CsvOptions};
use hds_domain::statistics::tables::{backlog_table, report_table};
use hds_domain::statistics::{backlog_report, report};
use hds_persistence::statistics::{histories, invoiced};

use super::mapping::{backlog_view, statistics_view};
use super::query::{age_buckets, day, dimensions, period, BacklogQuery, FiguresQuery};
use super::views::{BacklogView, StatisticsView};
use crate::access::staff;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::http::etag::PRIVATE_NO_CACHE;
use crate::http::negotiate::{accepts, respond_bytes, CSV};
use crate::spec::IfNoneMatch;
use crate::state::{case_rules, AppState};

fn csv_options(bom: Option<bool>, decimal_comma: Option<bool>) -> CsvOptions {
    CsvOptions {
        byte_order_mark: bom.unwrap_or(false),
        decimal_comma: decimal_comma.unwrap_or(false),
    }
}

/// The CSV (as a download named `name`) when the caller accepts
/// `text/csv`, else the JSON view; never cached by others.
fn csv_or_json<V: serde::Serialize>(
    req: &HttpRequest,
    csv: impl FnOnce() -> String,
    name: &str,
    view: impl FnOnce() -> V,
) -> Result<HttpResponse, ApiError> {
    if accepts(req, "text/csv") {
        let text = csv().into_bytes();
        return Ok(respond_bytes(req, text, CSV, PRIVATE_NO_CACHE, Some(name)));
    }
    let body = serde_json::to_vec(&view()).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(respond_bytes(
        req,
        body,
        "application/json",
        PRIVATE_NO_CACHE,
        None,
    ))
}

/// The figures of a period (year, quarter, month or dates), overall and per
/// group of each dimension asked for, with the hours and fees invoiced in it.
/// With `Accept: text/csv`: one row overall and one per group, columns as in
/// docs/reporting.md (semicolons, CRLF, a header row; `bom=true` for Excel).
#[utoipa::path(tag = "statistics", operation_id = "get_statistics",
    security(("bearerAuth" = ["CASE_HANDLER", "ADMIN"])),
    params(FiguresQuery, IfNoneMatch),
    responses(
        (status = 200, description = "The figures", content(
            (StatisticsView = "application/json"),
            (String = "text/csv")),
            headers(("Cache-Control" = String), ("Vary" = String))),
    ))]
#[get("/statistics")]
pub(super) async fn figures(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    query: ApiQuery<FiguresQuery>,
) -> Result<HttpResponse, ApiError> {
    staff(&principal)?;
    let q = query.0;
    let period = period(&q.period)?;
    let dimensions = dimensions(q.dimension.as_deref())?;
    let config = state.config.clone();
    let (report, invoices) = state
        .run(move |conn| {
            let rules = case_rules(&config, conn)?;
            let cases = histories::load_all(conn)?;
            let invoices = invoiced::in_period(conn, period.first(), period.last())?;
            Ok((
                report(cases.as_slice(), period, &dimensions, &rules),
                invoices,
            ))
        })
        .await?;
    csv_or_json(
        &req,
        || write_csv(&report_table(&report), csv_options(q.bom, q.decimal_comma)),
        &format!("statistikk-{period}.csv"),
        || statistics_view(&report, &invoices),
    )
}

/// The backlog (restanser) at the end of a day (default today), as it stood
/// then: the cases not finished, by stage and by age in working days since
/// received, overall and per group. With `Accept: text/csv`: a row overall
/// and one per group (total, overdue, a column per stage and per age bucket).
#[utoipa::path(tag = "statistics", operation_id = "get_backlog",
    security(("bearerAuth" = ["CASE_HANDLER", "ADMIN"])),
    params(BacklogQuery, IfNoneMatch),
    responses(
        (status = 200, description = "The backlog", content(
            (BacklogView = "application/json"),
            (String = "text/csv")),
            headers(("Cache-Control" = String), ("Vary" = String))),
    ))]
#[get("/statistics/backlog")]
pub(super) async fn backlog(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    query: ApiQuery<BacklogQuery>,
) -> Result<HttpResponse, ApiError> {
    staff(&principal)?;
    let q = query.0;
    let on = day(q.on.as_deref(), oslo_date(state.clock.now()))?;
    let dimensions = dimensions(q.dimension.as_deref())?;
    let buckets = age_buckets(q.age_buckets.as_deref())?;
    let config = state.config.clone();
    let report = state
        .run(move |conn| {
            let rules = case_rules(&config, conn)?;
            let cases = histories::load_all(conn)?;
            Ok(backlog_report(
                cases.as_slice(),
                on,
                &dimensions,
                &rules,
                &buckets,
            ))
        })
        .await?;
    csv_or_json(
        &req,
        || write_csv(&backlog_table(&report), csv_options(q.bom, q.decimal_comma)),
        &format!("restanser-{on}.csv"),
        || backlog_view(&report),
    )
}
