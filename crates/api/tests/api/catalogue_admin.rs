//! Admin writes to the catalogue: roles, If-Match, validation with the
//! database unchanged, custodian moves with history, retiring, audit.

use hds_api::auth::Role;
use hds_persistence::test_support::count_rows;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::TestApp;

const TABLES: [&str; 7] = [
    "custodians",
    "data_sources",
    "data_source_purposes",
    "data_source_custodian_history",
    "variables",
    "service_notices",
    "audit_events",
];

fn counts(app: &TestApp) -> Vec<i64> {
    let mut conn = app.db.connect();
    TABLES.iter().map(|t| count_rows(&mut conn, t)).collect()
}

pub fn new_source(code: &str) -> Value {
    json!({
        "code": code,
        "nameNb": "Norsk register for testing",
        "nameEn": "Norwegian Test Registry",
        "kind": "QUALITY_REGISTER",
        "custodian": "HELSE_BERGEN",
        "descriptionNb": "Et kvalitetsregister for hjertesvikt.",
        "descriptionEn": "A quality register for heart failure.",
        "purposes": ["MEDICAL_AND_HEALTH_RESEARCH", "HEALTH_ANALYSIS"],
        "dataKinds": ["ANONYMOUS", "INDIRECTLY_IDENTIFIABLE"],
        "decisionAuthority": "CUSTODIAN",
        "channel": "EXTERNAL_FORM",
        "externalUrl": "https://www.helse-bergen.no/test-register",
        "periodFrom": 2000,
        "periodTo": 2024
    })
}

fn update_of(source: &Value) -> Value {
    let mut body = source.clone();
    let object = body.as_object_mut().unwrap();
    object.insert("custodian".into(), source["custodian"]["code"].clone());
    for key in [
        "code",
        "custodianHistory",
        "version",
        "updatedAt",
        "retiredAt",
    ] {
        object.remove(key);
    }
    body
}

fn pointers(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_rt::test]
async fn writes_need_a_token_and_the_admin_role() {
    let app = TestApp::spawn().await;
    let before = counts(&app);
    let body = new_source("TESTREG");
    let update = update_of(&app.get("/api/v1/data-sources/MFR", None).await.body);
    app.post_json("/api/v1/data-sources", None, &body)
        .await
        .problem(401);
    for role in [Role::Applicant, Role::CaseHandler, Role::Custodian] {
        let token = app.token(role);
        app.post_json("/api/v1/data-sources", Some(&token), &body)
            .await
            .problem(403);
        let custodian = json!({"code": "X", "name": "X", "shortName": "X", "orgnr": "983744516"});
        app.post_json("/api/v1/custodians", Some(&token), &custodian)
            .await
            .problem(403);
        app.put_json(
            "/api/v1/data-sources/MFR",
            Some(&token),
            &update,
            Some("\"v1\""),
        )
        .await
        .problem(403);
        app.post_if_match(
            "/api/v1/data-sources/MFR/retire",
            Some(&token),
            Some("\"v1\""),
        )
        .await
        .problem(403);
        app.post_json(
            "/api/v1/data-sources/MFR/variables/import",
            Some(&token),
            &json!([]),
        )
        .await
        .problem(403);
        let notice = json!({"severity": "INFO", "titleNb": "x", "titleEn": "x",
            "validFrom": "2026-04-25T10:00:00Z", "validTo": "2026-04-25T14:00:00Z"});
        app.post_json("/api/v1/service-notices", Some(&token), &notice)
            .await
            .problem(403);
    }
    app.post_if_match("/api/v1/custodians/FHI/retire", None, Some("\"v1\""))
        .await
        .problem(401);
    assert_eq!(counts(&app), before);
}

