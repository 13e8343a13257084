//! From the stored case and its child rows to the queue's lines and the
//! case file.

use hds_domain::case::{allowed_commands, Case, CaseState, Settlement};
use hds_persistence::cases::{self as repo, CaseRecord};
use hds_persistence::submitted_attachments;
use time::Date;
use uuid::Uuid;

use super::views::{
    CaseDetail, CaseSourceView, CaseSummary, DecisionView, DeliveryPartView, HandlerRef,
    HistoryEntry, QuestionView, SettlementView, TaskView,
};
use crate::error::ApiError;
use crate::routes::common::{outcome_of, SubmittedAttachmentView, TermsView};
use crate::state::case_rules;

pub(super) fn summary(
    rec: &CaseRecord,
    codes: &[(Uuid, String, String)],
    rules: &hds_domain::case::CaseRules,
    today: Date,
) -> CaseSummary {
    let mut data_sources: Vec<String> = Vec::new();
    let mut custodians: Vec<String> = Vec::new();
    for (_, s, c) in codes.iter().filter(|(id, _, _)| *id == rec.id) {
        data_sources.push(s.clone());
        if !custodians.contains(c) {
            custodians.push(c.clone());
        }
    }
    CaseSummary {
        id: rec.id,
        application_id: rec.application_id,
        case_number: rec.case_number.clone(),
        status: rec.status.clone(),
        received_at: rec.received_at,
        received_on: rec.received_on,
        assignee: rec.assignee.as_ref().map(|id| HandlerRef {
            id: id.clone(),
            name: rec.assignee_name.clone(),
        }),
        completed_on: rec.completed_on,
        statutory_deadline: rec.statutory_deadline,
        due_on: rec.due_on,
        working_days_left: rec
            .due_on
            .map(|due| rules.calendar.working_days_between(today, due)),
        overdue: rec.due_on.is_some_and(|due| today > due) && !rec.clock_paused,
        clock_paused: rec.clock_paused,
        awaiting_delivery: rec.awaiting_delivery,
        data_made_available_on: rec.data_made_available_on,
        data_sources,
        custodians,
        version: rec.version,
    }
}

/// Each granted source's part, in the decision's order.
fn delivery_parts(case: &Case) -> Vec<DeliveryPartView> {
    case.granted_sources()
        .into_iter()
        .map(|source| {
            let part = case.delivery_part(source);
            let postponement = part.and_then(|p| p.postponement.as_ref());
            DeliveryPartView {
                data_source: source.to_owned(),
                due_on: case.part_due_date(source),
                agreed_delivery_on: part.and_then(|p| p.agreed_on),
                postponed_on: postponement.map(|p| p.postponed_on),
                postponement_expected_on: postponement.map(|p| p.expected_on),
                postponement_reason: postponement.map(|p| p.reason.clone()),
                settlement: part.and_then(|p| p.settlement.as_ref()).map(|s| match s {
                    Settlement::Delivered {
                        delivered_on,
                        method,
                        custodian,
                    } => SettlementView {
                        kind: "DELIVERED".into(),
                        on: *delivered_on,
                        method: Some(method.as_str().to_owned()),
                        reason: None,
                        custodian: custodian.clone(),
                    },
                    Settlement::CannotDeliver {
                        reported_on,
                        reason,
                        custodian,
                    } => SettlementView {
                        kind: "CANNOT_DELIVER".into(),
                        on: *reported_on,
                        method: None,
                        reason: Some(reason.clone()),
                        custodian: custodian.clone(),
                    },
                }),
            }
        })
        .collect()
}

