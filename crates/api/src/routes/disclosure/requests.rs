//! The table to protect, as callers send it.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

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
