//! The working-day calendar (virkedager): statutory deadlines for anyone to check.

use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_domain::calendar::WorkingDayCalendar;
use serde::{Deserialize, Serialize};
use time::macros::format_description;
use time::Date;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::{ApiError, Text};
use crate::extract::ApiQuery;
use crate::http::etag::{json_with_etag, PUBLIC_CACHE};
use crate::spec::IfNoneMatch;
use crate::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(compute_deadline).service(list_holidays);
}

/// The most working days one computation may add (about four years).
pub const MAX_WORKING_DAYS: u32 = 1000;
/// Years the holiday rules are published for.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeadlineQuery {
    /// Day 0, as YYYY-MM-DD (the date in Europe/Oslo).
    #[param(example = "2026-03-27")]
    from: String,
    /// How many working days after `from` (0 to 1000).
    #[param(example = 10)]
    working_days: i64,
}

/// A deadline (frist) counted in working days.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Deadline {
    pub from: Date,
    pub working_days: u32,
    /// The Nth working day after `from`.
    pub deadline: Date,
    /// Whether Saturdays counted as working days.
    pub saturdays_are_working_days: bool,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HolidaysQuery {
    /// The year (1900 to 2200).
    #[param(example = 2026)]
    year: i64,
}

/// A public holiday (helligdag).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HolidayDto {
    pub date: Date,
    /// Stable code, e.g. EASTER_MONDAY.
    pub kind: String,
    pub name_nb: String,
    pub name_en: String,
}

/// An extra closure day (stengt dag), set by the service.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClosureDayDto {
    pub date: Date,
    pub reason: String,
}

/// The non-working days of a year besides weekends.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Holidays {
    pub year: i32,
    pub holidays: Vec<HolidayDto>,
    pub closure_days: Vec<ClosureDayDto>,
}

fn parse_date(raw: &str, pointer: &str) -> Result<Date, ApiError> {
    Date::parse(raw, format_description!("[year]-[month]-[day]")).map_err(|_| {
        ApiError::bad_parameter(
            pointer,
            "INVALID_DATE",
            Text::new(
                format!("{raw:?} er ikke en dato på formen ÅÅÅÅ-MM-DD"),
                format!("{raw:?} is not a date as YYYY-MM-DD"),
            ),
        )
    })
}

async fn calendar(
    state: &web::Data<AppState>,
) -> Result<(WorkingDayCalendar, Vec<ClosureDayDto>), ApiError> {
    let days = state
        .run(|conn| hds_persistence::calendar::closure_days(conn).map_err(ApiError::from))
        .await?;
    let calendar = WorkingDayCalendar {
        saturdays_are_working_days: state.config.saturdays_are_working_days,
        closure_days: days.iter().map(|d| d.day).collect(),
    };
    let dtos = days
        .into_iter()
        .map(|d| ClosureDayDto {
            date: d.day,
            reason: d.reason,
        })
        .collect();
    Ok((calendar, dtos))
}

/// The Nth working day after a date (day 0), e.g. the 30 working days of
/// helseregisterloven § 19 f from a complete application.
#[utoipa::path(tag = "calendar", operation_id = "compute_deadline", params(DeadlineQuery, IfNoneMatch),
    responses(
        (status = 200, description = "The deadline", body = Deadline),
    ))]
#[get("/calendar/deadline")]
async fn compute_deadline(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: ApiQuery<DeadlineQuery>,
) -> Result<HttpResponse, ApiError> {
    let from = parse_date(&query.0.from, "/query/from")?;
    let working_days = u32::try_from(query.0.working_days)
        .ok()
        .filter(|n| *n <= MAX_WORKING_DAYS)
        .ok_or_else(|| {
            ApiError::bad_parameter(
                "/query/workingDays",
                "OUT_OF_RANGE",
                Text::new(
                    format!("workingDays må være mellom 0 og {MAX_WORKING_DAYS}"),
                    format!("workingDays must be between 0 and {MAX_WORKING_DAYS}"),
                ),
            )
        })?;
    let (calendar, _) = calendar(&state).await?;
    let deadline = calendar.add_working_days(from, working_days);
    json_with_etag(
        &req,
        &Deadline {
            from,
            working_days,
            deadline,
            saturdays_are_working_days: calendar.saturdays_are_working_days,
        },
        PUBLIC_CACHE,
    )
}

/// Norwegian public holidays and the service's closure days in a year.
#[utoipa::path(tag = "calendar", operation_id = "list_holidays", params(HolidaysQuery, IfNoneMatch),
    responses(
        (status = 200, description = "The year's non-working days besides weekends", body = Holidays),
    ))]
#[get("/calendar/holidays")]
async fn list_holidays(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: ApiQuery<HolidaysQuery>,
) -> Result<HttpResponse, ApiError> {
    let year = i32::try_from(query.0.year)
        .ok()
        .filter(|y| YEARS.contains(y))
        .ok_or_else(|| {
            ApiError::bad_parameter(
                "/query/year",
                "OUT_OF_RANGE",
                Text::new(
                    "year må være mellom 1900 og 2200",
                    "year must be between 1900 and 2200",
                ),
            )
        })?;
    let (calendar, closure_days) = calendar(&state).await?;
    let holidays = calendar
        .holidays(year)
        .into_iter()
        .map(|h| HolidayDto {
            date: h.date,
            kind: h.kind.as_str().to_owned(),
            name_nb: h.name_nb().to_owned(),
            name_en: h.name_en().to_owned(),
        })
        .collect();
    let closure_days = closure_days
        .into_iter()
        .filter(|d| d.date.year() == year)
        .collect();
    json_with_etag(
        &req,
        &Holidays {
            year,
            holidays,
            closure_days,
        },
        PUBLIC_CACHE,
    )
}
