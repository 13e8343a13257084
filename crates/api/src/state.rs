//! What every handler can reach.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use actix_web::web;
use hds_domain::calendar::WorkingDayCalendar;
use hds_domain::case::CaseRules;
use hds_persistence::{Db, DbConn};

use crate::auth::dev_issuer::DevIssuer;
use crate::auth::Authenticator;
pub use crate::clock::Clock;
use crate::config::Config;
use crate::error::ApiError;
use crate::feed_listener::FeedNotifier;
use crate::metrics::Metrics;
use crate::task_counters::TaskCounters;

pub struct AppState {
    pub config: Arc<Config>,
    /// The time commands are dated with (the system clock; tests set it).
    pub clock: Clock,
    pub db: Db,
    /// Verifies bearer tokens; also registered on its own as app data, so
    /// that the `Principal` extractor needs nothing else of the state.
    pub auth: web::Data<Authenticator>,
    pub dev_issuer: Option<Arc<DevIssuer>>,
    /// Wakes long-polling feed readers.
    pub feed: Arc<FeedNotifier>,
    /// Reads the task change counters of polls that arrive together at once.
    pub task_counters: TaskCounters,
    /// Whether start-up work on the database (migrations, reference data)
    /// is done; until it is, nothing touches the database (503).
    pub ready: Readiness,
    /// What `/metrics` shows.
    pub metrics: Arc<Metrics>,
}

/// Whether the process may use the database yet. Cheap to clone; clones
/// share the setting.
#[derive(Debug, Clone, Default)]
pub struct Readiness(Arc<AtomicBool>);

impl Readiness {
    pub fn new(ready: bool) -> Self {
        Self(Arc::new(AtomicBool::new(ready)))
    }

    pub fn is_ready(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    pub fn set_ready(&self) {
        self.0.store(true, Ordering::Release);
    }
}

/// The case rules: the working-day calendar (the Saturdays setting and the
/// closure days in the database) and the pause setting.
pub fn case_rules(
    config: &Config,
    conn: &mut diesel::PgConnection,
) -> Result<CaseRules, hds_persistence::StoreError> {
    Ok(CaseRules {
        calendar: WorkingDayCalendar {
            saturdays_are_working_days: config.saturdays_are_working_days,
            closure_days: hds_persistence::calendar::closure_day_set(conn)?,
        },
        pause_clock_while_awaiting_applicant: config.pause_clock_while_awaiting_applicant,
    })
}

impl AppState {
    /// Runs blocking database work on the thread pool, with a pooled connection.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
    {
        if !self.ready.is_ready() {
            return Err(ApiError::unavailable(
                "starting: the database is not migrated yet",
            ));
        }
        let db = self.db.clone();
        web::block(move || {
            let mut conn = db.conn()?;
            let result = work(&mut conn);
            hds_persistence::db::check_next_time_if_failed(&mut conn, &result);
            result
        })
        .await?
    }
}
