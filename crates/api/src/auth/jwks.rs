//! A cached JSON Web Key Set, fetched over HTTP(S).
//!
//! Keys are kept for an hour. A token with an unknown `kid` triggers a
//! refresh (key rotation), at most once every ten seconds per issuer, so a
//! flood of forged `kid`s cannot make us hammer the issuer.
//!
//! Each key is held as an `Arc`: a refresh keeps the same `Arc` for a key
//! whose material did not change, so "is this still the issuer's key?" is a
//! pointer comparison (the token cache asks it on every hit). Symmetric keys
//! (`kty: oct`) and encryption keys (`use: enc`) are never loaded.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, PublicKeyUse};
use tokio::sync::Mutex;

use super::verify::VerifyingKey;

const MAX_AGE: Duration = Duration::from_secs(3600);
const MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(10);

/// A published signing key.
#[derive(Debug, PartialEq, Eq)]
pub struct Key {
    pub material: VerifyingKey,
    /// The `alg` the JWK itself declares, if any.
    pub alg: Option<String>,
}

#[derive(Default)]
struct Cached {
    keys: HashMap<String, Arc<Key>>,
    fetched_at: Option<Instant>,
}

impl Cached {
    fn fresh(&self) -> bool {
        self.fetched_at.is_some_and(|t| t.elapsed() < MAX_AGE)
    }
}

/// What a key lookup found, and whether it refreshed the set on the way.
pub struct Lookup {
    pub key: Option<Arc<Key>>,
    /// Set when this lookup fetched the set anew: the keys now published.
    pub refreshed: Option<HashMap<String, Arc<Key>>>,
}

pub struct JwksCache {
    url: String,
    client: reqwest::Client,
    // a std lock: never held across an await
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

    /// The key with this `kid` if the set is fresh and holds it; no I/O.
    pub fn current(&self, kid: &str) -> Option<Arc<Key>> {
        let cached = self.cached.read().unwrap_or_else(PoisonError::into_inner);
        if cached.fresh() {
            cached.keys.get(kid).cloned()
        } else {
            None
        }
    }

    /// The key with this `kid`, refreshing the set if it is unknown or stale.
    pub async fn key(&self, kid: &str) -> Result<Lookup, String> {
        if let Some(key) = self.current(kid) {
            return Ok(Lookup {
                key: Some(key),
                refreshed: None,
            });
        }
        let _guard = self.refreshing.lock().await;
        {
            // someone may have refreshed while we waited
            let cached = self.cached.read().unwrap_or_else(PoisonError::into_inner);
            let recent = cached
                .fetched_at
                .is_some_and(|t| t.elapsed() < MIN_REFRESH_INTERVAL);
            if let Some(key) = cached.keys.get(kid) {
                if cached.fresh() {
                    return Ok(Lookup {
                        key: Some(key.clone()),
                        refreshed: None,
                    });
                }
            } else if recent {
                return Ok(Lookup {
                    key: None,
                    refreshed: None,
                });
            }
        }
        let fetched = self.fetch().await?;
        let mut cached = self.cached.write().unwrap_or_else(PoisonError::into_inner);
        // an unchanged key keeps its Arc, so tokens cached under it stay valid
        let keys: HashMap<String, Arc<Key>> = fetched
            .into_iter()
            .map(|(kid, key)| {
                let kept = cached.keys.get(&kid).filter(|old| ***old == key).cloned();
                (kid, kept.unwrap_or_else(|| Arc::new(key)))
            })
            .collect();
        cached.keys.clone_from(&keys);
        cached.fetched_at = Some(Instant::now());
        Ok(Lookup {
            key: keys.get(kid).cloned(),
            refreshed: Some(keys),
        })
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
        Ok(set
            .keys
            .iter()
            .filter_map(|jwk| Some((jwk.common.key_id.clone()?, key_of(jwk)?)))
            .collect())
    }
}

fn b64(value: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(value.trim_end_matches('=')).ok()
}

/// A verifying key from a JWK; `None` for symmetric, encryption or malformed keys.
fn key_of(jwk: &Jwk) -> Option<Key> {
    if matches!(
        jwk.common.public_key_use,
        Some(PublicKeyUse::Encryption | PublicKeyUse::Other(_))
    ) {
        return None;
    }
    let material = match &jwk.algorithm {
        AlgorithmParameters::RSA(rsa) => {
            let n = b64(&rsa.n)?;
            let e = b64(&rsa.e)?;
            VerifyingKey::rsa(&n, &e)?
        }
        AlgorithmParameters::EllipticCurve(ec) => {
            let (x, y) = (b64(&ec.x)?, b64(&ec.y)?);
            VerifyingKey::ec(&ec.curve, &x, &y)?
        }
        AlgorithmParameters::OctetKeyPair(okp) if okp.curve == EllipticCurve::Ed25519 => {
            VerifyingKey::ed25519(&b64(&okp.x)?)?
        }
        AlgorithmParameters::OctetKeyPair(_) | AlgorithmParameters::OctetKey(_) => return None,
    };
    Some(Key {
        material,
        alg: jwk.common.key_algorithm.map(|a| format!("{a:?}")),
    })
}
