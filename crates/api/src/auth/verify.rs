//! Checking a compact JWS (a JWT) ourselves: its shape, its signature (with
//! `ring`, whose RSA verification costs tens of microseconds where the pure
//! Rust one cost hundreds), and the registered claims `iss`, `aud`, `exp`
//! and `nbf`.
//!
//! What is refused, and where:
//! - anything but three base64url parts, or a header that is not JSON;
//! - `alg: none` and every name we do not know (the header does not parse);
//! - an `alg` the issuer is not pinned to (so HS256 never reaches a key);
//! - an `alg` of another family than the key (an RSA key verifies only
//!   RS*/PS*, a P-256 key only ES256, ...): there are no symmetric keys at
//!   all, so HS/RS confusion has nothing to confuse;
//! - a `crit` header (we understand no extensions, RFC 7515 4.1.11);
//! - a bad signature, then a wrong `iss` or `aud`, a missing `exp`, `iss`
//!   or `aud`, an `exp` in the past or an `nbf` in the future (both with
//!   [`LEEWAY_SECONDS`]), or a non-numeric `exp`/`nbf`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::jwk::EllipticCurve;
use jsonwebtoken::Algorithm;
use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::Text;

/// Clock skew allowed between the issuer and us, on `exp` and `nbf`.
pub const LEEWAY_SECONDS: i64 = 30;

/// A public key, ready for `ring`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyingKey {
    /// Modulus and exponent, big-endian, without leading zeros.
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// An uncompressed point (`04 || x || y`).
    P256(Vec<u8>),
    P384(Vec<u8>),
    Ed25519(Vec<u8>),
}

fn without_leading_zeros(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes[start..].to_vec()
}

impl VerifyingKey {
    pub fn rsa(n: &[u8], e: &[u8]) -> Option<Self> {
        let (n, e) = (without_leading_zeros(n), without_leading_zeros(e));
        (!n.is_empty() && !e.is_empty()).then_some(Self::Rsa { n, e })
    }

    pub fn ec(curve: &EllipticCurve, x: &[u8], y: &[u8]) -> Option<Self> {
        let size = match curve {
            EllipticCurve::P256 => 32,
            EllipticCurve::P384 => 48,
            EllipticCurve::P521 | EllipticCurve::Ed25519 => return None,
        };
        if x.len() != size || y.len() != size {
            return None;
        }
        let point = [&[4_u8][..], x, y].concat();
        Some(match curve {
            EllipticCurve::P256 => Self::P256(point),
            _ => Self::P384(point),
        })
    }

    pub fn ed25519(x: &[u8]) -> Option<Self> {
        (x.len() == 32).then(|| Self::Ed25519(x.to_vec()))
    }

    /// Whether `signature` over `message` is valid for `alg` under this key.
    /// An `alg` of another family than the key is simply not valid.
    pub fn verifies(&self, alg: Algorithm, message: &[u8], sig: &[u8]) -> bool {
        let rsa = |params: &'static signature::RsaParameters| match self {
            Self::Rsa { n, e } => RsaPublicKeyComponents { n, e }
                .verify(params, message, sig)
                .is_ok(),
            _ => false,
        };
        match (alg, self) {
            (Algorithm::RS256, _) => rsa(&signature::RSA_PKCS1_2048_8192_SHA256),
            (Algorithm::RS384, _) => rsa(&signature::RSA_PKCS1_2048_8192_SHA384),
            (Algorithm::RS512, _) => rsa(&signature::RSA_PKCS1_2048_8192_SHA512),
            (Algorithm::PS256, _) => rsa(&signature::RSA_PSS_2048_8192_SHA256),
            (Algorithm::PS384, _) => rsa(&signature::RSA_PSS_2048_8192_SHA384),
            (Algorithm::PS512, _) => rsa(&signature::RSA_PSS_2048_8192_SHA512),
            (Algorithm::ES256, Self::P256(point)) => {
                UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                    .verify(message, sig)
                    .is_ok()
            }
            (Algorithm::ES384, Self::P384(point)) => {
                UnparsedPublicKey::new(&signature::ECDSA_P384_SHA384_FIXED, point)
                    .verify(message, sig)
                    .is_ok()
            }
            (Algorithm::EdDSA, Self::Ed25519(x)) => UnparsedPublicKey::new(&signature::ED25519, x)
                .verify(message, sig)
                .is_ok(),
            _ => false,
        }
    }
}

