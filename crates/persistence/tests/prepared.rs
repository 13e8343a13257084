//! The hot paths run prepared statements: after one call each, the
//! connection holds them in `pg_prepared_statements` (diesel's statement
//! cache prepares a statement once per connection and reuses it). A
//! `diesel::sql_query` never appears there: that is the control.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel::prelude::*;
use diesel::sql_types::Text;
use hds_persistence::feed::{self, NewFeedEvent, PageReader};
use hds_persistence::idempotency::{self, KeyedRequest, StoredResponse};
use hds_persistence::tasks::{self, TaskFilter};
use hds_persistence::test_support::TestDatabase;
use hds_persistence::{applications, StoreError};
use serde_json::json;

#[derive(QueryableByName)]
struct Prepared {
    #[diesel(sql_type = Text)]
    statement: String,
}

fn prepared(conn: &mut PgConnection) -> Vec<String> {
    diesel::sql_query("SELECT statement FROM pg_prepared_statements")
        .load::<Prepared>(conn)
        .unwrap()
        .into_iter()
        .map(|p| p.statement)
        .collect()
}

#[test]
fn the_poll_the_task_page_the_feed_page_and_submits_writes_are_prepared() {
    let db = TestDatabase::new();
    let mut conn = db.connect();
    assert!(prepared(&mut conn).is_empty());

    let poll = tasks::poll_state(&mut conn, "983744516").unwrap().unwrap();
    let filter = TaskFilter {
        states: vec!["ASSIGNED".into(), "ACKNOWLEDGED".into()],
        kind: None,
        updated_since: None,
    };
    let after = Some((time::OffsetDateTime::now_utc(), uuid::Uuid::nil()));
    tasks::list(&mut conn, poll.custodian_id, &filter, after, 50).unwrap();
    feed::page(&mut conn, PageReader::Orgnr("983744516"), 0, 100).unwrap();
    feed::page(&mut conn, PageReader::Everything, 0, 100).unwrap();
    let _ = conn.transaction::<(), StoreError, _>(|c| {
        let app = applications::create(c, "15058550040", &json!({})).unwrap();
        applications::catalogue_facts(c, &["MFR".to_owned()]).unwrap();
        applications::next_case_number(c, 2031).unwrap();
        applications::mark_submitted(c, app.id, time::OffsetDateTime::now_utc()).unwrap();
        feed::append(
            c,
            &NewFeedEvent {
                event_type: "no.helsedata.test.appended",
                source: "/test",
                subject: None,
                data: json!({}),
                custodian_id: None,
                case_id: None,
            },
        )
        .unwrap();
        let request = KeyedRequest {
            principal: "p".into(),
            key: "k".into(),
            method: "POST".into(),
            path: "/x".into(),
            request_hash: "h".into(),
        };
        idempotency::claim(c, &request).unwrap();
        idempotency::complete(
            c,
            &request,
            &StoredResponse {
                status: 201,
                headers: json!({}),
                body: Vec::new(),
            },
        )
        .unwrap();
        Err(StoreError::StaleVersion)
    });
    diesel::sql_query("SELECT 'the control' AS statement")
        .execute(&mut conn)
        .unwrap();

    let statements = prepared(&mut conn);
    for (what, needle) in [
        (
            "poll",
            r#"FROM ("custodians" LEFT OUTER JOIN "custodian_task_counters""#,
        ),
        (
            "task page",
            r#"FROM (("custodian_tasks" INNER JOIN "cases""#,
        ),
        ("custodian's feed page", "JOIN custodians c ON c.orgnr = $1"),
        ("staff feed page", "FROM feed_counter k LEFT JOIN LATERAL"),
        ("catalogue facts", "ARRAY(SELECT p.purpose_code"),
        ("case number", "INSERT INTO case_number_counters"),
        ("submitted", "UPDATE applications SET status = 'SUBMITTED'"),
        ("feed append", "SELECT append_feed_event($1"),
        ("idempotency", "UPDATE idempotency_keys SET status"),
    ] {
        assert!(
            statements.iter().any(|s| s.contains(needle)),
            "{what} is not prepared: {statements:#?}"
        );
    }
    assert!(
        !statements.iter().any(|s| s.contains("the control")),
        "sql_query is never prepared"
    );
}
