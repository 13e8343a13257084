//! A read of every case (row by row) and reads by case id give the same
//! histories, with each code held once; a change reads only its case again
//! (or, with many changes, every case) and shares the other histories with
//! the previous read.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Mutex;

use diesel::connection::SimpleConnection;

use super::*;
use crate::test_support::TestDatabase;

/// The tests of [`load_all`] share its cache: one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// `cases` cases as the reporting benchmark seeds them
/// (`scripts/bench-seed.sql` and `scripts/bench-reporting-seed.sql`, two
/// sources each, decided, most delivered), without psql's meta-commands,
/// and some postponements and appeals on top.
fn seed(conn: &mut PgConnection, cases: usize) {
    for script in [
        include_str!("../../../../../scripts/bench-seed.sql"),
        include_str!("../../../../../scripts/bench-reporting-seed.sql"),
    ] {
        let sql = script
            .lines()
            .filter(|l| !l.trim_start().starts_with('\\'))
            .collect::<Vec<_>>()
            .join("\n")
            .replace(":first", "1")
            .replace(":cases", &cases.to_string());
        conn.batch_execute(&sql).unwrap();
    }
    conn.batch_execute(
        "INSERT INTO case_events (case_id, kind, occurred_at, actor, visible_to_applicant,
                                  status_before, status_after, data)
         SELECT id, 'POSTPONED', received_at + interval '3 days', 'test', true,
                'UNDER_REVIEW', 'UNDER_REVIEW', '{}'
           FROM cases ORDER BY id LIMIT 3;
         INSERT INTO case_events (case_id, kind, occurred_at, actor, visible_to_applicant,
                                  status_before, status_after, data)
         SELECT id, 'APPEALED', received_at + interval '30 days', 'test', true,
                'DECIDED', 'APPEALED', '{\"against\": \"DECISION\"}'
           FROM cases ORDER BY id OFFSET 2 LIMIT 3;
         INSERT INTO case_events (case_id, kind, occurred_at, actor, visible_to_applicant,
                                  status_before, status_after, data)
         SELECT id, 'APPEAL_UPHELD', received_at + interval '35 days', 'test', true,
                'APPEALED', 'FORWARDED_TO_APPEALS_BODY', '{}'
           FROM cases ORDER BY id OFFSET 3 LIMIT 1;",
    )
    .unwrap();
}

/// A postponement of case `id` today: a change to its history.
fn postpone(conn: &mut PgConnection, id: Uuid) {
    conn.batch_execute(&format!(
        "INSERT INTO case_events (case_id, kind, occurred_at, actor, visible_to_applicant,
                                  status_before, status_after, data)
         SELECT id, 'POSTPONED', now(), 'test', true, status, status, '{{}}'
           FROM cases WHERE id = '{id}'"
    ))
    .unwrap();
}

fn case_ids(conn: &mut PgConnection) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = case_history_versions::table
        .select(case_history_versions::case_id)
        .load(conn)
        .unwrap();
    ids.sort_unstable();
    ids
}

/// Every history in one read, by case id.
fn one_read(conn: &mut PgConnection) -> Vec<(Uuid, Arc<CaseHistory>)> {
    let mut read = read_histories(conn, None, 0, &mut Codes::default()).unwrap();
    read.sort_unstable_by_key(|(id, _)| *id);
    read
}

#[test]
fn a_read_of_every_case_and_reads_by_id_agree() {
    let db = TestDatabase::new();
    let conn = &mut db.connect();
    seed(conn, 7);
    let ids = case_ids(conn);
    assert_eq!(ids.len(), 7);
    let whole = one_read(conn);
    assert_eq!(whole.iter().map(|(id, _)| *id).collect::<Vec<_>>(), ids);
    // what the comparison covers: every kind of list filled somewhere
    let some = |f: &dyn Fn(&CaseHistory) -> bool| whole.iter().any(|(_, h)| f(h));
    assert!(some(
        &|h| h.sources.len() == 2 && h.sources[0].decisions.len() == 1
    ));
    assert!(some(&|h| h.sources.iter().any(|s| s.delivery.is_some())));
    assert!(some(&|h| h.deadlines.len() == 1 && h.states.len() >= 3));
    assert!(some(&|h| !h.postponed_on.is_empty()));
    assert!(some(&|h| h.appeals.iter().any(|a| a.resolved.is_some())));

    // every list exactly as long as it is: no room kept for more
    for (_, h) in &whole {
        let exact = |len: usize, capacity: usize| len == capacity;
        assert!(exact(h.sources.len(), h.sources.capacity()));
        assert!(h
            .sources
            .iter()
            .all(|s| exact(s.decisions.len(), s.decisions.capacity())));
        assert!(exact(h.states.len(), h.states.capacity()));
        assert!(exact(h.deadlines.len(), h.deadlines.capacity()));
        assert!(exact(h.postponed_on.len(), h.postponed_on.capacity()));
        assert!(exact(h.appeals.len(), h.appeals.capacity()));
    }

    let mut by_ids = read_histories(conn, Some(&ids), 0, &mut Codes::default()).unwrap();
    by_ids.sort_unstable_by_key(|(id, _)| *id);
    assert_eq!(by_ids, whole, "all ids at once");
    let mut codes = Codes::default();
    let one_by_one: Vec<(Uuid, Arc<CaseHistory>)> = ids
        .iter()
        .flat_map(|id| read_histories(conn, Some(&[*id]), 0, &mut codes).unwrap())
        .collect();
    assert_eq!(one_by_one, whole, "one id at a time");
    // a case asked for that has no row is left out
    let read = read_histories(conn, Some(&[Uuid::nil(), ids[2]]), 0, &mut codes).unwrap();
    assert_eq!(read, vec![whole[2].clone()]);
}

