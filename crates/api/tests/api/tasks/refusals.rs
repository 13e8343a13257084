//! Refused task actions: 409 with why and nothing written, a reason for
//! CANNOT_DELIVER, and If-Match (428 missing, 412 stale).

use super::*;

#[actix_rt::test]
async fn refused_actions_are_409_with_why_and_write_nothing() {
    let app = TestApp::spawn().await;
    let (_, case_id) = two_custodian_case(&app, "refusals", true).await;
    case_command(&app, &case_id, "complete", &json!({})).await;
    let hdir = custodian(&app, HDIR);
    let decision_task = only_task(&app, &hdir).await;
    assert_eq!(decision_task["kind"], "DECISION");
    let did = decision_task["id"].as_str().unwrap().to_owned();
    let delivery = json!({"deliveredOn": today(), "method": "EMAIL", "contents": "tabeller.xlsx"});

    let check = |r: Response, why: &str| {
        let p = r.problem(409).clone();
        assert!(p["detail"].as_str().unwrap().contains(why), "{p}");
    };
    let before = work_rows(&app);
    // hours and progress before acknowledgement; delivery on a DECISION task
    check(
        act(
            &app,
            &hdir,
            &did,
            "hours",
            &json!({"workedOn": today(), "hours": "1", "description": "Lesing"}),
        )
        .await,
        "acknowledge",
    );
    check(
        act(&app, &hdir, &did, "deliveries", &delivery).await,
        "recording the decision",
    );
    check(
        act(&app, &hdir, &did, "progress", &json!({"note": "x"})).await,
        "recording the decision",
    );
    check(
        act(&app, &hdir, &did, "cannot-deliver", &json!({"reason": "x"})).await,
        "recording the decision",
    );
    assert_eq!(
        work_rows(&app),
        before,
        "refusals write nothing (no event, feed, audit)"
    );
    assert!(read(&app, &hdir, &did)
        .await
        .header("etag")
        .starts_with("\"v1-"));

    // a delivery before the source is decided (a preparation task made early by SQL)
    sql(
        &app,
        &format!(
            "INSERT INTO custodian_tasks (case_id, custodian_id, data_source_id, kind) \
             SELECT case_id, custodian_id, data_source_id, 'DATA_PREPARATION' FROM case_sources \
             WHERE case_id = '{case_id}' AND data_source_code = 'NPR'"
        ),
    );
    let prep = list(&app, &hdir, "?kind=DATA_PREPARATION").await.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        act(&app, &hdir, &prep, "acknowledge", &json!({}))
            .await
            .status,
        200
    );
    let before = work_rows(&app);
    check(
        act(&app, &hdir, &prep, "deliveries", &delivery).await,
        "no decision yet",
    );
    check(
        act(
            &app,
            &hdir,
            &prep,
            "decision",
            &with_terms(
                json!({"outcome": "GRANTED", "legalBasis": ["§ 19 a"], "text": "Innvilget."}),
            ),
        )
        .await,
        "only a DECISION task",
    );
    assert_eq!(work_rows(&app), before);

    // HDS decides MFR, HDIR refuses NPR: a delivery for the refused source is refused
    case_command(
        &app,
        &case_id,
        "decisions",
        &json!({"decisions": [granted("MFR")]}),
    )
    .await;
    let r = act(&app, &hdir, &did, "decision", &json!({"outcome": "REFUSED", "legalBasis": ["helseregisterloven § 19 b"], "text": "Avslått."})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let before = work_rows(&app);
    let r = act(&app, &hdir, &prep, "deliveries", &delivery).await;
    let detail = r.problem(409)["detail"].as_str().unwrap().to_owned();
    assert!(
        detail.contains("CANCELLED"),
        "the refusal cancelled it: {detail}"
    );
    assert_eq!(work_rows(&app), before);
    // even if it were still open (forced by SQL), the state machine refuses the delivery
    sql(
        &app,
        &format!("UPDATE custodian_tasks SET state = 'ACKNOWLEDGED' WHERE id = '{prep}'"),
    );
    let before = work_rows(&app);
    let r = act(&app, &hdir, &prep, "deliveries", &delivery).await;
    let detail = r.problem(409)["detail"].as_str().unwrap().to_owned();
    assert!(detail.contains("the source was refused"), "{detail}");
    assert_eq!(work_rows(&app), before);
}

#[actix_rt::test]
async fn cannot_deliver_needs_a_reason_and_closes_the_task() {
    let app = TestApp::spawn().await;
    decided_case(&app, "cannot").await;
    let fhi = custodian(&app, FHI);
    let id = only_task(&app, &fhi).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let p = act(&app, &fhi, &id, "cannot-deliver", &json!({"reason": "  "})).await;
    assert_eq!(p.problem(422)["errors"][0]["pointer"], "/reason");
    let r = act(
        &app,
        &fhi,
        &id,
        "cannot-deliver",
        &json!({"reason": "Variablene finnes ikke for 2010"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["state"], "CANNOT_DELIVER");
    assert_eq!(r.body["stateReason"], "Variablene finnes ikke for 2010");
    assert!(feed_types(&app, FHI)
        .iter()
        .any(|(t, i)| t == "no.helsedata.task.cannot_deliver" && *i == id));
}

#[actix_rt::test]
async fn actions_need_if_match_and_a_stale_one_is_412() {
    let app = TestApp::spawn().await;
    decided_case(&app, "if-match").await;
    let fhi = custodian(&app, FHI);
    let id = only_task(&app, &fhi).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    act_with(&app, &fhi, &id, "acknowledge", None, &json!({}))
        .await
        .problem(428);
    act_with(&app, &fhi, &id, "acknowledge", Some("\"v7\""), &json!({}))
        .await
        .problem(412);
    act_with(&app, &fhi, &id, "acknowledge", Some("v1"), &json!({}))
        .await
        .problem(400);
    let garbage = app
        .send(
            app.request(
                Method::POST,
                &format!("/api/v1/tasks/{id}/acknowledge"),
                Some(&fhi),
            )
            .header("If-Match", "\"v1\"")
            .header("Content-Type", "application/json")
            .body("{not json"),
        )
        .await;
    garbage.problem(400);
    // the body is optional
    let ok = app
        .send(
            app.request(
                Method::POST,
                &format!("/api/v1/tasks/{id}/acknowledge"),
                Some(&fhi),
            )
            .header("If-Match", "\"v1\""),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    // the loser of a race holding the old ETag
    act_with(
        &app,
        &fhi,
        &id,
        "progress",
        Some("\"v1\""),
        &json!({"note": "x"}),
    )
    .await
    .problem(412);
}
