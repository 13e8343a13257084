//! Reading every case's history once when the server starts, so that the
//! first statistics, backlog or expected-dates request after a start does
//! not pay for the full read (about 2 s at 100,000 cases,
//! docs/benchmarks.md); later changes are read case by case
//! ([`histories::load_all`]).

use std::time::{Duration, Instant};

use actix_web::web;
use hds_persistence::statistics::histories;

use crate::state::AppState;

/// How often to look whether start-up migrations have finished.
const POLL: Duration = Duration::from_millis(500);

/// Once the database is ready, reads every case's history into the cache
/// on the blocking pool, then stops. A failure is logged and left to the
/// first request, which reads the histories itself.
pub fn spawn_case_histories(state: web::Data<AppState>) {
    actix_web::rt::spawn(async move {
        while !state.ready.is_ready() {
            actix_web::rt::time::sleep(POLL).await;
        }
        let db = state.db.clone();
        let started = Instant::now();
        let loaded = web::block(move || {
            let mut conn = db.conn()?;
            histories::load_all(&mut conn).map(|h| h.len())
        })
        .await;
        match loaded {
            Ok(Ok(cases)) => log::info!(
                "case histories read for the statistics: {cases} cases in {} ms",
                started.elapsed().as_millis()
            ),
            Ok(Err(e)) => log::warn!("case histories not read at start: {e}"),
            Err(e) => log::warn!("case histories not read at start: {e}"),
        }
    });
}
