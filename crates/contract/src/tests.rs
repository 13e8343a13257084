//! The checker broken on purpose: each kind of drift is reported, with the
//! operation, the status and the validator's message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};

use super::*;

/// A small contract in the shape `hds openapi` writes: a thing with a
/// required `name` (string) and `count` (integer), problems by reference.
fn contract() -> Contract {
    Contract::new(json!({
        "openapi": "3.1.0",
        "paths": {
            "/things/{id}": {
                "get": {
                    "operationId": "get_thing",
                    "responses": {
                        "200": {"description": "the thing", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                        "304": {"$ref": "#/components/responses/NotModified"},
                        "404": {"$ref": "#/components/responses/NotFound"}
                    }
                },
                "delete": {"operationId": "delete_thing", "responses": {"204": {"description": "gone"}}}
            },
            "/things/export": {
                "get": {
                    "operationId": "export_things",
                    "responses": {"200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}}
                }
            }
        },
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "required": ["name", "count"],
                    "properties": {
                        "name": {"type": "string"},
                        "count": {"type": "integer", "format": "int32"},
                        "seenAt": {"type": "string", "format": "date-time"},
                        "owner": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Owner"}]}
                    }
                },
                "Owner": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "format": "uuid"}}},
                "Problem": {
                    "type": "object",
                    "required": ["type", "title", "status", "detail"],
                    "properties": {
                        "type": {"type": "string"}, "title": {"type": "string"},
                        "status": {"type": "integer"}, "detail": {"type": "string"}
                    }
                }
            },
            "responses": {
                "NotFound": {"description": "not found", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
                "NotModified": {"description": "not modified"}
            }
        }
    }))
    .outside(&["/docs/"])
}

fn seen<'a>(
    method: &'a str,
    path: &'a str,
    status: u16,
    ct: Option<&'a str>,
    body: &'a [u8],
) -> Observed<'a> {
    Observed {
        method,
        path,
        status,
        content_type: ct,
        body,
    }
}

const JSON: Option<&str> = Some("application/json");
const PROBLEM: Option<&str> = Some("application/problem+json");

fn problem(status: u16) -> Vec<u8> {
    serde_json::to_vec(&json!({"type": "https://x/not-found", "title": "Not found", "status": status, "detail": "no such thing"})).unwrap()
}

