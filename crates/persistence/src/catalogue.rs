//! The catalogue (katalogen): purposes, custodians, data sources, variables
//! and service notices. Reads for the public API, writes for admins.
//!
//! Every write validates everything first (the pure rules in
//! `hds_domain::catalogue`, then the references in the database, inside the
//! write's transaction), reports all problems at once, and writes the change
//! with its audit event in one transaction. Nothing is ever hard-deleted:
//! retiring sets `retired_at`.
//!
//! Lists use keyset pagination (never OFFSET); searches use the generated
//! `search_nb`/`search_en` tsvector columns and their GIN indexes, ranked by
//! `ts_rank` (plans in docs/benchmarks.md).

use std::collections::HashMap;

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::serialize::ToSql;
use diesel::sql_types::HasSqlType;
use diesel::sql_types::{Array, BigInt, Float4, Nullable, Text, Uuid as SqlUuid};
use diesel::upsert::excluded;
use diesel::PgConnection;
use hds_domain::catalogue::{self as rules, Channel, Problem, MAX_NAME_LEN, MAX_TEXT_LEN};
use serde_json::{json, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent};
use crate::schema::{
    custodians, data_source_custodian_history, data_source_purposes, data_sources, purposes,
    service_notices, variables,
};
use crate::StoreError;

/// Why a catalogue write was refused.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// The input breaks rules (422); every problem, with pointers.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<Problem>),
    /// The input would duplicate an existing entry (409), e.g. `/code`.
    #[error("conflict: {0:?}")]
    Conflict(Vec<Problem>),
    /// Anything the store itself says (not found, stale version, ...).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for CatalogueError {
    fn from(err: diesel::result::Error) -> Self {
        Self::Store(err.into())
    }
}

/// Turns the problems found into the error to return: 422 when any rule is
/// broken (all problems listed), 409 when the only problems are duplicates.
fn verdict(invalid: Vec<Problem>, conflicts: Vec<Problem>) -> Result<(), CatalogueError> {
    match (invalid.is_empty(), conflicts.is_empty()) {
        (true, true) => Ok(()),
        (true, false) => Err(CatalogueError::Conflict(conflicts)),
        (false, _) => Err(CatalogueError::Invalid(
            invalid.into_iter().chain(conflicts).collect(),
        )),
    }
}

/// Who makes a change, for the audit trail.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub who: &'a str,
    pub request_id: Option<&'a str>,
}

fn record(
    conn: &mut PgConnection,
    actor: Actor<'_>,
    action: &str,
    entity_type: &str,
    entity_id: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), StoreError> {
    audit::record(
        conn,
        &NewAuditEvent {
            actor: actor.who,
            action,
            entity_type,
            entity_id,
            before_state: before,
            after_state: after,
            request_id: actor.request_id,
        },
    )
}

fn rfc3339(t: OffsetDateTime) -> Value {
    t.format(&time::format_description::well_known::Rfc3339)
        .map_or(Value::Null, Value::String)
}

/// The language a search runs in: the `norwegian` or `english` text search
/// configuration over the `search_nb` or `search_en` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Nb,
    En,
}

impl Lang {
    fn column(self) -> &'static str {
        match self {
            Self::Nb => "search_nb",
            Self::En => "search_en",
        }
    }

    fn config(self) -> &'static str {
        match self {
            Self::Nb => "'norwegian'::regconfig",
            Self::En => "'english'::regconfig",
        }
    }
}

/// A full-text search: a prefix tsquery built by `hds_domain::catalogue::prefix_tsquery`.
#[derive(Debug, Clone)]
pub struct Search {
    pub lang: Lang,
    pub tsquery: String,
}

/// Where a page starts: after this sort key.
#[derive(Debug, Clone, PartialEq)]
pub enum After {
    /// Lists in key order: the last key (a code, or a variable name and id).
    Key(String, Option<Uuid>),
    /// Searches in rank order: the last rank, then the key.
    Ranked(f32, String, Option<Uuid>),
}

/// Raw SQL built piece by piece, numbering its bind parameters (`$1`, `$2`, ...).
struct Sql {
    query: BoxedSqlQuery<'static, Pg, SqlQuery>,
    binds: usize,
}

impl Sql {
    fn new(sql: impl AsRef<str>) -> Self {
        Self {
            query: diesel::sql_query(sql.as_ref()).into_boxed(),
            binds: 0,
        }
    }

    fn push(mut self, sql: impl AsRef<str>) -> Self {
        self.query = self.query.sql(sql);
        self
    }

    fn bind<ST, V>(mut self, value: V) -> Self
    where
        Pg: HasSqlType<ST>,
        V: ToSql<ST, Pg> + Send + 'static,
        ST: Send + 'static,
    {
        self.binds += 1;
        self.query = self
            .query
            .sql(format!("${}", self.binds))
            .bind::<ST, _>(value);
        self
    }
}

// ---------------------------------------------------------------- purposes

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = purposes)]
pub struct PurposeRow {
    pub code: String,
    pub name_nb: String,
    pub name_en: String,
    pub sort_order: i32,
}

pub fn list_purposes(conn: &mut PgConnection) -> Result<Vec<PurposeRow>, StoreError> {
    Ok(purposes::table
        .order((purposes::sort_order, purposes::code))
        .select(PurposeRow::as_select())
        .load(conn)?)
}

// -------------------------------------------------------------- custodians

