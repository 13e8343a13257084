//! Starting the service: state from configuration, then the HTTP server.

use std::sync::Arc;

use actix_web::{web, HttpServer};
use hds_persistence::Db;

use crate::app::build_app;
use crate::auth::dev_issuer::DevIssuer;
use crate::auth::Authenticator;
use crate::clock::Clock;
use crate::config::Config;
use crate::feed_listener::FeedNotifier;
use crate::state::AppState;

/// Builds the shared state: the pool, the dev issuer (if on) and the
/// authenticator over every trusted issuer.
pub fn state(config: Config) -> Result<web::Data<AppState>, String> {
    let db =
        Db::connect_lazy(&config.database_url, config.db_pool_size).map_err(|e| e.to_string())?;
    let dev_issuer = if config.dev_issuer {
        Some(Arc::new(
            DevIssuer::load_or_create(&config.dev_key_path, &config.dev_issuer_url())
                .map_err(|e| e.to_string())?,
        ))
    } else {
        None
    };
    let mut issuers = config.issuers.clone();
    if let Some(dev) = &dev_issuer {
        issuers.push(dev.config());
    }
    let feed = FeedNotifier::start(config.database_url.clone());
    Ok(web::Data::new(AppState {
        feed,
        config: Arc::new(config),
        db,
        auth: web::Data::new(Authenticator::new(issuers, Clock::default())),
        clock: Clock::default(),
        dev_issuer,
    }))
}

/// Serves until SIGTERM or SIGINT, then finishes in-flight requests (up to 10 s).
pub async fn serve(
    state: web::Data<AppState>,
    listener: std::net::TcpListener,
) -> std::io::Result<()> {
    crate::jobs::spawn_every_minute(state.clone());
    crate::webhook_dispatch::spawn_every_two_seconds(state.clone());
    crate::mail::spawn_every_two_seconds(state.clone());
    http_server(state, listener, true)?.await
}

/// The server, not yet awaited. Tests run it without signal handling.
pub fn http_server(
    state: web::Data<AppState>,
    listener: std::net::TcpListener,
    handle_signals: bool,
) -> std::io::Result<actix_web::dev::Server> {
    let workers = match state.config.workers {
        0 => std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
        n => n,
    };
    let server = HttpServer::new(move || build_app(state.clone()))
        .workers(workers)
        .shutdown_timeout(10)
        .listen(listener)?;
    Ok(if handle_signals {
        server.run()
    } else {
        server.disable_signals().run()
    })
}
