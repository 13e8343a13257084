//! `GET /metrics`: the Prometheus text format, by route template.

use hds_api::auth::Role;

use crate::support::TestApp;

/// The value of one sample line (`name{labels} value`), if present.
fn sample(text: &str, name_and_labels: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(name_and_labels)?.trim().parse().ok())
}

#[actix_rt::test]
async fn metrics_count_requests_by_route_template_and_show_every_family() {
    let app = TestApp::spawn().await;
    app.get("/api/v1/purposes", None).await;
    let first = app.get("/metrics", None).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(
        first.content_type(),
        "text/plain; version=0.0.4; charset=utf-8"
    );
    for family in [
        "# TYPE hds_http_requests_total counter",
        "# TYPE hds_http_request_duration_seconds histogram",
        "# TYPE hds_db_pool_connections gauge",
        "# TYPE hds_db_pool_idle_connections gauge",
        "# TYPE hds_db_pool_waiting gauge",
        "# TYPE hds_db_statements_total counter",
        "# TYPE hds_job_runs_total counter",
        "# TYPE hds_job_actions_total counter",
        "# TYPE hds_webhook_outbox_pending gauge",
        "# TYPE hds_webhook_attempts_total counter",
        "# TYPE hds_webhook_endpoints_disabled_total counter",
        "# TYPE hds_feed_long_poll_waiters gauge",
    ] {
        assert!(
            first.text.contains(family),
            "{family} missing:\n{}",
            first.text
        );
    }

    let series =
        r#"hds_http_requests_total{route="/api/v1/custodians/{code}",method="GET",status="404"}"#;
    let before = sample(&first.text, series).unwrap_or(0.0);
    let fnr = "15058550040";
    for _ in 0..2 {
        app.get(&format!("/api/v1/custodians/{fnr}"), None)
            .await
            .problem(404);
    }
    let token = app.token(Role::Applicant);
    app.get("/api/v1/me", Some(&token)).await;
    let after = app.get("/metrics", None).await.text;
    assert_eq!(sample(&after, series), Some(before + 2.0), "{after}");
    let histogram = r#"hds_http_request_duration_seconds_count{route="/api/v1/custodians/{code}",method="GET",status="404"}"#;
    assert_eq!(sample(&after, histogram), Some(before + 2.0));
    assert!(after.contains(r#"route="/api/v1/me",method="GET",status="200""#));
    // the template, never the path: no ids, no numbers a caller typed
    assert!(!after.contains(fnr));
    assert!(!after.contains("/api/v1/custodians/1"));
    // the pool has opened a connection by now
    assert!(
        sample(&after, "hds_db_pool_connections").unwrap() >= 1.0,
        "{after}"
    );
    assert_eq!(sample(&after, "hds_webhook_outbox_pending"), Some(0.0));
}

#[actix_rt::test]
async fn metrics_are_off_unless_configured() {
    let app = TestApp::spawn_with(|config| config.metrics = false).await;
    app.get("/metrics", None).await.problem(404);
}

/// The value of `name_and_labels` once a scrape shows `want` (a bounded
/// number of scrapes, for a gauge that another task moves).
async fn scrape_until(app: &TestApp, name_and_labels: &str, want: f64) -> Option<f64> {
    let mut seen = None;
    for _ in 0..200 {
        seen = sample(&app.get("/metrics", None).await.text, name_and_labels);
        if seen == Some(want) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    seen
}

#[actix_rt::test]
async fn metrics_count_job_runs_and_waiting_feed_readers() {
    let app = TestApp::spawn().await;
    // a run of the scheduled rules, as `serve` makes it every minute
    hds_api::jobs::run_once(&app.state).await;
    hds_api::jobs::run_once(&app.state).await;
    let text = app.get("/metrics", None).await.text;
    assert_eq!(
        sample(&text, r#"hds_job_runs_total{kind="ok"}"#),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, r#"hds_job_runs_total{kind="failed"}"#),
        Some(0.0)
    );
    assert_eq!(
        sample(&text, r#"hds_job_actions_total{kind="overdue"}"#),
        Some(0.0)
    );

    // a feed reader waiting in a long-poll is counted while it waits
    assert_eq!(
        sample(&text, "hds_feed_long_poll_waiters"),
        Some(0.0),
        "{text}"
    );
    let staff = app.token(Role::CaseHandler);
    let url = app.url("/api/v1/events?after=0&wait=20");
    let client = app.client.clone();
    let poll = tokio::spawn(async move {
        let r = client.get(url).bearer_auth(staff).send().await.unwrap();
        r.status().as_u16()
    });
    assert_eq!(
        scrape_until(&app, "hds_feed_long_poll_waiters", 1.0).await,
        Some(1.0)
    );
    crate::events::append(&app, "no.helsedata.case.received", None);
    assert_eq!(poll.await.unwrap(), 200);
    assert_eq!(
        scrape_until(&app, "hds_feed_long_poll_waiters", 0.0).await,
        Some(0.0)
    );
}
