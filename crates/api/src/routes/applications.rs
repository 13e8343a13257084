//! Applications (søknader): drafts written section by section, the
//! completeness check, submission into a case with a case number, the case
//! timeline the applicant sees, withdrawal, and co-applicants.
//!
//! Access: the owner and the members (co-applicants) see an application;
//! for anyone else it does not exist (404). Members read and edit drafts;
//! only the owner submits, withdraws and manages members (403 for members).
//! Lifecycle, sections and rules: docs/applications.md.

use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use diesel::Connection;
use hds_domain::application as rules;
use hds_domain::case::{Case, CaseState};
use hds_domain::identity::NationalId;
use hds_persistence::applications::{self as repo, Access, ApplicationRow, CaseRow};
use hds_persistence::audit::{self, NewAuditEvent};
use hds_persistence::feed::{self, NewFeedEvent};
use hds_persistence::DbConn;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{json, Value};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Principal, Role};
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::{ApiJson, ApiQuery};
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::http::idempotency::{claim, http_response, keyed, respond_stored};
use crate::http::pagination::{self, Page};
use crate::middleware::request_id;
use crate::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_application)
        .service(list_my_applications)
        .service(get_application)
        .service(update_application)
        .service(check_application)
        .service(submit_application)
        .service(get_case)
        .service(list_case_events)
        .service(withdraw_application)
        .service(list_members)
        .service(add_member)
        .service(remove_member);
}

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

// ------------------------------------------------------------------ DTOs

/// Purpose (formål) of the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PurposeCode {
    /// Medisinsk og helsefaglig forskning.
    MedicalAndHealthResearch,
    /// Annen forskning.
    OtherResearch,
    /// Helseanalyse, kvalitetsforbedring, planlegging, styring, beredskap.
    HealthAnalysis,
}

/// How identifiable the data are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DataKindCode {
    /// Anonyme opplysninger (tables).
    Anonymous,
    /// Indirekte personidentifiserbare opplysninger.
    IndirectlyIdentifiable,
    /// Direkte personidentifiserbare opplysninger (needs a special justification).
    DirectlyIdentifiable,
}

/// A letter of GDPR article 6 (1): behandlingsgrunnlag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum GdprArticle6 {
    A,
    B,
    C,
    D,
    E,
    F,
}

/// A letter of GDPR article 9 (2): unntak for særlige kategorier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum GdprArticle9 {
    A,
    B,
    C,
    D,
    E,
    F,
    G,
    H,
    I,
    J,
}

/// The project (prosjekt).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProjectSection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Bounded research questions (problemstillinger).
    #[serde(default)]
    pub research_questions: Vec<String>,
    #[serde(
        default,
        with = "iso_date::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, format = Date, example = "2027-01-01")]
    pub start_date: Option<Date>,
    #[serde(
        default,
        with = "iso_date::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, format = Date, example = "2029-12-31")]
    pub end_date: Option<Date>,
}

/// The kind of data (type opplysninger).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DataKindSection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<DataKindCode>,
    /// Særskilt begrunnelse for direkte identifiserbare opplysninger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_identification_justification: Option<String>,
}

/// A requested data source (datakilde) with the variables and period wanted.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequestedSource {
    /// The data source's code in the catalogue.
    #[schema(example = "MFR")]
    pub code: String,
    /// Variable names in that source.
    #[serde(default)]
    pub variables: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = 2000)]
    pub period_from: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = 2020)]
    pub period_to: Option<i32>,
}

/// How the data will be linked (sammenstilling).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LinkageSection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A person named in the application.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The data processor (databehandler).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DataProcessorDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orgnr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Who is responsible (ansvar).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResponsibilitySection {
    /// The responsible institution's organisasjonsnummer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "974760673")]
    pub institution_orgnr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution_name: Option<String>,
    /// Prosjektleder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_leader: Option<ContactDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_processor: Option<DataProcessorDto>,
    /// Forskningsansvarlig (required for research).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub research_responsibility: Option<String>,
}

/// Legal basis (rettslig grunnlag), REK and confidentiality.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegalBasisSection {
    #[serde(default)]
    pub gdpr_article6: Vec<GdprArticle6>,
    #[serde(default)]
    pub gdpr_article9: Vec<GdprArticle9>,
    /// Supplementary national basis, e.g. "helseregisterloven § 19 a".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplementary: Option<String>,
    /// REK's reference (saksnummer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rek_reference: Option<String>,
    /// Dispensasjon fra taushetsplikt is requested.
    #[serde(default)]
    pub confidentiality_exemption_requested: bool,
}

