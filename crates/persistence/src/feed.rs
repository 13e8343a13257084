//! The change feed: append events in the transaction that makes the change,
//! read them in sequence order.

use diesel::prelude::*;
use diesel::sql_types::{Jsonb, Nullable, Text, Uuid as SqlUuid};
use diesel::PgConnection;
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::schema::{custodians, feed_events};
use crate::StoreError;

/// The channel `append_feed_event` notifies on.
pub const CHANNEL: &str = "hds_feed";

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewFeedEvent<'a> {
    /// e.g. `no.helsedata.case.decided`
    pub event_type: &'a str,
    /// e.g. `/api/v1/cases/<id>`
    pub source: &'a str,
    pub subject: Option<&'a str>,
    pub data: Value,
    /// The custodian that may read it (HDS staff read everything).
    pub custodian_id: Option<Uuid>,
    pub case_id: Option<Uuid>,
}

/// An event as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = feed_events)]
pub struct FeedEvent {
    pub sequence: i64,
    pub id: Uuid,
    pub event_type: String,
    pub source: String,
    pub subject: Option<String>,
    pub time: OffsetDateTime,
    pub data: Value,
    pub custodian_id: Option<Uuid>,
    pub case_id: Option<Uuid>,
}

#[derive(QueryableByName)]
struct Appended {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    sequence: i64,
}

/// Appends an event; call it inside the transaction that makes the change.
/// Returns its sequence number.
pub fn append(conn: &mut PgConnection, event: &NewFeedEvent<'_>) -> Result<i64, StoreError> {
    let appended: Appended =
        diesel::sql_query("SELECT append_feed_event($1, $2, $3, $4, $5, $6) AS sequence")
            .bind::<Text, _>(event.event_type)
            .bind::<Text, _>(event.source)
            .bind::<Nullable<Text>, _>(event.subject)
            .bind::<Jsonb, _>(&event.data)
            .bind::<Nullable<SqlUuid>, _>(event.custodian_id)
            .bind::<Nullable<SqlUuid>, _>(event.case_id)
            .get_result(conn)?;
    Ok(appended.sequence)
}

/// Who is reading.
#[derive(Debug, Clone, Copy)]
pub enum Reader {
    /// HDS staff: every event.
    Everything,
    /// A custodian: only the events addressed to it.
    Custodian(Uuid),
}

/// Up to `limit` events after `after`, in sequence order.
pub fn read_after(
    conn: &mut PgConnection,
    reader: Reader,
    after: i64,
    limit: i64,
) -> Result<Vec<FeedEvent>, StoreError> {
    let mut query = feed_events::table
        .filter(feed_events::sequence.gt(after))
        .order(feed_events::sequence.asc())
        .limit(limit)
        .select(FeedEvent::as_select())
        .into_boxed();
    if let Reader::Custodian(id) = reader {
        query = query.filter(feed_events::custodian_id.eq(id));
    }
    Ok(query.load(conn)?)
}

/// The highest sequence handed out so far (0 when the feed is empty).
pub fn last_sequence(conn: &mut PgConnection) -> Result<i64, StoreError> {
    use crate::schema::feed_counter;
    Ok(feed_counter::table.select(feed_counter::last).first(conn)?)
}

/// The custodian registered with this organisation number, if any.
pub fn custodian_for_orgnr(
    conn: &mut PgConnection,
    orgnr: &str,
) -> Result<Option<Uuid>, StoreError> {
    Ok(custodians::table
        .filter(custodians::orgnr.eq(orgnr))
        .filter(custodians::retired_at.is_null())
        .select(custodians::id)
        .first(conn)
        .optional()?)
}