/// A custodian (registerforvalter).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = custodians)]
pub struct CustodianRow {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub orgnr: String,
    pub contact_email: Option<String>,
    pub website: Option<String>,
    pub retired_at: Option<OffsetDateTime>,
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl CustodianRow {
    fn audit_json(&self) -> Value {
        json!({
            "code": self.code, "name": self.name, "shortName": self.short_name, "orgnr": self.orgnr,
            "contactEmail": self.contact_email, "website": self.website,
            "retiredAt": self.retired_at.map(rfc3339), "version": self.version,
        })
    }
}

/// A data source as a custodian lists it.
#[derive(Debug, Clone, Queryable)]
pub struct SourceRef {
    pub custodian_id: Uuid,
    pub code: String,
    pub name_nb: String,
    pub name_en: String,
    pub kind: String,
}

/// What an admin sets on a custodian.
#[derive(Debug, Clone)]
pub struct CustodianInput {
    pub name: String,
    pub short_name: String,
    pub orgnr: String,
    pub contact_email: Option<String>,
    pub website: Option<String>,
}

pub fn validate_custodian(input: &CustodianInput) -> Vec<Problem> {
    let mut out = Vec::new();
    rules::check_text("/name", &input.name, MAX_NAME_LEN, &mut out);
    rules::check_text("/shortName", &input.short_name, 60, &mut out);
    rules::check_orgnr("/orgnr", &input.orgnr, &mut out);
    rules::check_optional_email("/contactEmail", input.contact_email.as_deref(), &mut out);
    rules::check_optional_url("/website", input.website.as_deref(), &mut out);
    out
}

/// Custodians in code order, after `after`, at most `limit`.
pub fn list_custodians(
    conn: &mut PgConnection,
    include_retired: bool,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<CustodianRow>, StoreError> {
    let mut query = custodians::table
        .select(CustodianRow::as_select())
        .into_boxed();
    if !include_retired {
        query = query.filter(custodians::retired_at.is_null());
    }
    if let Some(after) = after {
        query = query.filter(custodians::code.gt(after.to_owned()));
    }
    Ok(query.order(custodians::code).limit(limit).load(conn)?)
}

pub fn get_custodian(conn: &mut PgConnection, code: &str) -> Result<CustodianRow, StoreError> {
    Ok(custodians::table
        .filter(custodians::code.eq(code))
        .select(CustodianRow::as_select())
        .first(conn)?)
}

/// The current (not retired) data sources of these custodians, in code order.
pub fn sources_of(
    conn: &mut PgConnection,
    custodian_ids: &[Uuid],
) -> Result<Vec<SourceRef>, StoreError> {
    Ok(data_sources::table
        .filter(data_sources::custodian_id.eq_any(custodian_ids))
        .filter(data_sources::retired_at.is_null())
        .order(data_sources::code)
        .select((
            data_sources::custodian_id,
            data_sources::code,
            data_sources::name_nb,
            data_sources::name_en,
            data_sources::kind,
        ))
        .load(conn)?)
}

fn lock_custodian(
    conn: &mut PgConnection,
    code: &str,
    expected_version: i32,
) -> Result<CustodianRow, CatalogueError> {
    let row: CustodianRow = custodians::table
        .filter(custodians::code.eq(code))
        .select(CustodianRow::as_select())
        .for_update()
        .first(conn)?;
    if row.version != expected_version {
        return Err(StoreError::StaleVersion.into());
    }
    Ok(row)
}

fn orgnr_taken(
    conn: &mut PgConnection,
    orgnr: &str,
    other_than: Option<Uuid>,
) -> Result<bool, StoreError> {
    let mut query = custodians::table
        .filter(custodians::orgnr.eq(orgnr))
        .select(custodians::id)
        .into_boxed();
    if let Some(id) = other_than {
        query = query.filter(custodians::id.ne(id));
    }
    Ok(query.first::<Uuid>(conn).optional()?.is_some())
}

pub fn create_custodian(
    conn: &mut PgConnection,
    code: &str,
    input: &CustodianInput,
    actor: Actor<'_>,
) -> Result<CustodianRow, CatalogueError> {
    let mut invalid = Vec::new();
    rules::check_code("/code", code, &mut invalid);
    invalid.extend(validate_custodian(input));
    conn.transaction(|conn| {
        let mut conflicts = Vec::new();
        let exists = custodians::table
            .filter(custodians::code.eq(code))
            .select(custodians::id)
            .first::<Uuid>(conn)
            .optional()?;
        if exists.is_some() {
            conflicts.push(Problem::new(
                "/code",
                "DUPLICATE",
                format!("a custodian with code {code} exists"),
            ));
        }
        if orgnr_taken(conn, &input.orgnr, None)? {
            conflicts.push(Problem::new(
                "/orgnr",
                "DUPLICATE",
                "another custodian has this organisation number",
            ));
        }
        verdict(invalid, conflicts)?;
        let row: CustodianRow = diesel::insert_into(custodians::table)
            .values((
                custodians::code.eq(code),
                custodians::name.eq(&input.name),
                custodians::short_name.eq(&input.short_name),
                custodians::orgnr.eq(&input.orgnr),
                custodians::contact_email.eq(&input.contact_email),
                custodians::website.eq(&input.website),
            ))
            .returning(CustodianRow::as_returning())
            .get_result(conn)?;
        record(
            conn,
            actor,
            "CUSTODIAN_CREATED",
            "custodian",
            code,
            None,
            Some(row.audit_json()),
        )?;
        Ok(row)
    })
}

pub fn update_custodian(
    conn: &mut PgConnection,
    code: &str,
    expected_version: i32,
    input: &CustodianInput,
    actor: Actor<'_>,
) -> Result<CustodianRow, CatalogueError> {
    conn.transaction(|conn| {
        let before = lock_custodian(conn, code, expected_version)?;
        let invalid = validate_custodian(input);
        let mut conflicts = Vec::new();
        if orgnr_taken(conn, &input.orgnr, Some(before.id))? {
            conflicts.push(Problem::new(
                "/orgnr",
                "DUPLICATE",
                "another custodian has this organisation number",
            ));
        }
        verdict(invalid, conflicts)?;
        let row: CustodianRow = diesel::update(custodians::table.find(before.id))
            .set((
                custodians::name.eq(&input.name),
                custodians::short_name.eq(&input.short_name),
                custodians::orgnr.eq(&input.orgnr),
                custodians::contact_email.eq(&input.contact_email),
                custodians::website.eq(&input.website),
                custodians::version.eq(custodians::version + 1),
                custodians::updated_at.eq(diesel::dsl::now),
            ))
            .returning(CustodianRow::as_returning())
            .get_result(conn)?;
        record(
            conn,
            actor,
            "CUSTODIAN_UPDATED",
            "custodian",
            code,
            Some(before.audit_json()),
            Some(row.audit_json()),
        )?;
        Ok(row)
    })
}

/// Retires a custodian; refused (409) while it still holds current data sources.
pub fn retire_custodian(
    conn: &mut PgConnection,
    code: &str,
    expected_version: i32,
    actor: Actor<'_>,
) -> Result<CustodianRow, CatalogueError> {
    conn.transaction(|conn| {
        let before = lock_custodian(conn, code, expected_version)?;
        if before.retired_at.is_some() {
            return Ok(before);
        }
        let held = sources_of(conn, &[before.id])?;
        if !held.is_empty() {
            let codes: Vec<&str> = held.iter().map(|s| s.code.as_str()).collect();
            return Err(CatalogueError::Conflict(vec![Problem::new(
                "",
                "HOLDS_DATA_SOURCES",
                format!(
                    "the custodian still holds {}; move or retire them first",
                    codes.join(", ")
                ),
            )]));
        }
        let row: CustodianRow = diesel::update(custodians::table.find(before.id))
            .set((
                custodians::retired_at.eq(diesel::dsl::now),
                custodians::version.eq(custodians::version + 1),
                custodians::updated_at.eq(diesel::dsl::now),
            ))
            .returning(CustodianRow::as_returning())
            .get_result(conn)?;
        record(
            conn,
            actor,
            "CUSTODIAN_RETIRED",
            "custodian",
            code,
            Some(before.audit_json()),
            Some(row.audit_json()),
        )?;
        Ok(row)
    })
}

// ------------------------------------------------------------ data sources

/// A data source with its custodian and purposes, as the list and fetch queries return it.
#[derive(Debug, Clone, QueryableByName)]
#[diesel(table_name = data_sources)]
pub struct DataSourceRow {
    pub id: Uuid,
    pub code: String,
    pub name_nb: String,
    pub name_en: String,
    pub kind: String,
    pub custodian_id: Uuid,
    pub description_nb: String,
    pub description_en: String,
    pub data_kinds: Vec<String>,
    pub decision_authority: String,
    pub channel: String,
    pub external_url: Option<String>,
    pub period_from: Option<i32>,
    pub period_to: Option<i32>,
    pub processing_notice_nb: Option<String>,
    pub processing_notice_en: Option<String>,
    pub retired_at: Option<OffsetDateTime>,
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    #[diesel(sql_type = Text)]
    pub custodian_code: String,
    #[diesel(sql_type = Text)]
    pub custodian_name: String,
    #[diesel(sql_type = Text)]
    pub custodian_short_name: String,
    #[diesel(sql_type = Array<Text>)]
    pub purposes: Vec<String>,
    /// The search rank (`ts_rank`), when the list is a search.
    #[diesel(sql_type = Nullable<Float4>)]
    pub rank: Option<f32>,
}

impl DataSourceRow {
    fn audit_json(&self) -> Value {
        json!({
            "code": self.code, "nameNb": self.name_nb, "nameEn": self.name_en, "kind": self.kind,
            "custodian": self.custodian_code, "descriptionNb": self.description_nb,
            "descriptionEn": self.description_en, "purposes": self.purposes, "dataKinds": self.data_kinds,
            "decisionAuthority": self.decision_authority, "channel": self.channel,
            "externalUrl": self.external_url, "periodFrom": self.period_from, "periodTo": self.period_to,
            "processingNoticeNb": self.processing_notice_nb, "processingNoticeEn": self.processing_notice_en,
            "retiredAt": self.retired_at.map(rfc3339), "version": self.version,
        })
    }
}

/// Which custodian held a data source when.
#[derive(Debug, Clone, Queryable)]
pub struct CustodianPeriod {
    pub valid_from: OffsetDateTime,
    pub valid_to: Option<OffsetDateTime>,
    pub changed_by: String,
    pub custodian_code: String,
    pub custodian_name: String,
    pub custodian_short_name: String,
}

/// Filters of the data source list; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct SourceFilter {
    pub code: Option<String>,
    pub custodian: Option<String>,
    pub kind: Option<String>,
    pub purpose: Option<String>,
    pub data_kind: Option<String>,
    pub decision_authority: Option<String>,
    pub include_retired: bool,
    pub search: Option<Search>,
}

const SOURCE_COLUMNS: &str = "ds.id, ds.code, ds.name_nb, ds.name_en, ds.kind, ds.custodian_id, \
ds.description_nb, ds.description_en, ds.data_kinds, ds.decision_authority, ds.channel, ds.external_url, \
ds.period_from, ds.period_to, ds.processing_notice_nb, ds.processing_notice_en, ds.retired_at, ds.version, \
ds.created_at, ds.updated_at, c.code AS custodian_code, c.name AS custodian_name, \
c.short_name AS custodian_short_name, \
ARRAY(SELECT p.purpose_code FROM data_source_purposes p WHERE p.data_source_id = ds.id ORDER BY p.purpose_code) AS purposes";

/// Data sources matching `filter`: in code order, or by search rank (best
/// first, then code) when the filter has a search; after `after`, at most `limit`.
pub fn list_data_sources(
    conn: &mut PgConnection,
    filter: &SourceFilter,
    after: Option<&After>,
    limit: i64,
) -> Result<Vec<DataSourceRow>, StoreError> {
    let mut query = Sql::new(format!("SELECT * FROM (SELECT {SOURCE_COLUMNS}, "));
    query = match &filter.search {
        Some(search) => query
            .push(format!(
                "ts_rank(ds.{}, to_tsquery({}, ",
                search.lang.column(),
                search.lang.config()
            ))
            .bind::<Text, _>(search.tsquery.clone())
            .push("))"),
        None => query.push("NULL::real"),
    };
    query = query.push(
        " AS rank FROM data_sources ds JOIN custodians c ON c.id = ds.custodian_id WHERE true",
    );
    if let Some(search) = &filter.search {
        query = query
            .push(format!(
                " AND ds.{} @@ to_tsquery({}, ",
                search.lang.column(),
                search.lang.config()
            ))
            .bind::<Text, _>(search.tsquery.clone())
            .push(")");
    }
    if !filter.include_retired {
        query = query.push(" AND ds.retired_at IS NULL");
    }
    if let Some(code) = &filter.code {
        query = query.push(" AND ds.code = ").bind::<Text, _>(code.clone());
    }
    if let Some(custodian) = &filter.custodian {
        query = query
            .push(" AND c.code = ")
            .bind::<Text, _>(custodian.clone());
    }
    if let Some(kind) = &filter.kind {
        query = query.push(" AND ds.kind = ").bind::<Text, _>(kind.clone());
    }
    if let Some(purpose) = &filter.purpose {
        query = query
            .push(" AND EXISTS (SELECT 1 FROM data_source_purposes p WHERE p.data_source_id = ds.id AND p.purpose_code = ")
            .bind::<Text, _>(purpose.clone())
            .push(")");
    }
    if let Some(data_kind) = &filter.data_kind {
        query = query
            .push(" AND ")
            .bind::<Text, _>(data_kind.clone())
            .push(" = ANY (ds.data_kinds)");
    }
    if let Some(authority) = &filter.decision_authority {
        query = query
            .push(" AND ds.decision_authority = ")
            .bind::<Text, _>(authority.clone());
    }
    query = query.push(") s");
    query = match after {
        None => query,
        Some(After::Key(code, _)) => query.push(" WHERE s.code > ").bind::<Text, _>(code.clone()),
        Some(After::Ranked(rank, code, _)) => query
            .push(" WHERE (s.rank < ")
            .bind::<Float4, _>(*rank)
            .push(" OR (s.rank = ")
            .bind::<Float4, _>(*rank)
            .push(" AND s.code > ")
            .bind::<Text, _>(code.clone())
            .push("))"),
    };
    query = if filter.search.is_some() {
        query.push(" ORDER BY s.rank DESC, s.code")
    } else {
        query.push(" ORDER BY s.code")
    };
    Ok(query
        .push(" LIMIT ")
        .bind::<BigInt, _>(limit)
        .query
        .load(conn)?)
}

/// One data source by code (retired ones too).
pub fn get_data_source(conn: &mut PgConnection, code: &str) -> Result<DataSourceRow, StoreError> {
    let filter = SourceFilter {
        code: Some(code.to_owned()),
        include_retired: true,
        ..SourceFilter::default()
    };
    list_data_sources(conn, &filter, None, 1)?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// Which custodians held the data source, oldest first.
pub fn custodian_history(
    conn: &mut PgConnection,
    source_id: Uuid,
) -> Result<Vec<CustodianPeriod>, StoreError> {
    Ok(data_source_custodian_history::table
        .inner_join(custodians::table)
        .filter(data_source_custodian_history::data_source_id.eq(source_id))
        .order(data_source_custodian_history::valid_from)
        .select((
            data_source_custodian_history::valid_from,
            data_source_custodian_history::valid_to,
            data_source_custodian_history::changed_by,
            custodians::code,
            custodians::name,
            custodians::short_name,
        ))
        .load(conn)?)
}

/// What an admin sets on a data source. Enumerated values (kind, data kinds,
/// decision authority) arrive as their database spelling, already checked by type.
#[derive(Debug, Clone)]
pub struct DataSourceInput {
    pub name_nb: String,
    pub name_en: String,
    pub kind: String,
    pub custodian: String,
    pub description_nb: String,
    pub description_en: String,
    pub purposes: Vec<String>,
    pub data_kinds: Vec<String>,
    pub decision_authority: String,
    pub channel: Channel,
    pub external_url: Option<String>,
    pub period_from: Option<i32>,
    pub period_to: Option<i32>,
    pub processing_notice_nb: Option<String>,
    pub processing_notice_en: Option<String>,
}

fn channel_str(channel: Channel) -> &'static str {
    match channel {
        Channel::CommonForm => "COMMON_FORM",
        Channel::ExternalForm => "EXTERNAL_FORM",
    }
}

pub fn validate_data_source(input: &DataSourceInput) -> Vec<Problem> {
    let mut out = Vec::new();
    rules::check_text("/nameNb", &input.name_nb, MAX_NAME_LEN, &mut out);
    rules::check_text("/nameEn", &input.name_en, MAX_NAME_LEN, &mut out);
    rules::check_optional_text(
        "/descriptionNb",
        &input.description_nb,
        MAX_TEXT_LEN,
        &mut out,
    );
    rules::check_optional_text(
        "/descriptionEn",
        &input.description_en,
        MAX_TEXT_LEN,
        &mut out,
    );
    rules::check_set("/purposes", &input.purposes, &mut out);
    rules::check_set("/dataKinds", &input.data_kinds, &mut out);
    rules::check_channel(
        input.channel,
        input.external_url.as_deref(),
        "/externalUrl",
        &mut out,
    );
    rules::check_period(
        input.period_from,
        input.period_to,
        "/periodFrom",
        "/periodTo",
        &mut out,
    );
    for (text, pointer) in [
        (&input.processing_notice_nb, "/processingNoticeNb"),
        (&input.processing_notice_en, "/processingNoticeEn"),
    ] {
        if let Some(text) = text {
            rules::check_optional_text(pointer, text, MAX_TEXT_LEN, &mut out);
        }
    }
    out
}

/// Checks the references of a data source (custodian, purposes) in the
/// database; returns the custodian's id when it exists. A retired custodian
/// is refused unless it is the one the source already has (`current`).
fn check_source_references(
    conn: &mut PgConnection,
    input: &DataSourceInput,
    current: Option<Uuid>,
    out: &mut Vec<Problem>,
) -> Result<Option<Uuid>, StoreError> {
    let custodian: Option<(Uuid, Option<OffsetDateTime>)> = custodians::table
        .filter(custodians::code.eq(&input.custodian))
        .select((custodians::id, custodians::retired_at))
        .first(conn)
        .optional()?;
    let custodian_id = match custodian {
        None => {
            out.push(Problem::new(
                "/custodian",
                "UNKNOWN_CUSTODIAN",
                format!("no custodian has code {}", input.custodian),
            ));
            None
        }
        Some((id, Some(_))) if Some(id) == current => Some(id),
        Some((_, Some(_))) => {
            out.push(Problem::new(
                "/custodian",
                "RETIRED_CUSTODIAN",
                format!("custodian {} is retired", input.custodian),
            ));
            None
        }
        Some((id, None)) => Some(id),
    };
    let known: Vec<String> = purposes::table
        .filter(purposes::code.eq_any(&input.purposes))
        .select(purposes::code)
        .load(conn)?;
    for (i, purpose) in input.purposes.iter().enumerate() {
        if !known.contains(purpose) {
            out.push(Problem::new(
                format!("/purposes/{i}"),
                "UNKNOWN_PURPOSE",
                format!("no purpose has code {purpose}"),
            ));
        }
    }
    Ok(custodian_id)
}

fn open_custodian_period(
    conn: &mut PgConnection,
    source_id: Uuid,
    custodian_id: Uuid,
    actor: Actor<'_>,
) -> Result<(), StoreError> {
    diesel::insert_into(data_source_custodian_history::table)
        .values((
            data_source_custodian_history::data_source_id.eq(source_id),
            data_source_custodian_history::custodian_id.eq(custodian_id),
            data_source_custodian_history::changed_by.eq(actor.who),
        ))
        .execute(conn)?;
    Ok(())
}

fn set_purposes(
    conn: &mut PgConnection,
    source_id: Uuid,
    codes: &[String],
) -> Result<(), StoreError> {
    diesel::delete(
        data_source_purposes::table.filter(data_source_purposes::data_source_id.eq(source_id)),
    )
    .execute(conn)?;
    let rows: Vec<_> = codes
        .iter()
        .map(|code| {
            (
                data_source_purposes::data_source_id.eq(source_id),
                data_source_purposes::purpose_code.eq(code),
            )
        })
        .collect();
    diesel::insert_into(data_source_purposes::table)
        .values(&rows)
        .execute(conn)?;
    Ok(())
}

pub fn create_data_source(
    conn: &mut PgConnection,
    code: &str,
    input: &DataSourceInput,
    actor: Actor<'_>,
) -> Result<DataSourceRow, CatalogueError> {
    let mut invalid = Vec::new();
    rules::check_code("/code", code, &mut invalid);
    invalid.extend(validate_data_source(input));
    conn.transaction(|conn| {
        let custodian_id = check_source_references(conn, input, None, &mut invalid)?;
        let mut conflicts = Vec::new();
        let exists = data_sources::table
            .filter(data_sources::code.eq(code))
            .select(data_sources::id)
            .first::<Uuid>(conn)
            .optional()?;
        if exists.is_some() {
            conflicts.push(Problem::new(
                "/code",
                "DUPLICATE",
                format!("a data source with code {code} exists"),
            ));
        }
        verdict(invalid, conflicts)?;
        let custodian_id = custodian_id.ok_or(StoreError::NotFound)?;
        let id: Uuid = diesel::insert_into(data_sources::table)
            .values((
                data_sources::code.eq(code),
                data_sources::name_nb.eq(&input.name_nb),
                data_sources::name_en.eq(&input.name_en),
                data_sources::kind.eq(&input.kind),
                data_sources::custodian_id.eq(custodian_id),
                data_sources::description_nb.eq(&input.description_nb),
                data_sources::description_en.eq(&input.description_en),
                data_sources::data_kinds.eq(&input.data_kinds),
                data_sources::decision_authority.eq(&input.decision_authority),
                data_sources::channel.eq(channel_str(input.channel)),
                data_sources::external_url.eq(&input.external_url),
                data_sources::period_from.eq(input.period_from),
                data_sources::period_to.eq(input.period_to),
                data_sources::processing_notice_nb.eq(&input.processing_notice_nb),
                data_sources::processing_notice_en.eq(&input.processing_notice_en),
            ))
            .returning(data_sources::id)
            .get_result(conn)?;
        open_custodian_period(conn, id, custodian_id, actor)?;
        set_purposes(conn, id, &input.purposes)?;
        let row = get_data_source(conn, code)?;
        record(
            conn,
            actor,
            "DATA_SOURCE_CREATED",
            "data_source",
            code,
            None,
            Some(row.audit_json()),
        )?;
        Ok(row)
    })
}

fn lock_data_source(
    conn: &mut PgConnection,
    code: &str,
    expected_version: i32,
) -> Result<DataSourceRow, CatalogueError> {
    let version: i32 = data_sources::table
        .filter(data_sources::code.eq(code))
        .select(data_sources::version)
        .for_update()
        .first(conn)?;
    if version != expected_version {
        return Err(StoreError::StaleVersion.into());
    }
    Ok(get_data_source(conn, code)?)
}

/// Replaces a data source's content. A new custodian closes the open period
/// of the custodian history and opens one for the new custodian.
pub fn update_data_source(
    conn: &mut PgConnection,
    code: &str,
    expected_version: i32,
    input: &DataSourceInput,
    actor: Actor<'_>,
) -> Result<DataSourceRow, CatalogueError> {
    conn.transaction(|conn| {
        let before = lock_data_source(conn, code, expected_version)?;
        let mut invalid = validate_data_source(input);
        let custodian_id =
            check_source_references(conn, input, Some(before.custodian_id), &mut invalid)?;
        verdict(invalid, Vec::new())?;
        let custodian_id = custodian_id.ok_or(StoreError::NotFound)?;
        diesel::update(data_sources::table.find(before.id))
            .set((
                data_sources::name_nb.eq(&input.name_nb),
                data_sources::name_en.eq(&input.name_en),
                data_sources::kind.eq(&input.kind),
                data_sources::custodian_id.eq(custodian_id),
                data_sources::description_nb.eq(&input.description_nb),
                data_sources::description_en.eq(&input.description_en),
                data_sources::data_kinds.eq(&input.data_kinds),
                data_sources::decision_authority.eq(&input.decision_authority),
                data_sources::channel.eq(channel_str(input.channel)),
                data_sources::external_url.eq(&input.external_url),
                data_sources::period_from.eq(input.period_from),
                data_sources::period_to.eq(input.period_to),
                data_sources::processing_notice_nb.eq(&input.processing_notice_nb),
                data_sources::processing_notice_en.eq(&input.processing_notice_en),
                data_sources::version.eq(data_sources::version + 1),
                data_sources::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        if custodian_id != before.custodian_id {
            diesel::update(
                data_source_custodian_history::table
                    .filter(data_source_custodian_history::data_source_id.eq(before.id))
                    .filter(data_source_custodian_history::valid_to.is_null()),
            )
            .set(data_source_custodian_history::valid_to.eq(diesel::dsl::now))
            .execute(conn)?;
            open_custodian_period(conn, before.id, custodian_id, actor)?;
        }
        set_purposes(conn, before.id, &input.purposes)?;
        let row = get_data_source(conn, code)?;
        let action = if custodian_id == before.custodian_id {
            "DATA_SOURCE_UPDATED"
        } else {
            "DATA_SOURCE_MOVED"
        };
        record(
            conn,
            actor,
            action,
            "data_source",
            code,
            Some(before.audit_json()),
            Some(row.audit_json()),
        )?;
        Ok(row)
    })
}

/// Retires a data source: hidden from lists by default, still fetchable.
pub fn retire_data_source(
    conn: &mut PgConnection,
    code: &str,
    expected_version: i32,
    actor: Actor<'_>,
) -> Result<DataSourceRow, CatalogueError> {
    conn.transaction(|conn| {
        let before = lock_data_source(conn, code, expected_version)?;
        if before.retired_at.is_some() {
            return Ok(before);
        }
        diesel::update(data_sources::table.find(before.id))
            .set((
                data_sources::retired_at.eq(diesel::dsl::now),
                data_sources::version.eq(data_sources::version + 1),
                data_sources::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        let row = get_data_source(conn, code)?;
        record(
            conn,
            actor,
            "DATA_SOURCE_RETIRED",
            "data_source",
            code,
            Some(before.audit_json()),
            Some(row.audit_json()),
        )?;
        Ok(row)
    })
}

// --------------------------------------------------------------- variables

/// A variable with the code and names of its data source.
#[derive(Debug, Clone, QueryableByName)]
#[diesel(table_name = variables)]
pub struct VariableRow {
    pub id: Uuid,
    pub data_source_id: Uuid,
    pub name: String,
    pub label_nb: String,
    pub label_en: String,
    pub description_nb: String,
    pub description_en: String,
    pub value_type: String,
    pub code_list: Option<String>,
    pub period_from: Option<i32>,
    pub period_to: Option<i32>,
    pub identifying: bool,
    pub sensitive: bool,
    pub retired_at: Option<OffsetDateTime>,
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    #[diesel(sql_type = Text)]
    pub source_code: String,
    #[diesel(sql_type = Text)]
    pub source_name_nb: String,
    #[diesel(sql_type = Text)]
    pub source_name_en: String,
    #[diesel(sql_type = Nullable<Float4>)]
    pub rank: Option<f32>,
}

impl VariableRow {
    fn audit_json(&self) -> Value {
        json!({
            "dataSource": self.source_code, "name": self.name, "labelNb": self.label_nb, "labelEn": self.label_en,
            "descriptionNb": self.description_nb, "descriptionEn": self.description_en,
            "valueType": self.value_type, "codeList": self.code_list, "periodFrom": self.period_from,
            "periodTo": self.period_to, "identifying": self.identifying, "sensitive": self.sensitive,
            "retiredAt": self.retired_at.map(rfc3339), "version": self.version,
        })
    }

    fn same_content(&self, input: &VariableInput) -> bool {
        self.label_nb == input.label_nb
            && self.label_en == input.label_en
            && self.description_nb == input.description_nb
            && self.description_en == input.description_en
            && self.value_type == input.value_type
            && self.code_list == input.code_list
            && self.period_from == input.period_from
            && self.period_to == input.period_to
            && self.identifying == input.identifying
            && self.sensitive == input.sensitive
    }
}

/// Filters of the variable list.
#[derive(Debug, Clone, Default)]
pub struct VariableFilter {
    /// Only the variables of this data source (by id).
    pub source: Option<Uuid>,
    pub name: Option<String>,
    pub include_retired: bool,
    pub search: Option<Search>,
}

const VARIABLE_COLUMNS: &str = "v.id, v.data_source_id, v.name, v.label_nb, v.label_en, v.description_nb, \
v.description_en, v.value_type, v.code_list, v.period_from, v.period_to, v.identifying, v.sensitive, \
v.retired_at, v.version, v.created_at, v.updated_at";

/// Variables matching `filter`: per source in name order; across sources in
/// (name, id) order; searches by rank, best first. After `after`, at most `limit`.
///
/// The page is chosen on `variables` alone (so the planner walks one index,
/// or ranks the rows one GIN index scan found) and only the page's rows are
/// joined to their data source. Variables of retired sources are excluded by
/// an id list computed once (`<> ALL (ARRAY(...))`), not by a join.
pub fn list_variables(
    conn: &mut PgConnection,
    filter: &VariableFilter,
    after: Option<&After>,
    limit: i64,
) -> Result<Vec<VariableRow>, StoreError> {
    let mut query = Sql::new(format!(
        "SELECT p.*, ds.code AS source_code, ds.name_nb AS source_name_nb, ds.name_en AS source_name_en \
         FROM (SELECT * FROM (SELECT {VARIABLE_COLUMNS}, "
    ));
    query = match &filter.search {
        Some(search) => query
            .push(format!(
                "ts_rank(v.{}, to_tsquery({}, ",
                search.lang.column(),
                search.lang.config()
            ))
            .bind::<Text, _>(search.tsquery.clone())
            .push("))"),
        None => query.push("NULL::real"),
    };
    query = query.push(" AS rank FROM variables v WHERE true");
    if let Some(search) = &filter.search {
        query = query
            .push(format!(
                " AND v.{} @@ to_tsquery({}, ",
                search.lang.column(),
                search.lang.config()
            ))
            .bind::<Text, _>(search.tsquery.clone())
            .push(")");
    }
    if let Some(source) = filter.source {
        query = query
            .push(" AND v.data_source_id = ")
            .bind::<SqlUuid, _>(source);
        if !filter.include_retired {
            query = query.push(" AND v.retired_at IS NULL");
        }
    } else if !filter.include_retired {
        query = query.push(
            " AND v.retired_at IS NULL AND v.data_source_id <> ALL \
             (ARRAY(SELECT r.id FROM data_sources r WHERE r.retired_at IS NOT NULL))",
        );
    }
    if let Some(name) = &filter.name {
        query = query.push(" AND v.name = ").bind::<Text, _>(name.clone());
    }
    query = query.push(") s");
    let per_source = filter.source.is_some();
    query = match after {
        None => query,
        Some(After::Key(name, _)) if per_source => {
            query.push(" WHERE s.name > ").bind::<Text, _>(name.clone())
        }
        Some(After::Key(name, id)) => query
            .push(" WHERE (s.name, s.id) > (")
            .bind::<Text, _>(name.clone())
            .push(", ")
            .bind::<SqlUuid, _>(id.unwrap_or_default())
            .push(")"),
        Some(After::Ranked(rank, name, id)) => query
            .push(" WHERE (s.rank < ")
            .bind::<Float4, _>(*rank)
            .push(" OR (s.rank = ")
            .bind::<Float4, _>(*rank)
            .push(" AND (s.name, s.id) > (")
            .bind::<Text, _>(name.clone())
            .push(", ")
            .bind::<SqlUuid, _>(id.unwrap_or_default())
            .push(")))"),
    };
    let order = match (&filter.search, per_source) {
        (Some(_), _) => "rank DESC, {t}.name, {t}.id",
        (None, true) => "{t}.name",
        (None, false) => "{t}.name, {t}.id",
    };
    Ok(query
        .push(format!(" ORDER BY {}", order.replace("{t}", "s")))
        .push(" LIMIT ")
        .bind::<BigInt, _>(limit)
        .push(format!(
            ") p JOIN data_sources ds ON ds.id = p.data_source_id ORDER BY {}",
            order.replace("{t}", "p")
        ))
        .query
        .load(conn)?)
}

/// A data source's id by code, for the variable routes (retired sources too).
pub fn source_id(conn: &mut PgConnection, code: &str) -> Result<Uuid, StoreError> {
    Ok(data_sources::table
        .filter(data_sources::code.eq(code))
        .select(data_sources::id)
        .first(conn)?)
}

pub fn get_variable(
    conn: &mut PgConnection,
    source_code: &str,
    name: &str,
) -> Result<VariableRow, StoreError> {
    let source = source_id(conn, source_code)?;
    let filter = VariableFilter {
        source: Some(source),
        name: Some(name.to_owned()),
        include_retired: true,
        search: None,
    };
    list_variables(conn, &filter, None, 1)?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// What an admin sets on a variable.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = variables)]
pub struct VariableInput {
    pub name: String,
    pub label_nb: String,
    pub label_en: String,
    pub description_nb: String,
    pub description_en: String,
    /// INTEGER, DECIMAL, TEXT, CODE, DATE or BOOLEAN (checked by type in the API).
    pub value_type: String,
    pub code_list: Option<String>,
    pub period_from: Option<i32>,
    pub period_to: Option<i32>,
    pub identifying: bool,
    pub sensitive: bool,
}

impl VariableInput {
    fn audit_json(&self, source_code: &str) -> Value {
        json!({
            "dataSource": source_code, "name": self.name, "labelNb": self.label_nb, "labelEn": self.label_en,
            "descriptionNb": self.description_nb, "descriptionEn": self.description_en,
            "valueType": self.value_type, "codeList": self.code_list, "periodFrom": self.period_from,
            "periodTo": self.period_to, "identifying": self.identifying, "sensitive": self.sensitive,
        })
    }
}

/// The rules of one variable (pointers relative to the variable).
pub fn validate_variable(input: &VariableInput) -> Vec<Problem> {
    let mut out = Vec::new();
    rules::check_variable_name("/name", &input.name, &mut out);
    rules::check_text("/labelNb", &input.label_nb, MAX_NAME_LEN, &mut out);
    rules::check_text("/labelEn", &input.label_en, MAX_NAME_LEN, &mut out);
    rules::check_optional_text(
        "/descriptionNb",
        &input.description_nb,
        MAX_TEXT_LEN,
        &mut out,
    );
    rules::check_optional_text(
        "/descriptionEn",
        &input.description_en,
        MAX_TEXT_LEN,
        &mut out,
    );
    if let Some(code_list) = &input.code_list {
        rules::check_text("/codeList", code_list, MAX_NAME_LEN, &mut out);
    }
    if input.value_type == "CODE" && input.code_list.is_none() {
        out.push(Problem::new(
            "/codeList",
            "REQUIRED",
            "a CODE variable names its code list (e.g. ICD-10)",
        ));
    }
    rules::check_period(
        input.period_from,
        input.period_to,
        "/periodFrom",
        "/periodTo",
        &mut out,
    );
    out
}

fn variable_entity(source_code: &str, name: &str) -> String {
    format!("{source_code}/{name}")
}

pub fn create_variable(
    conn: &mut PgConnection,
    source_code: &str,
    input: &VariableInput,
    actor: Actor<'_>,
) -> Result<VariableRow, CatalogueError> {
    let invalid = validate_variable(input);
    conn.transaction(|conn| {
        let source = source_id(conn, source_code)?;
        let exists = variables::table
            .filter(variables::data_source_id.eq(source))
            .filter(variables::name.eq(&input.name))
            .select(variables::id)
            .first::<Uuid>(conn)
            .optional()?;
        let conflicts = if exists.is_some() {
            vec![Problem::new(
                "/name",
                "DUPLICATE",
                format!("{source_code} already has a variable {}", input.name),
            )]
        } else {
            Vec::new()
        };
        verdict(invalid, conflicts)?;
        diesel::insert_into(variables::table)
            .values((variables::data_source_id.eq(source), input))
            .execute(conn)?;
        let row = get_variable(conn, source_code, &input.name)?;
        let entity = variable_entity(source_code, &input.name);
        record(
            conn,
            actor,
            "VARIABLE_CREATED",
            "variable",
            &entity,
            None,
            Some(row.audit_json()),
        )?;
        Ok(row)
    })
}

fn lock_variable(
    conn: &mut PgConnection,
    source_code: &str,
    name: &str,
    expected_version: i32,
) -> Result<VariableRow, CatalogueError> {
    let source = source_id(conn, source_code)?;
    let version: i32 = variables::table
        .filter(variables::data_source_id.eq(source))
        .filter(variables::name.eq(name))
        .select(variables::version)
        .for_update()
        .first(conn)?;
    if version != expected_version {
        return Err(StoreError::StaleVersion.into());
    }
    Ok(get_variable(conn, source_code, name)?)
}

/// Replaces a variable's content (its name, the key, stays).
pub fn update_variable(
    conn: &mut PgConnection,
    source_code: &str,
    expected_version: i32,
    input: &VariableInput,
    actor: Actor<'_>,
) -> Result<VariableRow, CatalogueError> {
    conn.transaction(|conn| {
        let before = lock_variable(conn, source_code, &input.name, expected_version)?;
        verdict(validate_variable(input), Vec::new())?;
        diesel::update(variables::table.find(before.id))
            .set((
                variables::label_nb.eq(&input.label_nb),
                variables::label_en.eq(&input.label_en),
                variables::description_nb.eq(&input.description_nb),
                variables::description_en.eq(&input.description_en),
                variables::value_type.eq(&input.value_type),
                variables::code_list.eq(&input.code_list),
                variables::period_from.eq(input.period_from),
                variables::period_to.eq(input.period_to),
                variables::identifying.eq(input.identifying),
                variables::sensitive.eq(input.sensitive),
                variables::version.eq(variables::version + 1),
                variables::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        let row = get_variable(conn, source_code, &input.name)?;
        let entity = variable_entity(source_code, &input.name);
        record(
            conn,
            actor,
            "VARIABLE_UPDATED",
            "variable",
            &entity,
            Some(before.audit_json()),
            Some(row.audit_json()),
        )?;
        Ok(row)
    })
}

pub fn retire_variable(
    conn: &mut PgConnection,
    source_code: &str,
    name: &str,
    expected_version: i32,
    actor: Actor<'_>,
) -> Result<VariableRow, CatalogueError> {
    conn.transaction(|conn| {
        let before = lock_variable(conn, source_code, name, expected_version)?;
        if before.retired_at.is_some() {
            return Ok(before);
        }
        diesel::update(variables::table.find(before.id))
            .set((
                variables::retired_at.eq(diesel::dsl::now),
                variables::version.eq(variables::version + 1),
                variables::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        let row = get_variable(conn, source_code, name)?;
        let entity = variable_entity(source_code, name);
        record(
            conn,
            actor,
            "VARIABLE_RETIRED",
            "variable",
            &entity,
            Some(before.audit_json()),
            Some(row.audit_json()),
        )?;
        Ok(row)
    })
}

/// What a bulk import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Rows per statement in bulk writes (`PostgreSQL` allows 65,535 bind parameters).
const CHUNK: usize = 1000;

/// Applies a validated import to a data source: every row is upserted by name
/// (new names created, changed ones updated with a new version, identical
/// ones left alone), with one audit event per change, all in one transaction.
/// The caller has validated the rows (`validate_variable`, unique names).
pub fn import_variables(
    conn: &mut PgConnection,
    source_code: &str,
    rows: &[VariableInput],
    actor: Actor<'_>,
) -> Result<ImportReport, CatalogueError> {
    conn.transaction(|conn| {
        let source = source_id(conn, source_code)?;
        // Lock the source row: two imports into one source run one after the other.
        data_sources::table.find(source).select(data_sources::id).for_update().first::<Uuid>(conn)?;
        let filter = VariableFilter {
            source: Some(source),
            include_retired: true,
            ..VariableFilter::default()
        };
        let existing: HashMap<String, VariableRow> = list_variables(conn, &filter, None, i64::MAX)?
            .into_iter()
            .map(|row| (row.name.clone(), row))
            .collect();
        let mut report = ImportReport::default();
        let mut changed: Vec<&VariableInput> = Vec::new();
        let mut events: Vec<(String, &'static str, Option<Value>, Value)> = Vec::new();
        for row in rows {
            match existing.get(&row.name) {
                Some(old) if old.same_content(row) => report.unchanged += 1,
                Some(old) => {
                    report.updated += 1;
                    changed.push(row);
                    events.push((row.name.clone(), "VARIABLE_UPDATED", Some(old.audit_json()), row.audit_json(source_code)));
                }
                None => {
                    report.created += 1;
                    changed.push(row);
                    events.push((row.name.clone(), "VARIABLE_CREATED", None, row.audit_json(source_code)));
                }
            }
        }
        for chunk in changed.chunks(CHUNK) {
            let values: Vec<_> = chunk.iter().map(|row| (variables::data_source_id.eq(source), (*row).clone())).collect();
            diesel::insert_into(variables::table)
                .values(&values)
                .on_conflict((variables::data_source_id, variables::name))
                .do_update()
                .set((
                    variables::label_nb.eq(excluded(variables::label_nb)),
                    variables::label_en.eq(excluded(variables::label_en)),
                    variables::description_nb.eq(excluded(variables::description_nb)),
                    variables::description_en.eq(excluded(variables::description_en)),
                    variables::value_type.eq(excluded(variables::value_type)),
                    variables::code_list.eq(excluded(variables::code_list)),
                    variables::period_from.eq(excluded(variables::period_from)),
                    variables::period_to.eq(excluded(variables::period_to)),
                    variables::identifying.eq(excluded(variables::identifying)),
                    variables::sensitive.eq(excluded(variables::sensitive)),
                    variables::version.eq(variables::version + 1),
                    variables::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)?;
        }
        let entities: Vec<String> = events.iter().map(|(name, ..)| variable_entity(source_code, name)).collect();
        let audit_rows: Vec<NewAuditEvent<'_>> = events
            .iter()
            .zip(&entities)
            .map(|((_, action, before, after), entity)| NewAuditEvent {
                actor: actor.who,
                action,
                entity_type: "variable",
                entity_id: entity,
                before_state: before.clone(),
                after_state: Some(after.clone()),
                request_id: actor.request_id,
            })
            .collect();
        for chunk in audit_rows.chunks(CHUNK) {
            diesel::insert_into(crate::schema::audit_events::table).values(chunk).execute(conn)?;
        }
        record(
            conn,
            actor,
            "VARIABLES_IMPORTED",
            "data_source",
            source_code,
            None,
            Some(json!({"created": report.created, "updated": report.updated, "unchanged": report.unchanged})),
        )?;
        Ok(report)
    })
}

// --------------------------------------------------------- service notices

/// A service notice (driftsmelding).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = service_notices)]
pub struct NoticeRow {
    pub id: Uuid,
    pub severity: String,
    pub title_nb: String,
    pub title_en: String,
    pub body_nb: String,
    pub body_en: String,
    pub valid_from: OffsetDateTime,
    pub valid_to: OffsetDateTime,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

/// What an admin sets on a service notice.
#[derive(Debug, Clone)]
pub struct NoticeInput {
    /// INFO, WARNING or CRITICAL (checked by type in the API).
    pub severity: String,
    pub title_nb: String,
    pub title_en: String,
    pub body_nb: String,
    pub body_en: String,
    pub valid_from: OffsetDateTime,
    pub valid_to: OffsetDateTime,
}

pub fn create_notice(
    conn: &mut PgConnection,
    input: &NoticeInput,
    actor: Actor<'_>,
) -> Result<NoticeRow, CatalogueError> {
    let mut invalid = Vec::new();
    rules::check_text("/titleNb", &input.title_nb, MAX_NAME_LEN, &mut invalid);
    rules::check_text("/titleEn", &input.title_en, MAX_NAME_LEN, &mut invalid);
    rules::check_optional_text("/bodyNb", &input.body_nb, MAX_TEXT_LEN, &mut invalid);
    rules::check_optional_text("/bodyEn", &input.body_en, MAX_TEXT_LEN, &mut invalid);
    rules::check_window(
        input.valid_from.unix_timestamp(),
        input.valid_to.unix_timestamp(),
        "/validFrom",
        &mut invalid,
    );
    verdict(invalid, Vec::new())?;
    conn.transaction(|conn| {
        let row: NoticeRow = diesel::insert_into(service_notices::table)
            .values((
                service_notices::severity.eq(&input.severity),
                service_notices::title_nb.eq(&input.title_nb),
                service_notices::title_en.eq(&input.title_en),
                service_notices::body_nb.eq(&input.body_nb),
                service_notices::body_en.eq(&input.body_en),
                service_notices::valid_from.eq(input.valid_from),
                service_notices::valid_to.eq(input.valid_to),
                service_notices::created_by.eq(actor.who),
            ))
            .returning(NoticeRow::as_returning())
            .get_result(conn)?;
        let after = json!({
            "severity": row.severity, "titleNb": row.title_nb, "titleEn": row.title_en,
            "bodyNb": row.body_nb, "bodyEn": row.body_en,
            "validFrom": rfc3339(row.valid_from), "validTo": rfc3339(row.valid_to),
        });
        record(
            conn,
            actor,
            "SERVICE_NOTICE_CREATED",
            "service_notice",
            &row.id.to_string(),
            None,
            Some(after),
        )?;
        Ok(row)
    })
}

/// The notices valid at `at` (`valid_from <= at < valid_to`), oldest first.
pub fn active_notices(
    conn: &mut PgConnection,
    at: OffsetDateTime,
) -> Result<Vec<NoticeRow>, StoreError> {
    Ok(service_notices::table
        .filter(service_notices::valid_to.gt(at))
        .filter(service_notices::valid_from.le(at))
        .order((service_notices::valid_from, service_notices::id))
        .select(NoticeRow::as_select())
        .load(conn)?)
}