/// What decides the fee (gebyr).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FeeSection {
    /// Student up to master's level (free for aggregated anonymous data).
    #[serde(default)]
    pub student_up_to_masters: bool,
}

/// A variable of a table, with its categories in Norwegian.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TableVariableDto {
    #[schema(example = "VEKT")]
    pub name: String,
    #[serde(default)]
    pub categories: Vec<String>,
}

/// A table wanted as anonymous data (tabellbestilling).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TableSpecificationDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The code of the data source the table is made from.
    pub data_source: String,
    #[serde(default)]
    pub variables: Vec<TableVariableDto>,
}

/// The application's content (søknadsskjema), by section. Problems' JSON
/// pointers point into this document.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplicationContent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<ProjectSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<PurposeCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_kind: Option<DataKindSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_sources: Option<Vec<RequestedSource>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linkage: Option<LinkageSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsibility: Option<ResponsibilitySection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<LegalBasisSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<FeeSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_specifications: Option<Vec<TableSpecificationDto>>,
    /// Free-text comments to the case handler.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
}

/// `Some(None)` for an explicit `null`, `None` for an absent field.
#[allow(clippy::option_option)] // absent, null and a value are three different things in a PATCH
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A change to some sections: each section given replaces the stored one
/// whole; `null` clears it; sections not given stay as they are.
#[allow(clippy::option_option)] // absent (keep), null (clear) or a value (replace)
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplicationPatch {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<ProjectSection>)]
    pub project: Option<Option<ProjectSection>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<PurposeCode>)]
    pub purpose: Option<Option<PurposeCode>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<DataKindSection>)]
    pub data_kind: Option<Option<DataKindSection>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<RequestedSource>>)]
    pub data_sources: Option<Option<Vec<RequestedSource>>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<LinkageSection>)]
    pub linkage: Option<Option<LinkageSection>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<ResponsibilitySection>)]
    pub responsibility: Option<Option<ResponsibilitySection>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<LegalBasisSection>)]
    pub legal_basis: Option<Option<LegalBasisSection>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<FeeSection>)]
    pub fee: Option<Option<FeeSection>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<TableSpecificationDto>>)]
    pub table_specifications: Option<Option<Vec<TableSpecificationDto>>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub comments: Option<Option<String>>,
}

impl ApplicationPatch {
    /// Applies the patch; returns the JSON names of the sections it touched.
    fn apply(self, content: &mut ApplicationContent) -> Vec<&'static str> {
        let mut touched = Vec::new();
        macro_rules! section {
            ($field:ident, $name:literal) => {
                if let Some(value) = self.$field {
                    content.$field = value;
                    touched.push($name);
                }
            };
        }
        section!(project, "project");
        section!(purpose, "purpose");
        section!(data_kind, "dataKind");
        section!(data_sources, "dataSources");
        section!(linkage, "linkage");
        section!(responsibility, "responsibility");
        section!(legal_basis, "legalBasis");
        section!(fee, "fee");
        section!(table_specifications, "tableSpecifications");
        section!(comments, "comments");
        touched
    }
}

const ALL_SECTIONS: [&str; 10] = [
    "project",
    "purpose",
    "dataKind",
    "dataSources",
    "linkage",
    "responsibility",
    "legalBasis",
    "fee",
    "tableSpecifications",
    "comments",
];

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

/// An attachment's metadata (vedlegg).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentView {
    pub id: Uuid,
    pub kind: crate::routes::application_attachments::AttachmentKindCode,
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
        use crate::routes::application_attachments::AttachmentKindCode;
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
    fn from_row(row: &CaseRow) -> Self {
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
    /// What happened, e.g. `SUBMITTED` (received), `QUESTION_ASKED`, `DECIDED`, `WITHDRAWN`.
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

/// Invite a co-applicant, who logs in with ID-porten.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewMember {
    /// The co-applicant's fødselsnummer or D-nummer (11 digits).
    pub national_id: String,
}

/// Query of the list of the caller's applications.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListApplicationsQuery {
    /// Only applications with this status.
    pub status: Option<ApplicationStatus>,
    /// From `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
}

// --------------------------------------------------------------- helpers

