//! Whom the caller acts as, for the resources that several route modules
//! serve: an applicant (a person, ID-porten), a case handler (a person,
//! HelseID, known by a pseudonymous id), or a custodian: its system (an
//! organisation, Maskinporten, registered by its orgnr) or one of its staff
//! (a person an ADMIN linked to it, known by a pseudonymous key).

use std::fmt::Write as _;

use actix_web::web;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::auth::{Principal, Role, Subject};
use crate::error::{ApiError, Text};
use crate::state::AppState;

/// Is the caller HDS staff (a case handler or an administrator)?
pub(crate) fn is_staff(principal: &Principal) -> bool {
    principal.has(Role::CaseHandler) || principal.has(Role::Admin)
}

/// 403 unless the caller is HDS staff: what only HDS reads (fees of every
/// case, statistics, a case's expected dates).
pub(crate) fn staff(principal: &Principal) -> Result<(), ApiError> {
    if is_staff(principal) {
        Ok(())
    } else {
        Err(ApiError::forbidden(Text::new(
            "dette krever rollen CASE_HANDLER eller ADMIN, som tokenet ditt ikke gir",
            "this needs the CASE_HANDLER or ADMIN role, which your token does not give",
        )))
    }
}

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

/// The pseudonymous key of a custodian's staff member: `m-` and 32 hex
/// digits of a SHA-256 digest of the national identity number (the number
/// itself is never stored).
pub fn member_key(pid: &str) -> String {
    let digest = Sha256::digest(format!("hds-custodian-member:{pid}").as_bytes());
    let mut hex = String::with_capacity(32);
    for b in digest.iter().take(16) {
        let _ = write!(hex, "{b:02x}");
    }
    format!("m-{hex}")
}

/// The custodian the caller acts for, and how the audit trail names the
/// caller: the organisation (`org:<orgnr>`), or the staff member by key and
/// name (`member:m-... (Kari Nordmann, FHI)`).
#[derive(Debug, Clone)]
pub struct ActingCustodian {
    pub id: Uuid,
    pub actor: String,
}

/// The custodian the caller acts for: a person linked to a custodian by an
/// ADMIN (the link is read now, so an unlink takes effect at once), or the
/// custodian registered with the orgnr of a Maskinporten token with the
/// CUSTODIAN role. 403 otherwise.
pub async fn acting_custodian(
    state: &web::Data<AppState>,
    principal: &Principal,
) -> Result<ActingCustodian, ApiError> {
    if let Subject::Person { pid, .. } = &principal.subject {
        let key = member_key(pid.as_str());
        let acting = state
            .run(move |conn| Ok(hds_persistence::members::acting_for(conn, &key)?))
            .await?;
        let Some((member, acting)) = acting else {
            return Err(ApiError::forbidden(Text::new(
                "personen er ikke knyttet til en registerforvalter; en ADMIN knytter \
                 forvalterens saksbehandlere til den (POST /api/v1/custodians/{code}/members)",
                "this person is not linked to a custodian; an ADMIN links custodian staff \
                 (POST /api/v1/custodians/{code}/members)",
            )));
        };
        return Ok(ActingCustodian {
            id: acting.custodian_id,
            actor: format!(
                "member:{} ({}, {})",
                member.person_key, acting.name, acting.custodian_code
            ),
        });
    }
    let id = organisation_custodian(state, principal).await?;
    Ok(ActingCustodian {
        id,
        actor: principal.actor(),
    })
}

/// The custodian whose system calls (a Maskinporten token with the
/// CUSTODIAN role): the change feed and webhooks are configured by the
/// custodian's system, not by its staff.
pub async fn custodian_of(
    state: &web::Data<AppState>,
    principal: &Principal,
) -> Result<Uuid, ApiError> {
    organisation_custodian(state, principal).await
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
async fn organisation_custodian(
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
