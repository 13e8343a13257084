//! The connection pool.

use std::time::Duration;

use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};
use diesel::PgConnection;

use crate::StoreError;

/// A pooled connection, as repositories take it.
pub type DbConn = PooledConnection<ConnectionManager<PgConnection>>;

/// The database: an r2d2 pool of PostgreSQL connections. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool<ConnectionManager<PgConnection>>,
}

impl Db {
    /// Builds the pool without waiting for the database: the service starts
    /// (and `/health/ready` answers 503) even while PostgreSQL is down.
    pub fn connect_lazy(url: &str, max_size: u32) -> Result<Self, StoreError> {
        let pool = Pool::builder()
            .max_size(max_size)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(5))
            .test_on_check_out(false)
            .build_unchecked(ConnectionManager::new(url));
        Ok(Self { pool })
    }

    /// A connection from the pool; `Unavailable` when none can be had in time.
    pub fn conn(&self) -> Result<DbConn, StoreError> {
        self.pool
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))
    }

    /// Checks that the database answers a trivial query.
    pub fn ping(&self) -> Result<(), StoreError> {
        use diesel::RunQueryDsl;
        let mut conn = self.conn()?;
        diesel::sql_query("SELECT 1").execute(&mut conn)?;
        Ok(())
    }
}
