//! What the expected dates of one case need besides the histories: the
//! case (by its id, its application, or a custodian's task) and its
//! statutory deadline. Each lookup is `NotFound` for a case the caller may
//! not see, so that another's case is a 404.

use diesel::prelude::*;
use diesel::PgConnection;
use time::Date;
use uuid::Uuid;

use crate::error::StoreError;
use crate::schema::{case_sources, cases, custodian_tasks};

/// The case an estimate is for.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = cases)]
pub struct CaseFacts {
    pub id: Uuid,
    pub case_number: String,
    pub status: String,
    /// The statutory deadline in force (lovpålagt frist), once complete.
    pub statutory_deadline: Option<Date>,
    /// The date a postponement (foreløpig svar) said to expect the decision.
    pub postponement_expected_on: Option<Date>,
}

/// The case by its id.
///
/// # Errors
/// `NotFound`, or a database error.
pub fn by_case(conn: &mut PgConnection, case_id: Uuid) -> Result<CaseFacts, StoreError> {
    Ok(cases::table
        .find(case_id)
        .select(CaseFacts::as_select())
        .first(conn)?)
}

/// The case a submitted application became (the caller's access to the
/// application is checked before).
///
/// # Errors
/// `NotFound` (not submitted), or a database error.
pub fn by_application(
    conn: &mut PgConnection,
    application_id: Uuid,
) -> Result<CaseFacts, StoreError> {
    Ok(cases::table
        .filter(cases::application_id.eq(application_id))
        .select(CaseFacts::as_select())
        .first(conn)?)
}

/// The case of a custodian's task and the task's data source code.
///
/// # Errors
/// `NotFound` when the task is not the custodian's, or a database error.
pub fn by_task(
    conn: &mut PgConnection,
    custodian_id: Uuid,
    task_id: Uuid,
) -> Result<(CaseFacts, String), StoreError> {
    let (case_id, source_id): (Uuid, Uuid) = custodian_tasks::table
        .filter(custodian_tasks::id.eq(task_id))
        .filter(custodian_tasks::custodian_id.eq(custodian_id))
        .select((custodian_tasks::case_id, custodian_tasks::data_source_id))
        .first(conn)?;
    let code: String = case_sources::table
        .find((case_id, source_id))
        .select(case_sources::data_source_code)
        .first(conn)?;
    Ok((by_case(conn, case_id)?, code))
}