fn body(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

#[test]
fn a_documented_response_passes() {
    let c = contract();
    let ok = body(
        &json!({"name": "a", "count": 3, "seenAt": "2026-11-30T10:00:00Z", "owner": {"id": "3f0e1f8a-2b1c-4d5e-8f90-123456789abc"}}),
    );
    assert_eq!(
        c.check(&seen(
            "GET",
            "/things/7?x=1",
            200,
            Some("application/json; charset=utf-8"),
            &ok
        )),
        Ok(Checked::Operation {
            method: "GET".into(),
            template: "/things/{id}".into()
        })
    );
    assert!(c.check(&seen("GET", "/things/7", 304, None, b"")).is_ok());
    assert!(c
        .check(&seen("GET", "/things/7", 404, PROBLEM, &problem(404)))
        .is_ok());
    assert!(c
        .check(&seen("DELETE", "/things/7", 204, None, b""))
        .is_ok());
    // a non-JSON body is held to its content type only
    assert!(c
        .check(&seen(
            "GET",
            "/things/export",
            200,
            Some("text/csv; charset=utf-8"),
            b"a;b\n"
        ))
        .is_ok());
    assert_eq!(
        c.check(&seen(
            "GET",
            "/docs/index.html",
            200,
            Some("text/html"),
            b"<html>"
        )),
        Ok(Checked::Outside)
    );
}

#[test]
fn the_most_specific_template_wins() {
    let c = contract();
    assert_eq!(c.template_of("/things/export"), Some("/things/export"));
    assert_eq!(c.template_of("/things/42"), Some("/things/{id}"));
    assert_eq!(c.template_of("/things"), None);
}

#[test]
fn an_undocumented_status_is_reported() {
    let err = contract()
        .check(&seen("GET", "/things/7", 409, PROBLEM, &problem(409)))
        .unwrap_err();
    assert_eq!(err.status, 409);
    assert_eq!(err.operation, "GET /things/{id} (get_thing)");
    assert!(
        matches!(err.kind, ViolationKind::UndocumentedStatus { .. }),
        "{err}"
    );
    let text = err.to_string();
    assert!(text.contains("GET /things/{id} (get_thing) answered 409: status 409 is not documented (documented: 200, 304, 404)"), "{text}");
}

#[test]
fn a_wrong_content_type_is_reported() {
    let c = contract();
    // a problem where the thing is documented as JSON
    let err = c
        .check(&seen("GET", "/things/7", 200, Some("text/plain"), b"hello"))
        .unwrap_err();
    assert!(
        matches!(err.kind, ViolationKind::WrongContentType { .. }),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("content type text/plain is not the documented one (application/json)"),
        "{err}"
    );
    // a 404 as plain JSON instead of problem+json
    let err = c
        .check(&seen("GET", "/things/7", 404, JSON, &problem(404)))
        .unwrap_err();
    assert!(
        err.to_string().contains("application/problem+json"),
        "{err}"
    );
    // none at all
    let err = c
        .check(&seen("GET", "/things/7", 200, None, b"{}"))
        .unwrap_err();
    assert!(err.to_string().contains("content type (none)"), "{err}");
    // a body on a 204
    let err = c
        .check(&seen("DELETE", "/things/7", 204, JSON, b"{}"))
        .unwrap_err();
    assert_eq!(err.kind, ViolationKind::UnexpectedBody);
}

#[test]
fn a_body_missing_a_required_field_is_reported() {
    let err = contract()
        .check(&seen(
            "GET",
            "/things/7",
            200,
            JSON,
            &body(&json!({"name": "a"})),
        ))
        .unwrap_err();
    let ViolationKind::SchemaMismatch(errors) = &err.kind else {
        panic!("{err}")
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("\"count\" is a required property"),
        "{errors:?}"
    );
    assert!(
        err.to_string()
            .contains("GET /things/{id} (get_thing) answered 200: the body does not match"),
        "{err}"
    );
}

#[test]
fn a_field_of_the_wrong_type_is_reported_with_its_pointer() {
    let c = contract();
    let err = c
        .check(&seen(
            "GET",
            "/things/7",
            200,
            JSON,
            &body(&json!({"name": "a", "count": "three"})),
        ))
        .unwrap_err();
    let ViolationKind::SchemaMismatch(errors) = &err.kind else {
        panic!("{err}")
    };
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("/count: ") && e.contains("is not of type \"integer\"")),
        "{errors:?}"
    );
    // through a $ref, and a format
    let err = c
        .check(&seen("GET", "/things/7", 200, JSON, &body(&json!({"name": "a", "count": 1, "owner": {"id": "not-a-uuid"}, "seenAt": "yesterday"}))))
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("/seenAt: ") && text.contains("date-time"),
        "{text}"
    );
    // a problem that is not a problem
    let err = c
        .check(&seen(
            "GET",
            "/things/7",
            404,
            PROBLEM,
            &body(&json!({"title": "Not found"})),
        ))
        .unwrap_err();
    assert!(
        err.to_string().contains("\"type\" is a required property"),
        "{err}"
    );
    // not JSON at all
    let err = c
        .check(&seen("GET", "/things/7", 200, JSON, b"{oops"))
        .unwrap_err();
    assert!(matches!(err.kind, ViolationKind::NotJson(_)), "{err}");
}

#[test]
fn outside_the_operations_the_conventions_hold() {
    let c = contract();
    // an unknown path must be a 404 problem
    assert_eq!(
        c.check(&seen("GET", "/nothing/here", 404, PROBLEM, &problem(404))),
        Ok(Checked::Convention)
    );
    let err = c
        .check(&seen("GET", "/nothing/here", 200, JSON, b"{}"))
        .unwrap_err();
    assert_eq!(err.kind, ViolationKind::UnknownPath);
    // a method the path does not have must be a 405 problem
    assert_eq!(
        c.check(&seen("PUT", "/things/7", 405, PROBLEM, &problem(405))),
        Ok(Checked::Convention)
    );
    let err = c
        .check(&seen("PUT", "/things/7", 404, PROBLEM, &problem(404)))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("the path has no such operation (GET, DELETE)"),
        "{err}"
    );
    // a preflight: 200, or a problem
    assert!(c
        .check(&seen("OPTIONS", "/things/7", 200, None, b""))
        .is_ok());
    assert!(c
        .check(&seen("OPTIONS", "/things/7", 400, PROBLEM, &problem(400)))
        .is_ok());
}
