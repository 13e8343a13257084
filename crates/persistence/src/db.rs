//! The connection pool.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::connection::{Connection, InstrumentationEvent};
use diesel::r2d2::{
    self, ConnectionManager, ManageConnection, Pool, PooledConnection, R2D2Connection,
};
use diesel::PgConnection;

use crate::StoreError;

/// A pooled connection, as repositories take it.
pub type DbConn = PooledConnection<Manager>;

/// A connection that has not been handed out for this long is checked
/// (`SELECT 1`) before a caller gets it; one handed out more recently is
/// not (see [`Db::connect_lazy`]).
pub const CHECK_AFTER_IDLE: Duration = Duration::from_millis(100);

/// The database: an r2d2 pool of PostgreSQL connections. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool<Manager>,
    /// Callers waiting for a connection right now.
    waiting: Arc<AtomicU64>,
    /// Statements sent by the pool's connections (see [`PoolStats`]).
    statements: Arc<AtomicU64>,
}

/// The pool right now (for metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Open connections, in use or idle.
    pub connections: u32,
    pub idle: u32,
    /// Callers waiting for a connection.
    pub waiting: u64,
    /// Statements sent since the pool was built, by every connection it
    /// made (`BEGIN` and `COMMIT` included, the checks of idle connections
    /// not): round trips to PostgreSQL, which `make bench-api` and the
    /// tests hold requests to.
    pub statements: u64,
}

impl Db {
    /// Builds the pool without waiting for the database: the service starts
    /// (and `/health/ready` answers 503) even while PostgreSQL is down.
    ///
    /// A connection idle for [`CHECK_AFTER_IDLE`] or longer is checked
    /// (`SELECT 1`) as it leaves the pool, as is one never handed out before
    /// or one whose last work failed, and a dead one is replaced before
    /// the caller sees it: after PostgreSQL restarts, idle connections are
    /// all closed, and without the check each would fail one request. A
    /// connection handed out less than that ago is not checked: under load
    /// every connection is, and the check would be one more round trip per
    /// request (issue 16: it cost the catalogue list and the task poll a
    /// second statement). For such a connection to be dead, PostgreSQL would
    /// have to have closed it since, in under 100 ms (a restart takes longer:
    /// a shutdown checkpoint, a start); a request in flight at that moment
    /// fails with or without the check.
    pub fn connect_lazy(url: &str, max_size: u32) -> Result<Self, StoreError> {
        let statements = Arc::<AtomicU64>::default();
        let pool = Pool::builder()
            .max_size(max_size)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(5))
            .test_on_check_out(false)
            .build_unchecked(Manager {
                connections: ConnectionManager::new(url),
                statements: statements.clone(),
            });
        Ok(Self {
            pool,
            waiting: Arc::default(),
            statements,
        })
    }

    /// A connection from the pool; `Unavailable` when none can be had in time.
    pub fn conn(&self) -> Result<DbConn, StoreError> {
        self.waiting.fetch_add(1, Ordering::Relaxed);
        let conn = self.live_conn();
        self.waiting.fetch_sub(1, Ordering::Relaxed);
        conn
    }

    /// A connection from the pool, checked first when it has been idle for
    /// [`CHECK_AFTER_IDLE`]; a dead one is dropped and the next one taken
    /// (at most once per connection the pool can hold, then a new one).
    fn live_conn(&self) -> Result<DbConn, StoreError> {
        let mut last_error = String::from("no live connection");
        for _ in 0..=self.pool.max_size() {
            let mut conn = self
                .pool
                .get()
                .map_err(|e| StoreError::Unavailable(e.to_string()))?;
            if !handed_out_after_idle(&mut conn) {
                return Ok(conn);
            }
            match uncounted(|| conn.ping()) {
                Ok(()) => return Ok(conn),
                Err(e) => {
                    last_error = e.to_string();
                    discard(conn);
                }
            }
        }
        Err(StoreError::Unavailable(last_error))
    }

    /// Checks that the database answers a trivial query.
    pub fn ping(&self) -> Result<(), StoreError> {
        use diesel::RunQueryDsl;
        let mut conn = self.conn()?;
        let result = diesel::sql_query("SELECT 1").execute(&mut conn);
        check_next_time_if_failed(&mut conn, &result);
        result?;
        Ok(())
    }

    /// Connections open, idle, and callers waiting.
    pub fn stats(&self) -> PoolStats {
        let state = self.pool.state();
        PoolStats {
            connections: state.connections,
            idle: state.idle_connections,
            waiting: self.waiting.load(Ordering::Relaxed),
            statements: self.statements.load(Ordering::Relaxed),
        }
    }
}

/// When a connection was last handed out (kept with the connection in the pool).
struct HandedOut(Instant);

/// Notes that `conn` is handed out now; true when it must be checked first:
/// it was last handed out [`CHECK_AFTER_IDLE`] ago or longer, or never (the
/// pool may have connected it in the background long ago, before a
/// restart), or work on it failed since ([`check_next_time_if_failed`]).
fn handed_out_after_idle(conn: &mut DbConn) -> bool {
    let now = Instant::now();
    let extensions = PooledConnection::extensions_mut(conn);
    if let Some(last) = extensions.get_mut::<HandedOut>() {
        let idle = now.duration_since(last.0) >= CHECK_AFTER_IDLE;
        last.0 = now;
        idle
    } else {
        extensions.insert(HandedOut(now));
        true
    }
}

/// When `result` (of work on `conn`) is an error, the connection is checked
/// the next time it is handed out, however soon: the error may have been
/// the connection's (PostgreSQL closed it), and without a check the next
/// caller would get the dead connection. Call it before dropping `conn`.
pub fn check_next_time_if_failed<T, E>(conn: &mut DbConn, result: &Result<T, E>) {
    if result.is_err() {
        PooledConnection::extensions_mut(conn).remove::<HandedOut>();
    }
}

thread_local! {
    /// Set while [`discard`] drops a connection: the pool then closes it.
    static DISCARDING: Cell<bool> = const { Cell::new(false) };
    /// Set while a connection is checked: its `SELECT 1` is not counted.
    static CHECKING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `check` without counting its statements.
fn uncounted<T>(check: impl FnOnce() -> T) -> T {
    CHECKING.with(|c| c.set(true));
    let result = check();
    CHECKING.with(|c| c.set(false));
    result
}

/// Closes a dead connection instead of returning it to the pool (r2d2 asks
/// [`Manager::has_broken`] in the drop, on this thread).
fn discard(conn: DbConn) {
    DISCARDING.with(|d| d.set(true));
    drop(conn);
    DISCARDING.with(|d| d.set(false));
}

/// diesel's connection manager, plus: a connection [`discard`]ed is closed,
/// and every connection counts the statements it sends.
#[derive(Debug)]
pub struct Manager {
    connections: ConnectionManager<PgConnection>,
    statements: Arc<AtomicU64>,
}

impl ManageConnection for Manager {
    type Connection = PgConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<PgConnection, r2d2::Error> {
        let mut conn = self.connections.connect()?;
        let statements = self.statements.clone();
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if matches!(event, InstrumentationEvent::StartQuery { .. }) && !CHECKING.with(Cell::get)
            {
                statements.fetch_add(1, Ordering::Relaxed);
            }
        });
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut PgConnection) -> Result<(), r2d2::Error> {
        uncounted(|| self.connections.is_valid(conn))
    }

    fn has_broken(&self, conn: &mut PgConnection) -> bool {
        DISCARDING.with(Cell::get) || self.connections.has_broken(conn)
    }
}
