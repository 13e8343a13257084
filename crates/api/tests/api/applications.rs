//! Applications: the applicant's journeys, the completeness check over the
//! API, the privacy guard, co-applicants and access rules.

use hds_api::auth::Role;
use hds_persistence::test_support::count_rows;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{Response, TestApp};

/// Valid national identity numbers (computed, not real people).
pub const OWNER: &str = "15058550040";
pub const MEMBER: &str = "01019050188";
pub const STRANGER: &str = "24119950062";
pub const D_NUMBER: &str = "45019050037";

pub const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n";

pub fn token(app: &TestApp, pid: &str) -> String {
    app.token_for(Role::Applicant, Some(pid), None)
}

/// Identifiable data linking MFR and NPR for medical and health research.
pub fn identifiable_content() -> Value {
    json!({
        "project": {
            "title": "Fødselsvekt og senere sykehusinnleggelser",
            "summary": "Vi undersøker om lav fødselsvekt henger sammen med flere sykehusinnleggelser i barndommen.",
            "researchQuestions": ["Har barn med lav fødselsvekt flere innleggelser før fylte 10 år?"],
            "startDate": "2027-01-01",
            "endDate": "2029-12-31"
        },
        "purpose": "MEDICAL_AND_HEALTH_RESEARCH",
        "dataKind": {"kind": "INDIRECTLY_IDENTIFIABLE"},
        "dataSources": [
            {"code": "MFR", "variables": ["VEKT", "KJONN", "FAAR"], "periodFrom": 2000, "periodTo": 2015},
            {"code": "NPR", "variables": ["HOVEDTILSTAND1", "INNDATO"], "periodFrom": 2000, "periodTo": 2025}
        ],
        "linkage": {"description": "FHI kobler MFR og NPR på løpenummer og leverer pseudonymiserte data.",
                    "linkedSources": ["MFR", "NPR"]},
        "responsibility": {
            "institutionOrgnr": "974760673",
            "institutionName": "Universitetet i Oslo",
            "projectLeader": {"name": "Kari Nordmann", "email": "kari.nordmann@medisin.uio.no"},
            "researchResponsibility": "Det medisinske fakultet, Universitetet i Oslo"
        },
        "legalBasis": {
            "gdprArticle6": ["E"],
            "gdprArticle9": ["J"],
            "supplementary": "helseregisterloven § 19 a og helseforskningsloven § 33",
            "rekReference": "2026/123456",
            "confidentialityExemptionRequested": true
        },
        "fee": {"studentUpToMasters": false},
        "comments": "Vi ønsker data levert via FHIs løsning for sikker behandling."
    })
}

/// Anonymous tables from MFR for health analysis.
pub fn anonymous_content() -> Value {
    json!({
        "project": {
            "title": "Fødselsvekt etter kjønn 2010–2020",
            "summary": "Masteroppgave om fordelingen av fødselsvekt.",
            "researchQuestions": ["Hvordan fordeler fødselsvekten seg etter kjønn?"],
            "startDate": "2027-01-01",
            "endDate": "2027-06-30"
        },
        "purpose": "HEALTH_ANALYSIS",
        "dataKind": {"kind": "ANONYMOUS"},
        "dataSources": [{"code": "MFR", "periodFrom": 2010, "periodTo": 2020}],
        "responsibility": {
            "institutionOrgnr": "974760673",
            "institutionName": "Universitetet i Oslo",
            "projectLeader": {"name": "Ola Student", "email": "ola@student.uio.no"}
        },
        "fee": {"studentUpToMasters": true},
        "tableSpecifications": [{
            "title": "Fødselsvekt etter kjønn og år",
            "dataSource": "MFR",
            "variables": [
                {"name": "VEKT", "categories": ["under 2500 g", "2500–3999 g", "4000 g og mer"]},
                {"name": "KJONN", "categories": ["gutt", "jente"]},
                {"name": "FAAR", "categories": ["2010–2014", "2015–2020"]}
            ]
        }]
    })
}

pub async fn create(app: &TestApp, token: &str, content: &Value) -> (String, String) {
    let r = app
        .post_json("/api/v1/applications", Some(token), content)
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    (
        r.body["id"].as_str().unwrap().to_owned(),
        r.header("etag").to_owned(),
    )
}

pub async fn etag_of(app: &TestApp, token: &str, id: &str) -> String {
    let r = app
        .get(&format!("/api/v1/applications/{id}"), Some(token))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.header("etag").to_owned()
}

pub async fn upload(
    app: &TestApp,
    token: &str,
    id: &str,
    kind: &str,
    title: &str,
    filename: &str,
    bytes: &[u8],
) -> Response {
    let etag = current_etag(app, token, id).await;
    let request = app
        .request(
            Method::POST,
            &format!("/api/v1/applications/{id}/attachments"),
            Some(token),
        )
        .query(&[("kind", kind), ("title", title), ("filename", filename)])
        .header("Content-Type", "application/octet-stream")
        .header("If-Match", etag)
        .body(bytes.to_vec());
    app.send(request).await
}

