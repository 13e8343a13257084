//! Change requests (endringssøknad, issue 13) over HTTP: a change request
//! from proposal through its own decision with the original decision
//! intact and the diff the case handler sees; withdrawal; refusals that
//! change nothing; and its fees (free after the original decision).

use hds_persistence::test_support::count_rows;
use reqwest::Method;
use serde_json::{json, Value};

use crate::applications::{etag_of, token, MEMBER, OWNER, STRANGER};
use crate::fees::{
    case_hours, complete_and_grant, draft, handler, on, party_bases, plus, received, submit_draft,
    tables_content,
};
use crate::support::{Response, TestApp};

/// Asks for a change to application `id` with `If-Match: etag`.
async fn ask(app: &TestApp, id: &str, etag: Option<&str>, key: &str, body: &Value) -> Response {
    let mut request = app
        .request(
            Method::POST,
            &format!("/api/v1/applications/{id}/change-requests"),
            Some(&token(app, OWNER)),
        )
        .header("Idempotency-Key", key)
        .json(body);
    if let Some(etag) = etag {
        request = request.header("If-Match", etag);
    }
    app.send(request).await
}

/// The period of MFR extended to 2024 and the project to mid-2028.
/// The owner asks for a longer period (a change request on the application
/// `id`, decided or submitted): the change request as answered (201).
pub(crate) async fn ask_for_a_longer_period(app: &TestApp, id: &str) -> Value {
    let owner = token(app, OWNER);
    let etag = etag_of(app, &owner, id).await;
    let made = ask(app, id, Some(&etag), "longer-period", &longer()).await;
    assert_eq!(made.status, 201, "{}", made.text);
    made.body
}

fn longer() -> Value {
    json!({
        "description": "Vi trenger fire år til med data: perioden forlenges til 2024, prosjektet til juni 2028.",
        "content": {
            "dataSources": [{"code": "MFR", "periodFrom": 2010, "periodTo": 2024}],
            "project": {
                "title": "Fødselsvekt og kreft 2010–2020",
                "summary": "Tabeller over fødselsvekt og kreftforekomst.",
                "researchQuestions": ["Hvordan fordeler fødselsvekten seg etter kjønn?"],
                "startDate": "2027-06-01",
                "endDate": "2028-06-30"
            }
        }
    })
}

/// The decision rows, status and decision date of a case as the handler reads them.
async fn decided_state(app: &TestApp, case_id: &str) -> (Value, Value, Value) {
    let r = app
        .get(&format!("/api/v1/cases/{case_id}"), Some(&handler(app)))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    (
        r.body["status"].clone(),
        r.body["decisions"].clone(),
        r.body["version"].clone(),
    )
}

