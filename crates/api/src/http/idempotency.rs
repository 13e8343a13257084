//! `Idempotency-Key` on creating POSTs: the first response is stored in the
//! same transaction as the change and replayed for a retry with the same key
//! (`Idempotent-Replayed: true`); the same key with a different request is a
//! 422 `idempotency-key-reused`. Keys are per caller.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use hds_persistence::idempotency::{self, Claim, KeyedRequest, StoredResponse};
use hds_persistence::DbConn;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, Text};
use crate::http::etag::PRIVATE_NO_CACHE;

const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// The keyed request for `Idempotency-Key`, when the header is there.
/// `subject` identifies the caller (a national id or an orgnr); only its
/// hash is stored.
pub fn keyed(
    req: &HttpRequest,
    subject: &str,
    body: &[u8],
) -> Result<Option<KeyedRequest>, ApiError> {
    let Some(raw) = req.headers().get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let key = raw
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError::bad_parameter(
                "/header/Idempotency-Key",
                "INVALID_IDEMPOTENCY_KEY",
                Text::new("Idempotency-Key må være 1 til 255 synlige ASCII-tegn (en UUID er et godt valg)", "Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good choice)"),
            )
        })?;
    let mut hasher = Sha256::new();
    hasher.update(body);
    if let Some(if_match) = req.headers().get(header::IF_MATCH) {
        hasher.update(b"\nIf-Match:");
        hasher.update(if_match.as_bytes());
    }
    Ok(Some(KeyedRequest {
        // Who, without the national identity number itself.
        principal: format!("person:{}", hex(&Sha256::digest(subject.as_bytes()))),
        key: key.to_owned(),
        method: req.method().as_str().to_owned(),
        path: req.path().to_owned(),
        request_hash: hex(&hasher.finalize()),
    }))
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Claims the key in the transaction: `Some(response)` to replay.
pub fn claim(
    conn: &mut DbConn,
    keyed: Option<&KeyedRequest>,
) -> Result<Option<StoredResponse>, ApiError> {
    let Some(request) = keyed else {
        return Ok(None);
    };
    match idempotency::claim(conn, request)? {
        Claim::Fresh => Ok(None),
        Claim::Replay(stored) => Ok(Some(stored)),
        Claim::Mismatch => Err(ApiError::new(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency-key-reused",
            Text::new(
                "denne Idempotency-Key ble brukt til en annen forespørsel; bruk en ny nøkkel til en ny forespørsel",
                "this Idempotency-Key was used for a different request; use a new key for a new request",
            ),
        )),
    }
}

/// A JSON response, stored for the key when there is one.
pub fn respond_stored(
    conn: &mut DbConn,
    keyed: Option<&KeyedRequest>,
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: &impl Serialize,
) -> Result<StoredResponse, ApiError> {
    let body = serde_json::to_vec(body).map_err(|e| ApiError::internal(e.to_string()))?;
    let headers: serde_json::Map<String, Value> = headers
        .into_iter()
        .map(|(k, v)| (k.to_owned(), Value::String(v)))
        .collect();
    let stored = StoredResponse {
        status: i16::try_from(status).unwrap_or(200),
        headers: Value::Object(headers),
        body,
    };
    if let Some(request) = keyed {
        idempotency::complete(conn, request, &stored)?;
    }
    Ok(stored)
}

pub fn http_response(stored: StoredResponse, replayed: bool) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(u16::try_from(stored.status).unwrap_or(200))
        .unwrap_or(actix_web::http::StatusCode::OK);
    let mut response = HttpResponse::build(status);
    response.content_type("application/json");
    response.insert_header((header::CACHE_CONTROL, PRIVATE_NO_CACHE));
    if let Value::Object(headers) = &stored.headers {
        for (name, value) in headers {
            if let Some(value) = value.as_str() {
                response.insert_header((name.as_str(), value));
            }
        }
    }
    if replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    response.body(stored.body)
}
