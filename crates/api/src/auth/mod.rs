//! Who is calling: a principal taken from a bearer JWT.
//!
//! Tokens come from configured OIDC issuers and are validated against the
//! issuer's JWKS: the issuer is looked up by `iss`, the `alg` must be one
//! pinned for that issuer, the key is found by `kid`, and the signature,
//! `iss`, `aud`, `exp` and `nbf` are checked. Every failure is a 401
//! problem with a `WWW-Authenticate` header.

pub mod dev_issuer;
pub mod issuers;
pub mod jwks;

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use base64::Engine;
use hds_domain::identity::{NationalId, Orgnr};
use jsonwebtoken::{decode, decode_header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::state::AppState;
use issuers::{IssuerConfig, IssuerKind};
use jwks::JwksCache;

/// What a principal may do.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Søker: a researcher applying for data.
    Applicant,
    /// Saksbehandler at Helsedataservice.
    CaseHandler,
    /// Registerforvalter: a register custodian's system.
    Custodian,
    /// Keeps the catalogue and the service notices.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applicant => "APPLICANT",
            Self::CaseHandler => "CASE_HANDLER",
            Self::Custodian => "CUSTODIAN",
            Self::Admin => "ADMIN",
        }
    }
}

/// A person or an organisation.
#[derive(Clone, PartialEq, Eq)]
pub enum Subject {
    Person {
        pid: NationalId,
        name: Option<String>,
    },
    Organisation {
        orgnr: Orgnr,
    },
}

/// The authenticated caller.
#[derive(Clone)]
pub struct Principal {
    pub subject: Subject,
    pub roles: Vec<Role>,
    pub issuer: String,
}

impl std::fmt::Debug for Principal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Principal({}, {:?})", self.actor(), self.roles)
    }
}

impl Principal {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// 403 unless the caller holds `role`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.has(role) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "this needs the {} role, which your token does not give",
                role.as_str()
            )))
        }
    }

    /// How the audit trail names the caller, without a full personal number.
    pub fn actor(&self) -> String {
        match &self.subject {
            Subject::Person { pid, .. } => format!("person:{}", pid.masked()),
            Subject::Organisation { orgnr } => format!("org:{orgnr}"),
        }
    }

    pub fn person_id(&self) -> Option<&NationalId> {
        match &self.subject {
            Subject::Person { pid, .. } => Some(pid),
            Subject::Organisation { .. } => None,
        }
    }

    pub fn orgnr(&self) -> Option<&Orgnr> {
        match &self.subject {
            Subject::Organisation { orgnr } => Some(orgnr),
            Subject::Person { .. } => None,
        }
    }
}

struct TrustedIssuer {
    config: IssuerConfig,
    jwks: JwksCache,
}

/// Validates bearer tokens against the trusted issuers.
pub struct Authenticator {
    issuers: Vec<TrustedIssuer>,
}

#[derive(Deserialize)]
struct Unverified {
    iss: Option<String>,
}

fn unverified_issuer(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice::<Unverified>(&bytes).ok()?.iss
}

impl Authenticator {
    pub fn new(configs: Vec<IssuerConfig>) -> Self {
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
        }
    }

    /// Validates a token and maps its claims to a principal.
    pub async fn authenticate(&self, token: &str) -> Result<Principal, ApiError> {
        let header = decode_header(token).map_err(|_| {
            ApiError::unauthorized("the token is malformed or uses an unsupported algorithm")
        })?;
        let iss = unverified_issuer(token)
            .ok_or_else(|| ApiError::unauthorized("the token has no issuer (iss)"))?;
        let trusted = self
            .issuers
            .iter()
            .find(|i| i.config.issuer == iss)
            .ok_or_else(|| ApiError::unauthorized("the token's issuer is not trusted"))?;
        if !trusted.config.algorithms.contains(&header.alg) {
            return Err(ApiError::unauthorized(format!(
                "algorithm {:?} is not accepted from this issuer",
                header.alg
            )));
        }
        let kid = header
            .kid
            .ok_or_else(|| ApiError::unauthorized("the token has no key id (kid)"))?;
        let key = trusted
            .jwks
            .key(&kid)
            .await
            .map_err(ApiError::unavailable)?
            .ok_or_else(|| ApiError::unauthorized("the token is signed with an unknown key"))?;
        if key
            .alg
            .as_deref()
            .is_some_and(|a| a != format!("{:?}", header.alg))
        {
            return Err(ApiError::unauthorized(
                "the token's algorithm does not match its key",
            ));
        }
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&trusted.config.issuer]);
        validation.set_audience(&[&trusted.config.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.validate_nbf = true;
        validation.leeway = 30;
        let claims = decode::<Value>(token, &key.decoding, &validation)
            .map_err(|e| ApiError::unauthorized(describe(&e)))?
            .claims;
        principal_from_claims(&trusted.config, &claims)
    }
}

