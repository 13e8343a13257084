//! Representations chosen by `Accept` (JSON, CSV, JSON-LD, Turtle), each
//! with a strong ETag over its bytes and `Vary: Accept`.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse};

use super::etag::{none_match, of_bytes, PRIVATE_NO_CACHE};

/// `text/csv` with UTF-8.
pub const CSV: &str = "text/csv; charset=utf-8";

/// Whether `Accept` names `media_type` (e.g. `text/csv`) with a quality
/// above 0. `*/*` alone does not count: JSON stays the default.
pub fn accepts(req: &HttpRequest, media_type: &str) -> bool {
    req.headers()
        .get_all(header::ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|range| {
            let mut parts = range.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            name.eq_ignore_ascii_case(media_type) && !refused
        })
}

/// `bytes` as `content_type`, with a strong ETag over them (a bodiless 304
/// when `If-None-Match` has it), `cache_control`, and `Vary: Accept` (and
/// `Authorization` for private reads). `filename` adds a
/// `Content-Disposition` for a download.
pub fn respond_bytes(
    req: &HttpRequest,
    bytes: Vec<u8>,
    content_type: &'static str,
    cache_control: &'static str,
    filename: Option<&str>,
) -> HttpResponse {
    let etag = of_bytes(&bytes);
    let read = req.method() == Method::GET || req.method() == Method::HEAD;
    let not_modified = read && none_match(req, &etag);
    let mut response = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((
            header::ETAG,
            HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\"")),
        ))
        .insert_header((header::CACHE_CONTROL, cache_control))
        .insert_header((
            header::VARY,
            if cache_control == PRIVATE_NO_CACHE {
                "Accept, Authorization"
            } else {
                "Accept"
            },
        ));
    if not_modified {
        return response.finish();
    }
    if let Some(name) = filename {
        response.insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ));
    }
    response.content_type(content_type).body(bytes)
}