/// The caller's national identity number: applicants are persons.
pub(crate) fn applicant(principal: &Principal) -> Result<String, ApiError> {
    principal.require(Role::Applicant)?;
    principal
        .person_id()
        .map(|pid| pid.as_str().to_owned())
        .ok_or_else(|| ApiError::forbidden("applications are made by persons"))
}

pub(crate) fn not_draft() -> ApiError {
    ApiError::conflict("the application has been submitted and is read-only; contact HDS with the case number to change it")
}

fn owner_only(what: &str) -> ApiError {
    ApiError::forbidden(format!(
        "only the applicant who created the application can {what}"
    ))
}

pub(crate) fn check_version(given: Option<i32>, current: i32) -> Result<(), ApiError> {
    match given {
        Some(v) if v != current => Err(ApiError::precondition_failed()),
        _ => Ok(()),
    }
}

pub(crate) fn audit(
    conn: &mut DbConn,
    actor: &str,
    action: &str,
    entity_type: &str,
    entity_id: &str,
    after: Value,
    request_id: Option<&str>,
) -> Result<(), ApiError> {
    audit::record(
        conn,
        &NewAuditEvent {
            actor,
            action,
            entity_type,
            entity_id,
            before_state: None,
            after_state: Some(after),
            request_id,
        },
    )?;
    Ok(())
}

fn stored_content(row: &ApplicationRow) -> Result<ApplicationContent, ApiError> {
    serde_json::from_value(row.content.clone())
        .map_err(|e| ApiError::internal(format!("stored application content does not parse: {e}")))
}

fn content_json(content: &ApplicationContent) -> Result<Value, ApiError> {
    serde_json::to_value(content).map_err(|e| ApiError::internal(e.to_string()))
}

/// The content as the domain rules see it.
pub fn to_domain(c: &ApplicationContent) -> rules::Application {
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
                data_description: None, // not on the form yet (issue 12)
            })
            .collect(),
        linkage_description: c.linkage.as_ref().and_then(|l| l.description.clone()),
        linkage_plan: rules::LinkagePlan::default(), // not on the form yet (issue 12)
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
fn named_sources(app: &rules::Application) -> Vec<String> {
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

const MAX_TITLE: usize = 300;
const MAX_TEXT: usize = 20_000;
const MAX_LIST: usize = 200;

/// Bounds on sizes and ranges (the shape, not the rules).
fn bounds(c: &ApplicationContent, app: &rules::Application) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (pointer, text) in rules::free_text_fields(app) {
        let max = if pointer.ends_with("/title") || pointer.contains("/categories/") {
            MAX_TITLE
        } else {
            MAX_TEXT
        };
        if text.chars().count() > max {
            errors.push(FieldError::new(
                pointer,
                "TOO_LONG",
                format!("at most {max} characters"),
            ));
        }
    }
    let lists: [(&str, usize); 3] = [
        (
            "/project/researchQuestions",
            app.project.research_questions.len(),
        ),
        ("/dataSources", app.data_sources.len()),
        ("/tableSpecifications", app.table_specifications.len()),
    ];
    for (pointer, len) in lists {
        if len > MAX_LIST {
            errors.push(FieldError::new(
                pointer,
                "TOO_MANY",
                format!("at most {MAX_LIST} entries"),
            ));
        }
    }
    for (i, s) in c.data_sources.iter().flatten().enumerate() {
        for (name, year) in [("periodFrom", s.period_from), ("periodTo", s.period_to)] {
            if year.is_some_and(|y| !(1900..=2100).contains(&y)) {
                errors.push(FieldError::new(
                    format!("/dataSources/{i}/{name}"),
                    "OUT_OF_RANGE",
                    "a year between 1900 and 2100",
                ));
            }
        }
        if s.variables.len() > 2000 {
            errors.push(FieldError::new(
                format!("/dataSources/{i}/variables"),
                "TOO_MANY",
                "at most 2000 variables",
            ));
        }
    }
    errors
}

fn field_error(p: &rules::Problem) -> FieldError {
    FieldError::new(p.pointer.clone(), p.code, p.message_en.clone())
}

fn check_problem(p: rules::Problem) -> CheckProblem {
    CheckProblem {
        pointer: p.pointer,
        code: p.code.to_owned(),
        message_nb: p.message_nb,
        message_en: p.message_en,
    }
}

