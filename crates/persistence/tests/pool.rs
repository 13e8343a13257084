//! The pool hands out live connections: one whose server process was
//! closed while it sat idle is replaced before the caller sees it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::Integer;
use hds_persistence::db::CHECK_AFTER_IDLE;
use hds_persistence::test_support::TestDatabase;
use hds_persistence::Db;

#[derive(QueryableByName)]
struct Pid {
    #[diesel(sql_type = Integer)]
    pid: i32,
}

fn backend_pid(conn: &mut PgConnection) -> i32 {
    diesel::sql_query("SELECT pg_backend_pid() AS pid")
        .get_result::<Pid>(conn)
        .unwrap()
        .pid
}

#[test]
fn a_connection_closed_by_the_server_while_idle_is_replaced_before_use() {
    let db = TestDatabase::new();
    let pool = Db::connect_lazy(&db.url, 1).unwrap();
    let first = backend_pid(&mut pool.conn().unwrap());

    // the server ends that connection's process while it sits in the pool
    let mut admin = db.connect();
    diesel::sql_query(format!("SELECT pg_terminate_backend({first})"))
        .execute(&mut admin)
        .unwrap();
    std::thread::sleep(CHECK_AFTER_IDLE + Duration::from_millis(50));

    let mut conn = pool.conn().unwrap();
    let second = backend_pid(&mut conn);
    assert_ne!(first, second, "the dead connection was handed out again");
    assert_eq!(
        pool.stats().connections,
        1,
        "the dead one is closed, not kept"
    );
}

#[test]
fn a_live_connection_is_reused() {
    let db = TestDatabase::new();
    let pool = Db::connect_lazy(&db.url, 1).unwrap();
    let first = backend_pid(&mut pool.conn().unwrap());
    std::thread::sleep(CHECK_AFTER_IDLE + Duration::from_millis(50));
    // checked (idle) and kept
    assert_eq!(backend_pid(&mut pool.conn().unwrap()), first);
    // handed out again at once: not checked, the same
    assert_eq!(backend_pid(&mut pool.conn().unwrap()), first);
}
