//! Malformed requests get problem+json with the right status, never the
//! framework's plain-text default.

use crate::support::TestApp;

#[actix_rt::test]
async fn unknown_route_is_404_problem() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/no-such-thing", None).await;
    let problem = response.problem(404);
    assert_eq!(problem["instance"], "/api/v1/no-such-thing");
    app.get("/", None).await.problem(404);
}

#[actix_rt::test]
async fn wrong_method_is_405_problem_with_allow() {
    let app = TestApp::spawn().await;
    let response = app.send(app.client.delete(app.url("/api/v1/me"))).await;
    response.problem(405);
    assert_eq!(response.headers["allow"], "GET");
}

const JSON_PATH: &str = "/api/v1/disclosure-control";

#[actix_rt::test]
async fn malformed_json_is_400_problem() {
    let app = TestApp::spawn().await;
    let r = app
        .send(
            app.client
                .post(app.url(JSON_PATH))
                .header("Content-Type", "application/json")
                .body("{\"method\": "),
        )
        .await;
    let problem = r.problem(400);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("not valid JSON"),
        "{problem}"
    );
}

#[actix_rt::test]
async fn a_body_that_is_not_json_is_415_problem() {
    let app = TestApp::spawn().await;
    let r = app
        .send(
            app.client
                .post(app.url(JSON_PATH))
                .header("Content-Type", "text/plain")
                .body("hello"),
        )
        .await;
    r.problem(415);
    let r = app
        .send(app.client.post(app.url(JSON_PATH)).body("{}"))
        .await;
    r.problem(415);
}

#[actix_rt::test]
async fn an_oversized_body_is_413_problem() {
    let app = TestApp::spawn_with(|c| c.max_json_bytes = 1000).await;
    let big = serde_json::json!({"method": "SUPPRESS", "padding": "x".repeat(5000)});
    let r = app.post_json(JSON_PATH, None, &big).await;
    r.problem(413);
}

#[actix_rt::test]
async fn wrong_types_missing_and_unknown_fields_are_422_with_pointers() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            serde_json::json!({"method": "SUPPRESS", "table": {"rows": {"name": 7, "categories": []}, "counts": []}}),
            "/table/rows/name",
            "INVALID_TYPE",
        ),
        (
            serde_json::json!({"method": "SUPPRESS"}),
            "/table",
            "REQUIRED",
        ),
        (
            serde_json::json!({"method": "SUPPRESS", "colour": "blue", "table": {"rows": {"name": "a", "categories": []}, "counts": []}}),
            "/colour",
            "UNKNOWN_FIELD",
        ),
    ];
    for (body, pointer, code) in cases {
        let r = app.post_json(JSON_PATH, None, &body).await;
        let problem = r.problem(422);
        assert_eq!(problem["errors"][0]["pointer"], pointer, "{problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{problem}");
    }
}
