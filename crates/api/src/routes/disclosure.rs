//! Disclosure control (prikking og avrunding) of anonymous count tables:
//! custodians check a table before delivering it; applicants see in advance
//! how much of a requested table would survive. The rules are in
//! `hds_domain::disclosure`; `docs/disclosure-control.md` explains them.

use actix_web::{post, web, HttpResponse};
use hds_domain::disclosure::{
    self, Cells, Dimension, Method, Position, ProtectedTable, Published, Reason, Table,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::{ApiError, FieldError, Problem};
use crate::extract::ApiJson;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(protect_table);
}

/// Tables with more cells than this get no intervals unless asked for
/// (computing them is the slow part: seconds at 200 x 200).
pub const INTERVALS_BY_DEFAULT_UP_TO_CELLS: usize = 2_500;

/// How to protect the table.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MethodDto {
    /// Prikking: hide small counts, and enough other cells that none can be worked back.
    Suppress,
    /// Avrunding: 1 becomes 0 and 2 becomes 3 (at threshold 3); totals add up.
    Round,
}

/// A dimension (variable) of the table and its categories, in order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DimensionDto {
    #[schema(example = "alder")]
    pub name: String,
    #[schema(example = json!(["0-19", "20-39"]))]
    pub categories: Vec<String>,
}

/// A count table (krysstabell): one or two dimensions.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TableDto {
    pub rows: DimensionDto,
    /// Absent for a one-dimensional table.
    pub columns: Option<DimensionDto>,
    /// Whole numbers >= 0: one list per row (two dimensions), or one list
    /// (one dimension).
    #[schema(value_type = Vec<Vec<u64>>, example = json!([[12, 1], [40, 7]]))]
    pub counts: Value,
}

/// A table to protect before publication.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DisclosureRequest {
    pub method: MethodDto,
    /// A count c with 1 <= c < threshold is sensitive. Default 3.
    #[schema(example = 3, minimum = 1)]
    pub threshold: Option<i64>,
    /// Treat zeros as sensitive too. Default false.
    #[serde(default)]
    pub suppress_zeros: bool,
    /// Report, per suppressed entry, the interval an attacker can narrow it to.
    /// Default: on for tables up to 2,500 cells.
    pub intervals: Option<bool>,
    pub table: TableDto,
}

/// The suppression mark.
#[derive(Debug, Serialize, ToSchema)]
pub enum Dot {
    #[serde(rename = ".")]
    Dot,
}

/// A published number, or "." where suppressed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum PublishedDto {
    Count(u64),
    Suppressed(Dot),
}

/// The published cells, shaped like the request's counts.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum CellsDto {
    TwoWay(Vec<Vec<PublishedDto>>),
    OneWay(Vec<PublishedDto>),
}

/// Why an entry is hidden.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReasonDto {
    /// Primærprikking: the count itself is small.
    Primary,
    /// Sekundærprikking: hidden so that a small count cannot be worked back.
    Secondary,
}

/// The range an attacker who knows every published number can narrow a
/// hidden entry to (`max` absent: unbounded).
#[derive(Debug, Serialize, ToSchema)]
pub struct IntervalDto {
    pub min: u64,
    pub max: Option<u64>,
}

/// One hidden entry: exactly one of `cell`, `rowTotal`, `columnTotal`, `total`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SuppressionDto {
    /// `[row, column]`, or `[row]` in a one-dimensional table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<Vec<usize>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_total: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column_total: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<bool>,
    pub reason: ReasonDto,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<IntervalDto>,
}

/// The publishable table.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProtectedTableDto {
    pub method: MethodDto,
    pub threshold: u64,
    pub counts: CellsDto,
    /// Row totals (two-dimensional tables only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_totals: Option<Vec<PublishedDto>>,
    /// Column totals (two-dimensional tables only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column_totals: Option<Vec<PublishedDto>>,
    pub total: PublishedDto,
    pub suppressed: Vec<SuppressionDto>,
}

fn count(value: &Value, pointer: String, problems: &mut Vec<FieldError>) -> u64 {
    value.as_u64().unwrap_or_else(|| {
        problems.push(FieldError::new(
            pointer,
            "INVALID_COUNT",
            "a count must be a whole number of 0 or more",
        ));
        0
    })
}

