//! Rounding (avrunding): every count `c` with `1 <= c < threshold` becomes 0 or
//! the threshold, whichever is nearer, ties up. With threshold 3: 1 becomes 0
//! and 2 becomes 3 (domain.md). Zeros and counts at or above the threshold are
//! kept. Totals are the sums of the rounded cells, so the table adds up; since
//! every rounded cell is 0 or at least the threshold, so is every total.

use super::network::Grid;
use super::{Method, Position, ProtectedTable, Published};

/// The rounded value of one count.
pub(super) fn round_count(value: u64, threshold: u64) -> u64 {
    if value == 0 || value >= threshold {
        value
    } else if value.saturating_mul(2) >= threshold {
        threshold
    } else {
        0
    }
}

/// Protect the table by rounding.
pub(super) fn round(grid: &Grid, threshold: u64) -> ProtectedTable {
    let columns = grid.columns.unwrap_or(1);
    let cells: Vec<u64> = grid.entries[..grid.rows * columns]
        .iter()
        .map(|e| round_count(e.value, threshold))
        .collect();
    let values: Vec<Published> = grid
        .entries
        .iter()
        .map(|entry| {
            let sum = match entry.position {
                Position::Cell { row, column } => cells[row * columns + column.unwrap_or(0)],
                Position::RowTotal(i) => cells[i * columns..(i + 1) * columns].iter().sum(),
                Position::ColumnTotal(j) => cells.iter().skip(j).step_by(columns).sum(),
                Position::Total => cells.iter().sum(),
            };
            Published::Value(sum)
        })
        .collect();
    ProtectedTable::from_entries(grid, Method::Round, threshold, &values, Vec::new())
}