/// The application's current ETag, or a dummy one when the caller cannot read it.
async fn current_etag(app: &TestApp, token: &str, id: &str) -> String {
    let current = app
        .get(&format!("/api/v1/applications/{id}"), Some(token))
        .await;
    if current.status == 200 {
        current.header("etag").to_owned()
    } else {
        "\"v1\"".to_owned()
    }
}

/// Invites a co-applicant with the application's current ETag.
pub async fn invite(app: &TestApp, token: &str, id: &str, national_id: &str) -> Response {
    let etag = current_etag(app, token, id).await;
    let request = app
        .request(
            Method::POST,
            &format!("/api/v1/applications/{id}/members"),
            Some(token),
        )
        .header("If-Match", etag)
        .json(&json!({"nationalId": national_id}));
    app.send(request).await
}

pub async fn submit(app: &TestApp, token: &str, id: &str, etag: &str, key: &str) -> Response {
    let request = app
        .request(
            Method::POST,
            &format!("/api/v1/applications/{id}/submit"),
            Some(token),
        )
        .header("If-Match", etag)
        .header("Idempotency-Key", key);
    app.send(request).await
}

/// Creates a complete identifiable application with its attachments; returns id and ETag.
pub async fn complete_identifiable(app: &TestApp, token: &str) -> (String, String) {
    let (id, _) = create(app, token, &identifiable_content()).await;
    assert_eq!(
        upload(
            app,
            token,
            &id,
            "PROJECT_DESCRIPTION",
            "Prosjektbeskrivelse",
            "prosjekt.pdf",
            PDF
        )
        .await
        .status,
        201
    );
    assert_eq!(
        upload(
            app,
            token,
            &id,
            "REK_DECISION",
            "Vedtak fra REK",
            "rek.pdf",
            PDF
        )
        .await
        .status,
        201
    );
    let etag = etag_of(app, token, &id).await;
    (id, etag)
}

