//! The server's log never holds a national identity number a caller sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hds_blackbox::{hds, run, Scratch, Server, TestDatabase};

const FNR: &str = "24119950062";
const SPACED: &str = "241199 50062";
const LOOKALIKE: &str = "12345678901";

#[test]
fn log_lines_mask_national_ids_from_paths_request_ids_and_messages() {
    let db = TestDatabase::new();
    let scratch = Scratch::new();
    let mut server = Server::start(&db.url, &scratch);
    let client = reqwest::blocking::Client::new();
    let out = run(&mut hds(
        &db.url,
        &scratch,
        server.port,
        &["dev-token", "--role", "CASE_HANDLER"],
    ));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();

    for (path, request_id) in [
        (format!("/api/v1/custodians/{FNR}"), FNR),
        (
            format!("/api/v1/custodians/{}", SPACED.replace(' ', "%20")),
            LOOKALIKE,
        ),
        (format!("/api/v1/cases?status={FNR}"), "ok-id"),
        (format!("/api/v1/data-sources?{LOOKALIKE}=1"), SPACED),
    ] {
        let r = client
            .get(server.url(&path))
            .bearer_auth(&token)
            .header("X-Request-Id", request_id)
            .send()
            .unwrap();
        assert!(r.status().is_client_error(), "{path}");
    }
    let r = client
        .post(server.url("/api/v1/disclosure-control"))
        .json(&serde_json::json!({ FNR: 1, "method": LOOKALIKE }))
        .send()
        .unwrap();
    assert!(r.status().is_client_error());
    assert!(server.terminate().success());

    let log = server.log(&scratch);
    assert!(
        log.contains("GET /api/v1/custodians/*********** 404"),
        "{log}"
    );
    for number in [FNR, SPACED, LOOKALIKE] {
        assert!(!log.contains(number), "{number} in the log:\n{log}");
    }
}
