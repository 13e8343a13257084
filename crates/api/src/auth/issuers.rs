//! Trusted token issuers, as configuration.
//!
//! `HDS_ISSUERS` (or the file named by `HDS_ISSUERS_FILE`) holds a JSON list:
//! ```json
//! [{"kind": "ID_PORTEN", "issuer": "https://idporten.no", "jwksUrl": "https://idporten.no/jwks.json",
//!   "audience": "helsedata", "algorithms": ["RS256"]},
//!  {"kind": "MASKINPORTEN", "issuer": "https://maskinporten.no/", "jwksUrl": "https://maskinporten.no/jwk",
//!   "audience": "https://api.helsedata.no", "algorithms": ["RS256"], "custodianScope": "helsedata:custodian"},
//!  {"kind": "HELSE_ID", "issuer": "https://helseid-sts.nhn.no", "jwksUrl": "https://helseid-sts.nhn.no/.well-known/openid-configuration/jwks",
//!   "audience": "helsedata", "algorithms": ["RS256", "PS256"], "roleClaim": "helsedata/roles",
//!   "roleMap": {"saksbehandler": "CASE_HANDLER", "admin": "ADMIN"}}]
//! ```

use std::collections::BTreeMap;

use jsonwebtoken::Algorithm;
use serde::Deserialize;

use super::Role;

/// How an issuer's claims become a principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IssuerKind {
    /// Persons (ID-porten): `pid` is the national identity number; role APPLICANT.
    IdPorten,
    /// Organisations (Maskinporten): `consumer.ID` = `0192:<orgnr>`; role CUSTODIAN
    /// when the token's `scope` holds the configured custodian scope.
    Maskinporten,
    /// HDS staff (HelseID): person from `helseid://claims/identity/pid`;
    /// roles from the configured role claim through the role map.
    HelseId,
    /// The local development issuer: `pid` or `consumer.ID`, roles in `roles`.
    Dev,
}

impl IssuerKind {
    /// The roles tokens of this kind can give: ID-porten persons apply,
    /// Maskinporten organisations are custodians, and HelseID is for HDS
    /// staff only (CASE_HANDLER, ADMIN), whatever its role claim lists or
    /// its role map says.
    pub fn may_grant(self, role: Role) -> bool {
        match self {
            Self::IdPorten => role == Role::Applicant,
            Self::Maskinporten => role == Role::Custodian,
            Self::HelseId => matches!(role, Role::CaseHandler | Role::Admin),
            Self::Dev => true,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IssuerConfig {
    pub kind: IssuerKind,
    /// The exact `iss` of its tokens.
    pub issuer: String,
    pub jwks_url: String,
    /// The `aud` our tokens must carry.
    pub audience: String,
    /// Pinned signature algorithms; any other `alg` is refused.
    #[serde(deserialize_with = "algorithms")]
    pub algorithms: Vec<Algorithm>,
    #[serde(default)]
    pub custodian_scope: Option<String>,
    #[serde(default)]
    pub role_claim: Option<String>,
    #[serde(default)]
    pub role_map: BTreeMap<String, Role>,
}

fn algorithms<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Vec<Algorithm>, D::Error> {
    let names = Vec::<String>::deserialize(de)?;
    names
        .iter()
        .map(|name| match name.as_str() {
            "RS256" => Ok(Algorithm::RS256),
            "RS384" => Ok(Algorithm::RS384),
            "RS512" => Ok(Algorithm::RS512),
            "PS256" => Ok(Algorithm::PS256),
            "PS384" => Ok(Algorithm::PS384),
            "PS512" => Ok(Algorithm::PS512),
            "ES256" => Ok(Algorithm::ES256),
            "ES384" => Ok(Algorithm::ES384),
            "EdDSA" => Ok(Algorithm::EdDSA),
            other => Err(serde::de::Error::custom(format!(
                "algorithm {other} is not allowed for an OIDC issuer (asymmetric algorithms only)"
            ))),
        })
        .collect()
}

impl IssuerConfig {
    pub fn parse_list(json: &str) -> Result<Vec<Self>, String> {
        let list: Vec<Self> = serde_json::from_str(json).map_err(|e| e.to_string())?;
        if let Some(bad) = list.iter().find(|i| i.algorithms.is_empty()) {
            return Err(format!("issuer {} has no algorithms", bad.issuer));
        }
        for issuer in &list {
            if let Some((name, role)) = issuer
                .role_map
                .iter()
                .find(|(_, role)| !issuer.kind.may_grant(**role))
            {
                return Err(format!(
                    "issuer {}: roleMap maps {name:?} to {}, which this kind of issuer cannot give",
                    issuer.issuer,
                    role.as_str()
                ));
            }
        }
        Ok(list)
    }

    pub const DEV_AUDIENCE: &'static str = "hds-local";

    /// The built-in development issuer, validated through the same JWKS path.
    pub fn dev(issuer_url: &str) -> Self {
        Self {
            kind: IssuerKind::Dev,
            issuer: issuer_url.to_owned(),
            jwks_url: format!("{issuer_url}/jwks.json"),
            audience: Self::DEV_AUDIENCE.to_owned(),
            algorithms: vec![Algorithm::RS256],
            custodian_scope: None,
            role_claim: None,
            role_map: BTreeMap::new(),
        }
    }
}
