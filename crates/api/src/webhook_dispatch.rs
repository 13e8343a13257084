//! Sending webhooks (Standard Webhooks, <https://www.standardwebhooks.com>).
//!
//! Each delivery is a POST of a thin JSON payload (event id, type, sequence,
//! source) with `webhook-id` (the event id, the same on every retry),
//! `webhook-timestamp` (Unix seconds) and `webhook-signature`
//! (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, and a second
//! signature with the previous secret for a day after a rotation).

use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hds_domain::webhook::{may_deliver_to, retry_delay, DISABLE_AFTER, RETRY_FOR};
use hds_persistence::webhooks::{self, Claimed, Outcome};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::OffsetDateTime;

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

/// Refuses hosts that resolve to private addresses (outside the local default).
async fn resolves_safely(url: &str, allow_loopback: bool) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("bad URL: {e}"))?;
    let host = parsed
        .host_str()
        .ok_or("no host")?
        .trim_matches(['[', ']'])
        .to_owned();
    let port = parsed.port_or_known_default().unwrap_or(443);
    let addrs = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|e| format!("cannot resolve {host}: {e}"))?;
    for addr in addrs {
        if !may_deliver_to(addr.ip(), allow_loopback) {
            return Err(format!("{host} resolves to a private address"));
        }
    }
    Ok(())
}

async fn send(
    client: &reqwest::Client,
    claimed: &Claimed,
    allow_loopback: bool,
) -> Result<u16, (Option<u16>, String)> {
    resolves_safely(&claimed.url, allow_loopback)
        .await
        .map_err(|e| (None, e))?;
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
    let response = client
        .post(&claimed.url)
        .timeout(SEND_TIMEOUT)
        .header("content-type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signatures.join(" "))
        .body(body)
        .send()
        .await
        .map_err(|e| (None, format!("request failed: {e}")))?;
    let status = response.status().as_u16();
    if response.status().is_success() {
        Ok(status)
    } else {
        Err((Some(status), format!("the endpoint answered {status}")))
    }
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
/// calls this every two seconds with the clock).
pub async fn dispatch_due(
    state: &AppState,
    client: &reqwest::Client,
    at: OffsetDateTime,
) -> Result<DispatchReport, ApiError> {
    let allow_loopback = state.config.mode == crate::config::Mode::Local;
    let claimed = state
        .run(move |conn| {
            webhooks::claim_due(conn, at, LEASE_SECONDS, BATCH).map_err(ApiError::from)
        })
        .await?;
    let mut report = DispatchReport::default();
    for delivery in claimed {
        let outcome = match send(client, &delivery, allow_loopback).await {
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
    Ok(report)
}

/// How often `serve` sends due webhooks.
pub const INTERVAL: Duration = Duration::from_secs(2);

/// Sends due webhooks every two seconds, for as long as the server runs
/// (each process; claims never overlap).
pub fn spawn_every_two_seconds(state: actix_web::web::Data<AppState>) {
    actix_web::rt::spawn(async move {
        let client = reqwest::Client::new();
        let mut tick = actix_web::rt::time::interval(INTERVAL);
        loop {
            tick.tick().await;
            match dispatch_due(&state, &client, state.clock.now()).await {
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
