//! What a change of the case does to its tasks: a withdrawal cancels the
//! open ones, a reversal on appeal changes a grant; the custodian is told.

use super::*;

#[actix_rt::test]
async fn withdrawal_cancels_the_open_tasks_and_tells_the_custodian() {
    let app = TestApp::spawn().await;
    let (app_id, case_id) = two_custodian_case(&app, "withdraw", true).await;
    case_command(&app, &case_id, "complete", &json!({})).await;
    let hdir = custodian(&app, HDIR);
    let did = only_task(&app, &hdir).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = list(&app, &hdir, "").await.header("etag").to_owned();
    let owner = token(&app, OWNER);
    let case = app
        .get(&format!("/api/v1/applications/{app_id}/case"), Some(&owner))
        .await;
    let r = app
        .send(
            app.request(
                Method::POST,
                &format!("/api/v1/applications/{app_id}/withdraw"),
                Some(&owner),
            )
            .header("If-Match", case.header("etag")),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let poll = app
        .send(
            app.request(Method::GET, "/api/v1/tasks", Some(&hdir))
                .header("If-None-Match", &before),
        )
        .await;
    assert_eq!(
        poll.status, 200,
        "a change made by case handling changes the poll too"
    );
    // cancelled by the trigger cases_withdrawn_cancel_tasks (no code does it)
    let task = read(&app, &hdir, &did).await;
    assert_eq!(task.body["state"], "CANCELLED");
    assert_eq!(task.body["caseStatus"], "WITHDRAWN");
    assert_eq!(task.body["stateReason"], "the application was withdrawn");
    assert!(feed_types(&app, HDIR)
        .iter()
        .any(|(t, i)| t == "no.helsedata.task.cancelled" && *i == did));
    let p = act(&app, &hdir, &did, "acknowledge", &json!({})).await;
    assert!(p.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("CANCELLED"));
}

#[actix_rt::test]
async fn a_reversal_on_appeal_that_changes_a_grant_changes_the_task_and_tells_its_custodian() {
    let app = TestApp::spawn().await;
    let (app_id, case_id) = two_custodian_case(&app, "reversal", false).await;
    case_command(&app, &case_id, "complete", &json!({})).await;
    let partly = with_terms(json!({"dataSource": "NPR", "outcome": "PARTLY_GRANTED",
        "legalBasis": ["helseregisterloven § 19 a"], "text": "Delvis innvilget.",
        "grantedVariables": ["INNDATO"]}));
    case_command(
        &app,
        &case_id,
        "decisions",
        &json!({"decisions": [granted("MFR"), partly]}),
    )
    .await;
    let (fhi, hdir) = (custodian(&app, FHI), custodian(&app, HDIR));
    let npr = only_task(&app, &hdir).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mfr = only_task(&app, &fhi).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        act(&app, &hdir, &npr, "acknowledge", &json!({}))
            .await
            .status,
        200
    );

    // the applicant appeals the partial grant; HDS reverses: NPR fully granted, MFR as before
    let owner = token(&app, OWNER);
    let case = app
        .get(&format!("/api/v1/applications/{app_id}/case"), Some(&owner))
        .await;
    let r = app
        .send(
            app.request(
                Method::POST,
                &format!("/api/v1/applications/{app_id}/case/appeal"),
                Some(&owner),
            )
            .header("If-Match", case.header("etag"))
            .json(&json!({"grounds": "Vi trenger diagnosene."})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    case_command(
        &app,
        &case_id,
        "appeal/reconsideration",
        &json!({"result": "REVERSED", "decisions": [granted("MFR"), granted("NPR")], "reason": "Omgjort."}),
    )
    .await;

    let task = read(&app, &hdir, &npr).await;
    assert_eq!(task.body["decision"]["outcome"], "GRANTED");
    assert!(
        task.header("etag").starts_with("\"v3-"),
        "acknowledged (v2), then the decision changed"
    );
    assert_eq!(task.body["state"], "ACKNOWLEDGED");
    assert!(feed_types(&app, HDIR)
        .iter()
        .any(|(t, i)| t == "no.helsedata.task.decision_changed" && *i == npr));
    // MFR's grant did not change: neither did its task
    assert!(read(&app, &fhi, &mfr)
        .await
        .header("etag")
        .starts_with("\"v1-"));
    assert!(!feed_types(&app, FHI)
        .iter()
        .any(|(t, _)| t == "no.helsedata.task.decision_changed"));
}
