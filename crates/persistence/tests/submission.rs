//! The statements that do several writes at once (issue 16) do each of
//! them: the rules they spell in SQL agree with the Rust ones, a case's
//! notices reach the same people as before, and a submission's case event,
//! audit event and feed event are each there once, in order.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Uuid as SqlUuid};
use hds_domain::case::CaseNumber;
use hds_persistence::applications::{self as repo, NewCaseEvent};
use hds_persistence::audit::{self, NewAuditEvent};
use hds_persistence::feed::NewFeedEvent;
use hds_persistence::notifications::{outbox, person_key};
use hds_persistence::submission::{self, NewCase};
use hds_persistence::test_support::TestDatabase;
use serde_json::json;
use time::macros::date;
use uuid::Uuid;

#[derive(QueryableByName)]
struct One {
    #[diesel(sql_type = Text)]
    value: String,
}

fn one(conn: &mut PgConnection, sql: &str) -> String {
    diesel::sql_query(sql)
        .get_result::<One>(conn)
        .unwrap()
        .value
}

#[test]
fn the_case_number_and_the_person_key_are_spelled_in_sql_as_in_rust() {
    let db = TestDatabase::new();
    let mut conn = db.connect();
    for (year, serial) in [
        (2026, 1),
        (2026, 99_999),
        (2031, 999_999),
        (2031, 1_000_000),
        (9999, 123_456_789),
    ] {
        let sql: String = diesel::sql_query("SELECT case_number_of($1, $2) AS value")
            .bind::<Integer, _>(year)
            .bind::<Integer, _>(serial)
            .get_result::<One>(&mut conn)
            .unwrap()
            .value;
        let rust = CaseNumber::new(year, i64::from(serial))
            .unwrap()
            .to_string();
        assert_eq!(sql, rust, "{year} {serial}");
    }
    for pid in ["15058550040", "01010112345", "x"] {
        let sql = diesel::sql_query("SELECT person_key_of($1) AS value")
            .bind::<Text, _>(pid)
            .get_result::<One>(&mut conn)
            .unwrap()
            .value;
        assert_eq!(sql, person_key(pid), "{pid}");
    }
}

fn verified(conn: &mut PgConnection, pid: &str, email: &str, language: &str) {
    diesel::sql_query(
        "INSERT INTO person_contacts (person_key, email, language, verified_at) \
         VALUES ($1, $2, $3, now())",
    )
    .bind::<Text, _>(person_key(pid))
    .bind::<Text, _>(email)
    .bind::<Text, _>(language)
    .execute(conn)
    .unwrap();
}

fn member(conn: &mut PgConnection, application: Uuid, pid: &str) {
    repo::add_member(conn, application, pid, "15058550040").unwrap();
}

fn opened(
    conn: &mut PgConnection,
    application: Uuid,
    content: &serde_json::Value,
) -> repo::CaseRow {
    submission::open_case(
        conn,
        &NewCase {
            application_id: application,
            snapshot: &json!({"applicationId": application, "content": content}),
            submitted_by: "person:150585*****",
            status: "SUBMITTED",
            received_at: time::OffsetDateTime::now_utc(),
            received_on: date!(2031 - 03 - 04),
        },
    )
    .unwrap()
}

fn submitted_event(case: &repo::CaseRow) -> NewCaseEvent<'_> {
    NewCaseEvent {
        case_id: case.id,
        kind: "SUBMITTED",
        occurred_at: time::OffsetDateTime::now_utc(),
        actor: "person:150585*****",
        visible_to_applicant: true,
        status_before: None,
        status_after: Some("SUBMITTED"),
        data: json!({"caseNumber": case.case_number}),
        request_id: Some("req-1"),
    }
}

