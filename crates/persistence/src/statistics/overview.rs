//! The public overview of granted access (innsyn i tilganger): decided
//! cases whose decision in force grants data, with what may be published
//! (project title, institution, purpose, the granted sources, the decision
//! date and the project's period), and the entries a case handler withholds.
//! Nothing personal is read: no national ids, names of persons or e-mail
//! addresses.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date as SqlDate, Nullable, Text, Uuid as SqlUuid};
use diesel::PgConnection;
use serde_json::json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent};
use crate::error::StoreError;
use crate::schema::{cases, data_sources, overview_withholdings};

/// One published entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub case_id: Uuid,
    pub case_number: String,
    pub title: Option<String>,
    pub institution: Option<String>,
    pub purpose: Option<String>,
    /// The granted sources' codes, in the case's order.
    pub data_sources: Vec<String>,
    /// Their names in bokmål and English, in the same order.
    pub names_nb: Vec<String>,
    pub names_en: Vec<String>,
    pub decided_on: Date,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

/// An entry as `overview_entries` holds it: the sources by id.
#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = SqlUuid)]
    case_id: Uuid,
    #[diesel(sql_type = Text)]
    case_number: String,
    #[diesel(sql_type = Nullable<Text>)]
    title: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    institution: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    purpose: Option<String>,
    #[diesel(sql_type = Array<SqlUuid>)]
    source_ids: Vec<Uuid>,
    #[diesel(sql_type = Array<Text>)]
    codes: Vec<String>,
    #[diesel(sql_type = SqlDate)]
    decided_on: Date,
    #[diesel(sql_type = Nullable<Text>)]
    valid_from: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    valid_to: Option<String>,
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

/// The entries kept in `overview_entries` (migration 2026-11-30-1503: the
/// database keeps each in the transaction that changes what it is made
/// from), not withheld. Each search word is first matched against the data
/// sources (a small table) once (`MATERIALIZED`: not again for every
/// entry); an entry then matches the word when its
/// title, institution or a code holds it (`search_text`) or it grants a
/// source whose code or name holds it.
const ENTRIES: &str = "
WITH words AS MATERIALIZED (
       SELECT pattern, ARRAY(SELECT ds.id FROM data_sources ds
                              WHERE concat_ws(' ', ds.code, ds.name_nb, ds.name_en)
                                    ILIKE pattern) AS sources
         FROM unnest($1::text[]) AS word, LATERAL (SELECT '%' || word || '%' AS pattern) p)
SELECT e.case_id, e.case_number, e.title, e.institution, e.purpose, e.source_ids, e.codes,
       e.decided_on, e.valid_from, e.valid_to
  FROM overview_entries e
 WHERE NOT EXISTS (SELECT 1 FROM overview_withholdings w WHERE w.case_id = e.case_id)
   AND NOT EXISTS (SELECT 1 FROM words
                    WHERE e.search_text NOT ILIKE words.pattern
                      AND NOT (e.source_ids && words.sources))
   AND ($2::text IS NULL OR $2 = ANY(e.codes))
   AND ($3::text IS NULL OR e.purpose = $3)
   AND ($4::date IS NULL OR (e.decided_on, e.case_number) < ($4, $5::text))
 ORDER BY e.decided_on DESC, e.case_number DESC
 LIMIT $6";

/// The published entries, newest decision first (then case number,
/// descending), filtered and paged as `filter` says. The sources' names
/// are read once from `data_sources` and put in here.
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
    conn.build_transaction()
        .read_only()
        .repeatable_read()
        .run(|conn| {
            // every entry (the CSV) is sorted in memory, not on disk
            diesel::sql_query("SET LOCAL work_mem = '64MB'").execute(conn)?;
            let names: HashMap<Uuid, (String, String)> = data_sources::table
                .select((
                    data_sources::id,
                    data_sources::name_nb,
                    data_sources::name_en,
                ))
                .load::<(Uuid, String, String)>(conn)?
                .into_iter()
                .map(|(id, nb, en)| (id, (nb, en)))
                .collect();
            let rows: Vec<Row> = diesel::sql_query(ENTRIES)
                .bind::<Nullable<Array<Text>>, _>(words)
                .bind::<Nullable<Text>, _>(filter.data_source.clone())
                .bind::<Nullable<Text>, _>(filter.purpose.clone())
                .bind::<Nullable<SqlDate>, _>(after_on)
                .bind::<Nullable<Text>, _>(after_number)
                .bind::<Nullable<BigInt>, _>(filter.limit)
                .load(conn)?;
            Ok(rows.into_iter().map(|r| entry(r, &names)).collect())
        })
}

fn entry(r: Row, names: &HashMap<Uuid, (String, String)>) -> Entry {
    let (names_nb, names_en) = r
        .source_ids
        .iter()
        .map(|id| names.get(id).cloned().unwrap_or_default())
        .unzip();
    Entry {
        case_id: r.case_id,
        case_number: r.case_number,
        title: r.title,
        institution: r.institution,
        purpose: r.purpose,
        data_sources: r.codes,
        names_nb,
        names_en,
        decided_on: r.decided_on,
        valid_from: r.valid_from,
        valid_to: r.valid_to,
    }
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