fn codes(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["pointer"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[actix_rt::test]
async fn identifiable_journey_linking_two_registers() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let member = token(&app, MEMBER);

    // The owner starts with the project only (idempotent create).
    let first = app
        .send(
            app.request(Method::POST, "/api/v1/applications", Some(&owner))
                .header("Idempotency-Key", "create-1")
                .json(&json!({"project": identifiable_content()["project"]})),
        )
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert!(
        first.header("etag").starts_with("\"v1-"),
        "{}",
        first.header("etag")
    );
    assert_eq!(first.body["status"], "DRAFT");
    assert_eq!(first.body["role"], "OWNER");
    let id = first.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        first.header("location"),
        format!("/api/v1/applications/{id}")
    );
    let again = app
        .send(
            app.request(Method::POST, "/api/v1/applications", Some(&owner))
                .header("Idempotency-Key", "create-1")
                .json(&json!({"project": identifiable_content()["project"]})),
        )
        .await;
    assert_eq!(again.status, 201);
    assert_eq!(
        again.body["id"],
        id.as_str(),
        "a retried create returns the same draft"
    );
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert_eq!(count_rows(&mut app.db.connect(), "applications"), 1);

    // A co-applicant is invited and writes the rest.
    let invited = invite(&app, &owner, &id, MEMBER).await;
    assert_eq!(invited.status, 201, "{}", invited.text);
    assert_eq!(invited.body["nationalIdMasked"], "010190*****");
    assert!(!invited.text.contains(MEMBER), "the number is not echoed");
    let etag = etag_of(&app, &member, &id).await;
    let mut rest = identifiable_content();
    rest.as_object_mut().unwrap().remove("project");
    let patched = app
        .patch_json(
            &format!("/api/v1/applications/{id}"),
            Some(&member),
            Some(&etag),
            &rest,
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.body["role"], "MEMBER");
    assert_eq!(patched.body["content"]["dataSources"][1]["code"], "NPR");
    assert_eq!(
        patched.body["content"]["project"]["title"],
        identifiable_content()["project"]["title"]
    );

    // The check asks for the attachments, in both languages.
    let check = app
        .get(&format!("/api/v1/applications/{id}/check"), Some(&owner))
        .await;
    assert_eq!(check.status, 200);
    assert_eq!(check.body["complete"], false);
    let found: Vec<&str> = check.body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        found,
        vec!["PROJECT_DESCRIPTION_MISSING", "REK_DECISION_MISSING"]
    );
    assert!(check.body["problems"][0]["messageNb"]
        .as_str()
        .unwrap()
        .contains("prosjektbeskrivelsen"));
    assert!(check.body["problems"][0]["messageEn"]
        .as_str()
        .unwrap()
        .contains("project description"));

    assert_eq!(
        upload(
            &app,
            &member,
            &id,
            "PROJECT_DESCRIPTION",
            "Prosjektbeskrivelse",
            "prosjekt.pdf",
            PDF
        )
        .await
        .status,
        201
    );
    assert_eq!(
        upload(
            &app,
            &owner,
            &id,
            "REK_DECISION",
            "Vedtak fra REK sør-øst",
            "rek-vedtak.pdf",
            PDF
        )
        .await
        .status,
        201
    );
    let check = app
        .get(&format!("/api/v1/applications/{id}/check"), Some(&member))
        .await;
    assert_eq!(check.body, json!({"complete": true, "problems": []}));

    // Only the owner submits.
    let etag = etag_of(&app, &owner, &id).await;
    submit(&app, &member, &id, &etag, "m-1").await.problem(403);
    let submitted = submit(&app, &owner, &id, &etag, "submit-1").await;
    assert_eq!(submitted.status, 201, "{}", submitted.text);
    let year = time::OffsetDateTime::now_utc().year();
    assert_eq!(submitted.body["caseNumber"], format!("HDS-{year}-000001"));
    assert_eq!(submitted.body["status"], "SUBMITTED");
    assert_eq!(
        submitted.header("location"),
        format!("/api/v1/applications/{id}/case")
    );

    // Read-only from now on.
    let view = app
        .get(&format!("/api/v1/applications/{id}"), Some(&owner))
        .await;
    assert_eq!(view.body["status"], "SUBMITTED");
    assert_eq!(view.body["caseNumber"], format!("HDS-{year}-000001"));
    assert!(view.body["submittedAt"].is_string());
    let etag = view.header("etag").to_owned();
    app.patch_json(
        &format!("/api/v1/applications/{id}"),
        Some(&owner),
        Some(&etag),
        &json!({"comments": "x"}),
    )
    .await
    .problem(409);
    app.patch_json(
        &format!("/api/v1/applications/{id}"),
        Some(&member),
        Some(&etag),
        &json!({"comments": "x"}),
    )
    .await
    .problem(409);
    upload(&app, &owner, &id, "OTHER", "Mer", "mer.pdf", PDF)
        .await
        .problem(409);
    let attachment = view.body["attachments"][0]["id"].as_str().unwrap();
    app.delete(
        &format!("/api/v1/applications/{id}/attachments/{attachment}"),
        Some(&owner),
        Some(&etag),
    )
    .await
    .problem(409);
    invite(&app, &owner, &id, STRANGER).await.problem(409);

    // The frozen snapshot holds content and attachment hashes.
    let mut conn = app.db.connect();
    assert_eq!(count_rows(&mut conn, "application_snapshots"), 1);

    // Both see it in their lists, with status and case number.
    for (t, role) in [(&owner, "OWNER"), (&member, "MEMBER")] {
        let list = app.get("/api/v1/applications", Some(t)).await;
        assert_eq!(list.status, 200);
        assert_eq!(list.body["items"][0]["id"], id.as_str());
        assert_eq!(list.body["items"][0]["status"], "SUBMITTED");
        assert_eq!(
            list.body["items"][0]["caseNumber"],
            format!("HDS-{year}-000001")
        );
        assert_eq!(list.body["items"][0]["role"], role);
    }

    // The timeline shows only what is meant for the applicant.
    let case = app
        .get(&format!("/api/v1/applications/{id}/case"), Some(&owner))
        .await;
    assert_eq!(case.status, 200);
    let case_id = case.body["id"].as_str().unwrap().to_owned();
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!(
            "INSERT INTO case_events (case_id, kind, actor, visible_to_applicant, data) VALUES ('{case_id}', 'INTERNAL_NOTE', 'test', false, '{{\"note\": \"intern\"}}')"
        )),
        &mut conn,
    )
    .unwrap();
    let events = app
        .get(
            &format!("/api/v1/applications/{id}/case/events"),
            Some(&member),
        )
        .await;
    assert_eq!(events.status, 200);
    let kinds: Vec<&str> = events
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["SUBMITTED"]);
    assert_eq!(
        events.body[0]["details"]["caseNumber"],
        format!("HDS-{year}-000001")
    );

    // Withdrawal: owner only, with the case's ETag; then final.
    let case_etag = case.header("etag").to_owned();
    let withdraw = |t: String, etag: Option<String>| {
        let mut r = app.request(
            Method::POST,
            &format!("/api/v1/applications/{id}/withdraw"),
            Some(&t),
        );
        if let Some(e) = etag {
            r = r.header("If-Match", e);
        }
        app.send(r)
    };
    withdraw(member.clone(), Some(case_etag.clone()))
        .await
        .problem(403);
    withdraw(owner.clone(), None).await.problem(428);
    withdraw(owner.clone(), Some("\"v99\"".into()))
        .await
        .problem(412);
    let withdrawn = withdraw(owner.clone(), Some(case_etag.clone())).await;
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.text);
    assert_eq!(withdrawn.body["status"], "WITHDRAWN");
    let again = withdraw(owner.clone(), Some(withdrawn.header("etag").to_owned())).await;
    again.problem(409);
    assert!(
        again.body["detail"]
            .as_str()
            .unwrap()
            .contains("withdrawn case"),
        "{}",
        again.text
    );
    let events = app
        .get(
            &format!("/api/v1/applications/{id}/case/events"),
            Some(&owner),
        )
        .await;
    let kinds: Vec<&str> = events
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["SUBMITTED", "WITHDRAWN"]);
    assert_eq!(events.body[1]["status"], "WITHDRAWN");
    // HDS staff learn of both from the change feed, without personal data.
    let feed: Vec<String> = diesel::RunQueryDsl::load::<AuditText>(
        diesel::sql_query(format!(
            "SELECT (type || ' ' || data::text) AS text FROM feed_events WHERE case_id = '{case_id}' ORDER BY sequence"
        )),
        &mut conn,
    )
    .unwrap()
    .into_iter()
    .map(|r| r.text)
    .collect();
    assert_eq!(feed.len(), 2, "{feed:?}");
    assert!(
        feed[0].starts_with("no.helsedata.case.received ")
            && feed[0].contains(&format!("HDS-{year}-000001"))
    );
    assert!(feed[0].contains("\"MFR\"") && feed[0].contains("\"NPR\""));
    assert!(feed[1].starts_with("no.helsedata.case.withdrawn "));
    assert!(feed
        .iter()
        .all(|e| !e.contains(OWNER) && !e.contains(MEMBER)));
    let list = app
        .get("/api/v1/applications?status=WITHDRAWN", Some(&owner))
        .await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
}

