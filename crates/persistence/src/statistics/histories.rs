//! One [`CaseHistory`] per case, from what the system records: four
//! queries (cases, their sources, decisions and delivery parts, and the case
//! events that are milestones or changes of state), put together here.
//! `docs/reporting.md` ("What the figures are computed from") names the
//! column or event behind every field.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use diesel::prelude::*;
use diesel::sql_types::{Array, Date as SqlDate, Int8, Nullable, Text, Uuid as SqlUuid};
use diesel::PgConnection;
use hds_domain::application::Purpose;
use hds_domain::case::{AppealedAct, CaseState, DecisionAuthority, DecisionOutcome};
use hds_domain::statistics::{
    AppealHistory, AppealResolution, AppealResult, CaseHistory, CaseKind, DeadlineSet, Delivery,
    DeliveryOutcome, SourceDecisionOn, SourceHistory, StateEntered,
};
use time::Date;
use uuid::Uuid;

use super::events;
use crate::error::StoreError;

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
 WHERE ($1::uuid IS NULL OR c.id = $1 OR EXISTS (
        SELECT 1 FROM case_sources x JOIN case_sources y ON y.data_source_id = x.data_source_id
         WHERE x.case_id = $1 AND y.case_id = c.id))";

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

struct Building {
    history: CaseHistory,
    source_ids: Vec<Uuid>,
}

/// What moves whenever a history can change: every milestone, decision,
/// state and data report (a delivery part's settlement) is written with a
/// case event, every task action with a task event, every case is a row of `cases`, and a custodian's code is its
/// row. Read with the histories in one snapshot. The events are counted as
/// well as their newest id: an event whose transaction commits after a
/// later one's (a lower id appearing late) changes the count.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
struct Watermark {
    #[diesel(sql_type = Text)]
    database: String,
    #[diesel(sql_type = Int8)]
    case_events: i64,
    #[diesel(sql_type = Int8)]
    case_event_count: i64,
    #[diesel(sql_type = Int8)]
    task_events: i64,
    #[diesel(sql_type = Int8)]
    task_event_count: i64,
    #[diesel(sql_type = Int8)]
    cases: i64,
    #[diesel(sql_type = Nullable<Text>)]
    custodians: Option<String>,
}

const WATERMARK: &str = "
SELECT current_database() || ':' || COALESCE(inet_server_port(), 0) AS database,
       COALESCE((SELECT max(id) FROM case_events), 0) AS case_events,
       (SELECT count(*) FROM case_events) AS case_event_count,
       COALESCE((SELECT max(id) FROM task_events), 0) AS task_events,
       (SELECT count(*) FROM task_events) AS task_event_count,
       (SELECT count(*) FROM cases) AS cases,
       (SELECT max(updated_at)::text || count(*) FROM custodians) AS custodians";

type Cached = Option<(Watermark, Arc<Vec<CaseHistory>>)>;

/// The histories last loaded, with the watermark they were loaded at.
static CACHE: Mutex<Cached> = Mutex::new(None);

/// Every case's history, as [`load`] with `about = None`, kept in memory
/// until anything it is made from changes (the [`Watermark`]: the newest
/// case event and task event, the number of cases, the custodians): a
/// figure is never computed from a stale history, and a read after no
/// change does not read the whole history again. Both are read in one
/// read-only repeatable-read transaction.
///
/// # Errors
/// A database error, or a stored code the domain does not know.
pub fn load_all(conn: &mut PgConnection) -> Result<Arc<Vec<CaseHistory>>, StoreError> {
    conn.build_transaction()
        .read_only()
        .repeatable_read()
        .run(|conn| {
            let mark: Watermark = diesel::sql_query(WATERMARK).get_result(conn)?;
            if let Some((seen, histories)) = CACHE
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .as_ref()
            {
                if *seen == mark {
                    return Ok(Arc::clone(histories));
                }
            }
            let histories = Arc::new(load(conn, None)?);
            *CACHE.lock().unwrap_or_else(PoisonError::into_inner) =
                Some((mark, Arc::clone(&histories)));
            Ok(histories)
        })
}

