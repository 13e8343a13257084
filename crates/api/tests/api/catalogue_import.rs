//! Bulk import of variables (all or nothing, every bad row reported) and
//! service notices (driftsmeldinger).

use hds_api::auth::Role;
use hds_persistence::test_support::count_rows;
use serde_json::{json, Value};

use crate::support::TestApp;

fn rows(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({
                "name": format!("TESTVAR_{i:05}"),
                "labelNb": format!("Testvariabel {i}"),
                "labelEn": format!("Test variable {i}"),
                "descriptionNb": "Laget av importtesten.",
                "valueType": if i % 2 == 0 { "INTEGER" } else { "CODE" },
                "codeList": if i % 2 == 0 { Value::Null } else { json!("ICD-10") },
                "periodFrom": 2008,
                "sensitive": i % 3 == 0
            })
        })
        .collect()
}

fn audit_and_variables(app: &TestApp) -> (i64, i64) {
    let mut conn = app.db.connect();
    (
        count_rows(&mut conn, "variables"),
        count_rows(&mut conn, "audit_events"),
    )
}

#[actix_rt::test]
async fn an_import_with_bad_rows_among_thousands_reports_every_one_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.token(Role::Admin);
    let before = audit_and_variables(&app);
    let path = "/api/v1/data-sources/NPR/variables/import";

    let mut bad = rows(3000);
    bad[3]["valueType"] = json!("STRING");
    bad[1500].as_object_mut().unwrap().remove("labelNb");
    bad[2000]["periodTo"] = json!(1990);
    bad[2500]["name"] = json!("TESTVAR_00007");
    bad[2999]["name"] = json!("not a name");
    bad[42]["extra"] = json!(1);
    let response = app.post_json(path, Some(&admin), &Value::Array(bad)).await;
    let problem = response.problem(422);
    let found: Vec<(String, String)> = problem["errors"]
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
    let expected = [
        ("/3/valueType", "INVALID_TYPE"),
        ("/42/extra", "UNKNOWN_FIELD"),
        ("/1500/labelNb", "REQUIRED"),
        ("/2000/periodFrom", "PERIOD_ORDER"),
        ("/2500/name", "DUPLICATE"),
        ("/2999/name", "INVALID_NAME"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(p, c)| ((*p).to_owned(), (*c).to_owned()))
        .collect();
    assert_eq!(found, expected, "{}", response.text);
    assert_eq!(audit_and_variables(&app), before, "nothing written");

    // Fixed: all 3000 rows in one go.
    let good = rows(3000);
    let response = app
        .post_json(path, Some(&admin), &Value::Array(good.clone()))
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(
        response.body,
        json!({"rows": 3000, "created": 3000, "updated": 0, "unchanged": 0})
    );
    let (variables, audit) = audit_and_variables(&app);
    assert_eq!(variables, before.0 + 3000);
    assert_eq!(
        audit,
        before.1 + 3001,
        "one event per variable and one for the import"
    );

    // Again, with one row changed: an upsert by name.
    let mut again = good;
    again[10]["labelNb"] = json!("Endret etikett");
    let response = app
        .post_json(path, Some(&admin), &Value::Array(again))
        .await;
    assert_eq!(
        response.body,
        json!({"rows": 3000, "created": 0, "updated": 1, "unchanged": 2999}),
        "{}",
        response.text
    );
    let changed = app
        .get("/api/v1/data-sources/NPR/variables/TESTVAR_00010", None)
        .await;
    assert_eq!(changed.body["labelNb"], "Endret etikett");
    assert_eq!(changed.body["version"], 2);
    let mut conn = app.db.connect();
    let events =
        hds_persistence::audit::history(&mut conn, "variable", "NPR/TESTVAR_00010").unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[1].before_state.as_ref().unwrap()["labelNb"],
        "Testvariabel 10"
    );
    assert_eq!(
        events[1].after_state.as_ref().unwrap()["labelNb"],
        "Endret etikett"
    );

    // The variables are listed and searchable at once.
    let page = app
        .get("/api/v1/data-sources/NPR/variables?limit=500", None)
        .await;
    assert_eq!(page.body["items"].as_array().unwrap().len(), 500);
    let found = app.get("/api/v1/variables?q=endret", None).await;
    assert_eq!(found.body["items"][0]["name"], "TESTVAR_00010");
}

#[actix_rt::test]
async fn import_needs_an_admin_a_known_source_and_a_json_array() {
    let app = TestApp::spawn().await;
    let admin = app.token(Role::Admin);
    let body = Value::Array(rows(2));
    app.post_json("/api/v1/data-sources/NPR/variables/import", None, &body)
        .await
        .problem(401);
    let applicant = app.token(Role::Applicant);
    app.post_json(
        "/api/v1/data-sources/NPR/variables/import",
        Some(&applicant),
        &body,
    )
    .await
    .problem(403);
    app.post_json(
        "/api/v1/data-sources/NOPE/variables/import",
        Some(&admin),
        &body,
    )
    .await
    .problem(404);
    let response = app
        .post_json(
            "/api/v1/data-sources/NPR/variables/import",
            Some(&admin),
            &json!({"rows": []}),
        )
        .await;
    response.problem(422);
    let response = app
        .send(
            app.client
                .post(app.url("/api/v1/data-sources/NPR/variables/import"))
                .bearer_auth(&admin)
                .header("content-type", "application/json")
                .body("[{\"name\": "),
        )
        .await;
    response.problem(400);
    let empty = app
        .post_json(
            "/api/v1/data-sources/NPR/variables/import",
            Some(&admin),
            &json!([]),
        )
        .await;
    assert_eq!(
        empty.body,
        json!({"rows": 0, "created": 0, "updated": 0, "unchanged": 0})
    );
}

