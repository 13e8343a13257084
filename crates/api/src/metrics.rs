//! What operators measure: `GET /metrics` in the Prometheus text format
//! (0.0.4, written by `prometheus-client`).
//!
//! An operator endpoint beside `/health/*`, outside `/api/v1` and outside
//! the contract: on in the local default, off in production unless
//! `HDS_METRICS=true` (then a 404 like any unknown path). It needs no token;
//! put it where only the scraper reaches it. Requests are counted by route
//! *template* (`/api/v1/cases/{id}`), never by path: no ids, no numbers a
//! caller typed.

use std::time::Duration;

use actix_web::{web, HttpResponse};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::state::AppState;
use crate::webhook_dispatch::DispatchReport;

/// Where the metrics are served.
pub const PATH: &str = "/metrics";

/// A request's labels: the route template, the method and the status.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

/// One label naming what happened (an outcome, a kind of action).
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Kind {
    kind: &'static str,
}

fn latency_histogram() -> Histogram {
    // 1 ms .. ~16 s
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// Every metric of the process, registered once.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram, fn() -> Histogram>,
    pool_connections: Gauge,
    pool_idle: Gauge,
    pool_waiting: Gauge,
    db_statements: Counter,
    job_runs: Family<Kind, Counter>,
    job_actions: Family<Kind, Counter>,
    webhook_outbox: Gauge,
    webhook_attempts: Family<Kind, Counter>,
    webhook_disabled: Counter,
    feed_waiters: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("hds");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by route template, method and status",
            requests.clone(),
        );
        let latency = Family::<RequestLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time from request to response, by route template, method and status",
            latency.clone(),
        );
        let pool_connections = Gauge::default();
        registry.register(
            "db_pool_connections",
            "Open database connections (in use or idle)",
            pool_connections.clone(),
        );
        let pool_idle = Gauge::default();
        registry.register(
            "db_pool_idle_connections",
            "Idle database connections",
            pool_idle.clone(),
        );
        let pool_waiting = Gauge::default();
        registry.register(
            "db_pool_waiting",
            "Callers waiting for a database connection",
            pool_waiting.clone(),
        );
        let db_statements = Counter::default();
        registry.register(
            "db_statements",
            "Statements sent to PostgreSQL (BEGIN and COMMIT included, connection checks not)",
            db_statements.clone(),
        );
        let job_runs = Family::<Kind, Counter>::default();
        registry.register(
            "job_runs",
            "Runs of the scheduled case rules by outcome (ok, failed)",
            job_runs.clone(),
        );
        let job_actions = Family::<Kind, Counter>::default();
        registry.register(
            "job_actions",
            "What the scheduled case rules did (reminder, rejection, overdue, error)",
            job_actions.clone(),
        );
        let webhook_outbox = Gauge::default();
        registry.register(
            "webhook_outbox_pending",
            "Webhook deliveries waiting to be sent (all processes)",
            webhook_outbox.clone(),
        );
        let webhook_attempts = Family::<Kind, Counter>::default();
        registry.register(
            "webhook_attempts",
            "Webhook delivery attempts by outcome (delivered, retrying, abandoned)",
            webhook_attempts.clone(),
        );
        let webhook_disabled = Counter::default();
        registry.register(
            "webhook_endpoints_disabled",
            "Webhook endpoints disabled for failing too long",
            webhook_disabled.clone(),
        );
        let feed_waiters = Gauge::default();
        registry.register(
            "feed_long_poll_waiters",
            "Feed readers waiting in a long-poll",
            feed_waiters.clone(),
        );
        // every series of a known kind from the start, so that a scrape
        // shows each family (at 0) before anything happened
        for kind in ["ok", "failed"] {
            drop(job_runs.get_or_create(&Kind { kind }));
        }
        for kind in ["reminder", "rejection", "overdue", "error"] {
            drop(job_actions.get_or_create(&Kind { kind }));
        }
        for kind in ["delivered", "retrying", "abandoned"] {
            drop(webhook_attempts.get_or_create(&Kind { kind }));
        }
        Self {
            registry,
            requests,
            latency,
            pool_connections,
            pool_idle,
            pool_waiting,
            db_statements,
            job_runs,
            job_actions,
            webhook_outbox,
            webhook_attempts,
            webhook_disabled,
            feed_waiters,
        }
    }

    /// Counts one request under its route template.
    pub fn request(&self, route: &str, method: &str, status: u16, took: Duration) {
        let labels = RequestLabels {
            route: route.to_owned(),
            method: method.to_owned(),
            status,
        };
        self.requests.get_or_create(&labels).inc();
        self.latency
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
    }

    /// One run of the scheduled case rules.
    pub fn job_run(&self, report: Option<&hds_persistence::cases::JobReport>) {
        let Some(report) = report else {
            self.job_runs.get_or_create(&Kind { kind: "failed" }).inc();
            return;
        };
        self.job_runs.get_or_create(&Kind { kind: "ok" }).inc();
        for (kind, n) in [
            ("reminder", report.reminders.len()),
            ("rejection", report.rejections.len()),
            ("overdue", report.overdue.len()),
            ("error", report.errors.len()),
        ] {
            self.job_actions
                .get_or_create(&Kind { kind })
                .inc_by(count(n));
        }
    }

    /// One dispatch round of webhooks.
    pub fn webhooks(&self, report: &DispatchReport) {
        for (kind, n) in [
            ("delivered", report.delivered),
            ("retrying", report.retrying),
            ("abandoned", report.abandoned),
        ] {
            self.webhook_attempts
                .get_or_create(&Kind { kind })
                .inc_by(count(n));
        }
        self.webhook_disabled.inc_by(count(report.disabled));
    }

    /// A feed reader starts waiting; it stops when the guard is dropped
    /// (answered, timed out, or the client went away).
    pub fn feed_waiter(&self) -> FeedWaiter<'_> {
        self.feed_waiters.inc();
        FeedWaiter(self)
    }

    /// The text of a scrape.
    fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// A waiting feed reader (see [`Metrics::feed_waiter`]).
pub struct FeedWaiter<'a>(&'a Metrics);

impl Drop for FeedWaiter<'_> {
    fn drop(&mut self) {
        self.0.feed_waiters.dec();
    }
}

fn gauge(value: impl TryInto<i64>) -> i64 {
    value.try_into().unwrap_or(i64::MAX)
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// `GET /metrics`: reads the pool and the outbox, then writes every metric.
pub async fn serve(state: web::Data<AppState>) -> HttpResponse {
    let metrics = &state.metrics;
    let pool = state.db.stats();
    metrics.pool_connections.set(gauge(pool.connections));
    metrics.pool_idle.set(gauge(pool.idle));
    metrics.pool_waiting.set(gauge(pool.waiting));
    metrics
        .db_statements
        .inner()
        .store(pool.statements, std::sync::atomic::Ordering::Relaxed);
    // the outbox needs the database; without it the last figure stays
    if let Ok(depth) = state
        .run(|conn| Ok(hds_persistence::webhooks::outbox_depth(conn)?))
        .await
    {
        metrics.webhook_outbox.set(depth);
    }
    match metrics.encode() {
        Ok(text) => HttpResponse::Ok()
            .content_type(prometheus_client::encoding::prometheus_text::CONTENT_TYPE)
            .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
            .body(text),
        Err(e) => actix_web::ResponseError::error_response(&crate::error::ApiError::internal(
            format!("metrics: {e}"),
        )),
    }
}
