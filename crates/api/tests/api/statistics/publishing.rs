//! The public overview of granted access and the DCAT catalogue.

use diesel::RunQueryDsl;
use hds_api::auth::Role;
use reqwest::Method;
use serde_json::{json, Value};

use super::{known_cases, staff, Known};
use crate::applications::OWNER;
use crate::support::TestApp;

fn numbers(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["projectTitle"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_rt::test]
async fn the_overview_lists_granted_access_only_and_hides_a_withheld_entry() {
    let app = TestApp::spawn().await;
    let Known { a, d, .. } = known_cases(&app).await;
    app.clock.set(None);

    // public: no token; A (MFR) and D (DAR) were granted, B refused, C withdrawn
    let r = app.get("/api/v1/granted-access", None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(numbers(&r.body), vec!["Prosjekt case-d", "Prosjekt case-a"]);
    let entry = &r.body["items"][1];
    assert_eq!(entry["institution"], "Universitetet i Oslo");
    assert_eq!(entry["purpose"], "HEALTH_ANALYSIS");
    assert_eq!(entry["decidedOn"], "2027-03-30");
    assert_eq!(entry["validFrom"], "2027-06-01");
    assert_eq!(entry["validTo"], "2027-12-31");
    assert_eq!(entry["dataSources"][0]["code"], "MFR");
    // nothing personal: no names of persons, e-mail addresses or national ids
    for personal in ["Ola Nordmann", "ola@uio.no", OWNER] {
        assert!(!r.text.contains(personal), "{personal} in {}", r.text);
    }
    // cacheable
    assert!(
        r.header("cache-control").starts_with("public"),
        "{}",
        r.header("cache-control")
    );
    let etag = r.header("etag").to_owned();
    let again = app
        .get_with("/api/v1/granted-access", &[("If-None-Match", &etag)])
        .await;
    assert_eq!(again.status, 304);
    // searchable and paged
    let r = app
        .get("/api/v1/granted-access?q=CASE-A%20oslo", None)
        .await;
    assert_eq!(numbers(&r.body), vec!["Prosjekt case-a"]);
    let r = app.get("/api/v1/granted-access?dataSource=DAR", None).await;
    assert_eq!(numbers(&r.body), vec!["Prosjekt case-d"]);
    // a word found in a granted source's name (bokmål or English); every
    // word must be found, each in the title, institution or a source
    let r = app
        .get("/api/v1/granted-access?q=F%C3%98DSELSREGISTER", None)
        .await;
    assert_eq!(numbers(&r.body), vec!["Prosjekt case-a"], "{}", r.text);
    let r = app
        .get("/api/v1/granted-access?q=death%20registry%20oslo", None)
        .await;
    assert_eq!(numbers(&r.body), vec!["Prosjekt case-d"], "{}", r.text);
    let r = app
        .get(
            "/api/v1/granted-access?q=f%C3%B8dselsregister%20case-d",
            None,
        )
        .await;
    assert_eq!(numbers(&r.body), Vec::<String>::new(), "{}", r.text);
    let first = app.get("/api/v1/granted-access?limit=1", None).await;
    assert_eq!(numbers(&first.body), vec!["Prosjekt case-d"]);
    let cursor = first.body["nextCursor"].as_str().unwrap().to_owned();
    let second = app
        .get(
            &format!("/api/v1/granted-access?limit=1&cursor={cursor}"),
            None,
        )
        .await;
    assert_eq!(numbers(&second.body), vec!["Prosjekt case-a"]);
    assert!(second.body["nextCursor"].is_null());
    let bad = app.get("/api/v1/granted-access?cursor=bm9wZQ", None).await;
    assert_eq!(bad.problem(400)["errors"][0]["pointer"], "/query/cursor");

    // a case handler withholds D with a reason: it leaves the list
    let h = staff(&app);
    let path = format!("/api/v1/granted-access/{d}/withholding");
    let empty = app
        .send(
            app.request(Method::PUT, &path, Some(&h))
                .json(&json!({"reason": " "})),
        )
        .await;
    assert_eq!(
        empty.problem(422)["errors"][0]["pointer"],
        "/reason",
        "{}",
        empty.text
    );
    let applicant = app.token(Role::Applicant);
    let r = app
        .send(
            app.request(Method::PUT, &path, Some(&applicant))
                .json(&json!({"reason": "x"})),
        )
        .await;
    assert_eq!(r.status, 403);
    let reason = "Prosjektet er gradert etter sikkerhetsloven.";
    let r = app
        .send(
            app.request(Method::PUT, &path, Some(&h))
                .json(&json!({"reason": reason})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["reason"], reason);
    let r = app.get("/api/v1/granted-access", None).await;
    assert_eq!(numbers(&r.body), vec!["Prosjekt case-a"]);
    assert_ne!(r.header("etag"), etag, "the list changed, so its ETag");
    let csv = app
        .send(
            app.request(Method::GET, "/api/v1/granted-access?bom=true", None)
                .header("Accept", "text/csv"),
        )
        .await;
    assert_eq!(csv.status, 200);
    let lines: Vec<&str> = csv
        .text
        .trim_start_matches('\u{feff}')
        .split("\r\n")
        .collect();
    assert_eq!(
        lines[0],
        "caseNumber;projectTitle;institution;purpose;dataSources;decidedOn;validFrom;validTo"
    );
    assert!(lines[1].contains(";Prosjekt case-a;Universitetet i Oslo;HEALTH_ANALYSIS;MFR;2027-03-30;2027-06-01;2027-12-31"), "{}", csv.text);
    assert!(!csv.text.contains("case-d"));
    // the reason is in the audit trail
    let audited: Vec<(String, Option<Value>)> = {
        use diesel::prelude::*;
        use hds_persistence::schema::audit_events as ae;
        ae::table
            .filter(ae::entity_id.eq(&d))
            .filter(ae::action.like("OVERVIEW_%"))
            .select((ae::action, ae::after_state))
            .load(&mut app.db.connect())
            .unwrap()
    };
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0].0, "OVERVIEW_ENTRY_WITHHELD");
    assert_eq!(audited[0].1.as_ref().unwrap()["reason"], reason);

    // undone: D is back; undoing again is 404, as is an unknown case
    let r = app.send(app.request(Method::DELETE, &path, Some(&h))).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = app.get("/api/v1/granted-access", None).await;
    assert_eq!(numbers(&r.body), vec!["Prosjekt case-d", "Prosjekt case-a"]);
    let r = app.send(app.request(Method::DELETE, &path, Some(&h))).await;
    assert_eq!(r.status, 404);
    let unknown = format!(
        "/api/v1/granted-access/{}/withholding",
        uuid::Uuid::new_v4()
    );
    let r = app
        .send(
            app.request(Method::PUT, &unknown, Some(&h))
                .json(&json!({"reason": reason})),
        )
        .await;
    assert_eq!(r.status, 404);
    let _ = a;
}

#[derive(diesel::QueryableByName)]
struct Source {
    #[diesel(sql_type = diesel::sql_types::Text)]
    code: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    orgnr: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    custodian: String,
}

#[actix_rt::test]
async fn the_dcat_catalogue_holds_every_source_with_its_publisher_and_contact_point() {
    let app = TestApp::spawn().await;
    let r = app.get("/api/v1/dcat/catalog", None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.content_type(), "application/ld+json");
    let doc = &r.body;
    assert_eq!(doc["@type"], "dcat:Catalog");
    assert_eq!(doc["@context"]["dcat"], "http://www.w3.org/ns/dcat#");
    assert_eq!(doc["@context"]["dct"], "http://purl.org/dc/terms/");
    for property in [
        "@id",
        "dct:title",
        "dct:description",
        "dct:publisher",
        "dcat:dataset",
    ] {
        assert!(!doc[property].is_null(), "catalog without {property}");
    }
    assert_eq!(doc["dct:publisher"]["@type"], "foaf:Agent");

    let sources: Vec<Source> = diesel::sql_query(
        "SELECT ds.code, cu.orgnr, cu.code AS custodian FROM data_sources ds JOIN custodians cu ON cu.id = ds.custodian_id WHERE ds.retired_at IS NULL ORDER BY ds.code",
    )
    .load(&mut app.db.connect())
    .unwrap();
    let datasets = doc["dcat:dataset"].as_array().unwrap();
    assert!(sources.len() > 10);
    assert_eq!(datasets.len(), sources.len());
    let mut without_orgnr = 0;
    for (source, set) in sources.iter().zip(datasets) {
        assert_eq!(set["@type"], "dcat:Dataset");
        assert_eq!(set["dct:identifier"], source.code.as_str());
        assert!(set["@id"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/data-sources/{}", source.code)));
        for property in [
            "dct:title",
            "dct:description",
            "dcat:theme",
            "dct:accessRights",
        ] {
            assert!(
                !set[property].is_null(),
                "{} without {property}",
                source.code
            );
        }
        let publisher = &set["dct:publisher"];
        assert_eq!(publisher["@type"], "foaf:Agent", "{}", source.code);
        if let Some(orgnr) = &source.orgnr {
            assert_eq!(
                publisher["dct:identifier"],
                orgnr.as_str(),
                "{}",
                source.code
            );
        } else {
            // a custodian without an organisation number of its own
            // (Kreftregisteret within FHI): named by its catalogue entry
            assert!(publisher["dct:identifier"].is_null(), "{}", source.code);
            assert!(
                publisher["@id"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("/api/v1/custodians/{}", source.custodian)),
                "{}",
                source.code
            );
            without_orgnr += 1;
        }
        assert!(publisher["foaf:name"]
            .as_str()
            .is_some_and(|n| !n.is_empty()));
        let contact = &set["dcat:contactPoint"];
        assert_eq!(contact["@type"], "vcard:Organization", "{}", source.code);
        assert!(
            contact["vcard:hasEmail"]
                .as_str()
                .is_some_and(|e| e.starts_with("mailto:"))
                || contact["vcard:hasURL"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("http")),
            "{} has no way to make contact: {contact}",
            source.code
        );
        assert_eq!(
            set["dcat:theme"][0],
            "http://publications.europa.eu/resource/authority/data-theme/HEAL"
        );
    }
    // the seed's KREFT belongs to Kreftregisteret, which has no orgnr
    assert!(without_orgnr > 0);
    let mfr = datasets
        .iter()
        .find(|s| s["dct:identifier"] == "MFR")
        .unwrap();
    assert_eq!(
        mfr["dcat:contactPoint"]["vcard:hasEmail"],
        "mailto:datatilgang@fhi.no"
    );
    assert_eq!(mfr["healthdcatap:hdab"]["@type"], "foaf:Agent");

    // a stable URL with an ETag
    assert!(r.header("cache-control").starts_with("public"));
    let again = app
        .get_with(
            "/api/v1/dcat/catalog",
            &[("If-None-Match", r.header("etag"))],
        )
        .await;
    assert_eq!(again.status, 304);
    // the same triples in Turtle
    let ttl = app
        .send(
            app.request(Method::GET, "/api/v1/dcat/catalog", None)
                .header("Accept", "text/turtle"),
        )
        .await;
    assert_eq!(ttl.status, 200);
    assert!(ttl.content_type().starts_with("text/turtle"));
    assert!(ttl
        .text
        .contains("@prefix dcat: <http://www.w3.org/ns/dcat#> ."));
    assert!(ttl.text.contains("a dcat:Catalog"));
    assert!(ttl.text.contains("dct:identifier \"MFR\""));
    assert_eq!(ttl.text.matches("a dcat:Dataset").count(), sources.len());
}
