//! Whom the caller acts as, for the resources that several route modules
//! serve: an applicant (a person, ID-porten), a case handler (a person,
//! HelseID, known by a pseudonymous id), or a custodian (an organisation,
//! Maskinporten, registered by its orgnr).

use std::fmt::Write as _;

use actix_web::web;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::auth::{Principal, Role, Subject};
use crate::error::{ApiError, Text};
use crate::state::AppState;

/// The caller's national identity number: applicants are persons.
pub(crate) fn applicant(principal: &Principal) -> Result<String, ApiError> {
    principal.require(Role::Applicant)?;
    principal
        .person_id()
        .map(|pid| pid.as_str().to_owned())
        .ok_or_else(|| {
            ApiError::forbidden(Text::new(
                "søknader sendes av personer",
                "applications are made by persons",
            ))
        })
}

/// The handler id of a national identity number.
pub fn handler_id(pid: &str) -> String {
    let digest = Sha256::digest(format!("hds-case-handler:{pid}").as_bytes());
    let mut hex = String::with_capacity(16);
    for b in digest.iter().take(8) {
        let _ = write!(hex, "{b:02x}");
    }
    format!("h-{hex}")
}

/// The case handler's pseudonymous id and name: case handling is done by persons.
pub(crate) fn case_handler(principal: &Principal) -> Result<(String, Option<String>), ApiError> {
    principal.require(Role::CaseHandler)?;
    match &principal.subject {
        Subject::Person { pid, name } => Ok((handler_id(pid.as_str()), name.clone())),
        Subject::Organisation { .. } => Err(ApiError::forbidden(Text::new(
            "saksbehandling gjøres av personer (HelseID)",
            "case handling is done by persons (HelseID)",
        ))),
    }
}

/// The orgnr of a caller with the CUSTODIAN role: 403 without the role or
/// without an organisation token.
pub fn custodian_orgnr(principal: &Principal) -> Result<String, ApiError> {
    principal.require(Role::Custodian)?;
    principal
        .orgnr()
        .map(|o| o.as_str().to_owned())
        .ok_or_else(|| {
            ApiError::forbidden(Text::new(
                "rollen CUSTODIAN krever et virksomhetstoken",
                "the CUSTODIAN role needs an organisation token",
            ))
        })
}

/// 403: the orgnr of the token is no registered custodian's.
pub fn not_registered(orgnr: &str) -> ApiError {
    ApiError::forbidden(Text::new(
        format!(
            "virksomheten {orgnr} er ikke registrert som registerforvalter; be HDS registrere den"
        ),
        format!("organisation {orgnr} is not a registered custodian; ask HDS to register it"),
    ))
}

/// The custodian registered with the orgnr of the caller's Maskinporten
/// token: 403 without the CUSTODIAN role or for an orgnr no custodian has.
pub async fn custodian_of(
    state: &web::Data<AppState>,
    principal: &Principal,
) -> Result<Uuid, ApiError> {
    let orgnr = custodian_orgnr(principal)?;
    let lookup = orgnr.clone();
    let custodian = state
        .run(move |conn| {
            hds_persistence::feed::custodian_for_orgnr(conn, &lookup).map_err(ApiError::from)
        })
        .await?;
    custodian.ok_or_else(|| not_registered(&orgnr))
}
