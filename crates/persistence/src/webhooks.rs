//! Webhook endpoints and the delivery outbox.
//!
//! Deliveries are written by a trigger on `feed_events` (same transaction as
//! the event). A dispatcher claims due deliveries with `FOR UPDATE SKIP
//! LOCKED` and a lease, sends them outside any transaction, then records the
//! outcome; several processes never send one delivery at once, and a success
//! once recorded is never sent again.

use diesel::prelude::*;
use diesel::sql_types::{
    BigInt, Int4, Interval, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid,
};
use diesel::PgConnection;
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent};
use crate::schema::{webhook_deliveries, webhook_endpoints};
use crate::StoreError;

/// A registered endpoint.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints)]
pub struct Endpoint {
    pub id: Uuid,
    pub custodian_id: Uuid,
    pub url: String,
    pub event_types: Vec<String>,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<OffsetDateTime>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub disabled_at: Option<OffsetDateTime>,
    pub failing_since: Option<OffsetDateTime>,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub version: i32,
}

/// One delivery, as the custodian's delivery log shows it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct Delivery {
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub event_id: Uuid,
    pub event_sequence: i64,
    pub event_type: String,
    pub payload: Value,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: OffsetDateTime,
    pub lease_until: Option<OffsetDateTime>,
    pub last_attempt_at: Option<OffsetDateTime>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

pub struct NewEndpoint<'a> {
    pub custodian_id: Uuid,
    pub url: &'a str,
    pub event_types: &'a [String],
    pub secret: &'a str,
    pub actor: &'a str,
    pub request_id: Option<&'a str>,
}

fn snapshot(e: &Endpoint) -> Value {
    serde_json::json!({"url": e.url, "eventTypes": e.event_types, "enabled": e.enabled,
                       "disabledReason": e.disabled_reason, "version": e.version})
}

fn record(
    conn: &mut PgConnection,
    actor: &str,
    action: &str,
    before: Option<&Endpoint>,
    after: &Endpoint,
    request_id: Option<&str>,
) -> Result<(), StoreError> {
    audit::record(
        conn,
        &NewAuditEvent {
            actor,
            action,
            entity_type: "webhook_endpoint",
            entity_id: &after.id.to_string(),
            before_state: before.map(snapshot),
            after_state: Some(snapshot(after)),
            request_id,
        },
    )
}

pub fn create_endpoint(
    conn: &mut PgConnection,
    new: &NewEndpoint<'_>,
) -> Result<Endpoint, StoreError> {
    conn.transaction(|conn| {
        let endpoint: Endpoint = diesel::insert_into(webhook_endpoints::table)
            .values((
                webhook_endpoints::custodian_id.eq(new.custodian_id),
                webhook_endpoints::url.eq(new.url),
                webhook_endpoints::event_types.eq(new.event_types),
                webhook_endpoints::secret.eq(new.secret),
                webhook_endpoints::created_by.eq(new.actor),
            ))
            .returning(Endpoint::as_returning())
            .get_result(conn)?;
        record(
            conn,
            new.actor,
            "WEBHOOK_CREATED",
            None,
            &endpoint,
            new.request_id,
        )?;
        Ok(endpoint)
    })
}

pub fn list_endpoints(
    conn: &mut PgConnection,
    custodian_id: Uuid,
) -> Result<Vec<Endpoint>, StoreError> {
    Ok(webhook_endpoints::table
        .filter(webhook_endpoints::custodian_id.eq(custodian_id))
        .order(webhook_endpoints::created_at.asc())
        .select(Endpoint::as_select())
        .load(conn)?)
}

/// One of the custodian's endpoints; another custodian's is `NotFound`.
pub fn endpoint(
    conn: &mut PgConnection,
    custodian_id: Uuid,
    id: Uuid,
) -> Result<Endpoint, StoreError> {
    Ok(webhook_endpoints::table
        .filter(webhook_endpoints::id.eq(id))
        .filter(webhook_endpoints::custodian_id.eq(custodian_id))
        .select(Endpoint::as_select())
        .first(conn)?)
}

/// A change to an endpoint, applied under its lock with an audit event.
fn change(
    conn: &mut PgConnection,
    custodian_id: Uuid,
    id: Uuid,
    actor: &str,
    action: &str,
    request_id: Option<&str>,
    apply: impl FnOnce(&mut PgConnection, &Endpoint) -> Result<Endpoint, StoreError>,
) -> Result<Endpoint, StoreError> {
    conn.transaction(|conn| {
        let before: Endpoint = webhook_endpoints::table
            .filter(webhook_endpoints::id.eq(id))
            .filter(webhook_endpoints::custodian_id.eq(custodian_id))
            .select(Endpoint::as_select())
            .for_update()
            .first(conn)?;
        let after = apply(conn, &before)?;
        record(conn, actor, action, Some(&before), &after, request_id)?;
        Ok(after)
    })
}

