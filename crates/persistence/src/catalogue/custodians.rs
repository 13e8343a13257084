//! Custodians (registerforvaltere): reads, and admin writes.

use diesel::prelude::*;
use diesel::PgConnection;
use hds_domain::catalogue::{self as rules, Problem, MAX_NAME_LEN};
use serde_json::{json, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::schema::{custodians, data_sources};
use crate::StoreError;

use super::{record, rfc3339, verdict, Actor, CatalogueError};

/// A custodian (registerforvalter).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = custodians)]
pub struct CustodianRow {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub short_name: String,
    /// `None` for a unit of another organisation (e.g. Kreftregisteret in
    /// FHI): its staff act as persons, no Maskinporten token names it.
    pub orgnr: Option<String>,
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
    /// `None`: no organisation number of its own.
    pub orgnr: Option<String>,
    pub contact_email: Option<String>,
    pub website: Option<String>,
}

pub fn validate_custodian(input: &CustodianInput) -> Vec<Problem> {
    let mut out = Vec::new();
    rules::check_text("/name", &input.name, MAX_NAME_LEN, &mut out);
    rules::check_text("/shortName", &input.short_name, 60, &mut out);
    if let Some(orgnr) = &input.orgnr {
        rules::check_orgnr("/orgnr", orgnr, &mut out);
    }
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
    orgnr: Option<&str>,
    other_than: Option<Uuid>,
) -> Result<bool, StoreError> {
    let Some(orgnr) = orgnr else {
        return Ok(false);
    };
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
        if orgnr_taken(conn, input.orgnr.as_deref(), None)? {
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
        if orgnr_taken(conn, input.orgnr.as_deref(), Some(before.id))? {
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
