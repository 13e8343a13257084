//! The applications store's promises: case numbers are sequential per year,
//! never duplicated under concurrency and not used up by a rollback; the
//! submitted snapshot and case events are append-only; idempotency keys
//! replay.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel::prelude::*;
use hds_persistence::applications as repo;
use hds_persistence::idempotency::{self, Claim, KeyedRequest, StoredResponse};
use hds_persistence::submission::{self, NewCase};
use hds_persistence::test_support::TestDatabase;
use serde_json::json;
use time::macros::date;

/// A new application's case, opened in `year` (the way submit opens it):
/// its case number.
fn open_case_in(conn: &mut PgConnection, year: i32) -> String {
    let app = repo::create(conn, "15058550040", &json!({})).unwrap();
    let on = time::Date::from_calendar_date(year, time::Month::January, 2).unwrap();
    submission::open_case(
        conn,
        &NewCase {
            application_id: app.id,
            snapshot: &json!({"content": {}}),
            submitted_by: "person:150585*****",
            status: "SUBMITTED",
            received_at: time::OffsetDateTime::now_utc(),
            received_on: on,
        },
    )
    .unwrap()
    .case_number
}

#[test]
fn case_numbers_are_sequential_distinct_and_gapless_under_concurrency() {
    let db = TestDatabase::new();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let url = db.url.clone();
            std::thread::spawn(move || {
                let mut conn = PgConnection::establish(&url).unwrap();
                let mut kept = Vec::new();
                for i in 0..10 {
                    // Every third transaction rolls back after taking a number.
                    let rollback = (t + i) % 3 == 0;
                    let result = conn.transaction::<_, diesel::result::Error, _>(|c| {
                        let n = open_case_in(c, 2031);
                        if rollback {
                            Err(diesel::result::Error::RollbackTransaction)
                        } else {
                            Ok(n)
                        }
                    });
                    if let Ok(n) = result {
                        kept.push(n);
                    }
                }
                kept
            })
        })
        .collect();
    let mut numbers: Vec<String> = threads
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    numbers.sort();
    let expected: Vec<String> = (1..=numbers.len())
        .map(|n| format!("HDS-2031-{n:06}"))
        .collect();
    assert_eq!(
        numbers, expected,
        "sequential, distinct, no gaps from rollbacks"
    );
    // Another year starts from 1.
    let mut conn = db.connect();
    assert_eq!(open_case_in(&mut conn, 2032), "HDS-2032-000001");
}

#[test]
fn snapshots_and_case_events_are_append_only() {
    let db = TestDatabase::new();
    let mut conn = db.connect();
    let app = repo::create(&mut conn, "15058550040", &json!({})).unwrap();
    let now = time::OffsetDateTime::now_utc();
    repo::insert_snapshot(
        &mut conn,
        app.id,
        &json!({"content": {}}),
        now,
        "person:150585*****",
    )
    .unwrap();
    let case = repo::insert_case(
        &mut conn,
        app.id,
        "HDS-2031-000001",
        "SUBMITTED",
        now,
        date!(2031 - 01 - 02),
    )
    .unwrap();
    repo::record_case_event(
        &mut conn,
        &repo::NewCaseEvent {
            case_id: case.id,
            kind: "SUBMITTED",
            occurred_at: now,
            actor: "person:150585*****",
            visible_to_applicant: true,
            status_before: None,
            status_after: Some("SUBMITTED"),
            data: json!({}),
            request_id: None,
        },
    )
    .unwrap();
    for statement in [
        "UPDATE application_snapshots SET content = '{}'",
        "DELETE FROM application_snapshots",
        "TRUNCATE application_snapshots",
        "UPDATE case_events SET kind = 'X'",
        "DELETE FROM case_events",
        "TRUNCATE case_events",
    ] {
        let err = diesel::sql_query(statement).execute(&mut conn).unwrap_err();
        assert!(
            err.to_string().contains("append-only"),
            "{statement}: {err}"
        );
    }
    // A case number is unique; so is the case of an application.
    let other = repo::create(&mut conn, "15058550040", &json!({})).unwrap();
    let dup = repo::insert_case(
        &mut conn,
        other.id,
        "HDS-2031-000001",
        "SUBMITTED",
        now,
        date!(2031 - 01 - 02),
    );
    assert!(matches!(
        dup,
        Err(hds_persistence::StoreError::Duplicate { .. })
    ));
    let bad = repo::insert_case(
        &mut conn,
        other.id,
        "HDS-2031-000002",
        "SOMETHING",
        now,
        date!(2031 - 01 - 02),
    );
    assert!(bad.is_err(), "status must be a case state");
}

