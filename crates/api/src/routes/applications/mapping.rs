//! From stored rows to the views, and from the content to the domain's
//! `Application`, which the rules read.

use hds_domain::application as rules;
use hds_domain::identity::NationalId;
use hds_persistence::applications::{self as repo, Access, ApplicationRow};
use hds_persistence::DbConn;
use serde_json::Value;

use super::content::{ApplicationContent, DataKindCode, GdprArticle6, GdprArticle9, PurposeCode};
use super::views::{ApplicationStatus, ApplicationView, AttachmentView, MemberView};
use crate::error::ApiError;

pub(super) fn stored_content(row: &ApplicationRow) -> Result<ApplicationContent, ApiError> {
    serde_json::from_value(row.content.clone())
        .map_err(|e| ApiError::internal(format!("stored application content does not parse: {e}")))
}

pub(super) fn content_json(content: &ApplicationContent) -> Result<Value, ApiError> {
    serde_json::to_value(content).map_err(|e| ApiError::internal(e.to_string()))
}

/// The content as the domain rules see it.
pub(super) fn to_domain(c: &ApplicationContent) -> rules::Application {
    let project = c.project.clone().unwrap_or_default();
    let data_kind = c.data_kind.clone().unwrap_or_default();
    let resp = c.responsibility.clone().unwrap_or_default();
    let lb = c.legal_basis.clone().unwrap_or_default();
    rules::Application {
        project: rules::Project {
            title: project.title,
            summary: project.summary,
            research_questions: project.research_questions,
            start_date: project.start_date,
            end_date: project.end_date,
        },
        purpose: c.purpose.map(|p| match p {
            PurposeCode::MedicalAndHealthResearch => rules::Purpose::MedicalAndHealthResearch,
            PurposeCode::OtherResearch => rules::Purpose::OtherResearch,
            PurposeCode::HealthAnalysis => rules::Purpose::HealthAnalysis,
        }),
        data_kind: data_kind.kind.map(|k| match k {
            DataKindCode::Anonymous => rules::DataKind::Anonymous,
            DataKindCode::IndirectlyIdentifiable => rules::DataKind::IndirectlyIdentifiable,
            DataKindCode::DirectlyIdentifiable => rules::DataKind::DirectlyIdentifiable,
        }),
        direct_identification_justification: data_kind.direct_identification_justification,
        data_sources: c
            .data_sources
            .iter()
            .flatten()
            .map(|s| rules::RequestedSource {
                code: s.code.clone(),
                variables: s.variables.clone(),
                period_from: s.period_from,
                period_to: s.period_to,
                data_description: s.data_description.clone(),
            })
            .collect(),
        linkage_description: c.linkage.as_ref().and_then(|l| l.description.clone()),
        linkage_plan: c
            .linkage
            .as_ref()
            .map(|l| rules::LinkagePlan {
                linked_sources: l.linked_sources.clone(),
                other_registers: l.other_registers.clone(),
            })
            .unwrap_or_default(),
        responsibility: rules::Responsibility {
            institution_orgnr: resp.institution_orgnr,
            institution_name: resp.institution_name,
            project_leader: resp
                .project_leader
                .map(|p| rules::Contact {
                    name: p.name,
                    email: p.email,
                })
                .unwrap_or_default(),
            data_processor: resp.data_processor.map(|d| rules::DataProcessor {
                name: d.name,
                orgnr: d.orgnr,
                description: d.description,
            }),
            research_responsibility: resp.research_responsibility,
        },
        legal_basis: rules::LegalBasis {
            gdpr_article6: lb
                .gdpr_article6
                .iter()
                .filter_map(|l| rules::Art6Letter::new(art6_letter(*l)))
                .collect(),
            gdpr_article9: lb
                .gdpr_article9
                .iter()
                .filter_map(|l| rules::Art9Letter::new(art9_letter(*l)))
                .collect(),
            supplementary: lb.supplementary,
            rek_reference: lb.rek_reference,
            confidentiality_exemption_requested: lb.confidentiality_exemption_requested,
        },
        student_up_to_masters: c.fee.as_ref().is_some_and(|f| f.student_up_to_masters),
        payer_reference: c.fee.as_ref().and_then(|f| f.payer_reference.clone()),
        table_specifications: c
            .table_specifications
            .iter()
            .flatten()
            .map(|t| rules::TableSpecification {
                title: t.title.clone(),
                data_source: t.data_source.clone(),
                variables: t
                    .variables
                    .iter()
                    .map(|v| rules::TableVariable {
                        name: v.name.clone(),
                        categories: v.categories.clone(),
                    })
                    .collect(),
            })
            .collect(),
        comments: c.comments.clone(),
    }
}

