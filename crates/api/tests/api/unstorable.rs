//! No input makes it fail: a string PostgreSQL cannot store (NUL, an
//! unpaired surrogate, bytes that are no UTF-8) is a 400 or 422 naming where
//! it was, wherever it comes in, and changes nothing (issue 11, point 1).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{Read, Write};

use hds_api::auth::Role;
use hds_persistence::test_support::count_rows;
use serde_json::{json, Value};

use crate::applications::{create, token, upload, OWNER, PDF};
use crate::support::{Response, TestApp};

/// The tables a refused request must leave alone.
const TABLES: [&str; 8] = [
    "applications",
    "application_attachments",
    "cases",
    "case_events",
    "custodian_tasks",
    "webhook_endpoints",
    "audit_events",
    "data_sources",
];

fn counts(app: &TestApp) -> Vec<i64> {
    let mut conn = app.db.connect();
    TABLES.iter().map(|t| count_rows(&mut conn, t)).collect()
}

fn pointers(r: &Response) -> Vec<String> {
    r.body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["pointer"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A refusal of a string that cannot be stored, naming `pointer`.
fn assert_refused(r: &Response, status: u16, pointer: &str, what: &str) {
    r.problem(status);
    assert!(
        pointers(r).iter().any(|p| p == pointer),
        "{what}: expected {pointer} in {}",
        r.text
    );
}

#[actix_rt::test]
async fn nul_in_paths_queries_and_bodies_is_a_4xx_naming_it_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let handler = app.token(Role::CaseHandler);
    let custodian = app.token_for(Role::Custodian, None, Some("983744516"));
    let owner = token(&app, OWNER);
    let (id, etag) = create(&app, &owner, &json!({})).await;
    let before = counts(&app);

    // the issue's examples
    for (path, token, pointer) in [
        (
            "/api/v1/data-sources?custodian=%00",
            None,
            "/query/custodian",
        ),
        ("/api/v1/custodians/%00", None, "/path/code"),
        ("/api/v1/data-sources/MFR/variables/%00", None, "/path/name"),
        (
            "/api/v1/cases?assignee=h-%00",
            Some(&handler),
            "/query/assignee",
        ),
        ("/api/v1/search?q=a%00b", None, "/query/q"),
        ("/api/v1/tasks?state=%00", Some(&custodian), "/query/state"),
        // a byte sequence that is no UTF-8, and an encoded unpaired surrogate
        ("/api/v1/data-sources?q=%FF", None, "/query/q"),
        ("/api/v1/custodians/%ED%A0%80", None, "/path/code"),
    ] {
        let r = app.get(path, token.map(String::as_str)).await;
        assert_refused(&r, 400, pointer, path);
    }

    let app_path = format!("/api/v1/applications/{id}");
    for (body, pointer) in [
        (json!({"project": {"title": "a\u{0}b"}}), "/project/title"),
        (json!({"purpose": "\u{0}"}), "/purpose"),
        (
            json!({"dataSources": [{"code": "MFR"}, {"code": "N\u{0}PR"}]}),
            "/dataSources/1/code",
        ),
    ] {
        let r = app
            .patch_json(&app_path, Some(&owner), Some(&etag), &body)
            .await;
        assert_refused(&r, 422, pointer, &body.to_string());
    }

    // an unpaired surrogate escape: valid JSON syntax, no text can hold it
    let r = app
        .send(
            app.request(reqwest::Method::PATCH, &app_path, Some(&owner))
                .header("Content-Type", "application/json")
                .header("If-Match", &etag)
                .body(r#"{"project": {"title": "a\ud800b"}}"#),
        )
        .await;
    assert_refused(&r, 422, "/project/title", "unpaired surrogate");

    let admin = app.token(Role::Admin);
    for (path, token, body, pointer) in [
        (
            "/api/v1/webhooks",
            &custodian,
            json!({"url": "https://x.no/\u{0}", "eventTypes": ["no.helsedata.task.assigned"]}),
            "/url",
        ),
        (
            "/api/v1/disclosure-control",
            &admin,
            json!({"method": "SUPPRESSION", "x\u{0}": 1}),
            "/x\u{0}",
        ),
        (
            "/api/v1/service-notices",
            &admin,
            json!({"titleNb": "\u{0}"}),
            "/titleNb",
        ),
    ] {
        let r = app.post_json(path, Some(token), &body).await;
        assert_refused(&r, 422, pointer, path);
    }

    // a CSV import: every field of every row
    let r = app
        .send(
            app.request(
                reqwest::Method::POST,
                "/api/v1/data-sources/MFR/variables/import",
                Some(&admin),
            )
            .header("Content-Type", "text/csv")
            .body("name,labelNb,valueType\nVAR_A,Vekt\u{0},INTEGER\n"),
        )
        .await;
    assert_refused(&r, 422, "/0/labelNb", "CSV");

    // headers the API reads: visible ASCII only
    let r = app
        .send(
            app.request(reqwest::Method::PATCH, &app_path, Some(&owner))
                .header(
                    "If-Match",
                    reqwest::header::HeaderValue::from_bytes(b"\"v1\xff\"").unwrap(),
                )
                .json(&json!({})),
        )
        .await;
    assert_refused(&r, 400, "/header/If-Match", "If-Match");

    assert_eq!(counts(&app), before, "nothing was written");
}

#[actix_rt::test]
async fn a_task_note_with_nul_is_422_and_bidi_overrides_leave_file_names() {
    let app = TestApp::spawn().await;
    let custodian = app.token_for(Role::Custodian, None, Some("983744516"));
    let r = app
        .json_with(
            reqwest::Method::POST,
            &format!("/api/v1/tasks/{}/acknowledge", uuid::Uuid::nil()),
            Some(&custodian),
            Some(&json!({"note": "ok\u{0}"})),
            &[("If-Match", "\"v1\"")],
        )
        .await;
    assert_refused(&r, 422, "/note", "acknowledgement note");

    let owner = token(&app, OWNER);
    let (id, _) = create(&app, &owner, &json!({})).await;
    let stored = upload(
        &app,
        &owner,
        &id,
        "PROJECT_DESCRIPTION",
        "Prosjekt",
        "faktura\u{202E}fdp.exe\u{2066}",
        PDF,
    )
    .await;
    assert_eq!(stored.status, 201, "{}", stored.text);
    assert_eq!(stored.body["filename"], "fakturafdp.exe");
    let nul = upload(
        &app,
        &owner,
        &id,
        "PROJECT_DESCRIPTION",
        "P",
        "a\u{0}.pdf",
        PDF,
    )
    .await;
    assert_refused(&nul, 400, "/query/filename", "file name");
}

/// Sends raw bytes and reads everything the server answers until it closes
/// (reading while writing: a server that refuses a head it has not read to
/// the end closes with a reset, which must not lose its answer).
async fn raw_text(app: &TestApp, request: &[u8]) -> String {
    let address = app.base.trim_start_matches("http://").to_owned();
    let request = request.to_vec();
    // blocking sockets off the test's runtime, which also runs the server
    actix_web::rt::task::spawn_blocking(move || raw_blocking(&address, &request))
        .await
        .unwrap()
}

fn raw_blocking(address: &str, request: &[u8]) -> String {
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let mut reader = stream.try_clone().unwrap();
    let reading = std::thread::spawn(move || {
        let mut answer = Vec::new();
        let mut chunk = [0u8; 8192];
        while let Ok(n) = reader.read(&mut chunk) {
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&chunk[..n]);
        }
        answer
    });
    let _ = stream.write_all(request);
    String::from_utf8_lossy(&reading.join().unwrap()).into_owned()
}

/// The status, the head (lower case) and the body of the first answer.
async fn raw(app: &TestApp, request: &[u8]) -> (u16, String, Value) {
    let text = raw_text(app, request).await;
    let status = text
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP answer: {text:?}"));
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let body: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    (status, head.to_ascii_lowercase(), body)
}

#[actix_rt::test]
async fn requests_the_http_parser_refuses_are_problem_json_too() {
    let app = TestApp::spawn().await;
    let long_url = format!(
        "GET /api/v1/data-sources?q={} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(100_000)
    );
    let many_headers = format!(
        "GET /api/v1/me HTTP/1.1\r\nHost: x\r\n{}\r\n",
        (0..100).fold(String::new(), |mut all, i| {
            let _ = write!(all, "X-H{i}: v\r\n");
            all
        })
    );
    let huge_head = format!(
        "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "b".repeat(200_000)
    );
    for (what, request, status) in [
        ("a 100 kB URL", long_url.into_bytes(), 400),
        (
            "NUL in a header",
            b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n".to_vec(),
            400,
        ),
        (
            "a malformed header name",
            b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n".to_vec(),
            400,
        ),
        ("100 headers", many_headers.into_bytes(), 431),
        ("a 200 kB head", huge_head.into_bytes(), 431),
    ] {
        let (got, head, body) = raw(&app, &request).await;
        assert_eq!(got, status, "{what}: {head}");
        assert!(
            head.contains("content-type: application/problem+json"),
            "{what}: {head}"
        );
        assert_eq!(body["status"], status, "{what}");
        assert!(
            body["type"].as_str().unwrap().starts_with("https://"),
            "{what}"
        );
        let id = head
            .lines()
            .find_map(|l| l.strip_prefix("x-request-id: "))
            .unwrap_or_else(|| panic!("{what}: no request id: {head}"));
        assert_eq!(body["requestId"], id, "{what}");
    }
    // a keep-alive connection: a good request, then a bad one on the same socket
    let mut both = b"GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".to_vec();
    both.extend_from_slice(b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n");
    let answer = raw_text(&app, &both).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let second = &answer[answer.find("HTTP/1.1 400").expect("a 400 after the 200")..];
    assert!(second.contains("application/problem+json"), "{second}");
}

// ---------------------------------------------------------------------------
// Generated from the contract: every parameter and body field of every
// operation, as every role.

const POISON: &str = "a\u{0}b";

fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let path = reference.trim_start_matches("#/");
            let target = path.split('/').fold(spec, |node, segment| &node[segment]);
            resolve(spec, target)
        }
        None => schema,
    }
}

