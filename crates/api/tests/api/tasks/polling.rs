//! Polling the task list and a task: the bodiless 304 while nothing
//! changed, polls that arrive together, the cursor, and the task's ETag
//! moving when only its case changes.

use super::*;

#[actix_rt::test]
async fn an_unchanged_poll_is_a_bodiless_304_and_a_change_makes_it_200() {
    let app = TestApp::spawn().await;
    decided_case(&app, "poll").await;
    let fhi = custodian(&app, FHI);
    let first = list(&app, &fhi, "").await;
    assert_eq!(first.status, 200);
    let etag = first.header("etag").to_owned();
    let poll = |etag: String, query: &'static str| {
        let fhi = fhi.clone();
        let app = &app;
        async move {
            app.send(
                app.request(Method::GET, &format!("/api/v1/tasks{query}"), Some(&fhi))
                    .header("If-None-Match", etag),
            )
            .await
        }
    };
    let unchanged = poll(etag.clone(), "").await;
    assert_eq!(unchanged.status, 304);
    assert!(unchanged.bytes.is_empty());
    assert_eq!(unchanged.header("etag"), etag);

    // another custodian's change does not change FHI's list
    let hdir = custodian(&app, HDIR);
    let npr = only_task(&app, &hdir).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        act(&app, &hdir, &npr, "acknowledge", &json!({}))
            .await
            .status,
        200
    );
    assert_eq!(poll(etag.clone(), "").await.status, 304);

    // FHI's own change does
    let id = first.body["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        act(&app, &fhi, &id, "acknowledge", &json!({})).await.status,
        200
    );
    let changed = poll(etag.clone(), "").await;
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag"), etag);
    assert_eq!(changed.body["items"][0]["state"], "ACKNOWLEDGED");

    // the ETag depends on the filters, and filters filter
    let assigned = poll(changed.header("etag").to_owned(), "?state=ASSIGNED").await;
    assert_eq!(assigned.status, 200);
    assert!(assigned.body["items"].as_array().unwrap().is_empty());
    let acked = list(
        &app,
        &fhi,
        "?state=ACKNOWLEDGED,IN_PREPARATION&kind=DATA_PREPARATION",
    )
    .await;
    assert_eq!(acked.body["items"].as_array().unwrap().len(), 1);
    let future = list(&app, &fhi, "?updatedSince=2999-01-01T00:00:00Z").await;
    assert!(future.body["items"].as_array().unwrap().is_empty());
    let bad = list(&app, &fhi, "?state=DONE&kind=X&updatedSince=yesterday").await;
    let p = bad.problem(400);
    assert_eq!(p["errors"].as_array().unwrap().len(), 3, "{p}");
}

/// The server reads the counters of polls that arrive together in one
/// statement: each poll still gets its own custodian's answer, and a change
/// committed before a poll is seen by it.
#[actix_rt::test]
async fn polls_that_arrive_together_each_get_their_own_custodians_answer() {
    let app = TestApp::spawn().await;
    decided_case(&app, "together").await;
    let fhi = custodian(&app, FHI);
    let hdir = custodian(&app, HDIR);
    let unknown = custodian(&app, UNKNOWN_ORG);
    let fhi_etag = list(&app, &fhi, "").await.header("etag").to_owned();
    let hdir_etag = list(&app, &hdir, "").await.header("etag").to_owned();
    assert_ne!(fhi_etag, hdir_etag);
    let poll_at = |path: &str, tok: &str, etag: &str| {
        app.send(
            app.request(Method::GET, path, Some(tok))
                .header("If-None-Match", etag),
        )
    };
    let poll = |tok: &str, etag: &str| poll_at("/api/v1/tasks", tok, etag);
    // 30 polls at once: each custodian's own ETag is a 304, the other's a
    // 200 with its own task, an unknown organisation a 403
    let answers = futures_util::future::join_all((0..30).map(|i| match i % 5 {
        0 | 1 => poll(&fhi, &fhi_etag),
        2 => poll(&hdir, &hdir_etag),
        3 => poll(&fhi, &hdir_etag),
        _ => poll(&unknown, &fhi_etag),
    }))
    .await;
    for (i, r) in answers.iter().enumerate() {
        match i % 5 {
            0..=2 => assert_eq!(r.status, 304, "poll {i}: {}", r.text),
            3 => {
                assert_eq!(r.status, 200, "poll {i}");
                assert_eq!(r.header("etag"), fhi_etag);
                assert_eq!(
                    r.body["items"][0]["dataSource"]["code"], "MFR",
                    "{}",
                    r.text
                );
            }
            _ => assert_eq!(r.problem(403)["status"], 403),
        }
    }

    // an empty page carries the counter it was read with: a new task for
    // FHI is seen by the next poll of that empty list
    let empty = list(&app, &fhi, "?state=ACKNOWLEDGED").await;
    assert!(empty.body["items"].as_array().unwrap().is_empty());
    let empty_etag = empty.header("etag").to_owned();
    let acknowledged = "/api/v1/tasks?state=ACKNOWLEDGED";
    assert_eq!(poll_at(acknowledged, &fhi, &empty_etag).await.status, 304);
    let id = list(&app, &fhi, "").await.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        act(&app, &fhi, &id, "acknowledge", &json!({})).await.status,
        200
    );
    let next = poll_at(acknowledged, &fhi, &empty_etag).await;
    assert_eq!(next.status, 200);
    assert_eq!(next.body["items"][0]["id"], id.as_str());
}

