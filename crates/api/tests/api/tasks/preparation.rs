//! A data preparation from acknowledgement to delivery, closing the case
//! once every granted source is delivered or reported, and HDS postponing
//! a decided case while its data are awaited.

use super::*;

#[actix_rt::test]
async fn a_data_preparation_goes_from_acknowledgement_through_progress_and_hours_to_delivery() {
    let app = TestApp::spawn().await;
    decided_case(&app, "journey").await;
    let fhi = custodian(&app, FHI);
    let task = only_task(&app, &fhi).await;
    let id = task["id"].as_str().unwrap().to_owned();

    let r = act(
        &app,
        &fhi,
        &id,
        "acknowledge",
        &json!({"note": "Vår ref 2026/77"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["state"], "ACKNOWLEDGED");
    assert!(r.header("etag").starts_with("\"v2-"));

    let progress = json!({"note": "Uttrekk bestilt", "percentComplete": 40, "expectedDeliveryOn": "2026-12-15"});
    let r = act(&app, &fhi, &id, "progress", &progress).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["state"], "IN_PREPARATION");
    let r = act(
        &app,
        &fhi,
        &id,
        "progress",
        &json!({"note": "Kvalitetssikring"}),
    )
    .await;
    assert_eq!(r.body["state"], "IN_PREPARATION");
    assert_eq!(r.body["progress"].as_array().unwrap().len(), 2);

    let hours = json!({"workedOn": today(), "hours": "2.5", "description": "Uttrekk og kontroll"});
    let r = act(&app, &fhi, &id, "hours", &hours).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = act(
        &app,
        &fhi,
        &id,
        "hours",
        &json!({"workedOn": today(), "hours": "0.75", "description": "Dokumentasjon"}),
    )
    .await;
    assert_eq!(
        r.body["totalHours"],
        json!({"hundredths": 325, "hours": "3.25"})
    );

    let delivery = json!({"deliveredOn": today(), "method": "SECURE_FILE_TRANSFER", "contents": "mfr_uttrekk.csv (VEKT, KJONN, 2010–2020)"});
    let r = act(&app, &fhi, &id, "deliveries", &delivery).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["state"], "DELIVERED");
    assert_eq!(r.body["delivery"]["method"], "SECURE_FILE_TRANSFER");
    let kinds: Vec<&str> = r.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "ACKNOWLEDGED",
            "PROGRESS_REPORTED",
            "PROGRESS_REPORTED",
            "HOURS_REPORTED",
            "HOURS_REPORTED",
            "DELIVERED"
        ]
    );

    // every change is a feed event addressed to FHI, in order
    let types: Vec<String> = feed_types(&app, FHI)
        .into_iter()
        .filter(|(_, t)| *t == id)
        .map(|(ty, _)| ty)
        .collect();
    assert_eq!(
        types,
        [
            "no.helsedata.task.assigned",
            "no.helsedata.task.acknowledged",
            "no.helsedata.task.in_preparation",
            "no.helsedata.task.progress_reported",
            "no.helsedata.task.hours_reported",
            "no.helsedata.task.hours_reported",
            "no.helsedata.task.delivered",
        ]
    );
    // and the audit trail has each action
    let audit =
        hds_persistence::audit::history(&mut app.db.connect(), "custodian_task", &id).unwrap();
    assert_eq!(audit.len(), 6);
    assert!(audit.iter().all(|a| a.actor == format!("org:{FHI}")));

    // a delivered task is closed
    let p = act(&app, &fhi, &id, "deliveries", &delivery).await;
    assert!(p.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("DELIVERED"));
}

