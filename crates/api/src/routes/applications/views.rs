//! What the applications API answers with: the application, its line in the
//! caller's list, its attachments, the check's result, the case it became
//! and that case's timeline, and co-applicants; each with its mapping from
//! the stored code or row.

use hds_domain::application as rules;
use hds_domain::case::CaseState;
use hds_persistence::applications::{self as repo, Access, CaseRow};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::content::ApplicationContent;

/// Where an application stands: `DRAFT`, or its case's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApplicationStatus {
    /// Utkast: the applicant is writing it.
    Draft,
    /// Sendt inn: received, not yet found complete.
    Submitted,
    /// Venter på søker: a question waits for the applicant.
    AwaitingApplicant,
    /// Under behandling: complete, the statutory clock runs.
    UnderReview,
    /// Vedtak fattet.
    Decided,
    /// Avvist: no reply to a question.
    RejectedNoReply,
    /// Trukket.
    Withdrawn,
    /// Påklaget.
    Appealed,
    /// Oversendt Helseklage.
    ForwardedToAppealsBody,
    /// Avsluttet.
    Closed,
}

impl ApplicationStatus {
    /// The one mapping from the stored codes (`DRAFT` or a `CaseState` code).
    pub fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "DRAFT" => Self::Draft,
            other => match other.parse::<CaseState>().ok()? {
                CaseState::Submitted => Self::Submitted,
                CaseState::AwaitingApplicant => Self::AwaitingApplicant,
                CaseState::UnderReview => Self::UnderReview,
                CaseState::Decided => Self::Decided,
                CaseState::RejectedNoReply => Self::RejectedNoReply,
                CaseState::Withdrawn => Self::Withdrawn,
                CaseState::Appealed => Self::Appealed,
                CaseState::ForwardedToAppealsBody => Self::ForwardedToAppealsBody,
                CaseState::Closed => Self::Closed,
            },
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => repo::DRAFT,
            Self::Submitted => CaseState::Submitted.as_str(),
            Self::AwaitingApplicant => CaseState::AwaitingApplicant.as_str(),
            Self::UnderReview => CaseState::UnderReview.as_str(),
            Self::Decided => CaseState::Decided.as_str(),
            Self::RejectedNoReply => CaseState::RejectedNoReply.as_str(),
            Self::Withdrawn => CaseState::Withdrawn.as_str(),
            Self::Appealed => CaseState::Appealed.as_str(),
            Self::ForwardedToAppealsBody => CaseState::ForwardedToAppealsBody.as_str(),
            Self::Closed => CaseState::Closed.as_str(),
        }
    }
}

/// The caller's relation to the application.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApplicationRole {
    /// Created it (søker): may submit, withdraw and manage members.
    Owner,
    /// Co-applicant (medsøker): may read, and edit drafts.
    Member,
}

impl From<Access> for ApplicationRole {
    fn from(access: Access) -> Self {
        match access {
            Access::Owner => Self::Owner,
            Access::Member => Self::Member,
        }
    }
}

/// The kind of attachment (vedleggstype).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AttachmentKindCode {
    /// Prosjektbeskrivelse (always required).
    ProjectDescription,
    /// REK-vedtak (required for medical and health research with identifiable data).
    RekDecision,
    /// Personvernkonsekvensvurdering.
    Dpia,
    /// Tabellbestilling.
    TableSpecification,
    /// Variabelliste.
    VariableList,
    /// Informasjonsskriv.
    InformationLetter,
    /// Annet.
    Other,
}

impl AttachmentKindCode {
    pub(super) fn domain(self) -> rules::AttachmentKind {
        match self {
            Self::ProjectDescription => rules::AttachmentKind::ProjectDescription,
            Self::RekDecision => rules::AttachmentKind::RekDecision,
            Self::Dpia => rules::AttachmentKind::Dpia,
            Self::TableSpecification => rules::AttachmentKind::TableSpecification,
            Self::VariableList => rules::AttachmentKind::VariableList,
            Self::InformationLetter => rules::AttachmentKind::InformationLetter,
            Self::Other => rules::AttachmentKind::Other,
        }
    }

    pub(super) fn from_code(code: &str) -> Option<Self> {
        const ALL: [AttachmentKindCode; 7] = [
            AttachmentKindCode::ProjectDescription,
            AttachmentKindCode::RekDecision,
            AttachmentKindCode::Dpia,
            AttachmentKindCode::TableSpecification,
            AttachmentKindCode::VariableList,
            AttachmentKindCode::InformationLetter,
            AttachmentKindCode::Other,
        ];
        ALL.into_iter().find(|k| k.domain().as_str() == code)
    }
}

