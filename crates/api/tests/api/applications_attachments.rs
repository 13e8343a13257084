//! Attachments: limits, sniffing, names, download headers, deletion.

use hds_persistence::test_support::count_rows;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::applications::{create, etag_of, token, upload, OWNER, PDF};
use crate::support::TestApp;

#[actix_rt::test]
async fn upload_over_the_limit_is_413_and_stores_nothing() {
    let app = TestApp::spawn_with(|c| c.max_attachment_bytes = 1024).await;
    let owner = token(&app, OWNER);
    let (id, etag) = create(&app, &owner, &json!({})).await;
    let mut big = PDF.to_vec();
    big.resize(1025, b' ');
    let r = upload(
        &app,
        &owner,
        &id,
        "PROJECT_DESCRIPTION",
        "Prosjektbeskrivelse",
        "p.pdf",
        &big,
    )
    .await;
    r.problem(413);
    let mut ok = PDF.to_vec();
    ok.resize(1024, b' ');
    assert_eq!(
        upload(
            &app,
            &owner,
            &id,
            "PROJECT_DESCRIPTION",
            "Prosjektbeskrivelse",
            "p.pdf",
            &ok
        )
        .await
        .status,
        201
    );
    let mut conn = app.db.connect();
    assert_eq!(count_rows(&mut conn, "application_attachments"), 1);
    assert_ne!(
        etag_of(&app, &owner, &id).await,
        etag,
        "an attachment changes the application's version"
    );
}

