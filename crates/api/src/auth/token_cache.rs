//! Tokens already verified, so that a client polling every few seconds with
//! the same token pays for one signature check, not one per request.
//!
//! - Keyed by the SHA-256 of the token: the token itself is never kept.
//! - An entry answers only inside the token's own validity window: from its
//!   `nbf` (less the leeway, as the full check allows) until its `exp`, never
//!   longer (the full check's leeway after `exp` is not extended by the
//!   cache: past `exp` the token is checked again from scratch).
//! - An entry answers only while the issuer still publishes the very key
//!   that verified it (the same `Arc` in a fresh JWKS): a refresh that drops
//!   or replaces the key drops the entry, and so does a JWKS older than its
//!   maximum age (the full check then refetches the set).
//! - Bounded: when full, expired entries go first, then an arbitrary eighth.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use super::jwks::Key;
use super::verify::{Validity, LEEWAY_SECONDS};
use super::Principal;

/// How many verified tokens are kept.
pub const CAPACITY: usize = 10_000;

/// The SHA-256 of a token.
pub type TokenHash = [u8; 32];

pub fn hash(token: &str) -> TokenHash {
    let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
    let mut out = [0_u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

/// A verified token: who it names, until when, and under which key.
#[derive(Clone)]
pub struct Verified {
    pub principal: Principal,
    pub validity: Validity,
    /// Which trusted issuer (its position in the authenticator's list).
    pub issuer: usize,
    pub kid: String,
    pub key: Arc<Key>,
}

impl Verified {
    /// Whether the cache may answer for this token at `now` (Unix seconds).
    fn usable_at(&self, now: i64) -> bool {
        now < self.validity.expires_at
            && self
                .validity
                .not_before
                .is_none_or(|nbf| nbf <= now.saturating_add(LEEWAY_SECONDS))
    }
}

pub struct TokenCache {
    entries: RwLock<HashMap<TokenHash, Verified>>,
    capacity: usize,
}

impl TokenCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: RwLock::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    /// The cached token, if usable at `now` and `still_published` says its
    /// key is still the issuer's. An unusable entry is dropped.
    pub fn get(
        &self,
        hash: &TokenHash,
        now: i64,
        still_published: impl Fn(&Verified) -> bool,
    ) -> Option<Verified> {
        {
            let entries = self.entries.read().unwrap_or_else(PoisonError::into_inner);
            let entry = entries.get(hash)?;
            if entry.usable_at(now) && still_published(entry) {
                return Some(entry.clone());
            }
        }
        self.entries
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(hash);
        None
    }

    pub fn insert(&self, hash: TokenHash, verified: Verified, now: i64) {
        if !verified.usable_at(now) {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= self.capacity && !entries.contains_key(&hash) {
            entries.retain(|_, e| e.validity.expires_at > now);
            if entries.len() >= self.capacity {
                let evict: Vec<TokenHash> = entries
                    .keys()
                    .take((self.capacity / 8).max(1))
                    .copied()
                    .collect();
                for key in evict {
                    entries.remove(&key);
                }
            }
        }
        entries.insert(hash, verified);
    }

    /// After a JWKS refresh of `issuer`: drops its entries whose key is no
    /// longer published (or was replaced under the same `kid`).
    pub fn keep_published(&self, issuer: usize, published: &HashMap<String, Arc<Key>>) {
        self.entries
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, e| {
                e.issuer != issuer
                    || published
                        .get(&e.kid)
                        .is_some_and(|k| Arc::ptr_eq(k, &e.key))
            });
    }

    pub fn len(&self) -> usize {
        self.entries
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use hds_domain::identity::Orgnr;

    use super::super::verify::VerifyingKey;
    use super::super::{Role, Subject};
    use super::*;

    fn verified(issuer: usize, kid: &str, key: &Arc<Key>, nbf: Option<i64>, exp: i64) -> Verified {
        Verified {
            principal: Principal {
                subject: Subject::Organisation {
                    orgnr: Orgnr::parse("983744516").unwrap(),
                },
                roles: vec![Role::Custodian],
                issuer: "i".into(),
            },
            validity: Validity {
                not_before: nbf,
                expires_at: exp,
            },
            issuer,
            kid: kid.into(),
            key: key.clone(),
        }
    }

    fn key(n: u8) -> Arc<Key> {
        Arc::new(Key {
            material: VerifyingKey::Rsa {
                n: vec![n],
                e: vec![1, 0, 1],
            },
            alg: None,
        })
    }

    #[test]
    fn an_entry_answers_only_inside_its_window_and_while_its_key_is_published() {
        let cache = TokenCache::new(10);
        let k = key(1);
        let h = hash("token");
        assert_ne!(h, hash("token2"));
        cache.insert(h, verified(0, "k", &k, Some(100), 200), 150);
        let yes = |_: &Verified| true;
        assert!(cache.get(&h, 150, yes).is_some());
        assert!(cache.get(&h, 199, yes).is_some());
        assert!(cache.get(&h, 200, yes).is_none(), "not at exp");
        assert!(cache.is_empty(), "dropped once unusable");

        cache.insert(h, verified(0, "k", &k, Some(100), 200), 150);
        assert!(
            cache.get(&h, 100 - LEEWAY_SECONDS - 1, yes).is_none(),
            "not before nbf"
        );
        cache.insert(h, verified(0, "k", &k, Some(100), 200), 150);
        assert!(cache.get(&h, 150, |_| false).is_none(), "key gone");
        cache.insert(h, verified(0, "k", &k, None, 200), 250);
        assert!(cache.is_empty(), "an expired token is not cached");
    }

    #[test]
    fn a_refresh_drops_the_entries_of_keys_no_longer_published() {
        let cache = TokenCache::new(10);
        let (old, new) = (key(1), key(2));
        cache.insert(hash("a"), verified(0, "old", &old, None, 900), 1);
        cache.insert(hash("b"), verified(0, "new", &new, None, 900), 1);
        cache.insert(hash("c"), verified(1, "old", &old, None, 900), 1);
        // issuer 0 now publishes only "new", and "old" under another key
        let published: HashMap<String, Arc<Key>> =
            [("new".to_owned(), new.clone()), ("old".to_owned(), key(1))].into();
        cache.keep_published(0, &published);
        assert!(cache.get(&hash("a"), 2, |_| true).is_none());
        assert!(cache.get(&hash("b"), 2, |_| true).is_some());
        assert!(cache.get(&hash("c"), 2, |_| true).is_some(), "other issuer");
    }

    #[test]
    fn the_cache_stays_within_its_capacity() {
        let cache = TokenCache::new(16);
        let k = key(1);
        for i in 0..100 {
            let exp = if i % 2 == 0 { 50 } else { 900 };
            cache.insert(hash(&i.to_string()), verified(0, "k", &k, None, exp), 10);
            assert!(cache.len() <= 16);
        }
        cache.insert(hash("late"), verified(0, "k", &k, None, 900), 60);
        assert!(cache.get(&hash("late"), 61, |_| true).is_some());
        assert!(cache.len() <= 16);
    }
}
