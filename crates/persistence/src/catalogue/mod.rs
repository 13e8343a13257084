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
//!
//! The files: `search` (the search and page position every list takes, and
//! the SQL builder), one file per aggregate (`purposes`, `custodians`,
//! `data_sources`, `variables`, `notices`) with its rows, reads and writes,
//! and `variable_import` (the bulk import). What every write shares (the
//! error, the verdict over the problems found, the audit record) is here.

mod custodians;
mod data_sources;
mod notices;
mod purposes;
mod search;
mod variable_import;
mod variables;

use diesel::PgConnection;
use hds_domain::catalogue::Problem;
use serde_json::Value;
use time::OffsetDateTime;

pub use custodians::{
    create_custodian, get_custodian, list_custodians, retire_custodian, sources_of,
    update_custodian, validate_custodian, CustodianInput, CustodianRow, SourceRef,
};
pub use data_sources::{
    create_data_source, custodian_history, get_data_source, list_data_sources, retire_data_source,
    update_data_source, validate_data_source, CustodianPeriod, DataSourceInput, DataSourceRow,
    SourceFilter,
};
pub use notices::{active_notices, create_notice, NoticeInput, NoticeRow};
pub use purposes::{list_purposes, PurposeRow};
pub use search::{After, Lang, Search};
pub use variable_import::{import_variables, ImportReport};
pub use variables::{
    create_variable, get_variable, list_variables, retire_variable, source_id, update_variable,
    validate_variable, VariableFilter, VariableInput, VariableRow,
};

use crate::audit::{self, NewAuditEvent};
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
