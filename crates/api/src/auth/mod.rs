//! Who is calling: a principal taken from a bearer JWT.
//!
//! Tokens come from configured OIDC issuers and are validated against the
//! issuer's JWKS: the issuer is looked up by `iss`, the `alg` must be one
//! pinned for that issuer, the key is found by `kid`, and the signature,
//! `iss`, `aud`, `exp` and `nbf` are checked (`verify`, with `ring`). Every
//! failure is a 401 problem with a `WWW-Authenticate` header. A verified
//! token is remembered until its expiry (`token_cache`), so a client that
//! polls with one token pays for one signature check.

mod authenticator;
mod claims;
pub mod dev_issuer;
pub mod issuers;
pub mod jwks;
pub mod token_cache;
pub mod verify;

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use hds_domain::identity::{NationalId, Orgnr};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, Text};
pub use authenticator::Authenticator;
pub use claims::principal_from_claims;

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
            Err(ApiError::forbidden(Text::new(
                format!(
                    "dette krever rollen {}, som tokenet ditt ikke gir",
                    role.as_str()
                ),
                format!(
                    "this needs the {} role, which your token does not give",
                    role.as_str()
                ),
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

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let Some(value) = req.headers().get(actix_web::http::header::AUTHORIZATION) else {
        return Err(ApiError::missing_token());
    };
    let value = value.to_str().map_err(|_| {
        ApiError::unauthorized(Text::new(
            "Authorization-hodet kan ikke leses",
            "the Authorization header is not readable",
        ))
    })?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim().to_owned())
        }
        _ => Err(ApiError::unauthorized(Text::new(
            "Authorization-hodet må være 'Bearer <token>'",
            "the Authorization header must be 'Bearer <token>'",
        ))),
    }
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let auth = req.app_data::<web::Data<Authenticator>>().cloned();
        Box::pin(async move {
            let token = token?;
            let auth = auth.ok_or_else(|| ApiError::internal("no authenticator"))?;
            auth.authenticate(&token).await
        })
    }
}
