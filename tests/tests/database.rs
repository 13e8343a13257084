//! The database as operators meet it: restarted under a running server,
//! down when the server starts, and migrated by several processes at once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use hds_blackbox::cluster::Cluster;
use hds_blackbox::{free_port, hds, Scratch, Server, TestDatabase};

const READS: [&str; 3] = [
    "/api/v1/data-sources",
    "/api/v1/custodians/FHI",
    "/health/ready",
];

fn get(client: &reqwest::blocking::Client, server: &Server, path: &str) -> Result<u16, String> {
    client
        .get(server.url(path))
        .send()
        .map(|r| r.status().as_u16())
        .map_err(|e| e.to_string())
}

#[test]
fn a_database_restart_under_an_idle_server_goes_unnoticed() {
    let cluster = Cluster::create();
    cluster.start();
    cluster.create_database("hds");
    let scratch = Scratch::new();
    let server = Server::start(&cluster.url("hds"), &scratch);
    let client = reqwest::blocking::Client::new();

    // many requests at once leave the pool full of idle connections
    std::thread::scope(|s| {
        for _ in 0..10 {
            s.spawn(|| {
                for path in READS {
                    assert_eq!(get(&client, &server, path), Ok(200));
                }
            });
        }
    });

    // PostgreSQL restarts while the server is idle: every pooled connection dies
    cluster.restart();
    let outcomes: Vec<(usize, Result<u16, String>)> = (0..20)
        .map(|i| (i, get(&client, &server, READS[i % READS.len()])))
        .collect();
    let failed: Vec<_> = outcomes.iter().filter(|(_, r)| *r != Ok(200)).collect();
    assert!(
        failed.is_empty(),
        "{} of 20 requests after the restart failed: {failed:?}\nserver log:\n{}",
        failed.len(),
        server.log(&scratch)
    );
}

#[test]
fn serve_started_while_the_database_is_down_reports_not_ready_and_serves_when_it_comes() {
    let cluster = Cluster::create();
    cluster.start();
    cluster.create_database("hds");
    cluster.stop();
    let scratch = Scratch::new();
    // the local default: migrations on start
    let mut server = Server::launch(&cluster.url("hds"), &scratch, free_port(), &[]);
    let client = reqwest::blocking::Client::new();

    // it keeps running and says it is not ready, as problem+json
    let until = Instant::now() + Duration::from_secs(3);
    let mut answers = 0;
    while Instant::now() < until {
        assert!(
            server.child.try_wait().unwrap().is_none(),
            "hds serve exited while the database was down:\n{}",
            server.log(&scratch)
        );
        if let Ok(r) = client.get(server.url("/health/ready")).send() {
            assert_eq!(r.status().as_u16(), 503);
            assert_eq!(r.headers()["content-type"], "application/problem+json");
            answers += 1;
            let live = client.get(server.url("/health/live")).send().unwrap();
            assert_eq!(live.status().as_u16(), 200);
            let data = client
                .get(server.url("/api/v1/data-sources"))
                .send()
                .unwrap();
            assert_eq!(data.status().as_u16(), 503, "not ready: 503, never a 500");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        answers > 0,
        "the server answered while the database was down"
    );

    // the database comes: the server migrates, loads the catalogue and serves
    cluster.start();
    server.wait_ready(&scratch);
    let sources = client
        .get(server.url("/api/v1/data-sources"))
        .send()
        .unwrap();
    assert_eq!(sources.status().as_u16(), 200);
    let body: serde_json::Value = sources.json().unwrap();
    assert!(
        !body["items"].as_array().unwrap().is_empty(),
        "seeded: {body}"
    );
    assert!(server.terminate().success());
}

#[test]
fn three_processes_starting_together_on_a_fresh_database_all_succeed() {
    let db = TestDatabase::empty();
    let scratch = Scratch::new();
    let migrates: Vec<_> = (0..2)
        .map(|_| {
            hds(&db.url, &scratch, 1, &["migrate"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let server = Server::launch(&db.url, &scratch, free_port(), &[]);
    for child in migrates {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "hds migrate: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    server.wait_ready(&scratch);
    // and once more, now that everything is applied: nothing to do
    let out = hds(&db.url, &scratch, 1, &["migrate"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "applied 0 migration(s)"
    );
}
