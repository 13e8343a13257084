//! Reference data loaded by `make run` (`hds seed`) and into the test template.

use diesel::PgConnection;

use crate::StoreError;

/// Loads (or refreshes) the reference data. Idempotent.
pub fn load_reference_data(_conn: &mut PgConnection) -> Result<(), StoreError> {
    Ok(())
}