#[test]
fn a_case_events_notice_goes_to_the_owner_then_each_co_applicant_with_a_verified_address_once() {
    let db = TestDatabase::new();
    let mut conn = db.connect();
    let owner = "15058550040";
    let app = repo::create(&mut conn, owner, &json!({})).unwrap();
    verified(&mut conn, owner, "ola@uio.no", "EN");
    // added first, but shares the owner's address: told once, as applicant
    member(&mut conn, app.id, "01010112345");
    verified(&mut conn, "01010112345", "ola@uio.no", "NB");
    // no contact at all, and an address still waiting for its code
    member(&mut conn, app.id, "02020212345");
    member(&mut conn, app.id, "03030312345");
    diesel::sql_query(
        "INSERT INTO person_contacts (person_key, pending_email, code_hash) VALUES ($1, $2, 'x')",
    )
    .bind::<Text, _>(person_key("03030312345"))
    .bind::<Text, _>("pending@uio.no")
    .execute(&mut conn)
    .unwrap();
    member(&mut conn, app.id, "04040412345");
    verified(&mut conn, "04040412345", "kari@uio.no", "NB");
    // someone else's contact is nobody's concern here
    verified(&mut conn, "05050512345", "other@uio.no", "NB");

    let case = opened(&mut conn, app.id, &json!({}));
    repo::record_case_event(&mut conn, &submitted_event(&case)).unwrap();
    let mut told: Vec<(String, String, String, String, Option<String>)> =
        outbox::of_case(&mut conn, case.id)
            .unwrap()
            .into_iter()
            .map(|r| (r.kind, r.audience, r.to_address, r.language, r.case_number))
            .collect();
    told.sort();
    let number = Some(case.case_number.clone());
    assert_eq!(
        told,
        [
            (
                "RECEIVED".into(),
                "APPLICANT".into(),
                "ola@uio.no".into(),
                "EN".into(),
                number.clone()
            ),
            (
                "RECEIVED".into(),
                "CO_APPLICANT".into(),
                "kari@uio.no".into(),
                "NB".into(),
                number
            ),
        ]
    );

    // an event without a notice queues nothing
    repo::record_case_event(
        &mut conn,
        &NewCaseEvent {
            kind: "ASSIGNED",
            ..submitted_event(&case)
        },
    )
    .unwrap();
    assert_eq!(outbox::of_case(&mut conn, case.id).unwrap().len(), 2);
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(conn: &mut PgConnection, sql: &str, case: Uuid) -> i64 {
    diesel::sql_query(sql)
        .bind::<SqlUuid, _>(case)
        .get_result::<Count>(conn)
        .unwrap()
        .n
}

#[test]
fn a_submissions_case_snapshot_events_feed_and_audit_are_each_there_once_in_order() {
    let db = TestDatabase::new();
    let mut conn = db.connect();
    let code = one(
        &mut conn,
        "SELECT code AS value FROM data_sources ORDER BY code LIMIT 1",
    );
    let mut sequences = Vec::new();
    let mut cases = Vec::new();
    for _ in 0..2 {
        let app = repo::create(&mut conn, "15058550040", &json!({})).unwrap();
        let case = conn
            .transaction::<_, diesel::result::Error, _>(|c| {
                let case = opened(c, app.id, &json!({"dataSources": [{"code": code}]}));
                let sequence = submission::record_with_feed_and_audit(
                    c,
                    &submitted_event(&case),
                    &NewFeedEvent {
                        event_type: "no.helsedata.case.received",
                        source: &format!("/api/v1/cases/{}", case.id),
                        subject: Some(&case.case_number),
                        data: json!({"caseNumber": case.case_number}),
                        custodian_id: None,
                        case_id: Some(case.id),
                    },
                    &NewAuditEvent {
                        actor: "person:150585*****",
                        action: "APPLICATION_SUBMITTED",
                        entity_type: "application",
                        entity_id: &app.id.to_string(),
                        before_state: None,
                        after_state: Some(json!({"caseId": case.id})),
                        request_id: Some("req-1"),
                    },
                )
                .unwrap();
                sequences.push(sequence);
                Ok(case)
            })
            .unwrap();
        // the snapshot carries the number the case has
        let snapshot = repo::snapshot(&mut conn, app.id).unwrap();
        assert_eq!(snapshot["caseNumber"], json!(case.case_number));
        assert_eq!(snapshot["applicationId"], json!(app.id));
        // the audit event, once, naming the case
        let history = audit::history(&mut conn, "application", &app.id.to_string()).unwrap();
        let submitted: Vec<_> = history
            .iter()
            .filter(|e| e.action == "APPLICATION_SUBMITTED")
            .collect();
        assert_eq!(submitted.len(), 1);
        assert_eq!(submitted[0].after_state, Some(json!({"caseId": case.id})));
        assert_eq!(submitted[0].request_id.as_deref(), Some("req-1"));
        cases.push(case);
    }
    assert_eq!(
        cases
            .iter()
            .map(|c| c.case_number.as_str())
            .collect::<Vec<_>>(),
        ["HDS-2031-000001", "HDS-2031-000002"]
    );
    assert!(sequences[0] < sequences[1], "{sequences:?}");
    for (case, sequence) in cases.iter().zip(&sequences) {
        // the case event once, the feed event once under the returned sequence
        let events = repo::case_events_of(&mut conn, case.id, false).unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind, "SUBMITTED");
        assert_eq!(events[0].request_id.as_deref(), Some("req-1"));
        assert_eq!(
            count(
                &mut conn,
                "SELECT count(*) AS n FROM feed_events WHERE case_id = $1 \
                 AND type = 'no.helsedata.case.received'",
                case.id
            ),
            1
        );
        let at: i64 = diesel::sql_query("SELECT sequence AS n FROM feed_events WHERE case_id = $1")
            .bind::<SqlUuid, _>(case.id)
            .get_result::<Count>(&mut conn)
            .unwrap()
            .n;
        assert_eq!(at, *sequence);
        // the case's triggers ran on the whole statement: its source was
        // read from the snapshot written beside it, and its history version
        // counts the case and its event
        assert_eq!(
            count(
                &mut conn,
                "SELECT count(*) AS n FROM case_sources WHERE case_id = $1",
                case.id
            ),
            1
        );
        assert!(
            count(
                &mut conn,
                "SELECT version AS n FROM case_history_versions WHERE case_id = $1",
                case.id
            ) >= 2
        );
    }
}

