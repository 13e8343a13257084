//! Every source can be applied for (issue 12): a source without catalogued
//! variables with the data described in words, anonymous tables from a
//! private person without an institution; and 30 or 60 working days by the
//! application's linkage plan, not by how many sources it asks for.

use serde_json::{json, Value};

use crate::applications::{
    anonymous_content, create, etag_of, identifiable_content, submit, token, upload, OWNER, PDF,
};
use crate::journey::{calendar, case_command, set_day, today};
use crate::support::{Response, TestApp};

async fn check(app: &TestApp, tok: &str, id: &str) -> Value {
    let r = app
        .get(&format!("/api/v1/applications/{id}/check"), Some(tok))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

async fn attach(app: &TestApp, tok: &str, id: &str, kinds: &[&str]) {
    for kind in kinds {
        let r = upload(app, tok, id, kind, "Vedlegg", "vedlegg.pdf", PDF).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
}

async fn submit_now(app: &TestApp, tok: &str, id: &str, key: &str) -> Response {
    let etag = etag_of(app, tok, id).await;
    submit(app, tok, id, &etag, key).await
}

/// An application for the 40-year surveys (FORTIAAR): no catalogued
/// variables, so the data are described in words.
fn fortiaar(description: Option<&str>) -> Value {
    let mut content = identifiable_content();
    let mut source = json!({"code": "FORTIAAR", "periodFrom": 1985, "periodTo": 1999});
    if let Some(d) = description {
        source["dataDescription"] = json!(d);
    }
    content["dataSources"] = json!([source]);
    content["linkage"] = Value::Null;
    content
}

#[actix_rt::test]
async fn a_source_without_variables_is_applied_for_with_the_data_described_in_words() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let (id, _) = create(&app, &owner, &fortiaar(None)).await;
    attach(&app, &owner, &id, &["PROJECT_DESCRIPTION", "REK_DECISION"]).await;
    let c = check(&app, &owner, &id).await;
    assert_eq!(c["complete"], false);
    let codes: Vec<(&str, &str)> = c["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["pointer"].as_str().unwrap(), p["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        vec![("/dataSources/0/dataDescription", "DATA_DESCRIPTION_MISSING")]
    );
    assert_eq!(
        submit_now(&app, &owner, &id, "fortiaar-1").await.status,
        422
    );

    let description = "Blodtrykk, kolesterol, røykevaner og kroppsmasseindeks ved undersøkelsen.";
    let etag = etag_of(&app, &owner, &id).await;
    let r = app
        .patch_json(
            &format!("/api/v1/applications/{id}"),
            Some(&owner),
            Some(&etag),
            &json!({"dataSources": fortiaar(Some(description))["dataSources"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let c = check(&app, &owner, &id).await;
    assert_eq!(c["complete"], true, "{c}");
    let r = submit_now(&app, &owner, &id, "fortiaar-2").await;
    assert_eq!(r.status, 201, "{}", r.text);
    // the description reaches the case (and FHI, which decides FORTIAAR)
    let case_id = r.body["id"].as_str().unwrap();
    let file = crate::journey::case_file(&app, case_id).await;
    assert_eq!(
        file["sources"][0]["requested"]["dataDescription"],
        description
    );
}

#[actix_rt::test]
async fn a_private_person_applies_for_anonymous_tables_without_an_institution() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let mut content = anonymous_content();
    content["responsibility"] =
        json!({"projectLeader": {"name": "Ola Nordmann", "email": "ola@example.no"}});
    let (id, _) = create(&app, &owner, &content).await;
    attach(&app, &owner, &id, &["PROJECT_DESCRIPTION"]).await;
    let c = check(&app, &owner, &id).await;
    assert_eq!(c["complete"], true, "{c}");
    let r = submit_now(&app, &owner, &id, "private-person").await;
    assert_eq!(r.status, 201, "{}", r.text);

    // identifiable data still need an institution
    let mut content = identifiable_content();
    content["responsibility"] =
        json!({"projectLeader": {"name": "Ola Nordmann", "email": "ola@example.no"}});
    let (id, _) = create(&app, &owner, &content).await;
    let c = check(&app, &owner, &id).await;
    let pointers: Vec<&str> = c["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pointer"].as_str().unwrap())
        .collect();
    assert!(
        pointers.contains(&"/responsibility/institutionOrgnr"),
        "{c}"
    );
}

/// The statutory deadline a case gets when completed today.
async fn deadline_for(app: &TestApp, content: &Value, key: &str) -> (String, String) {
    let owner = token(app, OWNER);
    let (id, _) = create(app, &owner, content).await;
    attach(app, &owner, &id, &["PROJECT_DESCRIPTION", "REK_DECISION"]).await;
    let r = submit_now(app, &owner, &id, key).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let case_id = r.body["id"].as_str().unwrap().to_owned();
    let c = case_command(app, &case_id, "complete", &json!({})).await;
    (
        c["linkage"].as_str().unwrap().to_owned(),
        c["statutoryDeadline"].as_str().unwrap().to_owned(),
    )
}

#[actix_rt::test]
async fn thirty_or_sixty_working_days_follow_the_linkage_plan_not_the_number_of_sources() {
    let app = TestApp::spawn().await;
    let cal = calendar(&app);
    let start = today();
    set_day(&app, start);
    let thirty = cal.add_working_days(start, 30).to_string();
    let sixty = cal.add_working_days(start, 60).to_string();

    // two registers, delivered separately (no linkage plan): 30
    let mut separate = identifiable_content();
    separate["linkage"] =
        json!({"description": "MFR og NPR analyseres hver for seg; de kobles ikke."});
    assert_eq!(
        deadline_for(&app, &separate, "linkage-separate").await,
        ("SINGLE_SOURCE".to_owned(), thirty)
    );
    // the same two registers linked: 60
    assert_eq!(
        deadline_for(&app, &identifiable_content(), "linkage-linked").await,
        (
            "IDENTIFIABLE_DATA_FROM_SEVERAL_REGISTERS".to_owned(),
            sixty.clone()
        )
    );
    // one register linked with another register's data the project holds: 60
    let mut one = identifiable_content();
    one["dataSources"] =
        json!([{"code": "MFR", "variables": ["VEKT"], "periodFrom": 2000, "periodTo": 2015}]);
    one["linkage"] = json!({"description": "MFR kobles med dødsårsaker prosjektet allerede har.",
        "linkedSources": ["MFR"], "otherRegisters": ["Dødsårsaksregisteret (utlevert 2024)"]});
    assert_eq!(
        deadline_for(&app, &one, "linkage-other").await,
        ("IDENTIFIABLE_DATA_FROM_SEVERAL_REGISTERS".to_owned(), sixty)
    );
    // a plan that names a source not applied for is refused by the check
    let owner = token(&app, OWNER);
    let mut bad = identifiable_content();
    bad["linkage"]["linkedSources"] = json!(["MFR", "KPR"]);
    let (id, _) = create(&app, &owner, &bad).await;
    let c = check(&app, &owner, &id).await;
    let problem = c["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "LINKED_SOURCE_NOT_REQUESTED")
        .unwrap_or_else(|| panic!("{c}"));
    assert_eq!(problem["pointer"], "/linkage/linkedSources/1");
}
