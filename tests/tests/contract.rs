//! `scripts/check-contract.sh` (run by `make test` on openapi/openapi.json)
//! fails on a broken contract, with the independent tool's message: copies of
//! the committed spec, each broken in one way on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use hds_blackbox::Scratch;
use serde_json::{json, Value};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn committed_spec() -> Value {
    serde_json::from_str(&std::fs::read_to_string(repo().join("openapi/openapi.json")).unwrap())
        .unwrap()
}

/// Runs the check on `spec` (written into `scratch`); its exit status and
/// everything it printed.
fn check(scratch: &Scratch, name: &str, spec: &Value) -> (bool, String) {
    let file = scratch.0.join(format!("{name}.json"));
    std::fs::write(&file, serde_json::to_vec_pretty(spec).unwrap()).unwrap();
    let out = Command::new(repo().join("scripts/check-contract.sh"))
        .arg(&file)
        .env("CONTRACT_OUT", scratch.0.join(format!("{name}-generated")))
        .output()
        .expect("scripts/check-contract.sh runs (needs node and npm)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn assert_fails(scratch: &Scratch, name: &str, spec: &Value, message: &str) {
    let (passed, text) = check(scratch, name, spec);
    assert!(!passed, "{name}: the broken spec passed the check:\n{text}");
    assert!(
        text.contains(message),
        "{name}: expected {message:?} in the output:\n{text}"
    );
}

#[test]
fn a_broken_contract_fails_the_check_with_the_tools_message() {
    let scratch = Scratch::new();
    let spec = committed_spec();

    // the bug: a parameter schema referenced but never defined
    let mut dangling = spec.clone();
    dangling["components"]["schemas"]
        .as_object_mut()
        .unwrap()
        .remove("SearchLang")
        .expect("the committed spec defines SearchLang");
    assert_fails(
        &scratch,
        "dangling-ref",
        &dangling,
        "Can't resolve #/components/schemas/SearchLang",
    );

    // a field OpenAPI 3.1 does not allow (Swagger 2's `in: body`)
    let mut invalid = spec.clone();
    invalid["paths"]["/api/v1/data-sources"]["get"]["parameters"][0]["in"] = json!("body");
    assert_fails(
        &scratch,
        "invalid-field",
        &invalid,
        "/paths/~1api~1v1~1data-sources/get/parameters/0/in: must be equal to one of the allowed values",
    );

    // a required field missing
    let mut untitled = spec.clone();
    untitled["info"].as_object_mut().unwrap().remove("title");
    assert_fails(
        &scratch,
        "no-title",
        &untitled,
        "/info: must have required property 'title'",
    );

    // a Schema Object that is not JSON Schema 2020-12
    let mut bad_schema = spec.clone();
    bad_schema["components"]["schemas"]["Problem"]["type"] = json!("objekt");
    assert_fails(
        &scratch,
        "bad-schema",
        &bad_schema,
        "JSON Schema 2020-12: /components/schemas/Problem/type",
    );

    // valid OpenAPI, but the client no longer compiles: an operation it
    // calls is gone ...
    let mut no_list = spec.clone();
    no_list["paths"]
        .as_object_mut()
        .unwrap()
        .remove("/api/v1/data-sources")
        .unwrap();
    assert_fails(
        &scratch,
        "operation-gone",
        &no_list,
        "error TS2345: Argument of type '\"/api/v1/data-sources\"'",
    );

    // ... or the problem's `type`, which the client reads, became optional
    let mut loose_problem = spec;
    let required = loose_problem["components"]["schemas"]["Problem"]["required"]
        .as_array_mut()
        .unwrap();
    required.retain(|field| field != "type");
    let (passed, text) = check(&scratch, "problem-type-optional", &loose_problem);
    assert!(!passed, "{text}");
    assert!(
        text.contains("valid OpenAPI 3.1.0, every $ref resolves")
            && text.contains("contract/client.ts")
            && text.contains(
                "error TS2322: Type 'string | undefined' is not assignable to type 'string'"
            ),
        "the validator accepts it, tsc --strict does not:\n{text}"
    );
}
