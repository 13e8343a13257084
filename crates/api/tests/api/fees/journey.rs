//! A case with HDS's and two custodians' hours (FHI for MFR, Kreftregisteret
//! for KREFT) across price changes, to three invoice bases with the right
//! totals in øre; issuing, the feed, who sees what, the exports, a credit
//! note and a new basis after it. The figures are docs/fees.md's worked
//! example with the price change 31 days after the application:
//! HDS 7 720,63, FHI 5 965,00, Kreftregisteret 924,00 (its first 2 hours
//! free for table data).

use diesel::RunQueryDsl;
use reqwest::Method;
use serde_json::json;

use super::{
    acknowledged_task, add_version, case_hours, complete_and_grant, custodian, draft, feed,
    handler, iso, issue, issue_with, kreftregisteret_staff, line, lines, on, ore, party_bases,
    plus, received, submit_draft, tables_content, task_hours, version, DMP, FHI,
};
use crate::applications::{token, OWNER, STRANGER};
use crate::support::{Response, TestApp};

async fn credit(app: &TestApp, tok: &str, basis: &str, etag: &str, reason: &str) -> Response {
    app.json_with(
        Method::POST,
        &format!("/api/v1/invoice-bases/{basis}/credit"),
        Some(tok),
        Some(&json!({"reason": reason})),
        &[("If-Match", etag)],
    )
    .await
}

