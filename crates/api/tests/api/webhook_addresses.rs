//! Where webhooks may go: never along a redirect, and only to addresses the
//! lookup that is connected to allowed (no DNS rebinding).

use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpResponse, HttpServer};
use hds_api::auth::Role;
use hds_api::webhook_dispatch::{dispatch_due, DispatchReport, Lookup, PendingLookup, Sender};
use hds_persistence::feed::{self, NewFeedEvent};
use serde_json::json;
use time::OffsetDateTime;

use crate::support::TestApp;

const FHI: &str = "983744516";

/// A loopback server that answers every request with `answer` and counts them.
fn server(answer: impl Fn() -> HttpResponse + Clone + Send + 'static) -> (u16, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = HttpServer::new(move || {
        let counted = counted.clone();
        let answer = answer.clone();
        App::new().default_service(web::to(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            let response = answer();
            async move { response }
        }))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    actix_web::rt::spawn(server);
    (port, hits)
}

fn append(app: &TestApp) {
    let mut conn = app.db.connect();
    let custodian = feed::custodian_for_orgnr(&mut conn, FHI).unwrap();
    feed::append(
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
}

async fn register(app: &TestApp, token: &str, url: &str) -> String {
    let r = app
        .post_json(
            "/api/v1/webhooks",
            Some(token),
            &json!({"url": url, "eventTypes": ["no.helsedata.task.assigned"]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_str().unwrap().to_owned()
}

async fn last_attempt(app: &TestApp, token: &str, hook: &str) -> serde_json::Value {
    let log = app
        .get(&format!("/api/v1/webhooks/{hook}/deliveries"), Some(token))
        .await;
    assert_eq!(log.status, 200, "{}", log.text);
    log.body["items"][0].clone()
}

#[actix_rt::test]
async fn a_redirect_is_a_failed_attempt_and_its_target_is_never_contacted() {
    let app = TestApp::spawn().await;
    let fhi = app.token_for(Role::Custodian, None, Some(FHI));
    // the internal service the redirect points at
    let (inside, inside_hits) = server(|| HttpResponse::Ok().body("internal admin"));
    for location in [
        format!("http://127.0.0.1:{inside}/internal-admin"),
        "http://[fd00::2]:18932/internal-admin".to_owned(),
    ] {
        let (outside, outside_hits) = server(move || {
            HttpResponse::TemporaryRedirect()
                .insert_header(("Location", location.clone()))
                .finish()
        });
        let hook = register(&app, &fhi, &format!("http://127.0.0.1:{outside}/hook")).await;
        append(&app);
        let report = dispatch_due(
            &app.state,
            &Sender::for_mode(app.config.mode),
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
        assert_eq!(
            report,
            DispatchReport {
                retrying: 1,
                ..Default::default()
            }
        );
        assert_eq!(outside_hits.load(Ordering::SeqCst), 1);
        let attempt = last_attempt(&app, &fhi, &hook).await;
        assert_eq!(attempt["status"], "PENDING", "{attempt}");
        assert_eq!(attempt["lastStatus"], 307, "{attempt}");
        assert!(
            attempt["lastError"].as_str().unwrap().contains("redirect"),
            "{attempt}"
        );
        app.delete(&format!("/api/v1/webhooks/{hook}"), Some(&fhi), None)
            .await;
    }
    assert_eq!(
        inside_hits.load(Ordering::SeqCst),
        0,
        "the redirect's target was never contacted"
    );
    // operators see the failed attempts
    let metrics = app.get("/metrics", None).await.text;
    assert!(
        metrics
            .lines()
            .any(|l| l == r#"hds_webhook_attempts_total{kind="retrying"} 2"#),
        "{metrics}"
    );
}

/// A name server under the caller's control: each lookup answers the next
/// address of its list (the last one from then on), and lookups are counted.
struct Rebinding {
    answers: Vec<IpAddr>,
    lookups: Mutex<usize>,
}

impl Lookup for Rebinding {
    fn lookup(&self, _host: &str) -> PendingLookup {
        let mut n = self.lookups.lock().unwrap();
        let answer = self.answers[(*n).min(self.answers.len() - 1)];
        *n += 1;
        Box::pin(async move { Ok(vec![answer]) })
    }
}

#[actix_rt::test]
async fn the_address_connected_to_is_the_one_checked_so_rebinding_cannot_pass() {
    let app = TestApp::spawn().await;
    let fhi = app.token_for(Role::Custodian, None, Some(FHI));
    let (port, hits) = server(|| HttpResponse::Ok().finish());
    let hook = register(&app, &fhi, &format!("http://127.0.0.1:{port}/hook")).await;
    // the registered URL names a host; the name is what we resolve
    let mut conn = app.db.connect();
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!(
            "UPDATE webhook_endpoints SET url = 'http://receiver.test:{port}/hook'"
        )),
        &mut conn,
    )
    .unwrap();

    // the local default allows loopback and nothing else that is not public:
    // the name answers loopback (the receiver) first, a private address next
    let rebinding = Arc::new(Rebinding {
        answers: vec![IpAddr::from([127, 0, 0, 1]), IpAddr::from([10, 0, 0, 5])],
        lookups: Mutex::new(0),
    });
    let sender = Sender::with_lookup(true, rebinding.clone());
    append(&app);
    let first = dispatch_due(&app.state, &sender, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(first.delivered, 1, "{first:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    append(&app);
    let second = dispatch_due(&app.state, &sender, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(second.retrying, 1, "{second:?}");
    assert_eq!(
        *rebinding.lookups.lock().unwrap(),
        2,
        "one lookup per attempt: the address checked is the address connected to"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    let attempt = last_attempt(&app, &fhi, &hook).await;
    assert_eq!(attempt["lastStatus"], serde_json::Value::Null, "{attempt}");
    let error = attempt["lastError"].as_str().unwrap();
    assert!(
        error.contains("receiver.test resolves to an address that is not public"),
        "{error}"
    );
    assert!(
        !error.contains("10.0.0.5"),
        "the address itself is not shown: {error}"
    );

    // production allows public addresses only: loopback is refused too, and
    // the receiver is never contacted
    let production = Sender::with_lookup(
        false,
        Arc::new(Rebinding {
            answers: vec![IpAddr::from([127, 0, 0, 1])],
            lookups: Mutex::new(0),
        }),
    );
    append(&app);
    let refused = dispatch_due(
        &app.state,
        &production,
        OffsetDateTime::now_utc() + time::Duration::hours(1),
    )
    .await
    .unwrap();
    assert_eq!(refused.delivered, 0, "{refused:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}
