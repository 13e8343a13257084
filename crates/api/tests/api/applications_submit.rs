//! Submission: idempotency, concurrency, case numbers, and nothing left
//! behind by a refused submit.

use hds_persistence::test_support::count_rows;
use reqwest::Method;
use serde_json::json;

use crate::applications::{complete_identifiable, create, etag_of, submit, token, OWNER, STRANGER};
use crate::support::TestApp;

#[actix_rt::test]
async fn concurrent_double_submit_with_one_key_makes_one_case() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let (id, etag) = complete_identifiable(&app, &owner).await;
    let (a, b) = tokio::join!(
        submit(&app, &owner, &id, &etag, "double-1"),
        submit(&app, &owner, &id, &etag, "double-1"),
    );
    assert_eq!(a.status, 201, "{}", a.text);
    assert_eq!(b.status, 201, "{}", b.text);
    assert_eq!(a.body, b.body, "the same case, twice");
    let replays = [&a, &b]
        .iter()
        .filter(|r| r.header("idempotent-replayed") == "true")
        .count();
    assert_eq!(replays, 1, "one did the work, the other replayed it");
    let mut conn = app.db.connect();
    assert_eq!(count_rows(&mut conn, "cases"), 1);
    assert_eq!(count_rows(&mut conn, "case_events"), 1);
    assert_eq!(count_rows(&mut conn, "application_snapshots"), 1);

    // A later retry with the key replays too; the same key for another request is refused.
    let retry = submit(&app, &owner, &id, &etag, "double-1").await;
    assert_eq!(retry.status, 201);
    assert_eq!(retry.body["caseNumber"], a.body["caseNumber"]);
    let (other, other_etag) = complete_identifiable(&app, &owner).await;
    let reused = submit(&app, &owner, &other, &other_etag, "double-1").await;
    assert_eq!(
        reused.problem(422)["type"],
        "https://api.helsedata.no/problems/idempotency-key-reused"
    );
    // A new key on the submitted application: read-only.
    submit(&app, &owner, &id, &etag, "double-2")
        .await
        .problem(409);
    assert_eq!(count_rows(&mut conn, "cases"), 1);
}

#[actix_rt::test]
async fn concurrent_submits_with_different_keys_make_one_case() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let (id, etag) = complete_identifiable(&app, &owner).await;
    let (a, b) = tokio::join!(
        submit(&app, &owner, &id, &etag, "k-a"),
        submit(&app, &owner, &id, &etag, "k-b")
    );
    let mut statuses = [a.status, b.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409], "{} / {}", a.text, b.text);
    assert_eq!(count_rows(&mut app.db.connect(), "cases"), 1);
}

#[actix_rt::test]
async fn case_numbers_are_sequential_and_never_duplicated() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let other = token(&app, STRANGER);
    let mut drafts = Vec::new();
    for t in [&owner, &other, &owner, &other, &owner, &other] {
        drafts.push((t.clone(), complete_identifiable(&app, t).await));
    }
    // All at once.
    let app = &app;
    let submissions = drafts.iter().enumerate().map(|(i, (t, (id, etag)))| {
        let key = format!("seq-{i}");
        async move { submit(app, t, id, etag, &key).await }
    });
    let results = futures_util::future::join_all(submissions).await;
    let mut numbers: Vec<String> = results
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{}", r.text);
            r.body["caseNumber"].as_str().unwrap().to_owned()
        })
        .collect();
    numbers.sort();
    let year = time::OffsetDateTime::now_utc().year();
    let expected: Vec<String> = (1..=6).map(|n| format!("HDS-{year}-{n:06}")).collect();
    assert_eq!(numbers, expected);
    // A refused submit does not use up a number.
    let (bad, bad_etag) = create(app, &owner, &json!({})).await;
    submit(app, &owner, &bad, &bad_etag, "bad-1")
        .await
        .problem(422);
    let (next, next_etag) = complete_identifiable(app, &owner).await;
    let r = submit(app, &owner, &next, &next_etag, "next-1").await;
    assert_eq!(r.body["caseNumber"], format!("HDS-{year}-000007"));
}

