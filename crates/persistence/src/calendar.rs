//! The working-day calendar's data: extra closure days.

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel::PgConnection;
use time::Date;

use crate::schema::closure_days;
use crate::StoreError;

/// A day the office is closed besides weekends and public holidays.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = closure_days)]
pub struct ClosureDay {
    pub day: Date,
    pub reason: String,
}

/// All closure days (a handful a year; deadlines need them all).
pub fn closure_days(conn: &mut PgConnection) -> Result<Vec<ClosureDay>, StoreError> {
    Ok(closure_days::table
        .order(closure_days::day.asc())
        .select(ClosureDay::as_select())
        .load(conn)?)
}

/// The closure days as the domain calendar takes them.
pub fn closure_day_set(conn: &mut PgConnection) -> Result<BTreeSet<Date>, StoreError> {
    Ok(closure_days(conn)?.into_iter().map(|c| c.day).collect())
}