#[actix_rt::test]
async fn an_admin_creates_a_data_source_and_the_change_is_audited() {
    let app = TestApp::spawn().await;
    let admin = app.token(Role::Admin);
    let created = app
        .post_json("/api/v1/data-sources", Some(&admin), &new_source("TESTREG"))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.headers["location"], "/api/v1/data-sources/TESTREG");
    assert_eq!(created.body["custodian"]["code"], "HELSE_BERGEN");
    assert_eq!(
        created.body["externalUrl"],
        "https://www.helse-bergen.no/test-register"
    );
    assert_eq!(
        created.body["custodianHistory"][0]["custodian"]["code"],
        "HELSE_BERGEN"
    );
    assert!(created.etag().starts_with("\"v1-"));

    let fetched = app.get("/api/v1/data-sources/TESTREG", None).await;
    assert_eq!(fetched.body, created.body);
    let search = app.get("/api/v1/data-sources?q=hjertesvikt", None).await;
    assert_eq!(
        search.body["items"][0]["code"], "TESTREG",
        "searchable at once: {}",
        search.text
    );

    let mut conn = app.db.connect();
    let events = hds_persistence::audit::history(&mut conn, "data_source", "TESTREG").unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, "DATA_SOURCE_CREATED");
    assert!(
        events[0].actor.starts_with("person:"),
        "{}",
        events[0].actor
    );
    assert!(events[0].before_state.is_none());
    assert_eq!(
        events[0].after_state.as_ref().unwrap()["custodian"],
        "HELSE_BERGEN"
    );
    assert_eq!(
        events[0].request_id.as_deref(),
        created.headers["x-request-id"].to_str().ok()
    );
}

#[actix_rt::test]
async fn updates_need_if_match_and_refuse_a_stale_one() {
    let app = TestApp::spawn().await;
    let admin = app.token(Role::Admin);
    let current = app.get("/api/v1/data-sources/MFR", None).await;
    let etag = current.etag();
    let mut body = update_of(&current.body);
    body["processingNoticeNb"] = json!("Forventet behandlingstid er 3 måneder.");

    let before = counts(&app);
    app.put_json("/api/v1/data-sources/MFR", Some(&admin), &body, None)
        .await
        .problem(428);
    app.put_json(
        "/api/v1/data-sources/MFR",
        Some(&admin),
        &body,
        Some("\"v99\""),
    )
    .await
    .problem(412);
    let bad = app
        .put_json("/api/v1/data-sources/MFR", Some(&admin), &body, Some("v1"))
        .await;
    assert_eq!(bad.problem(400)["errors"][0]["pointer"], "/header/If-Match");
    assert_eq!(counts(&app), before);

    let updated = app
        .put_json("/api/v1/data-sources/MFR", Some(&admin), &body, Some(&etag))
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(
        updated.body["processingNoticeNb"],
        "Forventet behandlingstid er 3 måneder."
    );
    assert_eq!(
        updated.body["version"],
        current.body["version"].as_i64().unwrap() + 1
    );
    // The old ETag is stale now.
    app.put_json("/api/v1/data-sources/MFR", Some(&admin), &body, Some(&etag))
        .await
        .problem(412);
    // A cached copy is revalidated: the old ETag no longer gives 304.
    assert_eq!(
        app.get_with("/api/v1/data-sources/MFR", &[("if-none-match", &etag)])
            .await
            .status,
        200
    );

    // Custodians and variables work the same way.
    let fhi = app.get("/api/v1/custodians/FHI", None).await;
    let mut custodian = json!({
        "name": "Folkehelseinstituttet (FHI)", "shortName": "FHI", "orgnr": "983744516",
        "contactEmail": "datatilgang@fhi.no", "website": "https://www.fhi.no/"
    });
    app.put_json("/api/v1/custodians/FHI", Some(&admin), &custodian, None)
        .await
        .problem(428);
    let ok = app
        .put_json(
            "/api/v1/custodians/FHI",
            Some(&admin),
            &custodian,
            Some(&fhi.etag()),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.body["website"], "https://www.fhi.no/");
    custodian["name"] = json!("FHI again");
    app.put_json(
        "/api/v1/custodians/FHI",
        Some(&admin),
        &custodian,
        Some(&fhi.etag()),
    )
    .await
    .problem(412);
    // The data source shows the custodian's new name: its ETag changed too.
    let mfr = app.get("/api/v1/data-sources/MFR", None).await;
    assert_eq!(mfr.body["custodian"]["code"], "FHI");
    assert_ne!(mfr.etag(), updated.etag());

    let vekt = app
        .get("/api/v1/data-sources/MFR/variables/VEKT", None)
        .await;
    let variable = json!({"labelNb": "Fødselsvekt (gram)", "labelEn": "Birth weight (grams)",
        "valueType": "INTEGER", "periodFrom": 1967});
    app.put_json(
        "/api/v1/data-sources/MFR/variables/VEKT",
        Some(&admin),
        &variable,
        None,
    )
    .await
    .problem(428);
    let ok = app
        .put_json(
            "/api/v1/data-sources/MFR/variables/VEKT",
            Some(&admin),
            &variable,
            Some(&vekt.etag()),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.body["labelNb"], "Fødselsvekt (gram)");
    app.put_json(
        "/api/v1/data-sources/MFR/variables/VEKT",
        Some(&admin),
        &variable,
        Some(&vekt.etag()),
    )
    .await
    .problem(412);
    let mut conn = app.db.connect();
    let events = hds_persistence::audit::history(&mut conn, "variable", "MFR/VEKT").unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].before_state.as_ref().unwrap()["labelNb"],
        "Fødselsvekt"
    );
    assert_eq!(
        events[0].after_state.as_ref().unwrap()["labelNb"],
        "Fødselsvekt (gram)"
    );
}