/// The kinds of the applicant's timeline of application `id`.
async fn timeline(app: &TestApp, id: &str) -> Vec<String> {
    let r = app
        .get(
            &format!("/api/v1/applications/{id}/case/events"),
            Some(&token(app, OWNER)),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_rt::test]
async fn a_change_request_is_decided_as_a_case_of_its_own_and_the_original_decision_stays() {
    let app = TestApp::spawn().await;
    let t0 = received();
    on(&app, t0);
    let owner = token(&app, OWNER);
    let id = draft(&app, &tables_content(&["MFR"], false)).await;
    let original = submit_draft(&app, &id, "original").await;
    complete_and_grant(&app, &original, &["MFR"], plus(t0, 1), plus(t0, 2)).await;
    let before = decided_state(&app, &original).await;
    assert_eq!(before.0, "DECIDED");

    let etag = etag_of(&app, &owner, &id).await;
    let made = ask(&app, &id, Some(&etag), "change-1", &longer()).await;
    assert_eq!(made.status, 201, "{}", made.text);
    let cr = made.body.clone();
    // what changed, against the version decided (1): pointers, old and new
    assert_eq!(
        cr["changes"],
        json!([
            {"pointer": "/dataSources/0/periodTo", "old": 2020, "new": 2024},
            {"pointer": "/project/endDate", "old": "2027-12-31", "new": "2028-06-30"}
        ])
    );
    assert_eq!(cr["versionNo"], 2);
    assert_eq!(cr["baseVersionNo"], 1);
    assert_eq!(cr["dataSources"], json!(["MFR"]));
    assert_eq!(cr["status"], "SUBMITTED");
    assert_ne!(cr["caseNumber"], cr["originalCaseNumber"]);
    assert_eq!(cr["originalCaseId"].as_str().unwrap(), original);
    let cr_app = cr["applicationId"].as_str().unwrap().to_owned();
    let cr_case = cr["caseId"].as_str().unwrap().to_owned();
    assert_eq!(
        made.header("location"),
        format!("/api/v1/applications/{cr_app}")
    );

    // a retry with the same key replays it: one change request
    let replay = ask(&app, &id, Some(&etag), "change-1", &longer()).await;
    assert_eq!(replay.status, 201, "{}", replay.text);
    assert_eq!(replay.header("idempotent-replayed"), "true");
    assert_eq!(replay.body["caseId"], cr["caseId"]);
    let mut conn = app.db.connect();
    assert_eq!(count_rows(&mut conn, "change_requests"), 1);

    // the handler sees the change from both cases
    let h = handler(&app);
    let seen = app
        .get(
            &format!("/api/v1/cases/{cr_case}/change-requests"),
            Some(&h),
        )
        .await;
    assert_eq!(seen.status, 200, "{}", seen.text);
    assert_eq!(seen.body["changeRequestOf"]["changes"], cr["changes"]);
    assert_eq!(
        seen.body["changeRequestOf"]["description"],
        cr["description"]
    );
    let from_original = app
        .get(
            &format!("/api/v1/cases/{original}/change-requests"),
            Some(&h),
        )
        .await;
    assert_eq!(from_original.body["changeRequestOf"], Value::Null);
    assert_eq!(
        from_original.body["changeRequests"][0]["caseId"],
        cr["caseId"]
    );
    // the applicant sees both directions too
    let links = app
        .get(
            &format!("/api/v1/applications/{cr_app}/change-requests"),
            Some(&owner),
        )
        .await;
    assert_eq!(
        links.body["changeRequestOf"]["originalApplicationId"]
            .as_str()
            .unwrap(),
        id
    );

    // its own case: complete, statutory clock, decision on what changed
    complete_and_grant(&app, &cr_case, &["MFR"], plus(t0, 3), plus(t0, 4)).await;
    let cr_state = decided_state(&app, &cr_case).await;
    assert_eq!(cr_state.0, "DECIDED");
    assert_eq!(cr_state.1.as_array().unwrap().len(), 1);
    let cr_file = app.get(&format!("/api/v1/cases/{cr_case}"), Some(&h)).await;
    assert!(
        cr_file.body["statutoryDeadline"].is_string(),
        "{}",
        cr_file.text
    );
    assert_ne!(cr_file.body["caseNumber"], cr["originalCaseNumber"]);

    // the original decision is intact: same status, decisions and version
    assert_eq!(decided_state(&app, &original).await, before);
    let kinds = timeline(&app, &id).await;
    assert!(
        kinds.contains(&"CHANGE_REQUEST_MADE".to_owned()),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&"CHANGE_REQUEST_DECIDED".to_owned()),
        "{kinds:?}"
    );
    assert_eq!(timeline(&app, &cr_app).await[0], "CHANGE_REQUEST_RECEIVED");

    // every version kept; the change request's is now in force
    let versions = app
        .get(&format!("/api/v1/applications/{id}/versions"), Some(&owner))
        .await;
    assert_eq!(versions.status, 200, "{}", versions.text);
    assert_eq!(versions.body["versionInForce"], 2);
    let items = versions.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["content"]["dataSources"][0]["periodTo"], 2020);
    assert_eq!(items[1]["content"]["dataSources"][0]["periodTo"], 2024);
    assert_eq!(items[1]["kind"], "CHANGE_REQUEST");

    // another person's application does not exist for them
    let stranger = token(&app, STRANGER);
    for path in [
        format!("/api/v1/applications/{id}/versions"),
        format!("/api/v1/applications/{id}/change-requests"),
    ] {
        app.get(&path, Some(&stranger)).await.problem(404);
    }
}

