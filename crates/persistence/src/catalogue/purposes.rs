//! Purposes (formål) a data source can be used for.

use diesel::prelude::*;
use diesel::PgConnection;

use crate::schema::purposes;
use crate::StoreError;

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
