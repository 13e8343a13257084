//! ETags, uniformly: every read the contract says honours `If-None-Match`
//! carries an ETag and answers 304 with no body while it is current; and
//! this test covers every such read of the contract (a new one fails it
//! until it is added here).

use std::collections::BTreeSet;

use hds_api::auth::Role;
use reqwest::Method;
use serde_json::{json, Value};

use crate::applications::{complete_identifiable, invite, submit, token, MEMBER, OWNER};
use crate::support::{contract, with_terms, TestApp};

const FHI: &str = "983744516";

/// GET `path` as `token`, then again with its ETag: 200 with an ETag, then
/// a bodiless 304 with the same ETag. The operation's template.
async fn revalidates(app: &TestApp, path: &str, token: Option<&str>) -> String {
    let first = app.get(path, token).await;
    assert_eq!(first.status, 200, "{path}: {}", first.text);
    let tag = first.etag();
    assert!(
        tag.starts_with('"') && tag.ends_with('"') && tag.len() > 2,
        "{path}: ETag {tag:?}"
    );
    let again = app
        .json_with(Method::GET, path, token, None, &[("If-None-Match", &tag)])
        .await;
    assert_eq!(again.status, 304, "{path}: {}", again.text);
    assert!(again.bytes.is_empty(), "{path}: a 304 has no body");
    assert_eq!(again.etag(), tag, "{path}");
    // a tag the client does not have: the whole representation
    let other = app
        .json_with(
            Method::GET,
            path,
            token,
            None,
            &[("If-None-Match", "\"v0-stale\"")],
        )
        .await;
    assert_eq!(other.status, 200, "{path}");
    let template = contract()
        .template_of(path.split('?').next().unwrap())
        .unwrap();
    format!("GET {template}")
}

/// The fee reads: a case with HDS's hours, its estimate and waivers, an
/// issued basis with its exports, and the credit note of it.
async fn fee_reads(app: &TestApp) -> BTreeSet<String> {
    use crate::fees::{case_hours, submit_draft, tables_content};
    use crate::fees::{complete_and_grant, draft, handler, iso, issue, on, plus, received};

    let mut covered = BTreeSet::new();
    let (owner, h) = (token(app, OWNER), handler(app));
    let t0 = received();
    on(app, t0);
    let id = draft(app, &tables_content(&["MFR"], false)).await;
    let case_id = submit_draft(app, &id, "etag-fees").await;
    complete_and_grant(app, &case_id, &["MFR"], plus(t0, 1), plus(t0, 2)).await;
    case_hours(
        app,
        &case_id,
        &json!({"workedOn": iso(plus(t0, 2)), "hours": "1.50", "note": "Vedtak"}),
    )
    .await;
    let basis = issue(app, &h, &case_id, "HDS").await;
    assert_eq!(basis.status, 201, "{}", basis.text);
    let basis_id = basis.body["id"].as_str().unwrap().to_owned();
    let note = app
        .json_with(
            Method::POST,
            &format!("/api/v1/invoice-bases/{basis_id}/credit"),
            Some(&h),
            Some(&json!({"reason": "Feil timepris"})),
            &[("If-Match", &basis.etag())],
        )
        .await;
    assert_eq!(note.status, 201, "{}", note.text);
    let note_id = note.body["id"].as_str().unwrap().to_owned();

    for path in [
        format!("/api/v1/applications/{id}/cost-estimate"),
        format!("/api/v1/applications/{id}/invoice-bases"),
    ] {
        covered.insert(revalidates(app, &path, Some(&owner)).await);
    }
    for path in [
        format!("/api/v1/cases/{case_id}/cost-estimate"),
        format!("/api/v1/cases/{case_id}/fee-waivers"),
        format!("/api/v1/cases/{case_id}/hours"),
        format!("/api/v1/cases/{case_id}/invoice-bases"),
        format!("/api/v1/cases/{case_id}/invoice-bases/HDS"),
        format!("/api/v1/invoice-bases/{basis_id}"),
        format!("/api/v1/invoice-bases/{basis_id}/csv"),
        format!("/api/v1/invoice-bases/{basis_id}/ehf"),
        format!("/api/v1/credit-notes/{note_id}"),
        format!("/api/v1/credit-notes/{note_id}/csv"),
        format!("/api/v1/credit-notes/{note_id}/ehf"),
    ] {
        covered.insert(revalidates(app, &path, Some(&h)).await);
    }
    for path in ["/api/v1/price-lists", "/api/v1/price-lists/HDS"] {
        covered.insert(revalidates(app, path, None).await);
    }
    covered
}