#[actix_rt::test]
async fn withdrawing_a_change_request_leaves_the_original_untouched() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let id = draft(&app, &tables_content(&["MFR"], false)).await;
    let original = submit_draft(&app, &id, "original").await;
    let before = decided_state(&app, &original).await;
    let etag = etag_of(&app, &owner, &id).await;
    let made = ask(&app, &id, Some(&etag), "change-1", &longer()).await;
    assert_eq!(made.status, 201, "{}", made.text);
    let cr_app = made.body["applicationId"].as_str().unwrap().to_owned();

    let case = app
        .get(&format!("/api/v1/applications/{cr_app}/case"), Some(&owner))
        .await;
    let withdrawn = app
        .post_if_match(
            &format!("/api/v1/applications/{cr_app}/withdraw"),
            Some(&owner),
            Some(case.header("etag")),
        )
        .await;
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.text);
    assert_eq!(withdrawn.body["status"], "WITHDRAWN");

    assert_eq!(decided_state(&app, &original).await, before);
    assert_eq!(before.0, "SUBMITTED");
    let kinds = timeline(&app, &id).await;
    assert!(
        kinds.contains(&"CHANGE_REQUEST_WITHDRAWN".to_owned()),
        "{kinds:?}"
    );
    // the next change request is measured against the original again
    let etag = etag_of(&app, &owner, &id).await;
    let again = ask(&app, &id, Some(&etag), "change-2", &longer()).await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(again.body["versionNo"], 3);
    assert_eq!(again.body["baseVersionNo"], 1);
    let versions = app
        .get(&format!("/api/v1/applications/{id}/versions"), Some(&owner))
        .await;
    assert_eq!(versions.body["items"][1]["status"], "WITHDRAWN");
    assert_eq!(versions.body["versionInForce"], Value::Null);
}

const TABLES: [&str; 8] = [
    "applications",
    "cases",
    "case_events",
    "change_requests",
    "case_origins",
    "application_snapshots",
    "audit_events",
    "idempotency_keys",
];

fn counts(app: &TestApp) -> Vec<i64> {
    let mut conn = app.db.connect();
    TABLES.iter().map(|t| count_rows(&mut conn, t)).collect()
}