/// Replaces the secret; the old one keeps signing (as a second signature)
/// until `keep_old_until`, so the receiver can switch without losing events.
pub fn rotate_secret(
    conn: &mut PgConnection,
    custodian_id: Uuid,
    id: Uuid,
    new_secret: &str,
    keep_old_until: OffsetDateTime,
    actor: &str,
    request_id: Option<&str>,
) -> Result<Endpoint, StoreError> {
    change(
        conn,
        custodian_id,
        id,
        actor,
        "WEBHOOK_SECRET_ROTATED",
        request_id,
        |conn, before| {
            Ok(diesel::update(webhook_endpoints::table.find(id))
                .set((
                    webhook_endpoints::previous_secret.eq(&before.secret),
                    webhook_endpoints::previous_secret_until.eq(keep_old_until),
                    webhook_endpoints::secret.eq(new_secret),
                    webhook_endpoints::version.eq(before.version + 1),
                ))
                .returning(Endpoint::as_returning())
                .get_result(conn)?)
        },
    )
}

/// Turns an endpoint back on after its owner fixed it (its failure run starts over).
pub fn enable(
    conn: &mut PgConnection,
    custodian_id: Uuid,
    id: Uuid,
    actor: &str,
    request_id: Option<&str>,
) -> Result<Endpoint, StoreError> {
    change(
        conn,
        custodian_id,
        id,
        actor,
        "WEBHOOK_ENABLED",
        request_id,
        |conn, before| {
            Ok(diesel::update(webhook_endpoints::table.find(id))
                .set((
                    webhook_endpoints::enabled.eq(true),
                    webhook_endpoints::disabled_reason.eq(None::<String>),
                    webhook_endpoints::disabled_at.eq(None::<OffsetDateTime>),
                    webhook_endpoints::failing_since.eq(None::<OffsetDateTime>),
                    webhook_endpoints::version.eq(before.version + 1),
                ))
                .returning(Endpoint::as_returning())
                .get_result(conn)?)
        },
    )
}

pub fn delete_endpoint(
    conn: &mut PgConnection,
    custodian_id: Uuid,
    id: Uuid,
    actor: &str,
    request_id: Option<&str>,
) -> Result<(), StoreError> {
    conn.transaction(|conn| {
        let before = endpoint(conn, custodian_id, id)?;
        diesel::delete(webhook_endpoints::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            &NewAuditEvent {
                actor,
                action: "WEBHOOK_DELETED",
                entity_type: "webhook_endpoint",
                entity_id: &id.to_string(),
                before_state: Some(snapshot(&before)),
                after_state: None,
                request_id,
            },
        )
    })
}

/// The endpoint's deliveries, newest first, before a creation instant (paging).
pub fn deliveries(
    conn: &mut PgConnection,
    endpoint_id: Uuid,
    before: Option<(OffsetDateTime, Uuid)>,
    limit: i64,
) -> Result<Vec<Delivery>, StoreError> {
    let mut query = webhook_deliveries::table
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .order((
            webhook_deliveries::created_at.desc(),
            webhook_deliveries::id.desc(),
        ))
        .limit(limit)
        .select(Delivery::as_select())
        .into_boxed();
    if let Some((at, id)) = before {
        query = query.filter(
            webhook_deliveries::created_at
                .lt(at)
                .or(webhook_deliveries::created_at
                    .eq(at)
                    .and(webhook_deliveries::id.lt(id))),
        );
    }
    Ok(query.load(conn)?)
}

/// A delivery claimed for sending, with what is needed to sign and send it.
#[derive(Debug, Clone, QueryableByName)]
pub struct Claimed {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub endpoint_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub event_id: Uuid,
    #[diesel(sql_type = Jsonb)]
    pub payload: Value,
    #[diesel(sql_type = Int4)]
    pub attempts: i32,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: OffsetDateTime,
    #[diesel(sql_type = Text)]
    pub url: String,
    #[diesel(sql_type = Text)]
    pub secret: String,
    /// The previous secret while it still signs.
    #[diesel(sql_type = Nullable<Text>)]
    pub previous_secret: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub failing_since: Option<OffsetDateTime>,
}

