//! A wrong method is a 405 whose `Allow` lists exactly the methods of the
//! route that matched: the most specific one, not every template that fits.

use reqwest::Method;

use crate::support::TestApp;

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

async fn allow(app: &TestApp, method: &str, path: &str) -> String {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let response = app.send(app.request(method.clone(), path, None)).await;
    response.problem(405);
    assert_eq!(
        response.body["instance"], path,
        "{method} {path}: {}",
        response.text
    );
    response.header("allow").to_owned()
}

#[actix_rt::test]
async fn a_literal_route_is_not_mixed_with_its_placeholder_sibling() {
    let app = TestApp::spawn().await;
    let import = "/api/v1/data-sources/MFR/variables/import";
    // the issue: OPTIONS here answered `Allow: GET, POST, PUT` ({name} too)
    assert_eq!(allow(&app, "OPTIONS", import).await, "POST");
    assert_eq!(allow(&app, "GET", import).await, "POST");
    assert_eq!(allow(&app, "PUT", import).await, "POST");
    // the placeholder sibling keeps its own methods
    assert_eq!(
        allow(
            &app,
            "DELETE",
            "/api/v1/data-sources/MFR/variables/MOR_ALDER"
        )
        .await,
        "GET, PUT"
    );
    assert_eq!(
        allow(&app, "POST", "/api/v1/data-sources/MFR/variables/MOR_ALDER").await,
        "GET, PUT"
    );
    assert_eq!(
        allow(
            &app,
            "GET",
            "/api/v1/data-sources/MFR/variables/import/retire"
        )
        .await,
        "POST"
    );
}

#[actix_rt::test]
async fn a_few_resources_answer_a_wrong_method_with_their_own_methods() {
    let app = TestApp::spawn().await;
    for (method, path, expected) in [
        ("PUT", "/api/v1/applications", "GET, POST"),
        ("OPTIONS", "/api/v1/applications", "GET, POST"),
        (
            "DELETE",
            "/api/v1/applications/8c1c3a5e-0000-4000-8000-000000000001",
            "GET, PATCH",
        ),
        (
            "GET",
            "/api/v1/applications/8c1c3a5e-0000-4000-8000-000000000001/submit",
            "POST",
        ),
        ("PATCH", "/api/v1/webhooks/abc", "GET, DELETE"),
        ("GET", "/api/v1/disclosure-control", "POST"),
        ("POST", "/api/v1/me", "GET"),
        ("DELETE", "/api/v1/openapi.json", "GET"),
        ("POST", "/health/ready", "GET"),
    ] {
        assert_eq!(allow(&app, method, path).await, expected, "{method} {path}");
    }
    // no route at all is a 404, not a 405 with an empty Allow
    let r = app
        .send(app.request(Method::DELETE, "/api/v1/data-sources/MFR/nothing", None))
        .await;
    r.problem(404);
    assert!(r.headers.get("allow").is_none());
}

/// Every path of the contract, with each placeholder filled in: each method
/// the contract declares reaches a handler (not 405), and each other method
/// is a 405 listing exactly the declared ones. This holds the table to the
/// router: a template that a sibling shadows, or an `Allow` that is a union,
/// fails here.
#[actix_rt::test]
async fn allow_agrees_with_the_router_on_every_path_of_the_contract() {
    let app = TestApp::spawn().await;
    let spec = app.get("/api/v1/openapi.json", None).await.body;
    let paths = spec["paths"].as_object().unwrap();
    assert!(paths.len() > 40, "the whole contract: {}", paths.len());
    for (template, item) in paths {
        let path = template
            .split('/')
            .map(|s| if s.starts_with('{') { "sample" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let declared: Vec<&str> = METHODS
            .into_iter()
            .filter(|m| item.get(m.to_ascii_lowercase()).is_some())
            .collect();
        let expected = declared.join(", ");
        for method in METHODS {
            if declared.contains(&method) {
                let m = Method::from_bytes(method.as_bytes()).unwrap();
                let r = app.send(app.request(m, &path, None)).await;
                assert_ne!(r.status, 405, "{method} {path} is declared: {}", r.text);
            } else {
                assert_eq!(
                    allow(&app, method, &path).await,
                    expected,
                    "{method} {path}"
                );
            }
        }
    }
}
