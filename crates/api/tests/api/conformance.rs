//! The conformance check around every API test fails a test whose response
//! the contract does not document: responses that drift, made up on
//! purpose, against the real spec. (A dangling `$ref` in the spec fails
//! `make test` too: `tests/tests/contract.rs`.)

use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{json, Value};

use crate::support::{conforms, Response};

fn response(status: u16, content_type: &str, body: &Value) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_str(content_type).unwrap());
    let bytes = serde_json::to_vec(body).unwrap();
    Response {
        status,
        headers,
        body: body.clone(),
        text: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
    }
}

fn problem(status: u16) -> Value {
    json!({"type": "https://api.helsedata.no/problems/conflict", "title": "Conflict", "status": status, "detail": "made up"})
}

#[test]
fn a_documented_response_passes() {
    let page = json!({"items": []});
    conforms(
        "GET",
        "/api/v1/purposes",
        &response(200, "application/json", &page),
    );
    conforms(
        "GET",
        "/api/v1/applications/3f0e1f8a-2b1c-4d5e-8f90-123456789abc",
        &response(404, "application/problem+json", &problem(404)),
    );
}

#[test]
#[should_panic(
    expected = "GET /api/v1/purposes (list_purposes) answered 409: status 409 is not documented"
)]
fn an_undocumented_status_fails_the_test() {
    conforms(
        "GET",
        "/api/v1/purposes",
        &response(409, "application/problem+json", &problem(409)),
    );
}

#[test]
#[should_panic(
    expected = "content type application/json is not the documented one (application/problem+json)"
)]
fn a_problem_sent_as_plain_json_fails_the_test() {
    conforms(
        "GET",
        "/api/v1/custodians/NOPE",
        &response(404, "application/json", &problem(404)),
    );
}

#[test]
#[should_panic(
    expected = "GET /api/v1/custodians/{code} (get_custodian) answered 200: the body does not match the documented schema"
)]
fn a_body_that_does_not_match_its_schema_fails_the_test() {
    conforms(
        "GET",
        "/api/v1/custodians/FHI",
        &response(200, "application/json", &json!({"code": 7})),
    );
}

#[test]
#[should_panic(expected = "no path template fits")]
fn an_unknown_path_answered_200_fails_the_test() {
    conforms(
        "GET",
        "/api/v1/nothing",
        &response(200, "application/json", &json!({})),
    );
}
