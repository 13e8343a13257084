//! Variables of a data source: the list with filters and search (per source
//! or across sources), one variable; admin writes.

use diesel::prelude::*;
use diesel::sql_types::{Float4, Nullable, Text, Untyped};
use diesel::PgConnection;
use hds_domain::catalogue::{self as rules, Problem, MAX_NAME_LEN, MAX_TEXT_LEN};
use serde_json::{json, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::schema::{data_sources, variables};
use crate::StoreError;

use super::search::{After, Search};
use super::{record, rfc3339, verdict, Actor, CatalogueError};
use crate::sql::{Bind, Sql};

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
    pub(super) fn audit_json(&self) -> Value {
        json!({
            "dataSource": self.source_code, "name": self.name, "labelNb": self.label_nb, "labelEn": self.label_en,
            "descriptionNb": self.description_nb, "descriptionEn": self.description_en,
            "valueType": self.value_type, "codeList": self.code_list, "periodFrom": self.period_from,
            "periodTo": self.period_to, "identifying": self.identifying, "sensitive": self.sensitive,
            "retiredAt": self.retired_at.map(rfc3339), "version": self.version,
        })
    }

    pub(super) fn same_content(&self, input: &VariableInput) -> bool {
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
///
/// Lists are prepared statements (one per combination of filters); a
/// search is planned for its words every time (the custom plan), because
/// with its words as a parameter PostgreSQL's generic plan evaluates
/// `to_tsquery` once per matching row: 16 ms against 9 ms for a word that
/// matches one variable in five (docs/benchmarks.md).
pub fn list_variables(
    conn: &mut PgConnection,
    filter: &VariableFilter,
    after: Option<&After>,
    limit: i64,
) -> Result<Vec<VariableRow>, StoreError> {
    let mut query = Sql::<Untyped>::new(format!(
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
            .bind(Bind::Text(search.tsquery.clone()))
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
            .bind(Bind::Text(search.tsquery.clone()))
            .push(")");
    }
    if let Some(source) = filter.source {
        query = query
            .push(" AND v.data_source_id = ")
            .bind(Bind::Uuid(source));
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
        query = query.push(" AND v.name = ").bind(Bind::Text(name.clone()));
    }
    query = query.push(") s");
    let per_source = filter.source.is_some();
    query = match after {
        None => query,
        Some(After::Key(name, _)) if per_source => query
            .push(" WHERE s.name > ")
            .bind(Bind::Text(name.clone())),
        Some(After::Key(name, id)) => query
            .push(" WHERE (s.name, s.id) > (")
            .bind(Bind::Text(name.clone()))
            .push(", ")
            .bind(Bind::Uuid(id.unwrap_or_default()))
            .push(")"),
        Some(After::Ranked(rank, name, id)) => query
            .push(" WHERE (s.rank < ")
            .bind(Bind::Real(*rank))
            .push(" OR (s.rank = ")
            .bind(Bind::Real(*rank))
            .push(" AND (s.name, s.id) > (")
            .bind(Bind::Text(name.clone()))
            .push(", ")
            .bind(Bind::Uuid(id.unwrap_or_default()))
            .push(")))"),
    };
    let order = match (&filter.search, per_source) {
        (Some(_), _) => "rank DESC, {t}.name, {t}.id",
        (None, true) => "{t}.name",
        (None, false) => "{t}.name, {t}.id",
    };
    if filter.search.is_some() {
        // planned for its own words each time: a generic plan would parse the
        // query words again for every matching row (docs/benchmarks.md)
        query = query.custom_plan();
    }
    Ok(query
        .push(format!(" ORDER BY {}", order.replace("{t}", "s")))
        .push(" LIMIT ")
        .bind(Bind::BigInt(limit))
        .push(format!(
            ") p JOIN data_sources ds ON ds.id = p.data_source_id ORDER BY {}",
            order.replace("{t}", "p")
        ))
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
    pub(super) fn audit_json(&self, source_code: &str) -> Value {
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

pub(super) fn variable_entity(source_code: &str, name: &str) -> String {
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