/// Claims up to `limit` deliveries due at `at` for `lease` seconds: skips
/// rows another dispatcher holds, counts the attempt.
pub fn claim_due(
    conn: &mut PgConnection,
    at: OffsetDateTime,
    lease_seconds: i64,
    limit: i64,
) -> Result<Vec<Claimed>, StoreError> {
    Ok(diesel::sql_query(
        "WITH due AS (
             SELECT d.id FROM webhook_deliveries d
             JOIN webhook_endpoints e ON e.id = d.endpoint_id
             WHERE d.status = 'PENDING' AND d.next_attempt_at <= $1
               AND (d.lease_until IS NULL OR d.lease_until <= $1) AND e.enabled
             ORDER BY d.next_attempt_at
             LIMIT $3
             FOR UPDATE OF d SKIP LOCKED)
         UPDATE webhook_deliveries d
            SET lease_until = $1 + $2, attempts = d.attempts + 1, last_attempt_at = $1
           FROM due, webhook_endpoints e
          WHERE d.id = due.id AND e.id = d.endpoint_id
      RETURNING d.id, d.endpoint_id, d.event_id, d.payload, d.attempts, d.created_at, e.url, e.secret,
                CASE WHEN e.previous_secret_until > $1 THEN e.previous_secret END AS previous_secret,
                e.failing_since",
    )
    .bind::<Timestamptz, _>(at)
    .bind::<Interval, _>(diesel::data_types::PgInterval::from_microseconds(lease_seconds * 1_000_000))
    .bind::<BigInt, _>(limit)
    .load(conn)?)
}

/// What happened when a claimed delivery was sent.
#[derive(Debug, Clone)]
pub enum Outcome {
    Delivered {
        status: i32,
    },
    Failed {
        status: Option<i32>,
        error: String,
        /// When to try again; `None` gives up (ABANDONED).
        retry_at: Option<OffsetDateTime>,
        /// Disable the endpoint with this reason (it has failed for too long).
        disable: Option<String>,
    },
}

/// The actor of what the dispatcher changes (an endpoint it disables).
pub const DISPATCHER: &str = "system:webhook-dispatcher";

/// Pending deliveries: the outbox's depth (metrics).
pub fn outbox_depth(conn: &mut PgConnection) -> Result<i64, StoreError> {
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::status.eq("PENDING"))
        .count()
        .get_result(conn)?)
}

/// Records the outcome of a send and releases the lease; an endpoint
/// disabled for failing too long gets its audit event.
pub fn record_outcome(
    conn: &mut PgConnection,
    claimed: &Claimed,
    at: OffsetDateTime,
    outcome: &Outcome,
) -> Result<(), StoreError> {
    conn.transaction(|conn| {
        let delivery = webhook_deliveries::table.find(claimed.id);
        match outcome {
            Outcome::Delivered { status } => {
                diesel::update(delivery)
                    .set((
                        webhook_deliveries::status.eq("DELIVERED"),
                        webhook_deliveries::delivered_at.eq(at),
                        webhook_deliveries::lease_until.eq(None::<OffsetDateTime>),
                        webhook_deliveries::last_status.eq(status),
                        webhook_deliveries::last_error.eq(None::<String>),
                    ))
                    .execute(conn)?;
                diesel::update(webhook_endpoints::table.find(claimed.endpoint_id))
                    .set(webhook_endpoints::failing_since.eq(None::<OffsetDateTime>))
                    .execute(conn)?;
            }
            Outcome::Failed {
                status,
                error,
                retry_at,
                disable,
            } => {
                diesel::update(delivery)
                    .set((
                        webhook_deliveries::status.eq(if retry_at.is_some() {
                            "PENDING"
                        } else {
                            "ABANDONED"
                        }),
                        webhook_deliveries::next_attempt_at.eq(retry_at.unwrap_or(at)),
                        webhook_deliveries::lease_until.eq(None::<OffsetDateTime>),
                        webhook_deliveries::last_status.eq(status),
                        webhook_deliveries::last_error.eq(error),
                    ))
                    .execute(conn)?;
                let endpoint = webhook_endpoints::table.find(claimed.endpoint_id);
                diesel::update(endpoint)
                    .filter(webhook_endpoints::failing_since.is_null())
                    .set(webhook_endpoints::failing_since.eq(at))
                    .execute(conn)?;
                if let Some(reason) = disable {
                    let disabled = diesel::update(endpoint)
                        .filter(webhook_endpoints::enabled.eq(true))
                        .set((
                            webhook_endpoints::enabled.eq(false),
                            webhook_endpoints::disabled_reason.eq(reason),
                            webhook_endpoints::disabled_at.eq(at),
                        ))
                        .execute(conn)?;
                    if disabled > 0 {
                        audit::record(
                            conn,
                            &NewAuditEvent {
                                actor: DISPATCHER,
                                action: "WEBHOOK_DISABLED",
                                entity_type: "webhook_endpoint",
                                entity_id: &claimed.endpoint_id.to_string(),
                                before_state: Some(serde_json::json!({"enabled": true})),
                                after_state: Some(
                                    serde_json::json!({"enabled": false, "disabledReason": reason}),
                                ),
                                request_id: None,
                            },
                        )?;
                    }
                }
            }
        }
        Ok(())
    })
}
