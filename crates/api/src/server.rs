//! Starting the service: state from configuration, then the HTTP server.

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use diesel::{Connection, PgConnection};
use hds_persistence::{migrate, seed, Db};

use crate::app::build_app;
use crate::auth::dev_issuer::DevIssuer;
use crate::auth::Authenticator;
use crate::clock::Clock;
use crate::config::Config;
use crate::feed_listener::FeedNotifier;
use crate::http::parse_errors::ProblemGuard;
use crate::metrics::Metrics;
use crate::state::{AppState, Readiness};
use crate::task_counters::TaskCounters;

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
        task_counters: TaskCounters::start(db.clone()),
        ready: Readiness::new(!config.migrate_on_start),
        metrics: Arc::new(Metrics::new()),
        config: Arc::new(config),
        db,
        auth: web::Data::new(Authenticator::new(issuers, Clock::default())),
        clock: Clock::default(),
        dev_issuer,
    }))
}

/// How long start-up waits between attempts at most.
const MAX_RETRY: Duration = Duration::from_secs(10);

/// Applies pending migrations and loads the reference data, under the
/// migration lock; the number of migrations applied.
pub fn migrate_and_seed(database_url: &str) -> Result<usize, String> {
    let mut conn = PgConnection::establish(database_url)
        .map_err(|e| format!("cannot connect to the database: {e}"))?;
    migrate::locked(&mut conn, |conn| {
        let applied = migrate::run_pending(conn)?;
        seed::load_reference_data(conn)?;
        Ok(applied.len())
    })
    .map_err(|e| e.to_string())
}

/// Start-up work on the database (`HDS_MIGRATE_ON_START`), on a thread of
/// its own, tried again (after 0.5 s, doubling up to 10 s) until it
/// succeeds: a server started while PostgreSQL is down serves as soon as it
/// comes, and answers 503 (`/health/ready` too) until then.
pub fn migrate_in_background(state: &web::Data<AppState>) {
    let url = state.config.database_url.clone();
    let ready = state.ready.clone();
    let spawned = std::thread::Builder::new()
        .name("hds-migrate".into())
        .spawn(move || {
            let mut wait = Duration::from_millis(500);
            loop {
                match migrate_and_seed(&url) {
                    Ok(applied) => {
                        log::info!("applied {applied} migration(s); reference data loaded; ready");
                        ready.set_ready();
                        return;
                    }
                    Err(e) => {
                        log::warn!("not ready: {e}; trying again in {wait:?}");
                        std::thread::sleep(wait);
                        wait = (wait * 2).min(MAX_RETRY);
                    }
                }
            }
        });
    if let Err(e) = spawned {
        log::error!("start-up migrations not started: {e}");
    }
}

/// Serves until SIGTERM or SIGINT, then finishes in-flight requests (up to 10 s).
pub async fn serve(
    state: web::Data<AppState>,
    listener: std::net::TcpListener,
) -> std::io::Result<()> {
    crate::jobs::spawn_every_minute(state.clone());
    crate::webhook_dispatch::spawn_every_two_seconds(state.clone());
    crate::mail::spawn_every_two_seconds(state.clone());
    if state.config.statistics_at_start {
        crate::warm_up::spawn_case_histories(state.clone());
    }
    http_server(state, listener, true)?.await
}

/// The server, not yet awaited. Tests run it without signal handling.
///
/// actix-web's `HttpServer`, assembled from its parts (actix-server,
/// actix-http's HTTP/1 service, the app) with the same settings, so that
/// each connection's socket can be wrapped in
/// [`ProblemGuard`](crate::http::parse_errors::ProblemGuard): requests the
/// HTTP parser refuses get problem+json too.
pub fn http_server(
    state: web::Data<AppState>,
    listener: std::net::TcpListener,
    handle_signals: bool,
) -> std::io::Result<actix_web::dev::Server> {
    use actix_service::{fn_service, map_config, IntoServiceFactory as _, ServiceFactoryExt as _};
    use actix_web::dev::AppConfig;

    let workers = match state.config.workers {
        0 => std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
        n => n,
    };
    let addr = listener.local_addr()?;
    let mut builder = actix_server::Server::build()
        .workers(workers)
        .shutdown_timeout(10);
    if !handle_signals {
        builder = builder.disable_signals();
    }
    let server = builder.listen("hds", listener, move || {
        let problem_type_base = state.config.problem_type_base.clone();
        let app = build_app(state.clone())
            .into_factory()
            .map_err(|err: actix_web::Error| err.error_response());
        let http = actix_http::HttpService::build()
            .client_request_timeout(Duration::from_secs(5))
            .client_disconnect_timeout(Duration::from_secs(1))
            .local_addr(addr)
            .h1(map_config(app, |()| AppConfig::default()));
        fn_service(move |io: actix_web::rt::net::TcpStream| {
            let peer = io.peer_addr().ok();
            let _ = io.set_nodelay(true);
            let guarded = ProblemGuard::new(io, problem_type_base.clone());
            std::future::ready(Ok::<_, actix_http::error::DispatchError>((guarded, peer)))
        })
        .and_then(http)
    })?;
    Ok(server.run())
}
