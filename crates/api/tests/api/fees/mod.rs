//! Fees and invoices over HTTP (issue 14): price lists, the cost estimate,
//! hours, exemptions and waivers, invoice bases from draft to issued to
//! credited, exports, and who sees what. Cases come from the real
//! applications and case handling API. Submission is dated by the system
//! clock (today); every later command by the server's clock, which the tests
//! set to days counted from today, so the prices in force and the dates on
//! the invoices are known whatever day the tests run.

mod exemptions;
mod hours;
mod journey;
mod price_lists;

use hds_api::auth::Role;
use hds_domain::calendar::oslo_date;
use reqwest::Method;
use serde_json::{json, Value};
use time::{Date, Duration, OffsetDateTime};

use crate::applications::{create, etag_of, submit, token, upload, OWNER};
use crate::support::{Response, TestApp};

pub const FHI: &str = "983744516";
/// Direktoratet for medisinske produkter: a custodian with no part in these cases.
pub const DMP: &str = "974761122";

/// The day the applications of these tests are submitted: today in Oslo.
pub fn received() -> Date {
    oslo_date(OffsetDateTime::now_utc())
}

/// `n` days after `d`.
pub fn plus(d: Date, n: i64) -> Date {
    d + Duration::days(n)
}

/// `YYYY-MM-DD`.
pub fn iso(d: Date) -> String {
    d.to_string()
}

/// 09:00 UTC (10:00 in Oslo) on `d`.
pub fn at(d: Date) -> OffsetDateTime {
    d.with_hms(9, 0, 0).unwrap().assume_utc()
}

pub fn on(app: &TestApp, d: Date) {
    app.clock.set(Some(at(d)));
}

pub fn handler(app: &TestApp) -> String {
    app.token(Role::CaseHandler)
}

pub fn admin(app: &TestApp) -> String {
    app.token(Role::Admin)
}

pub fn custodian(app: &TestApp, orgnr: &str) -> String {
    app.token_for(Role::Custodian, None, Some(orgnr))
}

