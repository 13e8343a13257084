//! The custodian's decision through the case rules; granted sources
//! become data preparation tasks.

use super::*;

#[actix_rt::test]
async fn the_custodian_decides_through_the_same_rules_and_granted_sources_become_preparation_tasks()
{
    let app = TestApp::spawn().await;
    let (_, case_id) = two_custodian_case(&app, "decide", true).await;
    case_command(&app, &case_id, "complete", &json!({})).await;
    let hdir = custodian(&app, HDIR);
    let did = only_task(&app, &hdir).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let detail = read(&app, &hdir, &did).await;
    assert!(detail.body["decision"].is_null());
    assert!(!detail.body["requested"]["variables"]
        .as_array()
        .unwrap()
        .is_empty());

    // before HDS has decided its part the custodian may decide too; first the rules
    let partly = with_terms(
        json!({"outcome": "PARTLY_GRANTED", "legalBasis": ["helseregisterloven § 19 a"], "text": "Delvis innvilget."}),
    );
    let p = act(&app, &hdir, &did, "decision", &partly).await;
    assert_eq!(p.problem(422)["errors"][0]["pointer"], "/grantedVariables");
    let p = act(
        &app,
        &hdir,
        &did,
        "decision",
        &json!({"outcome": "GRANTED", "legalBasis": [], "text": ""}),
    )
    .await;
    assert_eq!(p.problem(422)["errors"].as_array().unwrap().len(), 2);

    case_command(
        &app,
        &case_id,
        "decisions",
        &json!({"decisions": [granted("MFR")]}),
    )
    .await;
    let r = act(&app, &hdir, &did, "decision", &with_terms(json!({"outcome": "GRANTED", "legalBasis": ["helseregisterloven § 19 a"], "conditions": ["Ingen kobling til andre data"], "text": "Innvilget."}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["state"], "DECIDED");
    assert_eq!(r.body["decision"]["decidedBy"], "CUSTODIAN");

    // the case is decided; NPR now has a preparation task for HDIR, MFR one for FHI
    let h = app.token(Role::CaseHandler);
    let case = app.get(&format!("/api/v1/cases/{case_id}"), Some(&h)).await;
    assert_eq!(case.body["status"], "DECIDED");
    let prep = list(&app, &hdir, "?kind=DATA_PREPARATION").await;
    assert_eq!(prep.body["items"][0]["dataSource"]["code"], "NPR");
    assert_eq!(
        only_task(&app, &custodian(&app, FHI)).await["dataSource"]["code"],
        "MFR"
    );
    let types: Vec<String> = feed_types(&app, HDIR).into_iter().map(|(t, _)| t).collect();
    assert_eq!(
        types,
        ["no.helsedata.task.assigned", "no.helsedata.task.assigned", "no.helsedata.task.decided"],
        "the decision task, then (same transaction, trigger first) the new preparation task, then DECIDED"
    );

    // a decided task is closed
    let again = act(
        &app,
        &hdir,
        &did,
        "decision",
        &json!({"outcome": "REFUSED", "legalBasis": ["x"], "text": "y"}),
    )
    .await;
    assert!(again.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("DECIDED"));
}
