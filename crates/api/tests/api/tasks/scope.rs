//! Whose tasks a custodian sees: its own only (another's is 404), and
//! who is refused (an unknown orgnr, other roles: 403).

use super::*;

#[actix_rt::test]
async fn each_custodian_sees_only_its_own_tasks_and_another_custodians_task_is_404() {
    let app = TestApp::spawn().await;
    let case_id = decided_case(&app, "scope").await;
    let (fhi, hdir) = (custodian(&app, FHI), custodian(&app, HDIR));
    let mine = only_task(&app, &fhi).await;
    assert_eq!(mine["dataSource"]["code"], "MFR");
    assert_eq!(mine["kind"], "DATA_PREPARATION");
    assert_eq!(mine["state"], "ASSIGNED");
    assert_eq!(mine["caseId"], case_id.as_str());
    let theirs = only_task(&app, &hdir).await;
    assert_eq!(theirs["dataSource"]["code"], "NPR");
    let theirs_id = theirs["id"].as_str().unwrap();

    // another custodian's task does not exist for FHI
    read(&app, &fhi, theirs_id).await.problem(404);
    let own = read(&app, &hdir, theirs_id).await;
    act_with(
        &app,
        &fhi,
        theirs_id,
        "acknowledge",
        Some(own.header("etag")),
        &json!({}),
    )
    .await
    .problem(404);

    // the detail holds only this source's part
    let detail = read(&app, &fhi, mine["id"].as_str().unwrap()).await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    assert!(
        detail.header("etag").starts_with("\"v1-"),
        "{}",
        detail.header("etag")
    );
    let d = &detail.body;
    assert_eq!(
        d["project"]["title"],
        "Fødselsvekt og senere sykehusinnleggelser"
    );
    assert_eq!(d["contact"]["email"], "kari.nordmann@medisin.uio.no");
    assert_eq!(d["decision"]["outcome"], "GRANTED");
    assert_eq!(
        d["decision"]["conditions"][0],
        "Data slettes ved prosjektslutt."
    );
    assert!(d["caseNumber"].is_string());
    // nothing of HDIR's part: NPR's variables, period and decision are not
    // here (the linkage plan, which names NPR, is what FHI needs to link)
    for npr_only in ["HOVEDTILSTAND1", "INNDATO"] {
        assert!(
            !detail.text.contains(npr_only),
            "nothing of HDIR's part ({npr_only}): {}",
            detail.text
        );
    }
    assert_eq!(d["linkage"]["linkedSources"], json!(["MFR", "NPR"]));
    assert!(!detail.text.contains(OWNER), "no national identity number");
}

#[actix_rt::test]
async fn an_unknown_orgnr_is_403_with_a_clear_detail_and_other_roles_are_403() {
    let app = TestApp::spawn().await;
    let stranger = custodian(&app, UNKNOWN_ORG);
    // a retired custodian is no longer one
    sql(
        &app,
        &format!("UPDATE custodians SET retired_at = now() WHERE orgnr = '{HDIR}'"),
    );
    let retired = custodian(&app, HDIR);
    for who in [&stranger, &retired] {
        for path in [
            "/api/v1/tasks",
            "/api/v1/tasks/00000000-0000-0000-0000-000000000000",
        ] {
            // a first poll and one with an ETag take different ways to the
            // custodian
            for etag in [None, Some("\"stale\"")] {
                let request = app.request(Method::GET, path, Some(who));
                let request = match etag {
                    Some(etag) => request.header("If-None-Match", etag),
                    None => request,
                };
                let response = app.send(request).await;
                let p = response.problem(403);
                assert!(
                    p["detail"]
                        .as_str()
                        .unwrap()
                        .contains("not a registered custodian"),
                    "{path} {etag:?}: {p}"
                );
            }
        }
    }
    let handler = app.token(Role::CaseHandler);
    list(&app, &handler, "").await.problem(403);
    let applicant = token(&app, OWNER);
    list(&app, &applicant, "").await.problem(403);
}
