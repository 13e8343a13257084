//! Embedded migrations from the top-level `migrations/` folder.
//!
//! Migrating takes a PostgreSQL advisory lock on the database first
//! ([`locked`]), so processes that start together (several `hds serve`, a
//! release job's `hds migrate`) migrate once: the first applies what is
//! pending, the others wait for it and then find nothing left to do.

use diesel::migration::MigrationVersion;
use diesel::sql_types::BigInt;
use diesel::{PgConnection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::StoreError;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

/// The advisory lock key of migrations and reference data (`hds_migr`).
pub const MIGRATION_LOCK: i64 = 0x6864_735f_6d69_6772;

fn failed(err: &dyn std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("migration failed: {err}"))
}

/// Runs `work` holding the migration lock (a session-level advisory lock,
/// waited for; released after, whatever `work` returned). Reentrant: a
/// connection that holds it may take it again.
pub fn locked<T>(
    conn: &mut PgConnection,
    work: impl FnOnce(&mut PgConnection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    diesel::sql_query("SELECT pg_advisory_lock($1)")
        .bind::<BigInt, _>(MIGRATION_LOCK)
        .execute(conn)?;
    let result = work(conn);
    let unlocked = diesel::sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<BigInt, _>(MIGRATION_LOCK)
        .execute(conn);
    let value = result?;
    unlocked?;
    Ok(value)
}

/// Applies every pending migration (under the lock); returns the versions applied.
pub fn run_pending(conn: &mut PgConnection) -> Result<Vec<String>, StoreError> {
    locked(conn, |conn| {
        let applied: Vec<MigrationVersion<'_>> = conn
            .run_pending_migrations(MIGRATIONS)
            .map_err(|e| failed(&*e))?;
        Ok(applied.iter().map(ToString::to_string).collect())
    })
}

/// Reverts every applied migration, newest first (under the lock); returns
/// the versions reverted.
pub fn revert_all(conn: &mut PgConnection) -> Result<Vec<String>, StoreError> {
    locked(conn, |conn| {
        let reverted = conn
            .revert_all_migrations(MIGRATIONS)
            .map_err(|e| failed(&*e))?;
        Ok(reverted.iter().map(ToString::to_string).collect())
    })
}

/// Migrations not yet applied.
pub fn pending(conn: &mut PgConnection) -> Result<Vec<String>, StoreError> {
    let pending = conn
        .pending_migrations(MIGRATIONS)
        .map_err(|e| failed(&*e))?;
    Ok(pending.iter().map(|m| m.name().to_string()).collect())
}
