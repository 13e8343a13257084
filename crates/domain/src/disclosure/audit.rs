//! An independent audit of a published table: solve the attacker's problem as
//! a linear program, in exact rational arithmetic.
//!
//! The audit reads only what is published (it never sees the true counts nor
//! the suppression code's network). The unknowns are the suppressed entries;
//! the constraints are the additivity equations of the table (each row adds up
//! to its total, each column to its total, the row totals and the column
//! totals to the grand total) and that no unknown is negative. For each
//! unknown it maximises and minimises that unknown with a dense two-phase
//! simplex method using Bland's rule (which cannot cycle), over `i128`
//! fractions, so every bound is exact.
//!
//! It is meant for tests and for small tables: each bound is a full linear
//! program. The request path uses the equivalent maximum-flow bounds of the
//! `network` module, which the property tests compare with this audit.

use std::cmp::Ordering;
use std::collections::HashMap;

use super::{Cells, Position, ProtectedTable, Published, Reason};

/// Why the audit could not finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    /// No non-negative table is consistent with the published numbers.
    #[error("the published numbers are inconsistent")]
    Infeasible,
    /// A fraction outgrew 128 bits.
    #[error("arithmetic overflow in the exact simplex method")]
    Overflow,
    /// The published table has a malformed shape.
    #[error("the published table has a malformed shape")]
    Malformed,
}

/// An exact fraction `numer / denom` with `denom > 0`, in lowest terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rational {
    numer: i128,
    denom: i128,
}

impl Rational {
    const ZERO: Self = Self { numer: 0, denom: 1 };
    const ONE: Self = Self { numer: 1, denom: 1 };

    fn new(numer: i128, denom: i128) -> Result<Self, AuditError> {
        if denom == 0 {
            return Err(AuditError::Overflow);
        }
        let g = gcd(numer, denom);
        let sign = if denom < 0 { -1 } else { 1 };
        Ok(Self {
            numer: (numer / g).checked_mul(sign).ok_or(AuditError::Overflow)?,
            denom: (denom / g).checked_mul(sign).ok_or(AuditError::Overflow)?,
        })
    }

    /// A whole number.
    pub fn integer(value: i128) -> Self {
        Self {
            numer: value,
            denom: 1,
        }
    }

    pub fn numer(self) -> i128 {
        self.numer
    }

    pub fn denom(self) -> i128 {
        self.denom
    }

    /// The value if it is a whole number.
    pub fn as_integer(self) -> Option<i128> {
        (self.denom == 1).then_some(self.numer)
    }

    fn is_zero(self) -> bool {
        self.numer == 0
    }

    fn is_positive(self) -> bool {
        self.numer > 0
    }

    fn neg(self) -> Self {
        Self {
            numer: -self.numer,
            denom: self.denom,
        }
    }

    fn add(self, other: Self) -> Result<Self, AuditError> {
        if self.denom == 1 && other.denom == 1 {
            return Ok(Self::integer(
                self.numer
                    .checked_add(other.numer)
                    .ok_or(AuditError::Overflow)?,
            ));
        }
        let numer = self
            .numer
            .checked_mul(other.denom)
            .and_then(|a| {
                other
                    .numer
                    .checked_mul(self.denom)
                    .and_then(|b| a.checked_add(b))
            })
            .ok_or(AuditError::Overflow)?;
        let denom = self
            .denom
            .checked_mul(other.denom)
            .ok_or(AuditError::Overflow)?;
        Self::new(numer, denom)
    }

    fn sub(self, other: Self) -> Result<Self, AuditError> {
        self.add(other.neg())
    }

    fn mul(self, other: Self) -> Result<Self, AuditError> {
        if self.denom == 1 && other.denom == 1 {
            return Ok(Self::integer(
                self.numer
                    .checked_mul(other.numer)
                    .ok_or(AuditError::Overflow)?,
            ));
        }
        let numer = self
            .numer
            .checked_mul(other.numer)
            .ok_or(AuditError::Overflow)?;
        let denom = self
            .denom
            .checked_mul(other.denom)
            .ok_or(AuditError::Overflow)?;
        Self::new(numer, denom)
    }

    fn div(self, other: Self) -> Result<Self, AuditError> {
        self.mul(Self::new(other.denom, other.numer)?)
    }
}

impl PartialOrd for Rational {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rational {
    fn cmp(&self, other: &Self) -> Ordering {
        // Both denominators are positive; compare cross products in 256 bits'
        // worth of care: fall back to f64 only if the products overflow.
        match (
            self.numer.checked_mul(other.denom),
            other.numer.checked_mul(self.denom),
        ) {
            (Some(a), Some(b)) => a.cmp(&b),
            #[allow(clippy::cast_precision_loss)]
            _ => (self.numer as f64 / self.denom as f64)
                .total_cmp(&(other.numer as f64 / other.denom as f64)),
        }
    }
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    i128::try_from(a).unwrap_or(1).max(1)
}

/// What the attacker can work out about one suppressed entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    pub position: Position,
    /// Why it was suppressed, as published.
    pub reason: Reason,
    /// The smallest value over all non-negative tables consistent with the
    /// published numbers.
    pub min: Rational,
    /// The largest value, `None` if unbounded.
    pub max: Option<Rational>,
}

