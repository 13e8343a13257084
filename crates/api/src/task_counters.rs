//! The custodians' task change counters, read for the polls that arrive
//! together in one statement.
//!
//! Custodian systems poll their task list with `If-None-Match`; an
//! unchanged list is a 304 answered from the custodian's change counter
//! alone. Reading one counter takes PostgreSQL about 20 µs, but handing the
//! read to a blocking thread and back costs the server more than that in
//! thread wake-ups. So a reading thread reads the counters for every poll
//! waiting at that moment, in one prepared statement (`custodians.orgnr =
//! ANY($1)`), and answers each: under load, one statement and one hand-off
//! serve many polls; alone, a poll costs what it did.
//!
//! Nothing is remembered between reads: each poll's counter is read by a
//! statement that starts after the poll arrived, so a poll sees every change
//! committed before it (a 304 never hides a change), exactly as if it had
//! read the counter itself. Several `hds serve` processes need nothing
//! shared. Should the threads be gone, a poll reads its counter itself.
//!
//! Why not keep the counters in memory, refreshed by LISTEN/NOTIFY? A
//! notification reaches the other processes some time after the commit
//! (and not at all while a listening connection is being replaced), so a
//! poll arriving in between would get a 304 for a list that has changed,
//! e.g. a custodian that acknowledged a task through one process and polls
//! through another. Making that safe needs a read of the database on every
//! poll, which is what this does, shared between the polls of one moment.

use std::collections::HashMap;
use std::sync::{mpsc, Arc, Mutex};

use hds_persistence::tasks::{self as repo, PollState};
use hds_persistence::{Db, StoreError};
use tokio::sync::oneshot;

use crate::error::ApiError;

/// At most this many polls share one statement (more wait for the next).
const MOST_PER_READ: usize = 512;

/// Reading threads: while one waits for PostgreSQL, the other gathers the
/// polls that arrive meanwhile (a short trial with `make bench-api`, 2
/// pairs of 5 s on a loaded machine: 0.64 of pgbench with two, 0.51 with
/// one; noisy, but not worse).
const READERS: usize = 2;

/// What one poll gets: its custodian's state (None: not a registered
/// custodian), or why the read failed.
type Answer = Result<Option<PollState>, Failure>;

#[derive(Debug, Clone)]
enum Failure {
    /// No connection could be had (503).
    Unavailable(String),
    /// The statement failed (500, logged).
    Failed(String),
}

struct Poll {
    orgnr: String,
    answer: oneshot::Sender<Answer>,
}

/// The handle handlers use; the reading thread ends when it is dropped.
pub struct TaskCounters {
    polls: mpsc::Sender<Poll>,
}

impl TaskCounters {
    /// Starts the reading thread over the pool.
    pub fn start(db: Db) -> Self {
        let (polls, waiting) = mpsc::channel();
        let waiting = Arc::new(Mutex::new(waiting));
        for _ in 0..READERS {
            let db = db.clone();
            let waiting = waiting.clone();
            let spawned = std::thread::Builder::new()
                .name("hds-task-counters".into())
                .spawn(move || read_while_polled(&db, &waiting));
            if let Err(e) = spawned {
                // every poll then reads its own counter (see `read`)
                log::error!("task counter thread not started: {e}");
            }
        }
        Self { polls }
    }

    /// The custodian registered with `orgnr` and its change counter, read
    /// after this call (None when no custodian has that number).
    pub async fn read(&self, db: &Db, orgnr: &str) -> Result<Option<PollState>, ApiError> {
        let (answer, answered) = oneshot::channel();
        let poll = Poll {
            orgnr: orgnr.to_owned(),
            answer,
        };
        if self.polls.send(poll).is_ok() {
            if let Ok(answer) = answered.await {
                return answer.map_err(|failure| match failure {
                    Failure::Unavailable(cause) => StoreError::Unavailable(cause).into(),
                    Failure::Failed(cause) => ApiError::internal(cause),
                });
            }
        }
        // the thread is gone: read it here
        let db = db.clone();
        let orgnr = orgnr.to_owned();
        actix_web::web::block(move || {
            let mut conn = db.conn()?;
            let found = repo::poll_states(&mut conn, &[orgnr]);
            hds_persistence::db::check_next_time_if_failed(&mut conn, &found);
            Ok::<_, ApiError>(found?.pop().map(|(_, state)| state))
        })
        .await?
    }
}

/// Waits for a poll, takes every other poll waiting by then, reads their
/// counters in one statement and answers them; until the handle is dropped.
fn read_while_polled(db: &Db, waiting: &Mutex<mpsc::Receiver<Poll>>) {
    loop {
        let polls = {
            let Ok(waiting) = waiting.lock() else { return };
            let Ok(first) = waiting.recv() else { return };
            let mut polls = vec![first];
            polls.extend(waiting.try_iter().take(MOST_PER_READ - 1));
            polls
        };
        let mut orgnrs: Vec<String> = polls.iter().map(|p| p.orgnr.clone()).collect();
        orgnrs.sort_unstable();
        orgnrs.dedup();
        let read = db
            .conn()
            .map_err(|e| Failure::Unavailable(e.to_string()))
            .and_then(|mut conn| {
                let read = repo::poll_states(&mut conn, &orgnrs);
                hds_persistence::db::check_next_time_if_failed(&mut conn, &read);
                read.map_err(|e| match e {
                    StoreError::Unavailable(cause) => Failure::Unavailable(cause),
                    other => Failure::Failed(other.to_string()),
                })
            })
            .map(|states| states.into_iter().collect::<HashMap<_, _>>());
        for poll in polls {
            let answer = match &read {
                Ok(states) => Ok(states.get(&poll.orgnr).cloned()),
                Err(failure) => Err(failure.clone()),
            };
            // a poll whose client went away no longer listens
            let _ = poll.answer.send(answer);
        }
    }
}
