//! Notifications from the real binary, read off a real SMTP listener written
//! here (plain SMTP on loopback): an applicant verifies an address with the
//! code from the mail, then a case goes through question, decision and
//! delivery with two `hds serve` processes sharing the database, and every
//! mail arrives exactly once, in the applicant's language, with the case
//! number and the login link and nothing else from the application. A mail
//! server that answers 451 is tried again, and staff see the failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hds_blackbox::{hds, run, Scratch, Server, TestDatabase};
use reqwest::blocking::{Client, RequestBuilder};
use serde_json::{json, Value};

const APPLICANT_PID: &str = "15058550040";
const APPLICANT_MAIL: &str = "ola.nordmann@uio.no";
const LOGIN: &str = "https://helsedata.no/logg-inn";

/// One message as the SMTP listener received it.
#[derive(Debug, Clone)]
struct Received {
    rcpt: Vec<String>,
    headers: HashMap<String, String>,
    body: String,
}

/// What the listener received, in order.
type Inbox = Arc<Mutex<Vec<Received>>>;

/// A plain SMTP server (RFC 5321, no extensions) on loopback. The first
/// `failures` transactions get `451` to MAIL FROM.
fn smtp_listener(failures: usize) -> (u16, Inbox, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox: Arc<Mutex<Vec<Received>>> = Arc::default();
    let refused: Arc<Mutex<usize>> = Arc::default();
    let (mailbox, refusals) = (inbox.clone(), refused.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let (mailbox, refusals) = (mailbox.clone(), refusals.clone());
            std::thread::spawn(move || {
                let mut out = stream.try_clone().unwrap();
                let mut reader = BufReader::new(stream);
                let mut rcpt = Vec::new();
                let _ = out.write_all(b"220 test.local ESMTP\r\n");
                let mut line = String::new();
                loop {
                    line.clear();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let command = line.trim_end().to_ascii_uppercase();
                    let reply: &[u8] = if command.starts_with("EHLO") {
                        b"250-test.local\r\n250 8BITMIME\r\n"
                    } else if command.starts_with("HELO") || command.starts_with("NOOP") {
                        b"250 OK\r\n"
                    } else if command.starts_with("MAIL FROM") {
                        let mut n = refusals.lock().unwrap();
                        if *n < failures {
                            *n += 1;
                            b"451 4.3.0 Mailbox temporarily unavailable\r\n"
                        } else {
                            rcpt.clear();
                            b"250 OK\r\n"
                        }
                    } else if command.starts_with("RCPT TO") {
                        rcpt.push(
                            line.trim_end()[8..]
                                .trim()
                                .trim_matches(['<', '>'])
                                .to_owned(),
                        );
                        b"250 OK\r\n"
                    } else if command == "DATA" {
                        let _ = out.write_all(b"354 go ahead\r\n");
                        let mut data = String::new();
                        loop {
                            line.clear();
                            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                                return;
                            }
                            if line == ".\r\n" {
                                break;
                            }
                            data.push_str(line.strip_prefix('.').unwrap_or(&line));
                        }
                        mailbox.lock().unwrap().push(parse(&rcpt, &data));
                        b"250 OK queued\r\n"
                    } else if command.starts_with("RSET") {
                        b"250 OK\r\n"
                    } else if command.starts_with("QUIT") {
                        let _ = out.write_all(b"221 bye\r\n");
                        return;
                    } else {
                        b"502 not implemented\r\n"
                    };
                    let _ = out.write_all(reply);
                }
            });
        }
    });
    (port, inbox, refused)
}

/// Headers (unfolded, names lower-cased) and body of an RFC 5322 message.
fn parse(rcpt: &[String], data: &str) -> Received {
    let (head, body) = data.split_once("\r\n\r\n").unwrap_or((data, ""));
    let mut headers: HashMap<String, String> = HashMap::new();
    let mut last = String::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some(v) = headers.get_mut(&last) {
                v.push_str(line.trim_start());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            last = k.trim().to_ascii_lowercase();
            headers.insert(last.clone(), v.trim().to_owned());
        }
    }
    Received {
        rcpt: rcpt.to_vec(),
        headers,
        body: body.replace("=\r\n", "").replace("\r\n", "\n"),
    }
}