#[actix_rt::test]
async fn content_is_sniffed_not_trusted() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let (id, _) = create(&app, &owner, &json!({})).await;
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
    let exe: &[u8] = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0";
    let zip: &[u8] = b"PK\x03\x04\x14\0\0\0\x08\0just-a-zip.bin";
    for (bytes, name) in [
        (png, "bilde.pdf"),
        (exe, "program.pdf"),
        (zip, "dokument.docx"),
        (b"tekst\0med nul".as_slice(), "x.txt"),
    ] {
        let r = upload(&app, &owner, &id, "OTHER", "Vedlegg", name, bytes).await;
        r.problem(415);
    }
    assert_eq!(
        count_rows(&mut app.db.connect(), "application_attachments"),
        0
    );

    let docx: &[u8] = b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0[Content_Types].xml...word/document.xml";
    let r = upload(
        &app,
        &owner,
        &id,
        "VARIABLE_LIST",
        "Variabelliste",
        "variabler.docx",
        docx,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        r.body["contentType"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let mut odt = b"PK\x03\x04".to_vec();
    odt.extend_from_slice(&[0; 26]);
    odt.extend_from_slice(b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet");
    let r = upload(
        &app,
        &owner,
        &id,
        "TABLE_SPECIFICATION",
        "Tabeller",
        "tabeller.ods",
        &odt,
    )
    .await;
    assert_eq!(
        r.body["contentType"],
        "application/vnd.oasis.opendocument.spreadsheet"
    );
    let ole: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
    let r = upload(
        &app,
        &owner,
        &id,
        "INFORMATION_LETTER",
        "Informasjonsskriv",
        "info.doc",
        ole,
    )
    .await;
    assert_eq!(r.body["contentType"], "application/msword");
    // A PDF sent with a lying Content-Type header is still a PDF.
    let r = app
        .send(
            app.request(
                reqwest::Method::POST,
                &format!("/api/v1/applications/{id}/attachments"),
                Some(&owner),
            )
            .query(&[
                ("kind", "DPIA"),
                ("title", "DPIA"),
                ("filename", "dpia.pdf"),
            ])
            .header("Content-Type", "image/png")
            .header("If-Match", etag_of(&app, &owner, &id).await)
            .body(PDF.to_vec()),
        )
        .await;
    assert_eq!(r.body["contentType"], "application/pdf");
    // Without If-Match.
    let r = app
        .send(
            app.request(
                reqwest::Method::POST,
                &format!("/api/v1/applications/{id}/attachments"),
                Some(&owner),
            )
            .query(&[
                ("kind", "DPIA"),
                ("title", "DPIA"),
                ("filename", "dpia.pdf"),
            ])
            .body(PDF.to_vec()),
        )
        .await;
    r.problem(428);
    // Bad query parameters.
    let r = upload(&app, &owner, &id, "PHOTO", "X", "x.pdf", PDF).await;
    r.problem(400);
    let r = upload(&app, &owner, &id, "OTHER", "  ", "../", PDF).await;
    let problem = r.problem(422);
    let pointers: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(pointers, vec!["/query/title", "/query/filename"]);
}

#[actix_rt::test]
async fn download_has_type_disposition_and_the_same_bytes() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let (id, _) = create(&app, &owner, &json!({})).await;
    let r = upload(
        &app,
        &owner,
        &id,
        "PROJECT_DESCRIPTION",
        "Prosjektbeskrivelse",
        "../../Prosjekt \"beskrivelse\" æøå.pdf",
        PDF,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["filename"], "Prosjekt _beskrivelse_ æøå.pdf");
    let expected_sha = Sha256::digest(PDF).iter().fold(String::new(), |mut s, b| {
        use std::fmt::Write as _;
        let _ = write!(s, "{b:02x}");
        s
    });
    assert_eq!(r.body["sha256"], expected_sha.as_str());
    assert_eq!(r.body["sizeBytes"], PDF.len());
    let url = r.body["downloadUrl"].as_str().unwrap().to_owned();
    assert_eq!(r.header("location"), url);
    let d = app.get(&url, Some(&token(&app, OWNER))).await;
    assert_eq!(d.status, 200);
    assert_eq!(d.content_type(), "application/pdf");
    assert_eq!(
        d.header("content-disposition"),
        "attachment; filename=\"Prosjekt _beskrivelse_ ___.pdf\"; filename*=UTF-8''Prosjekt%20_beskrivelse_%20%C3%A6%C3%B8%C3%A5.pdf"
    );
    assert_eq!(d.header("x-content-type-options"), "nosniff");
    assert_eq!(d.bytes, PDF);
    // The view lists it.
    let view = app
        .get(&format!("/api/v1/applications/{id}"), Some(&owner))
        .await;
    assert_eq!(view.body["attachments"][0]["kind"], "PROJECT_DESCRIPTION");
    assert_eq!(view.body["attachments"][0]["title"], "Prosjektbeskrivelse");
}

#[actix_rt::test]
async fn attachments_are_deleted_while_draft() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let (id, _) = create(&app, &owner, &json!({})).await;
    let r = upload(
        &app,
        &owner,
        &id,
        "OTHER",
        "Notat",
        "notat.txt",
        "Et notat".as_bytes(),
    )
    .await;
    let url = r.body["downloadUrl"].as_str().unwrap().to_owned();
    let etag = etag_of(&app, &owner, &id).await;
    app.delete(&url, Some(&owner), Some("\"v1\""))
        .await
        .problem(412);
    assert_eq!(
        app.delete(&url, Some(&owner), Some(&etag)).await.status,
        204
    );
    app.get(&url, Some(&owner)).await.problem(404);
    app.delete(&url, Some(&owner), None).await.problem(428);
    let etag = etag_of(&app, &owner, &id).await;
    app.delete(&url, Some(&owner), Some(&etag))
        .await
        .problem(404);
    assert_eq!(
        count_rows(&mut app.db.connect(), "application_attachments"),
        0
    );
}

#[actix_rt::test]
async fn a_retried_upload_with_one_key_stores_one_attachment() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let (id, etag) = create(&app, &owner, &json!({})).await;
    let send = || {
        app.send(
            app.request(
                reqwest::Method::POST,
                &format!("/api/v1/applications/{id}/attachments"),
                Some(&owner),
            )
            .query(&[
                ("kind", "PROJECT_DESCRIPTION"),
                ("title", "Prosjektbeskrivelse"),
                ("filename", "p.pdf"),
            ])
            .header("If-Match", etag.as_str())
            .header("Idempotency-Key", "upload-1")
            .body(PDF.to_vec()),
        )
    };
    let (a, b) = tokio::join!(send(), send());
    assert_eq!((a.status, b.status), (201, 201), "{} / {}", a.text, b.text);
    assert_eq!(a.body["id"], b.body["id"]);
    assert_eq!(
        count_rows(&mut app.db.connect(), "application_attachments"),
        1
    );
}