/// A person at Kreftregisteret, linked to it by an ADMIN: Kreftregisteret
/// has no organisation number of its own, so its staff act on its tasks as
/// persons (docs/integration.md); its invoices go out under FHI's number,
/// so FHI's system issues and follows them.
pub async fn kreftregisteret_staff(app: &TestApp) -> String {
    const PID: &str = "01019050188"; // made up
    let r = app
        .post_json(
            "/api/v1/custodians/KREFTREGISTERET/members",
            Some(&admin(app)),
            &json!({"nationalId": PID, "identityProvider": "HELSE_ID", "name": "Kari Nordmann"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    app.issuer
        .mint(
            Role::Applicant,
            Some(PID),
            None,
            Some("Kari Nordmann"),
            OffsetDateTime::now_utc().unix_timestamp(),
        )
        .unwrap()
}

/// An application for anonymous tables (from MFR) from `sources`.
pub fn tables_content(sources: &[&str], student: bool) -> Value {
    json!({
        "project": {
            "title": "Fødselsvekt og kreft 2010–2020",
            "summary": "Tabeller over fødselsvekt og kreftforekomst.",
            "researchQuestions": ["Hvordan fordeler fødselsvekten seg etter kjønn?"],
            "startDate": "2027-06-01",
            "endDate": "2027-12-31"
        },
        "purpose": "HEALTH_ANALYSIS",
        "dataKind": {"kind": "ANONYMOUS"},
        "dataSources": sources.iter().map(|s| json!({"code": s, "periodFrom": 2010, "periodTo": 2020})).collect::<Vec<_>>(),
        "responsibility": {
            "institutionOrgnr": "974760673",
            "institutionName": "Universitetet i Oslo",
            "projectLeader": {"name": "Ola Nordmann", "email": "ola@uio.no"}
        },
        "fee": {"studentUpToMasters": student, "payerReference": "PRJ-4711"},
        "tableSpecifications": [{
            "title": "Fødselsvekt etter kjønn og år",
            "dataSource": "MFR",
            "variables": [
                {"name": "VEKT", "categories": ["under 2500 g", "2500–3999 g", "4000 g og mer"]},
                {"name": "KJONN", "categories": ["gutt", "jente"]}
            ]
        }]
    })
}

/// A draft with its attachments: its id.
pub async fn draft(app: &TestApp, content: &Value) -> String {
    let owner = token(app, OWNER);
    let (id, _) = create(app, &owner, content).await;
    let csv = "tabell;variabler\nFødselsvekt etter kjønn;VEKT,KJONN\n".as_bytes();
    for (kind, title, file) in [
        ("PROJECT_DESCRIPTION", "Prosjektbeskrivelse", "prosjekt.txt"),
        ("TABLE_SPECIFICATION", "Tabellbestilling", "tabeller.csv"),
    ] {
        let up = upload(app, &owner, &id, kind, title, file, csv).await;
        assert_eq!(up.status, 201, "{}", up.text);
    }
    id
}

/// Submits a draft: the case's id.
pub async fn submit_draft(app: &TestApp, id: &str, key: &str) -> String {
    let owner = token(app, OWNER);
    let etag = etag_of(app, &owner, id).await;
    let r = submit(app, &owner, id, &etag, key).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_str().unwrap().to_owned()
}

/// A case handler's command with the case's current ETag.
pub async fn case_command(app: &TestApp, case_id: &str, what: &str, body: &Value) -> Response {
    let r = crate::journey::try_case_command(app, case_id, what, body).await;
    assert_eq!(r.status, 200, "{what}: {}", r.text);
    r
}

fn granted(code: &str) -> Value {
    json!({"dataSource": code, "outcome": "GRANTED",
           "legalBasis": ["helseregisterloven § 19 a"], "conditions": [],
           "text": "Innvilget."})
}

/// Completes the case on `completed` and grants every source on `decided`.
pub async fn complete_and_grant(
    app: &TestApp,
    case_id: &str,
    sources: &[&str],
    completed: Date,
    decided: Date,
) {
    on(app, completed);
    case_command(app, case_id, "complete", &json!({})).await;
    on(app, decided);
    let decisions: Vec<Value> = sources.iter().map(|s| granted(s)).collect();
    let r = case_command(app, case_id, "decisions", &json!({"decisions": decisions})).await;
    assert_eq!(r.body["status"], "DECIDED", "{}", r.text);
}

/// The custodian's task for a source, acknowledged: its id.
pub async fn acknowledged_task(app: &TestApp, tok: &str, source: &str) -> String {
    let list = app.get("/api/v1/tasks", Some(tok)).await;
    assert_eq!(list.status, 200, "{}", list.text);
    let id = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["dataSource"]["code"] == source)
        .unwrap_or_else(|| panic!("no task for {source}: {}", list.text))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = task_action(app, tok, &id, "acknowledge", &json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    id
}

/// A task action with the task's current ETag.
pub async fn task_action(
    app: &TestApp,
    tok: &str,
    task_id: &str,
    what: &str,
    body: &Value,
) -> Response {
    let read = app
        .get(&format!("/api/v1/tasks/{task_id}"), Some(tok))
        .await;
    assert_eq!(read.status, 200, "{}", read.text);
    let request = app
        .request(
            Method::POST,
            &format!("/api/v1/tasks/{task_id}/{what}"),
            Some(tok),
        )
        .header("If-Match", read.header("etag"))
        .json(body);
    app.send(request).await
}

/// Hours on a task (200 expected): the new entry's id.
pub async fn task_hours(app: &TestApp, tok: &str, task_id: &str, body: &Value) -> String {
    let r = task_action(app, tok, task_id, "hours", body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["hours"].as_array().unwrap().last().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// POST HDS's hours on a case.
pub async fn post_case_hours(app: &TestApp, tok: &str, case_id: &str, body: &Value) -> Response {
    app.post_json(&format!("/api/v1/cases/{case_id}/hours"), Some(tok), body)
        .await
}

/// HDS's hours (201 expected): the new entry's id.
pub async fn case_hours(app: &TestApp, case_id: &str, body: &Value) -> String {
    let r = post_case_hours(app, &handler(app), case_id, body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["entries"].as_array().unwrap().last().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// One party's bases on a case, as `tok` reads them.
pub async fn party_bases(app: &TestApp, tok: &str, case_id: &str, party: &str) -> Response {
    app.get(
        &format!("/api/v1/cases/{case_id}/invoice-bases/{party}"),
        Some(tok),
    )
    .await
}

/// Issues a party's basis with the ETag just read.
pub async fn issue(app: &TestApp, tok: &str, case_id: &str, party: &str) -> Response {
    let read = party_bases(app, tok, case_id, party).await;
    assert_eq!(read.status, 200, "{}", read.text);
    issue_with(app, tok, case_id, party, Some(read.header("etag"))).await
}

pub async fn issue_with(
    app: &TestApp,
    tok: &str,
    case_id: &str,
    party: &str,
    etag: Option<&str>,
) -> Response {
    let headers: Vec<(&str, &str)> = etag.map(|e| ("If-Match", e)).into_iter().collect();
    app.json_with(
        Method::POST,
        &format!("/api/v1/cases/{case_id}/invoice-bases/{party}/issue"),
        Some(tok),
        None,
        &headers,
    )
    .await
}

/// The ørevalue of a money amount, checking its decimal string agrees.
pub fn ore(amount: &Value) -> i64 {
    let ore = amount["ore"]
        .as_i64()
        .unwrap_or_else(|| panic!("not money: {amount}"));
    let sign = if ore < 0 { "-" } else { "" };
    assert_eq!(
        amount["nok"],
        format!("{sign}{}.{:02}", ore.abs() / 100, ore.abs() % 100),
        "the decimal string and the øre agree"
    );
    ore
}

/// (kind, quantity, unit price, amount) of each line, as decimals.
pub fn lines(basis: &Value) -> Vec<(String, String, String, String)> {
    basis["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["kind"].as_str().unwrap().to_owned(),
                l["quantity"]["value"].as_str().unwrap().to_owned(),
                l["unitPrice"]["nok"].as_str().unwrap().to_owned(),
                l["amount"]["nok"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

pub fn line(
    kind: &str,
    quantity: &str,
    price: &str,
    amount: &str,
) -> (String, String, String, String) {
    (
        kind.to_owned(),
        quantity.to_owned(),
        price.to_owned(),
        amount.to_owned(),
    )
}

/// The feed's event types as `tok` reads them, with each event's party.
pub async fn feed(app: &TestApp, tok: &str) -> Vec<(String, String)> {
    let r = app
        .get("/api/v1/events?after=0&limit=1000", Some(tok))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["type"]
                .as_str()
                .unwrap()
                .starts_with("no.helsedata.invoice.")
        })
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_owned(),
                e["data"]["party"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// ADMIN adds a version to a party's price list with its current ETag.
pub async fn add_version(app: &TestApp, party: &str, body: &Value) -> Response {
    let read = app.get(&format!("/api/v1/price-lists/{party}"), None).await;
    assert_eq!(read.status, 200, "{}", read.text);
    app.json_with(
        Method::POST,
        &format!("/api/v1/price-lists/{party}/versions"),
        Some(&admin(app)),
        Some(body),
        &[("If-Match", read.header("etag"))],
    )
    .await
}

const HDS_VAT: &str = "Gebyr for offentlig myndighetsutøvelse (helseregisterloven § 19 g), utenfor merverdiavgiftsloven";
const CUSTODIAN_VAT: &str = "Gebyr for tilrettelegging av data fra helseregister (helseregisterloven § 19 g), utenfor merverdiavgiftsloven";

/// A price version body: exact hours at `rate` unless `per_case`, outside VAT.
pub fn version(valid_from: &str, one: &str, several: &str, rate: &str, per_case: bool) -> Value {
    let counting = if per_case {
        json!({"rounding": "PER_STARTED_HOUR", "scope": "CASE"})
    } else {
        json!({"rounding": "EXACT"})
    };
    json!({
        "validFrom": valid_from,
        "basicFee": {"oneSource": one, "severalSources": several},
        "hourlyRate": rate,
        "counting": counting,
        // the reasons the seeded versions give, so a price change is not a change of VAT category
        "vat": {"kind": "NOT_SUBJECT", "reason": if per_case { HDS_VAT } else { CUSTODIAN_VAT }},
        "exemptions": if per_case { json!(["STUDENT", "CHANGE_REQUEST", "APPEAL"]) } else { json!([]) },
        "source": "Testens prisendring"
    })
}
