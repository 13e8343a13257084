//! Sending webhooks (Standard Webhooks, <https://www.standardwebhooks.com>).
//!
//! Each delivery is a POST of a thin JSON payload (event id, type, sequence,
//! source) with `webhook-id` (the event id, the same on every retry),
//! `webhook-timestamp` (Unix seconds) and `webhook-signature`
//! (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, and a second
//! signature with the previous secret for a day after a rotation).
//!
//! Where a delivery may go is checked where it connects ([`Sender`]): the
//! one DNS lookup whose addresses are used is the one checked, so a name
//! that answers a public address first and a private one later (DNS
//! rebinding) cannot pass; redirects are never followed.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hds_domain::webhook::{may_deliver_to, retry_delay, DISABLE_AFTER, RETRY_FOR};
use hds_persistence::webhooks::{self, Claimed, Outcome};
use hmac::{Hmac, Mac};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use sha2::Sha256;
use time::OffsetDateTime;

use crate::config::Mode;
use crate::error::ApiError;
use crate::state::AppState;

/// How long a dispatcher holds a claimed delivery.
const LEASE_SECONDS: i64 = 60;
const BATCH: i64 = 50;
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// A new secret: 32 random bytes, `whsec_` + base64.
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    format!("whsec_{}", STANDARD.encode(bytes))
}

/// `v1,<signature>` for one secret; `None` for a malformed secret.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix("whsec_")?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// What one dispatch round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DispatchReport {
    pub delivered: usize,
    pub retrying: usize,
    pub abandoned: usize,
    pub disabled: usize,
}

/// A lookup in progress.
pub type PendingLookup = Pin<Box<dyn Future<Output = std::io::Result<Vec<IpAddr>>> + Send>>;

/// Looks a host name up: the system resolver, or a test's own (to prove that
/// a name answering differently on a second lookup cannot pass).
pub trait Lookup: Send + Sync + 'static {
    fn lookup(&self, host: &str) -> PendingLookup;
}

/// The system resolver (getaddrinfo, through tokio).
struct SystemLookup;

impl Lookup for SystemLookup {
    fn lookup(&self, host: &str) -> PendingLookup {
        let host = host.to_owned();
        Box::pin(async move {
            Ok(tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .map(|a| a.ip())
                .collect())
        })
    }
}

/// Why a delivery did not connect: the name resolved to an address webhooks
/// may not reach. Says which name, never which address.
#[derive(Debug, thiserror::Error)]
#[error("{0} resolves to an address that is not public (loopback, private, link-local or unique-local); not delivered")]
struct RefusedAddress(String);

/// reqwest's resolver for deliveries: every address the connection could
/// use is checked *here*, at the one lookup whose answer is connected to.
/// A name with any address that is not public is refused as a whole.
struct GuardedResolver {
    inner: Arc<dyn Lookup>,
    allow_loopback: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let lookup = self.inner.lookup(name.as_str());
        let host = name.as_str().to_owned();
        let allow_loopback = self.allow_loopback;
        Box::pin(async move {
            let addrs = lookup.await?;
            if addrs.is_empty() || addrs.iter().any(|ip| !may_deliver_to(*ip, allow_loopback)) {
                return Err(
                    Box::new(RefusedAddress(host)) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(addrs.into_iter().map(|ip| SocketAddr::new(ip, 0))) as Addrs)
        })
    }
}

/// Sends deliveries: never follows a redirect (a 3xx is a failed attempt),
/// never goes through a proxy, and connects only to addresses the resolver
/// let through. Production allows public addresses only; the local default
/// also loopback (a receiver on the developer's machine).
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    allow_loopback: bool,
}

impl Sender {
    /// The sender for `mode`, with the system resolver.
    pub fn for_mode(mode: Mode) -> Self {
        Self::with_lookup(mode == Mode::Local, Arc::new(SystemLookup))
    }

