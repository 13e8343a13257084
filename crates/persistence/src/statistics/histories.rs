//! One [`CaseHistory`] per case, from what the system records: four
//! queries (cases, their sources, decisions and delivery parts, and the case
//! events that are milestones or changes of state), put together here.
//! `docs/reporting.md` ("What the figures are computed from") names the
//! column or event behind every field.
//!
//! Every case's history is kept in memory between requests ([`load_all`]),
//! so it is kept small: the catalogue codes are shared ([`Codes`]), every
//! list is exactly as long as it is, and the rows are read one at a time
//! (PostgreSQL's single-row mode), each put into its history as it comes,
//! so that the rows of every case never sit in memory at once, neither as
//! the database sent them nor decoded (docs/benchmarks.md, "Memory of the
//! kept histories").

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use diesel::pg::PgRowByRowLoadingMode;
use diesel::prelude::*;
use diesel::sql_types::{Array, Date as SqlDate, Int8, Nullable, Text, Uuid as SqlUuid};
use diesel::PgConnection;
use hds_domain::application::Purpose;
use hds_domain::case::{AppealedAct, CaseState, DecisionAuthority, DecisionOutcome};
use hds_domain::statistics::{
    AppealHistory, AppealResolution, AppealResult, CaseHistory, CaseKind, Codes, DeadlineSet,
    Delivery, DeliveryOutcome, SourceDecisionOn, SourceHistory, StateEntered,
};
use time::Date;
use uuid::Uuid;

use super::events;
use crate::error::StoreError;
use crate::schema::case_history_versions;

#[derive(QueryableByName)]
struct CaseRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    case_number: String,
    #[diesel(sql_type = SqlDate)]
    received_on: Date,
    #[diesel(sql_type = Nullable<SqlDate>)]
    completed_on: Option<Date>,
    #[diesel(sql_type = Nullable<Text>)]
    purpose: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    origin: Option<String>,
}

#[derive(QueryableByName)]
struct SourceRow {
    #[diesel(sql_type = SqlUuid)]
    case_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    data_source_id: Uuid,
    #[diesel(sql_type = Text)]
    data_source: String,
    #[diesel(sql_type = Text)]
    custodian: String,
    #[diesel(sql_type = Text)]
    authority: String,
}

#[derive(QueryableByName)]
struct DecisionRow {
    #[diesel(sql_type = SqlUuid)]
    case_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    data_source_id: Uuid,
    #[diesel(sql_type = SqlDate)]
    decided_on: Date,
    #[diesel(sql_type = Text)]
    outcome: String,
}

#[derive(QueryableByName)]
struct DeliveryRow {
    #[diesel(sql_type = SqlUuid)]
    case_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    data_source_id: Uuid,
    #[diesel(sql_type = SqlDate)]
    on: Date,
    #[diesel(sql_type = Text)]
    outcome: String,
}

#[derive(QueryableByName)]
struct EventRow {
    #[diesel(sql_type = SqlUuid)]
    case_id: Uuid,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = SqlDate)]
    on: Date,
    #[diesel(sql_type = Nullable<Text>)]
    changed_state: Option<String>,
    #[diesel(sql_type = Nullable<SqlDate>)]
    due_on: Option<Date>,
    #[diesel(sql_type = Nullable<Text>)]
    against: Option<String>,
}

const CASES: &str = "
SELECT c.id, c.case_number, c.received_on, c.completed_on,
       s.content #>> '{content,purpose}' AS purpose, o.kind AS origin
  FROM cases c
  LEFT JOIN application_snapshots s ON s.application_id = c.application_id
  LEFT JOIN case_origins o ON o.case_id = c.id
 WHERE ($1::uuid[] IS NULL OR c.id = ANY($1))";

/// The case `$1` and the cases that share a data source with it.
const SHARING_A_SOURCE: &str = "
SELECT $1 AS id
 UNION
SELECT y.case_id AS id
  FROM case_sources x JOIN case_sources y ON y.data_source_id = x.data_source_id
 WHERE x.case_id = $1";

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
}

const SOURCES: &str = "
SELECT cs.case_id, cs.data_source_id, cs.data_source_code AS data_source,
       cu.code AS custodian, cs.decision_authority AS authority
  FROM case_sources cs JOIN custodians cu ON cu.id = cs.custodian_id
 WHERE ($1::uuid[] IS NULL OR cs.case_id = ANY($1))
 ORDER BY cs.position";

