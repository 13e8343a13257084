//! The hot paths run prepared statements: after one call each, the
//! connection holds them in `pg_prepared_statements` (diesel's statement
//! cache prepares a statement once per connection and reuses it). A
//! `diesel::sql_query` never appears there: that is the control.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel::prelude::*;
use diesel::sql_types::Text;
use hds_persistence::feed::{self, NewFeedEvent, PageReader};
use hds_persistence::idempotency::{self, KeyedRequest, StoredResponse};
use hds_persistence::tasks::{self, TaskFilter, TaskOwner};
use hds_persistence::test_support::TestDatabase;
use hds_persistence::{
    applications, audit, draft_writes, submission, submitted_attachments, StoreError,
};
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

fn journeys_writes(c: &mut PgConnection) {
    let by = draft_writes::Actor {
        actor: "person:150585*****",
        request_id: None,
    };
    let (app, _) = draft_writes::create(c, "15058550040", &json!({}), &by).unwrap();
    applications::catalogue_facts(c, &["MFR".to_owned()]).unwrap();
    draft_writes::add_attachment(
        c,
        &applications::NewAttachment {
            application_id: app.id,
            kind: "PROJECT_DESCRIPTION",
            title: "t",
            filename: "p.pdf",
            content_type: "application/pdf",
            size_bytes: 1,
            sha256: &"0".repeat(64),
            content: b"x",
            uploaded_by: "person:150585*****",
        },
        &by,
    )
    .unwrap();
    // members and change requests bump the version on their own
    applications::touch(c, app.id).unwrap();
    submits_writes(c, app.id);
}

