//! Exemptions over HTTP: a student's application for anonymous tables is
//! free at HDS (and told why a custodian still charges), a change request
//! after the original decision is free (before it, it is not, and says
//! why), and a case handler's waiver with its reason on the invoice line.

use diesel::RunQueryDsl;
use serde_json::{json, Value};

use super::{
    acknowledged_task, add_version, case_hours, complete_and_grant, custodian, draft, handler, iso,
    issue, lines, on, ore, party_bases, plus, received, submit_draft, tables_content, task_hours,
    version, FHI,
};
use crate::applications::{token, OWNER};
use crate::support::TestApp;

fn applied(party: &Value) -> Vec<(String, String)> {
    party["exemptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["ground"].as_str().unwrap().to_owned(),
                e["covers"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[actix_rt::test]
async fn a_students_application_for_tables_is_free_at_hds_and_the_estimate_says_so_before_submitting(
) {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let t0 = received();
    on(&app, t0);
    // HDS publishes a typical range of hours from 2 March
    let mut with_range = version(&iso(plus(t0, 1)), "1500", "3000", "1155", true);
    with_range["estimatedHours"] = json!({"low": "2", "high": "8"});
    assert_eq!(add_version(&app, "HDS", &with_range).await.status, 201);
    on(&app, plus(t0, 1));

    // before submitting: the student sees HDS free, and why FHI still charges
    let id = draft(&app, &tables_content(&["MFR"], true)).await;
    let estimate_url = format!("/api/v1/applications/{id}/cost-estimate");
    let est = app.get(&estimate_url, Some(&owner)).await;
    assert_eq!(est.status, 200, "{}", est.text);
    let hds = &est.body["parties"][0];
    assert_eq!(hds["party"], "HDS");
    assert_eq!(ore(&hds["basicFee"]), 150_000, "one source");
    assert_eq!(hds["hours"]["high"]["hours"], "8.00");
    assert_eq!(
        (
            ore(&hds["excludingVat"]["low"]),
            ore(&hds["excludingVat"]["high"])
        ),
        (0, 0)
    );
    assert_eq!(
        applied(hds)[0],
        ("STUDENT".to_owned(), "EVERYTHING".to_owned())
    );
    let fhi_part = &est.body["parties"][1];
    assert_eq!(fhi_part["party"], "FHI");
    assert_eq!(fhi_part["notApplied"][0]["ground"], "STUDENT");
    assert!(fhi_part["notApplied"][0]["why"]
        .as_str()
        .unwrap()
        .contains("FHI gir ikke fritak"));

    // the same application from a non-student costs 1 500 + 2 to 8 hours at HDS
    let etag = crate::applications::etag_of(&app, &owner, &id).await;
    let r = app
        .patch_json(
            &format!("/api/v1/applications/{id}"),
            Some(&owner),
            Some(&etag),
            &json!({"fee": {"studentUpToMasters": false, "payerReference": "PRJ-4711"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let est = app.get(&estimate_url, Some(&owner)).await;
    let range = &est.body["parties"][0]["excludingVat"];
    assert_eq!(
        (ore(&range["low"]), ore(&range["high"])),
        (381_000, 1_074_000)
    );
    assert!(est.body["parties"][0]["exemptions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["ground"] != "STUDENT"));
    let etag = crate::applications::etag_of(&app, &owner, &id).await;
    let r = app
        .patch_json(
            &format!("/api/v1/applications/{id}"),
            Some(&owner),
            Some(&etag),
            &json!({"fee": {"studentUpToMasters": true}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    // the case: HDS's basis is all taken off and is not issued; FHI charges
    let case_id = submit_draft(&app, &id, "student").await;
    complete_and_grant(&app, &case_id, &["MFR"], plus(t0, 2), plus(t0, 3)).await;
    case_hours(
        &app,
        &case_id,
        &json!({"workedOn": iso(plus(t0, 3)), "hours": "2.5", "note": "Vurdert"}),
    )
    .await;
    let fhi = custodian(&app, FHI);
    let task = acknowledged_task(&app, &fhi, "MFR").await;
    task_hours(
        &app,
        &fhi,
        &task,
        &json!({"workedOn": iso(plus(t0, 3)), "hours": "1", "description": "Tabell"}),
    )
    .await;
    let h = handler(&app);
    let hds = party_bases(&app, &h, &case_id, "HDS").await;
    let basis = &hds.body["current"];
    assert_eq!(
        lines(basis),
        [
            super::line("BASIC_FEE", "1.00", "1500.00", "1500.00"),
            super::line("HOURS", "3.00", "1155.00", "3465.00"),
            super::line("EXEMPTION", "-1.00", "4965.00", "-4965.00"),
        ]
    );
    assert_eq!(basis["lines"][2]["exemptionGround"], "STUDENT");
    assert!(basis["lines"][2]["reason"]
        .as_str()
        .unwrap()
        .starts_with("Fritak: student"));
    assert_eq!(ore(&basis["totals"]["includingVat"]), 0);
    let refused = issue(&app, &h, &case_id, "HDS").await;
    assert!(refused.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("nothing to invoice"));
    let fhi_basis = issue(&app, &fhi, &case_id, "FHI").await;
    assert_eq!(fhi_basis.status, 201, "{}", fhi_basis.text);
    assert_eq!(ore(&fhi_basis.body["totals"]["includingVat"]), 115_500);
}

/// Marks `case_id` as a change request to `original` (what issue 13 will do
/// when it creates a change request case).
fn change_request(app: &TestApp, case_id: &str, original: &str) {
    diesel::sql_query(format!(
        "INSERT INTO case_origins (case_id, kind, original_case_id) VALUES ('{case_id}', 'CHANGE_REQUEST', '{original}')"
    ))
    .execute(&mut app.db.connect())
    .unwrap();
}

#[actix_rt::test]
async fn a_change_request_after_the_original_decision_is_free_and_before_it_is_not() {
    let app = TestApp::spawn().await;
    let h = handler(&app);
    let t0 = received();
    on(&app, t0);
    let decided_id = draft(&app, &tables_content(&["MFR"], false)).await;
    let decided = submit_draft(&app, &decided_id, "original").await;
    let pending_id = draft(&app, &tables_content(&["MFR"], false)).await;
    let pending = submit_draft(&app, &pending_id, "pending").await;
    complete_and_grant(&app, &decided, &["MFR"], plus(t0, 1), plus(t0, 2)).await;

    let free_id = draft(&app, &tables_content(&["MFR"], false)).await;
    let free = submit_draft(&app, &free_id, "change-after").await;
    change_request(&app, &free, &decided);
    let charged_id = draft(&app, &tables_content(&["MFR"], false)).await;
    let charged = submit_draft(&app, &charged_id, "change-before").await;
    change_request(&app, &charged, &pending);
    for case in [&free, &charged] {
        case_hours(
            &app,
            case,
            &json!({"workedOn": iso(plus(t0, 2)), "hours": "1.00", "note": "Endring vurdert"}),
        )
        .await;
    }

    // after the original decision: free, with the reason on the line
    let r = party_bases(&app, &h, &free, "HDS").await;
    let basis = &r.body["current"];
    let exemption = basis["lines"].as_array().unwrap().last().unwrap();
    assert_eq!(exemption["exemptionGround"], "CHANGE_REQUEST");
    assert!(
        exemption["reason"].as_str().unwrap().contains(&format!(
            "endring etter opprinnelig vedtak {} i sak HDS-",
            plus(t0, 2)
        )),
        "{exemption}"
    );
    assert_eq!(ore(&basis["totals"]["includingVat"]), 0);
    issue(&app, &h, &free, "HDS").await.problem(409);
    let est = app
        .get(&format!("/api/v1/cases/{free}/cost-estimate"), Some(&h))
        .await;
    assert_eq!(
        applied(&est.body["parties"][0])[0],
        ("CHANGE_REQUEST".to_owned(), "EVERYTHING".to_owned())
    );

    // before the original decision: charged, and the estimate says why
    let r = party_bases(&app, &h, &charged, "HDS").await;
    assert_eq!(
        ore(&r.body["current"]["totals"]["includingVat"]),
        150_000 + 115_500
    );
    let est = app
        .get(&format!("/api/v1/cases/{charged}/cost-estimate"), Some(&h))
        .await;
    let not = &est.body["parties"][0]["notApplied"][0];
    assert_eq!(not["ground"], "CHANGE_REQUEST");
    assert!(
        not["why"]
            .as_str()
            .unwrap()
            .contains("har ikke vedtak ennå"),
        "{not}"
    );
    assert_eq!(issue(&app, &h, &charged, "HDS").await.status, 201);
}

#[actix_rt::test]
async fn a_case_handler_waives_a_fee_with_a_reason_on_the_line_and_in_the_audit_trail() {
    let app = TestApp::spawn().await;
    let h = handler(&app);
    let t0 = received();
    on(&app, t0);
    let id = draft(&app, &tables_content(&["MFR"], false)).await;
    let case_id = submit_draft(&app, &id, "waiver").await;
    case_hours(
        &app,
        &case_id,
        &json!({"workedOn": iso(t0), "hours": "2", "note": "Vurdert"}),
    )
    .await;
    let url = format!("/api/v1/cases/{case_id}/fee-waivers");

    // refused: no reason, a party that does not invoice here, not a case handler
    let before = app.get(&url, Some(&h)).await;
    assert_eq!(before.body["items"], json!([]));
    let r = app
        .post_json(
            &url,
            Some(&h),
            &json!({"party": "HDS", "covers": "BASIC_FEE", "reason": " "}),
        )
        .await;
    assert_eq!(r.problem(422)["errors"][0]["pointer"], "/reason");
    let r = app
        .post_json(
            &url,
            Some(&h),
            &json!({"party": "DMP", "covers": "HOURS", "reason": "Avtale"}),
        )
        .await;
    assert_eq!(r.problem(422)["errors"][0]["code"], "NOT_A_PARTY");
    let fhi = custodian(&app, FHI);
    app.post_json(
        &url,
        Some(&fhi),
        &json!({"party": "HDS", "covers": "HOURS", "reason": "x"}),
    )
    .await
    .problem(403);
    let owner = token(&app, OWNER);
    app.get(&url, Some(&owner)).await.problem(403);
    assert_eq!(
        app.get(&url, Some(&h)).await.body["items"],
        json!([]),
        "nothing written"
    );

    let r = app
        .post_json(&url, Some(&h), &json!({"party": "HDS", "covers": "BASIC_FEE", "reason": "Forskningsprosjekt i offentlig regi etter avtale"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["covers"], "BASIC_FEE");
    let basis = party_bases(&app, &h, &case_id, "HDS").await;
    let last = basis.body["current"]["lines"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["exemptionGround"], "WAIVER");
    assert_eq!(
        last["description"],
        "Fritak innvilget av saksbehandler: Forskningsprosjekt i offentlig regi etter avtale"
    );
    assert_eq!(ore(&last["amount"]), -150_000);
    assert_eq!(
        ore(&basis.body["current"]["totals"]["includingVat"]),
        231_000,
        "two hours remain"
    );
    let audit = hds_persistence::audit::history(&mut app.db.connect(), "case", &case_id).unwrap();
    let waived = audit.iter().find(|a| a.action == "FEE_WAIVED").unwrap();
    assert_eq!(waived.after_state.as_ref().unwrap()["covers"], "BASIC_FEE");
    // waivers are append-only
    let err = diesel::sql_query("UPDATE fee_waivers SET reason = 'x'")
        .execute(&mut app.db.connect())
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}