const DECISIONS: &str = "
SELECT case_id, data_source_id, decided_on, outcome
  FROM case_decisions WHERE ($1::uuid[] IS NULL OR case_id = ANY($1)) ORDER BY round";

/// The custodian's final report per case and source, as case handling
/// records it (issue 12): the part's settlement (`DELIVERED` with the
/// delivery date, or `CANNOT_DELIVER` with the day reported), written with
/// the case's `DELIVERED` or `CANNOT_DELIVER` case event.
const DELIVERIES: &str = "
SELECT case_id, data_source_id, settled_on AS \"on\", settlement AS outcome
  FROM case_delivery_parts
 WHERE settlement IS NOT NULL AND settled_on IS NOT NULL
   AND ($1::uuid[] IS NULL OR case_id = ANY($1))";

/// The milestones and every change of state, in the order they happened
/// (event ids grow with time). A milestone's date is the date it carries
/// (`completedOn`, `resumedOn`), else the Oslo date it was recorded.
const EVENTS: &str = "
SELECT case_id, kind,
       CASE kind WHEN 'MARKED_COMPLETE' THEN COALESCE((data->>'completedOn')::date,
                                                      (occurred_at AT TIME ZONE 'Europe/Oslo')::date)
                 WHEN 'CLOCK_RESUMED' THEN COALESCE((data->>'resumedOn')::date,
                                                    (occurred_at AT TIME ZONE 'Europe/Oslo')::date)
                 ELSE (occurred_at AT TIME ZONE 'Europe/Oslo')::date END AS \"on\",
       CASE WHEN status_after IS DISTINCT FROM status_before THEN status_after END AS changed_state,
       CASE WHEN kind IN ('MARKED_COMPLETE', 'CLOCK_RESUMED')
            THEN (data->>'statutoryDeadline')::date END AS due_on,
       CASE WHEN kind = 'APPEALED' THEN data->>'against' END AS against
  FROM case_events
 WHERE (kind = ANY($1) OR status_after IS DISTINCT FROM status_before)
   AND ($2::uuid[] IS NULL OR case_id = ANY($2))
 ORDER BY id";

fn authority(code: &str) -> DecisionAuthority {
    if code == DecisionAuthority::Hds.as_str() {
        DecisionAuthority::Hds
    } else {
        DecisionAuthority::Custodian
    }
}

fn invalid(what: &str, code: &str) -> StoreError {
    StoreError::Database(diesel::result::Error::DeserializationError(
        format!("unknown {what} {code:?} in the case history").into(),
    ))
}

/// A history while its rows are read: already in the `Arc` it is kept in
/// (not yet shared, so changed in place), and the ids of its sources.
struct Building {
    history: Arc<CaseHistory>,
    source_ids: Vec<Uuid>,
}

/// Which database the histories come from (each test has its own; another
/// database reads every history again) and whether any changed. The
/// custodians' codes in a history need no mark: a code never changes (the
/// database refuses it, migration `custodian_codes_stay`), and a case that
/// gains a source of another custodian gets a new version.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
struct Mark {
    #[diesel(sql_type = Text)]
    database: String,
    /// The number of cases with a history version and the sum of their
    /// versions (`case_history_versions`): rows are never removed and a
    /// version only grows, in the transaction that changes the history, so
    /// the two are equal in two snapshots only if no history changed
    /// between them.
    #[diesel(sql_type = Int8)]
    versioned: i64,
    #[diesel(sql_type = Int8)]
    version_sum: i64,
}

const MARK: &str = "
SELECT current_database() || ':' || COALESCE(inet_server_port(), 0) AS database,
       count(*) AS versioned, COALESCE(sum(version), 0)::int8 AS version_sum
  FROM case_history_versions";

/// Every case's history, each shared: a request reads them while the next
/// read may already replace some.
pub type Histories = Arc<Vec<Arc<CaseHistory>>>;

/// Up to how many changed cases are read by their ids; more (and the first
/// read) are read in one pass over every case, which costs a scan of each
/// table whatever the number.
pub const READ_BY_ID_UP_TO: usize = 10_000;

/// The histories as read in one snapshot, with each case's version there.
struct Cached {
    mark: Mark,
    /// Every case read, by id in ascending order, with its version.
    versions: Vec<(Uuid, i64)>,
    /// The histories, in the order of `versions`.
    histories: Histories,
    /// The codes the histories name, each held once.
    codes: Codes,
}