fn submits_writes(c: &mut PgConnection, application: uuid::Uuid) {
    let now = time::OffsetDateTime::now_utc();
    submission::mark_submitted_and_freeze(c, application, now).unwrap();
    assert_eq!(
        submitted_attachments::list(c, application).unwrap().len(),
        1
    );
    let case = submission::open_case(
        c,
        &submission::NewCase {
            application_id: application,
            snapshot: &json!({"content": {}}),
            submitted_by: "person:150585*****",
            status: "SUBMITTED",
            received_at: now,
            received_on: time::macros::date!(2031 - 01 - 02),
        },
    )
    .unwrap();
    submission::record_with_feed_and_audit(
        c,
        &applications::NewCaseEvent {
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
        &NewFeedEvent {
            event_type: "no.helsedata.case.received",
            source: "/test",
            subject: Some(&case.case_number),
            data: json!({}),
            custodian_id: None,
            case_id: Some(case.id),
        },
        &audit::NewAuditEvent {
            actor: "person:150585*****",
            action: "APPLICATION_SUBMITTED",
            entity_type: "application",
            entity_id: &application.to_string(),
            before_state: None,
            after_state: Some(json!({})),
            request_id: None,
        },
    )
    .unwrap();
    audit::record(
        c,
        &audit::NewAuditEvent {
            actor: "person:150585*****",
            action: "APPLICATION_CREATED",
            entity_type: "application",
            entity_id: &application.to_string(),
            before_state: None,
            after_state: Some(json!({})),
            request_id: None,
        },
    )
    .unwrap();
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
}

#[test]
fn the_poll_the_task_page_the_feed_page_and_the_journeys_writes_are_prepared() {
    let db = TestDatabase::new();
    let mut conn = db.connect();
    assert!(prepared(&mut conn).is_empty());

    let (_, poll) = tasks::poll_states(&mut conn, &["983744516".to_owned()])
        .unwrap()
        .pop()
        .unwrap();
    let filter = TaskFilter {
        states: vec!["ASSIGNED".into(), "ACKNOWLEDGED".into()],
        kind: None,
        updated_since: None,
    };
    let after = Some((time::OffsetDateTime::now_utc(), uuid::Uuid::nil()));
    tasks::page(
        &mut conn,
        &TaskOwner::Id(poll.custodian_id),
        &filter,
        after,
        50,
    )
    .unwrap();
    feed::page(&mut conn, PageReader::Orgnr("983744516"), 0, 100).unwrap();
    feed::page(&mut conn, PageReader::Everything, 0, 100).unwrap();
    // the writes of create, upload and submit, rolled back
    let _ = conn.transaction::<(), StoreError, _>(|c| {
        journeys_writes(c);
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
            "LEFT JOIN custodian_task_counters k ON k.custodian_id = c.id",
        ),
        ("custodian's feed page", "JOIN custodians c ON c.orgnr = $1"),
        ("staff feed page", "FROM feed_counter k LEFT JOIN LATERAL"),
        ("catalogue facts", "ARRAY(SELECT p.purpose_code"),
        (
            "case number, snapshot and case",
            "WITH n AS (INSERT INTO case_number_counters",
        ),
        (
            "submitted, with its files frozen",
            "WITH app AS (UPDATE applications SET status = 'SUBMITTED'",
        ),
        (
            "draft, its audit event and the address check",
            "WITH app AS (INSERT INTO applications",
        ),
        (
            "attachment, version bump and audit event",
            "WITH file AS (INSERT INTO application_attachments",
        ),
        (
            "version bump",
            "UPDATE applications SET version = version + 1, updated_at = CURRENT_TIMESTAMP WHERE id = $1 RETURNING version",
        ),
        (
            "case event, audit event and feed event",
            "WITH event AS (INSERT INTO case_events",
        ),
        (
            "the case and its applicants, for the notices",
            "FROM applicant_recipients(c.application_id)",
        ),
        ("audit event", "INSERT INTO audit_events"),
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

#[test]
fn catalogue_lists_are_prepared_and_a_variable_search_is_planned_for_its_words() {
    use hds_persistence::catalogue::{self, After, Lang, Search, SourceFilter, VariableFilter};
    let db = TestDatabase::new();
    let mut conn = db.connect();
    let search = |words: &str| Search {
        lang: Lang::Nb,
        tsquery: format!("{words}:*"),
    };
    catalogue::list_data_sources(&mut conn, &SourceFilter::default(), None, 51).unwrap();
    let sources = SourceFilter {
        search: Some(search("fødsel")),
        ..SourceFilter::default()
    };
    catalogue::list_data_sources(&mut conn, &sources, None, 51).unwrap();
    let npr = catalogue::source_id(&mut conn, "NPR").unwrap();
    let after = After::Key("A".into(), Some(uuid::Uuid::nil()));
    catalogue::list_variables(&mut conn, &VariableFilter::default(), Some(&after), 51).unwrap();
    let of_npr = VariableFilter {
        source: Some(npr),
        ..VariableFilter::default()
    };
    catalogue::list_variables(&mut conn, &of_npr, None, 51).unwrap();
    let searched = VariableFilter {
        search: Some(search("fødsel")),
        ..VariableFilter::default()
    };
    let found = catalogue::list_variables(&mut conn, &searched, None, 51).unwrap();
    assert!(!found.is_empty(), "the search finds the shipped variables");

    let statements = prepared(&mut conn);
    let with = |needle: &str, also: &str| {
        statements
            .iter()
            .filter(|s| s.contains(needle) && s.contains(also))
            .count()
    };
    assert_eq!(
        with("FROM data_sources ds JOIN custodians c", "ORDER BY s.code"),
        1,
        "{statements:#?}"
    );
    assert_eq!(
        with(
            "FROM data_sources ds JOIN custodians c",
            "ts_rank(ds.search_nb"
        ),
        1,
        "{statements:#?}"
    );
    assert_eq!(
        with("FROM variables v", "(s.name, s.id) > ("),
        1,
        "{statements:#?}"
    );
    assert_eq!(
        with("FROM variables v", "AND v.data_source_id = $"),
        1,
        "{statements:#?}"
    );
    assert_eq!(
        with("FROM variables v", "ts_rank(v.search_nb"),
        0,
        "a variable search is not kept prepared: {statements:#?}"
    );
}
