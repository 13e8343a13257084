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
use crate::support::{with_terms, Response, TestApp};

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

async fn case_command(app: &TestApp, case_id: &str, what: &str, body: &Value) -> Response {
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
    let r = app.send(request).await;
    assert_eq!(r.status, 200, "{what}: {}", r.text);
    r
}

fn granted(code: &str) -> Value {
    with_terms(json!({"dataSource": code, "outcome": "GRANTED",
           "legalBasis": ["helseregisterloven § 19 a"], "conditions": ["Data slettes ved prosjektslutt."],
           "text": "Innvilget."}))
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

#[actix_rt::test]
async fn each_custodian_sees_only_its_own_tasks_and_another_custodians_task_is_404() {
    let app = TestApp::spawn().await;
    let case_id = decided_case(&app, "scope").await;
    let (fhi, hdir) = (custodian(&app, FHI), custodian(&app, HDIR));
    let mine = only_task(&app, &fhi).await;
    assert_eq!(mine["dataSource"]["code"], "MFR");
    assert_eq!(mine["kind"], "DATA_PREPARATION");
    assert_eq!(mine["state"], "ASSIGNED");
    assert_eq!(mine["caseId"], case_id.as_str());
    let theirs = only_task(&app, &hdir).await;
    assert_eq!(theirs["dataSource"]["code"], "NPR");
    let theirs_id = theirs["id"].as_str().unwrap();

    // another custodian's task does not exist for FHI
    read(&app, &fhi, theirs_id).await.problem(404);
    let own = read(&app, &hdir, theirs_id).await;
    act_with(
        &app,
        &fhi,
        theirs_id,
        "acknowledge",
        Some(own.header("etag")),
        &json!({}),
    )
    .await
    .problem(404);

    // the detail holds only this source's part
    let detail = read(&app, &fhi, mine["id"].as_str().unwrap()).await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    assert!(
        detail.header("etag").starts_with("\"v1-"),
        "{}",
        detail.header("etag")
    );
    let d = &detail.body;
    assert_eq!(
        d["project"]["title"],
        "Fødselsvekt og senere sykehusinnleggelser"
    );
    assert_eq!(d["contact"]["email"], "kari.nordmann@medisin.uio.no");
    assert_eq!(d["decision"]["outcome"], "GRANTED");
    assert_eq!(
        d["decision"]["conditions"][0],
        "Data slettes ved prosjektslutt."
    );
    assert!(d["caseNumber"].is_string());
    // nothing of HDIR's part: NPR's variables, period and decision are not
    // here (the linkage plan, which names NPR, is what FHI needs to link)
    for npr_only in ["HOVEDTILSTAND1", "INNDATO"] {
        assert!(
            !detail.text.contains(npr_only),
            "nothing of HDIR's part ({npr_only}): {}",
            detail.text
        );
    }
    assert_eq!(d["linkage"]["linkedSources"], json!(["MFR", "NPR"]));
    assert!(!detail.text.contains(OWNER), "no national identity number");
}

#[actix_rt::test]
async fn an_unknown_orgnr_is_403_with_a_clear_detail_and_other_roles_are_403() {
    let app = TestApp::spawn().await;
    let stranger = custodian(&app, UNKNOWN_ORG);
    for path in [
        "/api/v1/tasks",
        "/api/v1/tasks/00000000-0000-0000-0000-000000000000",
    ] {
        let r = app.get(path, Some(&stranger)).await;
        let p = r.problem(403);
        assert!(
            p["detail"]
                .as_str()
                .unwrap()
                .contains("not a registered custodian"),
            "{p}"
        );
    }
    let handler = app.token(Role::CaseHandler);
    list(&app, &handler, "").await.problem(403);
    let applicant = token(&app, OWNER);
    list(&app, &applicant, "").await.problem(403);
}

#[actix_rt::test]
async fn a_data_preparation_goes_from_acknowledgement_through_progress_and_hours_to_delivery() {
    let app = TestApp::spawn().await;
    decided_case(&app, "journey").await;
    let fhi = custodian(&app, FHI);
    let task = only_task(&app, &fhi).await;
    let id = task["id"].as_str().unwrap().to_owned();

    let r = act(
        &app,
        &fhi,
        &id,
        "acknowledge",
        &json!({"note": "Vår ref 2026/77"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["state"], "ACKNOWLEDGED");
    assert!(r.header("etag").starts_with("\"v2-"));

    let progress = json!({"note": "Uttrekk bestilt", "percentComplete": 40, "expectedDeliveryOn": "2026-12-15"});
    let r = act(&app, &fhi, &id, "progress", &progress).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["state"], "IN_PREPARATION");
    let r = act(
        &app,
        &fhi,
        &id,
        "progress",
        &json!({"note": "Kvalitetssikring"}),
    )
    .await;
    assert_eq!(r.body["state"], "IN_PREPARATION");
    assert_eq!(r.body["progress"].as_array().unwrap().len(), 2);

    let hours = json!({"workedOn": today(), "hours": "2.5", "description": "Uttrekk og kontroll"});
    let r = act(&app, &fhi, &id, "hours", &hours).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = act(
        &app,
        &fhi,
        &id,
        "hours",
        &json!({"workedOn": today(), "hours": "0.75", "description": "Dokumentasjon"}),
    )
    .await;
    assert_eq!(
        r.body["totalHours"],
        json!({"hundredths": 325, "hours": "3.25"})
    );

    let delivery = json!({"deliveredOn": today(), "method": "SECURE_FILE_TRANSFER", "contents": "mfr_uttrekk.csv (VEKT, KJONN, 2010–2020)"});
    let r = act(&app, &fhi, &id, "deliveries", &delivery).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["state"], "DELIVERED");
    assert_eq!(r.body["delivery"]["method"], "SECURE_FILE_TRANSFER");
    let kinds: Vec<&str> = r.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "ACKNOWLEDGED",
            "PROGRESS_REPORTED",
            "PROGRESS_REPORTED",
            "HOURS_REPORTED",
            "HOURS_REPORTED",
            "DELIVERED"
        ]
    );

    // every change is a feed event addressed to FHI, in order
    let types: Vec<String> = feed_types(&app, FHI)
        .into_iter()
        .filter(|(_, t)| *t == id)
        .map(|(ty, _)| ty)
        .collect();
    assert_eq!(
        types,
        [
            "no.helsedata.task.assigned",
            "no.helsedata.task.acknowledged",
            "no.helsedata.task.in_preparation",
            "no.helsedata.task.progress_reported",
            "no.helsedata.task.hours_reported",
            "no.helsedata.task.hours_reported",
            "no.helsedata.task.delivered",
        ]
    );
    // and the audit trail has each action
    let audit =
        hds_persistence::audit::history(&mut app.db.connect(), "custodian_task", &id).unwrap();
    assert_eq!(audit.len(), 6);
    assert!(audit.iter().all(|a| a.actor == format!("org:{FHI}")));

    // a delivered task is closed
    let p = act(&app, &fhi, &id, "deliveries", &delivery).await;
    assert!(p.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("DELIVERED"));
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