impl Cached {
    /// The history kept for case `id`, if it is the one at `version`.
    fn history(&self, id: Uuid, version: i64) -> Option<&Arc<CaseHistory>> {
        let i = self
            .versions
            .binary_search_by_key(&id, |(id, _)| *id)
            .ok()?;
        (self.versions[i].1 == version).then(|| &self.histories[i])
    }
}

/// The histories last read.
static CACHE: Mutex<Option<Arc<Cached>>> = Mutex::new(None);

/// Every case's history, as [`load`] with `about = None`, kept in memory
/// and read again only where it changed: each case's version
/// (`case_history_versions`, raised by the database in the transaction of
/// any change to what its history is made from) tells which. A figure is
/// never computed from a stale history, whatever order transactions commit
/// in, and a read after no change reads no history again. Everything is
/// read in one read-only repeatable-read transaction, so the histories
/// returned are those of one snapshot. The histories not read again are
/// shared with the previous read, not copied.
///
/// # Errors
/// A database error, or a stored code the domain does not know.
pub fn load_all(conn: &mut PgConnection) -> Result<Histories, StoreError> {
    conn.build_transaction()
        .read_only()
        .repeatable_read()
        .run(|conn| {
            let mark: Mark = diesel::sql_query(MARK).get_result(conn)?;
            let cached = CACHE.lock().unwrap_or_else(PoisonError::into_inner).clone();
            let cached = cached.filter(|c| c.mark.database == mark.database);
            if let Some(c) = &cached {
                if c.mark == mark {
                    return Ok(Arc::clone(&c.histories));
                }
            }
            // reading every history is a few plain scans: compiling them
            // (JIT) would cost more than it saves
            diesel::sql_query("SET LOCAL jit = off").execute(conn)?;
            let mut now: Vec<(Uuid, i64)> = case_history_versions::table
                .select((
                    case_history_versions::case_id,
                    case_history_versions::version,
                ))
                .order(case_history_versions::case_id)
                .load(conn)?;
            // in the order of Uuid's Ord whatever the database sorted by
            // (already sorted: one pass)
            now.sort_unstable();
            let fresh = refresh(conn, cached.as_deref(), mark, now, READ_BY_ID_UP_TO)?;
            let histories = Arc::clone(&fresh.histories);
            *CACHE.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(fresh));
            Ok(histories)
        })
}

/// The histories at the versions `now` (ascending by case id): those whose
/// version is the one cached are shared with `cached`, the others read (by
/// id when there are at most `by_id_up_to`).
fn refresh(
    conn: &mut PgConnection,
    cached: Option<&Cached>,
    mark: Mark,
    now: Vec<(Uuid, i64)>,
    by_id_up_to: usize,
) -> Result<Cached, StoreError> {
    let kept = |id: Uuid, version: i64| cached.and_then(|c| c.history(id, version));
    let changed: Vec<Uuid> = now
        .iter()
        .filter(|(id, v)| kept(*id, *v).is_none())
        .map(|(id, _)| *id)
        .collect();
    let only = (cached.is_some() && changed.len() <= by_id_up_to).then_some(changed.as_slice());
    let mut codes = cached.map(|c| c.codes.clone()).unwrap_or_default();
    let mut read = read_histories(conn, only, now.len(), &mut codes)?;
    read.sort_unstable_by_key(|(id, _)| *id);
    let mut versions = Vec::with_capacity(now.len());
    let mut histories = Vec::with_capacity(now.len());
    // A history read is copied, in the order the histories are kept, into
    // memory of its own: built row by row, query after query, its parts lie
    // scattered, and a request reads the histories one after the other
    // (several times faster once copied; a copy takes about a microsecond).
    // The histories as built are dropped only once all are copied, so that
    // no copy takes their place.
    let mut built = Vec::with_capacity(read.len());
    let mut read = read.into_iter().peekable();
    for (id, version) in now {
        // `read` is in the order of `now`; it may hold cases not asked for
        while read.next_if(|(r, _)| *r < id).is_some() {}
        let fresh = read.next_if(|(r, _)| *r == id).map(|(_, h)| h);
        let history = match (kept(id, version), fresh) {
            (Some(h), _) => Arc::clone(h),
            (None, Some(h)) => {
                let copy = Arc::new(CaseHistory::clone(&h));
                built.push(h);
                copy
            }
            (None, None) => continue,
        };
        versions.push((id, version));
        histories.push(history);
    }
    drop(built);
    Ok(Cached {
        mark,
        versions,
        histories: Arc::new(histories),
        codes,
    })
}