/// Why a token is refused (each becomes a 401 naming it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Malformed,
    CriticalHeader,
    InvalidSignature,
    WrongIssuer,
    WrongAudience,
    Expired,
    NotYetValid,
    MissingClaim(&'static str),
    InvalidClaim(&'static str),
}

impl Refusal {
    pub fn describe(&self) -> Text {
        match self {
            Self::Malformed => Text::new(
                "tokenet er misdannet eller bruker en algoritme som ikke støttes",
                "the token is malformed or uses an unsupported algorithm",
            ),
            Self::CriticalHeader => Text::new(
                "tokenet har kritiske header-utvidelser (crit)",
                "the token has critical header extensions (crit)",
            ),
            Self::InvalidSignature => Text::new(
                "tokenets signatur er ugyldig",
                "the token's signature is invalid",
            ),
            Self::WrongIssuer => Text::new(
                "tokenets utsteder er ikke godkjent",
                "the token's issuer is not trusted",
            ),
            Self::WrongAudience => Text::new(
                "tokenet er ikke ment for denne tjenesten (aud)",
                "the token is not meant for this service (aud)",
            ),
            Self::Expired => Text::new("tokenet er utløpt", "the token has expired"),
            Self::NotYetValid => Text::new(
                "tokenet er ikke gyldig ennå (nbf)",
                "the token is not valid yet (nbf)",
            ),
            Self::MissingClaim(c) => Text::new(
                format!("tokenet mangler {c}"),
                format!("the token lacks the {c} claim"),
            ),
            Self::InvalidClaim(c) => Text::new(
                format!("tokenets {c} er ugyldig"),
                format!("the token's {c} claim is not valid"),
            ),
        }
    }
}

/// A token split into its parts; nothing about it is trusted yet.
pub struct Compact<'a> {
    pub alg: Algorithm,
    pub kid: Option<String>,
    /// `header.payload`, the bytes the signature covers.
    signed: &'a [u8],
    signature: Vec<u8>,
    payload: Vec<u8>,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    crit: Option<Value>,
}

fn b64(part: &str) -> Result<Vec<u8>, Refusal> {
    URL_SAFE_NO_PAD.decode(part).map_err(|_| Refusal::Malformed)
}

impl<'a> Compact<'a> {
    pub fn parse(token: &'a str) -> Result<Self, Refusal> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Refusal::Malformed);
        };
        let parsed: Header =
            serde_json::from_slice(&b64(header)?).map_err(|_| Refusal::Malformed)?;
        if parsed.crit.is_some() {
            return Err(Refusal::CriticalHeader);
        }
        let alg = parsed
            .alg
            .parse::<Algorithm>()
            .map_err(|_| Refusal::Malformed)?;
        Ok(Self {
            alg,
            kid: parsed.kid,
            signed: &token.as_bytes()[..header.len() + 1 + payload.len()],
            signature: b64(signature)?,
            payload: b64(payload)?,
        })
    }

    /// The unverified `iss`, to pick the issuer whose keys to try.
    pub fn unverified_issuer(&self) -> Option<String> {
        #[derive(Deserialize)]
        struct Iss {
            iss: Option<String>,
        }
        serde_json::from_slice::<Iss>(&self.payload).ok()?.iss
    }

    /// The claims, once the signature verifies under `key`.
    pub fn verified_claims(&self, key: &VerifyingKey) -> Result<Map<String, Value>, Refusal> {
        if !key.verifies(self.alg, self.signed, &self.signature) {
            return Err(Refusal::InvalidSignature);
        }
        serde_json::from_slice(&self.payload).map_err(|_| Refusal::Malformed)
    }
}

/// The validity window of verified claims: `nbf` (if any) and `exp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    pub not_before: Option<i64>,
    pub expires_at: i64,
}

fn numeric_date(claims: &Map<String, Value>, name: &'static str) -> Result<Option<i64>, Refusal> {
    match claims.get(name) {
        None => Ok(None),
        Some(value) => value
            .as_i64()
            .or_else(|| {
                value
                    .as_f64()
                    .filter(|f| f.is_finite() && f.abs() < 1e15)
                    // whole seconds; the fraction only ever narrows the window
                    .map(|f| {
                        #[allow(clippy::cast_possible_truncation)]
                        let secs = f.floor() as i64;
                        secs
                    })
            })
            .map(Some)
            .ok_or(Refusal::InvalidClaim(name)),
    }
}