/// A sample value for `schema`, with every property (optional ones too) so
/// that every field is reached.
fn sample(spec: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(spec, schema);
    if depth > 8 {
        return Value::Null;
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema[key].as_array() {
            let chosen = options
                .iter()
                .find(|o| resolve(spec, o)["type"] != "null")
                .unwrap_or(&options[0]);
            return sample(spec, chosen, depth + 1);
        }
    }
    if let Some(parts) = schema["allOf"].as_array() {
        let mut merged = serde_json::Map::new();
        for part in parts {
            if let Value::Object(fields) = sample(spec, part, depth + 1) {
                merged.extend(fields);
            }
        }
        return Value::Object(merged);
    }
    if let Some(values) = schema["enum"].as_array() {
        return values
            .iter()
            .find(|v| !v.is_null())
            .cloned()
            .unwrap_or(Value::Null);
    }
    let kind = match &schema["type"] {
        Value::Array(types) => types
            .iter()
            .find(|t| *t != "null")
            .and_then(Value::as_str)
            .unwrap_or("null"),
        Value::String(t) => t.as_str(),
        _ if schema.get("properties").is_some() => "object",
        _ => "null",
    };
    match kind {
        "object" => Value::Object(
            schema["properties"]
                .as_object()
                .map(|props| {
                    props
                        .iter()
                        .map(|(name, prop)| (name.clone(), sample(spec, prop, depth + 1)))
                        .collect()
                })
                .unwrap_or_default(),
        ),
        "array" => json!([sample(spec, &schema["items"], depth + 1)]),
        "string" => match schema["format"].as_str() {
            Some("date") => json!("2026-03-02"),
            Some("date-time") => json!("2026-03-02T10:00:00Z"),
            Some("uuid") => json!(uuid::Uuid::nil()),
            _ => json!("x"),
        },
        "integer" | "number" => schema["minimum"]
            .clone()
            .as_i64()
            .map_or(json!(1), |m| json!(m.max(1))),
        "boolean" => json!(true),
        _ => Value::Null,
    }
}

