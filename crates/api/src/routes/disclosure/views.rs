//! The publishable table, as the API answers with it.

use serde::Serialize;
use utoipa::ToSchema;

use super::requests::MethodDto;

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
