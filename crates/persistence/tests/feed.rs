//! The feed's promise: a reader that keeps its sequence never misses or
//! reorders an event, however many writers append at once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use diesel::Connection;
use hds_persistence::feed::{self, NewFeedEvent, Reader};
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
            let page = feed::read_after(&mut conn, Reader::Everything, after, 7).unwrap();
            for event in &page {
                seen.push((
                    event.sequence,
                    event.data["writer"].as_i64().unwrap(),
                    event.data["n"].as_i64().unwrap(),
                ));
                after = event.sequence;
            }
            if finished && page.is_empty() {
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
