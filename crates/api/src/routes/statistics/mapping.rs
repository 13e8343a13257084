//! The domain's figures and backlogs as the API's views.

use hds_domain::statistics::{Backlog, BacklogReport, Durations, PeriodFigures, Report};
use hds_persistence::statistics::invoiced::Invoiced;

use super::query::dto;
use super::views::{
    AgeCountView, AppealsView, BacklogFiguresView, BacklogView, DeadlinesView, DurationsView,
    FiguresView, GroupBacklogView, GroupFiguresView, InvoicedView, MoneyView, OutcomesView,
    ProcessingTimesView, StageCountView, StatisticsView,
};

fn durations(d: &Durations) -> DurationsView {
    DurationsView {
        count: d.count,
        median: d.median,
        p90: d.p90,
    }
}

/// A share as a percentage with one decimal.
fn percent(share: f64) -> f64 {
    (share * 1000.0).round() / 10.0
}

fn figures(f: &PeriodFigures) -> FiguresView {
    let c = &f.counts;
    let t = &f.processing_times;
    let d = &f.deadlines;
    FiguresView {
        received: c.received,
        change_requests: c.change_requests,
        completed: c.completed,
        decided: OutcomesView {
            total: c.decided.total(),
            granted: c.decided.granted,
            partly_granted: c.decided.partly_granted,
            refused: c.decided.refused,
        },
        rejected_no_reply: c.rejected_no_reply,
        withdrawn: c.withdrawn,
        appeals: AppealsView {
            received: c.appeals.received,
            reversed: c.appeals.reversed,
            rejection_lifted: c.appeals.rejection_lifted,
            upheld: c.appeals.upheld,
        },
        data_made_available: c.data_made_available,
        data_cannot_deliver: c.data_cannot_deliver,
        processing_times: ProcessingTimesView {
            received_to_complete: durations(&t.received_to_complete),
            complete_to_decision: durations(&t.complete_to_decision),
            complete_to_data: durations(&t.complete_to_data),
        },
        deadlines: DeadlinesView {
            clock_stopped: d.clock_stopped,
            within_deadline: d.within_deadline,
            within_deadline_percent: d.share_within_deadline().map(percent),
            postponed: d.postponed,
            overdue_at_end: d.overdue_at_end,
        },
    }
}

/// Øre as kroner with two decimals.
pub fn money(ore: i64) -> MoneyView {
    let sign = if ore < 0 { "-" } else { "" };
    let abs = ore.unsigned_abs();
    MoneyView {
        ore,
        nok: format!("{sign}{}.{:02}", abs / 100, abs % 100),
    }
}

fn invoiced(i: &Invoiced) -> InvoicedView {
    let hours = money(i.hours_hundredths).nok;
    InvoicedView {
        party: i.party.clone(),
        invoices: i.invoices,
        hours,
        excluding_vat: money(i.excluding_vat_ore),
        including_vat: money(i.including_vat_ore),
        credit_notes: i.credit_notes,
        credited: money(i.credited_ore),
    }
}

/// The report and what was invoiced as the statistics view.
pub fn statistics_view(report: &Report, invoices: &[Invoiced]) -> StatisticsView {
    StatisticsView {
        period: report.period.to_string(),
        from: report.period.first(),
        to: report.period.last(),
        overall: figures(&report.overall),
        groups: report
            .groups
            .iter()
            .map(|g| GroupFiguresView {
                dimension: dto(g.dimension),
                group: g.key.clone(),
                figures: figures(&g.figures),
            })
            .collect(),
        invoiced: invoices.iter().map(invoiced).collect(),
    }
}

fn backlog_figures(b: &Backlog) -> BacklogFiguresView {
    BacklogFiguresView {
        total: b.total,
        overdue: b.overdue,
        by_stage: b
            .by_stage
            .iter()
            .map(|(stage, count)| StageCountView {
                stage: stage.as_str().to_owned(),
                count: *count,
                by_age: b
                    .by_stage_and_age
                    .iter()
                    .find(|(s, _)| s == stage)
                    .map(|(_, ages)| ages.clone())
                    .unwrap_or_default(),
            })
            .collect(),
        by_age: b
            .by_age
            .iter()
            .map(|(bucket, count)| AgeCountView {
                bucket: bucket.label(),
                from: bucket.from,
                to: bucket.to,
                count: *count,
            })
            .collect(),
    }
}

/// The backlog report as the backlog view.
pub fn backlog_view(report: &BacklogReport) -> BacklogView {
    BacklogView {
        on: report.overall.on,
        overall: backlog_figures(&report.overall),
        groups: report
            .groups
            .iter()
            .map(|g| GroupBacklogView {
                dimension: dto(g.dimension),
                group: g.key.clone(),
                backlog: backlog_figures(&g.backlog),
            })
            .collect(),
    }
}