/// Loads the whole case file.
#[allow(clippy::too_many_lines)] // one field after the other
pub(super) fn detail(
    conn: &mut diesel::PgConnection,
    state_config: &crate::config::Config,
    id: Uuid,
    today: Date,
) -> Result<CaseDetail, ApiError> {
    let rules = case_rules(state_config, conn)?;
    let rec = repo::find(conn, id)?;
    let codes = repo::source_codes(conn, &[id])?;
    let sources = repo::sources(conn, id)?;
    let questions = repo::questions(conn, id)?;
    let decisions = repo::decisions(conn, id)?;
    let tasks = repo::tasks(conn, id)?;
    let application = repo::snapshot(conn, &rec)?;
    let history = repo::history(conn, id)?;
    let case = repo::to_domain(conn, &rec)?;
    let linkage_by_plan = repo::linkage_of(conn, &rec)?;
    let ids: Vec<Uuid> = decisions.iter().map(|(d, _)| d.id).collect();
    let terms = repo::decision_terms(conn, &ids)?;
    let attachments = submitted_attachments::list(conn, rec.application_id)?;
    let details = rec.details();
    let allowed = rec
        .status
        .parse::<CaseState>()
        .map(|s| {
            allowed_commands(s)
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect()
        })
        .unwrap_or_default();
    Ok(CaseDetail {
        summary: summary(&rec, &codes, &rules, today),
        linkage: rec.linkage.clone(),
        linkage_by_plan: linkage_by_plan.as_str().to_owned(),
        postponed_on: details.postponed_on,
        postponement_expected_on: rec.postponement_expected_on,
        postponement_reason: details.postponement_reason,
        decided_on: rec.decided_on,
        appeal_deadline: rec.decision_appeal_deadline,
        rejected_on: details.rejected_on,
        rejection_appeal_deadline: details.rejection_appeal_deadline,
        appealed_on: details.appealed_on,
        appeal_against: details.appeal_against,
        forwarded_on: details.forwarded_on,
        allowed_commands: allowed,
        sources: sources
            .into_iter()
            .map(|s| CaseSourceView {
                data_source: s.code,
                name_nb: s.name_nb,
                name_en: s.name_en,
                custodian: s.custodian_code,
                custodian_name: s.custodian_name,
                decision_authority: s.decision_authority,
                requested: s.requested,
            })
            .collect(),
        questions: questions
            .into_iter()
            .map(|q| QuestionView {
                id: q.id,
                text: q.text,
                asked_on: q.asked_on,
                reply_deadline: q.reply_deadline,
                clock_paused: q.clock_paused,
                reminder_sent_on: q.reminder_sent_on,
                reminder_reply_deadline: q.reminder_reply_deadline,
                answered_on: q.answered_on,
                answer: q.answer,
                closed_without_answer: q.closed_without_answer,
            })
            .collect(),
        decisions: decisions
            .into_iter()
            .map(|(d, code)| DecisionView {
                data_source: code,
                round: d.round,
                current: d.round == rec.decision_round,
                outcome: outcome_of(&d.outcome),
                legal_basis: d.legal_basis,
                conditions: d.conditions,
                text: d.text,
                granted_variables: d.granted_variables,
                granted_period_from: d.granted_period_from,
                granted_period_to: d.granted_period_to,
                decided_on: d.decided_on,
                terms: TermsView::of(&terms.get(&d.id).cloned().unwrap_or_default()),
                decided_by: d.authority,
            })
            .collect(),
        delivery_parts: delivery_parts(&case),
        tasks: tasks
            .into_iter()
            .map(|(t, custodian, source)| TaskView {
                id: t.id,
                kind: t.kind,
                state: t.state,
                custodian,
                data_source: source,
            })
            .collect(),
        application,
        attachments: attachments
            .iter()
            .map(|a| SubmittedAttachmentView::of(a, &format!("/api/v1/cases/{id}/attachments")))
            .collect(),
        history: history
            .into_iter()
            .map(|e| HistoryEntry {
                id: e.id,
                kind: e.kind,
                occurred_at: e.occurred_at,
                actor: e.actor,
                visible_to_applicant: e.visible_to_applicant,
                status_before: e.status_before,
                status_after: e.status_after,
                details: e.data,
            })
            .collect(),
    })
}