#[actix_rt::test]
#[allow(clippy::too_many_lines)] // one journey, told in order
async fn hds_and_two_custodians_hours_become_three_invoice_bases_issued_credited_and_issued_again()
{
    let app = TestApp::spawn().await;
    let h = handler(&app);
    let fhi = custodian(&app, FHI);
    let owner = token(&app, OWNER);

    // day 0: prices change on day 31 (P) for HDS and FHI (Kreftregisteret keeps its own)
    let t0 = received();
    let d = |n: i64| plus(t0, n);
    let p = d(31);
    let s = |n: i64| iso(plus(p, n));
    on(&app, t0);
    let mut hds_new = version(&iso(p), "1600.00", "3200.00", "1212.50", true);
    hds_new["estimatedHours"] = json!({"low": "2", "high": "8"});
    let r = add_version(&app, "HDS", &hds_new).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = add_version(&app, "FHI", &version(&iso(p), "0", "0", "1250", false)).await;
    assert_eq!(r.status, 201, "{}", r.text);

    // the applicant's estimate before submitting: today's prices, per party
    let sources = ["MFR", "KREFT"];
    let id = draft(&app, &tables_content(&sources, false)).await;
    let est = app
        .get(
            &format!("/api/v1/applications/{id}/cost-estimate"),
            Some(&owner),
        )
        .await;
    assert_eq!(est.status, 200, "{}", est.text);
    assert_eq!(est.body["on"], iso(t0));
    let parties: Vec<&str> = est.body["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["party"].as_str().unwrap())
        .collect();
    assert_eq!(parties, ["HDS", "FHI", "KREFTREGISTERET"]);
    let hds_est = &est.body["parties"][0];
    assert_eq!(ore(&hds_est["basicFee"]), 300_000, "several sources");
    assert_eq!(ore(&hds_est["prices"]["hourlyRate"]), 115_500);
    assert_eq!(hds_est["prices"]["validTo"], iso(d(30)));
    assert!(
        hds_est["excludingVat"].is_null(),
        "no typical hours in March's prices"
    );
    let kreft_est = &est.body["parties"][2];
    assert_eq!(kreft_est["sources"], json!(["KREFT"]));
    assert_eq!(
        kreft_est["prices"]["counting"]["freeHours"]["hours"],
        "2.00"
    );
    assert!(kreft_est["notes"].as_array().unwrap().iter().any(|n| n
        .as_str()
        .unwrap()
        .contains("gratis for anonyme opplysninger")));
    assert_eq!(est.body["complete"], false);

    let case_id = submit_draft(&app, &id, "fees-journey").await;
    complete_and_grant(&app, &case_id, &sources, d(1), d(2)).await;

    // the case handler estimates HDS's hours; the applicant sees the case's estimate
    let r = app
        .put_json(
            &format!("/api/v1/cases/{case_id}/cost-estimate"),
            Some(&h),
            &json!({"hdsHours": {"low": "2", "high": "6"}}),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let range = &r.body["parties"][0]["excludingVat"];
    assert_eq!(
        (ore(&range["low"]), ore(&range["high"])),
        (531_000, 993_000)
    );
    let est = app
        .get(
            &format!("/api/v1/applications/{id}/cost-estimate"),
            Some(&owner),
        )
        .await;
    assert_eq!(est.body["parties"][0]["excludingVat"], *range);
    assert_eq!(est.body["on"], iso(t0), "the terms of the day received");

    // HDS's hours: 1.50 + (1.00 replaced by 0.75) in March, 1.25 in April
    case_hours(
        &app,
        &case_id,
        &json!({"workedOn": iso(d(1)), "hours": "1.50", "note": "Lest søknaden"}),
    )
    .await;
    let wrong = case_hours(
        &app,
        &case_id,
        &json!({"workedOn": iso(d(2)), "hours": "1.00", "note": "Vedtak"}),
    )
    .await;
    case_hours(
        &app,
        &case_id,
        &json!({"workedOn": iso(d(2)), "hours": "0.75", "note": "Vedtak (rettet)",
        "correction": {"kind": "REPLACES", "entryId": wrong}}),
    )
    .await;

    // the custodian's hours: FHI on MFR, Kreftregisteret's staff on KREFT
    let mfr = acknowledged_task(&app, &fhi, "MFR").await;
    let kreft_staff = kreftregisteret_staff(&app).await;
    let kreft = acknowledged_task(&app, &kreft_staff, "KREFT").await;
    on(&app, d(9));
    task_hours(
        &app,
        &fhi,
        &mfr,
        &json!({"workedOn": iso(d(9)), "hours": "3.00", "description": "Uttrekk"}),
    )
    .await;
    on(&app, d(29));
    task_hours(
        &app,
        &kreft_staff,
        &kreft,
        &json!({"workedOn": iso(d(29)), "hours": "1.20", "description": "Tabeller"}),
    )
    .await;
    on(&app, plus(p, 4));
    task_hours(
        &app,
        &kreft_staff,
        &kreft,
        &json!({"workedOn": s(1), "hours": "0.50", "description": "Kontroll"}),
    )
    .await;
    task_hours(
        &app,
        &kreft_staff,
        &kreft,
        &json!({"workedOn": s(4), "hours": "1.10", "description": "Prikking"}),
    )
    .await;
    let over = task_hours(
        &app,
        &fhi,
        &mfr,
        &json!({"workedOn": s(4), "hours": "2.40", "description": "Levering"}),
    )
    .await;
    task_hours(
        &app,
        &fhi,
        &mfr,
        &json!({"workedOn": s(4), "hours": "-0.40", "description": "Ført for mye",
        "correction": {"kind": "ADJUSTS", "entryId": over}}),
    )
    .await;
    on(&app, plus(p, 5));
    case_hours(
        &app,
        &case_id,
        &json!({"workedOn": s(5), "hours": "1.25", "note": "Klargjort faktura"}),
    )
    .await;

    // three drafts, computed from the hours and the prices of each day
    let issued_on = plus(p, 6);
    let year = issued_on.year();
    on(&app, issued_on);
    let all = app
        .get(&format!("/api/v1/cases/{case_id}/invoice-bases"), Some(&h))
        .await;
    assert_eq!(all.status, 200, "{}", all.text);
    let items = all.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    let drafts: Vec<(&str, &str, i64)> = items
        .iter()
        .map(|p| {
            (
                p["party"].as_str().unwrap(),
                p["current"]["status"].as_str().unwrap(),
                ore(&p["current"]["totals"]["includingVat"]),
            )
        })
        .collect();
    assert_eq!(
        drafts,
        [
            ("HDS", "DRAFT", 772_063),
            ("FHI", "DRAFT", 596_500),
            ("KREFTREGISTERET", "DRAFT", 92_400)
        ]
    );
    let hds_draft = &items[0]["current"];
    assert!(hds_draft["id"].is_null() && hds_draft["number"].is_null());
    assert_eq!(
        lines(hds_draft),
        [
            line("BASIC_FEE", "1.00", "3000.00", "3000.00"),
            line("HOURS", "2.25", "1155.00", "2598.75"),
            line("HOURS", "1.75", "1212.50", "2121.88"),
        ]
    );
    assert_eq!(hds_draft["payer"]["orgnr"], "974760673");
    assert_eq!(hds_draft["payerReference"], "PRJ-4711");
    assert_eq!(
        lines(&items[1]["current"]),
        [
            line("HOURS", "3.00", "1155.00", "3465.00"),
            line("HOURS", "2.00", "1250.00", "2500.00"),
        ]
    );
    assert_eq!(
        lines(&items[2]["current"]),
        [
            line("HOURS", "2.80", "1155.00", "3234.00"),
            line("FREE_HOURS", "-2.00", "1155.00", "-2310.00"),
        ]
    );

    // issuing needs the ETag of what was read
    issue_with(&app, &h, &case_id, "HDS", None)
        .await
        .problem(428);
    issue_with(&app, &h, &case_id, "HDS", Some("\"not-what-you-read\""))
        .await
        .problem(412);
    let hds = issue(&app, &h, &case_id, "HDS").await;
    assert_eq!(hds.status, 201, "{}", hds.text);
    assert_eq!(hds.body["number"], format!("HDS-{year}-000001"));
    assert_eq!(hds.body["status"], "ISSUED");
    assert_eq!(hds.body["issuedOn"], iso(issued_on));
    assert_eq!(hds.body["dueOn"], iso(plus(issued_on, 30)), "30 days");
    assert_eq!(ore(&hds.body["totals"]["includingVat"]), 772_063);
    assert_eq!(hds.header("etag"), "\"v1\"");
    let hds_id = hds.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        hds.header("location"),
        format!("/api/v1/invoice-bases/{hds_id}")
    );
    // the custodian issues its own
    let fhi_basis = issue(&app, &fhi, &case_id, "FHI").await;
    assert_eq!(fhi_basis.status, 201, "{}", fhi_basis.text);
    assert_eq!(fhi_basis.body["number"], format!("FHI-{year}-000001"));
    let fhi_id = fhi_basis.body["id"].as_str().unwrap().to_owned();
    let kreft_basis = issue(&app, &fhi, &case_id, "KREFTREGISTERET").await;
    assert_eq!(kreft_basis.status, 201, "{}", kreft_basis.text);
    assert_eq!(
        kreft_basis.body["number"],
        format!("KREFTREGISTERET-{year}-000001")
    );
    assert_eq!(ore(&kreft_basis.body["totals"]["includingVat"]), 92_400);
    // ... but not HDS's, and nothing twice
    issue_with(&app, &fhi, &case_id, "HDS", Some("\"any\""))
        .await
        .problem(404);
    let again = issue(&app, &h, &case_id, "HDS").await;
    assert!(again.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains(&format!("HDS-{year}-000001")));

    // an issued basis is locked: the hours recorded later do not change it
    case_hours(
        &app,
        &case_id,
        &json!({"workedOn": iso(issued_on), "hours": "1.00", "note": "Etterarbeid"}),
    )
    .await;
    let read = app
        .get(&format!("/api/v1/invoice-bases/{hds_id}"), Some(&h))
        .await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(ore(&read.body["totals"]["includingVat"]), 772_063);
    assert_eq!(read.header("etag"), "\"v1\"");
    for statement in [
        format!("UPDATE invoice_lines SET amount_ore = 1 WHERE invoice_basis_id = '{hds_id}'"),
        format!("UPDATE invoice_bases SET total_vat_ore = 0 WHERE id = '{hds_id}'"),
        format!("DELETE FROM invoice_bases WHERE id = '{hds_id}'"),
        format!(
            "INSERT INTO invoice_lines (invoice_basis_id, line_number, kind, description, quantity_hundredths, \
             unit, unit_price_ore, amount_ore, vat_category, vat_reason) \
             VALUES ('{hds_id}', 9, 'HOURS', 'x', 100, 'HUR', 100, 100, 'O', 'x')"
        ),
    ] {
        let err = diesel::sql_query(&statement)
            .execute(&mut app.db.connect())
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("locked") || text.contains("add up"),
            "{statement}: {text}"
        );
    }

    // the feed: a custodian follows its own parties' invoices, HDS staff all
    assert_eq!(
        feed(&app, &fhi).await,
        [
            ("no.helsedata.invoice.issued".to_owned(), "FHI".to_owned()),
            (
                "no.helsedata.invoice.issued".to_owned(),
                "KREFTREGISTERET".to_owned()
            ),
        ]
    );
    assert_eq!(feed(&app, &h).await.len(), 3);

    // who sees what: another custodian nothing, FHI its own, the applicant the issued ones
    let dmp = custodian(&app, DMP);
    app.get(&format!("/api/v1/invoice-bases/{fhi_id}"), Some(&dmp))
        .await
        .problem(404);
    app.get(
        &format!("/api/v1/cases/{case_id}/invoice-bases"),
        Some(&dmp),
    )
    .await
    .problem(404);
    app.get(&format!("/api/v1/invoice-bases/{hds_id}"), Some(&fhi))
        .await
        .problem(404);
    party_bases(&app, &fhi, &case_id, "HDS").await.problem(404);
    let mine = app
        .get(
            &format!("/api/v1/cases/{case_id}/invoice-bases"),
            Some(&fhi),
        )
        .await;
    let mine: Vec<&str> = mine.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["party"].as_str().unwrap())
        .collect();
    assert_eq!(mine, ["FHI", "KREFTREGISTERET"]);
    let theirs = app
        .get(
            &format!("/api/v1/applications/{id}/invoice-bases"),
            Some(&owner),
        )
        .await;
    assert_eq!(theirs.status, 200, "{}", theirs.text);
    assert_eq!(theirs.body["items"].as_array().unwrap().len(), 3);
    assert_eq!(
        app.get(&format!("/api/v1/invoice-bases/{hds_id}"), Some(&owner))
            .await
            .status,
        200
    );
    let stranger = token(&app, STRANGER);
    app.get(&format!("/api/v1/invoice-bases/{hds_id}"), Some(&stranger))
        .await
        .problem(404);
    app.get(
        &format!("/api/v1/applications/{id}/invoice-bases"),
        Some(&stranger),
    )
    .await
    .problem(404);
    app.get(
        &format!("/api/v1/cases/{case_id}/invoice-bases"),
        Some(&owner),
    )
    .await
    .problem(403);

    // exports: CSV and EHF (PEPPOL BIS Billing 3.0)
    let csv = app
        .get(&format!("/api/v1/invoice-bases/{hds_id}/csv"), Some(&h))
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    assert!(csv.content_type().starts_with("text/csv"));
    assert!(csv
        .header("content-disposition")
        .contains(&format!("HDS-{year}-000001.csv")));
    let rows: Vec<&str> = csv.text.split("\r\n").filter(|r| !r.is_empty()).collect();
    assert_eq!(rows.len(), 4, "a header and three lines");
    assert!(rows[0].starts_with("documentType;status;documentNumber"));
    assert!(rows[3].starts_with(&format!("INVOICE;ISSUED;HDS-{year}-000001;")));
    assert!(rows[3].ends_with(";7720.63;0.00;7720.63"), "{}", rows[3]);
    let ehf = app
        .get(&format!("/api/v1/invoice-bases/{hds_id}/ehf"), Some(&owner))
        .await;
    assert_eq!(ehf.status, 200, "{}", ehf.text);
    assert!(ehf.content_type().starts_with("application/xml"));
    let hds_number = format!("<cbc:ID>HDS-{year}-000001</cbc:ID>");
    for part in [
        "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"",
        "<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>",
        hds_number.as_str(),
        "<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>",
        "<cbc:BuyerReference>PRJ-4711</cbc:BuyerReference>",
        "<cbc:EndpointID schemeID=\"0192\">974760673</cbc:EndpointID>",
        "<cbc:PayableAmount currencyID=\"NOK\">7720.63</cbc:PayableAmount>",
    ] {
        assert!(ehf.text.contains(part), "{part} not in {}", ehf.text);
    }

    // a credit note reverses FHI's invoice; a new basis may then be issued
    credit(&app, &fhi, &fhi_id, "\"v1\"", " ")
        .await
        .problem(422);
    let note = credit(&app, &fhi, &fhi_id, "\"v1\"", "Feil timepris i april").await;
    assert_eq!(note.status, 201, "{}", note.text);
    assert_eq!(note.body["number"], format!("FHI-K-{year}-000001"));
    assert_eq!(note.body["invoiceNumber"], format!("FHI-{year}-000001"));
    assert_eq!(ore(&note.body["totals"]["includingVat"]), -596_500);
    assert_eq!(
        lines(&note.body),
        [
            line("HOURS", "-3.00", "1155.00", "-3465.00"),
            line("HOURS", "-2.00", "1250.00", "-2500.00"),
        ]
    );
    let note_id = note.body["id"].as_str().unwrap().to_owned();
    credit(&app, &fhi, &fhi_id, "\"v1\"", "En gang til")
        .await
        .problem(412);
    assert!(credit(&app, &fhi, &fhi_id, "\"v2\"", "En gang til")
        .await
        .problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("CREDITED"));
    let credited = app
        .get(&format!("/api/v1/invoice-bases/{fhi_id}"), Some(&h))
        .await;
    assert_eq!(credited.body["status"], "CREDITED");
    assert_eq!(
        credited.body["creditNote"]["number"],
        format!("FHI-K-{year}-000001")
    );
    assert_eq!(credited.header("etag"), "\"v2\"");
    let csv = app
        .get(&format!("/api/v1/credit-notes/{note_id}/csv"), Some(&fhi))
        .await;
    assert!(
        csv.text.contains(&format!(
            "CREDIT_NOTE;ISSUED;FHI-K-{year}-000001;FHI-{year}-000001;Feil timepris i april"
        )),
        "{}",
        csv.text
    );
    let ehf = app
        .get(&format!("/api/v1/credit-notes/{note_id}/ehf"), Some(&h))
        .await;
    assert_eq!(ehf.status, 200, "{}", ehf.text);
    assert!(ehf
        .text
        .contains("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"));
    assert!(ehf.text.contains("<cac:BillingReference>"));
    assert!(ehf
        .text
        .contains(&format!("<cbc:ID>FHI-{year}-000001</cbc:ID>")));
    app.get(&format!("/api/v1/credit-notes/{note_id}"), Some(&dmp))
        .await
        .problem(404);
    assert_eq!(
        feed(&app, &fhi).await.last().unwrap(),
        &("no.helsedata.invoice.credited".to_owned(), "FHI".to_owned())
    );
    let fhi_now = party_bases(&app, &fhi, &case_id, "FHI").await;
    assert_eq!(fhi_now.body["current"]["status"], "DRAFT");
    assert_eq!(
        fhi_now.body["credited"][0]["number"],
        format!("FHI-{year}-000001")
    );
    let reissued = issue(&app, &fhi, &case_id, "FHI").await;
    assert_eq!(reissued.status, 201, "{}", reissued.text);
    assert_eq!(
        reissued.body["number"],
        format!("FHI-{year}-000002"),
        "gapless"
    );

    // every change is in the audit trail
    let audit =
        hds_persistence::audit::history(&mut app.db.connect(), "invoice_basis", &fhi_id).unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["INVOICE_ISSUED", "INVOICE_CREDITED"]);
}