#[actix_rt::test]
async fn bad_change_requests_get_problems_and_change_nothing() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let id = draft(&app, &tables_content(&["MFR"], false)).await;
    let still_draft = draft(&app, &tables_content(&["MFR"], false)).await;
    submit_draft(&app, &id, "original").await;
    let etag = etag_of(&app, &owner, &id).await;
    let start = counts(&app);

    let same = json!({"description": "Ingen endring", "content": {
        "dataSources": [{"code": "MFR", "periodFrom": 2010, "periodTo": 2020}]}});
    let r = ask(&app, &id, Some(&etag), "bad-1", &same).await;
    assert_eq!(r.problem(422)["errors"][0]["code"], "NOTHING_CHANGED");
    assert_eq!(r.body["errors"][0]["pointer"], "/content");

    let unknown = json!({"description": "Ny kilde", "content": {
        "dataSources": [{"code": "MFR", "periodFrom": 2010, "periodTo": 2020},
                        {"code": "FINNES_IKKE", "periodFrom": 2010, "periodTo": 2020}]}});
    let r = ask(&app, &id, Some(&etag), "bad-2", &unknown).await;
    assert_eq!(r.problem(422)["errors"][0]["code"], "UNKNOWN_DATA_SOURCE");
    assert_eq!(
        r.body["errors"][0]["pointer"],
        "/content/dataSources/1/code"
    );

    let other_project =
        json!({"description": "Annet formål", "content": {"purpose": "OTHER_RESEARCH"}});
    let r = ask(&app, &id, Some(&etag), "bad-3", &other_project).await;
    assert_eq!(
        r.problem(422)["errors"][0]["code"],
        "CHANGE_NEEDS_NEW_APPLICATION"
    );
    assert_eq!(r.body["errors"][0]["pointer"], "/content/purpose");

    let no_reason = json!({"description": " ", "content": longer()["content"]});
    let r = ask(&app, &id, Some(&etag), "bad-4", &no_reason).await;
    assert_eq!(r.problem(422)["errors"][0]["pointer"], "/description");

    ask(&app, &id, Some("\"v1\""), "bad-5", &longer())
        .await
        .problem(412);
    ask(&app, &id, None, "bad-6", &longer()).await.problem(428);
    let draft_etag = etag_of(&app, &owner, &still_draft).await;
    let r = ask(&app, &still_draft, Some(&draft_etag), "bad-7", &longer()).await;
    assert!(
        r.problem(409)["detail"].as_str().unwrap().contains("PATCH"),
        "{}",
        r.text
    );
    let stranger = app
        .request(
            Method::POST,
            &format!("/api/v1/applications/{id}/change-requests"),
            Some(&token(&app, STRANGER)),
        )
        .header("Idempotency-Key", "bad-8")
        .header("If-Match", &etag)
        .json(&longer());
    app.send(stranger).await.problem(404);

    assert_eq!(counts(&app), start, "{TABLES:?}");
    // the refusal of edits after submission points at change requests
    let patch = app
        .patch_json(
            &format!("/api/v1/applications/{id}"),
            Some(&owner),
            Some(&etag),
            &json!({"comments": "endret"}),
        )
        .await;
    assert!(patch.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("/change-requests"));
    // and the good one still goes through with the same ETag
    let good = ask(&app, &id, Some(&etag), "good", &longer()).await;
    assert_eq!(good.status, 201, "{}", good.text);
    // changes are asked for on the original, not on a change request
    let cr_app = good.body["applicationId"].as_str().unwrap();
    let cr_etag = etag_of(&app, &owner, cr_app).await;
    let r = ask(&app, cr_app, Some(&cr_etag), "on-cr", &longer()).await;
    let detail = r.problem(409)["detail"].as_str().unwrap();
    assert!(
        detail.contains(good.body["originalCaseNumber"].as_str().unwrap()),
        "{detail}"
    );
    // a second on the same read is stale: the original's version moved on
    ask(&app, &id, Some(&etag), "good-2", &longer())
        .await
        .problem(412);
}

#[actix_rt::test]
async fn a_change_request_after_the_original_decision_is_free() {
    let app = TestApp::spawn().await;
    let t0 = received();
    on(&app, t0);
    let owner = token(&app, OWNER);
    let id = draft(&app, &tables_content(&["MFR"], false)).await;
    let original = submit_draft(&app, &id, "original").await;
    complete_and_grant(&app, &original, &["MFR"], plus(t0, 1), plus(t0, 2)).await;
    let etag = etag_of(&app, &owner, &id).await;
    let made = ask(&app, &id, Some(&etag), "change-1", &longer()).await;
    assert_eq!(made.status, 201, "{}", made.text);
    let cr_case = made.body["caseId"].as_str().unwrap().to_owned();
    on(&app, plus(t0, 3));
    case_hours(
        &app,
        &cr_case,
        &json!({"workedOn": plus(t0, 3).to_string(), "hours": "2.00", "note": "Endringen vurdert"}),
    )
    .await;

    let r = party_bases(&app, &handler(&app), &cr_case, "HDS").await;
    let basis = &r.body["current"];
    let exemption = basis["lines"].as_array().unwrap().last().unwrap();
    assert_eq!(exemption["exemptionGround"], "CHANGE_REQUEST", "{}", r.text);
    let reason = exemption["reason"].as_str().unwrap();
    assert!(
        reason.contains(&format!(
            "endring etter opprinnelig vedtak {} i sak {}",
            plus(t0, 2),
            made.body["originalCaseNumber"].as_str().unwrap()
        )),
        "{reason}"
    );
    assert_eq!(basis["totals"]["includingVat"]["ore"], 0, "{}", r.text);
}

