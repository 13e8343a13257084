//! Whom the caller acts as, for the resources that several route modules
//! serve: an applicant (a person, ID-porten), a case handler (a person,
//! HelseID, known by a pseudonymous id), or a custodian (an organisation,
//! Maskinporten, registered by its orgnr).

use std::fmt::Write as _;

use actix_web::web;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::auth::{Principal, Role, Subject};
use crate::error::ApiError;
use crate::state::AppState;

/// The caller's national identity number: applicants are persons.
pub(crate) fn applicant(principal: &Principal) -> Result<String, ApiError> {
    principal.require(Role::Applicant)?;
    principal
        .person_id()
        .map(|pid| pid.as_str().to_owned())
        .ok_or_else(|| ApiError::forbidden("applications are made by persons"))
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
        Subject::Organisation { .. } => Err(ApiError::forbidden(
            "case handling is done by persons (HelseID)",
        )),
    }
}

/// The custodian registered with the orgnr of the caller's Maskinporten
/// token: 403 without the CUSTODIAN role or for an orgnr no custodian has.
pub async fn custodian_of(
    state: &web::Data<AppState>,
    principal: &Principal,
) -> Result<Uuid, ApiError> {
    principal.require(Role::Custodian)?;
    let orgnr = principal
        .orgnr()
        .map(|o| o.as_str().to_owned())
        .ok_or_else(|| ApiError::forbidden("the CUSTODIAN role needs an organisation token"))?;
    let lookup = orgnr.clone();
    let custodian = state
        .run(move |conn| {
            hds_persistence::feed::custodian_for_orgnr(conn, &lookup).map_err(ApiError::from)
        })
        .await?;
    custodian.ok_or_else(|| {
        ApiError::forbidden(format!(
            "organisation {orgnr} is not a registered custodian; ask HDS to register it"
        ))
    })
}
