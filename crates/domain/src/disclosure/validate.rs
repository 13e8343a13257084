//! The rules a request must follow before a table is protected. Every problem
//! is reported, each with a JSON pointer into the request body.

use std::collections::HashMap;

use super::{Cells, Dimension, Problem, Request, MAX_CATEGORIES, MAX_THRESHOLD, MAX_TOTAL};

/// Every problem with `request`; empty if it can be processed.
///
/// Checked: threshold from 1 to [`MAX_THRESHOLD`]; each dimension has 1 to
/// [`MAX_CATEGORIES`] categories, non-empty and unique; the counts have the
/// shape of the categories (a flat list without columns, one list per row with
/// columns, no ragged rows); the grand total is at most [`MAX_TOTAL`].
/// Negative and fractional counts cannot be represented (`u64`): the API
/// layer reports those.
pub fn validate(request: &Request) -> Vec<Problem> {
    let mut problems = Vec::new();
    if request.threshold < 1 {
        problems.push(problem("/threshold", "must be at least 1".to_owned()));
    }
    if request.threshold > MAX_THRESHOLD {
        problems.push(problem(
            "/threshold",
            format!("must be at most {MAX_THRESHOLD}"),
        ));
    }
    let table = &request.table;
    check_dimension(&table.rows, "/table/rows", &mut problems);
    if let Some(columns) = &table.columns {
        check_dimension(columns, "/table/columns", &mut problems);
    }
    check_counts(request, &mut problems);
    problems
}

fn problem(pointer: &str, message: String) -> Problem {
    Problem {
        pointer: pointer.to_owned(),
        message,
    }
}

fn check_dimension(dimension: &Dimension, pointer: &str, problems: &mut Vec<Problem>) {
    let categories = &dimension.categories;
    let here = format!("{pointer}/categories");
    if categories.is_empty() {
        problems.push(problem(&here, "must have at least one category".to_owned()));
    }
    if categories.len() > MAX_CATEGORIES {
        problems.push(problem(
            &here,
            format!(
                "has {} categories; at most {MAX_CATEGORIES} are allowed",
                categories.len()
            ),
        ));
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (index, category) in categories.iter().enumerate() {
        let at = format!("{here}/{index}");
        if category.trim().is_empty() {
            problems.push(problem(&at, "must not be empty".to_owned()));
        }
        if let Some(first) = seen.insert(category.as_str(), index) {
            seen.insert(category.as_str(), first);
            problems.push(problem(
                &at,
                format!("duplicate category \"{category}\" (first at index {first})"),
            ));
        }
    }
}

fn check_counts(request: &Request, problems: &mut Vec<Problem>) {
    let table = &request.table;
    let rows = table.rows.categories.len();
    match (&table.counts, &table.columns) {
        (Cells::OneWay(counts), None) => {
            if counts.len() != rows {
                problems.push(problem(
                    "/table/counts",
                    format!(
                        "has {} counts; expected {rows}, one per row category",
                        counts.len()
                    ),
                ));
            }
            check_total(counts.iter(), problems);
        }
        (Cells::TwoWay(counts), Some(columns)) => {
            let width = columns.categories.len();
            if counts.len() != rows {
                problems.push(problem(
                    "/table/counts",
                    format!(
                        "has {} rows; expected {rows}, one per row category",
                        counts.len()
                    ),
                ));
            }
            for (index, row) in counts.iter().enumerate() {
                if row.len() != width {
                    problems.push(problem(
                        &format!("/table/counts/{index}"),
                        format!(
                            "has {} counts; expected {width}, one per column category",
                            row.len()
                        ),
                    ));
                }
            }
            check_total(counts.iter().flatten(), problems);
        }
        (Cells::TwoWay(_), None) => problems.push(problem(
            "/table/counts",
            "a table without columns takes a flat list of counts".to_owned(),
        )),
        (Cells::OneWay(_), Some(_)) => problems.push(problem(
            "/table/counts",
            "a table with columns takes one list of counts per row".to_owned(),
        )),
    }
}

fn check_total<'a>(mut counts: impl Iterator<Item = &'a u64>, problems: &mut Vec<Problem>) {
    let total = counts.try_fold(0u64, |sum, &c| sum.checked_add(c));
    if total.is_none_or(|t| t > MAX_TOTAL) {
        problems.push(problem(
            "/table/counts",
            format!("the counts add up to more than {MAX_TOTAL}"),
        ));
    }
}