    /// A sender with its own resolver (tests).
    pub fn with_lookup(allow_loopback: bool, lookup: Arc<dyn Lookup>) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver {
                inner: lookup,
                allow_loopback,
            }))
            .timeout(SEND_TIMEOUT)
            .build()
            .unwrap_or_default();
        Self {
            client,
            allow_loopback,
        }
    }

    /// An address written as an IP literal is never resolved, so it is
    /// checked here (registration refuses private literals already).
    fn literal_refused(&self, url: &str) -> Option<String> {
        let parsed = reqwest::Url::parse(url).ok()?;
        let host = parsed.host_str()?;
        let ip: IpAddr = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .ok()?;
        (!may_deliver_to(ip, self.allow_loopback))
            .then(|| format!("{ip} is not a public address; not delivered"))
    }

    /// POSTs one signed delivery; the status on success, else the status
    /// (if any answer came) and why.
    pub async fn send(&self, claimed: &Claimed) -> Result<u16, (Option<u16>, String)> {
        if let Some(why) = self.literal_refused(&claimed.url) {
            return Err((None, why));
        }
        let body = serde_json::to_vec(&claimed.payload).map_err(|e| (None, e.to_string()))?;
        let id = claimed.event_id.to_string();
        let timestamp = OffsetDateTime::now_utc().unix_timestamp();
        let signatures: Vec<String> = [
            Some(claimed.secret.as_str()),
            claimed.previous_secret.as_deref(),
        ]
        .into_iter()
        .flatten()
        .filter_map(|secret| sign(secret, &id, timestamp, &body))
        .collect();
        let response = self
            .client
            .post(&claimed.url)
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signatures.join(" "))
            .body(body)
            .send()
            .await
            .map_err(|e| (None, format!("request failed: {}", causes(&e))))?;
        let status = response.status();
        if status.is_success() {
            Ok(status.as_u16())
        } else if status.is_redirection() {
            Err((
                Some(status.as_u16()),
                format!(
                    "the endpoint answered {} (a redirect; deliveries never follow one)",
                    status.as_u16()
                ),
            ))
        } else {
            Err((
                Some(status.as_u16()),
                format!("the endpoint answered {}", status.as_u16()),
            ))
        }
    }
}

/// An error with its causes (reqwest's own message leaves them out).
fn causes(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let line = cause.to_string();
        if !text.contains(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        source = cause.source();
    }
    text
}

fn failure(claimed: &Claimed, at: OffsetDateTime, status: Option<u16>, error: String) -> Outcome {
    let age = at - claimed.created_at;
    let retry_at = (age < RETRY_FOR).then(|| {
        at + retry_delay(
            u32::try_from(claimed.attempts).unwrap_or(u32::MAX),
            rand::random::<f64>(),
        )
    });
    let failing_since = claimed.failing_since.unwrap_or(at);
    let disable = (at - failing_since >= DISABLE_AFTER).then(|| {
        format!(
            "disabled after failing without a success since {failing_since}; last error: {error}"
        )
    });
    Outcome::Failed {
        status: status.map(i32::from),
        error,
        retry_at,
        disable,
    }
}

/// Sends every delivery due at `at` (the job runner passes the time; `serve`
/// calls this every two seconds with the clock), and counts the round in
/// the metrics.
pub async fn dispatch_due(
    state: &AppState,
    sender: &Sender,
    at: OffsetDateTime,
) -> Result<DispatchReport, ApiError> {
    let claimed = state
        .run(move |conn| {
            webhooks::claim_due(conn, at, LEASE_SECONDS, BATCH).map_err(ApiError::from)
        })
        .await?;
    let mut report = DispatchReport::default();
    for delivery in claimed {
        let outcome = match sender.send(&delivery).await {
            Ok(status) => Outcome::Delivered {
                status: i32::from(status),
            },
            Err((status, error)) => failure(&delivery, at, status, error),
        };
        match &outcome {
            Outcome::Delivered { .. } => report.delivered += 1,
            Outcome::Failed {
                retry_at: Some(_), ..
            } => report.retrying += 1,
            Outcome::Failed { retry_at: None, .. } => report.abandoned += 1,
        }
        if matches!(
            &outcome,
            Outcome::Failed {
                disable: Some(_),
                ..
            }
        ) {
            report.disabled += 1;
        }
        state
            .run(move |conn| {
                webhooks::record_outcome(conn, &delivery, at, &outcome).map_err(ApiError::from)
            })
            .await?;
    }
    state.metrics.webhooks(&report);
    Ok(report)
}

/// How often `serve` sends due webhooks.
pub const INTERVAL: Duration = Duration::from_secs(2);

/// Sends due webhooks every two seconds, for as long as the server runs
/// (each process; claims never overlap).
pub fn spawn_every_two_seconds(state: actix_web::web::Data<AppState>) {
    actix_web::rt::spawn(async move {
        let sender = Sender::for_mode(state.config.mode);
        let mut tick = actix_web::rt::time::interval(INTERVAL);
        loop {
            tick.tick().await;
            if !state.ready.is_ready() {
                continue;
            }
            match dispatch_due(&state, &sender, state.clock.now()).await {
                Ok(report) if report != DispatchReport::default() => {
                    log::info!("webhooks: {report:?}");
                }
                Ok(_) => {}
                Err(e) => log::warn!("webhook dispatch failed: {e}"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example from the Standard Webhooks specification.
    #[test]
    fn signs_like_the_standard_webhooks_example() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let signature = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, body);
        assert_eq!(
            signature.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
        assert_eq!(sign("not-a-secret", "x", 1, b""), None);
    }
}