/// Reads `counts` as one or two dimensions, pointing at every bad number.
fn cells(counts: &Value, problems: &mut Vec<FieldError>) -> Cells<u64> {
    let Some(items) = counts.as_array() else {
        problems.push(FieldError::new(
            "/table/counts",
            "INVALID_COUNTS",
            "counts must be a list of counts, or a list of rows of counts",
        ));
        return Cells::OneWay(Vec::new());
    };
    if items.iter().any(Value::is_array) {
        let rows = items
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let Some(row) = row.as_array() else {
                    problems.push(FieldError::new(
                        format!("/table/counts/{i}"),
                        "INVALID_COUNTS",
                        "every row of a two-dimensional table must be a list",
                    ));
                    return Vec::new();
                };
                row.iter()
                    .enumerate()
                    .map(|(j, c)| count(c, format!("/table/counts/{i}/{j}"), problems))
                    .collect()
            })
            .collect();
        Cells::TwoWay(rows)
    } else {
        Cells::OneWay(
            items
                .iter()
                .enumerate()
                .map(|(i, c)| count(c, format!("/table/counts/{i}"), problems))
                .collect(),
        )
    }
}

fn to_domain(body: DisclosureRequest) -> Result<disclosure::Request, ApiError> {
    let mut problems = Vec::new();
    let counts = cells(&body.table.counts, &mut problems);
    let threshold = match body.threshold {
        None => disclosure::DEFAULT_THRESHOLD,
        Some(t) => u64::try_from(t).unwrap_or_else(|_| {
            problems.push(FieldError::new(
                "/threshold",
                "OUT_OF_RANGE",
                "threshold must be 1 or more",
            ));
            disclosure::DEFAULT_THRESHOLD
        }),
    };
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let cell_count = match &counts {
        Cells::OneWay(c) => c.len(),
        Cells::TwoWay(rows) => rows.iter().map(Vec::len).sum(),
    };
    let dimension = |d: DimensionDto| Dimension {
        name: d.name,
        categories: d.categories,
    };
    Ok(disclosure::Request {
        table: Table {
            rows: dimension(body.table.rows),
            columns: body.table.columns.map(dimension),
            counts,
        },
        method: match body.method {
            MethodDto::Suppress => Method::Suppress,
            MethodDto::Round => Method::Round,
        },
        threshold,
        suppress_zeros: body.suppress_zeros,
        intervals: body
            .intervals
            .unwrap_or(cell_count <= INTERVALS_BY_DEFAULT_UP_TO_CELLS),
    })
}

fn published(p: Published) -> PublishedDto {
    match p {
        Published::Value(v) => PublishedDto::Count(v),
        Published::Suppressed => PublishedDto::Suppressed(Dot::Dot),
    }
}

fn suppression(s: &disclosure::Suppression) -> SuppressionDto {
    let mut dto = SuppressionDto {
        cell: None,
        row_total: None,
        column_total: None,
        total: None,
        reason: match s.reason {
            Reason::Primary => ReasonDto::Primary,
            Reason::Secondary => ReasonDto::Secondary,
        },
        interval: s.interval.map(|i| IntervalDto {
            min: i.min,
            max: i.max,
        }),
    };
    match s.position {
        Position::Cell { row, column } => {
            dto.cell = Some(column.map_or_else(|| vec![row], |c| vec![row, c]));
        }
        Position::RowTotal(i) => dto.row_total = Some(i),
        Position::ColumnTotal(j) => dto.column_total = Some(j),
        Position::Total => dto.total = Some(true),
    }
    dto
}

fn to_dto(t: ProtectedTable) -> ProtectedTableDto {
    let list = |v: Vec<Published>| v.into_iter().map(published).collect();
    ProtectedTableDto {
        method: match t.method {
            Method::Suppress => MethodDto::Suppress,
            Method::Round => MethodDto::Round,
        },
        threshold: t.threshold,
        counts: match t.cells {
            Cells::OneWay(c) => CellsDto::OneWay(list(c)),
            Cells::TwoWay(rows) => CellsDto::TwoWay(rows.into_iter().map(list).collect()),
        },
        row_totals: t.row_totals.map(list),
        column_totals: t.column_totals.map(list),
        total: published(t.total),
        suppressed: t.suppressed.iter().map(suppression).collect(),
    }
}

/// Protects a count table for publication: suppression (prikking) with
/// secondary suppression so no hidden small count can be worked back from
/// the totals, or rounding (avrunding). Tables up to 250 x 250 categories.
#[utoipa::path(tag = "disclosure-control", operation_id = "protect_table",
    request_body = DisclosureRequest,
    responses(
        (status = 200, description = "The publishable table", body = ProtectedTableDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The table is invalid (every problem, by JSON pointer)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/disclosure-control")]
async fn protect_table(body: ApiJson<DisclosureRequest>) -> Result<HttpResponse, ApiError> {
    let request = to_domain(body.0)?;
    // seconds of CPU for large tables: keep it off the async workers
    let protected = web::block(move || disclosure::protect(&request))
        .await?
        .map_err(|invalid| {
            ApiError::validation(
                invalid
                    .problems
                    .into_iter()
                    .map(|p| FieldError::new(p.pointer, "INVALID_TABLE", p.message))
                    .collect(),
            )
        })?;
    Ok(HttpResponse::Ok().json(to_dto(protected)))
}
