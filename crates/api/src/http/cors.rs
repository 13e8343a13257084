//! Cross-origin requests from browsers (CORS, with actix-cors).
//!
//! Only origins on the allow-list (`HDS_CORS_ORIGINS`) are answered: a
//! preflight from another origin is refused with a 400 problem and no CORS
//! headers, and an actual request from it is served without CORS headers (the
//! browser then withholds the response). An entry is an exact origin
//! (`https://helsedata.no`) or an origin with any port (`http://localhost:*`).
//! With an empty list the middleware is off and a preflight is a plain 405.

use actix_cors::{Cors, CorsError};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Condition;

use crate::error::{ApiError, Text};

/// The local default: a frontend on this machine, on any port.
pub const LOCAL_ORIGINS: [&str; 2] = ["http://localhost:*", "http://127.0.0.1:*"];

/// The methods the API uses.
pub const METHODS: [Method; 5] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
];

/// The request headers a browser client may send.
pub const REQUEST_HEADERS: [HeaderName; 7] = [
    header::AUTHORIZATION,
    header::CONTENT_TYPE,
    header::IF_MATCH,
    header::IF_NONE_MATCH,
    HeaderName::from_static("idempotency-key"),
    header::ACCEPT_LANGUAGE,
    HeaderName::from_static("x-request-id"),
];

/// The response headers a browser client may read beyond the safelisted ones
/// (`Content-Disposition` names a downloaded attachment).
pub const EXPOSED_HEADERS: [HeaderName; 7] = [
    header::ETAG,
    header::LOCATION,
    HeaderName::from_static("x-request-id"),
    HeaderName::from_static("idempotent-replayed"),
    header::RETRY_AFTER,
    header::CONTENT_LANGUAGE,
    header::CONTENT_DISPOSITION,
];

/// How long a browser may reuse a preflight answer, in seconds.
pub const MAX_AGE_SECONDS: usize = 3600;

/// One allow-list entry, checked and normalised: `scheme://host[:port]` or
/// `scheme://host:*`, scheme `http` or `https`, lower case, no path.
pub fn parse_origin(raw: &str) -> Result<String, String> {
    let origin = raw.trim().trim_end_matches('/').to_ascii_lowercase();
    let why = || {
        format!(
            "{raw:?} is not an origin: write scheme://host or scheme://host:port \
             (port * for any), e.g. https://helsedata.no or http://localhost:*"
        )
    };
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or_else(why)?;
    let (host, port) = match rest.rsplit_once(':') {
        // an IPv6 literal without a port: `[::1]`
        Some((_, tail)) if tail.ends_with(']') => (rest, None),
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.[]:".contains(&b));
    let port_ok = port.is_none_or(|p| {
        p == "*" || (!p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))
    });
    if host_ok && port_ok {
        Ok(origin)
    } else {
        Err(why())
    }
}

/// Whether `origin` (an `Origin` header) is on the allow-list of `patterns`
/// (entries as [`parse_origin`] returns them).
pub fn allows(patterns: &[String], origin: &str) -> bool {
    let origin = origin.to_ascii_lowercase();
    patterns
        .iter()
        .any(|pattern| match pattern.strip_suffix(":*") {
            None => *pattern == origin,
            Some(without_port) => origin.strip_prefix(without_port).is_some_and(|port| {
                port.is_empty()
                    || port
                        .strip_prefix(':')
                        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            }),
        })
}

/// The CORS middleware for the allow-list; off when the list is empty.
pub fn middleware(patterns: &[String]) -> Condition<Cors> {
    let enabled = !patterns.is_empty();
    let patterns = patterns.to_vec();
    let cors = Cors::default()
        .allowed_origin_fn(move |origin: &HeaderValue, _| {
            origin.to_str().is_ok_and(|o| allows(&patterns, o))
        })
        .allowed_methods(METHODS)
        .allowed_headers(REQUEST_HEADERS)
        .expose_headers(EXPOSED_HEADERS)
        .max_age(MAX_AGE_SECONDS);
    Condition::new(enabled, cors)
}

/// The problem for a preflight the CORS middleware refused (its own answer
/// is a plain-text 400).
pub fn refusal(error: &actix_web::Error) -> Option<ApiError> {
    let cors = error.as_error::<CorsError>()?;
    Some(ApiError::new(
        StatusCode::BAD_REQUEST,
        "cors-refused",
        Text::new(
            format!("forespørselen fra et annet opphav er avvist: {cors} (tillatte opphav, metoder og hoder står i docs/API-DESIGN.md#cors)"),
            format!("{cors} (the allowed origins, methods and request headers are in docs/API-DESIGN.md#cors)"),
        ),
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn list(entries: &[&str]) -> Vec<String> {
        entries.iter().map(|e| parse_origin(e).unwrap()).collect()
    }

    #[test]
    fn an_entry_is_an_origin_with_an_exact_or_any_port() {
        assert_eq!(
            parse_origin(" https://Portal.Helsedata.no/ ").unwrap(),
            "https://portal.helsedata.no"
        );
        assert_eq!(
            parse_origin("http://localhost:*").unwrap(),
            "http://localhost:*"
        );
        assert_eq!(
            parse_origin("http://[::1]:8080").unwrap(),
            "http://[::1]:8080"
        );
        for bad in [
            "*",
            "localhost:3000",
            "ftp://x.no",
            "https://",
            "https://x.no/path",
            "https://x.no:80a",
            "https://x.no:",
            "https://user@x.no",
            "https://x.no?q",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_star_port_allows_any_port_of_that_host_only() {
        let local = list(&LOCAL_ORIGINS);
        for ok in [
            "http://localhost:3000",
            "http://localhost:5173",
            "http://localhost",
            "http://127.0.0.1:8080",
        ] {
            assert!(allows(&local, ok), "{ok}");
        }
        for refused in [
            "https://localhost:3000",
            "http://localhost.evil.no",
            "http://localhost:3000.evil.no",
            "http://localhost:",
            "http://127.0.0.1:80/x",
            "http://127.0.0.10:80",
            "null",
            "",
        ] {
            assert!(!allows(&local, refused), "{refused}");
        }
    }

    #[test]
    fn an_exact_entry_allows_that_origin_only() {
        let portal = list(&["https://portal.helsedata.no"]);
        assert!(allows(&portal, "https://portal.helsedata.no"));
        assert!(!allows(&portal, "https://portal.helsedata.no:8443"));
        assert!(!allows(&portal, "http://portal.helsedata.no"));
        assert!(!allows(&portal, "https://helsedata.no"));
        assert!(!allows(&[], "https://portal.helsedata.no"));
    }
}