/// The audit of one published table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// One bound per suppressed entry, in the order of `suppressed`.
    pub bounds: Vec<Bound>,
    /// Primary entries whose largest possible value is below the threshold:
    /// the guarantee is broken for these. Empty for a safe table.
    pub violations: Vec<Position>,
}

/// Audit a published table: the exact interval of every suppressed entry,
/// and the primary entries (if any) that break the guarantee.
pub fn audit(published: &ProtectedTable) -> Result<Report, AuditError> {
    let unknowns: Vec<Position> = published.suppressed.iter().map(|s| s.position).collect();
    let index: HashMap<Position, usize> =
        unknowns.iter().enumerate().map(|(i, &p)| (p, i)).collect();
    let mut program = Program::new(unknowns.len());
    for equation in equations(published)? {
        let mut coefficients = vec![Rational::ZERO; unknowns.len()];
        let mut constant: i128 = 0;
        for (position, sign) in equation {
            match published.get(position).ok_or(AuditError::Malformed)? {
                Published::Value(v) => constant -= sign * i128::from(v),
                Published::Suppressed => {
                    let i = *index.get(&position).ok_or(AuditError::Malformed)?;
                    coefficients[i] = coefficients[i].add(Rational::integer(sign))?;
                }
            }
        }
        program.equal(coefficients, Rational::integer(constant))?;
    }
    let feasible = program.phase_one()?;
    let threshold = Rational::integer(i128::from(published.threshold));
    let mut report = Report {
        bounds: Vec::new(),
        violations: Vec::new(),
    };
    for (i, suppression) in published.suppressed.iter().enumerate() {
        let max = feasible.clone().maximize(i, false)?;
        let min = feasible.clone().maximize(i, true)?.map(Rational::neg);
        let bound = Bound {
            position: suppression.position,
            reason: suppression.reason,
            min: min.unwrap_or(Rational::ZERO),
            max,
        };
        if suppression.reason == Reason::Primary && bound.max.is_some_and(|m| m < threshold) {
            report.violations.push(bound.position);
        }
        report.bounds.push(bound);
    }
    Ok(report)
}

/// The additivity equations of the table's shape, each a list of
/// (entry, +1 or -1) adding up to zero.
fn equations(published: &ProtectedTable) -> Result<Vec<Vec<(Position, i128)>>, AuditError> {
    let cell = |row, column| Position::Cell { row, column };
    Ok(match &published.cells {
        Cells::OneWay(cells) => {
            let mut sum: Vec<(Position, i128)> =
                (0..cells.len()).map(|i| (cell(i, None), 1)).collect();
            sum.push((Position::Total, -1));
            vec![sum]
        }
        Cells::TwoWay(cells) => {
            let rows = cells.len();
            let columns = published
                .column_totals
                .as_ref()
                .ok_or(AuditError::Malformed)?
                .len();
            let mut all = Vec::new();
            for i in 0..rows {
                let mut sum: Vec<_> = (0..columns).map(|j| (cell(i, Some(j)), 1)).collect();
                sum.push((Position::RowTotal(i), -1));
                all.push(sum);
            }
            for j in 0..columns {
                let mut sum: Vec<_> = (0..rows).map(|i| (cell(i, Some(j)), 1)).collect();
                sum.push((Position::ColumnTotal(j), -1));
                all.push(sum);
            }
            let mut rows_sum: Vec<_> = (0..rows).map(|i| (Position::RowTotal(i), 1)).collect();
            rows_sum.push((Position::Total, -1));
            all.push(rows_sum);
            let mut columns_sum: Vec<_> = (0..columns)
                .map(|j| (Position::ColumnTotal(j), 1))
                .collect();
            columns_sum.push((Position::Total, -1));
            all.push(columns_sum);
            all
        }
    })
}

/// A linear program `A x = b, x >= 0` in simplex tableau form.
#[derive(Debug, Clone)]
struct Program {
    /// Number of real unknowns; columns beyond are artificial.
    unknowns: usize,
    /// Each row: coefficients of all columns, then the right-hand side.
    rows: Vec<Vec<Rational>>,
    /// The basic column of each row.
    basis: Vec<usize>,
}

impl Program {
    fn new(unknowns: usize) -> Self {
        Self {
            unknowns,
            rows: Vec::new(),
            basis: Vec::new(),
        }
    }

    /// Add the constraint `coefficients . x = constant` (before phase one).
    fn equal(
        &mut self,
        mut coefficients: Vec<Rational>,
        mut constant: Rational,
    ) -> Result<(), AuditError> {
        if coefficients.iter().all(|c| c.is_zero()) {
            return if constant.is_zero() {
                Ok(())
            } else {
                Err(AuditError::Infeasible)
            };
        }
        if constant < Rational::ZERO {
            coefficients = coefficients.into_iter().map(Rational::neg).collect();
            constant = constant.neg();
        }
        coefficients.push(constant);
        self.rows.push(coefficients);
        Ok(())
    }