fn in_sections(pointer: &str, sections: &[&str]) -> bool {
    sections.iter().any(|s| {
        pointer
            .strip_prefix('/')
            .and_then(|rest| rest.strip_prefix(s))
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// Refuses content that is wrong in itself, within the sections written:
/// bounds, national identity numbers in free text, unknown data sources and
/// variables, dates in the wrong order, bad organisation numbers and e-mails.
fn validate_for_saving(
    conn: &mut DbConn,
    content: &ApplicationContent,
    sections: &[&str],
) -> Result<(), ApiError> {
    let app = to_domain(content);
    let mut errors: Vec<FieldError> = bounds(content, &app)
        .into_iter()
        .filter(|e| in_sections(&e.pointer, sections))
        .collect();
    let catalogue = repo::catalogue_facts(conn, &named_sources(&app))?;
    errors.extend(
        rules::check(&app, &catalogue, &rules::Attachments::default())
            .iter()
            .filter(|p| p.refuses_saving() && in_sections(&p.pointer, sections))
            .map(field_error),
    );
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// Runs the completeness rules over a stored application.
fn run_check(conn: &mut DbConn, row: &ApplicationRow) -> Result<Vec<rules::Problem>, ApiError> {
    let content = stored_content(row)?;
    let app = to_domain(&content);
    let catalogue = repo::catalogue_facts(conn, &named_sources(&app))?;
    let kinds = repo::list_attachments(conn, row.id)?
        .iter()
        .filter_map(|a| a.kind.parse::<rules::AttachmentKind>().ok())
        .collect::<Vec<_>>();
    Ok(rules::check(
        &app,
        &catalogue,
        &rules::Attachments::new(kinds),
    ))
}

fn view(
    conn: &mut DbConn,
    row: &ApplicationRow,
    access: Access,
) -> Result<ApplicationView, ApiError> {
    let case = if row.status == repo::SUBMITTED {
        Some(repo::case_of(conn, row.id)?)
    } else {
        None
    };
    let attachments = repo::list_attachments(conn, row.id)?;
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
    })
}

// -------------------------------------------------------------- handlers

/// Start a new draft application (utkast), optionally with some sections.
#[utoipa::path(tag = "applications", operation_id = "create_application", security(("bearerAuth" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create return the same draft")),
    request_body = ApplicationContent,
    responses(
        (status = 201, description = "The draft; `ETag` and `Location` set", body = ApplicationView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an applicant", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Content wrong in itself (pointer per field)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/applications")]
async fn create_application(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    body: ApiJson<ApplicationContent>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let content = body.0;
    let json = content_json(&content)?;
    let keyed = keyed(&req, &pid, json.to_string().as_bytes())?;
    let actor = principal.actor();
    let request_id = request_id(&req);
    let (stored, replayed) = state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                if let Some(stored) = claim(conn, keyed.as_ref())? {
                    return Ok((stored, true));
                }
                validate_for_saving(conn, &content, &ALL_SECTIONS)?;
                let row = repo::create(conn, &pid, &json)?;
                audit(
                    conn,
                    &actor,
                    "APPLICATION_CREATED",
                    "application",
                    &row.id.to_string(),
                    json!({"version": row.version}),
                    request_id.as_deref(),
                )?;
                let view = view(conn, &row, Access::Owner)?;
                let headers = vec![
                    ("Location", format!("/api/v1/applications/{}", row.id)),
                    ("ETag", etag::of_version(row.version)),
                ];
                Ok((
                    respond_stored(conn, keyed.as_ref(), 201, headers, &view)?,
                    false,
                ))
            })
        })
        .await?;
    Ok(http_response(stored, replayed))
}