#[actix_rt::test]
async fn every_read_that_can_change_answers_304_to_its_own_etag() {
    let app = TestApp::spawn().await;
    let mut covered = BTreeSet::new();

    // the applicant's reads, over a submitted application
    let t = token(&app, OWNER);
    let (id, _) = complete_identifiable(&app, &t).await;
    assert_eq!(invite(&app, &t, &id, MEMBER).await.status, 201);
    let view = app
        .get(&format!("/api/v1/applications/{id}"), Some(&t))
        .await;
    let attachment = view.body["attachments"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let submitted = submit(&app, &t, &id, &view.etag(), "etag-test").await;
    assert_eq!(submitted.status, 201, "{}", submitted.text);
    let case_id = submitted.body["id"].as_str().unwrap().to_owned();
    for path in [
        "/api/v1/me".to_owned(),
        "/api/v1/me/contact".to_owned(),
        "/api/v1/applications".to_owned(),
        format!("/api/v1/applications/{id}"),
        format!("/api/v1/applications/{id}/attachments"),
        format!("/api/v1/applications/{id}/attachments/{attachment}"),
        format!("/api/v1/applications/{id}/check"),
        format!("/api/v1/applications/{id}/members"),
        format!("/api/v1/applications/{id}/case"),
        format!("/api/v1/applications/{id}/case/events"),
        format!("/api/v1/applications/{id}/versions"),
        format!("/api/v1/applications/{id}/change-requests"),
        format!("/api/v1/applications/{id}/case/attachments"),
    ] {
        covered.insert(revalidates(&app, &path, Some(&t)).await);
    }

    // the case handler's, after deciding the case (which gives the
    // custodians their tasks)
    let handler = app.token(Role::CaseHandler);
    // FHI decides NPR itself here, so that a DECISION task exists (issue 12)
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!(
            "UPDATE case_sources SET decision_authority = 'CUSTODIAN' \
             WHERE case_id = '{case_id}' AND data_source_code = 'NPR'"
        )),
        &mut app.db.connect(),
    )
    .unwrap();
    let case = app
        .get(&format!("/api/v1/cases/{case_id}"), Some(&handler))
        .await;
    let complete = app
        .json_with(
            Method::POST,
            &format!("/api/v1/cases/{case_id}/complete"),
            Some(&handler),
            Some(&json!({})),
            &[("If-Match", &case.etag())],
        )
        .await;
    assert_eq!(complete.status, 200, "{}", complete.text);
    let granted = |code: &str| {
        with_terms(
            json!({"dataSource": code, "outcome": "GRANTED", "legalBasis": ["helseregisterloven § 19 a"],
               "conditions": [], "text": "Innvilget."}),
        )
    };
    let decided = app
        .json_with(
            Method::POST,
            &format!("/api/v1/cases/{case_id}/decisions"),
            Some(&handler),
            Some(&json!({"decisions": [granted("MFR")]})),
            &[("If-Match", &complete.etag())],
        )
        .await;
    assert_eq!(decided.status, 200, "{}", decided.text);
    // FHI reads the application it decides NPR on, then decides it
    let fhi = app.token_for(Role::Custodian, None, Some(FHI));
    let tasks = app.get("/api/v1/tasks", Some(&fhi)).await;
    let deciding = tasks.body["items"][0]["id"].as_str().unwrap().to_owned();
    let read = app
        .get(&format!("/api/v1/tasks/{deciding}"), Some(&fhi))
        .await;
    let submitted_file = format!("/api/v1/tasks/{deciding}/attachments/{attachment}");
    for path in [
        format!("/api/v1/tasks/{deciding}/application"),
        submitted_file,
    ] {
        covered.insert(revalidates(&app, &path, Some(&fhi)).await);
    }
    let mut npr = granted("NPR");
    npr.as_object_mut().unwrap().remove("dataSource");
    let decided = app
        .json_with(
            Method::POST,
            &format!("/api/v1/tasks/{deciding}/decision"),
            Some(&fhi),
            Some(&npr),
            &[("If-Match", &read.etag())],
        )
        .await;
    assert_eq!(decided.status, 200, "{}", decided.text);
    for path in [
        "/api/v1/cases".to_owned(),
        format!("/api/v1/cases/{case_id}"),
        format!("/api/v1/cases/{case_id}/expected-dates"),
        "/api/v1/statistics?period=2026&dimension=DATA_SOURCE".to_owned(),
        "/api/v1/statistics/backlog".to_owned(),
        format!("/api/v1/cases/{case_id}/attachments/{attachment}"),
        format!("/api/v1/cases/{case_id}/decision-letter"),
        format!("/api/v1/cases/{case_id}/change-requests"),
        format!("/api/v1/cases/{case_id}/attachments"),
        "/api/v1/notifications".to_owned(),
    ] {
        covered.insert(revalidates(&app, &path, Some(&handler)).await);
    }
    let expected = format!("/api/v1/applications/{id}/case/expected-dates");
    covered.insert(revalidates(&app, &expected, Some(&t)).await);
    covered.insert(
        revalidates(
            &app,
            &format!("/api/v1/applications/{id}/case/decision-letter"),
            Some(&t),
        )
        .await,
    );
    covered.insert(
        revalidates(
            &app,
            &format!("/api/v1/tasks/{deciding}/decision-letter"),
            Some(&fhi),
        )
        .await,
    );
    let admin = app.token(Role::Admin);
    covered.insert(revalidates(&app, "/api/v1/custodians/FHI/members", Some(&admin)).await);

    // a custodian's: its tasks and its webhooks
    let hook = app
        .post_json(
            "/api/v1/webhooks",
            Some(&fhi),
            &json!({"url": "http://127.0.0.1:9/hook", "eventTypes": ["no.helsedata.task.assigned"]}),
        )
        .await;
    assert_eq!(hook.status, 201, "{}", hook.text);
    let hook = hook.body["id"].as_str().unwrap().to_owned();
    let tasks = app.get("/api/v1/tasks", Some(&fhi)).await;
    let task = tasks.body["items"][0]["id"]
        .as_str()
        .expect("FHI has a task for MFR");
    // a document sent later about the task's source (issue 13), which FHI may read
    let source = tasks.body["items"][0]["dataSource"]["code"]
        .as_str()
        .unwrap();
    let later = app
        .send(
            app.request(
                Method::POST,
                &format!("/api/v1/applications/{id}/case/attachments"),
                Some(&t),
            )
            .query(&[
                ("kind", "OTHER"),
                ("title", "Notat"),
                ("filename", "notat.txt"),
                ("dataSource", source),
            ])
            .header(
                "If-Match",
                app.get(&format!("/api/v1/applications/{id}"), Some(&t))
                    .await
                    .etag(),
            )
            .body("Notat om kilden\n"),
        )
        .await;
    assert_eq!(later.status, 201, "{}", later.text);
    let later = later.body["attachment"]["id"].as_str().unwrap().to_owned();
    for path in [
        format!("/api/v1/tasks/{task}/attachments"),
        format!("/api/v1/tasks/{task}/attachments/{later}"),
    ] {
        covered.insert(revalidates(&app, &path, Some(&fhi)).await);
    }
    for path in [
        "/api/v1/tasks".to_owned(),
        format!("/api/v1/tasks/{task}"),
        format!("/api/v1/tasks/{task}/expected-dates"),
        "/api/v1/webhooks".to_owned(),
        format!("/api/v1/webhooks/{hook}"),
        format!("/api/v1/webhooks/{hook}/deliveries"),
    ] {
        covered.insert(revalidates(&app, &path, Some(&fhi)).await);
    }

    // the public catalogue and calendar
    let variables = app.get("/api/v1/data-sources/MFR/variables", None).await;
    let variable = variables.body["items"][0]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    for path in [
        "/api/v1/purposes".to_owned(),
        "/api/v1/custodians".to_owned(),
        "/api/v1/custodians/FHI".to_owned(),
        "/api/v1/data-sources".to_owned(),
        "/api/v1/data-sources/MFR".to_owned(),
        "/api/v1/data-sources/MFR/variables".to_owned(),
        format!("/api/v1/data-sources/MFR/variables/{variable}"),
        "/api/v1/variables".to_owned(),
        "/api/v1/search?q=f%C3%B8dselsvekt".to_owned(),
        "/api/v1/service-notices".to_owned(),
        "/api/v1/calendar/deadline?from=2026-03-27&workingDays=30".to_owned(),
        "/api/v1/calendar/holidays?year=2026".to_owned(),
        "/api/v1/granted-access?q=f%C3%B8dselsvekt".to_owned(),
        "/api/v1/dcat/catalog".to_owned(),
    ] {
        covered.insert(revalidates(&app, &path, None).await);
    }

    covered.extend(fee_reads(&app).await);

    // every GET the contract says answers 304 was tried above
    let spec: Value = serde_json::from_str(&hds_api::app::openapi_json()).unwrap();
    let declared: BTreeSet<String> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, item)| item["get"]["responses"].get("304").is_some())
        .map(|(path, _)| format!("GET {path}"))
        .collect();
    let missing: Vec<_> = declared.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "reads that declare If-None-Match but were not tried: {missing:?}"
    );
}

