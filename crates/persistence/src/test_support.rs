//! A database of its own for every test (crates.io's `TestDatabase` pattern).
//!
//! The first test to need it migrates and seeds a template database; every
//! test then gets `CREATE DATABASE ... TEMPLATE hds_template`, dropped
//! `WITH (FORCE)` when the test ends. Tests run in parallel, in threads or in
//! processes (nextest), with no shared state. `make test` drops the template
//! first so it always reflects the current migrations and reference data.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool};

/// The template's name: `HDS_TEST_TEMPLATE`, default `hds_template`. Test
/// databases are named `t_<template>_<uuid>`, so checkouts that use different
/// templates on one cluster never touch each other's databases.
fn template() -> String {
    std::env::var("HDS_TEST_TEMPLATE").unwrap_or_else(|_| "hds_template".to_owned())
}
/// The lock that serialises template creation and copying across processes.
const TEMPLATE_LOCK: i64 = 0x6864_735f_746d_706c;

/// The maintenance database of the test cluster.
pub fn admin_url() -> String {
    std::env::var("HDS_TEST_ADMIN_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".to_owned())
}

fn url_for(database: &str) -> String {
    let admin = admin_url();
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    format!("{base}/{database}")
}

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = Bool)]
    exists: bool,
}

/// A fresh, migrated and seeded database, dropped when this value is dropped.
pub struct TestDatabase {
    pub url: String,
    name: String,
}

impl TestDatabase {
    pub fn new() -> Self {
        let name = format!("t_{}_{}", template(), uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(&admin_url()).unwrap_or_else(|e| {
            panic!(
                "cannot reach the test PostgreSQL at {} ({e}); run `make test`, or `scripts/db.sh start` first",
                admin_url()
            )
        });
        diesel::sql_query(format!("SELECT pg_advisory_lock({TEMPLATE_LOCK})"))
            .execute(&mut admin)
            .expect("lock the template");
        ensure_template(&mut admin);
        diesel::sql_query(format!(
            "CREATE DATABASE {name} TEMPLATE {} STRATEGY = FILE_COPY",
            template()
        ))
        .execute(&mut admin)
        .expect("create test database");
        diesel::sql_query(format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK})"))
            .execute(&mut admin)
            .expect("unlock");
        Self {
            url: url_for(&name),
            name,
        }
    }

    /// An empty database (no migrations), for testing migrations themselves.
    pub fn empty() -> Self {
        let name = format!("t_{}_{}", template(), uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(&admin_url()).expect("connect admin");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("create empty database");
        Self {
            url: url_for(&name),
            name,
        }
    }

    /// A plain connection to this test's database.
    pub fn connect(&self) -> PgConnection {
        PgConnection::establish(&self.url).expect("connect to test database")
    }
}

impl Default for TestDatabase {
    fn default() -> Self {
        Self::new()
    }
}

fn ensure_template(admin: &mut PgConnection) {
    let template = template();
    let exists = diesel::sql_query(format!(
        "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{template}') AS exists"
    ))
    .get_result::<Exists>(admin)
    .expect("query pg_database")
    .exists;
    if !exists {
        diesel::sql_query(format!("CREATE DATABASE {template}"))
            .execute(admin)
            .expect("create template");
    }
    let mut conn = PgConnection::establish(&url_for(&template)).expect("connect to template");
    let applied = crate::migrate::run_pending(&mut conn).expect("migrate template");
    if !exists || !applied.is_empty() {
        crate::seed::load_reference_data(&mut conn).expect("seed template");
    }
}

/// Drops the template so that the next test rebuilds it (called by `make test`).
pub fn drop_template() {
    let mut admin = PgConnection::establish(&admin_url()).expect("connect admin");
    diesel::sql_query(format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        template()
    ))
    .execute(&mut admin)
    .expect("drop template");
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if std::env::var_os("HDS_KEEP_TEST_DB").is_some() {
            eprintln!("keeping test database {}", self.name);
            return;
        }
        if let Ok(mut admin) = PgConnection::establish(&admin_url()) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}

#[derive(QueryableByName)]
pub struct Count {
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

/// Counts the rows of a table (for "the database is unchanged" assertions).
pub fn count_rows(conn: &mut PgConnection, table: &str) -> i64 {
    diesel::sql_query(format!("SELECT count(*) AS count FROM {table}"))
        .get_result::<Count>(conn)
        .expect("count rows")
        .count
}
