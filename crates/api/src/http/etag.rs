//! ETags and conditional requests.
//!
//! - Reads: a strong ETag on every cacheable resource and list; a matching
//!   `If-None-Match` gets `304 Not Modified` with no body.
//! - Writes on versioned resources (cases, applications, catalogue entries):
//!   `If-Match` is required (428 without it) and must equal the current ETag
//!   (412 otherwise). A resource's ETag is `"v<version>"`, so a client can
//!   also compare versions.

use actix_web::body::MessageBody;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, Text};

/// The ETag of a versioned row.
pub fn of_version(version: i32) -> String {
    format!("\"v{version}\"")
}

/// The `ETag` of a versioned row whose representation also shows other rows
/// (a data source with its custodian's name): `"v<version>-<hash of the body>"`,
/// so a cache sees any change, while `If-Match` compares the version only.
pub fn of_version_and_bytes(version: i32, bytes: &[u8]) -> String {
    let hash = of_bytes(bytes);
    format!("\"v{version}-{}", hash.trim_start_matches('"'))
}

/// A strong ETag over a response body (lists, search results, composites).
pub fn of_bytes(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut tag = String::from("\"");
    for byte in digest.iter().take(16) {
        tag.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
        tag.push(char::from_digit(u32::from(byte & 0xf), 16).unwrap_or('0'));
    }
    tag.push('"');
    tag
}

fn header_str(req: &HttpRequest, name: header::HeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Does `If-None-Match` name this ETag (or `*`)?
pub fn none_match(req: &HttpRequest, etag: &str) -> bool {
    header_str(req, header::IF_NONE_MATCH).is_some_and(|value| {
        value
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag == etag || tag.strip_prefix("W/") == Some(etag))
    })
}

/// The version a write is conditioned on: 428 without `If-Match`, 400 when
/// it is not one of our ETags (`"v3"`, or `"v3-<hash>"` from [`of_version_and_bytes`]). Compare it with the row's version in the same
/// transaction as the write (`StoreError::StaleVersion` becomes 412).
pub fn required_version(req: &HttpRequest) -> Result<i32, ApiError> {
    let raw = header_str(req, header::IF_MATCH).ok_or_else(ApiError::precondition_required)?;
    raw.trim()
        .strip_prefix("\"v")
        .and_then(|rest| rest.strip_suffix('"'))
        .and_then(|rest| rest.split('-').next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| {
            ApiError::bad_parameter(
                "/header/If-Match",
                "INVALID_ETAG",
                Text::new(
                    "If-Match må være en ETag dette API-et har gitt deg, f.eks. \"v3\"",
                    "If-Match must be an ETag this API gave you, such as \"v3\"",
                ),
            )
        })
}

/// Cache policy of public catalogue reads: shared caches may keep them for a
/// minute, then must revalidate (cheap: 304 on an unchanged ETag).
pub const PUBLIC_CACHE: &str = "public, max-age=60, must-revalidate";
/// Personal or role-bound data: never in a shared cache.
pub const PRIVATE_NO_CACHE: &str = "private, no-cache";

/// A JSON response with an ETag computed over its body, or a bodiless 304
/// when the client already has it.
pub fn json_with_etag<T: Serialize>(
    req: &HttpRequest,
    value: &T,
    cache_control: &'static str,
) -> Result<HttpResponse, ApiError> {
    let body = json_body(value)?;
    let etag = of_bytes(&body);
    Ok(respond(req, &etag, cache_control, body))
}

/// The JSON of a list or composite, written into a buffer large enough for
/// a typical page (a catalogue page is 17 KB): growing from empty, the
/// buffer is reallocated and copied a dozen times (in the catalogue list's
/// profile, copying and freeing came to about 5 % of the request).
fn json_body<T: Serialize>(value: &T) -> Result<Vec<u8>, ApiError> {
    let mut body = Vec::with_capacity(32 * 1024);
    serde_json::to_writer(&mut body, value).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(body)
}

/// A JSON response for a versioned resource (`ETag: "v<version>"`).
pub fn json_versioned<T: Serialize>(
    req: &HttpRequest,
    value: &T,
    version: i32,
    cache_control: &'static str,
) -> Result<HttpResponse, ApiError> {
    let body = serde_json::to_vec(value).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(respond(req, &of_version(version), cache_control, body))
}

/// A JSON response for a versioned resource that embeds other rows
/// (`ETag: "v<version>-<hash>"`, see [`of_version_and_bytes`]).
pub fn json_versioned_composite<T: Serialize>(
    req: &HttpRequest,
    value: &T,
    version: i32,
    cache_control: &'static str,
) -> Result<HttpResponse, ApiError> {
    let body = serde_json::to_vec(value).map_err(|e| ApiError::internal(e.to_string()))?;
    let etag = of_version_and_bytes(version, &body);
    Ok(respond(req, &etag, cache_control, body))
}

/// A JSON response whose body and `ETag` are already made (see
/// [`crate::http::memo`]), or a bodiless 304 when the client already has it.
pub fn json_bytes_with_etag(
    req: &HttpRequest,
    body: Bytes,
    etag: &str,
    cache_control: &'static str,
) -> HttpResponse {
    respond(req, etag, cache_control, body)
}

/// The body of [`json_with_etag`] and its `ETag`, for keeping.
pub fn json_and_etag<T: Serialize>(value: &T) -> Result<(Bytes, String), ApiError> {
    let body = json_body(value)?;
    let etag = of_bytes(&body);
    Ok((Bytes::from(body), etag))
}

fn respond(
    req: &HttpRequest,
    etag: &str,
    cache_control: &'static str,
    body: impl MessageBody + 'static,
) -> HttpResponse {
    let etag_value = HeaderValue::from_str(etag).unwrap_or(HeaderValue::from_static("\"\""));
    // a change answers with the new representation, whatever If-None-Match says
    let read = req.method() == Method::GET || req.method() == Method::HEAD;
    let not_modified = read && none_match(req, etag);
    let mut response = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag_value))
        .insert_header((header::CACHE_CONTROL, cache_control));
    // what a caller sees depends on its token; public reads are the same for
    // everyone, and no body here depends on Accept-Language
    if cache_control == PRIVATE_NO_CACHE {
        response.insert_header((header::VARY, "Authorization"));
    }
    if not_modified {
        return response.finish();
    }
    response.content_type("application/json").body(body)
}