#[test]
fn submitting_marks_the_draft_and_freezes_its_files_only_when_it_is_a_draft() {
    let db = TestDatabase::new();
    let mut conn = db.connect();
    let app = repo::create(&mut conn, "15058550040", &json!({})).unwrap();
    for (title, bytes) in [("a", b"same".as_slice()), ("b", b"same"), ("c", b"other")] {
        repo::insert_attachment(
            &mut conn,
            &repo::NewAttachment {
                application_id: app.id,
                kind: "OTHER",
                title,
                filename: "f.pdf",
                content_type: "application/pdf",
                size_bytes: i64::try_from(bytes.len()).unwrap(),
                sha256: &format!("{:0>64}", bytes.len()),
                content: bytes,
                uploaded_by: "person:150585*****",
            },
        )
        .unwrap();
    }
    let now = time::OffsetDateTime::now_utc();
    let row = submission::mark_submitted_and_freeze(&mut conn, app.id, now).unwrap();
    assert_eq!(row.status, repo::SUBMITTED);
    assert_eq!(row.version, app.version + 1);
    let frozen = hds_persistence::submitted_attachments::list(&mut conn, app.id).unwrap();
    assert_eq!(frozen.len(), 3);
    assert!(frozen
        .iter()
        .all(|f| f.submitted_at == row.submitted_at.unwrap()));
    // the bytes once per SHA-256
    assert_eq!(
        one(
            &mut conn,
            "SELECT count(*)::text AS value FROM attachment_blobs"
        ),
        "2"
    );
    // not a draft any more: nothing changes, nothing is copied again
    assert!(matches!(
        submission::mark_submitted_and_freeze(&mut conn, app.id, now),
        Err(hds_persistence::StoreError::NotFound)
    ));
    assert_eq!(
        hds_persistence::submitted_attachments::list(&mut conn, app.id)
            .unwrap()
            .len(),
        3
    );
}
