//! The public overview of granted access (innsyn i tilganger): decided
//! cases whose decision in force grants data, with what may be published
//! (project title, institution, purpose, the granted sources, the decision
//! date and the project's period), and the entries a case handler withholds.
//! Nothing personal is read: no national ids, names of persons or e-mail
//! addresses.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date as SqlDate, Nullable, Text, Uuid as SqlUuid};
use diesel::PgConnection;
use serde_json::json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent};
use crate::error::StoreError;
use crate::schema::{cases, overview_withholdings};

/// One published entry.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct Entry {
    #[diesel(sql_type = SqlUuid)]
    pub case_id: Uuid,
    #[diesel(sql_type = Text)]
    pub case_number: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub title: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub institution: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub purpose: Option<String>,
    /// The granted sources' codes, in the case's order.
    #[diesel(sql_type = Array<Text>)]
    pub data_sources: Vec<String>,
    /// Their names in bokmål and English, in the same order.
    #[diesel(sql_type = Array<Text>)]
    pub names_nb: Vec<String>,
    #[diesel(sql_type = Array<Text>)]
    pub names_en: Vec<String>,
    #[diesel(sql_type = SqlDate)]
    pub decided_on: Date,
    #[diesel(sql_type = Nullable<Text>)]
    pub valid_from: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub valid_to: Option<String>,
}

/// Which entries, from where.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Words that must all occur (case-insensitive) in the title, the
    /// institution or a granted source's code or name.
    pub words: Vec<String>,
    /// Only entries granting this data source (code).
    pub data_source: Option<String>,
    /// Only this purpose (code).
    pub purpose: Option<String>,
    /// After this entry: (decision date, case number) of the last one seen.
    pub after: Option<(Date, String)>,
    /// At most this many (`None`: all).
    pub limit: Option<i64>,
}