#[actix_rt::test]
async fn anonymous_journey_with_table_specifications() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let (id, etag) = create(&app, &owner, &json!({})).await;
    assert!(etag.starts_with("\"v1-"), "{etag}");
    let patched = app
        .patch_json(
            &format!("/api/v1/applications/{id}"),
            Some(&owner),
            Some(&etag),
            &anonymous_content(),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert!(
        patched.header("etag").starts_with("\"v2-"),
        "{}",
        patched.header("etag")
    );
    let check = app
        .get(&format!("/api/v1/applications/{id}/check"), Some(&owner))
        .await;
    let found: Vec<&str> = check.body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        found,
        vec!["PROJECT_DESCRIPTION_MISSING"],
        "no legal basis, REK or linkage for anonymous data"
    );
    let csv = "tabell;variabler\nFødselsvekt etter kjønn;VEKT,KJONN\n".as_bytes();
    let up = upload(
        &app,
        &owner,
        &id,
        "PROJECT_DESCRIPTION",
        "Prosjektbeskrivelse (masteroppgave)",
        "prosjekt.txt",
        csv,
    )
    .await;
    assert_eq!(up.status, 201, "{}", up.text);
    assert_eq!(up.body["contentType"], "text/plain; charset=utf-8");
    let up = upload(
        &app,
        &owner,
        &id,
        "TABLE_SPECIFICATION",
        "Tabellbestilling",
        "tabeller.csv",
        csv,
    )
    .await;
    assert_eq!(up.body["contentType"], "text/csv; charset=utf-8");
    let etag = etag_of(&app, &owner, &id).await;
    let submitted = submit(&app, &owner, &id, &etag, "anon-1").await;
    assert_eq!(submitted.status, 201, "{}", submitted.text);
    assert!(submitted.body["caseNumber"]
        .as_str()
        .unwrap()
        .ends_with("-000001"));
    let list = app
        .get("/api/v1/applications?status=SUBMITTED", Some(&owner))
        .await;
    assert_eq!(
        list.body["items"][0]["title"],
        "Fødselsvekt etter kjønn 2010–2020"
    );
    let drafts = app
        .get("/api/v1/applications?status=DRAFT", Some(&owner))
        .await;
    assert_eq!(drafts.body["items"], json!([]));
}

#[actix_rt::test]
async fn patch_needs_if_match_and_the_current_version() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let (id, etag) = create(&app, &owner, &json!({})).await;
    let path = format!("/api/v1/applications/{id}");
    app.patch_json(&path, Some(&owner), None, &json!({"comments": "a"}))
        .await
        .problem(428);
    let ok = app
        .patch_json(&path, Some(&owner), Some(&etag), &json!({"comments": "a"}))
        .await;
    assert_eq!(ok.status, 200);
    app.patch_json(&path, Some(&owner), Some(&etag), &json!({"comments": "b"}))
        .await
        .problem(412);
    // null clears a section; sections not named stay.
    let etag = ok.header("etag").to_owned();
    let cleared = app
        .patch_json(
            &path,
            Some(&owner),
            Some(&etag),
            &json!({"comments": null, "purpose": "OTHER_RESEARCH"}),
        )
        .await;
    assert_eq!(cleared.status, 200, "{}", cleared.text);
    assert!(cleared.body["content"].get("comments").is_none());
    assert_eq!(cleared.body["content"]["purpose"], "OTHER_RESEARCH");
    // Malformed input: pointers to the field.
    let etag = cleared.header("etag").to_owned();
    let bad = app
        .patch_json(&path, Some(&owner), Some(&etag), &json!({"purpose": "FUN"}))
        .await;
    assert_eq!(bad.problem(422)["errors"][0]["pointer"], "/purpose");
    let bad = app
        .patch_json(
            &path,
            Some(&owner),
            Some(&etag),
            &json!({"project": {"startDate": "2027-13-01"}}),
        )
        .await;
    assert_eq!(
        bad.problem(422)["errors"][0]["pointer"],
        "/project/startDate"
    );
    let bad = app
        .patch_json(
            &path,
            Some(&owner),
            Some(&etag),
            &json!({"legalBasis": {"gdprArticle6": ["G"]}}),
        )
        .await;
    assert_eq!(
        bad.problem(422)["errors"][0]["pointer"],
        "/legalBasis/gdprArticle6/0"
    );
    let bad = app
        .patch_json(&path, Some(&owner), Some(&etag), &json!({"nonsense": 1}))
        .await;
    assert_eq!(bad.problem(422)["errors"][0]["code"], "UNKNOWN_FIELD");
    let bad = app
        .patch_json(
            &path,
            Some(&owner),
            Some(&etag),
            &json!({"dataSources": [{"code": "MFR", "periodFrom": 1200}]}),
        )
        .await;
    assert_eq!(
        codes(bad.problem(422)),
        vec![(
            "/dataSources/0/periodFrom".to_owned(),
            "OUT_OF_RANGE".to_owned()
        )]
    );
    assert_eq!(
        etag_of(&app, &owner, &id).await,
        etag,
        "refused changes leave the draft as it was"
    );
}

