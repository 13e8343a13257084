//! Browsers on an allowed origin can call the API (CORS); other origins get
//! no CORS headers, and a refused preflight is a problem, not a 500.

use std::collections::BTreeSet;

use reqwest::Method;

use crate::support::{Response, TestApp};

const LOCAL_FRONTEND: &str = "http://localhost:5173";

fn set(value: &str) -> BTreeSet<String> {
    value
        .split(',')
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty())
        .collect()
}

fn names(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_ascii_lowercase()).collect()
}

async fn preflight(app: &TestApp, origin: &str, method: &str, headers: &str) -> Response {
    app.send(
        app.request(Method::OPTIONS, "/api/v1/applications", None)
            .header("Origin", origin)
            .header("Access-Control-Request-Method", method)
            .header("Access-Control-Request-Headers", headers),
    )
    .await
}

fn assert_no_cors_headers(r: &Response) {
    let cors: Vec<_> = r
        .headers
        .keys()
        .filter(|k| k.as_str().starts_with("access-control-allow"))
        .collect();
    assert!(cors.is_empty(), "no CORS grant: {cors:?}");
}

#[actix_rt::test]
async fn a_preflight_from_an_allowed_origin_is_answered() {
    let app = TestApp::spawn().await;
    let r = preflight(
        &app,
        LOCAL_FRONTEND,
        "POST",
        "authorization, if-match, idempotency-key",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("access-control-allow-origin"), LOCAL_FRONTEND);
    assert_eq!(
        set(r.header("access-control-allow-methods")),
        names(&["GET", "POST", "PUT", "PATCH", "DELETE"])
    );
    assert_eq!(
        set(r.header("access-control-allow-headers")),
        names(&[
            "authorization",
            "content-type",
            "if-match",
            "if-none-match",
            "idempotency-key",
            "accept-language",
            "x-request-id",
        ])
    );
    assert_eq!(r.header("access-control-max-age"), "3600");
    assert!(set(r.header("vary")).contains("origin"), "{:?}", r.headers);
    assert!(r.headers.get("access-control-allow-credentials").is_none());
    assert!(
        !r.header("x-request-id").is_empty(),
        "the request context too"
    );

    // any port of localhost and 127.0.0.1 in the local default
    for origin in ["http://127.0.0.1:3000", "http://localhost:8081"] {
        let r = preflight(&app, origin, "PATCH", "content-type, if-match").await;
        assert_eq!(r.status, 200, "{origin}: {}", r.text);
        assert_eq!(r.header("access-control-allow-origin"), origin);
    }
}

#[actix_rt::test]
async fn responses_to_an_allowed_origin_carry_the_origin_and_the_exposed_headers() {
    let app = TestApp::spawn().await;
    let exposed = names(&[
        "etag",
        "location",
        "x-request-id",
        "idempotent-replayed",
        "retry-after",
        "content-language",
        "content-disposition",
    ]);
    let r = app
        .send(
            app.request(Method::GET, "/api/v1/purposes", None)
                .header("Origin", LOCAL_FRONTEND),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(!r.header("etag").is_empty());
    assert_eq!(r.header("access-control-allow-origin"), LOCAL_FRONTEND);
    assert_eq!(set(r.header("access-control-expose-headers")), exposed);

    // an error too: the client must be able to read the problem
    let token = app.token(hds_api::auth::Role::Applicant);
    let r = app
        .send(
            app.request(Method::POST, "/api/v1/applications", Some(&token))
                .header("Origin", LOCAL_FRONTEND)
                .header("Content-Type", "text/plain")
                .body("x"),
        )
        .await;
    r.problem(415);
    assert_eq!(r.header("access-control-allow-origin"), LOCAL_FRONTEND);
    assert_eq!(set(r.header("access-control-expose-headers")), exposed);
}

#[actix_rt::test]
async fn a_refused_origin_gets_no_cors_headers_and_a_problem_for_its_preflight() {
    let app = TestApp::spawn().await;
    for origin in [
        "https://evil.example",
        "http://localhost.evil.example:3000",
        "https://localhost:3000",
    ] {
        let r = preflight(&app, origin, "POST", "authorization").await;
        let problem = r.problem(400);
        assert!(
            problem["type"].as_str().unwrap().ends_with("/cors-refused"),
            "{problem}"
        );
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("Origin is not allowed"),
            "{problem}"
        );
        assert_no_cors_headers(&r);

        // the actual request is served (not every client is a browser), but
        // without a grant the browser withholds it
        let r = app
            .send(
                app.request(Method::GET, "/api/v1/purposes", None)
                    .header("Origin", origin),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_no_cors_headers(&r);
    }

    // an allowed origin asking for a header the API does not take
    let r = preflight(&app, LOCAL_FRONTEND, "POST", "authorization, x-secret").await;
    let problem = r.problem(400);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("request headers are not allowed"),
        "{problem}"
    );
    assert_no_cors_headers(&r);
    // and a method it does not use
    let r = preflight(&app, LOCAL_FRONTEND, "TRACE", "authorization").await;
    r.problem(400);
    assert_no_cors_headers(&r);
}

#[actix_rt::test]
async fn a_configured_list_replaces_the_local_default() {
    let portal = "https://portal.helsedata.no";
    let app = TestApp::spawn_with(|c| c.cors_origins = vec![portal.to_owned()]).await;
    let r = preflight(&app, portal, "POST", "authorization, idempotency-key").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("access-control-allow-origin"), portal);
    for refused in [LOCAL_FRONTEND, "https://portal.helsedata.no:8443"] {
        let r = preflight(&app, refused, "POST", "authorization").await;
        r.problem(400);
        assert_no_cors_headers(&r);
    }
}

#[actix_rt::test]
async fn with_no_allowed_origin_cors_is_off() {
    // the production default
    let app = TestApp::spawn_with(|c| c.cors_origins = Vec::new()).await;
    let r = preflight(&app, LOCAL_FRONTEND, "POST", "authorization").await;
    r.problem(405);
    assert_eq!(r.header("allow"), "GET, POST");
    assert_no_cors_headers(&r);
    let r = app
        .send(
            app.request(Method::GET, "/api/v1/purposes", None)
                .header("Origin", LOCAL_FRONTEND),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_no_cors_headers(&r);
    assert!(r.headers.get("access-control-expose-headers").is_none());
}
