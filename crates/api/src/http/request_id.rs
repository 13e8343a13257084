//! The request's id (`X-Request-Id`): the caller's when it is sane, else a
//! new one. The middleware sets it; handlers write it into audit events.

use actix_web::dev::ServiceRequest;
use actix_web::http::header::HeaderName;
use actix_web::HttpMessage;

use crate::http::privacy::has_national_id;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the current request, in the request's extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The current request's id (for audit events written by a handler).
pub fn request_id(req: &actix_web::HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(|r| r.0.clone())
}

/// The caller's `X-Request-Id` when it is safe to echo and log: a UUID, or a
/// short token (1 to 64 of `A-Z a-z 0-9 - _ .`) holding nothing that looks
/// like a national identity number. Anything else is replaced by [`new_id`].
pub(crate) fn incoming_id(req: &ServiceRequest) -> Option<String> {
    let raw = req.headers().get(REQUEST_ID)?.to_str().ok()?;
    is_safe(raw).then(|| raw.to_owned())
}

/// Whether a caller's request id may be kept.
pub fn is_safe(raw: &str) -> bool {
    let token = !raw.is_empty()
        && raw.len() <= 64
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    token && !has_national_id(raw)
}

/// A new request id: a UUID, drawn again in the rare case that its digits
/// look like a national identity number (it would be masked in logs).
pub fn new_id() -> String {
    loop {
        let id = uuid::Uuid::new_v4().to_string();
        if !has_national_id(&id) {
            return id;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_id_is_a_uuid_or_a_short_safe_token_never_a_national_id() {
        assert!(is_safe("3f0e1f8a-2b1c-4c7e-9a51-0d1e2f3a4b5c"));
        assert!(is_safe("trace_01.abc-9"));
        for unsafe_id in [
            "",
            "15058550040",
            "150585 50040",
            "x-12345678901",
            "a b",
            "<script>",
            "æøå",
            &"a".repeat(65),
        ] {
            assert!(!is_safe(unsafe_id), "{unsafe_id:?}");
        }
        for _ in 0..1000 {
            assert!(is_safe(&new_id()));
        }
    }
}
