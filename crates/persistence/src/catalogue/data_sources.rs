//! Data sources (datakilder): the list with filters and search, one source
//! and its custodian history; admin writes, which keep that history.

use diesel::prelude::*;
use diesel::sql_types::{Array, Float4, Int4, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel::PgConnection;
use hds_domain::catalogue::{self as rules, Channel, Problem, MAX_NAME_LEN, MAX_TEXT_LEN};
use serde_json::{json, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::schema::{
    custodians, data_source_custodian_history, data_source_purposes, data_sources, purposes,
};
use crate::StoreError;

use super::search::{After, Search};
use super::{record, rfc3339, verdict, Actor, CatalogueError};
use crate::sql::{Bind, Sql};

/// A data source with its custodian and purposes, as the list and fetch
/// queries return it: the columns of [`SOURCE_COLUMNS`] and the rank, read
/// by position (by name, diesel looks each of the 25 columns up among the
/// row's names: in the catalogue list's profile that was as much as the
/// rest of decoding).
#[derive(Debug, Clone, PartialEq, Queryable)]
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
    pub custodian_code: String,
    pub custodian_name: String,
    pub custodian_short_name: String,
    pub purposes: Vec<String>,
    /// The search rank (`ts_rank`), when the list is a search.
    pub rank: Option<f32>,
}

/// The SQL types of a [`DataSourceRow`], in its order.
type SourceSqlRow = (
    SqlUuid,
    Text,
    Text,
    Text,
    Text,
    SqlUuid,
    Text,
    Text,
    Array<Text>,
    Text,
    Text,
    Nullable<Text>,
    Nullable<Int4>,
    Nullable<Int4>,
    Nullable<Text>,
    Nullable<Text>,
    Nullable<Timestamptz>,
    Int4,
    Timestamptz,
    Timestamptz,
    Text,
    Text,
    Text,
    Array<Text>,
    Nullable<Float4>,
);

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
    let mut query = Sql::<SourceSqlRow>::new(format!("SELECT * FROM (SELECT {SOURCE_COLUMNS}, "));
    query = match &filter.search {
        Some(search) => query
            .push(format!(
                "ts_rank(ds.{}, to_tsquery({}, ",
                search.lang.column(),
                search.lang.config()
            ))
            .bind(Bind::Text(search.tsquery.clone()))
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
            .bind(Bind::Text(search.tsquery.clone()))
            .push(")");
    }
    if !filter.include_retired {
        query = query.push(" AND ds.retired_at IS NULL");
    }
    if let Some(code) = &filter.code {
        query = query.push(" AND ds.code = ").bind(Bind::Text(code.clone()));
    }
    if let Some(custodian) = &filter.custodian {
        query = query
            .push(" AND c.code = ")
            .bind(Bind::Text(custodian.clone()));
    }
    if let Some(kind) = &filter.kind {
        query = query.push(" AND ds.kind = ").bind(Bind::Text(kind.clone()));
    }
    if let Some(purpose) = &filter.purpose {
        query = query
            .push(" AND EXISTS (SELECT 1 FROM data_source_purposes p WHERE p.data_source_id = ds.id AND p.purpose_code = ")
            .bind(Bind::Text(purpose.clone()))
            .push(")");
    }
    if let Some(data_kind) = &filter.data_kind {
        query = query
            .push(" AND ")
            .bind(Bind::Text(data_kind.clone()))
            .push(" = ANY (ds.data_kinds)");
    }
    if let Some(authority) = &filter.decision_authority {
        query = query
            .push(" AND ds.decision_authority = ")
            .bind(Bind::Text(authority.clone()));
    }
    query = query.push(") s");
    query = match after {
        None => query,
        Some(After::Key(code, _)) => query
            .push(" WHERE s.code > ")
            .bind(Bind::Text(code.clone())),
        Some(After::Ranked(rank, code, _)) => query
            .push(" WHERE (s.rank < ")
            .bind(Bind::Real(*rank))
            .push(" OR (s.rank = ")
            .bind(Bind::Real(*rank))
            .push(" AND s.code > ")
            .bind(Bind::Text(code.clone()))
            .push("))"),
    };
    query = if filter.search.is_some() {
        query.push(" ORDER BY s.rank DESC, s.code")
    } else {
        query.push(" ORDER BY s.code")
    };
    Ok(query.push(" LIMIT ").bind(Bind::BigInt(limit)).load(conn)?)
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
