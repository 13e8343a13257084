//! What callers send besides the content: the query of their list, a
//! co-applicant to invite, and an upload's description and bytes.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::views::{ApplicationStatus, AttachmentKindCode};

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

/// What the uploaded file is.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    pub kind: AttachmentKindCode,
    /// A title the case handler understands (1 to 200 characters).
    pub title: String,
    /// The file's name (sanitised before it is stored).
    pub filename: String,
}
