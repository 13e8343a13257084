//! What the applications handlers share: the refusals (read-only once
//! submitted, owner only), the version check inside the writing
//! transaction, and the audit event of a change.

use hds_persistence::audit::{self, NewAuditEvent};
use hds_persistence::DbConn;
use serde_json::Value;

use crate::error::{ApiError, Text};

pub(super) fn not_draft() -> ApiError {
    ApiError::conflict(Text::new("søknaden er sendt inn og kan ikke endres her; be om en endring med en endringssøknad (POST /api/v1/applications/{id}/change-requests), og send dokumenter etter innsending med POST /api/v1/applications/{id}/case/attachments", "the application has been submitted and cannot be changed here; ask for a change with a change request (POST /api/v1/applications/{id}/change-requests), and send documents after submission with POST /api/v1/applications/{id}/case/attachments"))
}

/// 403: only the owner may do `what` (bokmål, English: "trekke den", "withdraw it").
pub(super) fn owner_only(what: (&str, &str)) -> ApiError {
    let (nb, en) = what;
    ApiError::forbidden(Text::new(
        format!("bare søkeren som opprettet søknaden, kan {nb}"),
        format!("only the applicant who created the application can {en}"),
    ))
}

pub(super) fn check_version(given: Option<i32>, current: i32) -> Result<(), ApiError> {
    match given {
        Some(v) if v != current => Err(ApiError::precondition_failed()),
        _ => Ok(()),
    }
}

pub(super) fn audit(
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