fn art6_letter(l: GdprArticle6) -> char {
    match l {
        GdprArticle6::A => 'a',
        GdprArticle6::B => 'b',
        GdprArticle6::C => 'c',
        GdprArticle6::D => 'd',
        GdprArticle6::E => 'e',
        GdprArticle6::F => 'f',
    }
}

fn art9_letter(l: GdprArticle9) -> char {
    match l {
        GdprArticle9::A => 'a',
        GdprArticle9::B => 'b',
        GdprArticle9::C => 'c',
        GdprArticle9::D => 'd',
        GdprArticle9::E => 'e',
        GdprArticle9::F => 'f',
        GdprArticle9::G => 'g',
        GdprArticle9::H => 'h',
        GdprArticle9::I => 'i',
        GdprArticle9::J => 'j',
    }
}

/// Every data source code the content names (requested or in tables).
pub(super) fn named_sources(app: &rules::Application) -> Vec<String> {
    let mut codes: Vec<String> = app
        .data_sources
        .iter()
        .map(|s| s.code.clone())
        .chain(
            app.table_specifications
                .iter()
                .map(|t| t.data_source.clone()),
        )
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

pub(super) fn view(
    conn: &mut DbConn,
    row: &ApplicationRow,
    access: Access,
    caller_pid: &str,
) -> Result<ApplicationView, ApiError> {
    let case = if row.status == repo::SUBMITTED {
        Some(repo::case_of(conn, row.id)?)
    } else {
        None
    };
    let attachments = repo::list_attachments(conn, row.id)?;
    let email_notifications =
        hds_persistence::notifications::contacts::has_verified_address(conn, caller_pid)?;
    view_of(row, access, case, &attachments, email_notifications)
}

/// The view of a draft created in this transaction, by its owner: it has no
/// case and no attachments yet (no one else sees the row before the
/// commit), so nothing more is read.
pub(super) fn new_draft_view(
    row: &ApplicationRow,
    email_notifications: bool,
) -> Result<ApplicationView, ApiError> {
    view_of(row, Access::Owner, None, &[], email_notifications)
}

fn view_of(
    row: &ApplicationRow,
    access: Access,
    case: Option<repo::CaseRow>,
    attachments: &[repo::AttachmentMeta],
    email_notifications: bool,
) -> Result<ApplicationView, ApiError> {
    Ok(ApplicationView {
        id: row.id,
        status: case
            .as_ref()
            .and_then(|c| ApplicationStatus::from_code(&c.status))
            .unwrap_or(ApplicationStatus::Draft),
        role: access.into(),
        case_number: case.map(|c| c.case_number),
        version: row.version,
        content: stored_content(row)?,
        attachments: attachments.iter().map(AttachmentView::from_meta).collect(),
        created_at: row.created_at,
        updated_at: row.updated_at,
        submitted_at: row.submitted_at,
        email_notifications,
    })
}

pub(super) fn member_view(m: &repo::MemberRow) -> MemberView {
    MemberView {
        id: m.id,
        national_id_masked: NationalId::parse(&m.pid)
            .map_or_else(|_| "***********".to_owned(), |p| p.masked()),
        added_at: m.added_at,
    }
}
