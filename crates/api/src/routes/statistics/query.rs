//! The query parameters of the statistics: a period, a day, dimensions, age
//! buckets and the CSV options, each read into the domain's values with a
//! 400 problem naming the parameter (`/query/<name>`).

use hds_domain::catalogue::{Problem, YEARS};
use hds_domain::statistics::{AgeBuckets, Dimension, Period};
use serde::Deserialize;
use time::macros::format_description;
use time::Date;
use utoipa::IntoParams;

use super::views::StatisticsDimension;
use crate::error::{ApiError, FieldError, Text};

/// The figures of a period.
#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// The period: a year (`2026`), a quarter (`2026-Q2`), a month
    /// (`2026-05`) or dates (`2026-01-01..2026-03-31`, both included).
    #[param(example = "2026-Q2")]
    pub period: String,
    /// Dimensions to break the figures down by, comma-separated:
    /// `DATA_SOURCE`, `CUSTODIAN`, `PURPOSE`, `DECISION_AUTHORITY`.
    #[param(example = "DATA_SOURCE,DECISION_AUTHORITY")]
    pub dimension: Option<String>,
    /// CSV (`Accept: text/csv`): begin with a UTF-8 byte order mark, as
    /// Excel needs to read æ, ø and å.
    pub bom: Option<bool>,
    /// CSV: decimals with a comma (`66,7`), as a Norwegian spreadsheet reads them.
    pub decimal_comma: Option<bool>,
}

/// The backlog on a day.
#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BacklogQuery {
    /// The day (`YYYY-MM-DD`, Europe/Oslo): the backlog as it stood at its end.
    /// Default: today.
    #[param(example = "2026-04-30")]
    pub on: Option<String>,
    /// Dimensions to break the backlog down by, comma-separated (as for the figures).
    pub dimension: Option<String>,
    /// The age buckets' upper bounds in working days, ascending and
    /// comma-separated (at most 20). Default `30,60,120`.
    #[param(example = "30,60,120")]
    pub age_buckets: Option<String>,
    /// CSV: begin with a UTF-8 byte order mark.
    pub bom: Option<bool>,
    /// CSV: decimals with a comma.
    pub decimal_comma: Option<bool>,
}

fn bad(problems: Vec<Problem>) -> ApiError {
    let errors: Vec<FieldError> = problems
        .into_iter()
        .map(|p| FieldError::from_domain(p.pointer, p.code, p.message))
        .collect();
    let detail = errors.first().map_or_else(
        || Text::new("ugyldig spørreparameter", "invalid query parameter"),
        |e| e.message.clone(),
    );
    ApiError::bad_request(detail).with_errors(errors)
}

/// The period of `/query/period`.
pub fn period(raw: &str) -> Result<Period, ApiError> {
    Period::parse("/query/period", raw.trim()).map_err(bad)
}

/// The day of `/query/on`, or `today`.
pub fn day(raw: Option<&str>, today: Date) -> Result<Date, ApiError> {
    let Some(raw) = raw else {
        return Ok(today);
    };
    let day =
        Date::parse(raw.trim(), format_description!("[year]-[month]-[day]")).map_err(|_| {
            ApiError::bad_parameter(
                "/query/on",
                "INVALID_DATE",
                Text::new(
                    format!("{raw:?} er ikke en dato på formen ÅÅÅÅ-MM-DD"),
                    format!("{raw:?} is not a date as YYYY-MM-DD"),
                ),
            )
        })?;
    if !YEARS.contains(&day.year()) {
        return Err(ApiError::bad_parameter(
            "/query/on",
            "YEAR_OUT_OF_RANGE",
            Text::new(
                format!("året må være fra {} til {}", YEARS.start(), YEARS.end()),
                format!("the year must be from {} to {}", YEARS.start(), YEARS.end()),
            ),
        ));
    }
    Ok(day)
}

fn dimension_of(code: &str) -> Option<(Dimension, StatisticsDimension)> {
    Some(match code {
        "DATA_SOURCE" => (Dimension::DataSource, StatisticsDimension::DataSource),
        "CUSTODIAN" => (Dimension::Custodian, StatisticsDimension::Custodian),
        "PURPOSE" => (Dimension::Purpose, StatisticsDimension::Purpose),
        "DECISION_AUTHORITY" => (
            Dimension::DecisionAuthority,
            StatisticsDimension::DecisionAuthority,
        ),
        _ => return None,
    })
}

/// The domain's dimension as the API's.
pub fn dto(d: Dimension) -> StatisticsDimension {
    match d {
        Dimension::DataSource => StatisticsDimension::DataSource,
        Dimension::Custodian => StatisticsDimension::Custodian,
        Dimension::Purpose => StatisticsDimension::Purpose,
        Dimension::DecisionAuthority => StatisticsDimension::DecisionAuthority,
    }
}

/// The dimensions of `/query/dimension`, each once, in the order given.
pub fn dimensions(raw: Option<&str>) -> Result<Vec<Dimension>, ApiError> {
    let mut out = Vec::new();
    for code in raw.unwrap_or_default().split(',').map(str::trim) {
        if code.is_empty() {
            continue;
        }
        let (d, _) = dimension_of(code).ok_or_else(|| {
            ApiError::bad_parameter(
                "/query/dimension",
                "INVALID_DIMENSION",
                Text::new(
                    format!("{code:?} er ingen inndeling; bruk DATA_SOURCE, CUSTODIAN, PURPOSE eller DECISION_AUTHORITY"),
                    format!("{code:?} is no dimension; use DATA_SOURCE, CUSTODIAN, PURPOSE or DECISION_AUTHORITY"),
                ),
            )
        })?;
        if !out.contains(&d) {
            out.push(d);
        }
    }
    Ok(out)
}

/// The age buckets of `/query/ageBuckets` (default `30,60,120`).
pub fn age_buckets(raw: Option<&str>) -> Result<AgeBuckets, ApiError> {
    let Some(raw) = raw else {
        return Ok(AgeBuckets::default());
    };
    let pointer = "/query/ageBuckets";
    let bounds = raw
        .split(',')
        .map(|b| b.trim().parse::<u32>())
        .collect::<Result<Vec<u32>, _>>()
        .map_err(|_| {
            ApiError::bad_parameter(
                pointer,
                "INVALID_BOUNDS",
                Text::new(
                    "aldersgruppene er hele tall skilt med komma, f.eks. 30,60,120",
                    "the age buckets are whole numbers separated by commas, e.g. 30,60,120",
                ),
            )
        })?;
    AgeBuckets::new(pointer, bounds).map_err(|p| bad(vec![p]))
}
