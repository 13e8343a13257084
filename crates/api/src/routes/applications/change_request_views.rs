//! The schemas of change requests (endringssøknad) and versions, and the
//! mapping from their stored rows.

use hds_domain::change_request::{version_in_force, VersionStanding};
use hds_persistence::change_requests::{ChangeRequestRecord, VersionRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::content::ApplicationPatch;
use super::views::ApplicationStatus;

/// A change request (endringssøknad): the sections of the application to
/// change (as in a PATCH of a draft: each section given replaces that
/// section of the version in force whole; `null` clears it) and why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewChangeRequest {
    /// Why the change is needed (1 to 20,000 characters).
    #[schema(
        example = "Vi trenger to år til med oppfølging: perioden for MFR forlenges til 2024."
    )]
    pub description: String,
    /// The sections to change. May change: data sources (variables,
    /// period), tables, the project's end date, the data processor, the
    /// linkage and comments. Anything else needs a new application.
    #[serde(default)]
    pub content: ApplicationPatch,
    /// Co-applicants (medsøkere) to add: fødselsnummer or D-nummer (never
    /// echoed; the changes show them masked).
    #[serde(default)]
    pub add_members: Vec<String>,
    /// Co-applicants to remove: their member ids (`GET .../members`).
    #[serde(default)]
    pub remove_members: Vec<Uuid>,
}

/// One change (endring) against the version measured against: where
/// (a JSON pointer into the application's content), what it was and what
/// it is proposed to be (absent: not there on that side).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeView {
    #[schema(example = "/dataSources/0/periodTo")]
    pub pointer: String,
    /// The value in the version measured against (absent when added).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// The proposed value (absent when removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// A change request (endringssøknad), handled as a case of its own, linked
/// to the original application and case.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeRequestView {
    /// The change request's own application (its proposed version); its
    /// case is read and withdrawn through `/applications/{applicationId}/case`.
    pub application_id: Uuid,
    pub case_id: Uuid,
    /// Its own case number.
    #[schema(example = "HDS-2026-000002")]
    pub case_number: String,
    /// Its case's status (the original's does not change).
    pub status: ApplicationStatus,
    pub original_application_id: Uuid,
    pub original_case_id: Uuid,
    #[schema(example = "HDS-2026-000001")]
    pub original_case_number: String,
    /// The version of the application it proposes (the original is 1).
    pub version_no: i32,
    /// The version it was measured against: the one in force when it was made.
    pub base_version_no: i32,
    pub description: String,
    /// What changed, against version `baseVersionNo`.
    pub changes: Vec<ChangeView>,
    /// The data sources its decision covers (only what changed).
    pub data_sources: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

impl ChangeRequestView {
    pub fn from_record(r: &ChangeRequestRecord) -> Self {
        let changes = r
            .changes
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| ChangeView {
                pointer: c["pointer"].as_str().unwrap_or_default().to_owned(),
                old: c.get("old").filter(|v| !v.is_null()).cloned(),
                new: c.get("new").filter(|v| !v.is_null()).cloned(),
            })
            .collect();
        Self {
            application_id: r.application_id,
            case_id: r.case_id,
            case_number: r.case_number.clone(),
            status: ApplicationStatus::from_code(&r.status).unwrap_or(ApplicationStatus::Submitted),
            original_application_id: r.original_application_id,
            original_case_id: r.original_case_id,
            original_case_number: r.original_case_number.clone(),
            version_no: r.version_no,
            base_version_no: r.base_version_no,
            description: r.description.clone(),
            changes,
            data_sources: r.sources.clone(),
            created_at: r.created_at,
        }
    }
}

/// The links of an application or case: the change request it is (if it
/// is one, with the original it changes) and the change requests made to it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeRequestLinks {
    /// When this is a change request: itself, naming the original.
    pub change_request_of: Option<ChangeRequestView>,
    /// The change requests made to this (original) application, oldest first.
    pub change_requests: Vec<ChangeRequestView>,
}

/// Whether a version is the original submission or a change request.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VersionKind {
    /// The original submission (versjon 1).
    Original,
    /// A change request (endringssøknad).
    ChangeRequest,
}

/// One version of an application (søknadsversjon), as submitted (frozen).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationVersionView {
    pub version_no: i32,
    pub kind: VersionKind,
    /// The application that holds this version (the original's, or the change request's own).
    pub application_id: Uuid,
    pub case_number: String,
    pub status: ApplicationStatus,
    /// Whether this is the version in force (gjeldende).
    pub in_force: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub submitted_at: OffsetDateTime,
    /// The content as submitted.
    #[schema(value_type = Object)]
    pub content: Value,
}

/// Every version of an application (every one is kept).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationVersions {
    /// The version in force: the latest whose decision granted something;
    /// absent until a decision grants anything.
    pub version_in_force: Option<i32>,
    pub items: Vec<ApplicationVersionView>,
}

/// The standings of the versions, for the domain's rules.
pub fn standings(versions: &[VersionRecord]) -> Vec<(u32, VersionStanding)> {
    versions
        .iter()
        .map(|v| (u32::try_from(v.version_no).unwrap_or(0), v.standing()))
        .collect()
}

impl ApplicationVersions {
    pub fn from_records(versions: &[VersionRecord]) -> Self {
        let in_force = version_in_force(&standings(versions)).and_then(|n| i32::try_from(n).ok());
        Self {
            version_in_force: in_force,
            items: versions
                .iter()
                .map(|v| ApplicationVersionView {
                    version_no: v.version_no,
                    kind: if v.version_no == 1 {
                        VersionKind::Original
                    } else {
                        VersionKind::ChangeRequest
                    },
                    application_id: v.application_id,
                    case_number: v.case_number.clone(),
                    status: ApplicationStatus::from_code(&v.status)
                        .unwrap_or(ApplicationStatus::Submitted),
                    in_force: in_force == Some(v.version_no),
                    submitted_at: v.submitted_at,
                    content: v.snapshot.get("content").cloned().unwrap_or(Value::Null),
                })
                .collect(),
        }
    }
}
