//! Price lists over HTTP: public reads with ETags and 304s, the seeded
//! reference prices with their sources, ADMIN adding a version (If-Match,
//! never retroactive, every problem at once, nothing written on a refusal,
//! history kept), and the database refusing to change a price.

use diesel::RunQueryDsl;
use hds_persistence::test_support::count_rows;
use reqwest::Method;
use serde_json::{json, Value};

use super::{add_version, admin, handler, iso, on, ore, plus, received, version};
use crate::support::TestApp;

async fn post_version(
    app: &TestApp,
    tok: &str,
    party: &str,
    etag: Option<&str>,
    body: &Value,
) -> crate::support::Response {
    let headers: Vec<(&str, &str)> = etag.map(|e| ("If-Match", e)).into_iter().collect();
    app.json_with(
        Method::POST,
        &format!("/api/v1/price-lists/{party}/versions"),
        Some(tok),
        Some(body),
        &headers,
    )
    .await
}

#[actix_rt::test]
async fn the_reference_prices_are_public_with_their_sources() {
    let app = TestApp::spawn().await;
    let all = app.get("/api/v1/price-lists", None).await;
    assert_eq!(all.status, 200, "{}", all.text);
    assert!(all.header("cache-control").starts_with("public"));
    let again = app
        .get_with(
            "/api/v1/price-lists",
            &[("If-None-Match", all.header("etag"))],
        )
        .await;
    assert_eq!(again.status, 304);
    let parties: Vec<&str> = all.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["party"].as_str().unwrap())
        .collect();
    assert_eq!(parties, ["HDS", "FHI", "KREFTREGISTERET"]);

    let hds = &all.body["items"][0];
    let v = &hds["versions"][0];
    assert_eq!(v["validFrom"], "2023-01-01");
    assert!(v["validTo"].is_null());
    assert_eq!(ore(&v["basicFee"]["oneSource"]), 150_000);
    assert_eq!(ore(&v["basicFee"]["severalSources"]), 300_000);
    assert_eq!(ore(&v["hourlyRate"]), 115_500);
    assert_eq!(
        v["counting"],
        json!({"rounding": "PER_STARTED_HOUR", "scope": "CASE",
        "freeHours": {"hundredths": 0, "hours": "0.00"}, "freeHoursFor": "ALL_APPLICATIONS"})
    );
    assert_eq!(v["vat"]["category"], "O");
    assert_eq!(
        v["exemptions"],
        json!(["STUDENT", "CHANGE_REQUEST", "APPEAL"])
    );
    assert!(v["source"]
        .as_str()
        .unwrap()
        .contains("helsedata.no/priser"));
    assert!(v["note"].as_str().unwrap().contains("Assumed"));
    let kreft = &all.body["items"][2];
    assert_eq!(kreft["custodian"], "FHI");
    assert_eq!(kreft["dataSources"], json!(["KREFT"]));
    assert_eq!(
        kreft["versions"][0]["counting"]["freeHours"]["hours"],
        "2.00"
    );
    assert_eq!(
        kreft["versions"][0]["counting"]["freeHoursFor"],
        "ANONYMOUS_DATA_ONLY"
    );

    let one = app.get("/api/v1/price-lists/HDS", None).await;
    assert_eq!(one.status, 200);
    assert!(
        one.header("etag").starts_with("\"v1-"),
        "{}",
        one.header("etag")
    );
    // a custodian without prices: version 0, nothing in force
    let dmp = app.get("/api/v1/price-lists/DMP", None).await;
    assert_eq!(dmp.status, 200, "{}", dmp.text);
    assert_eq!(
        (dmp.body["version"].clone(), dmp.body["versions"].clone()),
        (json!(0), json!([]))
    );
    app.get("/api/v1/price-lists/NOPE", None).await.problem(404);
}