#[actix_rt::test]
async fn the_task_list_pages_by_update_time_with_a_cursor() {
    let app = TestApp::spawn().await;
    decided_case(&app, "page-1").await;
    decided_case(&app, "page-2").await;
    decided_case(&app, "page-3").await;
    let fhi = custodian(&app, FHI);
    let mut seen = Vec::new();
    let mut query = "?limit=2".to_owned();
    loop {
        let r = list(&app, &fhi, &query).await;
        assert_eq!(r.status, 200, "{}", r.text);
        for item in r.body["items"].as_array().unwrap() {
            seen.push(
                item["updatedAt"].as_str().unwrap().to_owned() + item["id"].as_str().unwrap(),
            );
        }
        match r.body["nextCursor"].as_str() {
            Some(c) => query = format!("?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 3);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 3);
    list(&app, &fhi, "?cursor=bm9wZQ").await.problem(400);
}

#[actix_rt::test]
async fn the_task_detail_changes_its_etag_when_only_the_case_changes() {
    let app = TestApp::spawn().await;
    let case_id = decided_case(&app, "etag").await;
    let fhi = custodian(&app, FHI);
    let task_id = only_task(&app, &fhi).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = read(&app, &fhi, &task_id).await;
    let etag = before.header("etag").to_owned();
    let cached = app
        .send(
            app.request(Method::GET, &format!("/api/v1/tasks/{task_id}"), Some(&fhi))
                .header("If-None-Match", &etag),
        )
        .await;
    assert_eq!(cached.status, 304);
    // the case moves on (here: appealed) while the task row itself does not change
    sql(
        &app,
        &format!("UPDATE cases SET status = 'APPEALED' WHERE id = '{case_id}'"),
    );
    let after = app
        .send(
            app.request(Method::GET, &format!("/api/v1/tasks/{task_id}"), Some(&fhi))
                .header("If-None-Match", &etag),
        )
        .await;
    assert_eq!(
        after.status, 200,
        "a stale 304 would hide the case's new status"
    );
    assert_ne!(after.header("etag"), etag);
    assert!(
        after.header("etag").starts_with("\"v1-"),
        "If-Match still compares the version"
    );
}

/// Round trips to PostgreSQL per poll (issue 16), counted by the pool: a
/// first poll (no ETag) is one statement, the page finding its custodian;
/// an unchanged poll is one (the counter); a poll after a change is two
/// (the counter, then the page).
#[actix_rt::test]
async fn a_first_poll_and_an_unchanged_poll_are_one_statement_each() {
    let app = TestApp::spawn().await;
    decided_case(&app, "round-trips").await;
    let fhi = custodian(&app, FHI);
    // the token's first check and the connections' first use are not counted
    list(&app, &fhi, "").await;
    let statements = || app.state.db.stats().statements;
    let poll = |etag: Option<String>| {
        let fhi = fhi.clone();
        let app = &app;
        async move {
            let request = app.request(Method::GET, "/api/v1/tasks", Some(&fhi));
            let request = match etag {
                Some(etag) => request.header("If-None-Match", etag),
                None => request,
            };
            app.send(request).await
        }
    };

    let before = statements();
    let first = poll(None).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(statements() - before, 1, "a first poll");

    let etag = first.header("etag").to_owned();
    let before = statements();
    assert_eq!(poll(Some(etag.clone())).await.status, 304);
    assert_eq!(statements() - before, 1, "an unchanged poll");

    let before = statements();
    let changed = poll(Some("\"stale\"".into())).await;
    assert_eq!(changed.status, 200);
    assert_eq!(changed.header("etag"), etag, "the same list, the same ETag");
    assert_eq!(statements() - before, 2, "a poll after a change");
}
