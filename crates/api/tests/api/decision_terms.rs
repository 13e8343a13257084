//! Complete decisions (issue 12): a grant of identifiable data states the
//! period the access is valid for, deletion or return by a date, and the
//! decision on exemption from confidentiality; anonymous tables are decided
//! one by one. What is missing or contradictory is a 422 naming the place,
//! and writes nothing; what is decided is stored, read back, and printed in
//! the decision letter.

use serde_json::{json, Value};

use crate::applications::{anonymous_content, create, etag_of, submit, token, upload, OWNER, PDF};
use crate::journey::{
    case_command, case_file, custodian, identifiable_case, read_task, rows, task_of,
    try_case_command, FHI,
};
use crate::support::{grant_terms, TestApp};

/// Counts of what a refused decision must not change.
fn written(app: &TestApp) -> Vec<i64> {
    [
        "case_events",
        "audit_events",
        "case_decisions",
        "case_decision_tables",
        "custodian_tasks",
    ]
    .iter()
    .map(|t| rows(app, t))
    .collect()
}

/// The problems' (pointer, code) pairs, sorted.
fn problems(body: &Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["pointer"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    found.sort();
    found
}

fn pair(pointer: &str, code: &str) -> (String, String) {
    (pointer.to_owned(), code.to_owned())
}

#[actix_rt::test]
async fn a_grant_of_identifiable_data_states_its_period_disposal_and_exemption() {
    let app = TestApp::spawn().await;
    let (_, case_id) = identifiable_case(&app, "terms-identifiable").await;
    case_command(&app, &case_id, "complete", &json!({})).await;
    let bare = json!({"dataSource": "MFR", "outcome": "GRANTED",
        "legalBasis": ["helseregisterloven § 19 a"], "text": "Innvilget."});
    let with = |extra: Value| {
        let mut d = bare.clone();
        for (k, v) in extra.as_object().unwrap() {
            d[k] = v.clone();
        }
        json!({"decisions": [d, crate::journey::granted("NPR")]})
    };

    // nothing beside the outcome: every term is asked for, nothing written
    let before = written(&app);
    let r = try_case_command(&app, &case_id, "decisions", &with(json!({}))).await;
    assert_eq!(
        problems(r.problem(422)),
        vec![
            pair("/decisions/0/accessFrom", "REQUIRED"),
            pair("/decisions/0/accessTo", "REQUIRED"),
            pair(
                "/decisions/0/confidentialityExemption",
                "EXEMPTION_REQUIRED"
            ),
            pair("/decisions/0/disposal", "REQUIRED"),
            pair("/decisions/0/disposeBy", "REQUIRED"),
        ]
    );
    // deleted before the access ends, and the exemption refused with a grant
    let mut terms = grant_terms();
    terms["disposeBy"] = json!("2099-06-30");
    terms["confidentialityExemption"]["granted"] = json!(false);
    let r = try_case_command(&app, &case_id, "decisions", &with(terms)).await;
    assert_eq!(
        problems(r.problem(422)),
        vec![
            pair(
                "/decisions/0/confidentialityExemption/granted",
                "EXEMPTION_REFUSED"
            ),
            pair("/decisions/0/disposeBy", "BEFORE_ACCESS_ENDS"),
        ]
    );
    // a refusal grants no period
    let r = try_case_command(
        &app,
        &case_id,
        "decisions",
        &json!({"decisions": [{"dataSource": "MFR", "outcome": "REFUSED",
            "legalBasis": ["helseregisterloven § 19 a"], "text": "Avslått.",
            "accessFrom": "2099-01-01"}, crate::journey::granted("NPR")]}),
    )
    .await;
    assert_eq!(
        problems(r.problem(422)),
        vec![pair("/decisions/0/accessFrom", "ONLY_FOR_GRANT")]
    );
    assert_eq!(written(&app), before, "refused decisions write nothing");

    // complete: stored and read back
    let mut terms = grant_terms();
    terms["disposal"] = json!("RETURN");
    terms["confidentialityExemption"]["conditions"] =
        json!(["Opplysningene brukes bare i prosjektet."]);
    let c = case_command(&app, &case_id, "decisions", &with(terms)).await;
    assert_eq!(c["status"], "DECIDED");
    let c = case_file(&app, &case_id).await;
    let mfr = &c["decisions"][0];
    assert_eq!(mfr["dataSource"], "MFR");
    assert_eq!(mfr["accessFrom"], "2099-01-01");
    assert_eq!(mfr["accessTo"], "2099-12-31");
    assert_eq!(mfr["disposal"], "RETURN");
    assert_eq!(mfr["disposeBy"], "2100-06-30");
    assert_eq!(mfr["confidentialityExemption"]["granted"], true);
    assert_eq!(
        mfr["confidentialityExemption"]["legalBasis"],
        json!(["helseregisterloven § 19 e"])
    );
    assert_eq!(
        mfr["confidentialityExemption"]["conditions"],
        json!(["Opplysningene brukes bare i prosjektet."])
    );
}

/// An anonymous application for two tables from MFR and one from NPR,
/// submitted and complete: (application id, case id).
async fn two_tables_case(app: &TestApp) -> (String, String) {
    let owner = token(app, OWNER);
    let mut content = anonymous_content();
    let mut second = content["tableSpecifications"][0].clone();
    second["title"] = json!("Fødselsvekt etter kommune");
    let tables = content["tableSpecifications"].as_array_mut().unwrap();
    tables.push(second);
    tables.push(
        json!({"title": "Innleggelser etter kjønn", "dataSource": "NPR",
        "variables": [{"name": "KJONN", "categories": ["mann", "kvinne"]}]}),
    );
    content["dataSources"]
        .as_array_mut()
        .unwrap()
        .push(json!({"code": "NPR", "periodFrom": 2010, "periodTo": 2020}));
    let (id, _) = create(app, &owner, &content).await;
    let r = upload(
        app,
        &owner,
        &id,
        "PROJECT_DESCRIPTION",
        "Prosjektbeskrivelse",
        "prosjekt.pdf",
        PDF,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let etag = etag_of(app, &owner, &id).await;
    let r = submit(app, &owner, &id, &etag, "terms-tables").await;
    assert_eq!(r.status, 201, "{}", r.text);
    let case_id = r.body["id"].as_str().unwrap().to_owned();
    case_command(app, &case_id, "complete", &json!({})).await;
    (id, case_id)
}

#[actix_rt::test]
async fn anonymous_tables_are_decided_one_by_one_and_the_letter_says_which() {
    let app = TestApp::spawn().await;
    let (app_id, case_id) = two_tables_case(&app).await;
    let decision = |outcome: &str, tables: Value, extra: Value| {
        let mut d = json!({"dataSource": "MFR", "outcome": outcome,
            "legalBasis": ["helseregisterloven § 19 a"], "text": "Tabellene vurdert enkeltvis.",
            "tables": tables});
        for (k, v) in extra.as_object().unwrap() {
            d[k] = v.clone();
        }
        // NPR's one table granted with the source
        let npr = json!({"dataSource": "NPR", "outcome": "GRANTED",
            "legalBasis": ["helseregisterloven § 19 a"], "text": "Innvilget."});
        json!({"decisions": [d, npr]})
    };
    let refused_reason = "Små celler i kommuner med få fødsler kan røpe enkeltpersoner.";

    // refused, nothing written: a table that does not exist, one left out,
    // a refused table without a reason, a partial grant that grants all,
    // an exemption for anonymous data
    let before = written(&app);
    let r = try_case_command(
        &app,
        &case_id,
        "decisions",
        &decision(
            "PARTLY_GRANTED",
            json!([{"table": 0, "outcome": "GRANTED"}, {"table": 7, "outcome": "REFUSED"}]),
            json!({}),
        ),
    )
    .await;
    assert_eq!(
        problems(r.problem(422)),
        vec![
            pair("/decisions/0/tables", "TABLE_UNDECIDED"),
            pair("/decisions/0/tables/1/reason", "REQUIRED"),
            pair("/decisions/0/tables/1/table", "UNKNOWN_TABLE"),
        ]
    );
    let r = try_case_command(
        &app,
        &case_id,
        "decisions",
        &decision(
            "PARTLY_GRANTED",
            json!([{"table": 0, "outcome": "GRANTED"}, {"table": 1, "outcome": "GRANTED"}]),
            json!({"confidentialityExemption": {"granted": true, "legalBasis": ["helseregisterloven § 19 e"]}}),
        ),
    )
    .await;
    assert_eq!(
        problems(r.problem(422)),
        vec![
            pair(
                "/decisions/0/confidentialityExemption",
                "EXEMPTION_NOT_APPLICABLE"
            ),
            pair("/decisions/0/tables", "CONTRADICTS_OUTCOME"),
        ]
    );
    let r = try_case_command(
        &app,
        &case_id,
        "decisions",
        &decision(
            "GRANTED",
            json!([{"table": 0, "outcome": "GRANTED"}, {"table": 1, "outcome": "REFUSED", "reason": refused_reason}]),
            json!({}),
        ),
    )
    .await;
    assert_eq!(
        problems(r.problem(422)),
        vec![pair("/decisions/0/tables/1/outcome", "CONTRADICTS_OUTCOME")]
    );
    assert_eq!(written(&app), before, "refused decisions write nothing");

    // the first table granted, the second refused with its reason
    let tables = json!([{"table": 0, "outcome": "GRANTED"},
        {"table": 1, "outcome": "REFUSED", "reason": refused_reason}]);
    let c = case_command(
        &app,
        &case_id,
        "decisions",
        &decision("PARTLY_GRANTED", tables.clone(), json!({})),
    )
    .await;
    assert_eq!(c["status"], "DECIDED");
    assert_eq!(
        rows(&app, "case_decision_tables"),
        before[3] + 2,
        "one row per table"
    );
    let c = case_file(&app, &case_id).await;
    assert_eq!(c["decisions"][0]["outcome"], "PARTLY_GRANTED");
    assert_eq!(c["decisions"][0]["tables"], tables);
    assert!(c["decisions"][0]["accessFrom"].is_null());

    // FHI prepares MFR: its task shows the tables asked for and each one's outcome
    let fhi = custodian(&app, FHI);
    let task = task_of(&app, &fhi, "MFR", "DATA_PREPARATION").await;
    let t = read_task(&app, &fhi, &task).await;
    assert_eq!(t.status, 200, "{}", t.text);
    let titles: Vec<&str> = t.body["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["Fødselsvekt etter kjønn og år", "Fødselsvekt etter kommune"]
    );
    assert_eq!(t.body["tables"][1]["table"], 1);
    assert_eq!(t.body["tables"][0]["variables"][1]["name"], "KJONN");
    assert_eq!(t.body["decision"]["tables"], tables);
    assert!(!t.text.contains("Innleggelser"), "nothing of NPR's table");
    // and NPR's task only NPR's table, by its index in the application
    let npr = task_of(&app, &fhi, "NPR", "DATA_PREPARATION").await;
    let t = read_task(&app, &fhi, &npr).await;
    assert_eq!(t.body["tables"].as_array().unwrap().len(), 1, "{}", t.text);
    assert_eq!(t.body["tables"][0]["table"], 2);
    assert_eq!(t.body["tables"][0]["title"], "Innleggelser etter kjønn");
    for mfr_only in ["etter kjønn og år", "etter kommune", "VEKT"] {
        assert!(!t.text.contains(mfr_only), "{mfr_only} in {}", t.text);
    }

    // the letter names each table with its outcome and the reason
    let owner = token(&app, OWNER);
    let r = app
        .get(
            &format!("/api/v1/applications/{app_id}/case/decision-letter?lang=nb"),
            Some(&owner),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let doc = lopdf::Document::load_mem(&r.bytes).expect("a PDF lopdf can read");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).expect("text");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "Tabell 1 «Fødselsvekt etter kjønn og år»: innvilget",
        &format!("Tabell 2 «Fødselsvekt etter kommune»: avslått ({refused_reason})"),
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}
