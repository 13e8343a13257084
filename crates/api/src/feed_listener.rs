//! Wakes long-polling feed readers when an event is appended.
//!
//! One thread per process holds a PostgreSQL connection that `LISTEN`s on
//! the feed channel and publishes the newest sequence on a watch channel.
//! Correctness never depends on it: readers always query the table; a lost
//! notification (say, while reconnecting) only delays a long-poll until its
//! timeout, after which the client polls again from its sequence.

use std::sync::{Arc, Weak};
use std::time::Duration;

use diesel::{Connection, PgConnection, RunQueryDsl};
use tokio::sync::watch;

const POLL: Duration = Duration::from_millis(50);
const RECONNECT: Duration = Duration::from_secs(1);

pub struct FeedNotifier {
    newest: watch::Sender<i64>,
}

impl FeedNotifier {
    /// Starts the listener thread; it ends when the notifier is dropped.
    pub fn start(database_url: String) -> Arc<Self> {
        let (newest, _) = watch::channel(0);
        let notifier = Arc::new(Self { newest });
        let weak = Arc::downgrade(&notifier);
        let spawned = std::thread::Builder::new()
            .name("hds-feed-listener".into())
            .spawn(move || listen(&database_url, &weak));
        if let Err(e) = spawned {
            log::error!("feed listener not started: {e}");
        }
        notifier
    }

    /// A receiver that sees every sequence published after this call.
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.newest.subscribe()
    }
}

fn listen(database_url: &str, notifier: &Weak<FeedNotifier>) {
    while notifier.strong_count() > 0 {
        let Ok(mut conn) = PgConnection::establish(database_url) else {
            std::thread::sleep(RECONNECT);
            continue;
        };
        let listening = diesel::sql_query(format!("LISTEN {}", hds_persistence::feed::CHANNEL))
            .execute(&mut conn);
        if listening.is_err() {
            std::thread::sleep(RECONNECT);
            continue;
        }
        'connected: loop {
            let Some(notifier) = notifier.upgrade() else {
                return;
            };
            let mut newest = None;
            for notification in conn.notifications_iter() {
                match notification {
                    Ok(n) => newest = newest.max(n.payload.parse::<i64>().ok()),
                    Err(e) => {
                        log::warn!("feed listener lost its connection ({e}); reconnecting");
                        break 'connected;
                    }
                }
            }
            if let Some(sequence) = newest {
                notifier.newest.send_replace(sequence);
            }
            drop(notifier);
            std::thread::sleep(POLL);
        }
        std::thread::sleep(RECONNECT);
    }
}
