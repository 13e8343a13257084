//! A stored file as a download: its sniffed content type, `attachment`
//! disposition with the file name (RFC 6266, RFC 8187 for non-ASCII), no
//! sniffing by the browser, no caching, and its SHA-256 as the ETag (a
//! stored file never changes: `If-None-Match` with it is a 304).

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use hds_domain::application::MEDIA_TYPES;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};
use utoipa::{IntoResponses, ToSchema};

/// A file's bytes, as downloaded (a PDF, an attachment).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct BinaryFile(pub Vec<u8>);

/// The `200` of every download of an attachment: the file as one of the
/// types sniffed on upload ([`MEDIA_TYPES`], the one list). A handler names
/// it in `responses(AttachmentDownload, ..)`.
pub struct AttachmentDownload;

impl IntoResponses for AttachmentDownload {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let response = MEDIA_TYPES
            .iter()
            .fold(
                ResponseBuilder::new().description(
                    "The file, as the type sniffed from its bytes on upload; `Content-Disposition: attachment`",
                ),
                |response, media_type| {
                    response.content(
                        *media_type,
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("BinaryFile")))
                            .build(),
                    )
                },
            )
            .build();
        BTreeMap::from([("200".to_owned(), response.into())])
    }
}

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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    /// Every download of an attachment lists the same types, and they are
    /// the one list in code (`hds_domain::application::MEDIA_TYPES`).
    #[test]
    fn every_attachment_download_lists_every_media_type() {
        let spec = crate::app::openapi();
        let mut downloads = Vec::new();
        for (path, item) in &spec.paths.paths {
            let Some(get) = item
                .get
                .as_ref()
                .filter(|_| path.ends_with("/attachments/{attachmentId}"))
            else {
                continue;
            };
            let Some(RefOr::T(ok)) = get.responses.responses.get("200") else {
                panic!("{path}: no 200 of its own");
            };
            let listed: Vec<&str> = ok.content.keys().map(String::as_str).collect();
            assert_eq!(listed, MEDIA_TYPES, "{path}");
            downloads.push(get.operation_id.clone().unwrap());
        }
        downloads.sort();
        assert_eq!(
            downloads,
            [
                "download_attachment",
                "download_case_attachment",
                "download_task_attachment"
            ]
        );
    }
}