#[test]
fn idempotency_claim_replays_and_refuses_a_different_request() {
    let db = TestDatabase::new();
    let mut conn = db.connect();
    let request = KeyedRequest {
        principal: "person:hash".into(),
        key: "k1".into(),
        method: "POST".into(),
        path: "/api/v1/applications".into(),
        request_hash: "h1".into(),
    };
    conn.transaction::<_, hds_persistence::StoreError, _>(|c| {
        assert!(matches!(idempotency::claim(c, &request)?, Claim::Fresh));
        idempotency::complete(
            c,
            &request,
            &StoredResponse {
                status: 201,
                headers: json!({"Location": "/x"}),
                body: b"{}".to_vec(),
            },
        )
    })
    .unwrap();
    match idempotency::claim(&mut conn, &request).unwrap() {
        Claim::Replay(stored) => {
            assert_eq!(stored.status, 201);
            assert_eq!(stored.headers["Location"], "/x");
        }
        other => panic!("expected a replay, got {other:?}"),
    }
    let different = KeyedRequest {
        request_hash: "h2".into(),
        ..request.clone()
    };
    assert!(matches!(
        idempotency::claim(&mut conn, &different).unwrap(),
        Claim::Mismatch
    ));
    // A claim that rolls back leaves the key free.
    let fresh = KeyedRequest {
        key: "k2".into(),
        ..request
    };
    let _ = conn.transaction::<(), diesel::result::Error, _>(|c| {
        assert!(matches!(
            idempotency::claim(c, &fresh).unwrap(),
            Claim::Fresh
        ));
        Err(diesel::result::Error::RollbackTransaction)
    });
    assert!(matches!(
        idempotency::claim(&mut conn, &fresh).unwrap(),
        Claim::Fresh
    ));
}

#[test]
fn the_millionth_case_number_of_a_year_has_seven_digits() {
    let db = TestDatabase::new();
    let mut conn = db.connect();
    diesel::sql_query("INSERT INTO case_number_counters (year, last_value) VALUES (2026, 999998)")
        .execute(&mut conn)
        .unwrap();
    assert_eq!(open_case_in(&mut conn, 2026), "HDS-2026-999999");
    let millionth = open_case_in(&mut conn, 2026);
    assert_eq!(millionth, "HDS-2026-1000000");
    assert_eq!(
        millionth
            .parse::<hds_domain::case::CaseNumber>()
            .unwrap()
            .serial(),
        1_000_000
    );

    // a case carries it, and it does not collide with the 100,000th
    let now = time::OffsetDateTime::now_utc();
    let case_with = |conn: &mut PgConnection, number: &str| {
        let app = repo::create(conn, "15058550040", &json!({})).unwrap();
        repo::insert_case(
            conn,
            app.id,
            number,
            "SUBMITTED",
            now,
            date!(2026 - 01 - 02),
        )
    };
    case_with(&mut conn, "HDS-2026-100000").unwrap();
    assert!(
        case_with(&mut conn, &millionth).is_err(),
        "already a case's"
    );
    assert_eq!(open_case_in(&mut conn, 2026), "HDS-2026-1000001");
    // one spelling per number: no leading zero beyond six digits
    assert!(case_with(&mut conn, "HDS-2026-0100000").is_err());
    assert!(case_with(&mut conn, "HDS-2026-00001").is_err());
}
