//! The outbox as the worker and HDS staff see it: claiming due messages
//! (`FOR UPDATE SKIP LOCKED`, with a lease, so several processes never send
//! one twice), recording each try, and the list of messages with their
//! delivery state.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Interval, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel::PgConnection;
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::schema::notifications;
use crate::StoreError;

/// A message claimed for sending.
#[derive(Debug, Clone, QueryableByName)]
pub struct Claimed {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub case_number: Option<String>,
    #[diesel(sql_type = Text)]
    pub to_address: String,
    #[diesel(sql_type = Text)]
    pub language: String,
    #[diesel(sql_type = Jsonb)]
    pub data: Value,
    #[diesel(sql_type = diesel::sql_types::Int4)]
    pub attempts: i32,
}

/// Claims up to `limit` messages due at `at` for `lease_seconds`: skips rows
/// another process holds, counts the try.
pub fn claim_due(
    conn: &mut PgConnection,
    at: OffsetDateTime,
    lease_seconds: i64,
    limit: i64,
) -> Result<Vec<Claimed>, StoreError> {
    Ok(diesel::sql_query(
        "WITH due AS (
             SELECT id FROM notifications
             WHERE status = 'PENDING' AND next_attempt_at <= $1
               AND (lease_until IS NULL OR lease_until <= $1)
             ORDER BY next_attempt_at, id
             LIMIT $3
             FOR UPDATE SKIP LOCKED)
         UPDATE notifications n
            SET lease_until = $1 + $2, attempts = n.attempts + 1, last_attempt_at = $1
           FROM due WHERE n.id = due.id
      RETURNING n.id, n.kind, n.case_number, n.to_address, n.language, n.data, n.attempts",
    )
    .bind::<Timestamptz, _>(at)
    .bind::<Interval, _>(diesel::data_types::PgInterval::from_microseconds(
        lease_seconds * 1_000_000,
    ))
    .bind::<BigInt, _>(limit)
    .load(conn)?)
}

/// What one try did.
#[derive(Debug, Clone)]
pub enum Outcome {
    Sent,
    Failed {
        error: String,
        /// When to try again; `None` gives up (FAILED).
        retry_at: Option<OffsetDateTime>,
    },
}

/// Records a try and releases the lease. A sent or given-up message keeps
/// no verification code.
pub fn record_outcome(
    conn: &mut PgConnection,
    id: Uuid,
    at: OffsetDateTime,
    outcome: &Outcome,
) -> Result<(), StoreError> {
    let row = notifications::table.find(id);
    let no_code = diesel::dsl::sql::<Jsonb>("data - 'code'");
    match outcome {
        Outcome::Sent => diesel::update(row)
            .set((
                notifications::status.eq("SENT"),
                notifications::sent_at.eq(at),
                notifications::lease_until.eq(None::<OffsetDateTime>),
                notifications::last_error.eq(None::<String>),
                notifications::data.eq(no_code),
            ))
            .execute(conn)?,
        Outcome::Failed {
            error,
            retry_at: Some(retry_at),
        } => diesel::update(row)
            .set((
                notifications::next_attempt_at.eq(retry_at),
                notifications::lease_until.eq(None::<OffsetDateTime>),
                notifications::last_error.eq(error),
            ))
            .execute(conn)?,
        Outcome::Failed {
            error,
            retry_at: None,
        } => diesel::update(row)
            .set((
                notifications::status.eq("FAILED"),
                notifications::lease_until.eq(None::<OffsetDateTime>),
                notifications::last_error.eq(error),
                notifications::data.eq(no_code),
            ))
            .execute(conn)?,
    };
    Ok(())
}

/// A message as HDS staff see it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: Uuid,
    pub kind: String,
    pub cause: String,
    pub audience: String,
    pub case_id: Option<Uuid>,
    pub case_number: Option<String>,
    pub custodian_id: Option<Uuid>,
    pub to_address: String,
    pub language: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: OffsetDateTime,
    pub last_attempt_at: Option<OffsetDateTime>,
    pub last_error: Option<String>,
    pub sent_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// Filters of the list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<String>,
    pub kind: Option<String>,
    pub case_number: Option<String>,
    pub audience: Option<String>,
    /// Only messages created before this key (the cursor), newest first.
    pub before: Option<(OffsetDateTime, Uuid)>,
}

/// Messages, newest first.
pub fn list(
    conn: &mut PgConnection,
    filter: &Filter,
    limit: i64,
) -> Result<Vec<NotificationRow>, StoreError> {
    let mut q = notifications::table
        .select(NotificationRow::as_select())
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(s) = &filter.status {
        q = q.filter(notifications::status.eq(s.clone()));
    }
    if let Some(k) = &filter.kind {
        q = q.filter(notifications::kind.eq(k.clone()));
    }
    if let Some(n) = &filter.case_number {
        q = q.filter(notifications::case_number.eq(n.clone()));
    }
    if let Some(a) = &filter.audience {
        q = q.filter(notifications::audience.eq(a.clone()));
    }
    if let Some((at, id)) = filter.before {
        q = q.filter(
            notifications::created_at
                .lt(at)
                .or(notifications::created_at
                    .eq(at)
                    .and(notifications::id.lt(id))),
        );
    }
    Ok(q.load(conn)?)
}

/// The messages of a case, oldest first (tests and the case file).
pub fn of_case(conn: &mut PgConnection, case_id: Uuid) -> Result<Vec<NotificationRow>, StoreError> {
    Ok(notifications::table
        .filter(notifications::case_id.eq(case_id))
        .order((notifications::created_at.asc(), notifications::id.asc()))
        .select(NotificationRow::as_select())
        .load(conn)?)
}
