//! The change feed: append events in the transaction that makes the change,
//! read them in sequence order.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
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

crate::prepared_sql! {
    /// `append_feed_event` (migration `event_feed`), prepared.
    struct Append<'a> {
        event_type: &'a str,
        source: &'a str,
        subject: Option<&'a str>,
        data: &'a Value,
        custodian_id: Option<Uuid>,
        case_id: Option<Uuid>,
    }
    returns BigInt;
    sql = [
        "SELECT append_feed_event(" {event_type as Text} ", " {source as Text} ", "
        {subject as Nullable<Text>} ", " {data as Jsonb} ", "
        {custodian_id as Nullable<SqlUuid>} ", " {case_id as Nullable<SqlUuid>} ")"
    ];
}

/// Appends an event; call it inside the transaction that makes the change.
/// Returns its sequence number.
pub fn append(conn: &mut PgConnection, event: &NewFeedEvent<'_>) -> Result<i64, StoreError> {
    Ok(Append {
        event_type: event.event_type,
        source: event.source,
        subject: event.subject,
        data: &event.data,
        custodian_id: event.custodian_id,
        case_id: event.case_id,
    }
    .get_result(conn)?)
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

// ------------------------------------------------------------- one page

/// Who reads a page: HDS staff, or the custodian registered with an orgnr.
#[derive(Debug, Clone, Copy)]
pub enum PageReader<'a> {
    Everything,
    /// The custodian system of this organisation (from its token).
    Orgnr(&'a str),
}

/// A page of the feed and the highest sequence handed out when it was read.
#[derive(Debug, Clone)]
pub struct Page {
    pub events: Vec<FeedEvent>,
    /// Every event up to it is committed and was visible to this read.
    pub last: i64,
}

/// An event column of the page statements: NULL when the page is empty.
type EventColumns = (
    Nullable<BigInt>,
    Nullable<SqlUuid>,
    Nullable<Text>,
    Nullable<Text>,
    Nullable<Text>,
    Nullable<Timestamptz>,
    Nullable<Jsonb>,
    Nullable<SqlUuid>,
    Nullable<SqlUuid>,
);

type EventRow = (
    Option<i64>,
    Option<Uuid>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<OffsetDateTime>,
    Option<Value>,
    Option<Uuid>,
    Option<Uuid>,
);

crate::prepared_sql! {
    /// Staff: the counter and the events after `after`, one snapshot.
    struct PageOfAll<'a> { after: &'a i64, limit: &'a i64 }
    returns (BigInt, EventColumns);
    sql = [
        "SELECT k.last, e.sequence, e.id, e.type, e.source, e.subject, e.time, e.data, \
         e.custodian_id, e.case_id FROM feed_counter k LEFT JOIN LATERAL (SELECT * FROM \
         feed_events f WHERE f.sequence > " {after as BigInt} " ORDER BY f.sequence LIMIT "
        {limit as BigInt} ") e ON true"
    ];
}

crate::prepared_sql! {
    /// A custodian system: its custodian (by orgnr; no row when there is
    /// none), the counter and its events after `after`, one snapshot.
    ///
    /// The events are a range of the `(custodian_id, sequence)` index,
    /// written as row comparisons on purpose: with `custodian_id = c.id` the
    /// planner (which cannot know the custodian of a generic plan) may walk
    /// the primary key instead and filter, which for a custodian with few
    /// events reads the whole feed (measured: 3 million rows, 1 to 2 s, for
    /// a custodian with none); the range reads exactly the page.
    struct PageOfCustodian<'a> { orgnr: &'a str, after: &'a i64, limit: &'a i64 }
    returns (BigInt, EventColumns);
    sql = [
        "SELECT k.last, e.sequence, e.id, e.type, e.source, e.subject, e.time, e.data, \
         e.custodian_id, e.case_id FROM feed_counter k JOIN custodians c ON c.orgnr = "
        {orgnr as Text} " AND c.retired_at IS NULL LEFT JOIN LATERAL (SELECT * FROM \
         feed_events f WHERE (f.custodian_id, f.sequence) > (c.id, " {after as BigInt}
        ") AND (f.custodian_id, f.sequence) <= (c.id, 9223372036854775807) \
         ORDER BY f.custodian_id, f.sequence LIMIT " {limit as BigInt} ") e ON true"
    ];
}

fn event_of(row: EventRow) -> Option<FeedEvent> {
    let (sequence, id, event_type, source, subject, time, data, custodian_id, case_id) = row;
    Some(FeedEvent {
        sequence: sequence?,
        id: id?,
        event_type: event_type?,
        source: source?,
        subject,
        time: time?,
        data: data?,
        custodian_id,
        case_id,
    })
}

/// Up to `limit` events after `after` that `reader` may see, in sequence
/// order, with the feed's last sequence, in ONE prepared statement (so one
/// snapshot: every event up to `last` is in it). `None` when the orgnr is
/// no registered custodian's.
pub fn page(
    conn: &mut PgConnection,
    reader: PageReader<'_>,
    after: i64,
    limit: i64,
) -> Result<Option<Page>, StoreError> {
    let rows: Vec<(i64, EventRow)> = match reader {
        PageReader::Everything => PageOfAll {
            after: &after,
            limit: &limit,
        }
        .load(conn)?,
        PageReader::Orgnr(orgnr) => PageOfCustodian {
            orgnr,
            after: &after,
            limit: &limit,
        }
        .load(conn)?,
    };
    let Some(last) = rows.first().map(|(last, _)| *last) else {
        return Ok(None);
    };
    let mut events: Vec<FeedEvent> = rows.into_iter().filter_map(|(_, e)| event_of(e)).collect();
    // the lateral subquery is ordered; the join's output order is not promised
    events.sort_by_key(|e| e.sequence);
    Ok(Some(Page { events, last }))
}
