//! Documents sent later (ettersending, issue 13) over HTTP: an attachment
//! sent with an answer to a question, a new version of a submitted
//! attachment (the submitted one stays readable), what the case handler and
//! the source's custodian see, and the refusals.

use reqwest::Method;
use serde_json::json;

use crate::applications::{etag_of, token, OWNER, STRANGER};
use crate::fees::{
    acknowledged_task, case_command, complete_and_grant, custodian, draft, handler, on, plus,
    received, submit_draft, tables_content, DMP, FHI,
};
use crate::support::{Response, TestApp};

/// Sends a file to the case of application `id` (owner, current ETag).
async fn send_later(app: &TestApp, id: &str, query: &[(&str, &str)], bytes: &[u8]) -> Response {
    let owner = token(app, OWNER);
    let etag = etag_of(app, &owner, id).await;
    let request = app
        .request(
            Method::POST,
            &format!("/api/v1/applications/{id}/case/attachments"),
            Some(&owner),
        )
        .query(query)
        .header("Content-Type", "application/octet-stream")
        .header("If-Match", etag)
        .body(bytes.to_vec());
    app.send(request).await
}

async fn download(app: &TestApp, path: &str, tok: &str) -> Vec<u8> {
    let r = app.get(path, Some(tok)).await;
    assert_eq!(r.status, 200, "{path}: {}", r.text);
    r.bytes
}

fn kinds(history: &serde_json::Value) -> Vec<String> {
    history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_rt::test]