#[test]
fn each_code_is_held_once() {
    let db = TestDatabase::new();
    let conn = &mut db.connect();
    seed(conn, 5);
    let mut codes = Codes::default();
    let mut read = read_histories(conn, None, 0, &mut codes).unwrap();
    // and once more across reads through the same codes
    let two = &case_ids(conn)[..2];
    read.extend(read_histories(conn, Some(two), 0, &mut codes).unwrap());
    let held = |pick: fn(&SourceHistory) -> &str, code: &str| -> Vec<*const u8> {
        read.iter()
            .flat_map(|(_, h)| h.sources.iter())
            .map(pick)
            .filter(|c| *c == code)
            .map(str::as_ptr)
            .collect()
    };
    let mfr = held(|s| s.data_source.as_str(), "MFR");
    assert_eq!(mfr.len(), 7, "every seeded case asks for MFR");
    assert!(mfr.iter().all(|m| *m == mfr[0]), "one MFR");
    let fhi = held(|s| s.custodian.as_str(), "FHI");
    assert!(fhi.len() >= 7);
    assert!(fhi.iter().all(|f| *f == fhi[0]), "one FHI");
}

#[test]
fn a_change_reads_its_case_again_and_shares_the_others() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let db = TestDatabase::new();
    let conn = &mut db.connect();
    seed(conn, 4);
    let first = load_all(conn).unwrap();
    assert_eq!(first.len(), 4);
    let again = load_all(conn).unwrap();
    assert!(
        Arc::ptr_eq(&first, &again),
        "nothing changed: the same list"
    );

    let ids = case_ids(conn);
    let changed = ids[1];
    postpone(conn, changed);
    let after = load_all(conn).unwrap();
    assert!(!Arc::ptr_eq(&first, &after));
    let whole = one_read(conn);
    for (i, ((id, fresh), (old, new))) in
        whole.iter().zip(first.iter().zip(after.iter())).enumerate()
    {
        assert_eq!(new, fresh, "case {i} as read anew");
        if *id == changed {
            assert!(!Arc::ptr_eq(old, new), "the changed case is read again");
            assert_eq!(new.postponed_on.len(), old.postponed_on.len() + 1);
        } else {
            assert!(Arc::ptr_eq(old, new), "case {i} is shared, not read again");
        }
    }
}

#[test]
fn many_changes_are_read_in_one_pass_over_every_case() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let db = TestDatabase::new();
    let conn = &mut db.connect();
    seed(conn, 5);
    let first = load_all(conn).unwrap();
    let ids = case_ids(conn);
    postpone(conn, ids[0]);
    postpone(conn, ids[3]);
    let cached = CACHE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
        .unwrap();
    let mark: Mark = diesel::sql_query(MARK).get_result(conn).unwrap();
    let mut now: Vec<(Uuid, i64)> = case_history_versions::table
        .select((
            case_history_versions::case_id,
            case_history_versions::version,
        ))
        .load(conn)
        .unwrap();
    now.sort_unstable();
    // more than 1 changed: every case is read, the unchanged ones kept
    let fresh = refresh(conn, Some(&cached), mark, now, 1).unwrap();
    let whole = one_read(conn);
    assert_eq!(fresh.versions.len(), 5);
    for (i, (id, h)) in whole.iter().enumerate() {
        assert_eq!(fresh.histories[i], *h);
        let shared = Arc::ptr_eq(&fresh.histories[i], &first[i]);
        assert_eq!(shared, *id != ids[0] && *id != ids[3], "case {i}");
    }
}
