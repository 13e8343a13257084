//! Validates bearer tokens against the trusted issuers: from the cache of
//! verified tokens when it may answer, otherwise in full (issuer by `iss`,
//! pinned `alg`, key by `kid`, signature, registered claims, principal).

use serde_json::Value;

use super::issuers::IssuerConfig;
use super::jwks::JwksCache;
use super::token_cache::{self, TokenCache, Verified};
use super::verify::{check_claims, Compact, Refusal};
use super::{principal_from_claims, Principal};
use crate::clock::Clock;
use crate::error::{ApiError, Text};

struct TrustedIssuer {
    config: IssuerConfig,
    jwks: JwksCache,
}

/// Validates bearer tokens against the trusted issuers.
pub struct Authenticator {
    issuers: Vec<TrustedIssuer>,
    verified: TokenCache,
    /// What `exp` and `nbf` are checked against (the system clock; tests set it).
    clock: Clock,
}

fn refused(refusal: &Refusal) -> ApiError {
    ApiError::unauthorized(refusal.describe())
}

impl Authenticator {
    pub fn new(configs: Vec<IssuerConfig>, clock: Clock) -> Self {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(5))
            .build()
            .unwrap_or_default();
        Self {
            issuers: configs
                .into_iter()
                .map(|config| TrustedIssuer {
                    jwks: JwksCache::new(config.jwks_url.clone(), client.clone()),
                    config,
                })
                .collect(),
            verified: TokenCache::new(token_cache::CAPACITY),
            clock,
        }
    }

    /// The clock tokens are checked against.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// How many verified tokens are remembered (tests).
    pub fn cached_tokens(&self) -> usize {
        self.verified.len()
    }

    /// Validates a token and maps its claims to a principal.
    pub async fn authenticate(&self, token: &str) -> Result<Principal, ApiError> {
        let now = self.clock.now().unix_timestamp();
        let hash = token_cache::hash(token);
        let cached = self.verified.get(&hash, now, |entry| {
            self.issuers[entry.issuer]
                .jwks
                .current(&entry.kid)
                .is_some_and(|key| std::sync::Arc::ptr_eq(&key, &entry.key))
        });
        if let Some(hit) = cached {
            return Ok(hit.principal);
        }
        let verified = self.verify(token, now).await?;
        let principal = verified.principal.clone();
        self.verified.insert(hash, verified, now);
        Ok(principal)
    }

    async fn verify(&self, token: &str, now: i64) -> Result<Verified, ApiError> {
        let compact = Compact::parse(token).map_err(|r| refused(&r))?;
        let iss = compact.unverified_issuer().ok_or_else(|| {
            ApiError::unauthorized(Text::new(
                "tokenet mangler utsteder (iss)",
                "the token has no issuer (iss)",
            ))
        })?;
        let (index, trusted) = self
            .issuers
            .iter()
            .enumerate()
            .find(|(_, i)| i.config.issuer == iss)
            .ok_or_else(|| refused(&Refusal::WrongIssuer))?;
        if !trusted.config.algorithms.contains(&compact.alg) {
            return Err(ApiError::unauthorized(Text::new(
                format!(
                    "algoritmen {:?} godtas ikke fra denne utstederen",
                    compact.alg
                ),
                format!(
                    "algorithm {:?} is not accepted from this issuer",
                    compact.alg
                ),
            )));
        }
        let kid = compact.kid.clone().ok_or_else(|| {
            ApiError::unauthorized(Text::new(
                "tokenet mangler nøkkel-id (kid)",
                "the token has no key id (kid)",
            ))
        })?;
        let lookup = trusted
            .jwks
            .key(&kid)
            .await
            .map_err(ApiError::unavailable)?;
        if let Some(published) = &lookup.refreshed {
            self.verified.keep_published(index, published);
        }
        let key = lookup.key.ok_or_else(|| {
            ApiError::unauthorized(Text::new(
                "tokenet er signert med en ukjent nøkkel",
                "the token is signed with an unknown key",
            ))
        })?;
        if key
            .alg
            .as_deref()
            .is_some_and(|a| a != format!("{:?}", compact.alg))
        {
            return Err(ApiError::unauthorized(Text::new(
                "tokenets algoritme passer ikke til nøkkelen",
                "the token's algorithm does not match its key",
            )));
        }
        let claims = compact
            .verified_claims(&key.material)
            .map_err(|r| refused(&r))?;
        let validity = check_claims(
            &claims,
            &trusted.config.issuer,
            &trusted.config.audience,
            now,
        )
        .map_err(|r| refused(&r))?;
        let principal = principal_from_claims(&trusted.config, &Value::Object(claims))?;
        Ok(Verified {
            principal,
            validity,
            issuer: index,
            kid,
            key,
        })
    }
}