/// An attachment's metadata (vedlegg).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentView {
    pub id: Uuid,
    pub kind: AttachmentKindCode,
    /// A title the case handler understands.
    pub title: String,
    /// The sanitised file name.
    pub filename: String,
    /// What the content was sniffed as.
    #[schema(example = "application/pdf")]
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub uploaded_at: OffsetDateTime,
    /// Where to download it.
    pub download_url: String,
}

impl AttachmentView {
    pub(crate) fn from_meta(meta: &repo::AttachmentMeta) -> Self {
        Self {
            id: meta.id,
            kind: AttachmentKindCode::from_code(&meta.kind).unwrap_or(AttachmentKindCode::Other),
            title: meta.title.clone(),
            filename: meta.filename.clone(),
            content_type: meta.content_type.clone(),
            size_bytes: meta.size_bytes,
            sha256: meta.sha256.clone(),
            uploaded_at: meta.uploaded_at,
            download_url: format!(
                "/api/v1/applications/{}/attachments/{}",
                meta.application_id, meta.id
            ),
        }
    }
}

/// An application (søknad).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationView {
    pub id: Uuid,
    pub status: ApplicationStatus,
    pub role: ApplicationRole,
    /// The case number (saksnummer) once submitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "HDS-2026-000001")]
    pub case_number: Option<String>,
    /// Also the ETag (`"v<version>"`): send it as If-Match to change the application.
    pub version: i32,
    pub content: ApplicationContent,
    pub attachments: Vec<AttachmentView>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
    #[serde(
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub submitted_at: Option<OffsetDateTime>,
}

/// One line of the caller's list of applications.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSummary {
    pub id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub status: ApplicationStatus,
    pub role: ApplicationRole,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "HDS-2026-000001")]
    pub case_number: Option<String>,
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
    #[serde(
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub submitted_at: Option<OffsetDateTime>,
}

/// One thing keeping the application from being submitted.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckProblem {
    /// JSON pointer into the application's content (or `/attachments`).
    #[schema(example = "/legalBasis/rekReference")]
    pub pointer: String,
    #[schema(example = "REK_REFERENCE_MISSING")]
    pub code: String,
    /// In Norwegian (bokmål).
    pub message_nb: String,
    pub message_en: String,
}

/// The result of the completeness check (kontroll av søknaden).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    /// True when nothing keeps the application from being submitted.
    pub complete: bool,
    pub problems: Vec<CheckProblem>,
}

/// A case (sak): a submitted application as HDS handles it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseView {
    pub id: Uuid,
    pub application_id: Uuid,
    #[schema(example = "HDS-2026-000001")]
    pub case_number: String,
    pub status: ApplicationStatus,
    /// When HDS received the application.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub received_at: OffsetDateTime,
    /// Also the ETag (`"v<version>"`): send it as If-Match to withdraw.
    pub version: i32,
}

impl CaseView {
    pub(super) fn from_row(row: &CaseRow) -> Self {
        Self {
            id: row.id,
            application_id: row.application_id,
            case_number: row.case_number.clone(),
            status: ApplicationStatus::from_code(&row.status)
                .unwrap_or(ApplicationStatus::Submitted),
            received_at: row.received_at,
            version: row.version,
        }
    }
}

/// One entry of the case's timeline (saksgang) as the applicant sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseEventView {
    /// What happened, e.g. `SUBMITTED` (received), `QUESTION_ASKED`, `POSTPONED`,
    /// `DECIDED`, `DELIVERY_POSTPONED`, `DELIVERY_DATE_AGREED`, `DELIVERED`,
    /// `CANNOT_DELIVER`, `DATA_MADE_AVAILABLE`, `LINKAGE_SET`, `WITHDRAWN`.
    #[schema(example = "SUBMITTED")]
    pub kind: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: OffsetDateTime,
    /// The case's status after the event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ApplicationStatus>,
    /// Details of the event (e.g. the case number, a reply deadline).
    #[schema(value_type = Object)]
    pub details: Value,
}

/// A co-applicant (medsøker).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemberView {
    pub id: Uuid,
    /// The national identity number with the individual digits hidden.
    #[schema(example = "150585*****")]
    pub national_id_masked: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub added_at: OffsetDateTime,
}
