//! A draft's creation and an attachment's upload each write their audit
//! event in the same statement (issue 16), with what the handlers wrote
//! before; a write that fails leaves nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel::prelude::*;
use diesel::sql_types::Text;
use hds_persistence::applications::{self as repo, NewAttachment};
use hds_persistence::audit;
use hds_persistence::draft_writes::{self, Actor};
use hds_persistence::notifications::person_key;
use hds_persistence::test_support::TestDatabase;
use serde_json::json;

const OWNER: &str = "15058550040";
const BY: Actor<'static> = Actor {
    actor: "person:150585*****",
    request_id: Some("req-7"),
};

#[test]
fn a_new_draft_has_its_audit_event_and_knows_whether_its_owner_has_an_address() {
    let db = TestDatabase::new();
    let mut conn = db.connect();
    let (row, email) =
        draft_writes::create(&mut conn, OWNER, &json!({"project": {"title": "T"}}), &BY).unwrap();
    assert_eq!(row.status, repo::DRAFT);
    assert_eq!(row.owner_pid, OWNER);
    assert_eq!(row.content, json!({"project": {"title": "T"}}));
    assert!(!email);
    let history = audit::history(&mut conn, "application", &row.id.to_string()).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].action, "APPLICATION_CREATED");
    assert_eq!(history[0].actor, "person:150585*****");
    assert_eq!(history[0].before_state, None);
    assert_eq!(
        history[0].after_state,
        Some(json!({"version": row.version}))
    );
    assert_eq!(history[0].request_id.as_deref(), Some("req-7"));

    // a verified address counts; one waiting for its code does not
    diesel::sql_query(
        "INSERT INTO person_contacts (person_key, pending_email, code_hash) VALUES ($1, 'a@b.no', 'x')",
    )
    .bind::<Text, _>(person_key(OWNER))
    .execute(&mut conn)
    .unwrap();
    assert!(
        !draft_writes::create(&mut conn, OWNER, &json!({}), &BY)
            .unwrap()
            .1
    );
    diesel::sql_query(
        "UPDATE person_contacts SET email = 'a@b.no', verified_at = now() WHERE person_key = $1",
    )
    .bind::<Text, _>(person_key(OWNER))
    .execute(&mut conn)
    .unwrap();
    assert!(
        draft_writes::create(&mut conn, OWNER, &json!({}), &BY)
            .unwrap()
            .1
    );
}

fn attachment(application_id: uuid::Uuid, kind: &str) -> NewAttachment<'_> {
    NewAttachment {
        application_id,
        kind,
        title: "Prosjektbeskrivelse",
        filename: "p.pdf",
        content_type: "application/pdf",
        size_bytes: 3,
        sha256: "8eabaab5c9262a308b726ef82b1e6abc3814ad52ac39ea73e394130d13624877",
        content: b"pdf",
        uploaded_by: "person:150585*****",
    }
}

#[test]
fn an_upload_bumps_the_version_and_writes_its_audit_event_or_nothing() {
    let db = TestDatabase::new();
    let mut conn = db.connect();
    let (app, _) = draft_writes::create(&mut conn, OWNER, &json!({}), &BY).unwrap();
    let (meta, version) =
        draft_writes::add_attachment(&mut conn, &attachment(app.id, "PROJECT_DESCRIPTION"), &BY)
            .unwrap();
    assert_eq!(version, app.version + 1);
    assert_eq!(meta.kind, "PROJECT_DESCRIPTION");
    assert_eq!(meta.size_bytes, 3);
    let (row, _) = repo::find_accessible(&mut conn, app.id, OWNER).unwrap();
    assert_eq!(row.version, version);
    let listed = repo::list_attachments(&mut conn, app.id).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, meta.id);
    let added: Vec<_> = audit::history(&mut conn, "application", &app.id.to_string())
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "ATTACHMENT_ADDED")
        .collect();
    assert_eq!(added.len(), 1);
    assert_eq!(
        added[0].after_state,
        Some(
            json!({"attachmentId": meta.id, "kind": "PROJECT_DESCRIPTION",
                    "sha256": meta.sha256, "version": version})
        )
    );
    assert_eq!(added[0].request_id.as_deref(), Some("req-7"));

    // a refused file (no such kind) changes nothing: no file, no version, no event
    assert!(draft_writes::add_attachment(&mut conn, &attachment(app.id, "NONSENSE"), &BY).is_err());
    let (row, _) = repo::find_accessible(&mut conn, app.id, OWNER).unwrap();
    assert_eq!(row.version, version);
    assert_eq!(repo::list_attachments(&mut conn, app.id).unwrap().len(), 1);
    assert_eq!(
        audit::history(&mut conn, "application", &app.id.to_string())
            .unwrap()
            .len(),
        2
    );
}
