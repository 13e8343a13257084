//! Reporting and publishing over HTTP (issue 15): statistics and the
//! backlog from a known set of cases, the CSV, the public overview of
//! granted access, the DCAT catalogue and expected dates.
//!
//! The cases are built through the real API with the server's clock set to
//! days in March and April 2027, across Easter (Maundy Thursday 25 March,
//! Good Friday 26 March and Easter Monday 29 March 2027 are holidays).
//! Submission is dated by the system clock, so each case's received day is
//! then set to 1 March 2027 (`cases.received_on`, the one column the
//! statistics read it from; the database raises the case's history version
//! with it, so the histories kept in memory follow); every later step is
//! dated by the clock.

mod expected;
mod figures;
mod publishing;

use hds_api::auth::Role;
use reqwest::Method;
use serde_json::{json, Value};
use time::{Date, Month};

use crate::applications::{token, OWNER};
use crate::fees::{case_command, draft, on, submit_draft, tables_content, task_action, FHI};
use crate::support::{Response, TestApp};

pub fn d(month: u8, day: u8) -> Date {
    Date::from_calendar_date(2027, Month::try_from(month).unwrap(), day).unwrap()
}

pub fn sql(app: &TestApp, statement: &str) {
    diesel::RunQueryDsl::execute(diesel::sql_query(statement), &mut app.db.connect()).unwrap();
}

/// A submitted application for anonymous tables from `source` (MFR or
/// DAR, the cause of death registry), received on 1 March 2027: (application id, case id).
pub async fn case_for(app: &TestApp, source: &str, key: &str) -> (String, String) {
    let mut content = tables_content(&[source], false);
    content["tableSpecifications"][0]["dataSource"] = json!(source);
    if source != "MFR" {
        content["tableSpecifications"][0]["variables"] = json!([
            {"name": "KJONN", "categories": ["mann", "kvinne"]},
            {"name": "FODSELSAAR", "categories": ["før 1950", "1950 og senere"]}
        ]);
    }
    content["project"]["title"] = json!(format!("Prosjekt {key}"));
    app.clock.set(None);
    let id = draft(app, &content).await;
    let case_id = submit_draft(app, &id, key).await;
    sql(
        app,
        &format!(
            "UPDATE cases SET received_on = '2027-03-01', received_at = '2027-03-01T09:00:00Z' WHERE id = '{case_id}'"
        ),
    );
    (id, case_id)
}

pub async fn complete(app: &TestApp, case_id: &str, day: Date) -> Response {
    on(app, day);
    case_command(app, case_id, "complete", &json!({})).await
}

pub async fn decide(app: &TestApp, case_id: &str, source: &str, outcome: &str, day: Date) {
    on(app, day);
    let decision = json!({"dataSource": source, "outcome": outcome,
        "legalBasis": ["helseregisterloven § 19 a"], "conditions": [],
        "text": if outcome == "REFUSED" { "Avslått: formålet er ikke godtgjort." } else { "Innvilget." }});
    let r = case_command(app, case_id, "decisions", &json!({"decisions": [decision]})).await;
    assert_eq!(r.body["status"], "DECIDED", "{}", r.text);
}

/// The custodian's data-preparation task of the case: its id.
pub async fn preparation_task(app: &TestApp, case_id: &str) -> String {
    let fhi = app.token_for(Role::Custodian, None, Some(FHI));
    let list = app.get("/api/v1/tasks?limit=500", Some(&fhi)).await;
    assert_eq!(list.status, 200, "{}", list.text);
    list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["caseId"] == case_id && t["kind"] == "DATA_PREPARATION")
        .unwrap_or_else(|| panic!("no preparation task for {case_id}: {}", list.text))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// FHI acknowledges the case's preparation task and delivers on `day`.
pub async fn deliver(app: &TestApp, case_id: &str, day: Date) {
    on(app, day);
    let fhi = app.token_for(Role::Custodian, None, Some(FHI));
    let task = preparation_task(app, case_id).await;
    let r = task_action(app, &fhi, &task, "acknowledge", &json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let delivery = json!({"deliveredOn": day.to_string(), "method": "SECURE_FILE_TRANSFER",
                          "contents": "tabeller.csv"});
    let r = task_action(app, &fhi, &task, "deliveries", &delivery).await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// The applicant withdraws on `day`.
pub async fn withdraw(app: &TestApp, application_id: &str, day: Date) {
    on(app, day);
    let owner = token(app, OWNER);
    let case = app
        .get(
            &format!("/api/v1/applications/{application_id}/case"),
            Some(&owner),
        )
        .await;
    let w = app
        .send(
            app.request(
                Method::POST,
                &format!("/api/v1/applications/{application_id}/withdraw"),
                Some(&owner),
            )
            .header("If-Match", case.header("etag")),
        )
        .await;
    assert_eq!(w.status, 200, "{}", w.text);
}

/// The known cases of the figures' tests, each received Monday 1 March
/// 2027. Working days counted by hand (day 0 excluded, the end included):
///
/// - A (MFR): complete Wed 3 Mar (2 after received: 2, 3 Mar); granted
///   Tue 30 Mar (16: 4–5, 8–12, 15–19, 22–24 Mar and 30 Mar; 25, 26 and
///   29 Mar are Easter holidays); delivered Fri 9 Apr (24: 31 Mar, 1–2 Apr,
///   5–9 Apr).
/// - B (MFR): complete Mon 8 Mar (5); refused Wed 24 Mar (12).
/// - C (MFR): never complete; withdrawn Wed 10 Mar.
/// - D (DAR): complete Tue 2 Mar (1); granted Tue 6 Apr (22); no data
///   yet. Its statutory deadline is 30 working days after 2 Mar: Fri 16
///   Apr (the 22nd is 6 Apr, then 7, 8, 9, 12–16 Apr).
pub struct Known {
    pub a: String,
    pub d: String,
}

pub async fn known_cases(app: &TestApp) -> Known {
    let (_, a) = case_for(app, "MFR", "case-a").await;
    let (_, b) = case_for(app, "MFR", "case-b").await;
    let (c_application, _) = case_for(app, "MFR", "case-c").await;
    let (_, dd) = case_for(app, "DAR", "case-d").await;
    complete(app, &dd, d(3, 2)).await;
    complete(app, &a, d(3, 3)).await;
    complete(app, &b, d(3, 8)).await;
    withdraw(app, &c_application, d(3, 10)).await;
    decide(app, &b, "MFR", "REFUSED", d(3, 24)).await;
    decide(app, &a, "MFR", "GRANTED", d(3, 30)).await;
    decide(app, &dd, "DAR", "GRANTED", d(4, 6)).await;
    deliver(app, &a, d(4, 9)).await;
    Known { a, d: dd }
}

pub fn staff(app: &TestApp) -> String {
    app.token(Role::CaseHandler)
}

pub fn group<'a>(body: &'a Value, dimension: &str, key: &str) -> &'a Value {
    body["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["dimension"] == dimension && g["group"] == key)
        .unwrap_or_else(|| panic!("no group {dimension} {key}: {body}"))
}
