//! Configuration from environment variables (the README has the table).
//!
//! Every setting has a safe default for the local default; production mode
//! (`HDS_ENV=production`) refuses to start with any development setting.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::auth::issuers::IssuerConfig;
use crate::http::cors;

/// Local development (the default) or production.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Local,
    Production,
}

#[derive(Debug, Clone)]
#[allow(clippy::struct_excessive_bools)] // settings are on/off switches
pub struct Config {
    pub mode: Mode,
    pub database_url: String,
    pub bind: SocketAddr,
    /// The address clients reach this service at (the dev issuer's `iss` is under it).
    pub public_url: String,
    /// Absolute base URI of problem `type`s, ending in `/`.
    pub problem_type_base: String,
    /// Run the built-in development token issuer.
    pub dev_issuer: bool,
    /// Where the dev issuer keeps its private key (generated on first run).
    pub dev_key_path: PathBuf,
    /// Trusted token issuers besides the dev issuer.
    pub issuers: Vec<IssuerConfig>,
    pub db_pool_size: u32,
    /// `serve` applies pending migrations and loads reference data at start.
    pub migrate_on_start: bool,
    /// Largest JSON request body, in bytes.
    pub max_json_bytes: usize,
    /// Largest attachment upload, in bytes (`HDS_MAX_ATTACHMENT_BYTES`, default 25 MB); larger is 413.
    pub max_attachment_bytes: usize,
    pub workers: usize,
    /// Count Saturdays as working days in deadlines (an open legal question; default no).
    pub saturdays_are_working_days: bool,
    /// Pause the statutory clock while a question to the applicant waits
    /// after the application was complete; the deadline then moves by the
    /// working days paused (`HDS_PAUSE_CLOCK_WHILE_AWAITING_APPLICANT`, default on).
    pub pause_clock_while_awaiting_applicant: bool,
    /// How many years after today (Europe/Oslo) a postponement's expected
    /// date or an agreed delivery date may be; later is 422
    /// (`HDS_MAX_YEARS_AHEAD`, 1 to 100, default
    /// [`hds_domain::horizon::DEFAULT_MAX_YEARS_AHEAD`]; the law names no limit).
    pub max_years_ahead: u16,
    /// The fewest recent cases an expected date is estimated from
    /// (`HDS_EXPECTED_MINIMUM_SAMPLE`, default 5, at least 1); with fewer
    /// the answer says there is too little history.
    pub expected_minimum_sample: usize,
    /// Read every case's history for the statistics when the server starts
    /// (`HDS_STATISTICS_AT_START`, default on): the first statistics,
    /// backlog or expected-dates request then waits for no full read, at
    /// the cost of the histories' memory from the start (docs/reporting.md).
    pub statistics_at_start: bool,
    /// Origins browsers may call the API from (CORS), as
    /// [`crate::http::cors::parse_origin`] writes them; `scheme://host:*`
    /// allows any port (`HDS_CORS_ORIGINS`; locally any port of localhost and
    /// 127.0.0.1, none in production).
    pub cors_origins: Vec<String>,
    /// Serve `GET /metrics` (Prometheus text format) without a token
    /// (`HDS_METRICS`; on locally, off in production unless set).
    pub metrics: bool,
    /// E-mail notifications: SMTP or `.eml` files, sender, link, retries
    /// (`HDS_SMTP_URL`, `HDS_MAIL_*`, `HDS_PORTAL_URL`).
    pub mail: crate::mail::MailSettings,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name}: {message}")]
    Invalid { name: &'static str, message: String },
    #[error("refusing to start in production mode: {0}")]
    UnsafeForProduction(String),
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse()
            .map_err(|e: T::Err| ConfigError::Invalid {
                name,
                message: format!("cannot parse {raw:?}: {e}"),
            }),
    }
}

/// `HDS_MAX_YEARS_AHEAD` as given (`None`: unset): 1 to 100 years.
pub fn years_ahead(raw: Option<&str>) -> Result<u16, ConfigError> {
    const NAME: &str = "HDS_MAX_YEARS_AHEAD";
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(hds_domain::horizon::DEFAULT_MAX_YEARS_AHEAD);
    };
    match raw.parse::<u16>() {
        Ok(years) if (1..=100).contains(&years) => Ok(years),
        _ => Err(ConfigError::Invalid {
            name: NAME,
            message: format!("expected 1 to 100 years, got {raw:?}"),
        }),
    }
}

fn flag(name: &'static str, default: bool) -> Result<bool, ConfigError> {
    match var(name).as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(ConfigError::Invalid {
            name,
            message: format!("expected true or false, got {other:?}"),
        }),
    }
}

/// `HDS_EXPECTED_MINIMUM_SAMPLE`: a whole number of at least 1.
fn minimum_sample() -> Result<usize, ConfigError> {
    let name = "HDS_EXPECTED_MINIMUM_SAMPLE";
    match parse(name, 5)? {
        0 => Err(ConfigError::Invalid {
            name,
            message: "an estimate needs at least 1 case".to_owned(),
        }),
        n => Ok(n),
    }
}

