//! What the decision letter (vedtaksbrev) is made from: the case, its
//! current decisions with their terms, the submitted application's parties,
//! and HDS's own contact from the reference data. The words are the
//! domain's (`hds_domain::case::decision_letter`).

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::PgConnection;
use hds_domain::case::{Body, DecisionOutcome, LetterFacts, LetterSource};
use uuid::Uuid;

use crate::schema::custodians;
use crate::seed::service_contact;

use super::load::{current_decisions, find, snapshot, sources};
use super::snapshot_facts::application_of;
use super::terms::decision_terms;
use super::Result;

/// The facts of the case's decision letter; `None` until the case is decided.
pub fn letter_facts(conn: &mut PgConnection, case_id: Uuid) -> Result<Option<LetterFacts>> {
    let rec = find(conn, case_id)?;
    let Some(decided_on) = rec.decided_on else {
        return Ok(None);
    };
    let app = application_of(&snapshot(conn, &rec)?);
    let service = service_contact()?;
    let srcs = sources(conn, case_id)?;
    let decisions = current_decisions(conn, &rec)?;
    if decisions.is_empty() {
        return Ok(None);
    }
    let ids: Vec<Uuid> = decisions.iter().map(|(d, _)| d.id).collect();
    let mut terms = decision_terms(conn, &ids)?;
    let custodian_ids: Vec<Uuid> = srcs.iter().map(|s| s.custodian_id).collect();
    let bodies: BTreeMap<Uuid, Body> = custodians::table
        .filter(custodians::id.eq_any(&custodian_ids))
        .select((custodians::id, custodians::name, custodians::contact_email))
        .load::<(Uuid, String, Option<String>)>(conn)?
        .into_iter()
        .map(|(id, name, email)| (id, Body { name, email }))
        .collect();
    let mut letter_sources = Vec::new();
    // in the order the application lists the sources
    for s in &srcs {
        let Some((d, _)) = decisions.iter().find(|(_, code)| *code == s.code) else {
            continue;
        };
        let custodian = bodies.get(&s.custodian_id).cloned().unwrap_or(Body {
            name: s.custodian_name.clone(),
            email: None,
        });
        letter_sources.push(LetterSource {
            code: s.code.clone(),
            name_nb: s.name_nb.clone(),
            name_en: s.name_en.clone(),
            decided_by_custodian: (d.authority == "CUSTODIAN").then(|| custodian.clone()),
            custodian,
            outcome: d.outcome.parse().unwrap_or(DecisionOutcome::Refused),
            legal_basis: d.legal_basis.clone(),
            conditions: d.conditions.clone(),
            text: d.text.clone(),
            granted_variables: d.granted_variables.clone(),
            granted_period: (d.granted_period_from.is_some() || d.granted_period_to.is_some())
                .then_some((d.granted_period_from, d.granted_period_to)),
            terms: terms.remove(&d.id).unwrap_or_default(),
            table_titles: app
                .table_specifications
                .iter()
                .enumerate()
                .filter(|(_, t)| t.data_source == s.code)
                .map(|(i, t)| (i, t.title.clone().unwrap_or_default()))
                .collect(),
        });
    }
    let institution = app
        .responsibility
        .institution_name
        .clone()
        .filter(|n| !n.trim().is_empty());
    Ok(Some(LetterFacts {
        case_number: rec.case_number.clone(),
        decided_on,
        project_leader: app.responsibility.project_leader.name.clone(),
        institution,
        project_title: app.project.title.clone(),
        hds: Body {
            name: service.name,
            email: Some(service.contact_email),
        },
        sources: letter_sources,
        appeal_deadline: rec.decision_appeal_deadline,
        due_on: match (rec.statutory_deadline, rec.postponement_expected_on) {
            (Some(s), Some(p)) => Some(s.max(p)),
            (s, p) => s.or(p),
        },
    }))
}