#[actix_rt::test]
async fn wrong_content_is_refused_on_save_all_at_once() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let (id, etag) = create(&app, &owner, &json!({})).await;
    let bad = app
        .patch_json(
            &format!("/api/v1/applications/{id}"),
            Some(&owner),
            Some(&etag),
            &json!({
                "project": {"title": "T", "startDate": "2028-01-01", "endDate": "2027-01-01"},
                "dataSources": [
                    {"code": "NOPE"},
                    {"code": "MFR", "variables": ["VEKT", "NO_SUCH_VAR"], "periodFrom": 2020, "periodTo": 2010},
                    {"code": "MFR"}
                ],
                "tableSpecifications": [{"title": "T", "dataSource": "MFR", "variables": [{"name": "HOVEDTILSTAND1", "categories": ["a"]}]}],
                "responsibility": {"institutionOrgnr": "123456789", "projectLeader": {"email": "not-an-address"}}
            }),
        )
        .await;
    let errors = codes(bad.problem(422));
    for expected in [
        ("/project/endDate", "DATES_OUT_OF_ORDER"),
        ("/dataSources/0/code", "UNKNOWN_DATA_SOURCE"),
        ("/dataSources/1/periodTo", "DATES_OUT_OF_ORDER"),
        ("/dataSources/1/variables/1", "UNKNOWN_VARIABLE"),
        ("/dataSources/2/code", "DUPLICATE_DATA_SOURCE"),
        (
            "/tableSpecifications/0/variables/0/name",
            "TABLE_VARIABLE_NOT_IN_SOURCE",
        ),
        ("/responsibility/institutionOrgnr", "INVALID_ORGNR"),
        ("/responsibility/projectLeader/email", "INVALID_EMAIL"),
    ] {
        assert!(
            errors.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} not in {errors:?}"
        );
    }
    assert!(
        !errors.iter().any(|(_, c)| c == "REQUIRED"),
        "unfinished is not refused on save: {errors:?}"
    );
    assert_eq!(etag_of(&app, &owner, &id).await, etag);
}

