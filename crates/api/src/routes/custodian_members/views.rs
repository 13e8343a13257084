//! A link between a person and a custodian, as an ADMIN reads it.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// How a custodian's staff member logs in.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IdentityProvider {
    /// ID-porten.
    IdPorten,
    /// HelseID.
    HelseId,
}

impl IdentityProvider {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::IdPorten => "ID_PORTEN",
            Self::HelseId => "HELSE_ID",
        }
    }

    pub(super) fn from_code(code: &str) -> Self {
        if code == "HELSE_ID" {
            Self::HelseId
        } else {
            Self::IdPorten
        }
    }
}

/// A person who acts for a custodian (saksbehandler hos registerforvalteren).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustodianMemberView {
    pub id: Uuid,
    /// The custodian's code.
    #[schema(example = "KREFTREGISTERET")]
    pub custodian: String,
    /// The person's pseudonymous key (no national identity number is kept).
    #[schema(example = "m-5f0c6e1d2a3b4c5d6e7f8091a2b3c4d5")]
    pub person_key: String,
    pub identity_provider: IdentityProvider,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub linked_at: OffsetDateTime,
}