/// The repository's git-ignored local folder (`.local/`), for the local default.
pub fn local_dir() -> PathBuf {
    var("HDS_LOCAL_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.local"),
        PathBuf::from,
    )
}

/// The CORS allow-list from `HDS_CORS_ORIGINS` (comma-separated; `none` for
/// no origin), else the mode's default: any port of localhost and 127.0.0.1
/// locally, none in production.
pub fn cors_origins(mode: Mode, raw: Option<&str>) -> Result<Vec<String>, ConfigError> {
    let Some(raw) = raw else {
        return Ok(match mode {
            Mode::Local => cors::LOCAL_ORIGINS.map(str::to_owned).to_vec(),
            Mode::Production => Vec::new(),
        });
    };
    if raw.trim().eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    raw.split(',')
        .filter(|entry| !entry.trim().is_empty())
        .map(|entry| {
            cors::parse_origin(entry).map_err(|message| ConfigError::Invalid {
                name: "HDS_CORS_ORIGINS",
                message,
            })
        })
        .collect()
}

/// The notification settings from `HDS_SMTP_URL`, `HDS_MAIL_DIR`,
/// `HDS_MAIL_FROM`, `HDS_PORTAL_URL`, `HDS_MAIL_MAX_ATTEMPTS` and
/// `HDS_MAIL_RETRY_SECONDS`.
fn mail_settings(public_url: &str) -> Result<crate::mail::MailSettings, ConfigError> {
    let mut mail = crate::mail::MailSettings::local(
        var("HDS_MAIL_DIR").map_or_else(|| local_dir().join("mail"), PathBuf::from),
        var("HDS_PORTAL_URL").as_deref().unwrap_or(public_url),
    );
    mail.smtp_url = var("HDS_SMTP_URL");
    if let Some(from) = var("HDS_MAIL_FROM") {
        mail.from = from;
    }
    mail.max_attempts = parse("HDS_MAIL_MAX_ATTEMPTS", mail.max_attempts)?;
    mail.retry_seconds = parse("HDS_MAIL_RETRY_SECONDS", mail.retry_seconds)?;
    if mail.max_attempts == 0 {
        return Err(ConfigError::Invalid {
            name: "HDS_MAIL_MAX_ATTEMPTS",
            message: "must be at least 1".into(),
        });
    }
    if mail.from.parse::<lettre::message::Mailbox>().is_err() {
        return Err(ConfigError::Invalid {
            name: "HDS_MAIL_FROM",
            message: "is not an e-mail address (e.g. Helsedataservice <ikke-svar@helsedata.no>)"
                .into(),
        });
    }
    Ok(mail)
}

