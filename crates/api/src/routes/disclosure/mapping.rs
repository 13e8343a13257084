//! From the request to the domain's table (every bad count named by its
//! pointer), and from the protected table to the view.

use hds_domain::disclosure::{
    self, Cells, Dimension, Method, Position, ProtectedTable, Published, Reason, Table,
};
use serde_json::Value;

use super::requests::{DimensionDto, DisclosureRequest, MethodDto};
use super::views::{
    CellsDto, Dot, IntervalDto, ProtectedTableDto, PublishedDto, ReasonDto, SuppressionDto,
};
use crate::error::{ApiError, FieldError, Text};

/// Tables with more cells than this get no intervals unless asked for
/// (computing them is the slow part: seconds at 200 x 200).
pub const INTERVALS_BY_DEFAULT_UP_TO_CELLS: usize = 2_500;

fn count(value: &Value, pointer: String, problems: &mut Vec<FieldError>) -> u64 {
    value.as_u64().unwrap_or_else(|| {
        problems.push(FieldError::new(
            pointer,
            "INVALID_COUNT",
            Text::new(
                "et antall må være et heltall, 0 eller mer",
                "a count must be a whole number of 0 or more",
            ),
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
            Text::new(
                "counts må være en liste med antall, eller en liste med rader av antall",
                "counts must be a list of counts, or a list of rows of counts",
            ),
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
                        Text::new(
                            "hver rad i en todimensjonal tabell må være en liste",
                            "every row of a two-dimensional table must be a list",
                        ),
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

pub(super) fn to_domain(body: DisclosureRequest) -> Result<disclosure::Request, ApiError> {
    let mut problems = Vec::new();
    let counts = cells(&body.table.counts, &mut problems);
    let threshold = match body.threshold {
        None => disclosure::DEFAULT_THRESHOLD,
        Some(t) => u64::try_from(t).unwrap_or_else(|_| {
            problems.push(FieldError::new(
                "/threshold",
                "OUT_OF_RANGE",
                Text::new(
                    "threshold må være 1 eller mer",
                    "threshold must be 1 or more",
                ),
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

pub(super) fn to_dto(t: ProtectedTable) -> ProtectedTableDto {
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