#[actix_rt::test]
async fn submit_lists_every_completeness_problem() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let mut conn = app.db.connect();
    // Content that breaks every rule, written straight to the store (as if
    // the catalogue had changed under it), so that submit must catch it all.
    let identifiable = json!({
        "project": {"summary": format!("Gjelder pasient {OWNER}."), "researchQuestions": ["Q"], "startDate": "2028-01-01", "endDate": "2027-01-01"},
        "purpose": "MEDICAL_AND_HEALTH_RESEARCH",
        "dataKind": {"kind": "DIRECTLY_IDENTIFIABLE"},
        "dataSources": [
            {"code": "MOBA", "variables": []},
            {"code": "HUNT", "variables": []},
            {"code": "NPR", "variables": ["NOPE"]},
            {"code": "NPR", "variables": ["KJONN"]},
            {"code": "XYZ"}
        ],
        "responsibility": {"institutionOrgnr": "123", "institutionName": "UiO", "projectLeader": {"name": "K", "email": "k"}, "researchResponsibility": "UiO"},
        "tableSpecifications": [
            {"title": "T", "dataSource": "MFR", "variables": [{"name": "NOPE", "categories": ["a"]}]}
        ]
    });
    let (a, _) = create(&app, &owner, &json!({})).await;
    let (b, _) = create(&app, &owner, &json!({})).await;
    let anonymous = json!({
        "project": {"title": "T", "summary": "S", "researchQuestions": ["Q"], "startDate": "2027-01-01", "endDate": "2028-01-01"},
        "purpose": "OTHER_RESEARCH",
        "dataKind": {"kind": "ANONYMOUS"},
        "dataSources": [{"code": "MOBA"}, {"code": "DAR"}],
        "responsibility": {"institutionOrgnr": "974760673", "institutionName": "UiO", "projectLeader": {"name": "K", "email": "k@uio.no"}, "researchResponsibility": "UiO"}
    });
    for (id, content) in [(&a, &identifiable), (&b, &anonymous)] {
        diesel::RunQueryDsl::execute(
            diesel::sql_query(format!(
                "UPDATE applications SET content = '{}' WHERE id = '{id}'",
                content.to_string().replace('\'', "''")
            )),
            &mut conn,
        )
        .unwrap();
    }
    diesel::RunQueryDsl::execute(
        diesel::sql_query("UPDATE data_sources SET retired_at = now() WHERE code = 'DAR'"),
        &mut conn,
    )
    .unwrap();

    let before: Vec<i64> = [
        "cases",
        "case_events",
        "application_snapshots",
        "case_number_counters",
        "idempotency_keys",
        "audit_events",
        "feed_events",
    ]
    .iter()
    .map(|t| count_rows(&mut conn, t))
    .collect();

    let etag = etag_of(&app, &owner, &a).await;
    let refused = submit(&app, &owner, &a, &etag, "a-1").await;
    let mut found = codes(refused.problem(422));
    assert!(
        !refused.text.contains(OWNER),
        "the national id is never echoed"
    );
    let etag = etag_of(&app, &owner, &b).await;
    found.extend(codes(
        submit(&app, &owner, &b, &etag, "b-1").await.problem(422),
    ));
    let found_codes: std::collections::BTreeSet<&str> =
        found.iter().map(|(_, c)| c.as_str()).collect();
    let every_rule = [
        "REQUIRED",
        "UNKNOWN_DATA_SOURCE",
        "DUPLICATE_DATA_SOURCE",
        "DATA_SOURCE_RETIRED",
        "SOURCE_PURPOSE_NOT_OFFERED",
        "SOURCE_DATA_KIND_NOT_OFFERED",
        "SOURCE_EXTERNAL_FORM",
        "UNKNOWN_VARIABLE",
        "DATES_OUT_OF_ORDER",
        "LEGAL_BASIS_MISSING",
        "REK_REFERENCE_MISSING",
        "LINKAGE_DESCRIPTION_MISSING",
        "TABLE_SPECIFICATIONS_MISSING",
        "TABLE_SOURCE_NOT_REQUESTED",
        "TABLE_VARIABLE_NOT_IN_SOURCE",
        "DIRECT_IDENTIFICATION_NOT_JUSTIFIED",
        "PROJECT_DESCRIPTION_MISSING",
        "REK_DECISION_MISSING",
        "INVALID_ORGNR",
        "INVALID_EMAIL",
        "NATIONAL_ID_IN_TEXT",
    ];
    for code in every_rule {
        assert!(
            found_codes.contains(code),
            "{code} missing from {found_codes:?}"
        );
    }
    assert!(found.contains(&(
        "/dataSources/1/code".to_owned(),
        "SOURCE_EXTERNAL_FORM".to_owned()
    )));
    assert!(found.contains(&(
        "/project/summary".to_owned(),
        "NATIONAL_ID_IN_TEXT".to_owned()
    )));
    assert!(
        refused.text.contains("https://www.ntnu.edu/hunt/data"),
        "says where to apply instead"
    );

    // The check endpoint reports the same, in both languages.
    let check = app
        .get(&format!("/api/v1/applications/{a}/check"), Some(&owner))
        .await;
    assert_eq!(check.body["complete"], false);
    for p in check.body["problems"].as_array().unwrap() {
        assert!(
            !p["messageNb"].as_str().unwrap().is_empty()
                && !p["messageEn"].as_str().unwrap().is_empty()
        );
    }
    assert!(!check.text.contains(OWNER));

    // Nothing was written by the refused submissions.
    let after: Vec<i64> = [
        "cases",
        "case_events",
        "application_snapshots",
        "case_number_counters",
        "idempotency_keys",
        "audit_events",
        "feed_events",
    ]
    .iter()
    .map(|t| count_rows(&mut conn, t))
    .collect();
    assert_eq!(before, after);
    let view = app
        .get(&format!("/api/v1/applications/{a}"), Some(&owner))
        .await;
    assert_eq!(view.body["status"], "DRAFT");
}

