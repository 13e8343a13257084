//! The feed's promise: a reader that keeps its sequence never misses or
//! reorders an event, however many writers append at once; a custodian's
//! page holds only its own events.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use diesel::Connection;
use hds_persistence::feed::{self, NewFeedEvent, PageReader, Reader};
use hds_persistence::test_support::TestDatabase;
use serde_json::json;

#[test]
fn concurrent_writers_and_a_following_reader_see_every_event_once_in_order() {
    let db = TestDatabase::new();
    let writers: i64 = 4;
    let per_writer: i64 = 60;
    let done = Arc::new(AtomicBool::new(false));

    let reader_url = db.url.clone();
    let reader_done = done.clone();
    let reader = std::thread::spawn(move || {
        let mut conn = diesel::PgConnection::establish(&reader_url).unwrap();
        let mut after = 0;
        let mut seen = Vec::new();
        loop {
            let finished = reader_done.load(Ordering::SeqCst);
            // as GET /events reads: one statement, and a page that is not
            // full moves `after` up to the counter it was read with
            let page = feed::page(&mut conn, PageReader::Everything, after, 7)
                .unwrap()
                .unwrap();
            for event in &page.events {
                seen.push((
                    event.sequence,
                    event.data["writer"].as_i64().unwrap(),
                    event.data["n"].as_i64().unwrap(),
                ));
            }
            let last_item = page.events.last().map_or(after, |e| e.sequence);
            after = if page.events.len() == 7 {
                last_item
            } else {
                last_item.max(page.last)
            };
            if finished && page.events.is_empty() {
                return seen;
            }
        }
    });

    let handles: Vec<_> = (0..writers)
        .map(|w| {
            let url = db.url.clone();
            std::thread::spawn(move || {
                let mut conn = diesel::PgConnection::establish(&url).unwrap();
                for n in 0..per_writer {
                    conn.transaction::<_, hds_persistence::StoreError, _>(|c| {
                        feed::append(
                            c,
                            &NewFeedEvent {
                                event_type: "no.helsedata.test.appended",
                                source: "/test",
                                subject: None,
                                data: json!({"writer": w, "n": n}),
                                custodian_id: None,
                                case_id: None,
                            },
                        )?;
                        // a rolled-back append must leave no gap and no event
                        if n % 10 == 9 {
                            feed::append(
                                c,
                                &NewFeedEvent {
                                    event_type: "no.helsedata.test.rolled_back",
                                    source: "/test",
                                    subject: None,
                                    data: json!({"writer": w, "n": -1}),
                                    custodian_id: None,
                                    case_id: None,
                                },
                            )?;
                            return Err(hds_persistence::StoreError::StaleVersion);
                        }
                        Ok(())
                    })
                    .ok();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    done.store(true, Ordering::SeqCst);
    let seen = reader.join().unwrap();

    let committed = writers * (per_writer - per_writer / 10);
    let sequences: Vec<i64> = seen.iter().map(|s| s.0).collect();
    let expected: Vec<i64> = (1..=committed).collect();
    assert_eq!(
        sequences, expected,
        "every committed event exactly once, in order, without gaps"
    );
    assert!(
        seen.iter().all(|s| s.2 >= 0),
        "no rolled-back event is visible"
    );
    // each writer's own events keep their order
    for w in 0..writers {
        let mine: Vec<i64> = seen.iter().filter(|s| s.1 == w).map(|s| s.2).collect();
        assert!(mine.windows(2).all(|p| p[0] < p[1]), "writer {w}: {mine:?}");
    }
}

#[test]
fn a_custodians_page_holds_its_own_events_and_an_unknown_orgnr_none() {
    let db = TestDatabase::new();
    let mut conn = db.connect();
    let fhi = feed::custodian_for_orgnr(&mut conn, "983744516")
        .unwrap()
        .unwrap();
    let dmp = feed::custodian_for_orgnr(&mut conn, "974761122")
        .unwrap()
        .unwrap();
    for (n, custodian) in [(1, Some(fhi)), (2, Some(dmp)), (3, None), (4, Some(fhi))] {
        feed::append(
            &mut conn,
            &NewFeedEvent {
                event_type: "no.helsedata.test.appended",
                source: "/test",
                subject: None,
                data: json!({"n": n}),
                custodian_id: custodian,
                case_id: None,
            },
        )
        .unwrap();
    }
    let start = feed::last_sequence(&mut conn).unwrap() - 4;
    let mine = feed::page(&mut conn, PageReader::Orgnr("983744516"), start, 10)
        .unwrap()
        .unwrap();
    let ns: Vec<i64> = mine
        .events
        .iter()
        .map(|e| e.data["n"].as_i64().unwrap())
        .collect();
    assert_eq!(ns, vec![1, 4]);
    assert_eq!(mine.last, start + 4);
    assert!(mine.events.iter().all(|e| e.custodian_id == Some(fhi)));
    let after_all = feed::page(&mut conn, PageReader::Orgnr("983744516"), start + 4, 10)
        .unwrap()
        .unwrap();
    assert!(
        after_all.events.is_empty(),
        "an empty page still has the counter"
    );
    assert_eq!(after_all.last, start + 4);
    let everything = feed::page(&mut conn, PageReader::Everything, start, 2)
        .unwrap()
        .unwrap();
    assert_eq!(everything.events.len(), 2, "limit");
    assert!(feed::page(&mut conn, PageReader::Orgnr("999999999"), 0, 10)
        .unwrap()
        .is_none());
    // the old two-statement reader agrees
    let old = feed::read_after(&mut conn, Reader::Custodian(fhi), start, 10).unwrap();
    assert_eq!(old.len(), 2);
}
