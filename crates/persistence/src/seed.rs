//! Reference data loaded by `make run` (`hds seed`) and into the test template:
//! the purposes, custodians, data sources and variables in `seed/catalogue.json`
//! (each entry cites its public source there; see `seed/SOURCES.md`).
//!
//! Loading is idempotent and insert-only: rows that exist (by code) are left
//! as they are, so changes admins made through the API survive a restart.

use diesel::prelude::*;
use diesel::PgConnection;
use serde::Deserialize;

use crate::schema::{
    custodians, data_source_custodian_history, data_source_purposes, data_sources, purposes,
    variables,
};
use crate::StoreError;

const CATALOGUE: &str = include_str!("../seed/catalogue.json");

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Catalogue {
    service: ServiceContact,
    purposes: Vec<Purpose>,
    custodians: Vec<Custodian>,
    data_sources: Vec<DataSource>,
    variables: Vec<Variable>,
}

/// Helsedataservice itself, as the reference data names it: where applicants
/// write and appeal (seed 004: service@helsedata.no).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceContact {
    pub name: String,
    pub contact_email: String,
    pub website: Option<String>,
}

/// HDS's own name and contact address, from the reference data.
pub fn service_contact() -> Result<ServiceContact, StoreError> {
    let catalogue: Catalogue =
        serde_json::from_str(CATALOGUE).map_err(|e| bad_seed(e.to_string()))?;
    Ok(catalogue.service)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Purpose {
    code: String,
    name_nb: String,
    name_en: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Custodian {
    code: String,
    name: String,
    short_name: String,
    /// `None` for a unit of another organisation (no number of its own).
    orgnr: Option<String>,
    contact_email: Option<String>,
    website: Option<String>,
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "SCREAMING_SNAKE_CASE")]
enum Channel {
    CommonForm,
    ExternalForm { url: String },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DataSource {
    code: String,
    name_nb: String,
    name_en: String,
    kind: String,
    custodian: String,
    description_nb: String,
    description_en: String,
    purposes: Vec<String>,
    data_kinds: Vec<String>,
    decision_authority: String,
    channel: Channel,
    period_from: Option<i32>,
    period_to: Option<i32>,
    processing_notice_nb: Option<String>,
    processing_notice_en: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Variable {
    data_source: String,
    name: String,
    label_nb: String,
    label_en: String,
    description_nb: Option<String>,
    description_en: Option<String>,
    value_type: String,
    code_list: Option<String>,
    period_from: Option<i32>,
    period_to: Option<i32>,
    identifying: bool,
    sensitive: bool,
}

fn bad_seed(message: String) -> StoreError {
    StoreError::Unavailable(format!("reference data: {message}"))
}

/// Loads the reference data that is missing. Idempotent; one transaction.
pub fn load_reference_data(conn: &mut PgConnection) -> Result<(), StoreError> {
    let catalogue: Catalogue =
        serde_json::from_str(CATALOGUE).map_err(|e| bad_seed(e.to_string()))?;
    conn.transaction(|conn| {
        load_purposes(conn, &catalogue.purposes)?;
        load_custodians(conn, &catalogue.custodians)?;
        for source in &catalogue.data_sources {
            load_data_source(conn, source)?;
        }
        for variable in &catalogue.variables {
            load_variable(conn, variable)?;
        }
        crate::fees::seed::load(conn)
    })
}

fn load_purposes(conn: &mut PgConnection, list: &[Purpose]) -> Result<(), StoreError> {
    for (order, p) in list.iter().enumerate() {
        diesel::insert_into(purposes::table)
            .values((
                purposes::code.eq(&p.code),
                purposes::name_nb.eq(&p.name_nb),
                purposes::name_en.eq(&p.name_en),
                purposes::sort_order.eq(i32::try_from(order).unwrap_or(0)),
            ))
            .on_conflict_do_nothing()
            .execute(conn)?;
    }
    Ok(())
}

fn load_custodians(conn: &mut PgConnection, list: &[Custodian]) -> Result<(), StoreError> {
    for c in list {
        if let Some(orgnr) = &c.orgnr {
            hds_domain::identity::Orgnr::parse(orgnr)
                .map_err(|e| bad_seed(format!("custodian {}: {e}", c.code)))?;
        }
        diesel::insert_into(custodians::table)
            .values((
                custodians::code.eq(&c.code),
                custodians::name.eq(&c.name),
                custodians::short_name.eq(&c.short_name),
                custodians::orgnr.eq(&c.orgnr),
                custodians::contact_email.eq(&c.contact_email),
                custodians::website.eq(&c.website),
            ))
            .on_conflict_do_nothing()
            .execute(conn)?;
    }
    Ok(())
}

/// Inserts a data source with its purposes and first custodian period, unless it exists.
fn load_data_source(conn: &mut PgConnection, s: &DataSource) -> Result<(), StoreError> {
    let custodian_id: uuid::Uuid = custodians::table
        .filter(custodians::code.eq(&s.custodian))
        .select(custodians::id)
        .first(conn)
        .map_err(|_| {
            bad_seed(format!(
                "data source {}: unknown custodian {}",
                s.code, s.custodian
            ))
        })?;
    let (channel, url) = match &s.channel {
        Channel::CommonForm => ("COMMON_FORM", None),
        Channel::ExternalForm { url } => ("EXTERNAL_FORM", Some(url.as_str())),
    };
    let inserted: Option<uuid::Uuid> = diesel::insert_into(data_sources::table)
        .values((
            data_sources::code.eq(&s.code),
            data_sources::name_nb.eq(&s.name_nb),
            data_sources::name_en.eq(&s.name_en),
            data_sources::kind.eq(&s.kind),
            data_sources::custodian_id.eq(custodian_id),
            data_sources::description_nb.eq(&s.description_nb),
            data_sources::description_en.eq(&s.description_en),
            data_sources::data_kinds.eq(&s.data_kinds),
            data_sources::decision_authority.eq(&s.decision_authority),
            data_sources::channel.eq(channel),
            data_sources::external_url.eq(url),
            data_sources::period_from.eq(s.period_from),
            data_sources::period_to.eq(s.period_to),
            data_sources::processing_notice_nb.eq(&s.processing_notice_nb),
            data_sources::processing_notice_en.eq(&s.processing_notice_en),
        ))
        .on_conflict_do_nothing()
        .returning(data_sources::id)
        .get_result(conn)
        .optional()?;
    let Some(source_id) = inserted else {
        return Ok(());
    };
    diesel::insert_into(data_source_custodian_history::table)
        .values((
            data_source_custodian_history::data_source_id.eq(source_id),
            data_source_custodian_history::custodian_id.eq(custodian_id),
            data_source_custodian_history::changed_by.eq("system:reference-data"),
        ))
        .execute(conn)?;
    for purpose in &s.purposes {
        diesel::insert_into(data_source_purposes::table)
            .values((
                data_source_purposes::data_source_id.eq(source_id),
                data_source_purposes::purpose_code.eq(purpose),
            ))
            .on_conflict_do_nothing()
            .execute(conn)?;
    }
    Ok(())
}

fn load_variable(conn: &mut PgConnection, v: &Variable) -> Result<(), StoreError> {
    let source_id: uuid::Uuid = data_sources::table
        .filter(data_sources::code.eq(&v.data_source))
        .select(data_sources::id)
        .first(conn)
        .map_err(|_| {
            bad_seed(format!(
                "variable {}: unknown data source {}",
                v.name, v.data_source
            ))
        })?;
    diesel::insert_into(variables::table)
        .values((
            variables::data_source_id.eq(source_id),
            variables::name.eq(&v.name),
            variables::label_nb.eq(&v.label_nb),
            variables::label_en.eq(&v.label_en),
            variables::description_nb.eq(v.description_nb.as_deref().unwrap_or_default()),
            variables::description_en.eq(v.description_en.as_deref().unwrap_or_default()),
            variables::value_type.eq(&v.value_type),
            variables::code_list.eq(&v.code_list),
            variables::period_from.eq(v.period_from),
            variables::period_to.eq(v.period_to),
            variables::identifying.eq(v.identifying),
            variables::sensitive.eq(v.sensitive),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(())
}
