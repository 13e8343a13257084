//! Custodian systems against the real binary: two custodians (FHI, DMP) and
//! two `hds serve` processes over one database. The reference client
//! (`hds_blackbox::client`, and the `reference-client` binary) follows the
//! feed, fetches and acknowledges its tasks; each custodian sees exactly its
//! own tasks; a long-poll answers within a second of a new task event.
//!
//! Cases with tasks come from `scripts/seed-custodian-tasks.sql` (a
//! documented SQL shortcut past the applications and case handling API; the
//! database triggers still append the feed events, as in production).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use hds_blackbox::client::{ClientConfig, CustodianClient};
use hds_blackbox::{free_port, hds, run, Scratch, Server, TestDatabase};
use serde_json::Value;

const FHI: &str = "983744516";
const DMP: &str = "974761122";

fn seed(db: &TestDatabase, first: u32, cases: u32) {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scripts/seed-custodian-tasks.sql"
    );
    let status = Command::new("psql")
        .args(["-X", "-q", &db.url, "-o", "/dev/null"])
        .args([
            "-v",
            &format!("first={first}"),
            "-v",
            &format!("cases={cases}"),
        ])
        .args(["-v", "state=ASSIGNED", "-f", script])
        .status()
        .unwrap();
    assert!(status.success());
}

fn psql_lines(db: &TestDatabase, sql: &str) -> BTreeSet<String> {
    let out = Command::new("psql")
        .args(["-X", "-q", "-t", "-A", &db.url, "-c", sql])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .filter(|l| !l.is_empty())
        .collect()
}

fn tasks_in_db(db: &TestDatabase, orgnr: &str, state: Option<&str>) -> BTreeSet<String> {
    let state = state.map_or(String::new(), |s| format!(" AND t.state = '{s}'"));
    psql_lines(
        db,
        &format!(
            "SELECT t.id FROM custodian_tasks t JOIN custodians c ON c.id = t.custodian_id \
             WHERE c.orgnr = '{orgnr}'{state}"
        ),
    )
}

fn listed(server: &Server, token: &str) -> BTreeSet<String> {
    let client = reqwest::blocking::Client::new();
    let mut ids = BTreeSet::new();
    let mut cursor = String::new();
    loop {
        let page: Value = client
            .get(server.url(&format!("/api/v1/tasks?limit=3{cursor}")))
            .bearer_auth(token)
            .send()
            .unwrap()
            .json()
            .unwrap();
        for item in page["items"].as_array().unwrap() {
            ids.insert(item["id"].as_str().unwrap().to_owned());
        }
        match page["nextCursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => return ids,
        }
    }
}

/// Rounds until the feed has nothing more (acknowledgements are events too).
fn drain(client: &CustodianClient) -> BTreeSet<String> {
    let mut acknowledged = BTreeSet::new();
    for _ in 0..20 {
        let round = client.round().unwrap();
        acknowledged.extend(round.acknowledged);
        if round.events == 0 {
            return acknowledged;
        }
    }
    panic!("the feed did not run dry");
}

#[test]
fn two_custodians_on_two_processes_see_and_acknowledge_exactly_their_own_tasks() {
    let db = TestDatabase::new();
    let scratch = Scratch::new();
    let (port_a, port_b) = (free_port(), free_port());
    let public = format!("http://127.0.0.1:{port_a}");
    let env = [("HDS_PUBLIC_URL", public.as_str())];
    let a = Server::start_with(&db.url, &scratch, port_a, &env);
    let b = Server::start_with(&db.url, &scratch, port_b, &env);
    let token = |org: &str| {
        let out = run(hds(
            &db.url,
            &scratch,
            port_a,
            &["dev-token", "--role", "CUSTODIAN", "--org", org],
        )
        .envs(env));
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let (fhi, dmp) = (token(FHI), token(DMP));

    // six cases: MFR (FHI) on each, and NPR (FHI), BIVIRK (DMP) or HELSEARKIV (ARKIVVERKET)
    seed(&db, 1, 6);
    let fhi_tasks = tasks_in_db(&db, FHI, None);
    let dmp_tasks = tasks_in_db(&db, DMP, None);
    assert_eq!((fhi_tasks.len(), dmp_tasks.len()), (8, 2));

    // each custodian sees exactly its own tasks, whichever process it asks
    assert_eq!(listed(&a, &fhi), fhi_tasks);
    assert_eq!(listed(&b, &fhi), fhi_tasks);
    assert_eq!(listed(&b, &dmp), dmp_tasks);
    let http = reqwest::blocking::Client::new();
    let other = dmp_tasks.iter().next().unwrap();
    let r = http
        .get(a.url(&format!("/api/v1/tasks/{other}")))
        .bearer_auth(&fhi)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 404, "another custodian's task");

    // FHI's client on process A, DMP's (the binary) on process B
    let fhi_client = CustodianClient::new(ClientConfig {
        base: a.base.clone(),
        token: fhi.clone(),
        state_file: scratch.0.join("fhi.seq"),
        wait_seconds: 0,
    })
    .unwrap()
    // every response it gets is held to the spec the server serves
    .checking_contract()
    .unwrap();
    assert_eq!(drain(&fhi_client), fhi_tasks);
    let out = Command::new(env!("CARGO_BIN_EXE_reference-client"))
        .args(["--base", &b.base, "--wait", "0", "--rounds", "3"])
        .args(["--state", scratch.0.join("dmp.seq").to_str().unwrap()])
        .env("HDS_TOKEN", &dmp)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: BTreeSet<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("acknowledged ").map(str::to_owned))
        .collect();
    assert_eq!(printed, dmp_tasks);
    assert_eq!(tasks_in_db(&db, FHI, Some("ACKNOWLEDGED")), fhi_tasks);
    assert_eq!(tasks_in_db(&db, DMP, Some("ACKNOWLEDGED")), dmp_tasks);
    assert_eq!(
        psql_lines(&db, "SELECT DISTINCT t.state FROM custodian_tasks t JOIN custodians c ON c.id = t.custodian_id WHERE c.code = 'ARKIVVERKET'"),
        BTreeSet::from(["ASSIGNED".to_owned()]),
        "nobody touched the third custodian's tasks"
    );

    // a restarted client (same state file) has nothing to redo
    let again = CustodianClient::new(ClientConfig {
        base: b.base.clone(),
        token: fhi.clone(),
        state_file: scratch.0.join("fhi.seq"),
        wait_seconds: 0,
    })
    .unwrap()
    .checking_contract()
    .unwrap();
    assert_eq!(again.round().unwrap().events, 0);

    a_long_poll_answers_with_the_new_task(&db, &b, &fhi, &scratch, &again);
    drop(a);
}