#[actix_rt::test]
async fn submit_needs_if_match_and_an_idempotency_key() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let (id, etag) = complete_identifiable(&app, &owner).await;
    let path = format!("/api/v1/applications/{id}/submit");
    let r = app
        .send(
            app.request(Method::POST, &path, Some(&owner))
                .header("Idempotency-Key", "x"),
        )
        .await;
    r.problem(428);
    let r = app
        .send(
            app.request(Method::POST, &path, Some(&owner))
                .header("If-Match", etag.as_str()),
        )
        .await;
    assert_eq!(
        r.problem(400)["errors"][0]["pointer"],
        "/header/Idempotency-Key"
    );
    submit(&app, &owner, &id, "\"v1\"", "stale-1")
        .await
        .problem(412);
    // A refused submit is not remembered: the same key works once it is fixed.
    let mut conn = app.db.connect();
    assert_eq!(count_rows(&mut conn, "idempotency_keys"), 0);
    assert_eq!(count_rows(&mut conn, "cases"), 0);
    let ok = submit(&app, &owner, &id, &etag, "stale-1").await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    assert_eq!(count_rows(&mut conn, "idempotency_keys"), 1);
}

#[actix_rt::test]
async fn a_new_attachment_makes_the_read_version_stale() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let (id, etag) = complete_identifiable(&app, &owner).await;
    let up = crate::applications::upload(
        &app,
        &owner,
        &id,
        "OTHER",
        "Vedlegg",
        "x.pdf",
        crate::applications::PDF,
    )
    .await;
    assert_eq!(up.status, 201);
    submit(&app, &owner, &id, &etag, "v-1").await.problem(412);
    let fresh = etag_of(&app, &owner, &id).await;
    assert_eq!(submit(&app, &owner, &id, &fresh, "v-2").await.status, 201);
}

#[actix_rt::test]
async fn two_editors_with_one_etag_one_wins_the_other_gets_412() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let (id, etag) = create(&app, &owner, &json!({})).await;
    let path = format!("/api/v1/applications/{id}");
    let (body_a, body_b) = (json!({"comments": "a"}), json!({"comments": "b"}));
    let (a, b) = tokio::join!(
        app.patch_json(&path, Some(&owner), Some(&etag), &body_a),
        app.patch_json(&path, Some(&owner), Some(&etag), &body_b),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412], "{} / {}", a.text, b.text);
    // An unchanged read is a 304.
    let current = app.get(&path, Some(&owner)).await;
    assert!(
        current.header("etag").starts_with("\"v2-"),
        "{}",
        current.header("etag")
    );
    let cached = app
        .send(
            app.request(Method::GET, &path, Some(&owner))
                .header("If-None-Match", current.header("etag")),
        )
        .await;
    assert_eq!(cached.status, 304);
}

/// Round trips to PostgreSQL (issue 16), counted by the pool, `BEGIN` and
/// `COMMIT` included: a create with an `Idempotency-Key` is 6 statements, an
/// upload 6, a submit 11 (each its transaction's work, the notices' look-up
/// one statement, the case with its number and snapshot one, its events one).
#[actix_rt::test]
async fn create_upload_and_submit_send_no_more_statements_than_their_work_needs() {
    let app = TestApp::spawn().await;
    let t = token(&app, OWNER);
    // the token's first check and the connections' first use are not counted
    complete_identifiable(&app, &t).await;
    let statements = || app.state.db.stats().statements;

    let before = statements();
    let created = app
        .send(
            app.request(Method::POST, "/api/v1/applications", Some(&t))
                .header("Idempotency-Key", "create-once")
                .json(&crate::applications::identifiable_content()),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(statements() - before, 6, "create");

    let id = created.body["id"].as_str().unwrap().to_owned();
    for (kind, file) in [("PROJECT_DESCRIPTION", "p.pdf"), ("REK_DECISION", "r.pdf")] {
        let etag = etag_of(&app, &t, &id).await;
        let before = statements();
        let uploaded = app
            .send(
                app.request(
                    Method::POST,
                    &format!("/api/v1/applications/{id}/attachments"),
                    Some(&t),
                )
                .query(&[("kind", kind), ("title", "Vedlegg"), ("filename", file)])
                .header("Content-Type", "application/octet-stream")
                .header("If-Match", etag)
                .header("Idempotency-Key", format!("upload-{kind}"))
                .body(crate::applications::PDF.to_vec()),
            )
            .await;
        assert_eq!(uploaded.status, 201, "{}", uploaded.text);
        assert_eq!(statements() - before, 6, "upload");
    }

    let etag = etag_of(&app, &t, &id).await;
    let before = statements();
    let submitted = submit(&app, &t, &id, &etag, "submit-once").await;
    assert_eq!(submitted.status, 201, "{}", submitted.text);
    assert_eq!(statements() - before, 11, "submit");
}