async fn attachments_sent_later_answer_questions_and_replace_with_the_submitted_one_kept() {
    let app = TestApp::spawn().await;
    let t0 = received();
    on(&app, t0);
    let owner = token(&app, OWNER);
    let h = handler(&app);
    let id = draft(&app, &tables_content(&["MFR"], false)).await;
    let case = submit_draft(&app, &id, "original").await;

    // a question, answered with an attachment and then in words
    case_command(
        &app,
        &case,
        "questions",
        &json!({"text": "Send oppdatert variabelliste."}),
    )
    .await;
    let file = app.get(&format!("/api/v1/cases/{case}"), Some(&h)).await;
    let question = file.body["questions"][0]["id"].as_str().unwrap().to_owned();
    let answer_file = "variabel;beskrivelse\nVEKT;fødselsvekt\n".as_bytes();
    let sent = send_later(
        &app,
        &id,
        &[
            ("kind", "VARIABLE_LIST"),
            ("title", "Variabelliste"),
            ("filename", "variabler.csv"),
            ("questionId", &question),
        ],
        answer_file,
    )
    .await;
    assert_eq!(sent.status, 201, "{}", sent.text);
    assert_eq!(sent.body["questionId"].as_str().unwrap(), question);
    let case_etag = app
        .get(&format!("/api/v1/applications/{id}/case"), Some(&owner))
        .await
        .header("etag")
        .to_owned();
    let answered = app
        .json_with(
            Method::POST,
            &format!("/api/v1/applications/{id}/case/questions/{question}/answer"),
            Some(&owner),
            Some(&json!({"answer": "Variabellisten er vedlagt."})),
            &[("If-Match", &case_etag)],
        )
        .await;
    assert_eq!(answered.status, 200, "{}", answered.text);

    // decided; then a new version of the submitted project description
    complete_and_grant(&app, &case, &["MFR"], plus(t0, 1), plus(t0, 2)).await;
    let listed = app
        .get(
            &format!("/api/v1/applications/{id}/attachments"),
            Some(&owner),
        )
        .await;
    let submitted = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "PROJECT_DESCRIPTION")
        .unwrap()
        .clone();
    let old_id = submitted["id"].as_str().unwrap().to_owned();
    let old_bytes = download(
        &app,
        &format!("/api/v1/applications/{id}/attachments/{old_id}"),
        &owner,
    )
    .await;
    let new_bytes = "Prosjektbeskrivelse, versjon 2: perioden er forlenget.\n".as_bytes();
    let replaced = send_later(
        &app,
        &id,
        &[
            ("kind", "PROJECT_DESCRIPTION"),
            ("title", "Prosjektbeskrivelse v2"),
            ("filename", "prosjekt-v2.txt"),
            ("replaces", &old_id),
            ("dataSource", "MFR"),
        ],
        new_bytes,
    )
    .await;
    assert_eq!(replaced.status, 201, "{}", replaced.text);
    assert_eq!(replaced.body["replaces"].as_str().unwrap(), old_id);
    let new_id = replaced.body["attachment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // both readable: the submitted version is untouched
    assert_eq!(
        download(
            &app,
            &format!("/api/v1/applications/{id}/attachments/{old_id}"),
            &owner
        )
        .await,
        old_bytes
    );
    assert_eq!(
        download(
            &app,
            &format!("/api/v1/applications/{id}/attachments/{new_id}"),
            &owner
        )
        .await,
        new_bytes
    );
    let mine = app
        .get(
            &format!("/api/v1/applications/{id}/case/attachments"),
            Some(&owner),
        )
        .await;
    assert_eq!(mine.body.as_array().unwrap().len(), 2, "{}", mine.text);

    // the case handler: every attachment, those sent later, the events
    let seen = app
        .get(&format!("/api/v1/cases/{case}/attachments"), Some(&h))
        .await;
    assert_eq!(seen.status, 200, "{}", seen.text);
    assert_eq!(seen.body["attachments"].as_array().unwrap().len(), 4);
    assert_eq!(seen.body["sentLater"].as_array().unwrap().len(), 2);
    assert_eq!(
        download(
            &app,
            &format!("/api/v1/cases/{case}/attachments/{old_id}"),
            &h
        )
        .await,
        old_bytes
    );
    assert_eq!(
        download(
            &app,
            &format!("/api/v1/cases/{case}/attachments/{new_id}"),
            &h
        )
        .await,
        new_bytes
    );
    let file = app.get(&format!("/api/v1/cases/{case}"), Some(&h)).await;
    let history = kinds(&file.body["history"]);
    assert_eq!(
        history
            .iter()
            .filter(|k| *k == "ATTACHMENT_SENT_LATER")
            .count(),
        2,
        "{history:?}"
    );
    let applicant_view = app
        .get(
            &format!("/api/v1/applications/{id}/case/events"),
            Some(&owner),
        )
        .await;
    assert!(kinds(&applicant_view.body).contains(&"ATTACHMENT_SENT_LATER".to_owned()));

    // the custodian of MFR sees the one about MFR (not the answer's), no other custodian
    let fhi = custodian(&app, FHI);
    let task = acknowledged_task(&app, &fhi, "MFR").await;
    let theirs = app
        .get(&format!("/api/v1/tasks/{task}/attachments"), Some(&fhi))
        .await;
    assert_eq!(theirs.status, 200, "{}", theirs.text);
    let items = theirs.body.as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", theirs.text);
    assert_eq!(items[0]["attachment"]["id"].as_str().unwrap(), new_id);
    assert_eq!(
        download(
            &app,
            &format!("/api/v1/tasks/{task}/attachments/{new_id}"),
            &fhi
        )
        .await,
        new_bytes
    );
    app.get(
        &format!("/api/v1/tasks/{task}/attachments/{old_id}"),
        Some(&fhi),
    )
    .await
    .problem(404);
    let feed_types = |tok: String| {
        let app = &app;
        async move {
            let r = app
                .get("/api/v1/events?after=0&limit=1000", Some(&tok))
                .await;
            assert_eq!(r.status, 200, "{}", r.text);
            r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["type"] == "no.helsedata.case.attachment_sent_later")
                .count()
        }
    };
    assert_eq!(feed_types(fhi.clone()).await, 1);
    assert_eq!(feed_types(custodian(&app, DMP)).await, 0);
    let dmp = custodian(&app, DMP);
    app.get(&format!("/api/v1/tasks/{task}/attachments"), Some(&dmp))
        .await
        .problem(404);

    // refusals: an old version replaced twice, an unknown attachment or question, a stranger
    let again = send_later(
        &app,
        &id,
        &[
            ("kind", "PROJECT_DESCRIPTION"),
            ("title", "v3"),
            ("filename", "p3.txt"),
            ("replaces", &old_id),
        ],
        new_bytes,
    )
    .await;
    again.problem(409);
    let unknown = send_later(
        &app,
        &id,
        &[
            ("kind", "OTHER"),
            ("title", "x"),
            ("filename", "x.txt"),
            ("replaces", "00000000-0000-4000-8000-000000000000"),
            ("questionId", "00000000-0000-4000-8000-000000000001"),
            ("dataSource", "NPR"),
        ],
        new_bytes,
    )
    .await;
    let pointers: Vec<&str> = unknown.problem(422)["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(
        pointers,
        ["/query/replaces", "/query/questionId", "/query/dataSource"]
    );
    let stranger = token(&app, STRANGER);
    app.get(
        &format!("/api/v1/applications/{id}/case/attachments"),
        Some(&stranger),
    )
    .await
    .problem(404);
    let seen_after = app
        .get(&format!("/api/v1/cases/{case}/attachments"), Some(&h))
        .await;
    assert_eq!(
        seen_after.body["sentLater"].as_array().unwrap().len(),
        2,
        "refusals stored nothing"
    );
}

#[actix_rt::test]
async fn a_draft_takes_attachments_the_ordinary_way() {
    let app = TestApp::spawn().await;
    let id = draft(&app, &tables_content(&["MFR"], false)).await;
    let r = send_later(
        &app,
        &id,
        &[
            ("kind", "OTHER"),
            ("title", "Notat"),
            ("filename", "notat.txt"),
        ],
        b"notat\n",
    )
    .await;
    assert!(r.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("/attachments"));
}