fn wait_for(inbox: &Arc<Mutex<Vec<Received>>>, count: usize, what: &str) -> Vec<Received> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let seen = inbox.lock().unwrap().clone();
        if seen.len() >= count {
            return seen;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: {count} mail(s) expected within 60 s, got {seen:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn token(db: &TestDatabase, scratch: &Scratch, server: &Server, args: &[&str]) -> String {
    let mut all = vec!["dev-token"];
    all.extend_from_slice(args);
    let out = run(&mut hds(&db.url, scratch, server.port, &all));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn send(request: RequestBuilder) -> (u16, String, Value) {
    let response = request.send().unwrap();
    let status = response.status().as_u16();
    let etag = response
        .headers()
        .get("etag")
        .map(|e| e.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, etag, response.json().unwrap_or(Value::Null))
}

fn env(smtp_port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("HDS_SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}")),
        ("HDS_PORTAL_URL", LOGIN.to_owned()),
        ("HDS_MAIL_RETRY_SECONDS", "1".to_owned()),
    ]
}

/// `hds serve` on `port`; replicas share `HDS_PUBLIC_URL` (the dev
/// issuer's `iss`), as behind one address.
fn start(
    db: &TestDatabase,
    scratch: &Scratch,
    port: u16,
    public_port: u16,
    env: &[(&str, String)],
) -> Server {
    let public = format!("http://127.0.0.1:{public_port}");
    let mut env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    env.push(("HDS_PUBLIC_URL", &public));
    Server::start_with(&db.url, scratch, port, &env)
}

/// The code in a verification mail.
fn code_in(mail: &Received) -> String {
    let line = mail
        .body
        .lines()
        .find(|l| l.starts_with("Code: ") || l.starts_with("Kode: "))
        .unwrap_or_else(|| panic!("no code in {mail:?}"));
    line.split_once(": ").unwrap().1.trim().to_owned()
}

#[test]
#[allow(clippy::too_many_lines)] // one journey, read top to bottom
fn a_case_mails_the_applicant_at_each_step_exactly_once_from_two_processes() {
    let db = TestDatabase::new();
    let scratch = Scratch::new();
    let (smtp, inbox, _) = smtp_listener(0);
    let (port_a, port_b) = (hds_blackbox::free_port(), hds_blackbox::free_port());
    let a = start(&db, &scratch, port_a, port_a, &env(smtp));
    let b = start(&db, &scratch, port_b, port_a, &env(smtp));
    let client = Client::new();
    let owner = token(
        &db,
        &scratch,
        &a,
        &["--role", "APPLICANT", "--pid", APPLICANT_PID],
    );
    let handler = token(
        &db,
        &scratch,
        &a,
        &["--role", "CASE_HANDLER", "--pid", "24129910182"],
    );
    let fhi = token(
        &db,
        &scratch,
        &a,
        &["--role", "CUSTODIAN", "--org", "983744516"],
    );

    // the address, verified with the code from the mail (English chosen)
    let (status, _, contact) = send(
        client
            .put(a.url("/api/v1/me/contact"))
            .bearer_auth(&owner)
            .json(&json!({"email": APPLICANT_MAIL, "language": "EN"})),
    );
    assert_eq!(status, 200, "{contact}");
    let code = code_in(&wait_for(&inbox, 1, "verification")[0]);
    let (status, _, contact) = send(
        client
            .post(b.url("/api/v1/me/contact/verification"))
            .bearer_auth(&owner)
            .json(&json!({"code": code})),
    );
    assert_eq!(
        (status, contact["verified"].as_bool()),
        (200, Some(true)),
        "{contact}"
    );

    // an application for anonymous tables from MFR, submitted
    let content = json!({
        "project": {"title": "Fødselsvekt etter kjønn 2010–2020", "summary": "Masteroppgave om fødselsvekt.",
                    "researchQuestions": ["Hvordan fordeler fødselsvekten seg etter kjønn?"],
                    "startDate": "2027-01-01", "endDate": "2027-06-30"},
        "purpose": "HEALTH_ANALYSIS",
        "dataKind": {"kind": "ANONYMOUS"},
        "dataSources": [{"code": "MFR", "periodFrom": 2010, "periodTo": 2020}],
        "responsibility": {"institutionOrgnr": "974760673", "institutionName": "Universitetet i Oslo",
                           "projectLeader": {"name": "Ola Student", "email": "ola@student.uio.no"}},
        "fee": {"studentUpToMasters": true},
        "tableSpecifications": [{"title": "Fødselsvekt etter kjønn", "dataSource": "MFR",
            "variables": [{"name": "VEKT", "categories": ["under 2500 g", "2500 g og mer"]},
                          {"name": "KJONN", "categories": ["gutt", "jente"]}]}]
    });
    let (status, _, draft) = send(
        client
            .post(a.url("/api/v1/applications"))
            .bearer_auth(&owner)
            .json(&content),
    );
    assert_eq!(status, 201, "{draft}");
    let id = draft["id"].as_str().unwrap().to_owned();
    for (kind, title, filename) in [
        ("PROJECT_DESCRIPTION", "Prosjektbeskrivelse", "prosjekt.txt"),
        ("TABLE_SPECIFICATION", "Tabellbestilling", "tabeller.csv"),
    ] {
        let (_, etag, _) = send(
            client
                .get(a.url(&format!("/api/v1/applications/{id}")))
                .bearer_auth(&owner),
        );
        let (status, _, body) = send(
            client
                .post(a.url(&format!("/api/v1/applications/{id}/attachments")))
                .bearer_auth(&owner)
                .query(&[("kind", kind), ("title", title), ("filename", filename)])
                .header("Content-Type", "application/octet-stream")
                .header("If-Match", etag)
                .body("tabell;variabler\nFødselsvekt etter kjønn;VEKT,KJONN\n"),
        );
        assert_eq!(status, 201, "{body}");
    }
    let (_, etag, view) = send(
        client
            .get(a.url(&format!("/api/v1/applications/{id}")))
            .bearer_auth(&owner),
    );
    assert_eq!(view["emailNotifications"], true);
    let (status, _, case) = send(
        client
            .post(a.url(&format!("/api/v1/applications/{id}/submit")))
            .bearer_auth(&owner)
            .header("If-Match", etag)
            .header("Idempotency-Key", "mail-1"),
    );
    assert_eq!(status, 201, "{case}");
    let case_id = case["id"].as_str().unwrap().to_owned();
    let number = case["caseNumber"].as_str().unwrap().to_owned();
    wait_for(&inbox, 2, "receipt");

    let handle = |what: &str, body: Value| {
        let (_, etag, _) = send(
            client
                .get(b.url(&format!("/api/v1/cases/{case_id}")))
                .bearer_auth(&handler),
        );
        let (status, _, r) = send(
            client
                .post(b.url(&format!("/api/v1/cases/{case_id}/{what}")))
                .bearer_auth(&handler)
                .header("If-Match", etag)
                .json(&body),
        );
        assert_eq!(status, 200, "{what}: {r}");
        r
    };
    // a question (its text must never be in a mail), answered
    let r = handle(
        "questions",
        json!({"text": "Hvilke kommuner gjelder prosjektet?"}),
    );
    let question = r["questions"][0]["id"].as_str().unwrap().to_owned();
    wait_for(&inbox, 3, "question");
    let (_, etag, _) = send(
        client
            .get(a.url(&format!("/api/v1/applications/{id}/case")))
            .bearer_auth(&owner),
    );
    let (status, _, r) = send(
        client
            .post(a.url(&format!(
                "/api/v1/applications/{id}/case/questions/{question}/answer"
            )))
            .bearer_auth(&owner)
            .header("If-Match", etag)
            .json(&json!({"answer": "Alle kommuner."})),
    );
    assert_eq!(status, 200, "{r}");
    handle("complete", json!({}));
    handle(
        "decisions",
        json!({"decisions": [{"dataSource": "MFR", "outcome": "GRANTED", "legalBasis": ["helseregisterloven § 19 a"],
                              "conditions": ["Tabellene publiseres ikke med celler under 5."], "text": "Innvilget."}]}),
    );
    // the decision to the applicant, the new task to FHI's functional address
    wait_for(&inbox, 5, "decision and task");

    // FHI delivers
    let (_, _, tasks) = send(client.get(a.url("/api/v1/tasks")).bearer_auth(&fhi));
    let task = tasks["items"][0]["id"].as_str().unwrap().to_owned();
    for (what, body) in [
        ("acknowledge", json!({})),
        (
            "deliveries",
            // the UTC date is never ahead of Oslo's
            json!({"deliveredOn": time::OffsetDateTime::now_utc().date().to_string(),
                   "method": "SECURE_FILE_TRANSFER", "contents": "tabeller.xlsx"}),
        ),
    ] {
        let (_, etag, _) = send(
            client
                .get(a.url(&format!("/api/v1/tasks/{task}")))
                .bearer_auth(&fhi),
        );
        let (status, _, r) = send(
            client
                .post(a.url(&format!("/api/v1/tasks/{task}/{what}")))
                .bearer_auth(&fhi)
                .header("If-Match", etag)
                .json(&body),
        );
        assert_eq!(status, 200, "{what}: {r}");
    }
    wait_for(&inbox, 6, "delivery");
    std::thread::sleep(Duration::from_secs(6)); // several rounds of both processes
    let mails = inbox.lock().unwrap().clone();
    assert_eq!(mails.len(), 6, "each mail exactly once: {mails:#?}");
    let mut ids: Vec<&String> = mails.iter().map(|m| &m.headers["message-id"]).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 6, "six different messages");

    let to_applicant: Vec<&Received> = mails
        .iter()
        .filter(|m| m.rcpt == [APPLICANT_MAIL])
        .collect();
    let subjects: Vec<&str> = to_applicant
        .iter()
        .map(|m| m.headers["subject"].as_str())
        .collect();
    assert_eq!(
        subjects,
        [
            "Confirm your e-mail address".to_owned(),
            format!("Your application has been received ({number})"),
            format!("A question about your application ({number})"),
            format!("A decision in your case ({number})"),
            format!("Data has been delivered ({number})"),
        ]
    );
    for mail in &to_applicant {
        assert_eq!(mail.headers["content-language"], "en");
        assert_eq!(mail.headers["to"], APPLICANT_MAIL);
        assert!(
            mail.headers["from"].contains("ikke-svar@helsedata.no"),
            "{mail:?}"
        );
        assert!(mail.headers.contains_key("date"));
        assert!(mail.body.contains(LOGIN), "{}", mail.body);
        for secret in [
            APPLICANT_PID,
            "Fødselsvekt",
            "Fodselsvekt",
            "kommuner",
            "Alle kommuner",
            "VEKT",
            "Masteroppgave",
        ] {
            let raw = format!("{mail:?}");
            assert!(!raw.contains(secret), "{secret} in {raw}");
        }
    }
    for mail in &to_applicant[1..] {
        assert!(
            mail.body.contains(&format!("Case number: {number}")),
            "{}",
            mail.body
        );
    }
    let to_fhi: Vec<&Received> = mails
        .iter()
        .filter(|m| m.rcpt == ["datatilgang@fhi.no"])
        .collect();
    assert_eq!(to_fhi.len(), 1, "{mails:#?}");
    assert_eq!(to_fhi[0].headers["content-language"], "nb");

    // staff see every message as sent, each after one try
    let (status, _, list) = send(
        client
            .get(a.url(&format!("/api/v1/notifications?caseNumber={number}")))
            .bearer_auth(&handler),
    );
    assert_eq!(status, 200, "{list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 5, "{list}");
    assert!(
        items
            .iter()
            .all(|n| n["status"] == "SENT" && n["attempts"] == 1),
        "{list}"
    );
}

#[test]
fn a_mail_server_that_answers_451_is_tried_again_and_staff_see_the_failure() {
    let db = TestDatabase::new();
    let scratch = Scratch::new();
    let (smtp, inbox, refused) = smtp_listener(2);
    let port = hds_blackbox::free_port();
    let server = start(&db, &scratch, port, port, &env(smtp));
    let client = Client::new();
    let owner = token(
        &db,
        &scratch,
        &server,
        &["--role", "APPLICANT", "--pid", APPLICANT_PID],
    );
    let admin = token(
        &db,
        &scratch,
        &server,
        &["--role", "ADMIN", "--pid", "24129910182"],
    );
    let (status, _, _) = send(
        client
            .put(server.url("/api/v1/me/contact"))
            .bearer_auth(&owner)
            .json(&json!({"email": APPLICANT_MAIL, "language": "NB"})),
    );
    assert_eq!(status, 200);

    // the failure is visible while the message waits for its next try
    let deadline = Instant::now() + Duration::from_secs(60);
    let failing = loop {
        let (_, _, list) = send(
            client
                .get(server.url("/api/v1/notifications"))
                .bearer_auth(&admin),
        );
        let item = list["items"][0].clone();
        if item["attempts"].as_i64().unwrap_or(0) >= 1 && item["status"] == "PENDING" {
            break item;
        }
        assert!(
            Instant::now() < deadline,
            "no failed try within 60 s: {list}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        failing["lastError"].as_str().unwrap().contains("451"),
        "{failing}"
    );
    assert!(failing["nextAttemptAt"].is_string(), "{failing}");

    // two refusals, then it goes through: one mail, three tries
    let mails = wait_for(&inbox, 1, "after two 451s");
    assert_eq!(*refused.lock().unwrap(), 2);
    assert_eq!(mails[0].headers["content-language"], "nb");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, _, list) = send(
            client
                .get(server.url("/api/v1/notifications?status=SENT"))
                .bearer_auth(&admin),
        );
        if let Some(item) = list["items"].as_array().and_then(|i| i.first()) {
            assert_eq!(item["attempts"], 3, "{item}");
            assert!(item.get("lastError").is_none(), "{item}");
            break;
        }
        assert!(Instant::now() < deadline, "not SENT within 30 s: {list}");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(inbox.lock().unwrap().len(), 1, "sent once");
}

#[test]
fn without_smtp_each_message_is_an_eml_file_under_the_local_folder() {
    let db = TestDatabase::new();
    let scratch = Scratch::new();
    let server = Server::start(&db.url, &scratch);
    let owner = token(
        &db,
        &scratch,
        &server,
        &["--role", "APPLICANT", "--pid", APPLICANT_PID],
    );
    let (status, _, _) = send(
        Client::new()
            .put(server.url("/api/v1/me/contact"))
            .bearer_auth(&owner)
            .json(&json!({"email": APPLICANT_MAIL, "language": "EN"})),
    );
    assert_eq!(status, 200);
    let dir = scratch.0.join("mail");
    let deadline = Instant::now() + Duration::from_secs(30);
    let file = loop {
        let files: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        if let Some(file) = files
            .into_iter()
            .find(|p| p.extension().is_some_and(|e| e == "eml"))
        {
            break file;
        }
        assert!(
            Instant::now() < deadline,
            "no .eml in {} within 30 s",
            dir.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let mail = parse(&[], &std::fs::read_to_string(&file).unwrap());
    assert_eq!(mail.headers["to"], APPLICANT_MAIL);
    assert_eq!(mail.headers["subject"], "Confirm your e-mail address");
    assert_eq!(mail.headers["content-language"], "en");
    assert!(mail.headers["message-id"].contains("@helsedata.no>"));
    assert_eq!(mail.headers["mime-version"], "1.0");
    assert_eq!(code_in(&mail).len(), 6);
    let log =
        std::fs::read_to_string(scratch.0.join(format!("server-{}.log", server.port))).unwrap();
    assert!(log.contains("written as an .eml file in"), "{log}");
}
