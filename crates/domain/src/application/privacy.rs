//! The privacy guard: free text must not carry national identity numbers.
//!
//! Applicants must give only the personal data the handling needs; a valid
//! fødselsnummer or D-nummer in any free-text field (or an attachment's title
//! or file name) is refused with a problem pointing at the field. The problem
//! never repeats the number.

use super::{codes, Application, Problem};
use crate::identity::find_national_ids;

/// The data descriptions of sources and the other registers of the linkage plan.
fn sources_and_linkage<'a>(app: &'a Application, fields: &mut Vec<(String, &'a str)>) {
    for (i, s) in app.data_sources.iter().enumerate() {
        if let Some(d) = &s.data_description {
            fields.push((format!("/dataSources/{i}/dataDescription"), d.as_str()));
        }
    }
    for (i, name) in app.linkage_plan.other_registers.iter().enumerate() {
        fields.push((format!("/linkage/otherRegisters/{i}"), name.as_str()));
    }
}

/// Every free-text field of `app`, with its JSON pointer.
pub fn free_text_fields(app: &Application) -> Vec<(String, &str)> {
    fn push<'a>(fields: &mut Vec<(String, &'a str)>, pointer: String, value: Option<&'a String>) {
        if let Some(v) = value {
            fields.push((pointer, v.as_str()));
        }
    }
    let mut fields: Vec<(String, &str)> = Vec::new();
    let p = &app.project;
    push(&mut fields, "/project/title".into(), p.title.as_ref());
    push(&mut fields, "/project/summary".into(), p.summary.as_ref());
    for (i, q) in p.research_questions.iter().enumerate() {
        push(
            &mut fields,
            format!("/project/researchQuestions/{i}"),
            Some(q),
        );
    }
    push(
        &mut fields,
        "/dataKind/directIdentificationJustification".into(),
        app.direct_identification_justification.as_ref(),
    );
    push(
        &mut fields,
        "/linkage/description".into(),
        app.linkage_description.as_ref(),
    );
    sources_and_linkage(app, &mut fields);
    let r = &app.responsibility;
    push(
        &mut fields,
        "/responsibility/institutionName".into(),
        r.institution_name.as_ref(),
    );
    push(
        &mut fields,
        "/responsibility/projectLeader/name".into(),
        r.project_leader.name.as_ref(),
    );
    push(
        &mut fields,
        "/responsibility/projectLeader/email".into(),
        r.project_leader.email.as_ref(),
    );
    if let Some(dp) = &r.data_processor {
        push(
            &mut fields,
            "/responsibility/dataProcessor/name".into(),
            dp.name.as_ref(),
        );
        push(
            &mut fields,
            "/responsibility/dataProcessor/description".into(),
            dp.description.as_ref(),
        );
    }
    push(
        &mut fields,
        "/responsibility/researchResponsibility".into(),
        r.research_responsibility.as_ref(),
    );
    push(
        &mut fields,
        "/legalBasis/supplementary".into(),
        app.legal_basis.supplementary.as_ref(),
    );
    push(
        &mut fields,
        "/legalBasis/rekReference".into(),
        app.legal_basis.rek_reference.as_ref(),
    );
    for (i, t) in app.table_specifications.iter().enumerate() {
        push(
            &mut fields,
            format!("/tableSpecifications/{i}/title"),
            t.title.as_ref(),
        );
        for (j, v) in t.variables.iter().enumerate() {
            for (k, c) in v.categories.iter().enumerate() {
                push(
                    &mut fields,
                    format!("/tableSpecifications/{i}/variables/{j}/categories/{k}"),
                    Some(c),
                );
            }
        }
    }
    push(
        &mut fields,
        "/fee/payerReference".into(),
        app.payer_reference.as_ref(),
    );
    push(&mut fields, "/comments".into(), app.comments.as_ref());
    fields
}

/// A problem for `text` at `pointer` if it holds a national identity number.
pub fn scan_text(pointer: &str, text: &str) -> Option<Problem> {
    let found = find_national_ids(text).len();
    (found > 0).then(|| {
        Problem::new(
            pointer,
            codes::NATIONAL_ID_IN_TEXT,
            "Feltet inneholder et fødselsnummer eller D-nummer. Fjern det: søknaden skal ikke inneholde personopplysninger om deg eller andre ut over det saksbehandlingen trenger.",
            "The field contains a national identity number (fødselsnummer or D-nummer). Remove it: the application must not carry personal data about you or others beyond what the handling needs.",
        )
    })
}

/// Problems for every free-text field of `app` that holds a national identity number.
pub fn scan_free_text(app: &Application) -> Vec<Problem> {
    free_text_fields(app)
        .into_iter()
        .filter_map(|(pointer, text)| scan_text(&pointer, text))
        .collect()
}
