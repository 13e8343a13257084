//! Hours over HTTP: HDS's ledger on a case and a custodian's on a task,
//! corrections as new entries (never edits), every problem at once with a
//! pointer and nothing written, hours never as JSON numbers.

use diesel::RunQueryDsl;
use hds_persistence::test_support::count_rows;
use reqwest::Method;
use serde_json::{json, Value};

use super::{
    acknowledged_task, case_hours, complete_and_grant, custodian, draft, handler, iso,
    kreftregisteret_staff, on, plus, post_case_hours, received, submit_draft, tables_content,
    task_action, task_hours, FHI,
};
use crate::applications::{token, OWNER};
use crate::support::TestApp;

fn codes(problem: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = problem["errors"]
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
    out.sort();
    out
}

fn pair(pointer: &str, code: &str) -> (String, String) {
    (pointer.to_owned(), code.to_owned())
}

#[actix_rt::test]
async fn hds_records_hours_and_corrects_them_with_new_entries_only() {
    let app = TestApp::spawn().await;
    let h = handler(&app);
    let t0 = received();
    on(&app, t0);
    let id = draft(&app, &tables_content(&["MFR"], false)).await;
    let case_id = submit_draft(&app, &id, "hours").await;
    on(&app, plus(t0, 4));

    let first = case_hours(
        &app,
        &case_id,
        &json!({"workedOn": iso(plus(t0, 1)), "hours": "2.00", "note": "Lest søknaden"}),
    )
    .await;
    case_hours(&app, &case_id, &json!({"workedOn": iso(plus(t0, 2)), "hours": "0.5", "note": "Klage", "activity": "APPEAL_HANDLING"})).await;
    let replaced = case_hours(
        &app,
        &case_id,
        &json!({"workedOn": iso(plus(t0, 3)), "hours": "1.00", "note": "Feil dato",
        "correction": {"kind": "REPLACES", "entryId": first}}),
    )
    .await;
    case_hours(
        &app,
        &case_id,
        &json!({"workedOn": iso(plus(t0, 3)), "hours": "-0.25", "note": "Pause",
        "correction": {"kind": "ADJUSTS", "entryId": replaced}}),
    )
    .await;
    let ledger = app
        .get(&format!("/api/v1/cases/{case_id}/hours"), Some(&h))
        .await;
    assert_eq!(ledger.status, 200, "{}", ledger.text);
    assert_eq!(
        ledger.body["entries"].as_array().unwrap().len(),
        4,
        "every entry kept"
    );
    assert_eq!(
        ledger.body["entries"][0]["hours"],
        json!({"hundredths": 200, "hours": "2.00"})
    );
    assert_eq!(
        ledger.body["entries"][2]["correction"],
        json!({"kind": "REPLACES", "entryId": first})
    );
    assert!(ledger.body["entries"][0]["recordedBy"]
        .as_str()
        .unwrap()
        .starts_with("h-"));
    assert_eq!(ledger.body["caseHandling"]["hours"], "0.75");
    assert_eq!(ledger.body["appealHandling"]["hours"], "0.50");

    // appeal handling is free at HDS (the appeal exemption takes its hours off)
    let basis = super::party_bases(&app, &h, &case_id, "HDS").await;
    let current = &basis.body["current"];
    assert_eq!(
        super::lines(current),
        [
            super::line("BASIC_FEE", "1.00", "1500.00", "1500.00"),
            super::line("HOURS", "1.00", "1155.00", "1155.00"),
            super::line("HOURS", "1.00", "1155.00", "1155.00"),
            super::line("EXEMPTION", "-1.00", "1155.00", "-1155.00"),
        ]
    );
    assert_eq!(current["lines"][2]["activity"], "APPEAL_HANDLING");
    assert_eq!(current["lines"][3]["exemptionGround"], "APPEAL");
    assert_eq!(super::ore(&current["totals"]["includingVat"]), 265_500);

    // every problem at once, with a pointer; nothing written
    let rows = || count_rows(&mut app.db.connect(), "case_hours");
    let before = rows();
    for (body, want) in [
        (
            json!({"workedOn": iso(plus(t0, 5)), "hours": "0", "note": " "}),
            vec![pair("/hours", "OUT_OF_RANGE"), pair("/note", "REQUIRED")],
        ),
        (
            json!({"workedOn": iso(plus(t0, 5)), "hours": "1", "note": "I morgen"}),
            vec![pair("/workedOn", "IN_THE_FUTURE")],
        ),
        (
            json!({"workedOn": "6. mars", "hours": "1,5", "note": "x"}),
            vec![
                pair("/hours", "INVALID_HOURS"),
                pair("/workedOn", "INVALID_DATE"),
            ],
        ),
        (
            json!({"workedOn": iso(plus(t0, 4)), "hours": "25", "note": "x"}),
            vec![pair("/hours", "OUT_OF_RANGE")],
        ),
        (
            json!({"workedOn": iso(plus(t0, 4)), "hours": "1", "note": "x",
                   "correction": {"kind": "ADJUSTS", "entryId": first}}),
            vec![pair("/correction", "NOT_CURRENT")],
        ),
        (
            json!({"workedOn": iso(plus(t0, 3)), "hours": "-1", "note": "x",
                   "correction": {"kind": "ADJUSTS", "entryId": replaced}}),
            vec![pair("/hours", "NEGATIVE_TOTAL")],
        ),
        (
            json!({"workedOn": iso(plus(t0, 4)), "hours": "1", "note": "x",
                   "correction": {"kind": "REPLACES", "entryId": "7b0e7ac6-0000-4000-8000-000000000000"}}),
            vec![pair("/correction", "UNKNOWN_ENTRY")],
        ),
        (
            json!({"workedOn": iso(plus(t0, 4)), "hours": "1", "note": "Personnummer 15058550040"}),
            vec![pair("/note", "CONTAINS_NATIONAL_ID")],
        ),
        (
            json!({"workedOn": iso(plus(t0, 4)), "hours": 1.5, "note": "x"}),
            vec![pair("/hours", "INVALID_TYPE")],
        ),
    ] {
        let r = post_case_hours(&app, &h, &case_id, &body).await;
        assert_eq!(codes(r.problem(422)), want, "{body}");
        assert!(!r.text.contains("15058550040"), "no national id comes back");
    }
    assert_eq!(rows(), before, "refusals write nothing");

    // only case handlers record; only HDS staff read; an unknown case is a 404
    let owner = token(&app, OWNER);
    let fhi = custodian(&app, FHI);
    let entry = json!({"workedOn": iso(plus(t0, 4)), "hours": "1", "note": "x"});
    post_case_hours(&app, &owner, &case_id, &entry)
        .await
        .problem(403);
    post_case_hours(&app, &fhi, &case_id, &entry)
        .await
        .problem(403);
    app.get(&format!("/api/v1/cases/{case_id}/hours"), Some(&fhi))
        .await
        .problem(403);
    let unknown = "0f0e1f8a-0000-4000-8000-000000000000";
    post_case_hours(&app, &h, unknown, &entry)
        .await
        .problem(404);
    app.get(&format!("/api/v1/cases/{unknown}/hours"), Some(&h))
        .await
        .problem(404);

    // a retry with the same Idempotency-Key records once
    let url = format!("/api/v1/cases/{case_id}/hours");
    let headers = [("Idempotency-Key", "hours-once")];
    let a = app
        .json_with(Method::POST, &url, Some(&h), Some(&entry), &headers)
        .await;
    let b = app
        .json_with(Method::POST, &url, Some(&h), Some(&entry), &headers)
        .await;
    assert_eq!((a.status, b.status), (201, 201));
    assert_eq!(b.header("idempotent-replayed"), "true");
    assert_eq!(rows(), before + 1);

    // the ledger is append-only in the database too
    let err = diesel::sql_query("UPDATE case_hours SET hundredths = 1")
        .execute(&mut app.db.connect())
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[actix_rt::test]
async fn a_custodian_corrects_task_hours_with_new_entries_and_the_total_follows() {
    let app = TestApp::spawn().await;
    let t0 = received();
    on(&app, t0);
    let id = draft(&app, &tables_content(&["MFR", "KREFT"], false)).await;
    let case_id = submit_draft(&app, &id, "task-hours").await;
    complete_and_grant(&app, &case_id, &["MFR", "KREFT"], plus(t0, 1), plus(t0, 2)).await;
    let fhi = custodian(&app, FHI);
    let mfr = acknowledged_task(&app, &fhi, "MFR").await;
    let kreft_staff = kreftregisteret_staff(&app).await;
    let kreft = acknowledged_task(&app, &kreft_staff, "KREFT").await;
    on(&app, plus(t0, 4));

    let first = task_hours(
        &app,
        &fhi,
        &mfr,
        &json!({"workedOn": iso(plus(t0, 3)), "hours": "2.00", "description": "Uttrekk"}),
    )
    .await;
    let second = task_hours(
        &app,
        &fhi,
        &mfr,
        &json!({"workedOn": iso(plus(t0, 4)), "hours": "1.50", "description": "Rettet uttrekk",
        "correction": {"kind": "REPLACES", "entryId": first}}),
    )
    .await;
    let r = task_action(
        &app,
        &fhi,
        &mfr,
        "hours",
        &json!({"workedOn": iso(plus(t0, 4)), "hours": "-0.25", "description": "For mye",
        "correction": {"kind": "ADJUSTS", "entryId": second}}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["totalHours"],
        json!({"hundredths": 125, "hours": "1.25"})
    );
    assert_eq!(r.body["hours"].as_array().unwrap().len(), 3);
    assert_eq!(r.body["hours"][2]["correction"]["kind"], "ADJUSTS");
    assert_eq!(r.body["hours"][2]["hours"]["hours"], "-0.25");

    // the replaced entry, and another task's entry, cannot be corrected
    let kreft_entry = task_hours(
        &app,
        &kreft_staff,
        &kreft,
        &json!({"workedOn": iso(plus(t0, 4)), "hours": "1", "description": "Tabell"}),
    )
    .await;
    for (target, code) in [(&first, "NOT_CURRENT"), (&kreft_entry, "UNKNOWN_ENTRY")] {
        let r = task_action(
            &app,
            &fhi,
            &mfr,
            "hours",
            &json!({"workedOn": iso(plus(t0, 4)), "hours": "0", "description": "Trukket",
            "correction": {"kind": "REPLACES", "entryId": target}}),
        )
        .await;
        assert_eq!(codes(r.problem(422)), vec![pair("/correction", code)]);
    }
    // withdrawn to 0 by a replacement
    let r = task_action(
        &app,
        &kreft_staff,
        &kreft,
        "hours",
        &json!({"workedOn": iso(plus(t0, 4)), "hours": "0", "description": "Feilført",
        "correction": {"kind": "REPLACES", "entryId": kreft_entry}}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["totalHours"]["hundredths"], 0);

    // FHI's draft bills what counts: 1.25 hours at 1 155
    let basis = super::party_bases(&app, &handler(&app), &case_id, "FHI").await;
    assert_eq!(
        super::ore(&basis.body["current"]["totals"]["includingVat"]),
        144_375
    );
}