/// The caller's applications (own and as co-applicant), newest first, with
/// status and case number.
#[utoipa::path(tag = "applications", operation_id = "list_my_applications", security(("bearerAuth" = [])),
    params(ListApplicationsQuery),
    responses(
        (status = 200, description = "One page", body = Page<ApplicationSummary>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/applications")]
async fn list_my_applications(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    query: ApiQuery<ListApplicationsQuery>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let query = query.0;
    let limit = pagination::limit(query.limit)?;
    let after = pagination::decode_cursor(query.cursor.as_deref())?
        .map(|c| parse_cursor(&c))
        .transpose()?;
    let status = query.status.map(ApplicationStatus::code);
    let rows = state
        .run(move |conn| {
            Ok(repo::list_for(conn, &pid, after, status, limit).map(|rows| (rows, pid))?)
        })
        .await?;
    let (rows, pid) = rows;
    let items: Vec<ApplicationSummary> = rows
        .into_iter()
        .map(|r| ApplicationSummary {
            id: r.id,
            title: r
                .content
                .pointer("/project/title")
                .and_then(Value::as_str)
                .map(str::to_owned),
            status: r
                .case_status
                .as_deref()
                .and_then(ApplicationStatus::from_code)
                .unwrap_or(ApplicationStatus::Draft),
            role: if r.owner_pid == pid {
                ApplicationRole::Owner
            } else {
                ApplicationRole::Member
            },
            case_number: r.case_number,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
            submitted_at: r.submitted_at,
        })
        .collect();
    let page = pagination::page(items, limit, |a| {
        format!("{}|{}", a.created_at.unix_timestamp_nanos(), a.id)
    });
    etag::json_with_etag(&req, &page, PRIVATE_NO_CACHE)
}

fn parse_cursor(raw: &str) -> Result<(OffsetDateTime, Uuid), ApiError> {
    let bad = || {
        ApiError::bad_parameter(
            "/query/cursor",
            "INVALID_CURSOR",
            "cursor is not one this API gave out",
        )
    };
    let (nanos, id) = raw.split_once('|').ok_or_else(bad)?;
    let nanos: i128 = nanos.parse().map_err(|_| bad())?;
    let at = OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(|_| bad())?;
    let id = Uuid::parse_str(id).map_err(|_| bad())?;
    Ok((at, id))
}

/// One application, with its content and attachments.
#[utoipa::path(tag = "applications", operation_id = "get_application", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "The application's id")),
    responses(
        (status = 200, description = "The application; `ETag: \"v<version>\"`", body = ApplicationView),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application for the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/applications/{id}")]
async fn get_application(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let id = id.into_inner();
    let view = state
        .run(move |conn| {
            let (row, access) = repo::find_accessible(conn, id, &pid)?;
            view(conn, &row, access)
        })
        .await?;
    etag::json_versioned(&req, &view, view.version, PRIVATE_NO_CACHE)
}

/// Change sections of a draft. Each section given replaces the stored one;
/// `null` clears it. Needs `If-Match`. Content wrong in itself is refused
/// (422); what is merely unfinished is reported by the check.
#[utoipa::path(tag = "applications", operation_id = "update_application", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        ("If-Match" = String, Header, description = "The ETag last read, e.g. \"v3\""),
    ),
    request_body = ApplicationPatch,
    responses(
        (status = 200, description = "The application after the change; new `ETag`", body = ApplicationView),
        (status = 404, description = "No such application for the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Submitted: read-only", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since read (If-Match)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Content wrong in itself (pointer per field)", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/applications/{id}")]
async fn update_application(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<ApplicationPatch>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let version = etag::required_version(&req)?;
    let id = id.into_inner();
    let patch = body.0;
    let actor = principal.actor();
    let request_id = request_id(&req);
    let view = state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                let (row, access) = repo::lock_accessible(conn, id, &pid)?;
                if row.status != repo::DRAFT {
                    return Err(not_draft());
                }
                check_version(Some(version), row.version)?;
                let mut content = stored_content(&row)?;
                let touched = patch.apply(&mut content);
                validate_for_saving(conn, &content, &touched)?;
                let row = repo::update_content(conn, id, &content_json(&content)?)?;
                audit(
                    conn,
                    &actor,
                    "APPLICATION_UPDATED",
                    "application",
                    &id.to_string(),
                    json!({"version": row.version, "sections": touched}),
                    request_id.as_deref(),
                )?;
                view(conn, &row, access)
            })
        })
        .await?;
    etag::json_versioned(&req, &view, view.version, PRIVATE_NO_CACHE)
}

/// Check the application against what makes a good application: every
/// problem at once, each with a pointer, a code and messages in Norwegian and English.
#[utoipa::path(tag = "applications", operation_id = "check_application", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "The application's id")),
    responses(
        (status = 200, description = "The problems (none when complete)", body = CheckResult),
        (status = 404, description = "No such application for the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/applications/{id}/check")]
async fn check_application(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let id = id.into_inner();
    let problems = state
        .run(move |conn| {
            let (row, _) = repo::find_accessible(conn, id, &pid)?;
            run_check(conn, &row)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PRIVATE_NO_CACHE))
        .json(CheckResult {
            complete: problems.is_empty(),
            problems: problems.into_iter().map(check_problem).collect(),
        }))
}

