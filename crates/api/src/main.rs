//! `hds`: the helsedata.no backend. `hds --help` lists the commands and
//! `hds <command> --help` explains one; configuration comes from environment
//! variables (see the README).

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hds_api::auth::dev_issuer::DevIssuer;
use hds_api::auth::Role;
use hds_api::config::{Config, Mode};
use hds_api::{app, server};
use hds_persistence::{migrate, seed};
use time::OffsetDateTime;

/// mimalloc instead of glibc's malloc: a request allocates and frees many
/// small buffers (rows, JSON, headers), and in the catalogue list's profile
/// glibc's malloc and free took about a fifth of the server's CPU
/// (docs/benchmarks.md, "The catalogue's profile").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The helsedata.no backend: the API, its database migrations and its jobs.
///
/// Settings come from environment variables (DATABASE_URL, HDS_BIND,
/// HDS_ENV, ...; see the README). Usage errors exit with status 2, a refused
/// configuration with 78.
#[derive(Debug, Parser)]
#[command(name = "hds", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API on HDS_BIND (default 127.0.0.1:8080) until SIGTERM or SIGINT.
    ///
    /// In the local default it also applies pending migrations and loads the
    /// reference data (HDS_MIGRATE_ON_START), trying again until the database
    /// answers; /health/ready answers 503 until that is done.
    Serve,
    /// Apply pending database migrations.
    Migrate {
        /// Revert every applied migration instead (empties the database).
        #[arg(long)]
        revert_all: bool,
    },
    /// Load the reference data (the catalogue); idempotent, insert-only.
    Seed,
    /// Run the scheduled case rules due at an instant, once.
    ///
    /// Sends the reminders, rejects applications for no reply and flags overdue
    /// cases that are due at that instant, then prints what it did. Safe beside
    /// running servers: no case is acted on twice.
    RunJobs {
        /// The instant to run at, RFC 3339 (e.g. 2027-01-15T08:00:00Z); default now.
        #[arg(long, value_name = "RFC3339", value_parser = rfc3339)]
        at: Option<OffsetDateTime>,
    },
    /// Print the OpenAPI contract (JSON) on stdout; needs no database.
    Openapi,
    /// Print a token from the local development issuer (local default only).
    DevToken {
        /// APPLICANT, CASE_HANDLER, CUSTODIAN or ADMIN.
        #[arg(long, value_name = "ROLE", default_value = "APPLICANT", value_parser = role)]
        role: Role,
        /// The person's national identity number (fødselsnummer), 11 digits.
        #[arg(long, value_name = "FNR", value_parser = national_id)]
        pid: Option<String>,
        /// The organisation number (organisasjonsnummer), 9 digits.
        #[arg(long, value_name = "ORGNR", value_parser = orgnr)]
        org: Option<String>,
        /// The display name in the token.
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
    },
}

fn rfc3339(raw: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("not an RFC 3339 instant (e.g. 2027-01-15T08:00:00Z): {e}"))
}

fn role(raw: &str) -> Result<Role, String> {
    serde_json::from_value(serde_json::Value::String(raw.to_ascii_uppercase()))
        .map_err(|_| "use APPLICANT, CASE_HANDLER, CUSTODIAN or ADMIN".to_owned())
}

fn national_id(raw: &str) -> Result<String, String> {
    hds_domain::identity::NationalId::parse(raw).map_err(|e| e.to_string())?;
    Ok(raw.to_owned())
}

fn orgnr(raw: &str) -> Result<String, String> {
    hds_domain::identity::Orgnr::parse(raw).map_err(|e| e.to_string())?;
    Ok(raw.to_owned())
}

fn main() -> ExitCode {
    // `--help`, `--version` and usage errors end here (0, 0 and 2), before
    // any configuration is read or any connection made.
    let cli = Cli::parse();
    // every line masks what looks like a national identity number, whoever wrote it
    env_logger::Builder::from_env(
        env_logger::Env::default().default_filter_or("info,actix_server=warn"),
    )
    .format(hds_api::http::privacy::log_format)
    .init();
    if matches!(cli.command, Command::Openapi) {
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
    let result = match cli.command {
        Command::Serve => serve(config),
        Command::Migrate { revert_all } => run_migrations(&config, revert_all),
        Command::Seed => load_seed(&config),
        Command::RunJobs { at } => run_jobs(&config, at.unwrap_or_else(OffsetDateTime::now_utc)),
        Command::DevToken {
            role,
            pid,
            org,
            name,
        } => dev_token(
            &config,
            role,
            pid.as_deref(),
            org.as_deref(),
            name.as_deref(),
        ),
        Command::Openapi => unreachable!("printed above, without configuration"),
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
    migrate::locked(&mut conn, seed::load_reference_data).map_err(|e| e.to_string())?;
    println!("reference data loaded");
    Ok(())
}

fn run_jobs(config: &Config, at: OffsetDateTime) -> Result<(), String> {
    let mut conn = connect(config)?;
    let report = hds_api::jobs::run(config, &mut conn, at).map_err(|e| e.to_string())?;
    println!("{}", hds_api::jobs::describe(&report));
    Ok(())
}

fn dev_token(
    config: &Config,
    role: Role,
    pid: Option<&str>,
    org: Option<&str>,
    name: Option<&str>,
) -> Result<(), String> {
    if config.mode == Mode::Production || !config.dev_issuer {
        return Err("dev-token works only in the local default with the dev issuer on".into());
    }
    let issuer = DevIssuer::load_or_create(&config.dev_key_path, &config.dev_issuer_url())
        .map_err(|e| e.to_string())?;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let token = issuer
        .mint(role, pid, org, name, now)
        .map_err(|e| e.to_string())?;
    println!("{token}");
    Ok(())
}

fn serve(config: Config) -> Result<(), String> {
    let listener = std::net::TcpListener::bind(config.bind)
        .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
    let public = config.public_url.clone();
    let migrate_on_start = config.migrate_on_start;
    let state = server::state(config)?;
    if migrate_on_start {
        // in the background, until the database answers; not ready until done
        server::migrate_in_background(&state);
    }
    log::info!("hds listening on {public}: API under {public}/api/v1, docs at {public}/docs/, spec at {public}/api/v1/openapi.json");
    actix_web::rt::System::new()
        .block_on(server::serve(state, listener))
        .map_err(|e| e.to_string())
}
