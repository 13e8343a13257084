//! The decision letter (vedtaksbrev) downloads as a PDF whose text holds
//! each required element, for the applicant, a co-applicant, HDS and the
//! custodian concerned; in bokmål, or English on request. The text is read
//! back from the PDF with an independent parser (lopdf), not compared as bytes.

use hds_api::auth::Role;
use serde_json::json;

use crate::applications::{complete_identifiable, invite, submit, token, MEMBER, OWNER, STRANGER};
use crate::journey::{calendar, case_command, custodian, set_day, task_of, today, FHI};
use crate::support::{with_terms, Response, TestApp};

/// The PDF's text, every run of whitespace one space (lines wrap anywhere).
fn pdf_text(r: &Response) -> String {
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.content_type(), "application/pdf");
    let doc = lopdf::Document::load_mem(&r.bytes).expect("a PDF lopdf can read");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    assert!(!pages.is_empty());
    let text = doc.extract_text(&pages).expect("text");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn holds(text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

#[actix_rt::test]
#[allow(clippy::too_many_lines)] // one letter, every reader
async fn the_decision_letter_is_a_pdf_with_every_required_element_for_everyone_concerned() {
    let app = TestApp::spawn().await;
    let cal = calendar(&app);
    let owner = token(&app, OWNER);
    let (id, _) = complete_identifiable(&app, &owner).await;
    assert_eq!(invite(&app, &owner, &id, MEMBER).await.status, 201);
    let etag = crate::applications::etag_of(&app, &owner, &id).await;
    let r = submit(&app, &owner, &id, &etag, "letter").await;
    assert_eq!(r.status, 201, "{}", r.text);
    let case_id = r.body["id"].as_str().unwrap().to_owned();
    let number = r.body["caseNumber"].as_str().unwrap().to_owned();
    let url = format!("/api/v1/applications/{id}/case/decision-letter");

    // no decision yet: no letter
    let p = app.get(&url, Some(&owner)).await;
    assert!(p.problem(404)["detail"]
        .as_str()
        .unwrap()
        .contains("no decision yet"));

    let start = today();
    set_day(&app, start);
    case_command(&app, &case_id, "complete", &json!({})).await;
    let decided_on = cal.add_working_days(start, 3);
    set_day(&app, decided_on);
    let decisions = json!({"decisions": [
        with_terms(json!({"dataSource": "MFR", "outcome": "GRANTED",
            "legalBasis": ["helseregisterloven § 19 a", "helseforskningsloven § 33"],
            "conditions": ["Data lagres på Universitetet i Oslos sikre plattform.", "Resultater publiseres bare aggregert."],
            "text": "Tilgang til MFR innvilges for prosjektperioden."})),
        with_terms(json!({"dataSource": "NPR", "outcome": "PARTLY_GRANTED",
            "legalBasis": ["helseregisterloven § 19 a"],
            "text": "Innleggelsesdato innvilges; diagnoser avslås.",
            "grantedVariables": ["INNDATO"]})),
    ]});
    let c = case_command(&app, &case_id, "decisions", &decisions).await;
    let appeal_deadline = cal.appeal_deadline(decided_on);
    assert_eq!(c["appealDeadline"], appeal_deadline.to_string());
    let nb = |d: time::Date| format!("{:02}.{:02}.{}", d.day(), u8::from(d.month()), d.year());

    // the applicant's letter, in bokmål: asked for, or by default when
    // Accept-Language names nothing we speak (the test client asks for English)
    let text = pdf_text(&app.get(&format!("{url}?lang=nb"), Some(&owner)).await);
    let default = app
        .send(
            app.request(reqwest::Method::GET, &url, Some(&owner))
                .header("Accept-Language", "fr"),
        )
        .await;
    assert_eq!(default.header("content-language"), "nb");
    assert_eq!(pdf_text(&default), text);
    holds(
        &text,
        &[
            "Vedtak om tilgjengeliggjøring av helseopplysninger",
            &format!("Saksnummer: {number}"),
            &format!("Vedtaksdato: {}", nb(decided_on)),
            // the parties
            "Søker (prosjektleder): Kari Nordmann, Universitetet i Oslo",
            "Prosjekt: Fødselsvekt og senere sykehusinnleggelser",
            "Vedtaket er fattet av: Helsedataservice",
            "Registerforvaltere: Folkehelseinstituttet",
            // each source: outcome and legal basis
            "Medisinsk fødselsregister (MFR)",
            "Utfall: Innvilget",
            "Hjemmel: helseregisterloven § 19 a; helseforskningsloven § 33",
            "Norsk pasientregister (NPR)",
            "Utfall: Delvis innvilget",
            "Innvilgede variabler: INNDATO",
            // conditions
            "1. Data lagres på Universitetet i Oslos sikre plattform.",
            "2. Resultater publiseres bare aggregert.",
            // validity and deletion
            "Tilgangen gjelder fra 01.01.2099 til og med 31.12.2099.",
            "Opplysningene skal slettes innen 30.06.2100.",
            "Dispensasjon fra taushetsplikt: innvilget. Hjemmel: helseregisterloven § 19 e",
            // the right to appeal within 3 weeks, by when and to whom
            "Klageadgang",
            "innen tre uker",
            "forvaltningsloven §§ 28 og 29",
            &format!("Klagefristen er {}.", nb(appeal_deadline)),
            "Klagen sendes til Helsedataservice (service@helsedata.no).",
            "Nasjonalt klageorgan for helsetjenesten (Helseklage)",
            // and when the data are due
            "helseregisterloven § 19 f",
        ],
    );
    assert!(
        !text.contains(OWNER),
        "no national identity number in the letter"
    );

    // in English on request: lang=en, or Accept-Language
    let en = pdf_text(&app.get(&format!("{url}?lang=en"), Some(&owner)).await);
    holds(
        &en,
        &[
            "Decision on access to health data",
            &format!("Case number: {number}"),
            "Outcome: Partly granted",
            "Legal basis: helseregisterloven § 19 a",
            "The access is valid from 1 January 2099 up to and including 31 December 2099.",
            "The data must be deleted by 30 June 2100.",
            "within three weeks",
            "Send the appeal to Helsedataservice (service@helsedata.no).",
        ],
    );
    let r = app
        .send(
            app.request(reqwest::Method::GET, &url, Some(&owner))
                .header("Accept-Language", "en-GB,en;q=0.9,nb;q=0.5"),
        )
        .await;
    assert_eq!(r.header("content-language"), "en");
    holds(&pdf_text(&r), &["Case number"]);
    let r = app.get(&format!("{url}?lang=de"), Some(&owner)).await;
    assert_eq!(r.problem(400)["errors"][0]["pointer"], "/query/lang");

    // the co-applicant, HDS and the custodian concerned read the same letter
    let member = token(&app, MEMBER);
    holds(
        &pdf_text(&app.get(&format!("{url}?lang=nb"), Some(&member)).await),
        &[&format!("Saksnummer: {number}")],
    );
    let h = app.token(Role::CaseHandler);
    let hds = app
        .get(
            &format!("/api/v1/cases/{case_id}/decision-letter?lang=nb"),
            Some(&h),
        )
        .await;
    holds(
        &pdf_text(&hds),
        &[&format!("Saksnummer: {number}"), "Klagefristen er"],
    );
    let fhi = custodian(&app, FHI);
    let task = task_of(&app, &fhi, "MFR", "DATA_PREPARATION").await;
    let t = app
        .get(
            &format!("/api/v1/tasks/{task}/decision-letter?lang=nb"),
            Some(&fhi),
        )
        .await;
    holds(&pdf_text(&t), &[&format!("Saksnummer: {number}")]);
    assert!(t
        .header("content-disposition")
        .contains(&format!("vedtak-{number}.pdf")));

    // anyone else: it does not exist
    let stranger = token(&app, STRANGER);
    app.get(&url, Some(&stranger)).await.problem(404);
    let hdir = custodian(&app, crate::journey::HDIR);
    app.get(
        &format!("/api/v1/tasks/{task}/decision-letter"),
        Some(&hdir),
    )
    .await
    .problem(404);
}
