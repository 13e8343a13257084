//! A stored file as a download: its sniffed content type, `attachment`
//! disposition with the file name (RFC 6266, RFC 8187 for non-ASCII), no
//! sniffing by the browser, no caching, and its SHA-256 as the ETag (a
//! stored file never changes: `If-None-Match` with it is a 304).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use utoipa::ToSchema;

/// A file's bytes, as downloaded (a PDF, an attachment).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct BinaryFile(pub Vec<u8>);

/// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>`.
pub fn content_disposition(filename: &str) -> String {
    use std::fmt::Write as _;
    let fallback: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in filename.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            let _ = write!(encoded, "%{b:02X}");
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// The file as a `200` download, or `304` when `If-None-Match` has its tag.
pub fn file_response(
    req: &HttpRequest,
    content_type: &str,
    filename: &str,
    sha256: &str,
    content: Vec<u8>,
) -> HttpResponse {
    let tag = format!("\"{sha256}\"");
    if super::etag::none_match(req, &tag) {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .insert_header((header::CACHE_CONTROL, "private, no-store"))
            .finish();
    }
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type.to_owned()))
        .insert_header((header::CONTENT_DISPOSITION, content_disposition(filename)))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::ETAG, tag))
        .body(content)
}
