//! An applicant's journey through the real binary: a draft for anonymous
//! data, the completeness check, attachments, submission (retried with the
//! same Idempotency-Key), and the case appearing in the case handlers' queue.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hds_blackbox::{hds, run, Scratch, Server, TestDatabase};
use reqwest::blocking::{Client, RequestBuilder, Response};
use serde_json::{json, Value};

fn token(db: &TestDatabase, scratch: &Scratch, server: &Server, args: &[&str]) -> String {
    let mut all = vec!["dev-token"];
    all.extend_from_slice(args);
    let out = run(&mut hds(&db.url, scratch, server.port, &all));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn send(request: RequestBuilder) -> (u16, reqwest::header::HeaderMap, Value) {
    let response: Response = request.send().unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.json().unwrap_or(Value::Null))
}

fn etag(client: &Client, server: &Server, token: &str, id: &str) -> String {
    let (status, headers, _) = send(
        client
            .get(server.url(&format!("/api/v1/applications/{id}")))
            .bearer_auth(token),
    );
    assert_eq!(status, 200);
    headers["etag"].to_str().unwrap().to_owned()
}

/// A complete application for anonymous data from one register.
fn anonymous_application() -> Value {
    json!({
        "project": {"title": "Fødselsvekt etter kjønn 2010–2020", "summary": "Masteroppgave om fødselsvekt.",
                    "researchQuestions": ["Hvordan fordeler fødselsvekten seg etter kjønn?"],
                    "startDate": "2027-01-01", "endDate": "2027-06-30"},
        "purpose": "HEALTH_ANALYSIS",
        "dataKind": {"kind": "ANONYMOUS"},
        "dataSources": [{"code": "MFR", "periodFrom": 2010, "periodTo": 2020}],
        "responsibility": {"institutionOrgnr": "974760673", "institutionName": "Universitetet i Oslo",
                           "projectLeader": {"name": "Ola Student", "email": "ola@student.uio.no"}},
        "fee": {"studentUpToMasters": true},
        "tableSpecifications": [{"title": "Fødselsvekt etter kjønn", "dataSource": "MFR",
            "variables": [{"name": "VEKT", "categories": ["under 2500 g", "2500 g og mer"]},
                          {"name": "KJONN", "categories": ["gutt", "jente"]}]}]
    })
}

#[test]
fn an_applicant_drafts_checks_attaches_and_submits_and_a_case_handler_sees_the_case() {
    let db = TestDatabase::new();
    let scratch = Scratch::new();
    let server = Server::start(&db.url, &scratch);
    let client = Client::new();
    let owner = token(&db, &scratch, &server, &["--role", "APPLICANT"]);
    let stranger = token(
        &db,
        &scratch,
        &server,
        &["--role", "APPLICANT", "--pid", "01019010046"],
    );
    let handler = token(
        &db,
        &scratch,
        &server,
        &["--role", "CASE_HANDLER", "--pid", "24129910182"],
    );

    let content = anonymous_application();
    let (status, _, draft) = send(
        client
            .post(server.url("/api/v1/applications"))
            .bearer_auth(&owner)
            .json(&content),
    );
    assert_eq!(status, 201, "{draft}");
    let id = draft["id"].as_str().unwrap().to_owned();

    let (_, _, check) = send(
        client
            .get(server.url(&format!("/api/v1/applications/{id}/check")))
            .bearer_auth(&owner),
    );
    let codes: Vec<&str> = check["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["PROJECT_DESCRIPTION_MISSING"]);

    for (kind, title, filename) in [
        ("PROJECT_DESCRIPTION", "Prosjektbeskrivelse", "prosjekt.txt"),
        ("TABLE_SPECIFICATION", "Tabellbestilling", "tabeller.csv"),
    ] {
        let (status, _, body) = send(
            client
                .post(server.url(&format!("/api/v1/applications/{id}/attachments")))
                .bearer_auth(&owner)
                .query(&[("kind", kind), ("title", title), ("filename", filename)])
                .header("Content-Type", "application/octet-stream")
                .header("If-Match", etag(&client, &server, &owner, &id))
                .body("tabell;variabler\nFødselsvekt etter kjønn;VEKT,KJONN\n"),
        );
        assert_eq!(status, 201, "{body}");
    }

    let current = etag(&client, &server, &owner, &id);
    let submit = || {
        send(
            client
                .post(server.url(&format!("/api/v1/applications/{id}/submit")))
                .bearer_auth(&owner)
                .header("If-Match", &current)
                .header("Idempotency-Key", "journey-1"),
        )
    };
    let (status, _, case) = submit();
    assert_eq!(status, 201, "{case}");
    let case_number = case["caseNumber"].as_str().unwrap().to_owned();
    assert!(
        case_number.starts_with("HDS-") && case_number.ends_with("-000001"),
        "{case_number}"
    );
    let (status, headers, again) = submit();
    assert_eq!(
        (status, again["caseNumber"].as_str()),
        (201, Some(case_number.as_str())),
        "a retry is the same case"
    );
    assert_eq!(headers["idempotent-replayed"], "true");

    let (status, _, _) = send(
        client
            .get(server.url(&format!("/api/v1/applications/{id}")))
            .bearer_auth(&stranger),
    );
    assert_eq!(
        status, 404,
        "another person's application does not exist for them"
    );

    let (status, _, queue) = send(
        client
            .get(server.url("/api/v1/cases"))
            .bearer_auth(&handler),
    );
    assert_eq!(status, 200, "{queue}");
    let numbers: Vec<&str> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["caseNumber"].as_str())
        .collect();
    assert_eq!(numbers, [case_number.as_str()]);
}