#[actix_rt::test]
async fn moving_npr_between_custodians_keeps_the_history() {
    let app = TestApp::spawn().await;
    let admin = app.token(Role::Admin);
    // The 2024 reorganisation, replayed: NPR back at Helsedirektoratet, then to FHI.
    for custodian in ["HDIR", "FHI"] {
        let current = app.get("/api/v1/data-sources/NPR", None).await;
        let mut body = update_of(&current.body);
        body["custodian"] = json!(custodian);
        let moved = app
            .put_json(
                "/api/v1/data-sources/NPR",
                Some(&admin),
                &body,
                Some(&current.etag()),
            )
            .await;
        assert_eq!(moved.status, 200, "{}", moved.text);
        assert_eq!(moved.body["custodian"]["code"], custodian);
        let hdir = app.get("/api/v1/custodians/HDIR", None).await;
        let holds = hdir.body["dataSources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["code"] == "NPR");
        assert_eq!(holds, custodian == "HDIR");
    }
    let npr = app.get("/api/v1/data-sources/NPR", None).await;
    let history = npr.body["custodianHistory"].as_array().unwrap();
    let held: Vec<&str> = history
        .iter()
        .map(|p| p["custodian"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(held, ["FHI", "HDIR", "FHI"], "{}", npr.text);
    assert!(history[0]["validTo"].is_string() && history[1]["validTo"].is_string());
    assert!(
        history[2].get("validTo").is_none(),
        "only the current period is open"
    );
    assert_eq!(
        history[0]["validTo"], history[1]["validFrom"],
        "periods meet"
    );
    assert_eq!(history[1]["validTo"], history[2]["validFrom"]);
    let mut conn = app.db.connect();
    let events = hds_persistence::audit::history(&mut conn, "data_source", "NPR").unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["DATA_SOURCE_MOVED", "DATA_SOURCE_MOVED"]);
    assert_eq!(events[0].before_state.as_ref().unwrap()["custodian"], "FHI");
    assert_eq!(events[0].after_state.as_ref().unwrap()["custodian"], "HDIR");
}

#[actix_rt::test]
async fn bad_input_is_a_4xx_naming_the_field_and_the_database_is_unchanged() {
    let app = TestApp::spawn().await;
    let admin = app.token(Role::Admin);
    let before = counts(&app);

    let cases: Vec<(&str, Value, u16, &str, &str)> = vec![
        (
            "unknown custodian",
            json!({"custodian": "NOBODY"}),
            422,
            "/custodian",
            "UNKNOWN_CUSTODIAN",
        ),
        (
            "duplicate code",
            json!({"code": "MFR"}),
            409,
            "/code",
            "DUPLICATE",
        ),
        (
            "unknown purpose",
            json!({"purposes": ["MEDICAL_AND_HEALTH_RESEARCH", "FUN"]}),
            422,
            "/purposes/1",
            "UNKNOWN_PURPOSE",
        ),
        (
            "external channel without url",
            json!({"externalUrl": null}),
            422,
            "/externalUrl",
            "REQUIRED",
        ),
        (
            "external channel with http url",
            json!({"externalUrl": "http://insecure.example.no"}),
            422,
            "/externalUrl",
            "INVALID_URL",
        ),
        (
            "common form with url",
            json!({"channel": "COMMON_FORM"}),
            422,
            "/externalUrl",
            "NOT_ALLOWED",
        ),
        (
            "period order",
            json!({"periodFrom": 2020, "periodTo": 2010}),
            422,
            "/periodFrom",
            "PERIOD_ORDER",
        ),
        (
            "bad code",
            json!({"code": "bad code"}),
            422,
            "/code",
            "INVALID_CODE",
        ),
        (
            "no data kinds",
            json!({"dataKinds": []}),
            422,
            "/dataKinds",
            "REQUIRED",
        ),
        (
            "unknown kind",
            json!({"kind": "REGISTER"}),
            422,
            "/kind",
            "INVALID_TYPE",
        ),
        (
            "empty name",
            json!({"nameNb": "  "}),
            422,
            "/nameNb",
            "REQUIRED",
        ),
    ];
    for (what, change, status, pointer, code) in cases {
        let mut body = new_source("TESTREG");
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        let response = app
            .post_json("/api/v1/data-sources", Some(&admin), &body)
            .await;
        let problem = response.problem(status);
        assert_eq!(
            problem["errors"][0]["pointer"], pointer,
            "{what}: {}",
            response.text
        );
        assert_eq!(problem["errors"][0]["code"], code, "{what}");
        assert_eq!(counts(&app), before, "{what}: database unchanged");
    }

    // Every problem at once.
    let mut body = new_source("TESTREG");
    body["custodian"] = json!("NOBODY");
    body["purposes"] = json!(["FUN"]);
    body["externalUrl"] = json!(null);
    body["periodFrom"] = json!(2030);
    let response = app
        .post_json("/api/v1/data-sources", Some(&admin), &body)
        .await;
    let all = pointers(response.problem(422));
    for pointer in ["/custodian", "/purposes/0", "/externalUrl", "/periodFrom"] {
        assert!(all.contains(&pointer.to_owned()), "{pointer} in {all:?}");
    }

    // The same rules on update, with If-Match; a bad update changes nothing.
    let mfr = app.get("/api/v1/data-sources/MFR", None).await;
    let mut update = update_of(&mfr.body);
    update["custodian"] = json!("NOBODY");
    update["periodTo"] = json!(1900);
    let response = app
        .put_json(
            "/api/v1/data-sources/MFR",
            Some(&admin),
            &update,
            Some(&mfr.etag()),
        )
        .await;
    let all = pointers(response.problem(422));
    assert_eq!(all, ["/periodFrom", "/custodian"]);
    assert_eq!(
        app.get("/api/v1/data-sources/MFR", None).await.body,
        mfr.body
    );

    // Custodians: invalid orgnr, duplicate code, duplicate orgnr.
    let custodian = |code: &str, orgnr: &str| json!({"code": code, "name": "Testforvalter", "shortName": "TF", "orgnr": orgnr});
    let response = app
        .post_json(
            "/api/v1/custodians",
            Some(&admin),
            &custodian("TF", "123456789"),
        )
        .await;
    let problem = response.problem(422);
    assert_eq!(
        (
            problem["errors"][0]["pointer"].as_str(),
            problem["errors"][0]["code"].as_str()
        ),
        (Some("/orgnr"), Some("INVALID_ORGNR"))
    );
    let response = app
        .post_json(
            "/api/v1/custodians",
            Some(&admin),
            &custodian("FHI", "974761122"),
        )
        .await;
    let problem = response.problem(409);
    assert_eq!(pointers(problem), ["/code", "/orgnr"]);
    let response = app
        .post_json(
            "/api/v1/custodians",
            Some(&admin),
            &custodian("TF", "983744516"),
        )
        .await;
    assert_eq!(pointers(response.problem(409)), ["/orgnr"]);
    let mut bad = custodian("TF", "983744516");
    bad["website"] = json!("ftp://x");
    bad["contactEmail"] = json!("nope");
    let response = app
        .post_json("/api/v1/custodians", Some(&admin), &bad)
        .await;
    assert_eq!(
        pointers(response.problem(422)),
        ["/contactEmail", "/website", "/orgnr"]
    );

    // Variables: duplicate name, CODE without a code list, period order.
    let response = app
        .post_json(
            "/api/v1/data-sources/MFR/variables",
            Some(&admin),
            &json!({"name": "VEKT", "labelNb": "x", "labelEn": "x", "valueType": "INTEGER"}),
        )
        .await;
    assert_eq!(pointers(response.problem(409)), ["/name"]);
    let response = app
        .post_json("/api/v1/data-sources/MFR/variables", Some(&admin),
            &json!({"name": "DIAG", "labelNb": "x", "labelEn": "x", "valueType": "CODE", "periodFrom": 2000, "periodTo": 1999}))
        .await;
    assert_eq!(
        pointers(response.problem(422)),
        ["/codeList", "/periodFrom"]
    );
    // `import` would be the path of the import action, not of the variable
    let response = app
        .post_json(
            "/api/v1/data-sources/MFR/variables",
            Some(&admin),
            &json!({"name": "import", "labelNb": "x", "labelEn": "x", "valueType": "TEXT"}),
        )
        .await;
    let problem = response.problem(422);
    assert_eq!(pointers(problem), ["/name"]);
    assert_eq!(problem["errors"][0]["code"], "RESERVED_NAME");
    let response = app
        .post_json(
            "/api/v1/data-sources/NOPE/variables",
            Some(&admin),
            &json!({"name": "DIAG", "labelNb": "x", "labelEn": "x", "valueType": "TEXT"}),
        )
        .await;
    response.problem(404);

    // Service notices: the window must be ordered.
    let response = app
        .post_json("/api/v1/service-notices", Some(&admin), &json!({"severity": "INFO", "titleNb": "Nedetid",
            "titleEn": "Downtime", "validFrom": "2026-04-25T16:00:00+02:00", "validTo": "2026-04-25T12:00:00+02:00"}))
        .await;
    assert_eq!(pointers(response.problem(422)), ["/validFrom"]);

    assert_eq!(counts(&app), before, "no bad request changed anything");
}

#[actix_rt::test]
async fn retired_entries_leave_the_lists_but_stay_fetchable() {
    let app = TestApp::spawn().await;
    let admin = app.token(Role::Admin);
    let hunt = app.get("/api/v1/data-sources/HUNT", None).await;
    app.post_if_match("/api/v1/data-sources/HUNT/retire", Some(&admin), None)
        .await
        .problem(428);
    app.post_if_match(
        "/api/v1/data-sources/HUNT/retire",
        Some(&admin),
        Some("\"v42\""),
    )
    .await
    .problem(412);
    let retired = app
        .post_if_match(
            "/api/v1/data-sources/HUNT/retire",
            Some(&admin),
            Some(&hunt.etag()),
        )
        .await;
    assert_eq!(retired.status, 200, "{}", retired.text);
    assert!(retired.body["retiredAt"].is_string());

    let list = app.get("/api/v1/data-sources?custodian=NTNU", None).await;
    assert!(list.body["items"].as_array().unwrap().is_empty());
    let list = app
        .get(
            "/api/v1/data-sources?custodian=NTNU&includeRetired=true",
            None,
        )
        .await;
    assert_eq!(list.body["items"][0]["code"], "HUNT");
    let fetched = app.get("/api/v1/data-sources/HUNT", None).await;
    assert_eq!(fetched.status, 200);
    assert!(fetched.body["retiredAt"].is_string());
    assert_eq!(
        count_rows(&mut app.db.connect(), "data_sources"),
        17,
        "never deleted"
    );

    // A custodian with current sources cannot be retired; one without can.
    let fhi = app.get("/api/v1/custodians/FHI", None).await;
    let response = app
        .post_if_match(
            "/api/v1/custodians/FHI/retire",
            Some(&admin),
            Some(&fhi.etag()),
        )
        .await;
    assert_eq!(
        response.problem(409)["errors"][0]["code"],
        "HOLDS_DATA_SOURCES"
    );
    let ntnu = app.get("/api/v1/custodians/NTNU", None).await;
    assert!(ntnu.body["dataSources"].as_array().unwrap().is_empty());
    let response = app
        .post_if_match(
            "/api/v1/custodians/NTNU/retire",
            Some(&admin),
            Some(&ntnu.etag()),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    let codes: Vec<String> = app.get("/api/v1/custodians", None).await.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_owned())
        .collect();
    assert!(!codes.contains(&"NTNU".to_owned()));
    // A source cannot move to a retired custodian.
    let nrl = app.get("/api/v1/data-sources/NRL", None).await;
    let mut body = update_of(&nrl.body);
    body["custodian"] = json!("NTNU");
    let response = app
        .put_json(
            "/api/v1/data-sources/NRL",
            Some(&admin),
            &body,
            Some(&nrl.etag()),
        )
        .await;
    assert_eq!(
        response.problem(422)["errors"][0]["code"],
        "RETIRED_CUSTODIAN"
    );

    // Variables.
    let vekt = app
        .get("/api/v1/data-sources/MFR/variables/VEKT", None)
        .await;
    let response = app
        .post_if_match(
            "/api/v1/data-sources/MFR/variables/VEKT/retire",
            Some(&admin),
            Some(&vekt.etag()),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    let list = app
        .get("/api/v1/data-sources/MFR/variables?limit=500", None)
        .await;
    assert!(list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v["name"] != "VEKT"));
    let list = app
        .get(
            "/api/v1/data-sources/MFR/variables?limit=500&includeRetired=true",
            None,
        )
        .await;
    assert!(list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["name"] == "VEKT"));
    assert_eq!(
        app.get("/api/v1/data-sources/MFR/variables/VEKT", None)
            .await
            .status,
        200
    );
}

#[actix_rt::test]
async fn an_admin_creates_a_custodian_and_a_variable() {
    let app = TestApp::spawn().await;
    let admin = app.token(Role::Admin);
    let created = app
        .post_json(
            "/api/v1/custodians",
            Some(&admin),
            &json!({"code": "KREFTREG", "name": "Kreftregisteret",
            "shortName": "KRG", "orgnr": "974761211", "website": "https://www.kreftregisteret.no"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.headers["location"], "/api/v1/custodians/KREFTREG");
    assert_eq!(created.body["dataSources"], json!([]));

    let variable = app
        .post_json(
            "/api/v1/data-sources/MFR/variables",
            Some(&admin),
            &json!({"name": "APGAR5",
            "labelNb": "Apgar-skår etter 5 minutter", "labelEn": "Apgar score at 5 minutes",
            "valueType": "INTEGER", "periodFrom": 1967, "sensitive": true}),
        )
        .await;
    assert_eq!(variable.status, 201, "{}", variable.text);
    assert_eq!(
        variable.headers["location"],
        "/api/v1/data-sources/MFR/variables/APGAR5"
    );
    assert_eq!(variable.body["dataSource"]["code"], "MFR");
    let found = app.get("/api/v1/variables?q=apgar", None).await;
    assert_eq!(found.body["items"][0]["name"], "APGAR5");
    let mut conn = app.db.connect();
    let events = hds_persistence::audit::history(&mut conn, "custodian", "KREFTREG").unwrap();
    assert_eq!(events[0].action, "CUSTODIAN_CREATED");
    let events = hds_persistence::audit::history(&mut conn, "variable", "MFR/APGAR5").unwrap();
    assert_eq!(events[0].action, "VARIABLE_CREATED");
    // Unknown methods are still 405 with Allow.
    let response = app
        .json_with(
            Method::DELETE,
            "/api/v1/data-sources/MFR",
            Some(&admin),
            None,
            &[],
        )
        .await;
    response.problem(405);
}

/// The list keeps its last answer to a query with the rows it was made from
/// (`http::memo`): a change is still seen by the very next request.
#[actix_rt::test]
async fn a_list_answered_before_shows_a_change_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.token(Role::Admin);
    let path = "/api/v1/data-sources?custodian=NTNU&limit=7";
    let first = app.get(path, None).await;
    assert_eq!(first.body["items"][0]["code"], "HUNT");
    let again = app.get(path, None).await;
    assert_eq!(again.text, first.text);
    assert_eq!(again.etag(), first.etag());

    let hunt = app.get("/api/v1/data-sources/HUNT", None).await;
    let retired = app
        .post_if_match(
            "/api/v1/data-sources/HUNT/retire",
            Some(&admin),
            Some(&hunt.etag()),
        )
        .await;
    assert_eq!(retired.status, 200, "{}", retired.text);

    let after = app.get(path, None).await;
    assert!(
        after.body["items"].as_array().unwrap().is_empty(),
        "{}",
        after.text
    );
    assert_ne!(after.etag(), first.etag());
}