/// Every case's history: all of them (`about = None`), or the case `about`
/// and the cases that share a data source with it (for its expected dates).
///
/// # Errors
/// A database error, or a stored code the domain does not know.
pub fn load(conn: &mut PgConnection, about: Option<Uuid>) -> Result<Vec<CaseHistory>, StoreError> {
    let cases: Vec<CaseRow> = diesel::sql_query(CASES)
        .bind::<Nullable<SqlUuid>, _>(about)
        .load(conn)?;
    let mut by_id: HashMap<Uuid, Building> = HashMap::with_capacity(cases.len());
    let mut order = Vec::with_capacity(cases.len());
    for c in cases {
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
                history: CaseHistory {
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
                },
                source_ids: Vec::new(),
            },
        );
    }
    // all cases, or only those found
    let only: Option<Vec<Uuid>> = about.map(|_| order.clone());
    add_sources(conn, &mut by_id, only.as_ref())?;
    add_events(conn, &mut by_id, only.as_ref())?;
    Ok(order
        .into_iter()
        .filter_map(|id| by_id.remove(&id))
        .map(|b| b.history)
        .collect())
}

fn source_mut(
    by_id: &mut HashMap<Uuid, Building>,
    case_id: Uuid,
    source_id: Uuid,
) -> Option<&mut SourceHistory> {
    let b = by_id.get_mut(&case_id)?;
    let i = b.source_ids.iter().position(|s| *s == source_id)?;
    b.history.sources.get_mut(i)
}

fn add_sources(
    conn: &mut PgConnection,
    by_id: &mut HashMap<Uuid, Building>,
    only: Option<&Vec<Uuid>>,
) -> Result<(), StoreError> {
    let sources: Vec<SourceRow> = diesel::sql_query(SOURCES)
        .bind::<Nullable<Array<SqlUuid>>, _>(only)
        .load(conn)?;
    for s in sources {
        if let Some(b) = by_id.get_mut(&s.case_id) {
            b.source_ids.push(s.data_source_id);
            b.history.sources.push(SourceHistory {
                data_source: s.data_source,
                custodian: s.custodian,
                authority: authority(&s.authority),
                decisions: Vec::new(),
                delivery: None,
            });
        }
    }
    let decisions: Vec<DecisionRow> = diesel::sql_query(DECISIONS)
        .bind::<Nullable<Array<SqlUuid>>, _>(only)
        .load(conn)?;
    for d in decisions {
        let outcome = d
            .outcome
            .parse::<DecisionOutcome>()
            .map_err(|_| invalid("decision outcome", &d.outcome))?;
        if let Some(s) = source_mut(by_id, d.case_id, d.data_source_id) {
            s.decisions.push(SourceDecisionOn {
                on: d.decided_on,
                outcome,
            });
        }
    }
    let deliveries: Vec<DeliveryRow> = diesel::sql_query(DELIVERIES)
        .bind::<Nullable<Array<SqlUuid>>, _>(only)
        .load(conn)?;
    for d in deliveries {
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
    only: Option<&Vec<Uuid>>,
) -> Result<(), StoreError> {
    let rows: Vec<EventRow> = diesel::sql_query(EVENTS)
        .bind::<Array<Text>, _>(events::CASE_MILESTONES.to_vec())
        .bind::<Nullable<Array<SqlUuid>>, _>(only)
        .load(conn)?;
    for e in rows {
        let Some(b) = by_id.get_mut(&e.case_id) else {
            continue;
        };
        add_event(&mut b.history, &e)?;
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
                h.deadlines.push(DeadlineSet { on, due_on });
            }
        }
        events::POSTPONED => h.postponed_on.push(on),
        events::REJECTED_NO_REPLY => h.rejected_no_reply_on.push(on),
        events::WITHDRAWN => h.withdrawn_on = Some(on),
        events::APPEALED => {
            let code = e.against.as_deref().unwrap_or_default();
            let against = code
                .parse::<AppealedAct>()
                .map_err(|_| invalid("appealed act", code))?;
            h.appeals.push(AppealHistory {
                received_on: on,
                against,
                resolved: None,
            });
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
        h.states.push(StateEntered { on, state });
    }
    Ok(())
}
