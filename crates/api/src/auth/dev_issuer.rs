//! The local development token issuer.
//!
//! It works like a real OIDC issuer: it signs RS256 tokens with a private key
//! generated on first use (kept in the git-ignored `.local/dev-issuer/`), and
//! the server publishes its JWKS at `/dev-issuer/jwks.json` and validates dev
//! tokens by fetching that JWKS, through the same code path as ID-porten,
//! Maskinporten and HelseID tokens. It is refused in production mode.

use std::path::Path;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::issuers::IssuerConfig;
use super::Role;

/// A made-up fødselsnummer (valid control digits) for dev tokens without `PID`.
pub const DEFAULT_PID: &str = "15058510170";
/// Folkehelseinstituttet, the default organisation for CUSTODIAN dev tokens.
pub const DEFAULT_ORGNR: &str = "983744516";

pub struct DevIssuer {
    issuer: String,
    kid: String,
    encoding: EncodingKey,
    n: String,
    e: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DevIssuerError {
    #[error("dev issuer key {path}: {message}")]
    Key { path: String, message: String },
    #[error("signing a dev token: {0}")]
    Sign(String),
}

fn key_error(path: &Path, message: impl std::fmt::Display) -> DevIssuerError {
    DevIssuerError::Key {
        path: path.display().to_string(),
        message: message.to_string(),
    }
}

/// Reads the key, or generates and stores it if there is none yet. Safe when
/// several processes start at once: the file appears atomically, once.
fn load_or_create(path: &Path) -> Result<RsaPrivateKey, DevIssuerError> {
    if !path.exists() {
        let dir = path.parent().unwrap_or_else(|| Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| key_error(path, e))?;
        let key =
            RsaPrivateKey::new(&mut rand::thread_rng(), 2048).map_err(|e| key_error(path, e))?;
        let pem = key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| key_error(path, e))?;
        let tmp = dir.join(format!(".key-{}.pem", uuid::Uuid::new_v4().simple()));
        std::fs::write(&tmp, pem.as_bytes()).map_err(|e| key_error(path, e))?;
        // hard_link fails if another process won the race; then use its key
        let _ = std::fs::hard_link(&tmp, path);
        let _ = std::fs::remove_file(&tmp);
    }
    let pem = std::fs::read_to_string(path).map_err(|e| key_error(path, e))?;
    RsaPrivateKey::from_pkcs8_pem(&pem).map_err(|e| key_error(path, e))
}

impl DevIssuer {
    pub fn load_or_create(key_path: &Path, issuer: &str) -> Result<Self, DevIssuerError> {
        let key = load_or_create(key_path)?;
        let pem = key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| key_error(key_path, e))?;
        let encoding =
            EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(|e| key_error(key_path, e))?;
        let n = URL_SAFE_NO_PAD.encode(key.n().to_bytes_be());
        let e = URL_SAFE_NO_PAD.encode(key.e().to_bytes_be());
        // RFC 7638 thumbprint as the key id
        let thumbprint = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
        let kid = URL_SAFE_NO_PAD.encode(Sha256::digest(thumbprint.as_bytes()));
        Ok(Self {
            issuer: issuer.to_owned(),
            kid,
            encoding,
            n,
            e,
        })
    }

    pub fn config(&self) -> IssuerConfig {
        IssuerConfig::dev(&self.issuer)
    }

    /// The public key set, as the issuer publishes it.
    pub fn jwks(&self) -> Value {
        json!({"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid, "n": self.n, "e": self.e}]})
    }

    /// The OpenID discovery document.
    pub fn discovery(&self) -> Value {
        json!({
            "issuer": self.issuer,
            "jwks_uri": format!("{}/jwks.json", self.issuer),
            "id_token_signing_alg_values_supported": ["RS256"],
        })
    }

    /// Signs arbitrary claims with this issuer's key (tests use it to forge
    /// tokens that are valid in every way but one).
    pub fn sign(&self, claims: &Value) -> Result<String, DevIssuerError> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        encode(&header, claims, &self.encoding).map_err(|e| DevIssuerError::Sign(e.to_string()))
    }

    /// The claims of a token for `role`, shaped as the real issuer's would be:
    /// a person (`pid`) for APPLICANT, CASE_HANDLER and ADMIN, an organisation
    /// (`consumer.ID` = `0192:<orgnr>`) for CUSTODIAN.
    pub fn claims(
        &self,
        role: Role,
        pid: Option<&str>,
        org: Option<&str>,
        name: Option<&str>,
        now: i64,
        ttl_secs: i64,
    ) -> Value {
        let mut claims = json!({
            "iss": self.issuer,
            "aud": IssuerConfig::DEV_AUDIENCE,
            "iat": now,
            "nbf": now,
            "exp": now + ttl_secs,
            "jti": uuid::Uuid::new_v4().to_string(),
            "roles": [role.as_str()],
        });
        if role == Role::Custodian {
            let org = org.unwrap_or(DEFAULT_ORGNR);
            claims["sub"] = json!(format!("0192:{org}"));
            claims["consumer"] =
                json!({"authority": "iso6523-actorid-upis", "ID": format!("0192:{org}")});
            claims["scope"] = json!("helsedata:custodian");
        } else {
            let pid = pid.unwrap_or(DEFAULT_PID);
            claims["sub"] = json!(format!(
                "dev-{}",
                &URL_SAFE_NO_PAD.encode(Sha256::digest(pid.as_bytes()))[..16]
            ));
            claims["pid"] = json!(pid);
            claims["name"] = json!(name.unwrap_or("Utvikler Testesen"));
            if let Some(org) = org {
                claims["orgnr"] = json!(org);
            }
        }
        claims
    }

    pub fn mint(
        &self,
        role: Role,
        pid: Option<&str>,
        org: Option<&str>,
        name: Option<&str>,
        now: i64,
    ) -> Result<String, DevIssuerError> {
        self.sign(&self.claims(role, pid, org, name, now, 8 * 3600))
    }
}