    fn width(&self) -> usize {
        self.rows.first().map_or(self.unknowns, |r| r.len() - 1)
    }

    /// Phase one: find a feasible basis with one artificial unknown per row,
    /// then drive the artificial unknowns out (dropping redundant rows).
    fn phase_one(mut self) -> Result<Self, AuditError> {
        let m = self.rows.len();
        let n = self.unknowns;
        for (r, row) in self.rows.iter_mut().enumerate() {
            let rhs = row.pop().unwrap_or(Rational::ZERO);
            row.extend((0..m).map(|a| {
                if a == r {
                    Rational::ONE
                } else {
                    Rational::ZERO
                }
            }));
            row.push(rhs);
        }
        self.basis = (n..n + m).collect();
        let objective: Vec<Rational> = (0..n + m)
            .map(|j| {
                if j < n {
                    Rational::ZERO
                } else {
                    Rational::ONE.neg()
                }
            })
            .collect();
        match self.optimize(&objective)? {
            Some(value) if value.is_zero() => {}
            _ => return Err(AuditError::Infeasible),
        }
        let mut r = 0;
        while r < self.rows.len() {
            if self.basis[r] < n {
                r += 1;
                continue;
            }
            if let Some(j) = (0..n).find(|&j| !self.rows[r][j].is_zero()) {
                self.pivot(r, j)?;
                r += 1;
            } else {
                self.rows.remove(r);
                self.basis.remove(r);
            }
        }
        for row in &mut self.rows {
            let rhs = row[n + m];
            row.truncate(n);
            row.push(rhs);
        }
        Ok(self)
    }

    /// Maximise unknown `k` (or `-x_k` if `negate`) from a feasible basis.
    /// `None` if unbounded.
    fn maximize(mut self, k: usize, negate: bool) -> Result<Option<Rational>, AuditError> {
        let unit = if negate {
            Rational::ONE.neg()
        } else {
            Rational::ONE
        };
        let objective: Vec<Rational> = (0..self.unknowns)
            .map(|j| if j == k { unit } else { Rational::ZERO })
            .collect();
        if self.rows.is_empty() {
            // No constraint touches anything: x_k is free above 0.
            return Ok(if negate { Some(Rational::ZERO) } else { None });
        }
        self.optimize(&objective)
    }

    /// The simplex method with Bland's rule: maximise `objective . x`.
    /// Returns the optimum, or `None` if unbounded.
    fn optimize(&mut self, objective: &[Rational]) -> Result<Option<Rational>, AuditError> {
        let width = self.width();
        loop {
            let mut entering = None;
            for j in 0..width {
                if self.basis.contains(&j) {
                    continue;
                }
                let mut reduced = objective[j];
                for (r, row) in self.rows.iter().enumerate() {
                    let c = objective[self.basis[r]];
                    if !c.is_zero() && !row[j].is_zero() {
                        reduced = reduced.sub(c.mul(row[j])?)?;
                    }
                }
                if reduced.is_positive() {
                    entering = Some(j);
                    break;
                }
            }
            let Some(j) = entering else {
                let mut value = Rational::ZERO;
                for (r, row) in self.rows.iter().enumerate() {
                    value = value.add(objective[self.basis[r]].mul(row[width])?)?;
                }
                return Ok(Some(value));
            };
            let mut leaving: Option<(usize, Rational)> = None;
            for (r, row) in self.rows.iter().enumerate() {
                if !row[j].is_positive() {
                    continue;
                }
                let ratio = row[width].div(row[j])?;
                let better = match leaving {
                    None => true,
                    Some((best, best_ratio)) => {
                        ratio < best_ratio
                            || (ratio == best_ratio && self.basis[r] < self.basis[best])
                    }
                };
                if better {
                    leaving = Some((r, ratio));
                }
            }
            let Some((r, _)) = leaving else {
                return Ok(None);
            };
            self.pivot(r, j)?;
        }
    }

    /// Make column `j` basic in row `r`.
    fn pivot(&mut self, r: usize, j: usize) -> Result<(), AuditError> {
        let pivot = self.rows[r][j];
        if pivot != Rational::ONE {
            for value in &mut self.rows[r] {
                *value = value.div(pivot)?;
            }
        }
        let pivot_row = self.rows[r].clone();
        for (s, row) in self.rows.iter_mut().enumerate() {
            let factor = row[j];
            if s == r || factor.is_zero() {
                continue;
            }
            for (value, &p) in row.iter_mut().zip(&pivot_row) {
                if !p.is_zero() {
                    *value = value.sub(factor.mul(p)?)?;
                }
            }
        }
        self.basis[r] = j;
        Ok(())
    }
}
