//! Which custodian a custodian system speaks for.

use actix_web::web;
use uuid::Uuid;

use crate::auth::{Principal, Role};
use crate::error::ApiError;
use crate::state::AppState;

/// The orgnr of a caller with the CUSTODIAN role: 403 without the role or
/// without an organisation token.
pub fn custodian_orgnr(principal: &Principal) -> Result<String, ApiError> {
    principal.require(Role::Custodian)?;
    principal
        .orgnr()
        .map(|o| o.as_str().to_owned())
        .ok_or_else(|| ApiError::forbidden("the CUSTODIAN role needs an organisation token"))
}

/// 403: the orgnr of the token is no registered custodian's.
pub fn not_registered(orgnr: &str) -> ApiError {
    ApiError::forbidden(format!(
        "organisation {orgnr} is not a registered custodian; ask HDS to register it"
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