/// A long-poll on process B answers with a task created via
/// the database, and the client picks the new task up.
fn a_long_poll_answers_with_the_new_task(
    db: &TestDatabase,
    b: &Server,
    fhi: &str,
    scratch: &Scratch,
    again: &CustodianClient,
) {
    let fhi = fhi.to_owned();
    let seq: i64 = std::fs::read_to_string(scratch.0.join("fhi.seq"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let url = b.url(&format!("/api/v1/events?after={seq}&wait=20"));
    let poller = std::thread::spawn({
        move || {
            let page: Value = reqwest::blocking::Client::new()
                .get(url)
                .bearer_auth(fhi)
                .send()
                .unwrap()
                .json()
                .unwrap();
            page
        }
    });
    std::thread::sleep(Duration::from_millis(700));
    seed(db, 7, 1);
    // woken by the commit (well before its 20 s wait ends), the long poll
    // returns the new task's event
    let page = poller.join().unwrap();
    assert_eq!(page["items"][0]["type"], "no.helsedata.task.assigned");
    // and the client picks the new task up
    let new: BTreeSet<String> = drain(again);
    assert_eq!(new.len(), 1);
    assert_eq!(
        tasks_in_db(db, FHI, Some("ACKNOWLEDGED")).len(),
        9,
        "the new task is acknowledged too"
    );
}

/// The unchanged poll keeps nothing in memory between requests: a change
/// made through process A, or straight in the database by another
/// connection, is seen by the very next poll on process B (a 200 with the
/// change, never a stale 304), and an unchanged list stays a 304.
#[test]
fn a_change_made_elsewhere_is_seen_by_the_next_poll_on_another_process() {
    let db = TestDatabase::new();
    let scratch = Scratch::new();
    let (port_a, port_b) = (free_port(), free_port());
    let public = format!("http://127.0.0.1:{port_a}");
    let env = [("HDS_PUBLIC_URL", public.as_str())];
    let a = Server::start_with(&db.url, &scratch, port_a, &env);
    let b = Server::start_with(&db.url, &scratch, port_b, &env);
    let out = run(hds(
        &db.url,
        &scratch,
        port_a,
        &["dev-token", "--role", "CUSTODIAN", "--org", FHI],
    )
    .envs(env));
    let fhi = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    seed(&db, 1, 2);
    let http = reqwest::blocking::Client::new();
    let poll = |etag: &str| {
        let r = http
            .get(b.url("/api/v1/tasks"))
            .bearer_auth(&fhi)
            .header("If-None-Match", etag)
            .send()
            .unwrap();
        let status = r.status().as_u16();
        let tag = r.headers()["etag"].to_str().unwrap().to_owned();
        let body = r.text().unwrap();
        (status, tag, body)
    };
    let (status, etag, _) = poll("\"none\"");
    assert_eq!(status, 200);
    // polled again and again on B while nothing changes: 304
    for _ in 0..20 {
        assert_eq!(poll(&etag).0, 304);
    }

    // acknowledged through process A: B's next poll is a 200 showing it
    let task = tasks_in_db(&db, FHI, None).into_iter().next().unwrap();
    let read = http
        .get(a.url(&format!("/api/v1/tasks/{task}")))
        .bearer_auth(&fhi)
        .send()
        .unwrap();
    let task_etag = read.headers()["etag"].to_str().unwrap().to_owned();
    let acked = http
        .post(a.url(&format!("/api/v1/tasks/{task}/acknowledge")))
        .bearer_auth(&fhi)
        .header("If-Match", task_etag)
        .json(&serde_json::json!({}))
        .send()
        .unwrap();
    assert_eq!(acked.status().as_u16(), 200);
    let (status, after_a, body) = poll(&etag);
    assert_eq!(status, 200, "{body}");
    assert_ne!(after_a, etag);
    let page: Value = serde_json::from_str(&body).unwrap();
    let task_states: Vec<(&str, &str)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["id"].as_str().unwrap(), t["state"].as_str().unwrap()))
        .collect();
    assert!(
        task_states.contains(&(task.as_str(), "ACKNOWLEDGED")),
        "{body}"
    );
    assert_eq!(poll(&after_a).0, 304);

    // changed by another connection, bypassing every hds process: seen too
    let changed = psql_lines(
        &db,
        &format!("UPDATE custodian_tasks SET state = 'IN_PREPARATION', version = version + 1 WHERE id = '{task}' RETURNING id"),
    );
    assert_eq!(changed.len(), 1);
    let (status, after_db, body) = poll(&after_a);
    assert_eq!(status, 200, "{body}");
    assert_ne!(after_db, after_a);
    assert!(body.contains("IN_PREPARATION"), "{body}");
    assert_eq!(poll(&after_db).0, 304);
    drop((a, b));
}