#[actix_rt::test]
async fn a_case_closes_only_when_every_granted_source_is_delivered_or_reported() {
    let app = TestApp::spawn().await;
    let case_id = decided_case(&app, "close-after-delivery").await;
    // decided, not delivered: the statutory deadline still applies
    let case = case_file(&app, &case_id).await;
    assert!(case["statutoryDeadline"].is_string(), "{case}");
    assert_eq!(case["dueOn"], case["statutoryDeadline"]);
    assert_eq!(
        close_case(&app, &case_id).await.problem(409)["detail"],
        "the data are not yet made available: MFR, NPR not delivered or reported undeliverable"
    );
    let fhi = custodian(&app, FHI);
    let mfr = only_task(&app, &fhi).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    act(&app, &fhi, &mfr, "acknowledge", &json!({})).await;
    let delivery = json!({"deliveredOn": today(), "method": "EMAIL", "contents": "mfr.csv"});
    let r = act(&app, &fhi, &mfr, "deliveries", &delivery).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        close_case(&app, &case_id).await.problem(409)["detail"],
        "the data are not yet made available: NPR not delivered or reported undeliverable"
    );
    assert_eq!(
        case_file(&app, &case_id).await["dueOn"],
        case["statutoryDeadline"],
        "NPR is still open"
    );
    let hdir = custodian(&app, HDIR);
    let npr = only_task(&app, &hdir).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reason = json!({"reason": "Variablene finnes ikke for perioden"});
    let r = act(&app, &hdir, &npr, "cannot-deliver", &reason).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // the data are made available: the clock has stopped
    let file = case_file(&app, &case_id).await;
    assert!(file["dueOn"].is_null());
    assert_eq!(file["dataMadeAvailableOn"], today());
    // the applicant reads why NPR cannot be delivered, and by whom
    let app_id = file["applicationId"].as_str().unwrap();
    let events = crate::journey::timeline(&app, app_id).await;
    let cannot = events
        .iter()
        .find(|e| e["kind"] == "CANNOT_DELIVER")
        .unwrap_or_else(|| panic!("{events:?}"));
    assert_eq!(cannot["details"]["dataSource"], "NPR");
    assert_eq!(cannot["details"]["reason"], reason["reason"]);
    assert_eq!(cannot["details"]["custodian"], "HDIR");
    assert!(crate::journey::kinds(&events).ends_with(&[
        "DELIVERED",
        "CANNOT_DELIVER",
        "DATA_MADE_AVAILABLE"
    ]));
    let r = close_case(&app, &case_id).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "CLOSED");
}

