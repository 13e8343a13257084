//! The connection pool.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
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
    /// Callers waiting for a connection right now.
    waiting: Arc<AtomicU64>,
}

/// The pool right now (for metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Open connections, in use or idle.
    pub connections: u32,
    pub idle: u32,
    /// Callers waiting for a connection.
    pub waiting: u64,
}

impl Db {
    /// Builds the pool without waiting for the database: the service starts
    /// (and `/health/ready` answers 503) even while PostgreSQL is down.
    ///
    /// Every connection is checked (`SELECT 1`) as it leaves the pool, and a
    /// dead one is replaced before the caller sees it: after PostgreSQL
    /// restarts, idle connections are all closed, and without the check each
    /// would fail one request.
    pub fn connect_lazy(url: &str, max_size: u32) -> Result<Self, StoreError> {
        let pool = Pool::builder()
            .max_size(max_size)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(5))
            .test_on_check_out(true)
            .build_unchecked(ConnectionManager::new(url));
        Ok(Self {
            pool,
            waiting: Arc::default(),
        })
    }

    /// A connection from the pool; `Unavailable` when none can be had in time.
    pub fn conn(&self) -> Result<DbConn, StoreError> {
        self.waiting.fetch_add(1, Ordering::Relaxed);
        let conn = self.pool.get();
        self.waiting.fetch_sub(1, Ordering::Relaxed);
        conn.map_err(|e| StoreError::Unavailable(e.to_string()))
    }

    /// Checks that the database answers a trivial query.
    pub fn ping(&self) -> Result<(), StoreError> {
        use diesel::RunQueryDsl;
        let mut conn = self.conn()?;
        diesel::sql_query("SELECT 1").execute(&mut conn)?;
        Ok(())
    }

    /// Connections open, idle, and callers waiting.
    pub fn stats(&self) -> PoolStats {
        let state = self.pool.state();
        PoolStats {
            connections: state.connections,
            idle: state.idle_connections,
            waiting: self.waiting.load(Ordering::Relaxed),
        }
    }
}
