//! The request's id (`X-Request-Id`): the caller's when it is sane, else a
//! new one. The middleware sets it; handlers write it into audit events.

use actix_web::dev::ServiceRequest;
use actix_web::http::header::HeaderName;
use actix_web::HttpMessage;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the current request, in the request's extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The current request's id (for audit events written by a handler).
pub fn request_id(req: &actix_web::HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(|r| r.0.clone())
}

/// The caller's `X-Request-Id`, when it is short and plain enough to echo and log.
pub(crate) fn incoming_id(req: &ServiceRequest) -> Option<String> {
    let raw = req.headers().get(REQUEST_ID)?.to_str().ok()?;
    let sane = !raw.is_empty()
        && raw.len() <= 64
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    sane.then(|| raw.to_owned())
}