#[actix_rt::test]
async fn a_case_closes_only_when_every_granted_source_is_delivered_or_reported() {
    let app = TestApp::spawn().await;
    let case_id = decided_case(&app, "close-after-delivery").await;
    // decided, not delivered: the statutory deadline still applies
    let case = case_file(&app, &case_id).await;
    assert!(case["statutoryDeadline"].is_string(), "{case}");
    assert_eq!(case["dueOn"], case["statutoryDeadline"]);
    assert_eq!(
        close_case(&app, &case_id).await.problem(409)["detail"],
        "the data are not yet made available: MFR, NPR not delivered or reported undeliverable"
    );
    let fhi = custodian(&app, FHI);
    let mfr = only_task(&app, &fhi).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    act(&app, &fhi, &mfr, "acknowledge", &json!({})).await;
    let delivery = json!({"deliveredOn": today(), "method": "EMAIL", "contents": "mfr.csv"});
    let r = act(&app, &fhi, &mfr, "deliveries", &delivery).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        close_case(&app, &case_id).await.problem(409)["detail"],
        "the data are not yet made available: NPR not delivered or reported undeliverable"
    );
    assert_eq!(
        case_file(&app, &case_id).await["dueOn"],
        case["statutoryDeadline"],
        "NPR is still open"
    );
    let hdir = custodian(&app, HDIR);
    let npr = only_task(&app, &hdir).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reason = json!({"reason": "Variablene finnes ikke for perioden"});
    let r = act(&app, &hdir, &npr, "cannot-deliver", &reason).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // the data are made available: the clock has stopped
    let file = case_file(&app, &case_id).await;
    assert!(file["dueOn"].is_null());
    assert_eq!(file["dataMadeAvailableOn"], today());
    // the applicant reads why NPR cannot be delivered, and by whom
    let app_id = file["applicationId"].as_str().unwrap();
    let events = crate::journey::timeline(&app, app_id).await;
    let cannot = events
        .iter()
        .find(|e| e["kind"] == "CANNOT_DELIVER")
        .unwrap_or_else(|| panic!("{events:?}"));
    assert_eq!(cannot["details"]["dataSource"], "NPR");
    assert_eq!(cannot["details"]["reason"], reason["reason"]);
    assert_eq!(cannot["details"]["custodian"], "HDIR");
    assert!(crate::journey::kinds(&events).ends_with(&[
        "DELIVERED",
        "CANNOT_DELIVER",
        "DATA_MADE_AVAILABLE"
    ]));
    let r = close_case(&app, &case_id).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "CLOSED");
}

#[actix_rt::test]
async fn hds_postpones_a_decided_case_while_its_data_are_awaited() {
    let app = TestApp::spawn().await;
    let case_id = decided_case(&app, "postpone-after-decision").await;
    let due = parse_date(case_file(&app, &case_id).await["dueOn"].as_str().unwrap());
    let expected = (due + time::Duration::days(30)).to_string();
    let body = json!({"expectedOn": expected, "reason": "Stor pågang i NPR."});
    let r = case_command(&app, &case_id, "postpone", &body).await;
    assert_eq!(r.body["status"], "DECIDED");
    assert_eq!(r.body["dueOn"], expected.as_str());
    assert_eq!(r.body["postponementExpectedOn"], expected.as_str());
    let fhi = custodian(&app, FHI);
    let mfr = only_task(&app, &fhi).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let hdir = custodian(&app, HDIR);
    let npr = only_task(&app, &hdir).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (tok, task) in [(&fhi, &mfr), (&hdir, &npr)] {
        let reason = json!({"reason": "Uttrekket kan ikke lages"});
        let r = act(&app, tok, task, "cannot-deliver", &reason).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    // Nothing awaits delivery: nothing to postpone.
    let h = app.token(Role::CaseHandler);
    let read = app.get(&format!("/api/v1/cases/{case_id}"), Some(&h)).await;
    let request = app
        .request(
            Method::POST,
            &format!("/api/v1/cases/{case_id}/postpone"),
            Some(&h),
        )
        .header("If-Match", read.header("etag"))
        .json(&json!({"expectedOn": expected, "reason": "Igjen."}));
    assert_eq!(
        app.send(request).await.problem(409)["detail"],
        "nothing awaits delivery: every granted data source is delivered or reported undeliverable"
    );
}