/// Every case's history: all of them (`about = None`), or the case `about`
/// and the cases that share a data source with it.
///
/// # Errors
/// A database error, or a stored code the domain does not know.
pub fn load(conn: &mut PgConnection, about: Option<Uuid>) -> Result<Vec<CaseHistory>, StoreError> {
    let only = match about {
        None => None,
        Some(case) => Some(
            diesel::sql_query(SHARING_A_SOURCE)
                .bind::<SqlUuid, _>(case)
                .load::<Id>(conn)?
                .into_iter()
                .map(|i| i.id)
                .collect::<Vec<_>>(),
        ),
    };
    Ok(
        read_histories(conn, only.as_deref(), 0, &mut Codes::default())?
            .into_iter()
            .map(|(_, h)| Arc::unwrap_or_clone(h))
            .collect(),
    )
}

/// The histories of the cases `only` (all cases when `None`, about
/// `expected` of them), by case id, naming their codes from `codes`.
fn read_histories(
    conn: &mut PgConnection,
    only: Option<&[Uuid]>,
    expected: usize,
    codes: &mut Codes,
) -> Result<Vec<(Uuid, Arc<CaseHistory>)>, StoreError> {
    if only.is_some_and(<[Uuid]>::is_empty) {
        return Ok(Vec::new());
    }
    let cases = diesel::sql_query(CASES)
        .bind::<Nullable<Array<SqlUuid>>, _>(only)
        .load_iter::<CaseRow, PgRowByRowLoadingMode>(conn)?;
    let mut by_id: HashMap<Uuid, Building> =
        HashMap::with_capacity(only.map_or(expected, <[Uuid]>::len));
    let mut order = Vec::with_capacity(by_id.capacity());
    for c in cases {
        let c = c?;
        let purpose = c
            .purpose
            .as_deref()
            .unwrap_or_default()
            .parse::<Purpose>()
            .map_err(|_| invalid("purpose", c.purpose.as_deref().unwrap_or_default()))?;
        let kind = if c.origin.as_deref() == Some("CHANGE_REQUEST") {
            CaseKind::ChangeRequest
        } else {
            CaseKind::Application
        };
        order.push(c.id);
        by_id.insert(
            c.id,
            Building {
                history: Arc::new(CaseHistory {
                    case_id: c.case_number,
                    kind,
                    purpose,
                    sources: Vec::new(),
                    received_on: c.received_on,
                    completed_on: c.completed_on,
                    deadlines: Vec::new(),
                    postponed_on: Vec::new(),
                    rejected_no_reply_on: Vec::new(),
                    withdrawn_on: None,
                    appeals: Vec::new(),
                    states: Vec::new(),
                }),
                source_ids: Vec::new(),
            },
        );
    }
    add_sources(conn, &mut by_id, only, codes)?;
    add_events(conn, &mut by_id, only)?;
    Ok(order
        .into_iter()
        .filter_map(|id| by_id.remove(&id).map(|b| (id, b.history)))
        .collect())
}

/// Adds `item` to `list`, which is then exactly as long as it is: the
/// histories are kept as read, and a list grown the usual way has room
/// for up to four.
fn push_exact<T>(list: &mut Vec<T>, item: T) {
    list.reserve_exact(1);
    list.push(item);
}

fn source_mut(
    by_id: &mut HashMap<Uuid, Building>,
    case_id: Uuid,
    source_id: Uuid,
) -> Option<&mut SourceHistory> {
    let b = by_id.get_mut(&case_id)?;
    let i = b.source_ids.iter().position(|s| *s == source_id)?;
    Arc::make_mut(&mut b.history).sources.get_mut(i)
}

