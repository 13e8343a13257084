use crate::support::TestApp;

#[actix_rt::test]
async fn live_and_ready_answer_up() {
    let app = TestApp::spawn().await;
    let live = app.get("/health/live", None).await;
    assert_eq!(live.status, 200);
    assert_eq!(live.body["status"], "UP");
    let ready = app.get("/health/ready", None).await;
    assert_eq!(ready.status, 200, "{}", ready.text);
    assert!(ready.headers.contains_key("x-request-id"));
}

#[actix_rt::test]
async fn ready_is_503_problem_when_the_database_is_down() {
    let app = TestApp::spawn_with(|config| {
        // nothing listens on port 9 (discard): the database is unreachable
        config.database_url = "postgres://postgres@127.0.0.1:9/nowhere".to_owned();
    })
    .await;
    let ready = app.get("/health/ready", None).await;
    let problem = ready.problem(503);
    assert!(
        !problem["detail"].as_str().unwrap().contains("127.0.0.1"),
        "no internals leak: {problem}"
    );
    // liveness does not depend on the database
    assert_eq!(app.get("/health/live", None).await.status, 200);
}

#[actix_rt::test]
async fn every_response_carries_a_request_id_and_keeps_a_sane_incoming_one() {
    let app = TestApp::spawn().await;
    let response = app
        .send(
            app.client
                .get(app.url("/health/live"))
                .header("X-Request-Id", "trace-123_abc"),
        )
        .await;
    assert_eq!(response.headers["x-request-id"], "trace-123_abc");
    let response = app
        .send(
            app.client
                .get(app.url("/health/live"))
                .header("X-Request-Id", "bad id with spaces"),
        )
        .await;
    assert_ne!(response.headers["x-request-id"], "bad id with spaces");
    assert_eq!(response.headers["x-request-id"].len(), 36);
}