/// The JSON pointer of every string in `value`.
fn string_pointers(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::String(_) => out.push(at.to_owned()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                string_pointers(item, &format!("{at}/{i}"), out);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                string_pointers(item, &format!("{at}/{key}"), out);
            }
        }
        _ => {}
    }
}

/// One request the generator makes, and the pointer it should be refused at.
struct Probe {
    method: reqwest::Method,
    path: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Option<(String, Vec<u8>)>,
    pointer: String,
    what: String,
}

/// A value for a path parameter that lets the request reach its checks.
fn path_value(spec: &Value, param: &Value) -> String {
    match resolve(spec, &param["schema"])["format"].as_str() {
        Some("uuid") => uuid::Uuid::nil().to_string(),
        _ => "MFR".to_owned(),
    }
}

fn probes(spec: &Value) -> Vec<Probe> {
    let mut out = Vec::new();
    for (template, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Ok(method) = method.to_uppercase().parse::<reqwest::Method>() else {
                continue;
            };
            let params: Vec<&Value> = op["parameters"]
                .as_array()
                .map(|p| p.iter().collect())
                .unwrap_or_default();
            let path_of = |poisoned: Option<&str>| {
                params
                    .iter()
                    .filter(|p| p["in"] == "path")
                    .fold(template.clone(), |path, p| {
                        let name = p["name"].as_str().unwrap();
                        let value = if poisoned == Some(name) {
                            "a%00b".to_owned()
                        } else {
                            path_value(spec, p)
                        };
                        path.replace(&format!("{{{name}}}"), &value)
                    })
            };
            let operation = format!("{method} {template}");
            let content = &op["requestBody"]["content"];
            let json_schema = content.get("application/json").map(|c| &c["schema"]);
            let clean_body = json_schema.map(|s| {
                (
                    "application/json".to_owned(),
                    serde_json::to_vec(&sample(spec, s, 0)).unwrap(),
                )
            });
            for param in &params {
                let name = param["name"].as_str().unwrap();
                let mut probe = Probe {
                    method: method.clone(),
                    path: path_of(None),
                    headers: Vec::new(),
                    body: clean_body.clone(),
                    pointer: String::new(),
                    what: format!("{operation} {} {name}", param["in"]),
                };
                match param["in"].as_str().unwrap() {
                    "path" => {
                        probe.path = path_of(Some(name));
                        probe.pointer = format!("/path/{name}");
                    }
                    "query" => {
                        probe.path = format!("{}?{name}=a%00b", probe.path);
                        probe.pointer = format!("/query/{name}");
                    }
                    "header" => {
                        probe.headers.push((name.to_owned(), b"a\xffb".to_vec()));
                        probe.pointer = format!("/header/{name}");
                    }
                    _ => continue,
                }
                out.push(probe);
            }
            if let Some(schema) = json_schema {
                let clean = sample(spec, schema, 0);
                let mut leaves = Vec::new();
                string_pointers(&clean, "", &mut leaves);
                for leaf in leaves {
                    for poison in ["nul", "surrogate"] {
                        let mut body = clean.clone();
                        *body.pointer_mut(&leaf).unwrap() = json!(POISON);
                        let mut text = serde_json::to_string(&body).unwrap();
                        if poison == "surrogate" {
                            text = text.replace("\\u0000", "\\ud800");
                        }
                        out.push(Probe {
                            method: method.clone(),
                            path: path_of(None),
                            headers: Vec::new(),
                            body: Some(("application/json".to_owned(), text.into_bytes())),
                            pointer: leaf.clone(),
                            what: format!("{operation} body {leaf} ({poison})"),
                        });
                    }
                }
            }
        }
    }
    out
}

