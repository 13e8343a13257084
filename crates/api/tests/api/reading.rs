//! Who reads what (issue 12): case handlers read and download every
//! attachment of a submitted case, kept as submitted; a custodian that
//! decides reads the whole application with its attachments; a custodian
//! that prepares data reads only its source's part, and nothing of others.

use hds_api::auth::Role;
use serde_json::json;

use crate::applications::{token, OWNER, PDF};
use crate::journey::{
    case_command, case_file, custodian, granted, identifiable_case, npr_decided_by_hdir, read_task,
    sql, task_of, FHI, HDIR,
};
use crate::support::TestApp;

#[actix_rt::test]
async fn a_case_handler_downloads_the_attachments_as_they_were_submitted() {
    let app = TestApp::spawn().await;
    let (app_id, case_id) = identifiable_case(&app, "read-attachments").await;
    let c = case_file(&app, &case_id).await;
    let attachments = c["attachments"].as_array().unwrap();
    let kinds: Vec<&str> = attachments
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["PROJECT_DESCRIPTION", "REK_DECISION"]);
    let url = attachments[1]["downloadUrl"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&format!("/api/v1/cases/{case_id}/attachments/")));
    let h = app.token(Role::CaseHandler);
    let r = app.get(&url, Some(&h)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.bytes, PDF);
    assert_eq!(r.content_type(), "application/pdf");
    assert!(r.header("content-disposition").contains("rek.pdf"));
    let sha = attachments[1]["sha256"].as_str().unwrap();
    assert_eq!(r.header("etag"), format!("\"{sha}\""));

    // whatever later happens to the draft's files, what was submitted stays
    sql(
        &app,
        &format!("DELETE FROM application_attachments WHERE application_id = '{app_id}'"),
    );
    let r = app.get(&url, Some(&h)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.bytes, PDF);
    // and the database refuses to change or drop the submitted files
    let mut conn = app.db.connect();
    for statement in [
        format!(
            "UPDATE submitted_attachments SET title = 'endret' WHERE application_id = '{app_id}'"
        ),
        format!("DELETE FROM submitted_attachments WHERE application_id = '{app_id}'"),
        "DELETE FROM attachment_blobs".to_owned(),
        "UPDATE attachment_blobs SET content = 'x'".to_owned(),
    ] {
        let refused = diesel::RunQueryDsl::execute(diesel::sql_query(&statement), &mut conn);
        assert!(refused.is_err(), "{statement} must be refused");
    }

    // only case handlers; another case's attachment id is a 404
    let owner = token(&app, OWNER);
    app.get(&url, Some(&owner)).await.problem(403);
    let (_, other) = identifiable_case(&app, "read-attachments-2").await;
    let attachment = url.rsplit('/').next().unwrap();
    app.get(
        &format!("/api/v1/cases/{other}/attachments/{attachment}"),
        Some(&h),
    )
    .await
    .problem(404);
}

#[actix_rt::test]
async fn a_deciding_custodian_reads_the_whole_application_and_a_preparing_one_only_its_part() {
    let app = TestApp::spawn().await;
    let (_, case_id) = identifiable_case(&app, "read-custodians").await;
    npr_decided_by_hdir(&app, &case_id);
    case_command(&app, &case_id, "complete", &json!({})).await;

    // Helsedirektoratet decides NPR: it reads everything it must judge
    let hdir = custodian(&app, HDIR);
    let decide = task_of(&app, &hdir, "NPR", "DECISION").await;
    let r = app
        .get(&format!("/api/v1/tasks/{decide}/application"), Some(&hdir))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let a = &r.body["application"];
    assert_eq!(a["purpose"], "MEDICAL_AND_HEALTH_RESEARCH");
    assert_eq!(a["legalBasis"]["rekReference"], "2026/123456");
    assert_eq!(a["linkage"]["linkedSources"], json!(["MFR", "NPR"]));
    assert_eq!(a["dataSources"][0]["code"], "MFR", "the whole application");
    let attachments = r.body["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 2);
    let url = attachments[0]["downloadUrl"].as_str().unwrap();
    assert!(url.starts_with(&format!("/api/v1/tasks/{decide}/attachments/")));
    let file = app.get(url, Some(&hdir)).await;
    assert_eq!(file.status, 200, "{}", file.text);
    assert_eq!(file.bytes, PDF);
    // not another custodian's task
    let fhi = custodian(&app, FHI);
    app.get(&format!("/api/v1/tasks/{decide}/application"), Some(&fhi))
        .await
        .problem(404);
    app.get(url, Some(&fhi)).await.problem(404);

    // HDS decides MFR, Helsedirektoratet NPR: the case is decided, FHI prepares MFR
    case_command(
        &app,
        &case_id,
        "decisions",
        &json!({"decisions": [granted("MFR")]}),
    )
    .await;
    let r = crate::journey::task_action(
        &app,
        &hdir,
        &decide,
        "decision",
        &crate::support::with_terms(json!({"outcome": "GRANTED", "legalBasis": ["helseregisterloven § 19 a"], "text": "Innvilget."})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let prepare = task_of(&app, &fhi, "MFR", "DATA_PREPARATION").await;

    // the preparing custodian reads its source's part in the task, and no more
    let t = read_task(&app, &fhi, &prepare).await;
    assert_eq!(t.status, 200, "{}", t.text);
    let d = &t.body;
    assert_eq!(
        d["requested"]["variables"],
        json!(["VEKT", "KJONN", "FAAR"])
    );
    assert_eq!(d["requested"]["periodFrom"], 2000);
    assert_eq!(d["linkage"]["linkedSources"], json!(["MFR", "NPR"]));
    assert_eq!(
        d["decision"]["conditions"][0],
        "Data slettes ved prosjektslutt."
    );
    assert_eq!(d["decision"]["accessTo"], "2099-12-31");
    assert_eq!(d["decision"]["disposeBy"], "2100-06-30");
    assert_eq!(d["contact"]["email"], "kari.nordmann@medisin.uio.no");
    assert!(d["deadlines"]["statutoryDeadline"].is_string());
    for npr_only in ["HOVEDTILSTAND1", "INNDATO", "rekReference", "gdprArticle"] {
        assert!(!t.text.contains(npr_only), "{npr_only} in {}", t.text);
    }
    app.get(&format!("/api/v1/tasks/{prepare}/application"), Some(&fhi))
        .await
        .problem(404);
    let attachment = url.rsplit('/').next().unwrap();
    app.get(
        &format!("/api/v1/tasks/{prepare}/attachments/{attachment}"),
        Some(&fhi),
    )
    .await
    .problem(404);
    // the decided task still reads the application it judged
    assert_eq!(
        app.get(&format!("/api/v1/tasks/{decide}/application"), Some(&hdir))
            .await
            .status,
        200
    );
}
