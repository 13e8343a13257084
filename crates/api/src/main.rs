//! `hds`: the helsedata.no backend.
//!
//! ```text
//! hds serve                 serve the API (HDS_BIND, default 127.0.0.1:8080)
//! hds migrate [--revert-all] apply pending migrations (or revert them all)
//! hds seed                  load the reference data (catalogue)
//! hds run-jobs [--at RFC3339] run the scheduled case rules due at that instant
//!                           (reminders, rejections for no reply, overdue flags)
//! hds openapi               print the OpenAPI contract
//! hds dev-token --role R [--pid FNR] [--org ORGNR] [--name NAME]
//!                           print a token from the local dev issuer
//! ```
//! Configuration comes from environment variables; see the README.

use std::process::ExitCode;

use hds_api::auth::dev_issuer::DevIssuer;
use hds_api::auth::Role;
use hds_api::config::{Config, Mode};
use hds_api::{app, server};
use hds_persistence::{migrate, seed};

fn usage() -> ExitCode {
    eprintln!(
        "usage: hds <serve | migrate [--revert-all] | seed | run-jobs [--at RFC3339] | openapi | dev-token --role ROLE [--pid FNR] [--org ORGNR] [--name NAME]>"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    env_logger::Builder::from_env(
        env_logger::Env::default().default_filter_or("info,actix_server=warn"),
    )
    .format_target(false)
    .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else {
        return usage();
    };
    if command == "openapi" {
        print!("{}", app::openapi_json());
        return ExitCode::SUCCESS;
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("hds: {e}");
            return ExitCode::from(78);
        }
    };
    let result = match command.as_str() {
        "serve" => serve(config),
        "migrate" => run_migrations(&config, args.iter().any(|a| a == "--revert-all")),
        "seed" => load_seed(&config),
        "run-jobs" => run_jobs(&config, &args[1..]),
        "dev-token" => dev_token(&config, &args[1..]),
        _ => return usage(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hds: {e}");
            ExitCode::FAILURE
        }
    }
}

fn connect(config: &Config) -> Result<diesel::PgConnection, String> {
    use diesel::Connection;
    diesel::PgConnection::establish(&config.database_url)
        .map_err(|e| format!("cannot connect to the database: {e}"))
}

fn run_migrations(config: &Config, revert_all: bool) -> Result<(), String> {
    let mut conn = connect(config)?;
    if revert_all {
        let reverted = migrate::revert_all(&mut conn).map_err(|e| e.to_string())?;
        println!(
            "reverted {} migration(s): {}",
            reverted.len(),
            reverted.join(", ")
        );
    } else {
        let applied = migrate::run_pending(&mut conn).map_err(|e| e.to_string())?;
        println!(
            "applied {} migration(s){}",
            applied.len(),
            if applied.is_empty() {
                String::new()
            } else {
                format!(": {}", applied.join(", "))
            }
        );
    }
    Ok(())
}

fn load_seed(config: &Config) -> Result<(), String> {
    let mut conn = connect(config)?;
    seed::load_reference_data(&mut conn).map_err(|e| e.to_string())?;
    println!("reference data loaded");
    Ok(())
}

fn run_jobs(config: &Config, args: &[String]) -> Result<(), String> {
    let at = match flag(args, "--at") {
        Some(raw) => {
            time::OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339)
                .map_err(|e| format!("--at {raw:?} is not an RFC 3339 instant: {e}"))?
        }
        None if args.iter().any(|a| a == "--at") => {
            return Err("--at needs an RFC 3339 instant, e.g. 2027-01-15T08:00:00Z".into())
        }
        None => time::OffsetDateTime::now_utc(),
    };
    let mut conn = connect(config)?;
    let report = hds_api::jobs::run(config, &mut conn, at).map_err(|e| e.to_string())?;
    println!("{}", hds_api::jobs::describe(&report));
    Ok(())
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn dev_token(config: &Config, args: &[String]) -> Result<(), String> {
    if config.mode == Mode::Production || !config.dev_issuer {
        return Err("dev-token works only in the local default with the dev issuer on".into());
    }
    let role_name = flag(args, "--role").unwrap_or("APPLICANT");
    let role: Role = serde_json::from_value(serde_json::Value::String(
        role_name.to_ascii_uppercase(),
    ))
    .map_err(|_| {
        format!("unknown role {role_name}: use APPLICANT, CASE_HANDLER, CUSTODIAN or ADMIN")
    })?;
    let pid = flag(args, "--pid").filter(|s| !s.is_empty());
    let org = flag(args, "--org").filter(|s| !s.is_empty());
    if let Some(pid) = pid {
        hds_domain::identity::NationalId::parse(pid).map_err(|e| format!("--pid: {e}"))?;
    }
    if let Some(org) = org {
        hds_domain::identity::Orgnr::parse(org).map_err(|e| format!("--org: {e}"))?;
    }
    let issuer = DevIssuer::load_or_create(&config.dev_key_path, &config.dev_issuer_url())
        .map_err(|e| e.to_string())?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let token = issuer
        .mint(role, pid, org, flag(args, "--name"), now)
        .map_err(|e| e.to_string())?;
    println!("{token}");
    Ok(())
}

fn serve(config: Config) -> Result<(), String> {
    if config.migrate_on_start {
        let mut conn = connect(&config)?;
        let applied = migrate::run_pending(&mut conn).map_err(|e| e.to_string())?;
        if !applied.is_empty() {
            log::info!("applied {} migration(s)", applied.len());
        }
        seed::load_reference_data(&mut conn).map_err(|e| e.to_string())?;
    }
    let listener = std::net::TcpListener::bind(config.bind)
        .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
    let public = config.public_url.clone();
    let state = server::state(config)?;
    log::info!("hds listening on {public}: API under {public}/api/v1, docs at {public}/docs/, spec at {public}/api/v1/openapi.json");
    actix_web::rt::System::new()
        .block_on(server::serve(state, listener))
        .map_err(|e| e.to_string())
}