pub const LOCAL_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:54329/hds";

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let mode = match var("HDS_ENV").as_deref() {
            None | Some("local" | "development") => Mode::Local,
            Some("production") => Mode::Production,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "HDS_ENV",
                    message: format!("expected local or production, got {other:?}"),
                })
            }
        };
        let local = mode == Mode::Local;
        let bind: SocketAddr = parse("HDS_BIND", SocketAddr::from(([127, 0, 0, 1], 8080)))?;
        let public_url = var("HDS_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{bind}"))
            .trim_end_matches('/')
            .to_owned();
        let mut problem_type_base = var("HDS_PROBLEM_TYPE_BASE")
            .unwrap_or_else(|| "https://api.helsedata.no/problems/".to_owned());
        if !problem_type_base.ends_with('/') {
            problem_type_base.push('/');
        }
        let cors_origins = cors_origins(mode, var("HDS_CORS_ORIGINS").as_deref())?;
        let issuers = match (var("HDS_ISSUERS"), var("HDS_ISSUERS_FILE")) {
            (Some(json), _) => {
                IssuerConfig::parse_list(&json).map_err(|message| ConfigError::Invalid {
                    name: "HDS_ISSUERS",
                    message,
                })?
            }
            (None, Some(path)) => {
                let json = std::fs::read_to_string(&path).map_err(|e| ConfigError::Invalid {
                    name: "HDS_ISSUERS_FILE",
                    message: format!("cannot read {path}: {e}"),
                })?;
                IssuerConfig::parse_list(&json).map_err(|message| ConfigError::Invalid {
                    name: "HDS_ISSUERS_FILE",
                    message,
                })?
            }
            (None, None) => Vec::new(),
        };
        let config = Self {
            mode,
            database_url: var("DATABASE_URL").unwrap_or_else(|| LOCAL_DATABASE_URL.to_owned()),
            bind,
            public_url: public_url.clone(),
            problem_type_base,
            dev_issuer: flag("HDS_DEV_ISSUER", local)?,
            dev_key_path: var("HDS_DEV_KEY_PATH")
                .map_or_else(|| local_dir().join("dev-issuer/key.pem"), PathBuf::from),
            issuers,
            db_pool_size: parse("HDS_DB_POOL_SIZE", 10)?,
            migrate_on_start: flag("HDS_MIGRATE_ON_START", local)?,
            max_json_bytes: parse("HDS_MAX_JSON_BYTES", 1024 * 1024)?,
            max_attachment_bytes: parse("HDS_MAX_ATTACHMENT_BYTES", 25 * 1024 * 1024)?,
            workers: parse("HDS_WORKERS", 0)?,
            saturdays_are_working_days: flag("HDS_SATURDAYS_ARE_WORKING_DAYS", false)?,
            pause_clock_while_awaiting_applicant: flag(
                "HDS_PAUSE_CLOCK_WHILE_AWAITING_APPLICANT",
                true,
            )?,
            max_years_ahead: years_ahead(var("HDS_MAX_YEARS_AHEAD").as_deref())?,
            expected_minimum_sample: minimum_sample()?,
            statistics_at_start: flag("HDS_STATISTICS_AT_START", true)?,
            mail: mail_settings(&public_url)?,
            cors_origins,
            metrics: flag("HDS_METRICS", local)?,
        };
        config.check_production()?;
        Ok(config)
    }

    /// Production mode refuses every development setting.
    fn check_production(&self) -> Result<(), ConfigError> {
        if self.mode != Mode::Production {
            return Ok(());
        }
        let refuse = |why: &str| Err(ConfigError::UnsafeForProduction(why.to_owned()));
        if self.dev_issuer {
            return refuse("the development token issuer is on (set HDS_DEV_ISSUER=false)");
        }
        if var("DATABASE_URL").is_none() {
            return refuse(
                "DATABASE_URL is not set (the local default database is for development)",
            );
        }
        if self.issuers.is_empty() {
            return refuse("no trusted token issuers (set HDS_ISSUERS or HDS_ISSUERS_FILE)");
        }
        if let Some(issuer) = self
            .issuers
            .iter()
            .find(|i| !i.jwks_url.starts_with("https://"))
        {
            return refuse(&format!(
                "issuer {} has a JWKS URL that is not HTTPS",
                issuer.issuer
            ));
        }
        if let Some(origin) = self
            .cors_origins
            .iter()
            .find(|o| !o.starts_with("https://"))
        {
            return refuse(&format!(
                "CORS origin {origin} is not HTTPS (HDS_CORS_ORIGINS)"
            ));
        }
        match &self.mail.smtp_url {
            None => {
                return refuse(
                    "HDS_SMTP_URL is not set (messages would only be written as .eml files)",
                )
            }
            Some(url) if !crate::mail::MailSettings::smtp_is_encrypted_or_local(url) => {
                return refuse(
                    "HDS_SMTP_URL must require STARTTLS (?tls=required) or use smtps://",
                );
            }
            Some(_) => {}
        }
        Ok(())
    }

    pub fn dev_issuer_url(&self) -> String {
        format!("{}/dev-issuer", self.public_url)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn years_ahead_is_1_to_100_and_3_when_unset() {
        assert_eq!(years_ahead(None).unwrap(), 3);
        assert_eq!(years_ahead(Some(" ")).unwrap(), 3);
        assert_eq!(years_ahead(Some("1")).unwrap(), 1);
        assert_eq!(years_ahead(Some(" 10 ")).unwrap(), 10);
        assert_eq!(years_ahead(Some("100")).unwrap(), 100);
        for wrong in ["0", "101", "-1", "ten", "2.5"] {
            let e = years_ahead(Some(wrong)).unwrap_err().to_string();
            assert!(e.starts_with("HDS_MAX_YEARS_AHEAD: "), "{e}");
        }
    }

    #[test]
    fn cors_origins_default_to_localhost_locally_and_to_none_in_production() {
        let local = cors_origins(Mode::Local, None).unwrap();
        assert_eq!(local, ["http://localhost:*", "http://127.0.0.1:*"]);
        assert!(cors::allows(&local, "http://localhost:3000"));
        let production = cors_origins(Mode::Production, None).unwrap();
        assert!(production.is_empty());
        assert!(!cors::allows(&production, "http://localhost:3000"));
    }

    #[test]
    fn cors_origins_from_the_setting_replace_the_default() {
        let set = cors_origins(
            Mode::Local,
            Some("https://portal.helsedata.no, https://forvalter.example.no/,"),
        )
        .unwrap();
        assert_eq!(
            set,
            [
                "https://portal.helsedata.no",
                "https://forvalter.example.no"
            ]
        );
        assert!(!cors::allows(&set, "http://localhost:3000"));
        assert!(cors_origins(Mode::Local, Some("none")).unwrap().is_empty());
        let err = cors_origins(Mode::Production, Some("https://x.no,portal")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("HDS_CORS_ORIGINS: \"portal\" is not an origin"),
            "{err}"
        );
    }
}