#[actix_rt::test]
async fn a_change_request_can_add_a_co_applicant_shown_masked() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let id = draft(&app, &tables_content(&["MFR"], false)).await;
    submit_draft(&app, &id, "original").await;
    let etag = etag_of(&app, &owner, &id).await;
    let bad = json!({"description": "Ny medsøker", "addMembers": ["12345678901", OWNER]});
    let r = ask(&app, &id, Some(&etag), "member-bad", &bad).await;
    let errors = r.problem(422)["errors"].as_array().unwrap().clone();
    assert_eq!(errors[0]["pointer"], "/addMembers/0");
    assert_eq!(errors[0]["code"], "INVALID_NATIONAL_ID");
    assert!(
        !r.text.contains("12345678901"),
        "the number is never echoed"
    );
    let r = ask(
        &app,
        &id,
        Some(&etag),
        "member-owner",
        &json!({"description": "Meg selv", "addMembers": [OWNER]}),
    )
    .await;
    assert_eq!(r.problem(422)["errors"][0]["code"], "ALREADY_MEMBER");

    let good = json!({"description": "Ny medsøker i prosjektet", "addMembers": [MEMBER]});
    let made = ask(&app, &id, Some(&etag), "member-good", &good).await;
    assert_eq!(made.status, 201, "{}", made.text);
    assert_eq!(
        made.body["changes"],
        json!([{"pointer": "/members/0", "new": format!("{}*****", &MEMBER[..6])}])
    );
    assert!(!made.text.contains(MEMBER), "the number is never echoed");
    // every source is concerned by a change of people
    assert_eq!(made.body["dataSources"], json!(["MFR"]));
    let cr_app = made.body["applicationId"].as_str().unwrap();
    let member = token(&app, MEMBER);
    let theirs = app
        .get(&format!("/api/v1/applications/{cr_app}"), Some(&member))
        .await;
    assert_eq!(theirs.status, 200, "{}", theirs.text);
    app.get(&format!("/api/v1/applications/{id}"), Some(&member))
        .await
        .problem(404);
}

/// The statistics (issue 15) count a change request as received, and once
/// more in `changeRequests`; the original application is not one.
#[actix_rt::test]
async fn a_change_request_is_counted_in_the_statistics_as_a_change_request() {
    let app = TestApp::spawn().await;
    let t0 = received();
    on(&app, t0);
    let owner = token(&app, OWNER);
    let id = draft(&app, &tables_content(&["MFR"], false)).await;
    let original = submit_draft(&app, &id, "original").await;
    complete_and_grant(&app, &original, &["MFR"], plus(t0, 1), plus(t0, 2)).await;
    let period = format!(
        "/api/v1/statistics?period={}..{}",
        plus(t0, -1),
        plus(t0, 60)
    );
    let h = handler(&app);
    let before = app.get(&period, Some(&h)).await;
    assert_eq!(before.status, 200, "{}", before.text);
    assert_eq!(before.body["overall"]["received"], 1, "{}", before.text);
    assert_eq!(before.body["overall"]["changeRequests"], 0);

    let etag = etag_of(&app, &owner, &id).await;
    let made = ask(&app, &id, Some(&etag), "change-stats", &longer()).await;
    assert_eq!(made.status, 201, "{}", made.text);
    let after = app.get(&period, Some(&h)).await;
    assert_eq!(after.status, 200, "{}", after.text);
    assert_eq!(after.body["overall"]["received"], 2, "{}", after.text);
    assert_eq!(after.body["overall"]["changeRequests"], 1, "{}", after.text);
}