/// The writes of a submission, inside the submit transaction after every
/// check passed: case number, frozen snapshot, status, case, its events.
fn record_submission(
    conn: &mut DbConn,
    row: &ApplicationRow,
    actor: &str,
    request_id: Option<&str>,
) -> Result<CaseRow, ApiError> {
    let id = row.id;
    let now = OffsetDateTime::now_utc();
    let received_on = hds_domain::calendar::oslo_date(now);
    let submitted = Case::submit(received_on);
    let case_number = repo::next_case_number(conn, received_on.year())?;
    let attachments = repo::list_attachments(conn, id)?;
    let snapshot = json!({
        "applicationId": id,
        "version": row.version,
        "content": row.content,
        "attachments": attachments.iter().map(|a| json!({
            "id": a.id, "kind": a.kind, "title": a.title, "filename": a.filename,
            "contentType": a.content_type, "sizeBytes": a.size_bytes, "sha256": a.sha256,
        })).collect::<Vec<_>>(),
        "caseNumber": case_number,
    });
    repo::insert_snapshot(conn, id, &snapshot, now, actor)?;
    repo::mark_submitted(conn, id, now)?;
    let status = submitted.case.state.as_str();
    let case = repo::insert_case(conn, id, &case_number, status, now, received_on)?;
    for event in &submitted.events {
        repo::record_case_event(
            conn,
            &repo::NewCaseEvent {
                case_id: case.id,
                kind: event.kind().as_str(),
                occurred_at: now,
                actor,
                visible_to_applicant: true,
                status_before: None,
                status_after: Some(status),
                data: json!({"caseNumber": case_number, "receivedOn": received_on.to_string()}),
                request_id,
            },
        )?;
    }
    let sources: Vec<String> = to_domain(&stored_content(row)?)
        .data_sources
        .into_iter()
        .map(|s| s.code)
        .collect();
    feed::append(
        conn,
        &NewFeedEvent {
            event_type: "no.helsedata.case.received",
            source: &format!("/api/v1/cases/{}", case.id),
            subject: Some(&case_number),
            data: json!({
                "caseId": case.id,
                "caseNumber": case_number,
                "applicationId": id,
                "status": status,
                "receivedAt": now
                    .format(&time::format_description::well_known::Rfc3339)
                    .map_err(|e| ApiError::internal(e.to_string()))?,
                "dataSources": sources,
            }),
            custodian_id: None,
            case_id: Some(case.id),
        },
    )?;
    audit(
        conn,
        actor,
        "APPLICATION_SUBMITTED",
        "application",
        &id.to_string(),
        json!({"caseId": case.id, "caseNumber": case_number}),
        request_id,
    )?;
    Ok(case)
}

/// Submit the application (sende inn): one transaction checks it (422 with
/// every problem), freezes the submitted version, assigns the case number
/// and records the received instant and event. Owner only. Needs `If-Match`
/// and `Idempotency-Key`: a retry with the same key returns the same case.
#[utoipa::path(tag = "applications", operation_id = "submit_application", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        ("If-Match" = String, Header, description = "The application's ETag last read"),
        ("Idempotency-Key" = String, Header, description = "A new unique key per submission attempt (e.g. a UUID); retries reuse it"),
    ),
    responses(
        (status = 201, description = "The case; `Location` is the case", body = CaseView),
        (status = 400, description = "Idempotency-Key missing or malformed", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A co-applicant cannot submit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application for the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already submitted", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since read (If-Match)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not complete: every problem listed", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/applications/{id}/submit")]
async fn submit_application(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let version = etag::required_version(&req)?;
    let keyed = keyed(&req, &pid, b"")?.ok_or_else(|| {
        ApiError::bad_parameter(
            "/header/Idempotency-Key",
            "REQUIRED",
            "submitting needs an Idempotency-Key header (a new UUID per attempt; reuse it on retries)",
        )
    })?;
    let id = id.into_inner();
    let actor = principal.actor();
    let request_id = request_id(&req);
    let (stored, replayed) = state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                if let Some(stored) = claim(conn, Some(&keyed))? {
                    return Ok((stored, true));
                }
                let (row, access) = repo::lock_accessible(conn, id, &pid)?;
                if access != Access::Owner {
                    return Err(owner_only("submit it"));
                }
                if row.status != repo::DRAFT {
                    return Err(not_draft());
                }
                check_version(Some(version), row.version)?;
                let problems = run_check(conn, &row)?;
                if !problems.is_empty() {
                    return Err(ApiError::validation(
                        problems.iter().map(field_error).collect(),
                    ));
                }
                let case = record_submission(conn, &row, &actor, request_id.as_deref())?;
                let headers = vec![
                    ("Location", format!("/api/v1/applications/{id}/case")),
                    ("ETag", etag::of_version(case.version)),
                ];
                Ok((
                    respond_stored(conn, Some(&keyed), 201, headers, &CaseView::from_row(&case))?,
                    false,
                ))
            })
        })
        .await?;
    Ok(http_response(stored, replayed))
}