fn add_sources(
    conn: &mut PgConnection,
    by_id: &mut HashMap<Uuid, Building>,
    only: Option<&[Uuid]>,
    codes: &mut Codes,
) -> Result<(), StoreError> {
    let sources = diesel::sql_query(SOURCES)
        .bind::<Nullable<Array<SqlUuid>>, _>(only)
        .load_iter::<SourceRow, PgRowByRowLoadingMode>(conn)?;
    for s in sources {
        let s = s?;
        if let Some(b) = by_id.get_mut(&s.case_id) {
            push_exact(&mut b.source_ids, s.data_source_id);
            push_exact(
                &mut Arc::make_mut(&mut b.history).sources,
                SourceHistory {
                    data_source: codes.code(&s.data_source),
                    custodian: codes.code(&s.custodian),
                    authority: authority(&s.authority),
                    decisions: Vec::new(),
                    delivery: None,
                },
            );
        }
    }
    let decisions = diesel::sql_query(DECISIONS)
        .bind::<Nullable<Array<SqlUuid>>, _>(only)
        .load_iter::<DecisionRow, PgRowByRowLoadingMode>(conn)?;
    for d in decisions {
        let d = d?;
        let outcome = d
            .outcome
            .parse::<DecisionOutcome>()
            .map_err(|_| invalid("decision outcome", &d.outcome))?;
        if let Some(s) = source_mut(by_id, d.case_id, d.data_source_id) {
            push_exact(
                &mut s.decisions,
                SourceDecisionOn {
                    on: d.decided_on,
                    outcome,
                },
            );
        }
    }
    let deliveries = diesel::sql_query(DELIVERIES)
        .bind::<Nullable<Array<SqlUuid>>, _>(only)
        .load_iter::<DeliveryRow, PgRowByRowLoadingMode>(conn)?;
    for d in deliveries {
        let d = d?;
        let outcome = d
            .outcome
            .parse::<DeliveryOutcome>()
            .map_err(|_| invalid("delivery outcome", &d.outcome))?;
        if let Some(s) = source_mut(by_id, d.case_id, d.data_source_id) {
            s.delivery = Some(Delivery { on: d.on, outcome });
        }
    }
    Ok(())
}

fn add_events(
    conn: &mut PgConnection,
    by_id: &mut HashMap<Uuid, Building>,
    only: Option<&[Uuid]>,
) -> Result<(), StoreError> {
    let rows = diesel::sql_query(EVENTS)
        .bind::<Array<Text>, _>(events::CASE_MILESTONES.to_vec())
        .bind::<Nullable<Array<SqlUuid>>, _>(only)
        .load_iter::<EventRow, PgRowByRowLoadingMode>(conn)?;
    for e in rows {
        let e = e?;
        let Some(b) = by_id.get_mut(&e.case_id) else {
            continue;
        };
        add_event(Arc::make_mut(&mut b.history), &e)?;
    }
    Ok(())
}

fn resolve(h: &mut CaseHistory, on: Date, result: AppealResult) {
    if let Some(a) = h.appeals.iter_mut().rev().find(|a| a.resolved.is_none()) {
        a.resolved = Some(AppealResolution { on, result });
    }
}

fn add_event(h: &mut CaseHistory, e: &EventRow) -> Result<(), StoreError> {
    let on = e.on;
    match e.kind.as_str() {
        events::MARKED_COMPLETE | events::CLOCK_RESUMED => {
            if let Some(due_on) = e.due_on {
                push_exact(&mut h.deadlines, DeadlineSet { on, due_on });
            }
        }
        events::POSTPONED => push_exact(&mut h.postponed_on, on),
        events::REJECTED_NO_REPLY => push_exact(&mut h.rejected_no_reply_on, on),
        events::WITHDRAWN => h.withdrawn_on = Some(on),
        events::APPEALED => {
            let code = e.against.as_deref().unwrap_or_default();
            let against = code
                .parse::<AppealedAct>()
                .map_err(|_| invalid("appealed act", code))?;
            push_exact(
                &mut h.appeals,
                AppealHistory {
                    received_on: on,
                    against,
                    resolved: None,
                },
            );
        }
        events::APPEAL_REVERSED => resolve(h, on, AppealResult::Reversed),
        events::REJECTION_LIFTED => resolve(h, on, AppealResult::RejectionLifted),
        events::APPEAL_UPHELD => resolve(h, on, AppealResult::Upheld),
        _ => {}
    }
    if let Some(code) = &e.changed_state {
        let state = code
            .parse::<CaseState>()
            .map_err(|_| invalid("case state", code))?;
        // the first state is SUBMITTED on the day received (`cases.received_on`)
        let on = if h.states.is_empty() && state == CaseState::Submitted {
            h.received_on
        } else {
            on
        };
        push_exact(&mut h.states, StateEntered { on, state });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
