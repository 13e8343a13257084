//! The audit trail: one append-only event per state change, written in the
//! same transaction as the change itself.

use diesel::prelude::*;
use diesel::sql_types::{Jsonb, Nullable, Text};
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

crate::prepared_sql! {
    /// The insert of [`record`], prepared (diesel does not keep an insert
    /// of a struct with optional fields: it may write DEFAULT for a `None`).
    struct Insert<'a> {
        actor: &'a str,
        action: &'a str,
        entity_type: &'a str,
        entity_id: &'a str,
        before_state: &'a Option<Value>,
        after_state: &'a Option<Value>,
        request_id: Option<&'a str>,
    }
    sql = [
        "INSERT INTO audit_events (actor, action, entity_type, entity_id, before_state, \
         after_state, request_id) VALUES (" {actor as Text} ", " {action as Text} ", "
        {entity_type as Text} ", " {entity_id as Text} ", " {before_state as Nullable<Jsonb>}
        ", " {after_state as Nullable<Jsonb>} ", " {request_id as Nullable<Text>} ")"
    ];
}

/// Records an event. Call it inside the transaction that makes the change.
pub fn record(conn: &mut PgConnection, event: &NewAuditEvent<'_>) -> Result<(), StoreError> {
    Insert {
        actor: event.actor,
        action: event.action,
        entity_type: event.entity_type,
        entity_id: event.entity_id,
        before_state: &event.before_state,
        after_state: &event.after_state,
        request_id: event.request_id,
    }
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