#[actix_rt::test]
async fn privacy_guard_refuses_national_ids_in_free_text() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let (id, etag) = create(&app, &owner, &json!({})).await;
    let path = format!("/api/v1/applications/{id}");
    let r = app.patch_json(&path, Some(&owner), Some(&etag), &json!({"project": {"summary": format!("Pasient {OWNER} og {} {}", &D_NUMBER[..6], &D_NUMBER[6..])}})).await;
    let problem = r.problem(422);
    assert_eq!(
        codes(problem),
        vec![(
            "/project/summary".to_owned(),
            "NATIONAL_ID_IN_TEXT".to_owned()
        )]
    );
    assert!(
        !r.text.contains(OWNER) && !r.text.contains(&D_NUMBER[6..]),
        "never echoed: {}",
        r.text
    );
    let r = app.patch_json(&path, Some(&owner), Some(&etag), &json!({"tableSpecifications": [{"title": "T", "dataSource": "MFR", "variables": [{"name": "VEKT", "categories": [D_NUMBER]}]}]})).await;
    assert_eq!(
        codes(r.problem(422)),
        vec![(
            "/tableSpecifications/0/variables/0/categories/0".to_owned(),
            "NATIONAL_ID_IN_TEXT".to_owned()
        )]
    );
    let r = app
        .post_json(
            "/api/v1/applications",
            Some(&owner),
            &json!({"comments": format!("ring meg, fnr {OWNER}")}),
        )
        .await;
    assert_eq!(
        codes(r.problem(422)),
        vec![("/comments".to_owned(), "NATIONAL_ID_IN_TEXT".to_owned())]
    );
    assert!(!r.text.contains(OWNER));
    // In an attachment's title or file name.
    let r = upload(
        &app,
        &owner,
        &id,
        "OTHER",
        &format!("Journal {OWNER}"),
        &format!("{OWNER}.pdf"),
        PDF,
    )
    .await;
    let errors = codes(r.problem(422));
    assert_eq!(
        errors,
        vec![
            ("/query/title".to_owned(), "NATIONAL_ID_IN_TEXT".to_owned()),
            (
                "/query/filename".to_owned(),
                "NATIONAL_ID_IN_TEXT".to_owned()
            ),
        ]
    );
    assert!(!r.text.contains(OWNER));
    let mut conn = app.db.connect();
    assert_eq!(count_rows(&mut conn, "applications"), 1);
    assert_eq!(count_rows(&mut conn, "application_attachments"), 0);
    // Nor in a field of the wrong type, where the error would quote the value.
    let r = app
        .patch_json(
            &path,
            Some(&owner),
            Some(&etag),
            &json!({"purpose": OWNER, "dataSources": [{"code": "MFR", "periodFrom": OWNER}]}),
        )
        .await;
    r.problem(422);
    assert!(!r.text.contains(OWNER), "never echoed: {}", r.text);
    let r = app
        .get(
            &format!("/api/v1/applications?status={OWNER}"),
            Some(&owner),
        )
        .await;
    r.problem(400);
    assert!(!r.text.contains(OWNER), "never echoed: {}", r.text);
    // Numbers that are not identity numbers are fine.
    let ok = app
        .patch_json(
            &path,
            Some(&owner),
            Some(&etag),
            &json!({"legalBasis": {"rekReference": "2026/12345678901"}}),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
}

#[actix_rt::test]
async fn another_persons_application_is_not_found() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let stranger = token(&app, STRANGER);
    let (id, etag) = complete_identifiable(&app, &owner).await;
    let attachment = app
        .get(&format!("/api/v1/applications/{id}"), Some(&owner))
        .await
        .body["attachments"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let base = format!("/api/v1/applications/{id}");
    for path in [
        base.clone(),
        format!("{base}/check"),
        format!("{base}/attachments"),
        format!("{base}/attachments/{attachment}"),
        format!("{base}/members"),
        format!("{base}/case"),
        format!("{base}/case/events"),
    ] {
        app.get(&path, Some(&stranger)).await.problem(404);
    }
    app.patch_json(
        &base,
        Some(&stranger),
        Some(&etag),
        &json!({"comments": "x"}),
    )
    .await
    .problem(404);
    upload(&app, &stranger, &id, "OTHER", "X", "x.pdf", PDF)
        .await
        .problem(404);
    app.delete(
        &format!("{base}/attachments/{attachment}"),
        Some(&stranger),
        Some(&etag),
    )
    .await
    .problem(404);
    invite(&app, &stranger, &id, STRANGER).await.problem(404);
    submit(&app, &stranger, &id, &etag, "s-1")
        .await
        .problem(404);
    assert_eq!(
        app.get("/api/v1/applications", Some(&stranger)).await.body["items"],
        json!([])
    );

    // After submission the case is just as invisible.
    assert_eq!(submit(&app, &owner, &id, &etag, "o-1").await.status, 201);
    app.get(&format!("{base}/case"), Some(&stranger))
        .await
        .problem(404);
    app.get(&format!("{base}/case/events"), Some(&stranger))
        .await
        .problem(404);
    let w = app
        .send(
            app.request(Method::POST, &format!("{base}/withdraw"), Some(&stranger))
                .header("If-Match", "\"v1\""),
        )
        .await;
    w.problem(404);
    // A draft has no case yet.
    let (draft, _) = create(&app, &owner, &json!({})).await;
    app.get(&format!("/api/v1/applications/{draft}/case"), Some(&owner))
        .await
        .problem(404);
    // Case handlers and organisations are not applicants here.
    let handler = app.token(Role::CaseHandler);
    app.get(&base, Some(&handler)).await.problem(403);
    app.get(&base, None).await.problem(401);
}

