//! GET /api/v1/events: the change feed.

use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use hds_api::auth::Role;
use hds_persistence::feed::{self, NewFeedEvent};
use serde_json::json;

use crate::support::{conforms, Response, TestApp};

const FHI: &str = "983744516";
const HDIR: &str = "983544622";

fn custodian_id(app: &TestApp, orgnr: &str) -> uuid::Uuid {
    feed::custodian_for_orgnr(&mut app.db.connect(), orgnr)
        .unwrap()
        .unwrap()
}

pub fn append(app: &TestApp, event_type: &str, custodian: Option<uuid::Uuid>) -> i64 {
    feed::append(
        &mut app.db.connect(),
        &NewFeedEvent {
            event_type,
            source: "/api/v1/tasks/t1",
            subject: Some("t1"),
            data: json!({"taskId": "t1"}),
            custodian_id: custodian,
            case_id: None,
        },
    )
    .unwrap()
}

#[actix_rt::test]
async fn staff_read_everything_in_order_and_custodians_only_their_own() {
    let app = TestApp::spawn().await;
    let fhi = custodian_id(&app, FHI);
    let hdir = custodian_id(&app, HDIR);
    for i in 0..5 {
        append(
            &app,
            "no.helsedata.task.assigned",
            Some(if i % 2 == 0 { fhi } else { hdir }),
        );
    }
    append(&app, "no.helsedata.case.received", None);

    let staff = app.token(Role::CaseHandler);
    let page = app
        .get("/api/v1/events?after=0&limit=4", Some(&staff))
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    let seqs: Vec<i64> = page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["sequence"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, [1, 2, 3, 4]);
    assert_eq!(page.body["nextAfter"], 4);
    let first = &page.body["items"][0];
    assert_eq!(first["specversion"], "1.0");
    assert_eq!(first["type"], "no.helsedata.task.assigned");
    assert_eq!(first["source"], "/api/v1/tasks/t1");
    assert!(
        first["id"].is_string() && first["time"].is_string() && first["data"]["taskId"] == "t1"
    );
    let rest = app.get("/api/v1/events?after=4", Some(&staff)).await;
    let seqs: Vec<i64> = rest.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["sequence"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, [5, 6]);

    let fhi_token = app.token_for(Role::Custodian, None, Some(FHI));
    let mine = app.get("/api/v1/events", Some(&fhi_token)).await;
    let seqs: Vec<i64> = mine.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["sequence"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, [1, 3, 5], "FHI sees only FHI's events");
    assert_eq!(
        mine.body["nextAfter"], 6,
        "and may skip past events it cannot see"
    );
}

#[actix_rt::test]
async fn who_may_not_read_the_feed() {
    let app = TestApp::spawn().await;
    app.get("/api/v1/events", None).await.problem(401);
    app.get("/api/v1/events", Some(&app.token(Role::Applicant)))
        .await
        .problem(403);
    // a valid orgnr that is no registered custodian
    let stranger = app.token_for(Role::Custodian, None, Some("974761211"));
    let r = app.get("/api/v1/events", Some(&stranger)).await;
    assert!(r.problem(403)["detail"]
        .as_str()
        .unwrap()
        .contains("not a registered custodian"));
}

#[actix_rt::test]
async fn out_of_range_parameters_are_400() {
    let app = TestApp::spawn().await;
    let staff = app.token(Role::CaseHandler);
    for (q, pointer) in [
        ("after=-1", "/query/after"),
        ("limit=0", "/query/limit"),
        ("limit=5000", "/query/limit"),
        ("wait=31", "/query/wait"),
        ("wait=x", "/query/wait"),
    ] {
        let r = app.get(&format!("/api/v1/events?{q}"), Some(&staff)).await;
        assert_eq!(r.problem(400)["errors"][0]["pointer"], pointer, "{q}");
    }
}

#[actix_rt::test]
async fn a_waiting_long_poll_answers_with_the_new_event() {
    let app = TestApp::spawn().await;
    let staff = app.token(Role::CaseHandler);
    let url = app.url("/api/v1/events?after=0&wait=20");
    let client = app.client.clone();
    let poll = tokio::spawn(async move {
        let response = client.get(url).bearer_auth(staff).send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap().to_vec();
        let response = Response {
            status,
            headers,
            body: serde_json::from_slice(&bytes).unwrap(),
            text: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        };
        // sent outside TestApp::send, so held to the contract here
        conforms("GET", "/api/v1/events", &response);
        response
    });
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(
        !poll.is_finished(),
        "the poll waits while the feed is empty"
    );
    append(&app, "no.helsedata.case.received", None);
    // woken by the event (well before its 20 s wait ends): the poll
    // returns the new event, not an empty page
    let response = poll.await.unwrap();
    assert_eq!(response.status, 200, "{}", response.text);
    let items = response.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", response.text);
    assert_eq!(items[0]["sequence"], 1);
    assert_eq!(items[0]["type"], "no.helsedata.case.received");
}

#[actix_rt::test]
async fn a_long_poll_with_nothing_new_answers_empty_at_the_timeout() {
    let app = TestApp::spawn().await;
    let staff = app.token(Role::CaseHandler);
    let started = Instant::now();
    let r = app.get("/api/v1/events?after=0&wait=1", Some(&staff)).await;
    assert_eq!(r.status, 200);
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(r.body["items"], json!([]));
    assert_eq!(r.body["nextAfter"], 0);
}

#[actix_rt::test]
async fn feed_events_are_append_only() {
    let app = TestApp::spawn().await;
    append(&app, "no.helsedata.case.received", None);
    let err = diesel::sql_query("DELETE FROM feed_events")
        .execute(&mut app.db.connect())
        .unwrap_err();
    assert!(err.to_string().contains("append-only"));
}
