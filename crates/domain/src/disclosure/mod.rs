//! Disclosure control (statistical disclosure control) of count tables: small
//! counts in an anonymous table are suppressed (prikking) or rounded
//! (avrunding) before the table is delivered.
//!
//! The entry point is [`protect`]: it validates a [`Request`] (see
//! [`validate`]) and returns a [`ProtectedTable`] that may be published.
//!
//! * [`Method::Round`]: every count `c` with `1 <= c < threshold` becomes 0 or
//!   the threshold, whichever is nearer (ties go up). With the default
//!   threshold 3 this is exactly "1 becomes 0, 2 becomes 3". Totals are sums of
//!   the published cells, so the table adds up.
//! * [`Method::Suppress`]: sensitive cells and totals are hidden (primary
//!   suppression), and further cells are hidden (secondary suppression) so that
//!   the guarantee below holds.
//!
//! # The guarantee (suppression)
//!
//! For every primary suppressed entry (cell or total), an attacker who knows
//! every published number, the additivity of the table (cells add up to the
//! row and column totals, these to the grand total) and that no count is
//! negative cannot prove that the entry is below the threshold: the largest
//! value it can take, over all real non-negative tables consistent with what is
//! published, is at least the threshold. [`protect`] checks this exactly before
//! it returns, and never returns a table that breaks it. Each suppression
//! can carry the exact [`Interval`] the attacker can narrow the entry to.
//!
//! Not guaranteed: that the attacker cannot prove an entry is above zero (the
//! interval's `min` may be positive), nor anything about tables combined with
//! other published tables (linked tables).
//!
//! # Modules
//! * `validate`: the shape and size rules, each problem with a pointer.
//! * `network`: the table as a flow network and the exact attacker bounds.
//! * `suppression`: primary and secondary suppression (the heuristic).
//! * `rounding`: the rounding method.
//! * [`audit`]: an independent linear-programming audit (exact rationals).
//!
//! See `docs/disclosure-control.md` for the algorithm, its sources and the
//! measured minimality and speed.

pub mod audit;
mod network;
mod rounding;
mod suppression;
mod validate;

#[cfg(test)]
mod tests;

pub use validate::validate;

/// Default threshold: counts `1..=2` are sensitive (domain.md: "usually counts
/// under 3").
pub const DEFAULT_THRESHOLD: u64 = 3;

/// Largest number of categories in one dimension. A table may be up to
/// 250 x 250 cells (62,500 cells); 200 x 200 is supported with room to spare.
pub const MAX_CATEGORIES: usize = 250;

/// Largest threshold accepted (a guard against overflow; real thresholds
/// are small).
pub const MAX_THRESHOLD: u64 = 1_000_000;

/// Largest grand total accepted: 2^53 - 1, the largest integer a JSON number
/// carries exactly in every client (JavaScript's `Number.MAX_SAFE_INTEGER`).
pub const MAX_TOTAL: u64 = (1 << 53) - 1;

/// How small counts are protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Suppression (prikking): hide sensitive entries, plus enough others.
    Suppress,
    /// Rounding (avrunding): round sensitive counts to 0 or the threshold.
    Round,
}

/// One dimension (variable) of a table: its name and its categories, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dimension {
    /// The variable, e.g. "alder".
    pub name: String,
    /// The categories, e.g. `["0-19", "20-39"]`. Must be unique and non-empty.
    pub categories: Vec<String>,
}

/// The cells of a table: a flat list for a one-dimensional table (one value
/// per row category), or one list per row category for a two-dimensional table
/// (one value per column category).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cells<T> {
    /// A table with rows only.
    OneWay(Vec<T>),
    /// A table with rows and columns: `counts[row][column]`.
    TwoWay(Vec<Vec<T>>),
}

/// A count table to be protected. A one-dimensional table has no `columns`
/// and [`Cells::OneWay`] counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The row dimension.
    pub rows: Dimension,
    /// The column dimension; `None` for a one-dimensional table.
    pub columns: Option<Dimension>,
    /// The true counts.
    pub counts: Cells<u64>,
}

/// What the caller asks for: a table, a method and its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The table.
    pub table: Table,
    /// Suppression or rounding.
    pub method: Method,
    /// A count `c` with `1 <= c < threshold` is sensitive. At least 1; a
    /// threshold of 1 makes no count sensitive. Default [`DEFAULT_THRESHOLD`].
    pub threshold: u64,
    /// Treat zeros as sensitive too (suppression only; rounding keeps zeros).
    pub suppress_zeros: bool,
    /// Compute the attacker's [`Interval`] for every suppressed entry. Exact
    /// but the costliest part for big tables (see the benchmarks in
    /// `docs/disclosure-control.md`); the guarantee is checked either way.
    pub intervals: bool,
}

impl Request {
    /// A request with the default threshold, zeros not sensitive, and
    /// intervals computed.
    pub fn new(table: Table, method: Method) -> Self {
        Self {
            table,
            method,
            threshold: DEFAULT_THRESHOLD,
            suppress_zeros: false,
            intervals: true,
        }
    }
}