#[actix_rt::test]
async fn members_edit_drafts_but_only_the_owner_manages_and_submits() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let member = token(&app, MEMBER);
    let (id, _) = complete_identifiable(&app, &owner).await;
    let members = format!("/api/v1/applications/{id}/members");
    // Bad and self invitations.
    let bad = invite(&app, &owner, &id, "15058550041").await;
    assert_eq!(
        codes(bad.problem(422)),
        vec![("/nationalId".to_owned(), "INVALID_NATIONAL_ID".to_owned())]
    );
    assert!(!bad.text.contains("15058550041"));
    let own = invite(&app, &owner, &id, OWNER).await;
    assert_eq!(codes(own.problem(422))[0].1, "IS_OWNER");
    // Before the invitation the member sees nothing.
    app.get(&format!("/api/v1/applications/{id}"), Some(&member))
        .await
        .problem(404);
    let added = invite(&app, &owner, &id, MEMBER).await;
    assert_eq!(added.status, 201);
    let again = invite(&app, &owner, &id, MEMBER).await;
    assert_eq!(again.status, 200, "inviting twice is harmless");
    assert_eq!(again.body["id"], added.body["id"]);
    let d = invite(&app, &owner, &id, D_NUMBER).await;
    assert_eq!(d.status, 201, "D-nummer accepted");
    // The member reads, edits, uploads; cannot invite, remove or submit.
    let etag = etag_of(&app, &member, &id).await;
    let edited = app
        .patch_json(
            &format!("/api/v1/applications/{id}"),
            Some(&member),
            Some(&etag),
            &json!({"comments": "Medsøker har lest gjennom."}),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    assert_eq!(
        upload(&app, &member, &id, "DPIA", "DPIA", "dpia.pdf", PDF)
            .await
            .status,
        201
    );
    invite(&app, &member, &id, STRANGER).await.problem(403);
    let member_id = added.body["id"].as_str().unwrap();
    let etag = etag_of(&app, &owner, &id).await;
    app.delete(
        &format!("{members}/{member_id}"),
        Some(&member),
        Some(&etag),
    )
    .await
    .problem(403);
    let etag = etag_of(&app, &member, &id).await;
    submit(&app, &member, &id, &etag, "m-1").await.problem(403);
    let list = app.get(&members, Some(&member)).await;
    assert_eq!(list.body.as_array().unwrap().len(), 2);
    assert!(!list.text.contains(MEMBER) && !list.text.contains(D_NUMBER));
    // The owner removes the member, who then sees nothing.
    let etag = etag_of(&app, &owner, &id).await;
    app.delete(&format!("{members}/{member_id}"), Some(&owner), None)
        .await
        .problem(428);
    app.delete(
        &format!("{members}/{member_id}"),
        Some(&owner),
        Some("\"v1\""),
    )
    .await
    .problem(412);
    assert_eq!(
        app.delete(&format!("{members}/{member_id}"), Some(&owner), Some(&etag))
            .await
            .status,
        204
    );
    let etag = etag_of(&app, &owner, &id).await;
    app.get(&format!("/api/v1/applications/{id}"), Some(&member))
        .await
        .problem(404);
    app.delete(&format!("{members}/{member_id}"), Some(&owner), Some(&etag))
        .await
        .problem(404);
    // No personal number in the audit trail.
    let mut conn = app.db.connect();
    let audit: Vec<String> = diesel::RunQueryDsl::load::<AuditText>(
        diesel::sql_query(
            "SELECT (actor || ' ' || coalesce(after_state::text, '')) AS text FROM audit_events",
        ),
        &mut conn,
    )
    .unwrap()
    .into_iter()
    .map(|r| r.text)
    .collect();
    assert!(!audit.is_empty());
    for line in audit {
        assert!(
            !line.contains(OWNER) && !line.contains(MEMBER) && !line.contains(D_NUMBER),
            "{line}"
        );
    }
}

#[derive(diesel::QueryableByName)]
struct AuditText {
    #[diesel(sql_type = diesel::sql_types::Text)]
    text: String,
}

#[actix_rt::test]
async fn list_is_paginated_with_a_cursor() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            create(
                &app,
                &owner,
                &json!({"project": {"title": format!("Prosjekt {i}")}}),
            )
            .await
            .0,
        );
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/applications?limit=2&cursor={c}"),
            None => "/api/v1/applications?limit=2".to_owned(),
        };
        let page = app.get(&path, Some(&owner)).await;
        assert_eq!(page.status, 200, "{}", page.text);
        for item in page.body["items"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_owned());
            assert_eq!(item["status"], "DRAFT");
        }
        match page.body["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    ids.reverse();
    assert_eq!(seen, ids, "newest first, each once");
    app.get("/api/v1/applications?cursor=!!", Some(&owner))
        .await
        .problem(400);
    app.get("/api/v1/applications?status=NOPE", Some(&owner))
        .await
        .problem(400);
}
