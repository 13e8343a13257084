//! Languages: problems are in bokmål unless `Accept-Language` asks for
//! English (q-values weighed; nn and no are bokmål), say so in
//! `Content-Language`, and only they carry `Vary: Accept-Language`.
//! ETags: the case timeline, like every changeable read, answers 304.

use reqwest::Method;
use serde_json::json;

use crate::applications::{complete_identifiable, create, submit, token, OWNER};
use crate::support::{Response, TestApp};

/// A request from a client that sends no `Accept-Language` unless told.
fn request(app: &TestApp, method: Method, path: &str, token: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(token)
}

async fn send(app: &TestApp, r: reqwest::RequestBuilder, language: Option<&str>) -> Response {
    let r = match language {
        Some(l) => r.header("Accept-Language", l),
        None => r,
    };
    app.send(r).await
}

fn vary(r: &Response) -> String {
    r.headers
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().unwrap().to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(", ")
}

fn says(r: &Response, status: u16, lang: &str, title: &str) {
    let p = r.problem(status);
    assert_eq!(p["title"], title, "{}", r.text);
    assert_eq!(r.header("content-language"), lang, "{:?}", r.headers);
    assert!(vary(r).contains("accept-language"), "{:?}", r.headers);
}

#[actix_rt::test]
async fn a_404_is_in_bokmal_by_default_and_in_english_on_request() {
    let app = TestApp::spawn().await;
    let t = token(&app, OWNER);
    let path = "/api/v1/applications/3f0e1f8a-2b1c-4d5e-8f90-123456789abc";
    let get = || request(&app, Method::GET, path, &t);

    let r = send(&app, get(), None).await;
    says(&r, 404, "nb", "Finnes ikke");
    assert_eq!(r.body["detail"], "finnes ikke");
    says(&send(&app, get(), Some("en")).await, 404, "en", "Not found");
    says(
        &send(&app, get(), Some("en-GB,en;q=0.9")).await,
        404,
        "en",
        "Not found",
    );
    // nynorsk and "no" fall back to bokmål; an unknown language too
    for lang in ["nn", "no", "nb-NO", "sv", "*"] {
        says(
            &send(&app, get(), Some(lang)).await,
            404,
            "nb",
            "Finnes ikke",
        );
    }
    // the q-values decide, not the order
    says(
        &send(&app, get(), Some("en;q=0.3, nb;q=0.9")).await,
        404,
        "nb",
        "Finnes ikke",
    );
    says(
        &send(&app, get(), Some("nb;q=0.2, en")).await,
        404,
        "en",
        "Not found",
    );
    says(
        &send(&app, get(), Some("nb;q=0, de, en;q=0.1")).await,
        404,
        "en",
        "Not found",
    );
}

#[actix_rt::test]
async fn a_422_names_each_field_in_the_language_asked_for() {
    let app = TestApp::spawn().await;
    let t = token(&app, OWNER);
    let (id, etag) = create(&app, &t, &json!({})).await;
    let invite = || {
        request(
            &app,
            Method::POST,
            &format!("/api/v1/applications/{id}/members"),
            &t,
        )
        .header("If-Match", &etag)
        .json(&json!({"nationalId": "15058550041"}))
    };
    let r = send(&app, invite(), None).await;
    says(&r, 422, "nb", "Ugyldig innhold");
    assert_eq!(r.body["errors"][0]["pointer"], "/nationalId");
    assert_eq!(r.body["errors"][0]["code"], "INVALID_NATIONAL_ID");
    assert_eq!(
        r.body["errors"][0]["message"],
        "ikke et gyldig fødselsnummer eller D-nummer: kontrollsifferet stemmer ikke (mod 11)"
    );
    assert!(r.body["detail"]
        .as_str()
        .unwrap()
        .starts_with("/nationalId: ikke et gyldig"));

    let r = send(&app, invite(), Some("en")).await;
    says(&r, 422, "en", "Validation failed");
    assert_eq!(
        r.body["errors"][0]["message"],
        "not a valid fødselsnummer or D-nummer: control digit does not match (mod 11)"
    );

    // the field rules' own texts (nb and en)
    let body = json!({"project": {"title": "x".repeat(400)}});
    let patch = || {
        request(
            &app,
            Method::PATCH,
            &format!("/api/v1/applications/{id}"),
            &t,
        )
        .header("If-Match", &etag)
        .json(&body)
    };
    let nb = send(&app, patch(), None).await;
    says(&nb, 422, "nb", "Ugyldig innhold");
    assert_eq!(
        nb.body["errors"][0]["message"], "høyst 300 tegn",
        "{}",
        nb.text
    );
    let en = send(&app, patch(), Some("en")).await;
    assert_eq!(
        en.body["errors"][0]["message"], "at most 300 characters",
        "{}",
        en.text
    );
}