#[actix_rt::test]
async fn hds_postpones_a_decided_case_while_its_data_are_awaited() {
    let app = TestApp::spawn().await;
    let case_id = decided_case(&app, "postpone-after-decision").await;
    let due = parse_date(case_file(&app, &case_id).await["dueOn"].as_str().unwrap());
    let expected = (due + time::Duration::days(30)).to_string();
    let body = json!({"expectedOn": expected, "reason": "Stor pågang i NPR."});
    let r = case_command(&app, &case_id, "postpone", &body).await;
    assert_eq!(r.body["status"], "DECIDED");
    assert_eq!(r.body["dueOn"], expected.as_str());
    assert_eq!(r.body["postponementExpectedOn"], expected.as_str());
    let fhi = custodian(&app, FHI);
    let mfr = only_task(&app, &fhi).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let hdir = custodian(&app, HDIR);
    let npr = only_task(&app, &hdir).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (tok, task) in [(&fhi, &mfr), (&hdir, &npr)] {
        let reason = json!({"reason": "Uttrekket kan ikke lages"});
        let r = act(&app, tok, task, "cannot-deliver", &reason).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    // Nothing awaits delivery: nothing to postpone.
    let h = app.token(Role::CaseHandler);
    let read = app.get(&format!("/api/v1/cases/{case_id}"), Some(&h)).await;
    let request = app
        .request(
            Method::POST,
            &format!("/api/v1/cases/{case_id}/postpone"),
            Some(&h),
        )
        .header("If-Match", read.header("etag"))
        .json(&json!({"expectedOn": expected, "reason": "Igjen."}));
    assert_eq!(
        app.send(request).await.problem(409)["detail"],
        "nothing awaits delivery: every granted data source is delivered or reported undeliverable"
    );
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

#[actix_rt::test]
async fn refused_actions_are_409_with_why_and_write_nothing() {
    let app = TestApp::spawn().await;
    let (_, case_id) = two_custodian_case(&app, "refusals", true).await;
    case_command(&app, &case_id, "complete", &json!({})).await;
    let hdir = custodian(&app, HDIR);
    let decision_task = only_task(&app, &hdir).await;
    assert_eq!(decision_task["kind"], "DECISION");
    let did = decision_task["id"].as_str().unwrap().to_owned();
    let delivery = json!({"deliveredOn": today(), "method": "EMAIL", "contents": "tabeller.xlsx"});

    let check = |r: Response, why: &str| {
        let p = r.problem(409).clone();
        assert!(p["detail"].as_str().unwrap().contains(why), "{p}");
    };
    let before = work_rows(&app);
    // hours and progress before acknowledgement; delivery on a DECISION task
    check(
        act(
            &app,
            &hdir,
            &did,
            "hours",
            &json!({"workedOn": today(), "hours": "1", "description": "Lesing"}),
        )
        .await,
        "acknowledge",
    );
    check(
        act(&app, &hdir, &did, "deliveries", &delivery).await,
        "recording the decision",
    );
    check(
        act(&app, &hdir, &did, "progress", &json!({"note": "x"})).await,
        "recording the decision",
    );
    check(
        act(&app, &hdir, &did, "cannot-deliver", &json!({"reason": "x"})).await,
        "recording the decision",
    );
    assert_eq!(
        work_rows(&app),
        before,
        "refusals write nothing (no event, feed, audit)"
    );
    assert!(read(&app, &hdir, &did)
        .await
        .header("etag")
        .starts_with("\"v1-"));

    // a delivery before the source is decided (a preparation task made early by SQL)
    sql(
        &app,
        &format!(
            "INSERT INTO custodian_tasks (case_id, custodian_id, data_source_id, kind) \
             SELECT case_id, custodian_id, data_source_id, 'DATA_PREPARATION' FROM case_sources \
             WHERE case_id = '{case_id}' AND data_source_code = 'NPR'"
        ),
    );
    let prep = list(&app, &hdir, "?kind=DATA_PREPARATION").await.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        act(&app, &hdir, &prep, "acknowledge", &json!({}))
            .await
            .status,
        200
    );
    let before = work_rows(&app);
    check(
        act(&app, &hdir, &prep, "deliveries", &delivery).await,
        "no decision yet",
    );
    check(
        act(
            &app,
            &hdir,
            &prep,
            "decision",
            &with_terms(
                json!({"outcome": "GRANTED", "legalBasis": ["§ 19 a"], "text": "Innvilget."}),
            ),
        )
        .await,
        "only a DECISION task",
    );
    assert_eq!(work_rows(&app), before);

    // HDS decides MFR, HDIR refuses NPR: a delivery for the refused source is refused
    case_command(
        &app,
        &case_id,
        "decisions",
        &json!({"decisions": [granted("MFR")]}),
    )
    .await;
    let r = act(&app, &hdir, &did, "decision", &json!({"outcome": "REFUSED", "legalBasis": ["helseregisterloven § 19 b"], "text": "Avslått."})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let before = work_rows(&app);
    let r = act(&app, &hdir, &prep, "deliveries", &delivery).await;
    let detail = r.problem(409)["detail"].as_str().unwrap().to_owned();
    assert!(
        detail.contains("CANCELLED"),
        "the refusal cancelled it: {detail}"
    );
    assert_eq!(work_rows(&app), before);
    // even if it were still open (forced by SQL), the state machine refuses the delivery
    sql(
        &app,
        &format!("UPDATE custodian_tasks SET state = 'ACKNOWLEDGED' WHERE id = '{prep}'"),
    );
    let before = work_rows(&app);
    let r = act(&app, &hdir, &prep, "deliveries", &delivery).await;
    let detail = r.problem(409)["detail"].as_str().unwrap().to_owned();
    assert!(detail.contains("the source was refused"), "{detail}");
    assert_eq!(work_rows(&app), before);
}

#[actix_rt::test]
async fn cannot_deliver_needs_a_reason_and_closes_the_task() {
    let app = TestApp::spawn().await;
    decided_case(&app, "cannot").await;
    let fhi = custodian(&app, FHI);
    let id = only_task(&app, &fhi).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let p = act(&app, &fhi, &id, "cannot-deliver", &json!({"reason": "  "})).await;
    assert_eq!(p.problem(422)["errors"][0]["pointer"], "/reason");
    let r = act(
        &app,
        &fhi,
        &id,
        "cannot-deliver",
        &json!({"reason": "Variablene finnes ikke for 2010"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["state"], "CANNOT_DELIVER");
    assert_eq!(r.body["stateReason"], "Variablene finnes ikke for 2010");
    assert!(feed_types(&app, FHI)
        .iter()
        .any(|(t, i)| t == "no.helsedata.task.cannot_deliver" && *i == id));
}

#[actix_rt::test]
async fn actions_need_if_match_and_a_stale_one_is_412() {
    let app = TestApp::spawn().await;
    decided_case(&app, "if-match").await;
    let fhi = custodian(&app, FHI);
    let id = only_task(&app, &fhi).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    act_with(&app, &fhi, &id, "acknowledge", None, &json!({}))
        .await
        .problem(428);
    act_with(&app, &fhi, &id, "acknowledge", Some("\"v7\""), &json!({}))
        .await
        .problem(412);
    act_with(&app, &fhi, &id, "acknowledge", Some("v1"), &json!({}))
        .await
        .problem(400);
    let garbage = app
        .send(
            app.request(
                Method::POST,
                &format!("/api/v1/tasks/{id}/acknowledge"),
                Some(&fhi),
            )
            .header("If-Match", "\"v1\"")
            .header("Content-Type", "application/json")
            .body("{not json"),
        )
        .await;
    garbage.problem(400);
    // the body is optional
    let ok = app
        .send(
            app.request(
                Method::POST,
                &format!("/api/v1/tasks/{id}/acknowledge"),
                Some(&fhi),
            )
            .header("If-Match", "\"v1\""),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    // the loser of a race holding the old ETag
    act_with(
        &app,
        &fhi,
        &id,
        "progress",
        Some("\"v1\""),
        &json!({"note": "x"}),
    )
    .await
    .problem(412);
}

#[actix_rt::test]
async fn an_unchanged_poll_is_a_bodiless_304_and_a_change_makes_it_200() {
    let app = TestApp::spawn().await;
    decided_case(&app, "poll").await;
    let fhi = custodian(&app, FHI);
    let first = list(&app, &fhi, "").await;
    assert_eq!(first.status, 200);
    let etag = first.header("etag").to_owned();
    let poll = |etag: String, query: &'static str| {
        let fhi = fhi.clone();
        let app = &app;
        async move {
            app.send(
                app.request(Method::GET, &format!("/api/v1/tasks{query}"), Some(&fhi))
                    .header("If-None-Match", etag),
            )
            .await
        }
    };
    let unchanged = poll(etag.clone(), "").await;
    assert_eq!(unchanged.status, 304);
    assert!(unchanged.bytes.is_empty());
    assert_eq!(unchanged.header("etag"), etag);

    // another custodian's change does not change FHI's list
    let hdir = custodian(&app, HDIR);
    let npr = only_task(&app, &hdir).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        act(&app, &hdir, &npr, "acknowledge", &json!({}))
            .await
            .status,
        200
    );
    assert_eq!(poll(etag.clone(), "").await.status, 304);

    // FHI's own change does
    let id = first.body["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        act(&app, &fhi, &id, "acknowledge", &json!({})).await.status,
        200
    );
    let changed = poll(etag.clone(), "").await;
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag"), etag);
    assert_eq!(changed.body["items"][0]["state"], "ACKNOWLEDGED");

    // the ETag depends on the filters, and filters filter
    let assigned = poll(changed.header("etag").to_owned(), "?state=ASSIGNED").await;
    assert_eq!(assigned.status, 200);
    assert!(assigned.body["items"].as_array().unwrap().is_empty());
    let acked = list(
        &app,
        &fhi,
        "?state=ACKNOWLEDGED,IN_PREPARATION&kind=DATA_PREPARATION",
    )
    .await;
    assert_eq!(acked.body["items"].as_array().unwrap().len(), 1);
    let future = list(&app, &fhi, "?updatedSince=2999-01-01T00:00:00Z").await;
    assert!(future.body["items"].as_array().unwrap().is_empty());
    let bad = list(&app, &fhi, "?state=DONE&kind=X&updatedSince=yesterday").await;
    let p = bad.problem(400);
    assert_eq!(p["errors"].as_array().unwrap().len(), 3, "{p}");
}

/// The server reads the counters of polls that arrive together in one
/// statement: each poll still gets its own custodian's answer, and a change
/// committed before a poll is seen by it.
#[actix_rt::test]
async fn polls_that_arrive_together_each_get_their_own_custodians_answer() {
    let app = TestApp::spawn().await;
    decided_case(&app, "together").await;
    let fhi = custodian(&app, FHI);
    let hdir = custodian(&app, HDIR);
    let unknown = custodian(&app, UNKNOWN_ORG);
    let fhi_etag = list(&app, &fhi, "").await.header("etag").to_owned();
    let hdir_etag = list(&app, &hdir, "").await.header("etag").to_owned();
    assert_ne!(fhi_etag, hdir_etag);
    let poll_at = |path: &str, tok: &str, etag: &str| {
        app.send(
            app.request(Method::GET, path, Some(tok))
                .header("If-None-Match", etag),
        )
    };
    let poll = |tok: &str, etag: &str| poll_at("/api/v1/tasks", tok, etag);
    // 30 polls at once: each custodian's own ETag is a 304, the other's a
    // 200 with its own task, an unknown organisation a 403
    let answers = futures_util::future::join_all((0..30).map(|i| match i % 5 {
        0 | 1 => poll(&fhi, &fhi_etag),
        2 => poll(&hdir, &hdir_etag),
        3 => poll(&fhi, &hdir_etag),
        _ => poll(&unknown, &fhi_etag),
    }))
    .await;
    for (i, r) in answers.iter().enumerate() {
        match i % 5 {
            0..=2 => assert_eq!(r.status, 304, "poll {i}: {}", r.text),
            3 => {
                assert_eq!(r.status, 200, "poll {i}");
                assert_eq!(r.header("etag"), fhi_etag);
                assert_eq!(
                    r.body["items"][0]["dataSource"]["code"], "MFR",
                    "{}",
                    r.text
                );
            }
            _ => assert_eq!(r.problem(403)["status"], 403),
        }
    }

    // an empty page carries the counter it was read with: a new task for
    // FHI is seen by the next poll of that empty list
    let empty = list(&app, &fhi, "?state=ACKNOWLEDGED").await;
    assert!(empty.body["items"].as_array().unwrap().is_empty());
    let empty_etag = empty.header("etag").to_owned();
    let acknowledged = "/api/v1/tasks?state=ACKNOWLEDGED";
    assert_eq!(poll_at(acknowledged, &fhi, &empty_etag).await.status, 304);
    let id = list(&app, &fhi, "").await.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        act(&app, &fhi, &id, "acknowledge", &json!({})).await.status,
        200
    );
    let next = poll_at(acknowledged, &fhi, &empty_etag).await;
    assert_eq!(next.status, 200);
    assert_eq!(next.body["items"][0]["id"], id.as_str());
}

#[actix_rt::test]
async fn the_task_list_pages_by_update_time_with_a_cursor() {
    let app = TestApp::spawn().await;
    decided_case(&app, "page-1").await;
    decided_case(&app, "page-2").await;
    decided_case(&app, "page-3").await;
    let fhi = custodian(&app, FHI);
    let mut seen = Vec::new();
    let mut query = "?limit=2".to_owned();
    loop {
        let r = list(&app, &fhi, &query).await;
        assert_eq!(r.status, 200, "{}", r.text);
        for item in r.body["items"].as_array().unwrap() {
            seen.push(
                item["updatedAt"].as_str().unwrap().to_owned() + item["id"].as_str().unwrap(),
            );
        }
        match r.body["nextCursor"].as_str() {
            Some(c) => query = format!("?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 3);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 3);
    list(&app, &fhi, "?cursor=bm9wZQ").await.problem(400);
}

#[actix_rt::test]
async fn hours_are_more_than_0_at_most_24_with_a_date_and_a_description() {
    let app = TestApp::spawn().await;
    decided_case(&app, "hours").await;
    let fhi = custodian(&app, FHI);
    let id = only_task(&app, &fhi).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        act(&app, &fhi, &id, "acknowledge", &json!({})).await.status,
        200
    );
    let before = work_rows(&app);
    for (body, pointers) in [
        (
            json!({"workedOn": today(), "hours": "0", "description": "x"}),
            vec!["/hours"],
        ),
        (
            json!({"workedOn": today(), "hours": "24.5", "description": "x"}),
            vec!["/hours"],
        ),
        (
            json!({"workedOn": today(), "hours": "1.255", "description": "x"}),
            vec!["/hours"],
        ),
        (
            json!({"workedOn": "2999-01-01", "hours": "1", "description": " "}),
            vec!["/workedOn", "/description"],
        ),
        (
            json!({"workedOn": "i går", "hours": "-1", "description": "x"}),
            vec!["/workedOn", "/hours"],
        ),
    ] {
        let r = act(&app, &fhi, &id, "hours", &body).await;
        let p = r.problem(422);
        let mut got: Vec<&str> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["pointer"].as_str().unwrap())
            .collect();
        got.sort_unstable();
        let mut want = pointers.clone();
        want.sort_unstable();
        assert_eq!(got, want, "{body}: {p}");
    }
    assert_eq!(work_rows(&app), before, "nothing written");
    let r = act(
        &app,
        &fhi,
        &id,
        "hours",
        &json!({"workedOn": today(), "hours": "24", "description": "Hel dag"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["hours"][0]["hours"],
        json!({"hundredths": 2400, "hours": "24.00"})
    );
    // a JSON number is refused: hours are never floats on the wire
    let r = act(
        &app,
        &fhi,
        &id,
        "hours",
        &json!({"workedOn": today(), "hours": 1.5, "description": "Tall"}),
    )
    .await;
    let p = r.problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/hours");
    assert_eq!(p["errors"][0]["code"], "INVALID_TYPE");
}

#[actix_rt::test]
async fn the_custodian_decides_through_the_same_rules_and_granted_sources_become_preparation_tasks()
{
    let app = TestApp::spawn().await;
    let (_, case_id) = two_custodian_case(&app, "decide", true).await;
    case_command(&app, &case_id, "complete", &json!({})).await;
    let hdir = custodian(&app, HDIR);
    let did = only_task(&app, &hdir).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let detail = read(&app, &hdir, &did).await;
    assert!(detail.body["decision"].is_null());
    assert!(!detail.body["requested"]["variables"]
        .as_array()
        .unwrap()
        .is_empty());

    // before HDS has decided its part the custodian may decide too; first the rules
    let partly = with_terms(
        json!({"outcome": "PARTLY_GRANTED", "legalBasis": ["helseregisterloven § 19 a"], "text": "Delvis innvilget."}),
    );
    let p = act(&app, &hdir, &did, "decision", &partly).await;
    assert_eq!(p.problem(422)["errors"][0]["pointer"], "/grantedVariables");
    let p = act(
        &app,
        &hdir,
        &did,
        "decision",
        &json!({"outcome": "GRANTED", "legalBasis": [], "text": ""}),
    )
    .await;
    assert_eq!(p.problem(422)["errors"].as_array().unwrap().len(), 2);

    case_command(
        &app,
        &case_id,
        "decisions",
        &json!({"decisions": [granted("MFR")]}),
    )
    .await;
    let r = act(&app, &hdir, &did, "decision", &with_terms(json!({"outcome": "GRANTED", "legalBasis": ["helseregisterloven § 19 a"], "conditions": ["Ingen kobling til andre data"], "text": "Innvilget."}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["state"], "DECIDED");
    assert_eq!(r.body["decision"]["decidedBy"], "CUSTODIAN");

    // the case is decided; NPR now has a preparation task for HDIR, MFR one for FHI
    let h = app.token(Role::CaseHandler);
    let case = app.get(&format!("/api/v1/cases/{case_id}"), Some(&h)).await;
    assert_eq!(case.body["status"], "DECIDED");
    let prep = list(&app, &hdir, "?kind=DATA_PREPARATION").await;
    assert_eq!(prep.body["items"][0]["dataSource"]["code"], "NPR");
    assert_eq!(
        only_task(&app, &custodian(&app, FHI)).await["dataSource"]["code"],
        "MFR"
    );
    let types: Vec<String> = feed_types(&app, HDIR).into_iter().map(|(t, _)| t).collect();
    assert_eq!(
        types,
        ["no.helsedata.task.assigned", "no.helsedata.task.assigned", "no.helsedata.task.decided"],
        "the decision task, then (same transaction, trigger first) the new preparation task, then DECIDED"
    );

    // a decided task is closed
    let again = act(
        &app,
        &hdir,
        &did,
        "decision",
        &json!({"outcome": "REFUSED", "legalBasis": ["x"], "text": "y"}),
    )
    .await;
    assert!(again.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("DECIDED"));
}

#[actix_rt::test]
async fn withdrawal_cancels_the_open_tasks_and_tells_the_custodian() {
    let app = TestApp::spawn().await;
    let (app_id, case_id) = two_custodian_case(&app, "withdraw", true).await;
    case_command(&app, &case_id, "complete", &json!({})).await;
    let hdir = custodian(&app, HDIR);
    let did = only_task(&app, &hdir).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = list(&app, &hdir, "").await.header("etag").to_owned();
    let owner = token(&app, OWNER);
    let case = app
        .get(&format!("/api/v1/applications/{app_id}/case"), Some(&owner))
        .await;
    let r = app
        .send(
            app.request(
                Method::POST,
                &format!("/api/v1/applications/{app_id}/withdraw"),
                Some(&owner),
            )
            .header("If-Match", case.header("etag")),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let poll = app
        .send(
            app.request(Method::GET, "/api/v1/tasks", Some(&hdir))
                .header("If-None-Match", &before),
        )
        .await;
    assert_eq!(
        poll.status, 200,
        "a change made by case handling changes the poll too"
    );
    // cancelled by the trigger cases_withdrawn_cancel_tasks (no code does it)
    let task = read(&app, &hdir, &did).await;
    assert_eq!(task.body["state"], "CANCELLED");
    assert_eq!(task.body["caseStatus"], "WITHDRAWN");
    assert_eq!(task.body["stateReason"], "the application was withdrawn");
    assert!(feed_types(&app, HDIR)
        .iter()
        .any(|(t, i)| t == "no.helsedata.task.cancelled" && *i == did));
    let p = act(&app, &hdir, &did, "acknowledge", &json!({})).await;
    assert!(p.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("CANCELLED"));
}

#[actix_rt::test]
async fn a_reversal_on_appeal_that_changes_a_grant_changes_the_task_and_tells_its_custodian() {
    let app = TestApp::spawn().await;
    let (app_id, case_id) = two_custodian_case(&app, "reversal", false).await;
    case_command(&app, &case_id, "complete", &json!({})).await;
    let partly = with_terms(json!({"dataSource": "NPR", "outcome": "PARTLY_GRANTED",
        "legalBasis": ["helseregisterloven § 19 a"], "text": "Delvis innvilget.",
        "grantedVariables": ["INNDATO"]}));
    case_command(
        &app,
        &case_id,
        "decisions",
        &json!({"decisions": [granted("MFR"), partly]}),
    )
    .await;
    let (fhi, hdir) = (custodian(&app, FHI), custodian(&app, HDIR));
    let npr = only_task(&app, &hdir).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mfr = only_task(&app, &fhi).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        act(&app, &hdir, &npr, "acknowledge", &json!({}))
            .await
            .status,
        200
    );

    // the applicant appeals the partial grant; HDS reverses: NPR fully granted, MFR as before
    let owner = token(&app, OWNER);
    let case = app
        .get(&format!("/api/v1/applications/{app_id}/case"), Some(&owner))
        .await;
    let r = app
        .send(
            app.request(
                Method::POST,
                &format!("/api/v1/applications/{app_id}/case/appeal"),
                Some(&owner),
            )
            .header("If-Match", case.header("etag"))
            .json(&json!({"grounds": "Vi trenger diagnosene."})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    case_command(
        &app,
        &case_id,
        "appeal/reconsideration",
        &json!({"result": "REVERSED", "decisions": [granted("MFR"), granted("NPR")], "reason": "Omgjort."}),
    )
    .await;

    let task = read(&app, &hdir, &npr).await;
    assert_eq!(task.body["decision"]["outcome"], "GRANTED");
    assert!(
        task.header("etag").starts_with("\"v3-"),
        "acknowledged (v2), then the decision changed"
    );
    assert_eq!(task.body["state"], "ACKNOWLEDGED");
    assert!(feed_types(&app, HDIR)
        .iter()
        .any(|(t, i)| t == "no.helsedata.task.decision_changed" && *i == npr));
    // MFR's grant did not change: neither did its task
    assert!(read(&app, &fhi, &mfr)
        .await
        .header("etag")
        .starts_with("\"v1-"));
    assert!(!feed_types(&app, FHI)
        .iter()
        .any(|(t, _)| t == "no.helsedata.task.decision_changed"));
}

#[actix_rt::test]
async fn the_task_detail_changes_its_etag_when_only_the_case_changes() {
    let app = TestApp::spawn().await;
    let case_id = decided_case(&app, "etag").await;
    let fhi = custodian(&app, FHI);
    let task_id = only_task(&app, &fhi).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = read(&app, &fhi, &task_id).await;
    let etag = before.header("etag").to_owned();
    let cached = app
        .send(
            app.request(Method::GET, &format!("/api/v1/tasks/{task_id}"), Some(&fhi))
                .header("If-None-Match", &etag),
        )
        .await;
    assert_eq!(cached.status, 304);
    // the case moves on (here: appealed) while the task row itself does not change
    sql(
        &app,
        &format!("UPDATE cases SET status = 'APPEALED' WHERE id = '{case_id}'"),
    );
    let after = app
        .send(
            app.request(Method::GET, &format!("/api/v1/tasks/{task_id}"), Some(&fhi))
                .header("If-None-Match", &etag),
        )
        .await;
    assert_eq!(
        after.status, 200,
        "a stale 304 would hide the case's new status"
    );
    assert_ne!(after.header("etag"), etag);
    assert!(
        after.header("etag").starts_with("\"v1-"),
        "If-Match still compares the version"
    );
}
