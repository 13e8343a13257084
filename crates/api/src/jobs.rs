//! The job runner: the scheduled case rules (reminders, rejections for no
//! reply, overdue flags), run by `hds run-jobs --at <instant>` and every
//! minute by `serve`. The rules themselves are
//! [`hds_persistence::cases::run_due_jobs`].

use std::fmt::Write as _;
use std::time::Duration;

use actix_web::web;
use diesel::PgConnection;
use hds_persistence::cases::{run_due_jobs, JobReport};
use hds_persistence::StoreError;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::config::Config;
use crate::state::{case_rules, AppState};

/// How often `serve` runs the rules.
pub const INTERVAL: Duration = Duration::from_secs(60);

/// Runs every rule due at `at`.
pub fn run(
    config: &Config,
    conn: &mut PgConnection,
    at: OffsetDateTime,
) -> Result<JobReport, StoreError> {
    let rules = case_rules(config, conn)?;
    run_due_jobs(conn, at, &rules)
}

/// A one-paragraph report for operators.
pub fn describe(report: &JobReport) -> String {
    let at = report
        .at
        .and_then(|a| a.format(&Rfc3339).ok())
        .unwrap_or_default();
    let on = report.on.map(|d| d.to_string()).unwrap_or_default();
    let mut out = format!(
        "run-jobs at {at} (Oslo date {on}): {} reminder(s), {} rejection(s) for no reply, {} overdue flag(s), {} error(s)",
        report.reminders.len(),
        report.rejections.len(),
        report.overdue.len(),
        report.errors.len()
    );
    for (what, list) in [
        ("reminder", &report.reminders),
        ("rejected", &report.rejections),
        ("overdue", &report.overdue),
    ] {
        for number in list {
            let _ = write!(out, "\n  {what}: {number}");
        }
    }
    for (number, why) in &report.errors {
        let _ = write!(out, "\n  error: {number}: {why}");
    }
    out
}

/// One run of the rules at the clock's instant, as `serve` does it: counted
/// in the metrics (runs, and what they did) and logged when it acted.
pub async fn run_once(state: &AppState) {
    let db = state.db.clone();
    let config = state.config.clone();
    let at = state.clock.now();
    let result = web::block(move || {
        let mut conn = db.conn()?;
        let result = run(&config, &mut conn, at);
        hds_persistence::db::check_next_time_if_failed(&mut conn, &result);
        result
    })
    .await;
    state
        .metrics
        .job_run(result.as_ref().ok().and_then(|r| r.as_ref().ok()));
    match result {
        Ok(Ok(report)) if report.acted() > 0 || !report.errors.is_empty() => {
            log::info!("{}", describe(&report));
        }
        Ok(Ok(_)) => {}
        Ok(Err(e)) => log::warn!("scheduled case rules failed: {e}"),
        Err(e) => log::warn!("scheduled case rules could not run: {e}"),
    }
}

/// Runs the rules every minute on the actix runtime (blocking work on the
/// thread pool). Several server processes may do this at once: the rules
/// claim rows with `FOR UPDATE SKIP LOCKED` and are idempotent.
pub fn spawn_every_minute(state: web::Data<AppState>) {
    actix_web::rt::spawn(async move {
        let mut interval = actix_web::rt::time::interval(INTERVAL);
        loop {
            interval.tick().await;
            if state.ready.is_ready() {
                run_once(&state).await;
            }
        }
    });
}
