//! No national identity number a caller sends comes back: not in a detail,
//! a pointer, a message, a header or the request id (issue 11, point 2).
//! (`TestApp::send` also checks every response of every test for the valid
//! numbers its request carried; these requests send them where a handler
//! would quote them.)

use hds_api::auth::Role;
use serde_json::json;

use crate::applications::{create, token, OWNER};
use crate::catalogue_admin::new_source;
use crate::support::{Response, TestApp};

/// A valid number, and how people also write it.
const FNR: &str = "24119950062";
const SPACED: &str = "241199 50062";
/// Eleven digits that are not a valid number still look like one.
const LOOKALIKE: &str = "12345678901";

/// Nothing in the body or the headers holds any of `sent`.
fn assert_not_echoed(r: &Response, sent: &[&str], what: &str) {
    for value in sent {
        assert!(
            !r.text.contains(value),
            "{what}: {value} in the body: {}",
            r.text
        );
        for (name, header) in &r.headers {
            assert!(
                !String::from_utf8_lossy(header.as_bytes()).contains(value),
                "{what}: {value} in header {name}"
            );
        }
    }
}

#[actix_rt::test]
async fn unknown_query_values_are_refused_without_the_number() {
    let app = TestApp::spawn().await;
    let handler = app.token(Role::CaseHandler);
    let custodian = app.token_for(Role::Custodian, None, Some("983744516"));
    let admin = app.token(Role::Admin);
    for value in [FNR, SPACED, LOOKALIKE, &format!("x{FNR}")] {
        let encoded = value.replace(' ', "%20");
        for (path, token) in [
            (format!("/api/v1/cases?status={encoded}"), &handler),
            (format!("/api/v1/cases?assignee={encoded}"), &handler),
            (format!("/api/v1/tasks?state={encoded}"), &custodian),
            (format!("/api/v1/data-sources?kind={encoded}"), &admin),
            (format!("/api/v1/applications?status={encoded}"), &admin),
            // an unknown parameter named by the number
            (format!("/api/v1/data-sources?{encoded}=1"), &admin),
            (format!("/api/v1/custodians/{encoded}"), &admin),
        ] {
            let r = app.get(&path, Some(token)).await;
            assert!(r.status >= 200 && r.status < 500, "{path}: {}", r.text);
            assert_not_echoed(&r, &[value, FNR, LOOKALIKE], &path);
        }
    }
    // the refusals still say where
    let r = app
        .get(&format!("/api/v1/data-sources?{FNR}=1"), None)
        .await;
    let problem = r.problem(400);
    assert_eq!(problem["errors"][0]["pointer"], "/query/***********");
}

#[actix_rt::test]
async fn unknown_fields_and_catalogue_codes_in_bodies_are_refused_without_the_number() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let (id, etag) = create(&app, &owner, &json!({})).await;
    let path = format!("/api/v1/applications/{id}");
    for body in [
        json!({"dataSources": [{"code": FNR}]}),
        json!({"dataSources": [{"code": "MFR", "variables": [FNR, SPACED]}]}),
        json!({"tableSpecifications": [{"title": "T", "dataSource": FNR,
               "variables": [{"name": LOOKALIKE, "categories": ["a"]}]}]}),
        json!({FNR: 1}),
        json!({"project": {SPACED: "x"}}),
        json!({"dataSources": [{"code": "MFR", "periodFrom": FNR}]}),
    ] {
        let r = app
            .patch_json(&path, Some(&owner), Some(&etag), &body)
            .await;
        r.problem(422);
        assert_not_echoed(&r, &[FNR, SPACED, LOOKALIKE], &body.to_string());
    }

    let admin = app.token(Role::Admin);
    let mut source = new_source("TESTREG");
    source["custodian"] = json!(FNR);
    let r = app
        .post_json("/api/v1/data-sources", Some(&admin), &source)
        .await;
    let problem = r.problem(422);
    assert_eq!(problem["errors"][0]["pointer"], "/custodian");
    assert_not_echoed(&r, &[FNR], "ADMIN custodian");

    let r = app
        .post_json(
            "/api/v1/disclosure-control",
            None,
            &json!({"method": FNR, LOOKALIKE: true}),
        )
        .await;
    assert!(r.status == 400 || r.status == 422, "{}", r.text);
    assert_not_echoed(&r, &[FNR, LOOKALIKE], "disclosure control");
}

#[actix_rt::test]
async fn a_request_id_that_looks_like_a_national_id_is_replaced() {
    let app = TestApp::spawn().await;
    for sent in [
        FNR,
        LOOKALIKE,
        "id-24119950062",
        "a b",
        "<x>",
        &"a".repeat(65),
    ] {
        let r = app
            .get_with("/api/v1/custodians/NOPE", &[("X-Request-Id", sent)])
            .await;
        let problem = r.problem(404);
        let id = r.header("x-request-id");
        assert_ne!(id, sent);
        assert!(uuid::Uuid::parse_str(id).is_ok(), "a new UUID: {id}");
        assert_eq!(problem["requestId"], id);
        assert_not_echoed(&r, &[FNR, LOOKALIKE], sent);
    }
    // a sane id is kept, for tracing across systems
    for kept in ["3f0e1f8a-2b1c-4c7e-9a51-0d1e2f3a4b5c", "trace-42.a_b"] {
        let r = app
            .get_with("/api/v1/purposes", &[("X-Request-Id", kept)])
            .await;
        assert_eq!(r.header("x-request-id"), kept);
    }
}
