//! What every handler can reach.

use std::sync::Arc;

use actix_web::web;
use hds_persistence::{Db, DbConn};

use crate::auth::dev_issuer::DevIssuer;
use crate::auth::Authenticator;
use crate::config::Config;
use crate::error::ApiError;
use crate::feed_listener::FeedNotifier;

pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub auth: Authenticator,
    pub dev_issuer: Option<Arc<DevIssuer>>,
    /// Wakes long-polling feed readers.
    pub feed: Arc<FeedNotifier>,
}

impl AppState {
    /// Runs blocking database work on the thread pool, with a pooled connection.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
    {
        let db = self.db.clone();
        web::block(move || {
            let mut conn = db.conn()?;
            work(&mut conn)
        })
        .await?
    }
}
