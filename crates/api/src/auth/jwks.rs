//! A cached JSON Web Key Set, fetched over HTTP(S).
//!
//! Keys are kept for an hour. A token with an unknown `kid` triggers a
//! refresh (key rotation), at most once every ten seconds per issuer, so a
//! flood of forged `kid`s cannot make us hammer the issuer.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::DecodingKey;
use tokio::sync::{Mutex, RwLock};

const MAX_AGE: Duration = Duration::from_secs(3600);
const MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct Key {
    pub decoding: DecodingKey,
    /// The `alg` the JWK itself declares, if any.
    pub alg: Option<String>,
}

#[derive(Default)]
struct Cached {
    keys: HashMap<String, Key>,
    fetched_at: Option<Instant>,
}

pub struct JwksCache {
    url: String,
    client: reqwest::Client,
    cached: RwLock<Cached>,
    refreshing: Mutex<()>,
}

impl JwksCache {
    pub fn new(url: String, client: reqwest::Client) -> Self {
        Self {
            url,
            client,
            cached: RwLock::new(Cached::default()),
            refreshing: Mutex::new(()),
        }
    }

    /// The key with this `kid`, refreshing the set if it is unknown or stale.
    pub async fn key(&self, kid: &str) -> Result<Option<Key>, String> {
        {
            let cached = self.cached.read().await;
            let fresh = cached.fetched_at.is_some_and(|t| t.elapsed() < MAX_AGE);
            if fresh {
                if let Some(key) = cached.keys.get(kid) {
                    return Ok(Some(key.clone()));
                }
            }
        }
        let _guard = self.refreshing.lock().await;
        {
            // someone may have refreshed while we waited
            let cached = self.cached.read().await;
            let recent = cached
                .fetched_at
                .is_some_and(|t| t.elapsed() < MIN_REFRESH_INTERVAL);
            if let Some(key) = cached.keys.get(kid) {
                if cached.fetched_at.is_some_and(|t| t.elapsed() < MAX_AGE) {
                    return Ok(Some(key.clone()));
                }
            } else if recent {
                return Ok(None);
            }
        }
        let keys = self.fetch().await?;
        let mut cached = self.cached.write().await;
        cached.keys = keys;
        cached.fetched_at = Some(Instant::now());
        Ok(cached.keys.get(kid).cloned())
    }

    async fn fetch(&self) -> Result<HashMap<String, Key>, String> {
        let response = self
            .client
            .get(&self.url)
            .send()
            .await
            .map_err(|e| format!("fetching JWKS {}: {e}", self.url))?;
        if !response.status().is_success() {
            return Err(format!(
                "fetching JWKS {}: status {}",
                self.url,
                response.status()
            ));
        }
        let set: JwkSet = response
            .json()
            .await
            .map_err(|e| format!("reading JWKS {}: {e}", self.url))?;
        let mut keys = HashMap::new();
        for jwk in &set.keys {
            let Some(kid) = jwk.common.key_id.clone() else {
                continue;
            };
            let Ok(decoding) = DecodingKey::from_jwk(jwk) else {
                continue;
            };
            let alg = jwk.common.key_algorithm.map(|a| format!("{a:?}"));
            keys.insert(kid, Key { decoding, alg });
        }
        Ok(keys)
    }
}