/// The case a submitted application became: case number, status, received.
#[utoipa::path(tag = "applications", operation_id = "get_case", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "The application's id")),
    responses(
        (status = 200, description = "The case; `ETag: \"v<version>\"`", body = CaseView),
        (status = 404, description = "No such application for the caller, or not submitted", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/applications/{id}/case")]
async fn get_case(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let id = id.into_inner();
    let case = state
        .run(move |conn| {
            repo::find_accessible(conn, id, &pid)?;
            Ok(repo::case_of(conn, id)?)
        })
        .await?;
    let view = CaseView::from_row(&case);
    etag::json_versioned(&req, &view, view.version, PRIVATE_NO_CACHE)
}

/// The case's timeline (saksgang) as the applicant sees it: received,
/// questions, decision, deadline changes, withdrawal. Oldest first.
#[utoipa::path(tag = "applications", operation_id = "list_case_events", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "The application's id")),
    responses(
        (status = 200, description = "The events meant for the applicant", body = Vec<CaseEventView>),
        (status = 404, description = "No such application for the caller, or not submitted", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/applications/{id}/case/events")]
async fn list_case_events(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let id = id.into_inner();
    let events = state
        .run(move |conn| {
            repo::find_accessible(conn, id, &pid)?;
            let case = repo::case_of(conn, id)?;
            Ok(repo::case_events_of(conn, case.id, true)?)
        })
        .await?;
    let views: Vec<CaseEventView> = events
        .into_iter()
        .map(|e| CaseEventView {
            kind: e.kind,
            occurred_at: e.occurred_at,
            status: e
                .status_after
                .as_deref()
                .and_then(ApplicationStatus::from_code),
            details: e.data,
        })
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PRIVATE_NO_CACHE))
        .json(views))
}

/// Withdraw the application (trekke søknaden) before a decision. Owner only;
/// `If-Match` with the case's ETag.
#[utoipa::path(tag = "applications", operation_id = "withdraw_application", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        ("If-Match" = String, Header, description = "The case's ETag last read"),
    ),
    responses(
        (status = 200, description = "The withdrawn case", body = CaseView),
        (status = 403, description = "A co-applicant cannot withdraw", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application for the caller, or not submitted", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed in the case's state (e.g. decided)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The case changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/applications/{id}/withdraw")]
async fn withdraw_application(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let version = etag::required_version(&req)?;
    let id = id.into_inner();
    let actor = principal.actor();
    let request_id = request_id(&req);
    let now = state.clock.now();
    let case = state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                let (_, access) = repo::find_accessible(conn, id, &pid)?;
                let case = repo::lock_case_of(conn, id)?;
                if access != Access::Owner {
                    return Err(owner_only("withdraw it"));
                }
                // The case-handling repository: the state machine decides,
                // withdrawn_on is recorded, open custodian tasks are cancelled,
                // and the event and audit are written in this transaction.
                let ctx = hds_persistence::cases::Ctx {
                    actor: &actor,
                    at: now,
                    request_id: request_id.as_deref(),
                };
                hds_persistence::cases::withdraw(conn, case.id, version, &ctx)?;
                let updated = repo::case_of(conn, id)?;
                feed::append(
                    conn,
                    &NewFeedEvent {
                        event_type: "no.helsedata.case.withdrawn",
                        source: &format!("/api/v1/cases/{}", case.id),
                        subject: Some(&case.case_number),
                        data: json!({
                            "caseId": case.id,
                            "caseNumber": case.case_number,
                            "applicationId": id,
                            "status": updated.status,
                        }),
                        custodian_id: None,
                        case_id: Some(case.id),
                    },
                )?;
                Ok(updated)
            })
        })
        .await?;
    let view = CaseView::from_row(&case);
    etag::json_versioned(&req, &view, view.version, PRIVATE_NO_CACHE)
}

