//! Custodian tasks: scope (own tasks only, 404 for another's, 403 for an
//! unknown orgnr), every action and its refusals (409 with why, nothing
//! written), If-Match, the 304 poll, feed events for task changes, hours
//! validation, and the custodian's decision through the case rules.
//!
//! Cases come from the real applications and case handling API. One SQL
//! shortcut: the seed has no application form case whose two sources belong
//! to two custodians, so NPR's `case_sources` row is moved to Helsedirektoratet
//! (and, for decision tasks, given CUSTODIAN authority) before completion.

use diesel::RunQueryDsl;
use hds_api::auth::Role;
use hds_persistence::test_support::count_rows;
use reqwest::Method;
use serde_json::{json, Value};

use crate::applications::{complete_identifiable, submit, token, OWNER};
use crate::journey::{granted, try_case_command};
use crate::support::{with_terms, Response, TestApp};

mod case_changes;
mod decisions;
mod hours;
mod polling;
mod preparation;
mod refusals;
mod scope;

pub const FHI: &str = "983744516";
pub const HDIR: &str = "983544622";
/// A valid organisation number that is not a custodian.
const UNKNOWN_ORG: &str = "974760673";

fn custodian(app: &TestApp, orgnr: &str) -> String {
    app.token_for(Role::Custodian, None, Some(orgnr))
}

fn sql(app: &TestApp, statement: &str) {
    diesel::sql_query(statement)
        .execute(&mut app.db.connect())
        .unwrap();
}

/// A case handler command that must succeed, with the case's current ETag.
async fn case_command(app: &TestApp, case_id: &str, what: &str, body: &Value) -> Response {
    let r = try_case_command(app, case_id, what, body).await;
    assert_eq!(r.status, 200, "{what}: {}", r.text);
    r
}

/// A submitted MFR + NPR case with NPR moved to HDIR: (application id, case id).
async fn two_custodian_case(
    app: &TestApp,
    key: &str,
    npr_decided_by_custodian: bool,
) -> (String, String) {
    let owner = token(app, OWNER);
    let (id, etag) = complete_identifiable(app, &owner).await;
    let r = submit(app, &owner, &id, &etag, key).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let case_id = r.body["id"].as_str().unwrap().to_owned();
    let authority = if npr_decided_by_custodian {
        "CUSTODIAN"
    } else {
        "HDS"
    };
    sql(
        app,
        &format!(
            "UPDATE case_sources SET custodian_id = (SELECT id FROM custodians WHERE orgnr = '{HDIR}'), \
             decision_authority = '{authority}' WHERE case_id = '{case_id}' AND data_source_code = 'NPR'"
        ),
    );
    (id, case_id)
}

/// A decided case: DATA_PREPARATION tasks for FHI (MFR) and HDIR (NPR).
async fn decided_case(app: &TestApp, key: &str) -> String {
    let (_, case_id) = two_custodian_case(app, key, false).await;
    case_command(app, &case_id, "complete", &json!({})).await;
    let r = case_command(
        app,
        &case_id,
        "decisions",
        &json!({"decisions": [granted("MFR"), granted("NPR")]}),
    )
    .await;
    assert_eq!(r.body["status"], "DECIDED");
    case_id
}

async fn list(app: &TestApp, tok: &str, query: &str) -> Response {
    app.get(&format!("/api/v1/tasks{query}"), Some(tok)).await
}

async fn only_task(app: &TestApp, tok: &str) -> Value {
    let r = list(app, tok, "").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", r.text);
    items[0].clone()
}

async fn read(app: &TestApp, tok: &str, task_id: &str) -> Response {
    app.get(&format!("/api/v1/tasks/{task_id}"), Some(tok))
        .await
}

async fn act_with(
    app: &TestApp,
    tok: &str,
    task_id: &str,
    what: &str,
    etag: Option<&str>,
    body: &Value,
) -> Response {
    let mut request = app
        .request(
            Method::POST,
            &format!("/api/v1/tasks/{task_id}/{what}"),
            Some(tok),
        )
        .json(body);
    if let Some(etag) = etag {
        request = request.header("If-Match", etag);
    }
    app.send(request).await
}

/// POST an action with the task's current ETag.
async fn act(app: &TestApp, tok: &str, task_id: &str, what: &str, body: &Value) -> Response {
    let r = read(app, tok, task_id).await;
    assert_eq!(r.status, 200, "{}", r.text);
    act_with(app, tok, task_id, what, Some(r.header("etag")), body).await
}

fn feed_types(app: &TestApp, orgnr: &str) -> Vec<(String, String)> {
    let id = hds_persistence::feed::custodian_for_orgnr(&mut app.db.connect(), orgnr)
        .unwrap()
        .unwrap();
    hds_persistence::feed::read_after(
        &mut app.db.connect(),
        hds_persistence::feed::Reader::Custodian(id),
        0,
        1000,
    )
    .unwrap()
    .into_iter()
    .map(|e| {
        (
            e.event_type,
            e.data["taskId"].as_str().unwrap_or_default().to_owned(),
        )
    })
    .collect()
}

fn today() -> String {
    hds_domain::calendar::oslo_date(time::OffsetDateTime::now_utc()).to_string()
}

fn work_rows(app: &TestApp) -> Vec<i64> {
    let mut conn = app.db.connect();
    [
        "task_events",
        "task_deliveries",
        "task_progress_reports",
        "task_hours",
        "feed_events",
        "audit_events",
        "case_decisions",
    ]
    .iter()
    .map(|t| count_rows(&mut conn, t))
    .collect()
}

/// POST /cases/{id}/close with the case's current ETag, whatever the outcome.
async fn close_case(app: &TestApp, case_id: &str) -> Response {
    let h = app.token(Role::CaseHandler);
    let read = app.get(&format!("/api/v1/cases/{case_id}"), Some(&h)).await;
    let request = app
        .request(
            Method::POST,
            &format!("/api/v1/cases/{case_id}/close"),
            Some(&h),
        )
        .header("If-Match", read.header("etag"));
    app.send(request).await
}

fn parse_date(s: &str) -> time::Date {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).unwrap()
}

/// The case file as a case handler reads it.
async fn case_file(app: &TestApp, case_id: &str) -> Value {
    let h = app.token(Role::CaseHandler);
    let r = app.get(&format!("/api/v1/cases/{case_id}"), Some(&h)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}
