//! Figures and backlogs as [`Table`]s with a fixed column order, for
//! [`write_csv`](super::csv::write_csv). Column names are the API's JSON
//! names (camelCase); the overall row has dimension `ALL` and an empty group.

use super::backlog::{Backlog, BacklogReport, BacklogStage};
use super::csv::{Cell, Table};
use super::figures::{PeriodFigures, Report};
use super::percentile::Durations;

/// The columns of [`report_table`], in order.
pub const REPORT_COLUMNS: [&str; 32] = [
    "period",
    "dimension",
    "group",
    "received",
    "changeRequests",
    "completed",
    "decided",
    "decidedGranted",
    "decidedPartlyGranted",
    "decidedRefused",
    "rejectedNoReply",
    "withdrawn",
    "appealsReceived",
    "appealsReversed",
    "appealsRejectionLifted",
    "appealsUpheld",
    "dataMadeAvailable",
    "dataCannotDeliver",
    "receivedToCompleteCount",
    "receivedToCompleteMedian",
    "receivedToCompleteP90",
    "completeToDecisionCount",
    "completeToDecisionMedian",
    "completeToDecisionP90",
    "completeToDataCount",
    "completeToDataMedian",
    "completeToDataP90",
    "clockStopped",
    "withinDeadline",
    "withinDeadlinePercent",
    "postponed",
    "overdueAtEnd",
];

/// The label of the overall row's dimension.
pub const OVERALL: &str = "ALL";

fn durations(d: &Durations) -> [Cell; 3] {
    [
        Cell::count(d.count),
        Cell::maybe(d.median),
        Cell::maybe(d.p90),
    ]
}

fn figure_cells(f: &PeriodFigures) -> Vec<Cell> {
    let c = &f.counts;
    let t = &f.processing_times;
    let d = &f.deadlines;
    let mut cells = vec![
        Cell::count(c.received),
        Cell::count(c.change_requests),
        Cell::count(c.completed),
        Cell::count(c.decided.total()),
        Cell::count(c.decided.granted),
        Cell::count(c.decided.partly_granted),
        Cell::count(c.decided.refused),
        Cell::count(c.rejected_no_reply),
        Cell::count(c.withdrawn),
        Cell::count(c.appeals.received),
        Cell::count(c.appeals.reversed),
        Cell::count(c.appeals.rejection_lifted),
        Cell::count(c.appeals.upheld),
        Cell::count(c.data_made_available),
        Cell::count(c.data_cannot_deliver),
    ];
    cells.extend(durations(&t.received_to_complete));
    cells.extend(durations(&t.complete_to_decision));
    cells.extend(durations(&t.complete_to_data));
    cells.extend([
        Cell::count(d.clock_stopped),
        Cell::count(d.within_deadline),
        d.share_within_deadline()
            .map_or(Cell::Empty, |share| Cell::Decimal {
                value: share * 100.0,
                places: 1,
            }),
        Cell::count(d.postponed),
        Cell::count(d.overdue_at_end),
    ]);
    cells
}

/// The report as a table: the overall row, then one row per group, in the
/// report's order. Columns: [`REPORT_COLUMNS`]; `withinDeadlinePercent`
/// has one decimal and is empty when no clock stopped; medians and 90th
/// percentiles are empty when nothing was counted.
pub fn report_table(report: &Report) -> Table {
    let period = report.period.to_string();
    let row = |dimension: &str, group: &str, f: &PeriodFigures| {
        let mut cells = vec![
            Cell::Text(period.clone()),
            Cell::Text(dimension.to_owned()),
            Cell::Text(group.to_owned()),
        ];
        cells.extend(figure_cells(f));
        cells
    };
    let mut rows = vec![row(OVERALL, "", &report.overall)];
    rows.extend(
        report
            .groups
            .iter()
            .map(|g| row(g.dimension.as_str(), &g.key, &g.figures)),
    );
    Table {
        columns: REPORT_COLUMNS.iter().map(|c| (*c).to_owned()).collect(),
        rows,
    }
}

/// The backlog as a table: the overall row, then one row per group.
/// Columns: `date`, `dimension`, `group`, `total`, `overdue`, one per stage
/// (its code, in [`BacklogStage::ALL`] order), one per age bucket (its
/// label, e.g. `0-30`, youngest first).
pub fn backlog_table(report: &BacklogReport) -> Table {
    let overall = &report.overall;
    let mut columns: Vec<String> = ["date", "dimension", "group", "total", "overdue"]
        .iter()
        .map(|c| (*c).to_owned())
        .collect();
    columns.extend(BacklogStage::ALL.iter().map(|s| s.as_str().to_owned()));
    columns.extend(overall.by_age.iter().map(|(b, _)| b.label()));
    let row = |dimension: &str, group: &str, b: &Backlog| {
        let mut cells = vec![
            Cell::Date(b.on),
            Cell::Text(dimension.to_owned()),
            Cell::Text(group.to_owned()),
            Cell::count(b.total),
            Cell::count(b.overdue),
        ];
        cells.extend(b.by_stage.iter().map(|(_, n)| Cell::count(*n)));
        cells.extend(b.by_age.iter().map(|(_, n)| Cell::count(*n)));
        cells
    };
    let mut rows = vec![row(OVERALL, "", overall)];
    rows.extend(
        report
            .groups
            .iter()
            .map(|g| row(g.dimension.as_str(), &g.key, &g.backlog)),
    );
    Table { columns, rows }
}