#[actix_rt::test]
async fn a_412_and_a_409_follow_the_language_too() {
    let app = TestApp::spawn().await;
    let t = token(&app, OWNER);
    let (id, etag) = create(&app, &t, &json!({})).await;
    let patch = |tag: &str| {
        request(
            &app,
            Method::PATCH,
            &format!("/api/v1/applications/{id}"),
            &t,
        )
        .header("If-Match", tag)
        .json(&json!({"project": {"title": "Ny tittel"}}))
    };
    // a change answers with the new representation, never 304
    let changed = send(&app, patch(&etag).header("If-None-Match", "*"), None).await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    let stale = send(&app, patch(&etag), None).await;
    says(&stale, 412, "nb", "Ressursen er endret");
    assert!(stale.body["detail"]
        .as_str()
        .unwrap()
        .starts_with("ressursen er endret siden du leste den"));
    let stale = send(&app, patch(&etag), Some("en")).await;
    says(&stale, 412, "en", "Precondition failed");

    // a conflict from the domain's state machine, in bokmål
    let (id, etag) = complete_identifiable(&app, &t).await;
    assert_eq!(submit(&app, &t, &id, &etag, "k-1").await.status, 201);
    let r = send(
        &app,
        request(
            &app,
            Method::PATCH,
            &format!("/api/v1/applications/{id}"),
            &t,
        )
        .header("If-Match", "\"v99\"")
        .json(&json!({})),
        None,
    )
    .await;
    says(&r, 409, "nb", "Konflikt");
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .starts_with("søknaden er sendt inn"),
        "{}",
        r.text
    );
}

#[actix_rt::test]
async fn vary_accept_language_only_where_the_language_changes_the_body() {
    let app = TestApp::spawn().await;
    let t = token(&app, OWNER);
    // public and private reads: the same body in every language
    let public = app.get("/api/v1/purposes", None).await;
    assert_eq!(public.status, 200);
    assert!(
        !vary(&public).contains("accept-language"),
        "{:?}",
        public.headers
    );
    assert!(
        !vary(&public).contains("authorization"),
        "{:?}",
        public.headers
    );
    assert_eq!(public.header("content-language"), "");
    let (id, _) = create(&app, &t, &json!({})).await;
    let private = app
        .get(&format!("/api/v1/applications/{id}"), Some(&t))
        .await;
    assert_eq!(private.status, 200);
    assert!(
        !vary(&private).contains("accept-language"),
        "{:?}",
        private.headers
    );
    assert!(
        vary(&private).contains("authorization"),
        "{:?}",
        private.headers
    );
    // a problem: its language is negotiated
    let missing = app.get("/api/v1/custodians/NOPE", None).await;
    missing.problem(404);
    assert!(
        vary(&missing).contains("accept-language"),
        "{:?}",
        missing.headers
    );
    assert_eq!(missing.header("content-language"), "en");
    // an unknown route and a 401 too
    let none = app.get("/api/v1/nothing-here", None).await;
    assert_eq!(none.problem(404)["title"], "Not found");
    assert_eq!(none.header("content-language"), "en");
    let anonymous = send(
        &app,
        reqwest::Client::new().get(app.url("/api/v1/me")),
        None,
    )
    .await;
    says(&anonymous, 401, "nb", "Ikke autentisert");
}

#[actix_rt::test]
async fn the_case_timeline_has_an_etag_and_answers_304_while_unchanged() {
    let app = TestApp::spawn().await;
    let t = token(&app, OWNER);
    let (id, etag) = complete_identifiable(&app, &t).await;
    assert_eq!(submit(&app, &t, &id, &etag, "k-2").await.status, 201);
    let path = format!("/api/v1/applications/{id}/case/events");
    let first = app.get(&path, Some(&t)).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let tag = first.etag();
    assert!(tag.starts_with('"') && tag.len() > 2, "{:?}", first.headers);
    assert_eq!(first.header("cache-control"), "private, no-cache");
    let again = app
        .json_with(
            Method::GET,
            &path,
            Some(&t),
            None,
            &[("If-None-Match", &tag)],
        )
        .await;
    assert_eq!(again.status, 304);
    assert!(again.bytes.is_empty());
    assert_eq!(again.etag(), tag);

    // a change to the case changes the timeline's ETag
    let case = app
        .get(&format!("/api/v1/applications/{id}/case"), Some(&t))
        .await;
    let withdrawn = app
        .json_with(
            Method::POST,
            &format!("/api/v1/applications/{id}/withdraw"),
            Some(&t),
            None,
            &[("If-Match", &case.etag())],
        )
        .await;
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.text);
    let after = app
        .json_with(
            Method::GET,
            &path,
            Some(&t),
            None,
            &[("If-None-Match", &tag)],
        )
        .await;
    assert_eq!(after.status, 200);
    assert_ne!(after.etag(), tag);
}