#[actix_rt::test]
async fn invoice_numbers_are_gapless_when_issued_at_once_and_after_a_refused_issue() {
    let app = TestApp::spawn().await;
    let h = handler(&app);
    let t0 = received();
    on(&app, t0);
    let mut cases = Vec::new();
    for key in ["gapless-a", "gapless-b", "gapless-waived"] {
        let id = draft(&app, &tables_content(&["MFR"], false)).await;
        let case_id = submit_draft(&app, &id, key).await;
        case_hours(
            &app,
            &case_id,
            &json!({"workedOn": iso(t0), "hours": "1", "note": "Vurdert"}),
        )
        .await;
        cases.push(case_id);
    }
    let r = app
        .post_json(
            &format!("/api/v1/cases/{}/fee-waivers", cases[2]),
            Some(&h),
            &json!({"party": "HDS", "covers": "EVERYTHING", "reason": "Feil hos HDS"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    // a refused issue takes no number
    let refused = issue(&app, &h, &cases[2], "HDS").await;
    assert!(refused.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("nothing to invoice"));
    // two issues at once get the next two numbers, one each
    let (a, b) = futures_util::future::join(
        issue(&app, &h, &cases[0], "HDS"),
        issue(&app, &h, &cases[1], "HDS"),
    )
    .await;
    assert_eq!((a.status, b.status), (201, 201), "{} {}", a.text, b.text);
    let year = t0.year();
    let mut numbers = [
        a.body["number"].as_str().unwrap().to_owned(),
        b.body["number"].as_str().unwrap().to_owned(),
    ];
    numbers.sort();
    assert_eq!(
        numbers,
        [format!("HDS-{year}-000001"), format!("HDS-{year}-000002")]
    );
}