/// The registered claims, checked at `now` (Unix seconds) against the
/// issuer and audience we expect.
pub fn check_claims(
    claims: &Map<String, Value>,
    issuer: &str,
    audience: &str,
    now: i64,
) -> Result<Validity, Refusal> {
    let expires_at = numeric_date(claims, "exp")?.ok_or(Refusal::MissingClaim("exp"))?;
    let not_before = numeric_date(claims, "nbf")?;
    match claims.get("iss") {
        None => return Err(Refusal::MissingClaim("iss")),
        Some(Value::String(iss)) if iss == issuer => {}
        Some(_) => return Err(Refusal::WrongIssuer),
    }
    let aud_ok = match claims.get("aud") {
        None => return Err(Refusal::MissingClaim("aud")),
        Some(Value::String(aud)) => aud == audience,
        Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(audience)),
        Some(_) => false,
    };
    if !aud_ok {
        return Err(Refusal::WrongAudience);
    }
    if expires_at.saturating_add(LEEWAY_SECONDS) < now {
        return Err(Refusal::Expired);
    }
    if not_before.is_some_and(|nbf| nbf > now.saturating_add(LEEWAY_SECONDS)) {
        return Err(Refusal::NotYetValid);
    }
    Ok(Validity {
        not_before,
        expires_at,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use serde_json::json;

    use super::*;

    fn claims(v: &Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn claims_are_checked_with_the_leeway_and_nothing_more() {
        let now = 1_800_000_000;
        let good = json!({"iss": "i", "aud": ["x", "a"], "exp": now + 10, "nbf": now});
        assert_eq!(
            check_claims(&claims(&good), "i", "a", now),
            Ok(Validity {
                not_before: Some(now),
                expires_at: now + 10
            })
        );
        let at = |exp: i64, nbf: i64| {
            check_claims(
                &claims(&json!({"iss": "i", "aud": "a", "exp": exp, "nbf": nbf})),
                "i",
                "a",
                now,
            )
        };
        assert!(
            at(now - LEEWAY_SECONDS, now - 100).is_ok(),
            "exp within the leeway"
        );
        assert_eq!(
            at(now - LEEWAY_SECONDS - 1, now - 100),
            Err(Refusal::Expired)
        );
        assert!(
            at(now + 100, now + LEEWAY_SECONDS).is_ok(),
            "nbf within the leeway"
        );
        assert_eq!(
            at(now + 100, now + LEEWAY_SECONDS + 1),
            Err(Refusal::NotYetValid)
        );
        let refused = |v: Value| check_claims(&claims(&v), "i", "a", now).unwrap_err();
        assert_eq!(
            refused(json!({"iss": "i", "aud": "a"})),
            Refusal::MissingClaim("exp")
        );
        assert_eq!(
            refused(json!({"iss": "i", "aud": "a", "exp": "soon"})),
            Refusal::InvalidClaim("exp")
        );
        assert_eq!(
            refused(json!({"iss": "i", "aud": "a", "exp": now + 9, "nbf": true})),
            Refusal::InvalidClaim("nbf")
        );
        assert_eq!(
            refused(json!({"aud": "a", "exp": now + 9})),
            Refusal::MissingClaim("iss")
        );
        assert_eq!(
            refused(json!({"iss": "j", "aud": "a", "exp": now + 9})),
            Refusal::WrongIssuer
        );
        assert_eq!(
            refused(json!({"iss": "i", "exp": now + 9})),
            Refusal::MissingClaim("aud")
        );
        assert_eq!(
            refused(json!({"iss": "i", "aud": ["b"], "exp": now + 9})),
            Refusal::WrongAudience
        );
        assert_eq!(
            refused(json!({"iss": "i", "aud": {"a": 1}, "exp": now + 9})),
            Refusal::WrongAudience
        );
    }

    #[test]
    fn malformed_tokens_and_unknown_algorithms_do_not_parse() {
        let part = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
        let payload = part(&json!({"iss": "i"}));
        for header in [
            json!({"alg": "none"}),
            json!({"alg": "RS256x"}),
            json!({"typ": "JWT"}),
        ] {
            let token = format!("{}.{payload}.", part(&header));
            assert_eq!(Compact::parse(&token).err(), Some(Refusal::Malformed));
        }
        let crit = format!(
            "{}.{payload}.c2ln",
            part(&json!({"alg": "RS256", "crit": ["x"]}))
        );
        assert_eq!(Compact::parse(&crit).err(), Some(Refusal::CriticalHeader));
        let rs = part(&json!({"alg": "RS256", "kid": "k"}));
        for bad in [
            format!("{rs}.{payload}"),
            format!("{rs}.{payload}.c2ln.x"),
            format!("{rs}.{payload}.c2ln="),
            format!("{rs}.!!.c2ln"),
        ] {
            assert_eq!(
                Compact::parse(&bad).err(),
                Some(Refusal::Malformed),
                "{bad}"
            );
        }
        let token = format!("{rs}.{payload}.c2ln");
        let ok = Compact::parse(&token).unwrap();
        assert_eq!((ok.alg, ok.kid.as_deref()), (Algorithm::RS256, Some("k")));
        assert_eq!(ok.unverified_issuer().as_deref(), Some("i"));
    }

    #[test]
    fn a_key_verifies_only_its_own_family() {
        let rsa = VerifyingKey::rsa(&[0, 0xc3, 0x01], &[1, 0, 1]).unwrap();
        assert_eq!(
            rsa,
            VerifyingKey::Rsa {
                n: vec![0xc3, 0x01],
                e: vec![1, 0, 1]
            },
            "leading zeros dropped"
        );
        let ed = VerifyingKey::ed25519(&[7; 32]).unwrap();
        for alg in [Algorithm::HS256, Algorithm::ES256, Algorithm::EdDSA] {
            assert!(!rsa.verifies(alg, b"m", b"s"), "{alg:?} on an RSA key");
        }
        for alg in [Algorithm::RS256, Algorithm::PS256, Algorithm::HS256] {
            assert!(!ed.verifies(alg, b"m", b"s"), "{alg:?} on an Ed25519 key");
        }
        assert!(VerifyingKey::ec(&EllipticCurve::P256, &[1; 32], &[2; 31]).is_none());
        assert!(VerifyingKey::ec(&EllipticCurve::P521, &[1; 66], &[2; 66]).is_none());
    }

    /// A compact JWS signed by `sign` over `header.payload`.
    fn jws(alg: &str, sign: impl Fn(&[u8]) -> Vec<u8>) -> String {
        let header = URL_SAFE_NO_PAD.encode(json!({"alg": alg, "kid": "k"}).to_string());
        let payload = URL_SAFE_NO_PAD.encode(json!({"iss": "i", "aud": "a", "exp": 9}).to_string());
        let signed = format!("{header}.{payload}");
        let signature = URL_SAFE_NO_PAD.encode(sign(signed.as_bytes()));
        format!("{signed}.{signature}")
    }

    /// Verifies `token` under `key`; also that a changed payload does not.
    fn verifies(token: &str, key: &VerifyingKey) -> bool {
        let good = Compact::parse(token).unwrap().verified_claims(key).is_ok();
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(json!({"iss": "i", "aud": "a", "exp": 99}).to_string());
        parts[1] = &forged;
        let tampered = parts.join(".");
        assert_eq!(
            Compact::parse(&tampered).unwrap().verified_claims(key),
            Err(Refusal::InvalidSignature),
            "a changed payload must not verify"
        );
        good
    }

    #[test]
    fn es256_eddsa_and_ps256_signatures_verify_and_only_under_their_key() {
        use ring::rand::SystemRandom;
        use ring::signature::{
            EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING,
            RSA_PSS_SHA256,
        };
        let rng = SystemRandom::new();

        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let ec = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        let point = ec.public_key().as_ref();
        let p256_key = VerifyingKey::ec(&EllipticCurve::P256, &point[1..33], &point[33..]).unwrap();
        let es256 = jws("ES256", |m| ec.sign(&rng, m).unwrap().as_ref().to_vec());
        assert!(verifies(&es256, &p256_key));

        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let ed = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let ed25519_key = VerifyingKey::ed25519(ed.public_key().as_ref()).unwrap();
        let eddsa = jws("EdDSA", |m| ed.sign(m).as_ref().to_vec());
        assert!(verifies(&eddsa, &ed25519_key));

        let private = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
        let der = rsa::pkcs8::EncodePrivateKey::to_pkcs8_der(&private).unwrap();
        let rsa_pair = RsaKeyPair::from_pkcs8(der.as_bytes()).unwrap();
        let public = ring::rsa::PublicKeyComponents::<Vec<u8>>::from(rsa_pair.public());
        let rsa_key = VerifyingKey::rsa(&public.n, &public.e).unwrap();
        let ps256 = jws("PS256", |m| {
            let mut sig = vec![0; rsa_pair.public().modulus_len()];
            rsa_pair.sign(&RSA_PSS_SHA256, &rng, m, &mut sig).unwrap();
            sig
        });
        assert!(verifies(&ps256, &rsa_key));

        // every signature only under its own key and algorithm
        let under = |t: &str, key: &VerifyingKey| Compact::parse(t).unwrap().verified_claims(key);
        assert!(under(&es256, &ed25519_key).is_err());
        assert!(under(&eddsa, &p256_key).is_err());
        assert!(under(&ps256, &p256_key).is_err());
        let ps_as_rs = ps256.replacen(
            &URL_SAFE_NO_PAD.encode(json!({"alg": "PS256", "kid": "k"}).to_string()),
            &URL_SAFE_NO_PAD.encode(json!({"alg": "RS256", "kid": "k"}).to_string()),
            1,
        );
        assert_eq!(
            under(&ps_as_rs, &rsa_key),
            Err(Refusal::InvalidSignature),
            "a PSS signature is not a PKCS#1 v1.5 one"
        );
    }
}
