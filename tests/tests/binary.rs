//! The real binary, as an operator and a newcomer meet it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hds_blackbox::{hds, run, Scratch, Server, TestDatabase};

#[test]
fn serve_migrates_an_empty_database_and_a_dev_token_from_the_cli_is_accepted() {
    let db = TestDatabase::empty();
    let scratch = Scratch::new();
    let server = Server::start(&db.url, &scratch);
    let client = reqwest::blocking::Client::new();

    // `make token` runs `hds dev-token`: its token works against the running server
    let out = run(&mut hds(
        &db.url,
        &scratch,
        server.port,
        &["dev-token", "--role", "APPLICANT"],
    ));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert_eq!(token.split('.').count(), 3, "one JWT on stdout");
    let me = client
        .get(server.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(me.status().as_u16(), 200);
    let me: serde_json::Value = me.json().unwrap();
    assert_eq!(me["roles"], serde_json::json!(["APPLICANT"]));

    let out = run(&mut hds(
        &db.url,
        &scratch,
        server.port,
        &["dev-token", "--role", "CUSTODIAN", "--org", "974761211"],
    ));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let me: serde_json::Value = client
        .get(server.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(me["orgnr"], "974761211");

    let anonymous = client.get(server.url("/api/v1/me")).send().unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    assert_eq!(
        anonymous.headers()["content-type"],
        "application/problem+json"
    );

    // a bad --pid is refused by the CLI, not turned into a token
    let out = run(&mut hds(
        &db.url,
        &scratch,
        server.port,
        &["dev-token", "--role", "APPLICANT", "--pid", "12345678901"],
    ));
    assert!(!out.status.success());
}

#[test]
fn sigterm_stops_the_server_gracefully() {
    let db = TestDatabase::new();
    let scratch = Scratch::new();
    let mut server = Server::start(&db.url, &scratch);
    let status = server.terminate();
    assert!(status.success(), "clean exit after SIGTERM, got {status:?}");
}

#[test]
fn production_mode_refuses_development_settings() {
    let scratch = Scratch::new();
    let refusals = [
        (vec![("HDS_DEV_ISSUER", "true")], "development token issuer"),
        (vec![], "no trusted token issuers"),
        (
            vec![(
                "HDS_ISSUERS",
                r#"[{"kind":"ID_PORTEN","issuer":"https://idporten.no","jwksUrl":"http://idporten.no/jwks","audience":"a","algorithms":["RS256"]}]"#,
            )],
            "not HTTPS",
        ),
        (
            vec![
                (
                    "HDS_ISSUERS",
                    r#"[{"kind":"ID_PORTEN","issuer":"https://idporten.no","jwksUrl":"https://idporten.no/jwks","audience":"a","algorithms":["RS256"]}]"#,
                ),
                (
                    "HDS_CORS_ORIGINS",
                    "https://helsedata.no,http://localhost:*",
                ),
            ],
            "CORS origin http://localhost:* is not HTTPS",
        ),
        (
            vec![(
                "HDS_ISSUERS",
                r#"[{"kind":"ID_PORTEN","issuer":"https://idporten.no","jwksUrl":"https://idporten.no/jwks","audience":"a","algorithms":["RS256"]}]"#,
            )],
            "HDS_SMTP_URL is not set",
        ),
        (
            vec![
                (
                    "HDS_ISSUERS",
                    r#"[{"kind":"ID_PORTEN","issuer":"https://idporten.no","jwksUrl":"https://idporten.no/jwks","audience":"a","algorithms":["RS256"]}]"#,
                ),
                ("HDS_SMTP_URL", "smtp://hds:secret@smtp.example.no:587"),
            ],
            "HDS_SMTP_URL must require STARTTLS",
        ),
    ];
    for (env, why) in refusals {
        let mut command = hds("postgres://x@127.0.0.1:9/x", &scratch, 1, &["serve"]);
        command.env("HDS_ENV", "production").envs(env);
        let out = run(&mut command);
        assert_eq!(out.status.code(), Some(78), "{why}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("refusing to start in production mode"),
            "{stderr}"
        );
        assert!(stderr.contains(why), "{why}: {stderr}");
    }
    // dev tokens are never minted in production mode
    let out = run(
        hds("postgres://x@127.0.0.1:9/x", &scratch, 1, &["dev-token"])
            .env("HDS_ENV", "production")
            .env("HDS_DEV_ISSUER", "false"),
    );
    assert!(!out.status.success());
}

#[test]
fn migrations_apply_up_down_and_up_again() {
    let db = TestDatabase::empty();
    let scratch = Scratch::new();
    for args in [
        &["migrate"][..],
        &["migrate", "--revert-all"],
        &["migrate"],
        &["seed"],
        &["seed"],
    ] {
        let out = run(&mut hds(&db.url, &scratch, 1, args));
        assert!(
            out.status.success(),
            "hds {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_openapi_subcommand_prints_the_committed_contract() {
    let scratch = Scratch::new();
    let out = run(&mut hds(
        "postgres://x@127.0.0.1:9/x",
        &scratch,
        1,
        &["openapi"],
    ));
    assert!(out.status.success());
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/openapi.json"
    ))
    .unwrap();
    assert!(
        String::from_utf8(out.stdout).unwrap() == committed,
        "hds openapi differs from openapi/openapi.json: run `make openapi`"
    );
}

#[test]
fn metrics_are_off_in_production_unless_configured() {
    let db = TestDatabase::new();
    let scratch = Scratch::new();
    let production = [
        ("HDS_ENV", "production"),
        ("HDS_DEV_ISSUER", "false"),
        (
            "HDS_ISSUERS",
            r#"[{"kind":"ID_PORTEN","issuer":"https://idporten.no","jwksUrl":"https://idporten.no/jwks","audience":"a","algorithms":["RS256"]}]"#,
        ),
        // production needs a mail server; nothing is sent in this test
        ("HDS_SMTP_URL", "smtp://127.0.0.1:2525"),
    ];
    let client = reqwest::blocking::Client::new();
    let off = Server::start_with(&db.url, &scratch, hds_blackbox::free_port(), &production);
    let r = client.get(off.url("/metrics")).send().unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    drop(off);

    let mut on = production.to_vec();
    on.push(("HDS_METRICS", "true"));
    let on = Server::start_with(&db.url, &scratch, hds_blackbox::free_port(), &on);
    let r = client.get(on.url("/metrics")).send().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r
        .text()
        .unwrap()
        .contains("# TYPE hds_http_requests_total counter"));
}

#[test]
fn serve_reads_the_case_histories_for_the_statistics_once_it_is_ready() {
    let db = TestDatabase::new();
    let scratch = Scratch::new();
    let mut server = Server::start(&db.url, &scratch);
    // without the start-up read the first statistics request pays for it
    // (docs/benchmarks.md); wait for its log line rather than time anything
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !server
        .log(&scratch)
        .contains("case histories read for the statistics")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "no start-up read of the case histories in 60 s; log:\n{}",
            server.log(&scratch)
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(server.terminate().success());

    // an operator may leave it to the first request
    let scratch = Scratch::new();
    let port = hds_blackbox::free_port();
    let mut server = Server::start_with(
        &db.url,
        &scratch,
        port,
        &[("HDS_STATISTICS_AT_START", "false")],
    );
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert!(server.terminate().success());
    let log = server.log(&scratch);
    assert!(log.contains("ready"), "{log}");
    assert!(!log.contains("case histories"), "{log}");
}
