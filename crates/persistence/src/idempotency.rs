//! `Idempotency-Key`: the first response to a creating POST is stored and
//! replayed to retries, so a retried request never acts twice.
//!
//! [`claim`] runs first in the request's transaction: it inserts a
//! placeholder row for `(principal, key)`. A concurrent request with the same
//! key blocks on that row until the first transaction ends; then it either
//! finds the stored response (the first committed) or claims the key itself
//! (the first rolled back, so nothing was done). [`complete`] stores the
//! response in the same transaction as the work. Failed requests (4xx/5xx
//! that roll back) are therefore not stored: a retry is evaluated afresh.

use diesel::prelude::*;
use diesel::sql_types::{Bytea, Jsonb, SmallInt, Text};
use diesel::PgConnection;
use serde_json::Value;

use crate::schema::idempotency_keys;
use crate::StoreError;

/// A stored response.
#[derive(Debug, Clone)]
pub struct StoredResponse {
    pub status: i16,
    pub headers: Value,
    pub body: Vec<u8>,
}

/// The request that carries a key.
#[derive(Debug, Clone)]
pub struct KeyedRequest {
    /// Who: not a raw national identity number (the API stores a hash).
    pub principal: String,
    pub key: String,
    pub method: String,
    pub path: String,
    /// SHA-256 (hex) of what makes the request what it is (body, If-Match).
    pub request_hash: String,
}

/// What to do with a keyed request.
#[derive(Debug, Clone)]
pub enum Claim {
    /// First use of the key: do the work, then [`complete`].
    Fresh,
    /// The key was used for this same request: send this response again.
    Replay(StoredResponse),
    /// The key was used for a different request.
    Mismatch,
}

/// Claims the key inside the caller's transaction.
pub fn claim(conn: &mut PgConnection, request: &KeyedRequest) -> Result<Claim, StoreError> {
    let inserted = diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::principal.eq(&request.principal),
            idempotency_keys::key.eq(&request.key),
            idempotency_keys::method.eq(&request.method),
            idempotency_keys::path.eq(&request.path),
            idempotency_keys::request_hash.eq(&request.request_hash),
            idempotency_keys::status.eq(0_i16),
            idempotency_keys::body.eq(Vec::<u8>::new()),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    if inserted == 1 {
        return Ok(Claim::Fresh);
    }
    let (method, path, hash, status, headers, body): (String, String, String, i16, Value, Vec<u8>) =
        idempotency_keys::table
            .filter(idempotency_keys::principal.eq(&request.principal))
            .filter(idempotency_keys::key.eq(&request.key))
            .select((
                idempotency_keys::method,
                idempotency_keys::path,
                idempotency_keys::request_hash,
                idempotency_keys::status,
                idempotency_keys::headers,
                idempotency_keys::body,
            ))
            .first(conn)?;
    if method != request.method
        || path != request.path
        || hash != request.request_hash
        || status == 0
    {
        return Ok(Claim::Mismatch);
    }
    Ok(Claim::Replay(StoredResponse {
        status,
        headers,
        body,
    }))
}

crate::prepared_sql! {
    struct Complete<'a> {
        principal: &'a str,
        key: &'a str,
        status: &'a i16,
        headers: &'a Value,
        body: &'a [u8],
    }
    sql = [
        "UPDATE idempotency_keys SET status = " {status as SmallInt} ", headers = "
        {headers as Jsonb} ", body = " {body as Bytea} " WHERE principal = " {principal as Text}
        " AND key = " {key as Text}
    ];
}

/// Stores the response for a claimed key, in the same transaction as the work.
pub fn complete(
    conn: &mut PgConnection,
    request: &KeyedRequest,
    response: &StoredResponse,
) -> Result<(), StoreError> {
    Complete {
        principal: &request.principal,
        key: &request.key,
        status: &response.status,
        headers: &response.headers,
        body: &response.body,
    }
    .execute(conn)?;
    Ok(())
}