#[actix_rt::test]
async fn service_notices_are_listed_while_valid() {
    let app = TestApp::spawn().await;
    let admin = app.token(Role::Admin);
    let created = app
        .post_json(
            "/api/v1/service-notices",
            Some(&admin),
            &json!({
                "severity": "WARNING",
                "titleNb": "Planlagt nedetid",
                "titleEn": "Planned downtime",
                "bodyNb": "Tjenesten er utilgjengelig 25. april 12:00-16:00.",
                "bodyEn": "The service is unavailable on 25 April 12:00-16:00.",
                "validFrom": "2026-04-25T12:00:00+02:00",
                "validTo": "2026-04-25T16:00:00+02:00"
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["validFrom"], "2026-04-25T10:00:00Z");

    let during = app
        .get("/api/v1/service-notices?at=2026-04-25T10:30:00Z", None)
        .await;
    assert_eq!(during.status, 200, "{}", during.text);
    assert_eq!(during.body["items"][0]["titleEn"], "Planned downtime");
    assert_eq!(during.body["items"][0]["severity"], "WARNING");
    for outside in [
        "2026-04-25T09:59:59Z",
        "2026-04-25T14:00:00Z",
        "2027-01-01T00:00:00Z",
    ] {
        let response = app
            .get(&format!("/api/v1/service-notices?at={outside}"), None)
            .await;
        assert_eq!(response.body["items"], json!([]), "{outside}");
    }
    let start = app
        .get("/api/v1/service-notices?at=2026-04-25T10:00:00Z", None)
        .await;
    assert_eq!(
        start.body["items"].as_array().unwrap().len(),
        1,
        "validFrom is inclusive"
    );

    // One active now.
    let now = time::OffsetDateTime::now_utc();
    let format = &time::format_description::well_known::Rfc3339;
    let from = (now - time::Duration::hours(1)).format(format).unwrap();
    let to = (now + time::Duration::hours(1)).format(format).unwrap();
    let response = app
        .post_json("/api/v1/service-notices", Some(&admin), &json!({"severity": "INFO",
            "titleNb": "Treg saksbehandling", "titleEn": "Slow processing", "validFrom": from, "validTo": to}))
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    let active = app.get("/api/v1/service-notices", None).await;
    let titles: Vec<&str> = active.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["titleEn"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Slow processing"]);
    let bad = app.get("/api/v1/service-notices?at=tomorrow", None).await;
    assert_eq!(bad.problem(400)["errors"][0]["pointer"], "/query/at");
    let mut conn = app.db.connect();
    assert_eq!(count_rows(&mut conn, "service_notices"), 2);
}

#[actix_rt::test]
async fn a_csv_import_is_checked_and_applied_like_a_json_one() {
    let app = TestApp::spawn().await;
    let admin = app.token(Role::Admin);
    let path = "/api/v1/data-sources/KPR/variables/import";
    let send = |body: String| {
        app.send(
            app.client
                .post(app.url(path))
                .bearer_auth(&admin)
                .header("content-type", "text/csv; charset=utf-8")
                .body(body),
        )
    };
    let before = audit_and_variables(&app);
    let header = "name;labelNb;labelEn;valueType;codeList;periodFrom;periodTo;sensitive\n";
    let bad = format!(
        "{header}DIAGNOSE;Diagnose;Diagnosis;CODE;ICPC-2;2017;;ja\n\
         KONTAKT;Kontakttype;Contact type;STRING;;2017;;nei\n\
         ALDER;Alder;Age;INTEGER;;2020;2017;nei\n\
         KORT;\"Kort\";Short\n"
    );
    let response = send(bad).await;
    let problem = response.problem(422);
    let pointers: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(
        pointers,
        ["/1/valueType", "/2/periodFrom", "/3"],
        "{}",
        response.text
    );
    assert_eq!(audit_and_variables(&app), before);

    let good = format!(
        "{header}DIAGNOSE;Diagnose;Diagnosis;CODE;ICPC-2;2017;;ja\n\
         KONTAKT;\"Kontakttype; lege eller sykepleier\";Contact type;TEXT;;2017;;nei\n"
    );
    let response = send(good).await;
    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(
        response.body,
        json!({"rows": 2, "created": 2, "updated": 0, "unchanged": 0})
    );
    let kontakt = app
        .get("/api/v1/data-sources/KPR/variables/KONTAKT", None)
        .await;
    assert_eq!(
        kontakt.body["labelNb"],
        "Kontakttype; lege eller sykepleier"
    );
    let diagnose = app
        .get("/api/v1/data-sources/KPR/variables/DIAGNOSE", None)
        .await;
    assert_eq!(diagnose.body["codeList"], "ICPC-2");
    assert_eq!(diagnose.body["sensitive"], true);
}
