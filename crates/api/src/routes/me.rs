//! Who am I.

use actix_web::{get, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{Principal, Role, Subject};
use crate::error::ApiError;
use crate::http::etag::{json_with_etag, PRIVATE_NO_CACHE};
use crate::spec::IfNoneMatch;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_me);
}

/// Person or organisation.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PrincipalKind {
    /// A person (person), logged in with ID-porten or HelseID.
    Person,
    /// An organisation (virksomhet), with a Maskinporten token.
    Organisation,
}

/// The caller (innlogget bruker), as the token says.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub kind: PrincipalKind,
    /// The person's name, when the token carries one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The person's national identity number with the individual digits hidden.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "150585*****")]
    pub national_id_masked: Option<String>,
    /// The organisation number (organisasjonsnummer).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "983744516")]
    pub orgnr: Option<String>,
    pub roles: Vec<Role>,
    /// The issuer of the token.
    pub issuer: String,
}

/// Who the caller is: person or organisation, and roles.
#[utoipa::path(tag = "me", operation_id = "get_me", security(("bearerAuth" = [])),
    params(IfNoneMatch),
    responses(
        (status = 200, description = "The caller", body = Me),
    ))]
#[get("/me")]
async fn get_me(req: HttpRequest, principal: Principal) -> Result<HttpResponse, ApiError> {
    let (kind, name, national_id_masked, orgnr) = match &principal.subject {
        Subject::Person { pid, name } => (
            PrincipalKind::Person,
            name.clone(),
            Some(pid.masked()),
            None,
        ),
        Subject::Organisation { orgnr } => (
            PrincipalKind::Organisation,
            None,
            None,
            Some(orgnr.to_string()),
        ),
    };
    let me = Me {
        kind,
        name,
        national_id_masked,
        orgnr,
        roles: principal.roles.clone(),
        issuer: principal.issuer.clone(),
    };
    json_with_etag(&req, &me, PRIVATE_NO_CACHE)
}
