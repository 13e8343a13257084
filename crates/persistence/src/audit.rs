//! The audit trail: one append-only event per state change, written in the
//! same transaction as the change itself.

use diesel::prelude::*;
use diesel::PgConnection;
use serde_json::Value;

use crate::schema::audit_events;
use crate::StoreError;

/// One audit event to record.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = audit_events)]
pub struct NewAuditEvent<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub before_state: Option<Value>,
    pub after_state: Option<Value>,
    pub request_id: Option<&'a str>,
}

/// A recorded event.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    pub id: i64,
    pub occurred_at: time::OffsetDateTime,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_state: Option<Value>,
    pub after_state: Option<Value>,
    pub request_id: Option<String>,
}

/// Records an event. Call it inside the transaction that makes the change.
pub fn record(conn: &mut PgConnection, event: &NewAuditEvent<'_>) -> Result<(), StoreError> {
    diesel::insert_into(audit_events::table)
        .values(event)
        .execute(conn)?;
    Ok(())
}

/// The history of one entity, oldest first.
pub fn history(
    conn: &mut PgConnection,
    entity_type: &str,
    entity_id: &str,
) -> Result<Vec<AuditEvent>, StoreError> {
    Ok(audit_events::table
        .filter(audit_events::entity_type.eq(entity_type))
        .filter(audit_events::entity_id.eq(entity_id))
        .order(audit_events::id.asc())
        .select(AuditEvent::as_select())
        .load(conn)?)
}
