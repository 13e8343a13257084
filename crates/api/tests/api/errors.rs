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