#[actix_rt::test]
async fn every_parameter_and_field_of_every_operation_refuses_what_cannot_be_stored() {
    let app = TestApp::spawn().await;
    let spec: Value = serde_json::from_str(&hds_api::app::openapi_json()).unwrap();
    let tokens: Vec<(&str, Option<String>)> = vec![
        ("anonymous", None),
        ("APPLICANT", Some(token(&app, OWNER))),
        ("CASE_HANDLER", Some(app.token(Role::CaseHandler))),
        (
            "CUSTODIAN",
            Some(app.token_for(Role::Custodian, None, Some("983744516"))),
        ),
        ("ADMIN", Some(app.token(Role::Admin))),
    ];
    let before = counts(&app);
    let probes = probes(&spec);
    assert!(
        probes.len() > 300,
        "the contract yields {} probes",
        probes.len()
    );
    let mut named = BTreeSet::new();
    let mut sent = 0;
    for probe in &probes {
        for (role, token) in &tokens {
            let mut request = app.request(probe.method.clone(), &probe.path, token.as_deref());
            for (name, value) in &probe.headers {
                request = request.header(
                    name.as_str(),
                    reqwest::header::HeaderValue::from_bytes(value).unwrap(),
                );
            }
            if let Some((content_type, bytes)) = &probe.body {
                request = request
                    .header("Content-Type", content_type)
                    .body(bytes.clone());
            }
            let r = app.send(request).await;
            sent += 1;
            assert!(
                r.status < 500,
                "{} as {role}: {} {}",
                probe.what,
                r.status,
                r.text
            );
            if r.status >= 400 {
                assert_eq!(
                    r.content_type(),
                    "application/problem+json",
                    "{} as {role}: {}",
                    probe.what,
                    r.text
                );
            }
            if matches!(r.status, 400 | 422) && pointers(&r).contains(&probe.pointer) {
                named.insert(probe.what.clone());
            }
        }
    }
    // every probe was refused at its own pointer for some role (the one the
    // operation is for: others may be turned away before the body is read)
    let missed: Vec<&str> = probes
        .iter()
        .map(|p| p.what.as_str())
        .filter(|w| !named.contains(*w))
        .collect();
    assert!(
        missed.is_empty(),
        "{} of {} probes not refused at their pointer by any role:\n{}",
        missed.len(),
        probes.len(),
        missed.join("\n")
    );
    assert_eq!(counts(&app), before, "{sent} requests wrote nothing");
}
