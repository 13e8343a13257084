//! The work queue (arbeidsliste).

use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_domain::calendar::oslo_date;
use hds_domain::case::CaseState;
use hds_persistence::cases::{self as repo, QueueFilter};
use uuid::Uuid;

use super::mapping::summary;
use super::requests::{parse_date, QueueQuery};
use super::views::CaseSummary;
use crate::access::case_handler;
use crate::auth::Principal;
use crate::error::{ApiError, Text};
use crate::extract::ApiQuery;
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::http::pagination::{self, Page};
use crate::spec::IfNoneMatch;
use crate::state::{case_rules, AppState};

/// The work queue (arbeidsliste): cases sorted by due date (cases without
/// one last), with filters: status, assignee, source, custodian, due
/// before, overdue, at risk, awaiting delivery and late deliveries (the
/// statutory clock runs until the data are made available). Case handlers only.
#[utoipa::path(tag = "cases", operation_id = "list_cases", security(("bearerAuth" = ["CASE_HANDLER"])),
    params(QueueQuery, IfNoneMatch),
    responses(
        (status = 200, description = "One page of the queue", body = Page<CaseSummary>),
    ))]
#[get("/cases")]
pub(super) async fn list_cases(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    query: ApiQuery<QueueQuery>,
) -> Result<HttpResponse, ApiError> {
    let (me, _) = case_handler(&principal)?;
    let q = query.0;
    let limit = pagination::limit(q.limit)?;
    let today = oslo_date(state.clock.now());
    let mut filter = QueueFilter::default();
    if let Some(raw) = q.status.as_deref() {
        for s in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let state: CaseState = s.parse().map_err(|_| {
                ApiError::bad_parameter(
                    "/query/status",
                    "UNKNOWN_STATUS",
                    Text::new(format!("ukjent status {s}"), format!("unknown status {s}")),
                )
            })?;
            filter.statuses.push(state.as_str().to_owned());
        }
    }
    filter.assignee = match q.assignee.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("me") => Some(Some(me)),
        Some("none") => Some(None),
        Some(id) if id.starts_with("h-") => Some(Some(id.to_owned())),
        Some(_) => {
            return Err(ApiError::bad_parameter(
                "/query/assignee",
                "INVALID_ASSIGNEE",
                Text::new(
                    "assignee er me, none eller en saksbehandler-id (h-...)",
                    "assignee is me, none, or a handler id (h-...)",
                ),
            ))
        }
    };
    filter.data_source = q.data_source.map(|s| s.trim().to_ascii_uppercase());
    filter.custodian = q.custodian.map(|s| s.trim().to_ascii_uppercase());
    if let Some(raw) = q.due_before.as_deref() {
        filter.due_before =
            Some(parse_date(raw, "/query/dueBefore").map_err(|e| {
                ApiError::bad_parameter("/query/dueBefore", "INVALID_DATE", e.message)
            })?);
    }
    if q.overdue == Some(true) {
        filter.overdue_on = Some(today);
    }
    filter.awaiting_delivery = q.awaiting_delivery;
    if q.late_delivery == Some(true) {
        filter.late_delivery_on = Some(today);
    }
    if let Some(cursor) = pagination::decode_cursor(q.cursor.as_deref())? {
        let bad = || {
            ApiError::bad_parameter(
                "/query/cursor",
                "INVALID_CURSOR",
                Text::new(
                    "cursor er ikke en dette API-et har gitt ut",
                    "cursor is not one this API gave out",
                ),
            )
        };
        let (d, id) = cursor.split_once('|').ok_or_else(bad)?;
        let d = parse_date(d, "/query/cursor").map_err(|_| bad())?;
        let id = id.parse::<Uuid>().map_err(|_| bad())?;
        filter.after = Some((d, id));
    }
    let at_risk = q.at_risk_within;
    if at_risk.is_some_and(|n| n > 366) {
        return Err(ApiError::bad_parameter(
            "/query/atRiskWithin",
            "OUT_OF_RANGE",
            Text::new(
                "atRiskWithin er 0 til 366 virkedager",
                "atRiskWithin is 0 to 366 working days",
            ),
        ));
    }
    let config = state.config.clone();
    let (rows, codes, rules) = state
        .run(move |conn| {
            let rules = case_rules(&config, conn)?;
            if let Some(n) = at_risk {
                filter.at_risk = Some((today, rules.calendar.add_working_days(today, n)));
            }
            let rows = repo::queue(conn, &filter, limit)?;
            let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
            let codes = repo::source_codes(conn, &ids)?;
            Ok((rows, codes, rules))
        })
        .await?;
    let page = pagination::page(rows, limit, |r| format!("{}|{}", r.queue_due_on, r.id));
    let body = Page {
        items: page
            .items
            .iter()
            .map(|r| summary(r, &codes, &rules, today))
            .collect(),
        next_cursor: page.next_cursor,
    };
    etag::json_with_etag(&req, &body, PRIVATE_NO_CACHE)
}
