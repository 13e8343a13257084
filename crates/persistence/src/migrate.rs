//! Embedded migrations from the top-level `migrations/` folder.

use diesel::migration::MigrationVersion;
use diesel::PgConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::StoreError;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

fn failed(err: &dyn std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("migration failed: {err}"))
}

/// Applies every pending migration; returns the versions applied.
pub fn run_pending(conn: &mut PgConnection) -> Result<Vec<String>, StoreError> {
    let applied: Vec<MigrationVersion<'_>> = conn
        .run_pending_migrations(MIGRATIONS)
        .map_err(|e| failed(&*e))?;
    Ok(applied.iter().map(ToString::to_string).collect())
}

/// Reverts every applied migration, newest first; returns the versions reverted.
pub fn revert_all(conn: &mut PgConnection) -> Result<Vec<String>, StoreError> {
    let reverted = conn
        .revert_all_migrations(MIGRATIONS)
        .map_err(|e| failed(&*e))?;
    Ok(reverted.iter().map(ToString::to_string).collect())
}

/// Migrations not yet applied.
pub fn pending(conn: &mut PgConnection) -> Result<Vec<String>, StoreError> {
    let pending = conn
        .pending_migrations(MIGRATIONS)
        .map_err(|e| failed(&*e))?;
    Ok(pending.iter().map(|m| m.name().to_string()).collect())
}
