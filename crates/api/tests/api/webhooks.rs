//! Webhooks: registration, signed delivery, retries, rotation, disabling.

use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use diesel::Connection;
use hds_api::auth::Role;
use hds_api::config::Mode;
use hds_api::webhook_dispatch::{dispatch_due, sign, DispatchReport, Sender};
use hds_persistence::feed::{self, NewFeedEvent};
use serde_json::{json, Value};
use time::{Duration, OffsetDateTime};

use crate::support::TestApp;

const FHI: &str = "983744516";
const HDIR: &str = "983544622";

/// What the receiver saw of one request.
#[derive(Clone, Debug)]
struct Received {
    id: String,
    timestamp: String,
    signatures: Vec<String>,
    body: Vec<u8>,
}

/// A webhook receiver on loopback that answers 500 to the first `failures`
/// requests and 200 after.
struct Receiver {
    url: String,
    seen: Arc<Mutex<Vec<Received>>>,
}

fn receiver(failures: usize) -> Receiver {
    let seen: Arc<Mutex<Vec<Received>>> = Arc::default();
    let log = seen.clone();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = HttpServer::new(move || {
        let log = log.clone();
        App::new().route(
            "/hook",
            web::post().to(move |req: HttpRequest, body: web::Bytes| {
                let log = log.clone();
                async move {
                    let header = |name: &str| {
                        req.headers()
                            .get(name)
                            .map(|v| v.to_str().unwrap().to_owned())
                            .unwrap_or_default()
                    };
                    let mut log = log.lock().unwrap();
                    log.push(Received {
                        id: header("webhook-id"),
                        timestamp: header("webhook-timestamp"),
                        signatures: header("webhook-signature")
                            .split(' ')
                            .map(str::to_owned)
                            .collect(),
                        body: body.to_vec(),
                    });
                    if log.len() <= failures {
                        HttpResponse::InternalServerError().finish()
                    } else {
                        HttpResponse::Ok().finish()
                    }
                }
            }),
        )
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    actix_web::rt::spawn(server);
    Receiver {
        url: format!("http://127.0.0.1:{port}/hook"),
        seen,
    }
}

fn verifies(secret: &str, r: &Received) -> bool {
    let expected = sign(secret, &r.id, r.timestamp.parse().unwrap(), &r.body).unwrap();
    r.signatures.contains(&expected)
}

fn append_for(app: &TestApp, orgnr: &str) -> Value {
    let mut conn = app.db.connect();
    let custodian = feed::custodian_for_orgnr(&mut conn, orgnr).unwrap();
    let sequence = feed::append(
        &mut conn,
        &NewFeedEvent {
            event_type: "no.helsedata.task.assigned",
            source: "/api/v1/tasks/t1",
            subject: Some("t1"),
            data: json!({"taskId": "t1"}),
            custodian_id: custodian,
            case_id: None,
        },
    )
    .unwrap();
    json!(sequence)
}

async fn register(app: &TestApp, token: &str, url: &str) -> Value {
    let r = app
        .post_json(
            "/api/v1/webhooks",
            Some(token),
            &json!({"url": url, "eventTypes": ["no.helsedata.task.assigned"]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body
}

async fn dispatch(app: &TestApp, at: OffsetDateTime) -> DispatchReport {
    dispatch_due(&app.state, &Sender::for_mode(app.config.mode), at)
        .await
        .unwrap()
}

#[actix_rt::test]
async fn a_delivery_is_signed_retried_after_failures_and_never_repeated_after_success() {
    let app = TestApp::spawn().await;
    let fhi = app.token_for(Role::Custodian, None, Some(FHI));
    let rx = receiver(2);
    let hook = register(&app, &fhi, &rx.url).await;
    let secret = hook["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    append_for(&app, FHI);
    append_for(&app, HDIR); // another custodian's event: not ours

    let t0 = OffsetDateTime::now_utc();
    assert_eq!(
        dispatch(&app, t0).await,
        DispatchReport {
            retrying: 1,
            ..Default::default()
        }
    );
    assert_eq!(
        dispatch(&app, t0).await,
        DispatchReport::default(),
        "not due again before its backoff"
    );
    assert_eq!(
        dispatch(&app, t0 + Duration::minutes(1)).await,
        DispatchReport {
            retrying: 1,
            ..Default::default()
        }
    );
    assert_eq!(
        dispatch(&app, t0 + Duration::minutes(10)).await,
        DispatchReport {
            delivered: 1,
            ..Default::default()
        }
    );
    assert_eq!(
        dispatch(&app, t0 + Duration::hours(5)).await,
        DispatchReport::default(),
        "a success is never sent again"
    );

    let seen = rx.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3);
    assert!(
        seen.iter().all(|r| r.id == seen[0].id),
        "the same webhook-id on every retry"
    );
    assert!(
        seen.iter().all(|r| verifies(&secret, r)),
        "every attempt is signed with the endpoint's secret"
    );
    let payload: Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(payload["type"], "no.helsedata.task.assigned");
    assert_eq!(
        payload["data"]["sequence"], 1,
        "thin payload: ids, type, sequence"
    );
    assert!(
        payload["data"].get("taskId").is_none(),
        "no details in the webhook"
    );

    let log = app
        .get(
            &format!(
                "/api/v1/webhooks/{}/deliveries",
                hook["id"].as_str().unwrap()
            ),
            Some(&fhi),
        )
        .await;
    assert_eq!(log.status, 200, "{}", log.text);
    assert_eq!(log.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(log.body["items"][0]["status"], "DELIVERED");
    assert_eq!(log.body["items"][0]["attempts"], 3);
    assert_eq!(log.body["items"][0]["lastStatus"], 200);
}

#[actix_rt::test]
async fn two_dispatchers_at_once_send_each_delivery_once() {
    let app = TestApp::spawn().await;
    let fhi = app.token_for(Role::Custodian, None, Some(FHI));
    let rx = receiver(0);
    register(&app, &fhi, &rx.url).await;
    for _ in 0..30 {
        append_for(&app, FHI);
    }
    let at = OffsetDateTime::now_utc();
    let (a, b) = tokio::join!(dispatch(&app, at), dispatch(&app, at));
    assert_eq!(a.delivered + b.delivered, 30);
    let seen = rx.seen.lock().unwrap().clone();
    let mut ids: Vec<&str> = seen.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(
        (seen.len(), ids.len()),
        (30, 30),
        "30 events, 30 requests, no repeats"
    );
}

#[actix_rt::test]
async fn the_outbox_is_written_with_the_event_or_not_at_all() {
    let app = TestApp::spawn().await;
    let fhi = app.token_for(Role::Custodian, None, Some(FHI));
    register(&app, &fhi, "http://127.0.0.1:9/hook").await;
    let mut conn = app.db.connect();
    let custodian = feed::custodian_for_orgnr(&mut conn, FHI).unwrap();
    let rolled_back = conn.transaction::<(), hds_persistence::StoreError, _>(|c| {
        feed::append(
            c,
            &NewFeedEvent {
                event_type: "no.helsedata.task.assigned",
                source: "/x",
                subject: None,
                data: json!({}),
                custodian_id: custodian,
                case_id: None,
            },
        )?;
        Err(hds_persistence::StoreError::StaleVersion)
    });
    assert!(rolled_back.is_err());
    assert_eq!(
        hds_persistence::test_support::count_rows(&mut conn, "webhook_deliveries"),
        0
    );
    append_for(&app, FHI);
    assert_eq!(
        hds_persistence::test_support::count_rows(&mut conn, "webhook_deliveries"),
        1
    );
}

#[actix_rt::test]
async fn after_a_rotation_both_secrets_sign_for_a_day() {
    let app = TestApp::spawn().await;
    let fhi = app.token_for(Role::Custodian, None, Some(FHI));
    let rx = receiver(0);
    let hook = register(&app, &fhi, &rx.url).await;
    let old = hook["secret"].as_str().unwrap().to_owned();
    let rotated = app
        .send(
            app.client
                .post(app.url(&format!(
                    "/api/v1/webhooks/{}/rotate-secret",
                    hook["id"].as_str().unwrap()
                )))
                .bearer_auth(&fhi),
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let new = rotated.body["secret"].as_str().unwrap().to_owned();
    assert_ne!(old, new);
    assert!(rotated.body["previousSecretValidUntil"].is_string());
    append_for(&app, FHI);
    dispatch(&app, OffsetDateTime::now_utc()).await;
    let seen = rx.seen.lock().unwrap().clone();
    assert_eq!(seen[0].signatures.len(), 2);
    assert!(verifies(&new, &seen[0]) && verifies(&old, &seen[0]));
    // the secret is never shown again
    let listed = app.get("/api/v1/webhooks", Some(&fhi)).await;
    assert!(!listed.text.contains("whsec_"));
}

#[actix_rt::test]
async fn an_endpoint_failing_for_days_is_disabled_and_says_why() {
    let app = TestApp::spawn().await;
    let fhi = app.token_for(Role::Custodian, None, Some(FHI));
    let rx = receiver(usize::MAX);
    let hook = register(&app, &fhi, &rx.url).await;
    let id = hook["id"].as_str().unwrap().to_owned();
    append_for(&app, FHI);
    let t0 = OffsetDateTime::now_utc();
    dispatch(&app, t0).await;
    let later = dispatch(&app, t0 + Duration::hours(80)).await;
    assert_eq!(
        later,
        DispatchReport {
            abandoned: 1,
            disabled: 1,
            ..Default::default()
        }
    );
    let shown = app.get(&format!("/api/v1/webhooks/{id}"), Some(&fhi)).await;
    assert_eq!(shown.body["enabled"], false);
    assert!(
        shown.body["disabledReason"]
            .as_str()
            .unwrap()
            .contains("answered 500"),
        "{}",
        shown.body
    );
    // the dispatcher's change is audited like any other
    let audit =
        hds_persistence::audit::history(&mut app.db.connect(), "webhook_endpoint", &id).unwrap();
    let last = audit.last().unwrap();
    assert_eq!(
        (last.actor.as_str(), last.action.as_str()),
        ("system:webhook-dispatcher", "WEBHOOK_DISABLED")
    );
    // while disabled, new events queue nothing
    append_for(&app, FHI);
    assert_eq!(
        hds_persistence::test_support::count_rows(&mut app.db.connect(), "webhook_deliveries"),
        1
    );
    let enabled = app
        .send(
            app.client
                .post(app.url(&format!("/api/v1/webhooks/{id}/enable")))
                .bearer_auth(&fhi),
        )
        .await;
    assert_eq!(enabled.body["enabled"], true);
}

#[actix_rt::test]
async fn registration_rules_and_scope() {
    let app = TestApp::spawn().await;
    let fhi = app.token_for(Role::Custodian, None, Some(FHI));
    let hdir = app.token_for(Role::Custodian, None, Some(HDIR));
    for (url, _) in [
        ("http://10.0.0.5/hook", "private over http"),
        ("https://192.168.0.1/hook", "private"),
        ("ftp://x.no/h", "scheme"),
    ] {
        let r = app
            .post_json("/api/v1/webhooks", Some(&fhi), &json!({"url": url}))
            .await;
        assert_eq!(r.problem(422)["errors"][0]["pointer"], "/url", "{url}");
    }
    let r = app
        .post_json(
            "/api/v1/webhooks",
            Some(&fhi),
            &json!({"url": "https://api.fhi.no/h", "eventTypes": ["DROP TABLE"]}),
        )
        .await;
    assert_eq!(r.problem(422)["errors"][0]["pointer"], "/eventTypes/0");
    assert_eq!(
        hds_persistence::test_support::count_rows(&mut app.db.connect(), "webhook_endpoints"),
        0,
        "nothing written"
    );

    let hook = register(&app, &fhi, "https://api.fhi.no/hds/hooks").await;
    let id = hook["id"].as_str().unwrap();
    app.get(&format!("/api/v1/webhooks/{id}"), Some(&hdir))
        .await
        .problem(404);
    app.get(&format!("/api/v1/webhooks/{id}/deliveries"), Some(&hdir))
        .await
        .problem(404);
    app.get("/api/v1/webhooks", Some(&app.token(Role::Applicant)))
        .await
        .problem(403);
    app.get("/api/v1/webhooks/not-a-uuid", Some(&fhi))
        .await
        .problem(400);

    let production = TestApp::spawn_with(|c| c.mode = Mode::Production).await;
    let token = production.token_for(Role::Custodian, None, Some(FHI));
    let r = production
        .post_json(
            "/api/v1/webhooks",
            Some(&token),
            &json!({"url": "http://127.0.0.1:9/hook"}),
        )
        .await;
    r.problem(422);
}

#[actix_rt::test]
async fn a_retried_registration_with_one_key_registers_once() {
    let app = TestApp::spawn().await;
    let fhi = app.token_for(Role::Custodian, None, Some(FHI));
    let body = json!({"url": "https://api.fhi.no/hds/hooks"});
    let send = || {
        app.send(
            app.client
                .post(app.url("/api/v1/webhooks"))
                .bearer_auth(&fhi)
                .header("Idempotency-Key", "reg-1")
                .json(&body),
        )
    };
    let first = send().await;
    let again = send().await;
    assert_eq!((first.status, again.status), (201, 201));
    assert_eq!(first.body["id"], again.body["id"]);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(
        hds_persistence::test_support::count_rows(&mut app.db.connect(), "webhook_endpoints"),
        1
    );
    let other = app
        .send(
            app.client
                .post(app.url("/api/v1/webhooks"))
                .bearer_auth(&fhi)
                .header("Idempotency-Key", "reg-1")
                .json(&json!({"url": "https://api.fhi.no/other"})),
        )
        .await;
    other.problem(422);
}