fn describe(err: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind;
    match err.kind() {
        ErrorKind::ExpiredSignature => "the token has expired".into(),
        ErrorKind::ImmatureSignature => "the token is not valid yet (nbf)".into(),
        ErrorKind::InvalidAudience => "the token is not meant for this service (aud)".into(),
        ErrorKind::InvalidIssuer => "the token's issuer is not trusted".into(),
        ErrorKind::InvalidSignature => "the token's signature is invalid".into(),
        ErrorKind::MissingRequiredClaim(c) => format!("the token lacks the {c} claim"),
        ErrorKind::InvalidAlgorithm => "the token's algorithm does not match its key".into(),
        _ => "the token is invalid".into(),
    }
}

fn claim_str<'a>(claims: &'a Value, name: &str) -> Option<&'a str> {
    claims.get(name).and_then(Value::as_str)
}

fn person(claims: &Value, pid_claim: &str) -> Result<Subject, ApiError> {
    let raw = claim_str(claims, pid_claim)
        .ok_or_else(|| ApiError::unauthorized(format!("the token has no {pid_claim} claim")))?;
    let pid = NationalId::parse(raw).map_err(|_| {
        ApiError::unauthorized(format!(
            "the token's {pid_claim} is not a valid national identity number"
        ))
    })?;
    Ok(Subject::Person {
        pid,
        name: claim_str(claims, "name").map(str::to_owned),
    })
}

fn organisation(claims: &Value) -> Result<Subject, ApiError> {
    let id = claims
        .get("consumer")
        .and_then(|c| c.get("ID"))
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::unauthorized("the token has no consumer.ID claim"))?;
    let orgnr = Orgnr::from_iso6523(id)
        .map_err(|_| ApiError::unauthorized("the token's consumer.ID is not 0192:<valid orgnr>"))?;
    Ok(Subject::Organisation { orgnr })
}

fn roles_from(
    claims: &Value,
    claim: &str,
    map: &std::collections::BTreeMap<String, Role>,
) -> Vec<Role> {
    let values: Vec<&str> = match claims.get(claim) {
        Some(Value::String(s)) => s.split_whitespace().collect(),
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let mut roles: Vec<Role> = values
        .into_iter()
        .filter_map(|v| {
            map.get(v)
                .copied()
                .or_else(|| serde_json::from_value(Value::String(v.to_owned())).ok())
        })
        .collect();
    roles.sort();
    roles.dedup();
    roles
}

fn has_scope(claims: &Value, scope: &str) -> bool {
    claim_str(claims, "scope").is_some_and(|s| s.split_whitespace().any(|x| x == scope))
}

/// Maps validated claims to a principal, by the kind of issuer.
pub fn principal_from_claims(config: &IssuerConfig, claims: &Value) -> Result<Principal, ApiError> {
    let (subject, roles) = match config.kind {
        IssuerKind::IdPorten => (person(claims, "pid")?, vec![Role::Applicant]),
        IssuerKind::Maskinporten => {
            let scope = config
                .custodian_scope
                .as_deref()
                .unwrap_or("helsedata:custodian");
            let roles = if has_scope(claims, scope) {
                vec![Role::Custodian]
            } else {
                Vec::new()
            };
            (organisation(claims)?, roles)
        }
        IssuerKind::HelseId => {
            let claim = config.role_claim.as_deref().unwrap_or("helsedata/roles");
            (
                person(claims, "helseid://claims/identity/pid")?,
                roles_from(claims, claim, &config.role_map),
            )
        }
        IssuerKind::Dev => {
            let subject = if claims.get("consumer").is_some() {
                organisation(claims)?
            } else {
                person(claims, "pid")?
            };
            (subject, roles_from(claims, "roles", &config.role_map))
        }
    };
    let mut roles = roles;
    roles.retain(|role| config.kind.may_grant(*role));
    Ok(Principal {
        subject,
        roles,
        issuer: config.issuer.clone(),
    })
}

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let Some(value) = req.headers().get(actix_web::http::header::AUTHORIZATION) else {
        return Err(ApiError::missing_token());
    };
    let value = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("the Authorization header is not readable"))?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim().to_owned())
        }
        _ => Err(ApiError::unauthorized(
            "the Authorization header must be 'Bearer <token>'",
        )),
    }
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let token = token?;
            let state = state.ok_or_else(|| ApiError::internal("no application state"))?;
            state.auth.authenticate(&token).await
        })
    }
}