fn member_view(m: &repo::MemberRow) -> MemberView {
    MemberView {
        id: m.id,
        national_id_masked: NationalId::parse(&m.pid)
            .map_or_else(|_| "***********".to_owned(), |p| p.masked()),
        added_at: m.added_at,
    }
}

/// The co-applicants (medsøkere).
#[utoipa::path(tag = "applications", operation_id = "list_members", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "The application's id")),
    responses(
        (status = 200, description = "The co-applicants", body = Vec<MemberView>),
        (status = 404, description = "No such application for the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/applications/{id}/members")]
async fn list_members(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let id = id.into_inner();
    let members = state
        .run(move |conn| {
            repo::find_accessible(conn, id, &pid)?;
            Ok(repo::list_members(conn, id)?)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PRIVATE_NO_CACHE))
        .json(members.iter().map(member_view).collect::<Vec<_>>()))
}

/// Invite a co-applicant by fødselsnummer or D-nummer: they can read and
/// edit the draft when they log in with ID-porten. Owner only, while a draft.
#[utoipa::path(tag = "applications", operation_id = "add_member", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        ("If-Match" = String, Header, description = "The application's ETag last read"),
    ),
    request_body = NewMember,
    responses(
        (status = 201, description = "Added", body = MemberView),
        (status = 200, description = "Already a member", body = MemberView),
        (status = 403, description = "Only the owner manages members", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application for the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Submitted: read-only", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since read (If-Match)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a valid national identity number, or the owner", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/applications/{id}/members")]
async fn add_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<NewMember>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let version = etag::required_version(&req)?;
    let member = NationalId::parse(body.0.national_id.trim()).map_err(|e| {
        ApiError::validation(vec![FieldError::new(
            "/nationalId",
            "INVALID_NATIONAL_ID",
            format!("not a valid fødselsnummer or D-nummer: {e}"),
        )])
    })?;
    let id = id.into_inner();
    let actor = principal.actor();
    let request_id = request_id(&req);
    let (row, created) = state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                let (app, access) = repo::lock_accessible(conn, id, &pid)?;
                if access != Access::Owner {
                    return Err(owner_only("invite co-applicants"));
                }
                if app.status != repo::DRAFT {
                    return Err(not_draft());
                }
                check_version(Some(version), app.version)?;
                if member.as_str() == app.owner_pid {
                    return Err(ApiError::validation(vec![FieldError::new(
                        "/nationalId",
                        "IS_OWNER",
                        "you own the application; invite someone else",
                    )]));
                }
                let (row, created) = repo::add_member(conn, id, member.as_str(), &actor)?;
                if created {
                    repo::touch(conn, id)?;
                    audit(
                        conn,
                        &actor,
                        "APPLICATION_MEMBER_ADDED",
                        "application",
                        &id.to_string(),
                        json!({"memberId": row.id, "member": member.masked()}),
                        request_id.as_deref(),
                    )?;
                }
                Ok((row, created))
            })
        })
        .await?;
    let mut response = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(response.json(member_view(&row)))
}

/// Remove a co-applicant. Owner only, while a draft.
#[utoipa::path(tag = "applications", operation_id = "remove_member", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        ("memberId" = Uuid, Path, description = "The member's id (from the list of members)"),
        ("If-Match" = String, Header, description = "The application's ETag last read"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Only the owner manages members", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application or member", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Submitted: read-only", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since read (If-Match)", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/applications/{id}/members/{memberId}")]
async fn remove_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let version = etag::required_version(&req)?;
    let (id, member_id) = path.into_inner();
    let actor = principal.actor();
    let request_id = request_id(&req);
    state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                let (app, access) = repo::lock_accessible(conn, id, &pid)?;
                if access != Access::Owner {
                    return Err(owner_only("remove co-applicants"));
                }
                if app.status != repo::DRAFT {
                    return Err(not_draft());
                }
                check_version(Some(version), app.version)?;
                let row = repo::remove_member(conn, id, member_id)?;
                repo::touch(conn, id)?;
                let masked = NationalId::parse(&row.pid)
                    .map(|p| p.masked())
                    .unwrap_or_default();
                audit(
                    conn,
                    &actor,
                    "APPLICATION_MEMBER_REMOVED",
                    "application",
                    &id.to_string(),
                    json!({"memberId": row.id, "member": masked}),
                    request_id.as_deref(),
                )
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