#[actix_rt::test]
async fn admin_adds_a_later_version_never_a_retroactive_one_and_history_is_kept() {
    let app = TestApp::spawn().await;
    let t0 = received();
    on(&app, t0);
    let adm = admin(&app);
    let next = version(&iso(plus(t0, 31)), "1600", "3200", "1212.50", true);
    let etag = app
        .get("/api/v1/price-lists/HDS", None)
        .await
        .header("etag")
        .to_owned();
    let rows = || count_rows(&mut app.db.connect(), "price_list_versions");
    let before = rows();

    post_version(&app, &handler(&app), "HDS", Some(&etag), &next)
        .await
        .problem(403);
    post_version(&app, &adm, "HDS", None, &next)
        .await
        .problem(428);
    post_version(&app, &adm, "HDS", Some("\"v7\""), &next)
        .await
        .problem(412);
    post_version(&app, &adm, "NOPE", Some("\"v0\""), &next)
        .await
        .problem(404);
    // today is not after today; before the current version is not later
    for (from, code) in [
        (iso(plus(t0, 0)), "RETROACTIVE"),
        ("2022-12-31".to_owned(), "NOT_LATER"),
    ] {
        let mut body = next.clone();
        body["validFrom"] = json!(from);
        let r = post_version(&app, &adm, "HDS", Some(&etag), &body).await;
        let p = r.problem(422);
        assert_eq!(
            (
                p["errors"][0]["pointer"].as_str(),
                p["errors"][0]["code"].as_str()
            ),
            (Some("/validFrom"), Some(code)),
            "{p}"
        );
    }
    // every problem in the body at once
    let mut bad = next.clone();
    bad["hourlyRate"] = json!("1 212,50");
    bad["counting"] = json!({"rounding": "PER_STARTED_HOUR"});
    bad["vat"] = json!({"kind": "STANDARD"});
    bad["estimatedHours"] = json!({"low": "8", "high": "2"});
    let p = post_version(&app, &adm, "HDS", Some(&etag), &bad).await;
    let mut got: Vec<&str> = p.problem(422)["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    got.sort_unstable();
    assert_eq!(
        got,
        ["/counting/scope", "/hourlyRate", "/vat/rateBasisPoints"]
    );
    let mut backwards = next.clone();
    backwards["estimatedHours"] = json!({"low": "8", "high": "2"});
    backwards["exemptions"] = json!(["WAIVER"]);
    let p = post_version(&app, &adm, "HDS", Some(&etag), &backwards).await;
    let mut got: Vec<&str> = p.problem(422)["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    got.sort_unstable();
    assert_eq!(got, ["BELOW_LOW", "NOT_ALLOWED"]);
    assert_eq!(rows(), before, "refusals write nothing");

    // a later version: the current one ends the day before; history kept
    let r = app
        .json_with(
            Method::POST,
            "/api/v1/price-lists/HDS/versions",
            Some(&adm),
            Some(&next),
            &[("If-Match", &etag), ("Idempotency-Key", "april-prices")],
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.header("location"), "/api/v1/price-lists/HDS");
    assert!(r.header("etag").starts_with("\"v2-"));
    let versions = r.body["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["validTo"], iso(plus(t0, 30)));
    assert_eq!(ore(&versions[1]["hourlyRate"]), 121_250);
    assert_eq!(versions[1]["source"], "Testens prisendring");
    let replay = app
        .json_with(
            Method::POST,
            "/api/v1/price-lists/HDS/versions",
            Some(&adm),
            Some(&next),
            &[("If-Match", &etag), ("Idempotency-Key", "april-prices")],
        )
        .await;
    assert_eq!(replay.status, 201);
    assert_eq!(replay.header("idempotent-replayed"), "true");
    assert_eq!(rows(), before + 1);
    let audit =
        hds_persistence::audit::history(&mut app.db.connect(), "price_list", "HDS").unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "PRICE_LIST_VERSION_ADDED");

    // a custodian's first version may be dated back and creates its party
    let r = add_version(&app, "DMP", &version("2024-01-01", "0", "0", "990", false)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["legalName"], "Direktoratet for medisinske produkter");
    assert_eq!(r.body["custodian"], "DMP");

    // the database keeps prices as they were
    for statement in [
        "UPDATE price_list_versions SET hourly_rate_ore = 1",
        "DELETE FROM price_list_versions",
        "UPDATE price_list_versions SET valid_to = '2030-01-01' WHERE valid_to IS NOT NULL",
    ] {
        let err = diesel::sql_query(statement)
            .execute(&mut app.db.connect())
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("never changed") || text.contains("history"),
            "{statement}: {text}"
        );
    }
}
