//! From verified claims to a principal, by the kind of issuer.

use std::collections::BTreeMap;

use hds_domain::identity::{NationalId, Orgnr};
use serde_json::Value;

use super::issuers::{IssuerConfig, IssuerKind};
use super::{Principal, Role, Subject};
use crate::error::{ApiError, Text};

fn claim_str<'a>(claims: &'a Value, name: &str) -> Option<&'a str> {
    claims.get(name).and_then(Value::as_str)
}

fn person(claims: &Value, pid_claim: &str) -> Result<Subject, ApiError> {
    let raw = claim_str(claims, pid_claim).ok_or_else(|| {
        ApiError::unauthorized(Text::new(
            format!("tokenet mangler {pid_claim}"),
            format!("the token has no {pid_claim} claim"),
        ))
    })?;
    let pid = NationalId::parse(raw).map_err(|_| {
        ApiError::unauthorized(Text::new(
            format!("tokenets {pid_claim} er ikke et gyldig fødselsnummer eller D-nummer"),
            format!("the token's {pid_claim} is not a valid national identity number"),
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
        .ok_or_else(|| {
            ApiError::unauthorized(Text::new(
                "tokenet mangler consumer.ID",
                "the token has no consumer.ID claim",
            ))
        })?;
    let orgnr = Orgnr::from_iso6523(id).map_err(|_| {
        ApiError::unauthorized(Text::new(
            "tokenets consumer.ID er ikke 0192:<gyldig orgnr>",
            "the token's consumer.ID is not 0192:<valid orgnr>",
        ))
    })?;
    Ok(Subject::Organisation { orgnr })
}

fn roles_from(claims: &Value, claim: &str, map: &BTreeMap<String, Role>) -> Vec<Role> {
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
