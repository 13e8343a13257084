//! Webhooks from the real binary: `hds serve` delivers on its own schedule to
//! a receiver on loopback that fails twice, then succeeds. The receiver
//! checks every signature itself (HMAC-SHA256, Standard Webhooks), sees the
//! retries carry the same id, and never gets the event again after success.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hds_blackbox::{hds, run, Scratch, Server, TestDatabase};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

#[derive(Debug, Clone)]
struct Delivery {
    id: String,
    timestamp: String,
    signature: String,
    body: Vec<u8>,
    answered: u16,
}

/// A minimal HTTP/1.1 receiver: answers 500 to the first `failures` requests.
fn receiver(failures: usize) -> (String, Arc<Mutex<Vec<Delivery>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen: Arc<Mutex<Vec<Delivery>>> = Arc::default();
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut headers = std::collections::HashMap::new();
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            loop {
                line.clear();
                reader.read_line(&mut line).unwrap();
                let trimmed = line.trim_end();
                if trimmed.is_empty() {
                    break;
                }
                if let Some((k, v)) = trimmed.split_once(':') {
                    headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
                }
            }
            let length: usize = headers
                .get("content-length")
                .and_then(|l| l.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let mut log = log.lock().unwrap();
            let answered = if log.len() < failures { 500 } else { 200 };
            log.push(Delivery {
                id: headers.get("webhook-id").cloned().unwrap_or_default(),
                timestamp: headers
                    .get("webhook-timestamp")
                    .cloned()
                    .unwrap_or_default(),
                signature: headers
                    .get("webhook-signature")
                    .cloned()
                    .unwrap_or_default(),
                body,
                answered,
            });
            let reason = if answered == 200 {
                "OK"
            } else {
                "Internal Server Error"
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {answered} {reason}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
        }
    });
    (url, seen)
}

/// Standard Webhooks verification, written from the specification.
fn signed_by(secret: &str, d: &Delivery) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.", d.id, d.timestamp).as_bytes());
    mac.update(&d.body);
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    d.signature.split(' ').any(|s| s == expected)
}

#[test]
fn the_server_delivers_signed_webhooks_retries_failures_and_never_repeats_a_success() {
    let db = TestDatabase::new();
    let scratch = Scratch::new();
    let server = Server::start(&db.url, &scratch);
    let out = run(&mut hds(
        &db.url,
        &scratch,
        server.port,
        &["dev-token", "--role", "CUSTODIAN", "--org", "983744516"],
    ));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let (url, seen) = receiver(2);

    let client = reqwest::blocking::Client::new();
    let registered: Value = client
        .post(server.url("/api/v1/webhooks"))
        .bearer_auth(&token)
        .json(&json!({"url": url}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let secret = registered["secret"]
        .as_str()
        .expect("the secret, shown once")
        .to_owned();

    // an event for FHI, committed by someone else (here: straight in SQL)
    let sql =
        "SELECT append_feed_event('no.helsedata.task.assigned', '/api/v1/tasks/t1', 't1', '{}', \
               (SELECT id FROM custodians WHERE orgnr = '983744516'), NULL)";
    let status = Command::new("psql")
        .args([
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            &db.url,
            "-o",
            "/dev/null",
            "-c",
            sql,
        ])
        .status()
        .unwrap();
    assert!(status.success());

    // retries after about 5 and 10 seconds (with jitter), then success
    let deadline = Instant::now() + Duration::from_secs(60);
    while !seen.lock().unwrap().iter().any(|d| d.answered == 200) {
        assert!(
            Instant::now() < deadline,
            "no successful delivery within 60 s: {:?}",
            seen.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_secs(5)); // several more dispatch rounds
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen.iter().map(|d| d.answered).collect::<Vec<_>>(),
        [500, 500, 200],
        "two failures, one success, nothing after"
    );
    assert!(
        seen.iter().all(|d| d.id == seen[0].id),
        "one webhook-id for all attempts"
    );
    assert!(
        seen.iter().all(|d| signed_by(&secret, d)),
        "every attempt carries a valid signature"
    );
    let payload: Value = serde_json::from_slice(&seen[2].body).unwrap();
    assert_eq!(payload["type"], "no.helsedata.task.assigned");

    let log: Value = client
        .get(server.url(&format!(
            "/api/v1/webhooks/{}/deliveries",
            registered["id"].as_str().unwrap()
        )))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(log["items"][0]["status"], "DELIVERED");
    assert_eq!(log["items"][0]["attempts"], 3);
}
