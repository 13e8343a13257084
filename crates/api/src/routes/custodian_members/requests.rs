//! What an ADMIN sends to link a person to a custodian.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::views::IdentityProvider;
use crate::field_rules::free_text;

/// Link a person to a custodian (a custodian's own case handler).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LinkMemberRequest {
    /// The person's fødselsnummer or D-nummer, as their login carries it
    /// (ID-porten `pid`, HelseID `helseid://claims/identity/pid`). Never
    /// stored nor shown: the link keeps a pseudonymous key.
    #[schema(example = "15058510170")]
    pub national_id: String,
    /// How the person logs in.
    pub identity_provider: IdentityProvider,
    /// The person's name, as the audit trail shows it.
    #[schema(example = "Kari Nordmann")]
    #[validate(length(max = 200), custom(function = free_text))]
    pub name: String,
}