const ENTRIES: &str = "
SELECT c.id AS case_id, c.case_number,
       s.content #>> '{content,project,title}' AS title,
       s.content #>> '{content,responsibility,institutionName}' AS institution,
       s.content #>> '{content,purpose}' AS purpose,
       g.codes AS data_sources, g.names_nb, g.names_en,
       c.decided_on,
       s.content #>> '{content,project,startDate}' AS valid_from,
       s.content #>> '{content,project,endDate}' AS valid_to
  FROM cases c
  JOIN application_snapshots s ON s.application_id = c.application_id
  CROSS JOIN LATERAL (
        SELECT array_agg(cs.data_source_code ORDER BY cs.position) AS codes,
               array_agg(ds.name_nb ORDER BY cs.position) AS names_nb,
               array_agg(ds.name_en ORDER BY cs.position) AS names_en,
               string_agg(cs.data_source_code || ' ' || ds.name_nb || ' ' || ds.name_en, ' ') AS text
          FROM case_sources cs
          JOIN data_sources ds ON ds.id = cs.data_source_id
          JOIN case_decisions d ON d.case_id = cs.case_id AND d.data_source_id = cs.data_source_id
                               AND d.round = c.decision_round
         WHERE cs.case_id = c.id AND d.outcome IN ('GRANTED', 'PARTLY_GRANTED')) g
 WHERE c.decided_on IS NOT NULL
   AND g.codes IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM overview_withholdings w WHERE w.case_id = c.id)
   AND ($1::text[] IS NULL OR NOT EXISTS (
        SELECT 1 FROM unnest($1::text[]) AS word
         WHERE concat_ws(' ', s.content #>> '{content,project,title}',
                              s.content #>> '{content,responsibility,institutionName}', g.text)
               NOT ILIKE '%' || word || '%'))
   AND ($2::text IS NULL OR $2 = ANY(g.codes))
   AND ($3::text IS NULL OR s.content #>> '{content,purpose}' = $3)
   AND ($4::date IS NULL OR (c.decided_on, c.case_number) < ($4, $5::text))
 ORDER BY c.decided_on DESC, c.case_number DESC
 LIMIT $6";

/// The published entries, newest decision first (then case number,
/// descending), filtered and paged as `filter` says.
///
/// # Errors
/// A database error.
pub fn entries(conn: &mut PgConnection, filter: &Filter) -> Result<Vec<Entry>, StoreError> {
    let words: Option<Vec<String>> = if filter.words.is_empty() {
        None
    } else {
        Some(
            filter
                .words
                .iter()
                .map(|w| {
                    w.replace('\\', "\\\\")
                        .replace('%', "\\%")
                        .replace('_', "\\_")
                })
                .collect(),
        )
    };
    let (after_on, after_number) = match &filter.after {
        Some((on, number)) => (Some(*on), Some(number.clone())),
        None => (None, None),
    };
    Ok(diesel::sql_query(ENTRIES)
        .bind::<Nullable<Array<Text>>, _>(words)
        .bind::<Nullable<Text>, _>(filter.data_source.clone())
        .bind::<Nullable<Text>, _>(filter.purpose.clone())
        .bind::<Nullable<SqlDate>, _>(after_on)
        .bind::<Nullable<Text>, _>(after_number)
        .bind::<Nullable<BigInt>, _>(filter.limit)
        .load(conn)?)
}

/// A withheld entry.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = overview_withholdings)]
pub struct Withholding {
    pub case_id: Uuid,
    pub reason: String,
    pub withheld_at: OffsetDateTime,
    pub withheld_by: String,
}

/// The case's id by its id, if it exists.
fn case_exists(conn: &mut PgConnection, case_id: Uuid) -> Result<(), StoreError> {
    cases::table
        .find(case_id)
        .select(cases::id)
        .first::<Uuid>(conn)
        .optional()?
        .map(|_| ())
        .ok_or(StoreError::NotFound)
}

/// The case's withholding, if any. `NotFound` when there is no such case.
///
/// # Errors
/// `NotFound`, or a database error.
pub fn withholding(
    conn: &mut PgConnection,
    case_id: Uuid,
) -> Result<Option<Withholding>, StoreError> {
    case_exists(conn, case_id)?;
    Ok(overview_withholdings::table
        .find(case_id)
        .select(Withholding::as_select())
        .first(conn)
        .optional()?)
}

/// Withholds the case's entry with `reason` (or changes the reason), with
/// its audit event, in one transaction.
///
/// # Errors
/// `NotFound` when there is no such case, or a database error.
pub fn withhold(
    conn: &mut PgConnection,
    case_id: Uuid,
    reason: &str,
    at: OffsetDateTime,
    actor: &str,
    request_id: Option<&str>,
) -> Result<Withholding, StoreError> {
    conn.transaction(|conn| {
        let before = withholding(conn, case_id)?;
        let row = Withholding {
            case_id,
            reason: reason.to_owned(),
            withheld_at: at,
            withheld_by: actor.to_owned(),
        };
        diesel::insert_into(overview_withholdings::table)
            .values((
                overview_withholdings::case_id.eq(case_id),
                overview_withholdings::reason.eq(reason),
                overview_withholdings::withheld_at.eq(at),
                overview_withholdings::withheld_by.eq(actor),
            ))
            .on_conflict(overview_withholdings::case_id)
            .do_update()
            .set((
                overview_withholdings::reason.eq(reason),
                overview_withholdings::withheld_at.eq(at),
                overview_withholdings::withheld_by.eq(actor),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            &NewAuditEvent {
                actor,
                action: "OVERVIEW_ENTRY_WITHHELD",
                entity_type: "case",
                entity_id: &case_id.to_string(),
                before_state: before.map(|b| json!({"withheld": true, "reason": b.reason})),
                after_state: Some(json!({"withheld": true, "reason": reason})),
                request_id,
            },
        )?;
        Ok(row)
    })
}

/// Publishes the case's entry again (undoes a withholding), with its audit
/// event. `Ok(false)` when it was not withheld (nothing written).
///
/// # Errors
/// `NotFound` when there is no such case, or a database error.
pub fn publish(
    conn: &mut PgConnection,
    case_id: Uuid,
    actor: &str,
    request_id: Option<&str>,
) -> Result<bool, StoreError> {
    conn.transaction(|conn| {
        let Some(before) = withholding(conn, case_id)? else {
            return Ok(false);
        };
        diesel::delete(overview_withholdings::table.find(case_id)).execute(conn)?;
        audit::record(
            conn,
            &NewAuditEvent {
                actor,
                action: "OVERVIEW_ENTRY_PUBLISHED",
                entity_type: "case",
                entity_id: &case_id.to_string(),
                before_state: Some(json!({"withheld": true, "reason": before.reason})),
                after_state: Some(json!({"withheld": false})),
                request_id,
            },
        )?;
        Ok(true)
    })
}
