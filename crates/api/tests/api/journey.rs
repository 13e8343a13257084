//! Steps the issue-12 tests share: a case through the real API (submitted,
//! completed, decided), case handler commands and custodian task actions
//! with the current ETag, the applicant's timeline, the server's clock.

use diesel::RunQueryDsl;
use hds_api::auth::Role;
use hds_domain::calendar::{oslo_date, WorkingDayCalendar};
use reqwest::Method;
use serde_json::{json, Value};
use time::{Date, OffsetDateTime};

use crate::applications::{complete_identifiable, submit, token, OWNER};
use crate::support::{with_terms, Response, TestApp};

/// Folkehelseinstituttet and Helsedirektoratet (organisation numbers).
pub const FHI: &str = "983744516";
pub const HDIR: &str = "983544622";

pub fn calendar(app: &TestApp) -> WorkingDayCalendar {
    let mut conn = app.db.connect();
    WorkingDayCalendar {
        saturdays_are_working_days: false,
        closure_days: hds_persistence::calendar::closure_day_set(&mut conn).unwrap(),
    }
}

/// 09:00 UTC (10:00 or 11:00 in Oslo) on `d`.
pub fn at(d: Date) -> OffsetDateTime {
    d.with_hms(9, 0, 0).unwrap().assume_utc()
}

pub fn today() -> Date {
    oslo_date(OffsetDateTime::now_utc())
}

/// Dates the server's commands on `d`.
pub fn set_day(app: &TestApp, d: Date) {
    app.clock.set(Some(at(d)));
}

pub fn sql(app: &TestApp, statement: &str) {
    diesel::sql_query(statement)
        .execute(&mut app.db.connect())
        .unwrap();
}

pub fn custodian(app: &TestApp, orgnr: &str) -> String {
    app.token_for(Role::Custodian, None, Some(orgnr))
}

/// A submitted identifiable application whose linkage plan links MFR and
/// NPR (both FHI's): (application id, case id).
pub async fn identifiable_case(app: &TestApp, key: &str) -> (String, String) {
    let owner = token(app, OWNER);
    let (id, etag) = complete_identifiable(app, &owner).await;
    let r = submit(app, &owner, &id, &etag, key).await;
    assert_eq!(r.status, 201, "{}", r.text);
    (id, r.body["id"].as_str().unwrap().to_owned())
}

/// NPR's part of the case moves to Helsedirektoratet, which decides it
/// (the seed has no form source whose custodian decides and that the test
/// application can ask for; the tasks tests do the same).
pub fn npr_decided_by_hdir(app: &TestApp, case_id: &str) {
    sql(
        app,
        &format!(
            "UPDATE case_sources SET custodian_id = (SELECT id FROM custodians WHERE orgnr = '{HDIR}'), \
             decision_authority = 'CUSTODIAN' WHERE case_id = '{case_id}' AND data_source_code = 'NPR'"
        ),
    );
}

pub async fn case_file(app: &TestApp, case_id: &str) -> Value {
    let h = app.token(Role::CaseHandler);
    let r = app.get(&format!("/api/v1/cases/{case_id}"), Some(&h)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

/// POST a case handler command with the case's current ETag, whatever the outcome.
pub async fn try_case_command(app: &TestApp, case_id: &str, what: &str, body: &Value) -> Response {
    let h = app.token(Role::CaseHandler);
    let read = app.get(&format!("/api/v1/cases/{case_id}"), Some(&h)).await;
    assert_eq!(read.status, 200, "{}", read.text);
    let request = app
        .request(
            Method::POST,
            &format!("/api/v1/cases/{case_id}/{what}"),
            Some(&h),
        )
        .header("If-Match", read.header("etag"))
        .json(body);
    app.send(request).await
}

/// A case handler command that must succeed.
pub async fn case_command(app: &TestApp, case_id: &str, what: &str, body: &Value) -> Value {
    let r = try_case_command(app, case_id, what, body).await;
    assert_eq!(r.status, 200, "{what}: {}", r.text);
    r.body
}

pub fn granted(code: &str) -> Value {
    with_terms(json!({"dataSource": code, "outcome": "GRANTED",
        "legalBasis": ["helseregisterloven § 19 a"],
        "conditions": ["Data slettes ved prosjektslutt."],
        "text": "Innvilget."}))
}

/// The custodian's tasks (the caller's token), by data source code.
pub async fn task_of(app: &TestApp, tok: &str, source: &str, kind: &str) -> String {
    let r = app.get("/api/v1/tasks?limit=100", Some(tok)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["dataSource"]["code"] == source && t["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} task for {source}: {}", r.text))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub async fn read_task(app: &TestApp, tok: &str, task_id: &str) -> Response {
    app.get(&format!("/api/v1/tasks/{task_id}"), Some(tok))
        .await
}

/// A task action (POST, or PUT for the agreed date) with the task's current ETag.
pub async fn task_action(
    app: &TestApp,
    tok: &str,
    task_id: &str,
    what: &str,
    body: &Value,
) -> Response {
    let read = read_task(app, tok, task_id).await;
    assert_eq!(read.status, 200, "{}", read.text);
    let method = if what == "agreed-delivery-date" {
        Method::PUT
    } else {
        Method::POST
    };
    let request = app
        .request(
            method,
            &format!("/api/v1/tasks/{task_id}/{what}"),
            Some(tok),
        )
        .header("If-Match", read.header("etag"))
        .json(body);
    app.send(request).await
}

/// The applicant's timeline of the case of application `id`.
pub async fn timeline(app: &TestApp, id: &str) -> Vec<Value> {
    let owner = token(app, OWNER);
    let r = app
        .get(
            &format!("/api/v1/applications/{id}/case/events"),
            Some(&owner),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body.as_array().unwrap().clone()
}

pub fn kinds(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["kind"].as_str().unwrap()).collect()
}

/// The audit events of one entity, oldest first.
pub fn audit_of(
    app: &TestApp,
    entity_type: &str,
    id: &str,
) -> Vec<hds_persistence::audit::AuditEvent> {
    hds_persistence::audit::history(&mut app.db.connect(), entity_type, id).unwrap()
}

/// Rows of a table (a refused request must leave them as they were).
pub fn rows(app: &TestApp, table: &str) -> i64 {
    hds_persistence::test_support::count_rows(&mut app.db.connect(), table)
}