/// What the application shows beside its own content moves its ETag: a
/// caller who sets and verifies an e-mail address (`emailNotifications`
/// becomes true) gets the new representation, not a 304 for the copy that
/// said false; `If-Match` still compares the version, which that did not
/// change.
#[actix_rt::test]
async fn email_notifications_move_the_applications_etag() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let (id, created) = crate::applications::create(&app, &owner, &json!({})).await;
    let path = format!("/api/v1/applications/{id}");
    let before = app.get(&path, Some(&owner)).await;
    assert_eq!(before.body["emailNotifications"], false);
    assert_eq!(before.etag(), created, "the 201's ETag is the read's");
    assert!(before.etag().starts_with("\"v1-"), "{}", before.etag());

    crate::notifications::verified(&app, &owner, "ola.nordmann@uio.no", "NB").await;
    let after = app
        .json_with(
            Method::GET,
            &path,
            Some(&owner),
            None,
            &[("If-None-Match", &before.etag())],
        )
        .await;
    assert_eq!(
        after.status, 200,
        "a stale copy is not revalidated: {}",
        after.text
    );
    assert_eq!(after.body["emailNotifications"], true);
    assert_ne!(after.etag(), before.etag());
    assert_eq!(after.body["version"], before.body["version"]);
    let again = app
        .json_with(
            Method::GET,
            &path,
            Some(&owner),
            None,
            &[("If-None-Match", &after.etag())],
        )
        .await;
    assert_eq!(again.status, 304);

    // the content did not change: the ETag read before still allows a change
    let patched = app
        .patch_json(
            &path,
            Some(&owner),
            Some(&before.etag()),
            &json!({"project": crate::applications::identifiable_content()["project"]}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert!(patched.etag().starts_with("\"v2-"), "{}", patched.etag());
    let stale = app
        .patch_json(
            &path,
            Some(&owner),
            Some(&after.etag()),
            &json!({"project": null}),
        )
        .await;
    assert_eq!(stale.status, 412, "{}", stale.text);
}
