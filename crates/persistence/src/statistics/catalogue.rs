//! The catalogue as published for harvesting (DCAT-AP-NO / HealthDCAT-AP):
//! every data source in service with its custodian (publisher and contact
//! point) and its purposes, in one query.

use diesel::prelude::*;
use diesel::sql_types::{Array, Int4, Nullable, Text, Timestamptz};
use diesel::PgConnection;
use time::OffsetDateTime;

use crate::error::StoreError;

/// A data source with its custodian, as published.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct PublishedSource {
    #[diesel(sql_type = Text)]
    pub code: String,
    #[diesel(sql_type = Text)]
    pub name_nb: String,
    #[diesel(sql_type = Text)]
    pub name_en: String,
    #[diesel(sql_type = Text)]
    pub description_nb: String,
    #[diesel(sql_type = Text)]
    pub description_en: String,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Array<Text>)]
    pub data_kinds: Vec<String>,
    #[diesel(sql_type = Text)]
    pub decision_authority: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub external_url: Option<String>,
    #[diesel(sql_type = Nullable<Int4>)]
    pub period_from: Option<i32>,
    #[diesel(sql_type = Nullable<Int4>)]
    pub period_to: Option<i32>,
    #[diesel(sql_type = Array<Text>)]
    pub purposes: Vec<String>,
    #[diesel(sql_type = Timestamptz)]
    pub updated_at: OffsetDateTime,
    #[diesel(sql_type = Text)]
    pub custodian_code: String,
    #[diesel(sql_type = Text)]
    pub custodian_name: String,
    /// None for a custodian that is a unit of another organisation
    /// (Kreftregisteret within FHI) and has no organisation number of its own.
    #[diesel(sql_type = Nullable<Text>)]
    pub custodian_orgnr: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub custodian_email: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub custodian_website: Option<String>,
}

const SOURCES: &str = "
SELECT ds.code, ds.name_nb, ds.name_en, ds.description_nb, ds.description_en, ds.kind,
       ds.data_kinds, ds.decision_authority, ds.external_url, ds.period_from, ds.period_to,
       COALESCE((SELECT array_agg(p.purpose_code ORDER BY p.purpose_code)
                   FROM data_source_purposes p WHERE p.data_source_id = ds.id), '{}') AS purposes,
       GREATEST(ds.updated_at, cu.updated_at) AS updated_at,
       cu.code AS custodian_code, cu.name AS custodian_name, cu.orgnr AS custodian_orgnr,
       cu.contact_email AS custodian_email, cu.website AS custodian_website
  FROM data_sources ds JOIN custodians cu ON cu.id = ds.custodian_id
 WHERE ds.retired_at IS NULL
 ORDER BY ds.code";

/// Every data source in service, by code, with its custodian.
///
/// # Errors
/// A database error.
pub fn published_sources(conn: &mut PgConnection) -> Result<Vec<PublishedSource>, StoreError> {
    Ok(diesel::sql_query(SOURCES).load(conn)?)
}
