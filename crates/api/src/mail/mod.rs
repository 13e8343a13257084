//! E-mail notifications: the worker that sends the outbox
//! ([`hds_persistence::notifications`]) over SMTP with lettre, or, in the
//! local default without `HDS_SMTP_URL`, writes each message as an `.eml`
//! file (RFC 5322) under `.local/mail/`.
//!
//! Every two seconds each `serve` process claims due messages
//! (`FOR UPDATE SKIP LOCKED`, with a lease), renders them in the recipient's
//! language ([`hds_domain::notification::texts`]), sends them, and records
//! the outcome: sent, or failed with the error and the next try (the wait
//! doubles from `HDS_MAIL_RETRY_SECONDS`) until `HDS_MAIL_MAX_ATTEMPTS`.

pub mod settings;

use std::path::Path;
use std::time::Duration;

use hds_domain::notification::texts::{render, Facts};
use hds_domain::notification::{retry_delay, Language, Notice};
use hds_persistence::notifications::outbox::{self, Claimed, Outcome};
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue, MIME_VERSION_1_0};
use lettre::message::Mailbox;
use lettre::{Message, SmtpTransport, Transport};
use time::OffsetDateTime;

use crate::error::ApiError;
use crate::state::AppState;
pub use settings::MailSettings;

/// A claimed batch is sent one message after the other, each SMTP step
/// waiting at most [`SMTP_TIMEOUT`]: the lease outlasts a slow batch by far,
/// so no other process claims a message this one is still sending.
const LEASE_SECONDS: i64 = 300;
const BATCH: i64 = 5;
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// How often `serve` sends due messages.
pub const INTERVAL: Duration = Duration::from_secs(2);

/// `Content-Language` (RFC 3282): the language the message is written in.
#[derive(Debug, Clone)]
struct ContentLanguage(String);

impl Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// The message for a claimed outbox row.
pub fn message(settings: &MailSettings, claimed: &Claimed) -> Result<Message, String> {
    let notice = Notice::parse(&claimed.kind).ok_or("unknown notice kind")?;
    let language = Language::parse(&claimed.language).unwrap_or_default();
    let code = claimed.data.get("code").and_then(|c| c.as_str());
    let mail = render(
        notice,
        language,
        &Facts {
            case_number: claimed.case_number.as_deref(),
            login_url: &settings.portal_url,
            code,
        },
    );
    let from: Mailbox = settings
        .from
        .parse()
        .map_err(|_| "HDS_MAIL_FROM is not an address")?;
    let to: Mailbox = claimed
        .to_address
        .parse()
        .map_err(|_| "the recipient's address is not valid")?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject)
        .message_id(Some(format!("<{}@helsedata.no>", claimed.id)))
        .header(ContentLanguage(language.tag().to_owned()))
        .header(MIME_VERSION_1_0)
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body)
        .map_err(|e| format!("the message could not be built: {e}"))
}

/// Sends one message, or writes it under `dir` without SMTP.
fn deliver(
    smtp: Option<&SmtpTransport>,
    dir: &Path,
    id: &str,
    message: &Message,
) -> Result<(), String> {
    if let Some(transport) = smtp {
        return transport
            .send(message)
            .map(|_| ())
            .map_err(|e| short(&format!("SMTP: {e}")));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create the mail folder: {e}"))?;
    // written beside it, then renamed: whoever watches the folder (a mail
    // viewer, a test) never reads half a message
    let partial = dir.join(format!("{id}.eml.partial"));
    std::fs::write(&partial, message.formatted())
        .map_err(|e| format!("cannot write the .eml file: {e}"))?;
    std::fs::rename(&partial, dir.join(format!("{id}.eml")))
        .map_err(|e| format!("cannot write the .eml file: {e}"))
}

/// The first 500 characters of an error (never a URL with its password:
/// lettre's errors name the server's reply, not the connection URL).
fn short(error: &str) -> String {
    error.chars().take(500).collect()
}

/// The SMTP transport of `HDS_SMTP_URL`, if set.
pub fn transport(settings: &MailSettings) -> Result<Option<SmtpTransport>, String> {
    settings
        .smtp_url
        .as_deref()
        .map(|url| {
            SmtpTransport::from_url(url)
                .map(|b| b.timeout(Some(SMTP_TIMEOUT)).build())
                .map_err(|e| format!("HDS_SMTP_URL: {e}"))
        })
        .transpose()
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SendReport {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

/// Sends every message due at `at`.
pub async fn send_due(
    state: &AppState,
    smtp: Option<&SmtpTransport>,
    at: OffsetDateTime,
) -> Result<SendReport, ApiError> {
    let claimed = state
        .run(move |conn| outbox::claim_due(conn, at, LEASE_SECONDS, BATCH).map_err(ApiError::from))
        .await?;
    let settings = state.config.mail.clone();
    let mut report = SendReport::default();
    for row in claimed {
        let id = row.id;
        let result = match message(&settings, &row) {
            Ok(message) => {
                let smtp = smtp.cloned();
                let dir = settings.dir.clone();
                actix_web::web::block(move || {
                    deliver(smtp.as_ref(), &dir, &id.to_string(), &message)
                })
                .await
                .unwrap_or_else(|e| Err(format!("the sender stopped: {e}")))
            }
            Err(e) => Err(e),
        };
        let outcome = match result {
            Ok(()) => {
                report.sent += 1;
                Outcome::Sent
            }
            Err(error) => {
                let attempts = u32::try_from(row.attempts).unwrap_or(u32::MAX);
                let retry_at = (attempts < settings.max_attempts).then(|| {
                    at + retry_delay(Duration::from_secs(settings.retry_seconds), attempts)
                });
                if retry_at.is_some() {
                    report.retrying += 1;
                } else {
                    report.failed += 1;
                }
                log::warn!("notification {id}: try {attempts} failed: {error}");
                Outcome::Failed { error, retry_at }
            }
        };
        state
            .run(move |conn| outbox::record_outcome(conn, id, at, &outcome).map_err(ApiError::from))
            .await?;
    }
    Ok(report)
}

/// Sends due messages every two seconds for as long as the server runs.
pub fn spawn_every_two_seconds(state: actix_web::web::Data<AppState>) {
    let smtp = match transport(&state.config.mail) {
        Ok(smtp) => smtp,
        Err(e) => {
            log::error!("notifications are not sent: {e}");
            return;
        }
    };
    match &state.config.mail.smtp_url {
        Some(_) => log::info!("notifications: sent over SMTP (HDS_SMTP_URL)"),
        None => log::info!(
            "notifications: no HDS_SMTP_URL, each message is written as an .eml file in {}",
            state.config.mail.dir.display()
        ),
    }
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(INTERVAL);
        loop {
            tick.tick().await;
            match send_due(&state, smtp.as_ref(), state.clock.now()).await {
                Ok(report) if report != SendReport::default() => {
                    log::info!("notifications: {report:?}");
                }
                Ok(_) => {}
                Err(e) => log::warn!("sending notifications failed: {e}"),
            }
        }
    });
}