/// One problem with a request, for a 422 response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// JSON pointer into the request body, e.g. `/table/counts/1/2`.
    pub pointer: String,
    /// What is wrong, in plain English.
    pub message: String,
}

/// A request that cannot be processed, with every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the disclosure-control request has {} problem(s)", problems.len())]
pub struct InvalidRequest {
    /// All problems, in the order of the request body.
    pub problems: Vec<Problem>,
}

/// A published number, or the mark that it is suppressed (shown as `"."`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    /// The number is published.
    Value(u64),
    /// The number is suppressed.
    Suppressed,
}

impl Published {
    /// The published value, if any.
    pub fn value(self) -> Option<u64> {
        match self {
            Published::Value(v) => Some(v),
            Published::Suppressed => None,
        }
    }
}

/// Where an entry of the table is: a cell or one of the totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Position {
    /// A cell; `column` is `None` in a one-dimensional table.
    Cell { row: usize, column: Option<usize> },
    /// The total of a row (two-dimensional tables only).
    RowTotal(usize),
    /// The total of a column (two-dimensional tables only).
    ColumnTotal(usize),
    /// The grand total.
    Total,
}

/// Why an entry is suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The entry itself is sensitive.
    Primary,
    /// Hidden so that a primary entry cannot be worked out.
    Secondary,
}

/// The values a suppressed entry can take, over all real non-negative tables
/// consistent with the published numbers. The bounds are always integers
/// (the constraints form a network, see `docs/disclosure-control.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    /// The smallest value the attacker cannot rule out.
    pub min: u64,
    /// The largest value, or `None` if it is unbounded.
    pub max: Option<u64>,
}

/// One suppressed entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suppression {
    /// Which entry.
    pub position: Position,
    /// Primary or secondary.
    pub reason: Reason,
    /// What an attacker can work out about it, if asked for
    /// ([`Request::intervals`]).
    pub interval: Option<Interval>,
}

/// The table as it may be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectedTable {
    /// The method used.
    pub method: Method,
    /// The threshold used.
    pub threshold: u64,
    /// The published cells, in the shape of the request.
    pub cells: Cells<Published>,
    /// Row totals (two-dimensional tables only).
    pub row_totals: Option<Vec<Published>>,
    /// Column totals (two-dimensional tables only).
    pub column_totals: Option<Vec<Published>>,
    /// The grand total.
    pub total: Published,
    /// Every suppressed entry, cells first (row by row), then row totals,
    /// column totals and the grand total. Empty for rounding.
    pub suppressed: Vec<Suppression>,
}

impl ProtectedTable {
    /// Lay out one published value per entry of `grid` (in its entry order)
    /// in the shape of the table.
    fn from_entries(
        grid: &network::Grid,
        method: Method,
        threshold: u64,
        values: &[Published],
        suppressed: Vec<Suppression>,
    ) -> Self {
        let rows = grid.rows;
        let (cells, row_totals, column_totals) = match grid.columns {
            None => (Cells::OneWay(values[..rows].to_vec()), None, None),
            Some(columns) => {
                let (cells, totals) = values.split_at(rows * columns);
                let cells = if columns == 0 {
                    vec![Vec::new(); rows]
                } else {
                    cells.chunks(columns).map(<[Published]>::to_vec).collect()
                };
                (
                    Cells::TwoWay(cells),
                    Some(totals[..rows].to_vec()),
                    Some(totals[rows..rows + columns].to_vec()),
                )
            }
        };
        Self {
            method,
            threshold,
            cells,
            row_totals,
            column_totals,
            total: values[grid.total_index()],
            suppressed,
        }
    }

    /// The published value at `position` (`None` if out of range).
    pub fn get(&self, position: Position) -> Option<Published> {
        match position {
            Position::Cell { row, column } => match (&self.cells, column) {
                (Cells::OneWay(cells), None) => cells.get(row).copied(),
                (Cells::TwoWay(cells), Some(column)) => {
                    cells.get(row).and_then(|r| r.get(column)).copied()
                }
                _ => None,
            },
            Position::RowTotal(i) => self.row_totals.as_ref()?.get(i).copied(),
            Position::ColumnTotal(j) => self.column_totals.as_ref()?.get(j).copied(),
            Position::Total => Some(self.total),
        }
    }
}

/// Validate the request and protect the table by the requested method.
///
/// Suppression always ends with an exact check of [the guarantee](self); if
/// the heuristic ever fell short, more is suppressed (all totals, and in the
/// last resort everything) rather than returning an unsafe table.
pub fn protect(request: &Request) -> Result<ProtectedTable, InvalidRequest> {
    let problems = validate(request);
    if !problems.is_empty() {
        return Err(InvalidRequest { problems });
    }
    let table = network::Grid::from_table(&request.table);
    Ok(match request.method {
        Method::Round => rounding::round(&table, request.threshold),
        Method::Suppress => suppression::suppress(&table, request),
    })
}
