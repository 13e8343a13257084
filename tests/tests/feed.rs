//! The change feed across processes: two `hds serve` against one database,
//! one restarted midway; a consumer that keeps its sequence sees every event
//! exactly once, in order, whichever process it asks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use hds_blackbox::{free_port, hds, run, Scratch, Server, TestDatabase};
use serde_json::Value;

fn append(db: &TestDatabase, n: usize, tag: &str) {
    let sql = format!(
        "SELECT append_feed_event('no.helsedata.test.{tag}', '/test', NULL, jsonb_build_object('n', g), NULL, NULL) FROM generate_series(1, {n}) g"
    );
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
            &sql,
        ])
        .status()
        .unwrap();
    assert!(status.success());
}

fn read_all(server: &Server, token: &str, after: &mut i64, seen: &mut Vec<i64>) {
    let client = reqwest::blocking::Client::new();
    loop {
        let page: Value = client
            .get(server.url(&format!("/api/v1/events?after={after}&limit=7")))
            .bearer_auth(token)
            .send()
            .unwrap()
            .json()
            .unwrap();
        let items = page["items"].as_array().unwrap();
        for item in items {
            seen.push(item["sequence"].as_i64().unwrap());
        }
        *after = page["nextAfter"].as_i64().unwrap();
        if items.is_empty() {
            return;
        }
    }
}

#[test]
fn a_consumer_keeping_its_sequence_misses_nothing_across_processes_and_restarts() {
    let db = TestDatabase::new();
    let scratch = Scratch::new();
    // two replicas behind one public address: tokens name one issuer
    let (port_a, port_b) = (free_port(), free_port());
    let public = format!("http://127.0.0.1:{port_a}");
    let env = [("HDS_PUBLIC_URL", public.as_str())];
    let a = Server::start_with(&db.url, &scratch, port_a, &env);
    let mut b = Server::start_with(&db.url, &scratch, port_b, &env);
    let out = run(hds(
        &db.url,
        &scratch,
        port_a,
        &["dev-token", "--role", "CASE_HANDLER"],
    )
    .envs(env));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();

    let (mut after, mut seen) = (0, Vec::new());
    append(&db, 25, "first");
    read_all(&a, &token, &mut after, &mut seen);
    append(&db, 10, "second");
    read_all(&b, &token, &mut after, &mut seen);

    // restart b on the same port while events keep coming
    let port = b.port;
    assert!(b.terminate().success());
    append(&db, 15, "while_b_was_down");
    let b = Server::start_with(&db.url, &scratch, port, &env);
    read_all(&b, &token, &mut after, &mut seen);
    append(&db, 5, "third");
    read_all(&a, &token, &mut after, &mut seen);

    let expected: Vec<i64> = (1..=55).collect();
    assert_eq!(seen, expected, "every event once, in order");
    drop(a);
}
