//! What enters must be storable: the one check every string of a request
//! passes, wherever it comes from.
//!
//! PostgreSQL `text` in a UTF-8 database stores every Unicode scalar value
//! except NUL (U+0000); a string that is not UTF-8 at all (a percent-encoded
//! byte sequence that decodes to none, an unpaired UTF-16 surrogate such as a
//! JSON `"\ud800"`) cannot be stored either. Such a string is refused before
//! any handler sees it, with a problem naming where it was:
//!
//! - path segments, query parameter names and values, and the request
//!   headers the API reads: [`refuse_unstorable_input`], a middleware before
//!   the router (400, `/path/<name>`, `/query/<name>`, `/header/<name>`);
//! - JSON bodies: [`check_json`], called by every JSON reader in
//!   `extract` (422, the pointer into the body), and [`unstorable_strings`]
//!   for bodies parsed otherwise (the CSV variable import);
//! - file names additionally lose bidirectional-override characters
//!   (`hds_domain::application::sanitize_filename`).
//!
//! Parser-level failures (a URL or header block too long, a malformed
//! header) never reach this far; `http::parse_errors` answers them.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName};
use actix_web::middleware::Next;
use actix_web::{web, ResponseError};
use percent_encoding::percent_decode;
use serde_json::Value;

use crate::error::{ApiError, FieldError, Text};
use crate::http::allow::RouteTable;

/// The code of every refusal here.
pub const CODE: &str = "UNSTORABLE_CHARACTER";

/// Why `text` cannot be stored, if it cannot.
pub fn unstorable(text: &str) -> Option<Text> {
    text.contains('\0').then(|| {
        Text::new(
            "inneholder et NUL-tegn (U+0000), som ikke kan lagres",
            "contains a NUL character (U+0000), which cannot be stored",
        )
    })
}

fn not_utf8() -> Text {
    Text::new(
        "er ikke UTF-8-tekst (en prosentkodet bytesekvens eller et uparet surrogat som ikke er noe tegn)",
        "is not UTF-8 text (a percent-encoded byte sequence or an unpaired surrogate that no character is)",
    )
}

/// `why` after a subject in each language ("the path" + "contains ...").
fn about(nb: &str, en: &str, why: &Text) -> Text {
    Text::new(format!("{nb} {}", why.nb()), format!("{en} {}", why.en()))
}

/// Percent-decodes `raw` (with `+` as a space in a query) and checks it.
fn decoded(raw: &str, plus_is_space: bool) -> Result<String, Text> {
    let bytes = if plus_is_space {
        std::borrow::Cow::Owned(raw.replace('+', " ").into_bytes())
    } else {
        std::borrow::Cow::Borrowed(raw.as_bytes())
    };
    let text = percent_decode(&bytes)
        .decode_utf8()
        .map_err(|_| not_utf8())?
        .into_owned();
    match unstorable(&text) {
        Some(why) => Err(why),
        None => Ok(text),
    }
}

/// The request headers whose values the API reads as text, beyond
/// `Authorization` (a 401 of its own) and `X-Request-Id` (replaced when odd).
/// `Accept-Language` picks the decision letter's language as well as the
/// problems'.
const READ_HEADERS: [(&str, HeaderName); 4] = [
    ("Accept-Language", header::ACCEPT_LANGUAGE),
    ("If-Match", header::IF_MATCH),
    ("If-None-Match", header::IF_NONE_MATCH),
    (
        "Idempotency-Key",
        HeaderName::from_static("idempotency-key"),
    ),
];

/// The first unstorable thing in the request line or the headers read, as a 400.
fn check_request(req: &ServiceRequest) -> Option<ApiError> {
    let table = req.app_data::<web::Data<RouteTable>>();
    let path = req.uri().path();
    for (index, segment) in path.split('/').enumerate() {
        if let Err(why) = decoded(segment, false) {
            let name = table
                .and_then(|t| t.placeholder(path, index))
                .map_or_else(|| "/path".to_owned(), |name| format!("/path/{name}"));
            return Some(refusal(&name, about("stien", "the path", &why)));
        }
    }
    for pair in req.query_string().split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let plain = name.replace('+', " ");
        let shown = percent_decode(plain.as_bytes())
            .decode_utf8_lossy()
            .replace('\0', "\u{fffd}");
        let pointer = format!("/query/{}", escape(&shown));
        if let Err(why) = decoded(name, true) {
            let what = about(
                "navnet på en søkeparameter",
                "a query parameter's name",
                &why,
            );
            return Some(refusal(&pointer, what));
        }
        if let Err(why) = decoded(value, true) {
            let what = about(
                &format!("søkeparameteren {shown}: verdien"),
                &format!("query parameter {shown}: the value"),
                &why,
            );
            return Some(refusal(&pointer, what));
        }
    }
    for (name, header) in &READ_HEADERS {
        for value in req.headers().get_all(header) {
            let printable = value
                .as_bytes()
                .iter()
                .all(|b| b.is_ascii_graphic() || *b == b' ' || *b == b'\t');
            if !printable {
                return Some(ApiError::bad_parameter(
                    format!("/header/{name}"),
                    "INVALID_HEADER",
                    Text::new(
                        format!("{name} må bestå av synlige ASCII-tegn"),
                        format!("the {name} header must be visible ASCII characters"),
                    ),
                ));
            }
        }
    }
    None
}

fn refusal(pointer: &str, message: Text) -> ApiError {
    ApiError::bad_parameter(pointer, CODE, message)
}

/// RFC 6901 escaping of one pointer segment.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Middleware before the router: a path, query or read header that cannot
/// be stored is a 400 naming it; nothing runs for it.
pub async fn refuse_unstorable_input(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    match check_request(&req) {
        Some(err) => Ok(req.into_response(err.error_response())),
        None => Ok(next.call(req).await?.map_into_boxed_body()),
    }
}

/// Every string (and object key) in `value` that cannot be stored, by JSON
/// pointer under `prefix`.
pub fn unstorable_strings(value: &Value, prefix: &str, found: &mut Vec<FieldError>) {
    match value {
        Value::String(s) => {
            if let Some(why) = unstorable(s) {
                found.push(FieldError::new(prefix, CODE, why));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                unstorable_strings(item, &format!("{prefix}/{i}"), found);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let at = format!("{prefix}/{}", escape(key));
                if let Some(why) = unstorable(key) {
                    found.push(FieldError::new(
                        &at,
                        CODE,
                        about("feltnavnet", "the field name", &why),
                    ));
                }
                unstorable_strings(item, &at, found);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// A JSON body with a NUL in a string is a 422 naming every such string.
/// (A NUL can only enter JSON as the escape `\u0000`, so other bodies are
/// not parsed twice; an unpaired surrogate fails the typed parse itself,
/// see `extract`.)
pub fn check_json(body: &[u8]) -> Result<(), ApiError> {
    if !body.windows(6).any(|w| w == br"\u0000") {
        return Ok(());
    }
    // a body that is not JSON fails the typed parse with its own message
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Ok(());
    };
    let mut found = Vec::new();
    unstorable_strings(&value, "", &mut found);
    if found.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(found))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn nul_anywhere_in_json_is_named_by_pointer() {
        let err = check_json(br#"{"title": "a\u0000b", "sources": [{"code": "x"}, {"code": "\u0000"}], "k\u0000": 1}"#)
            .unwrap_err();
        let pointers: Vec<&str> = err.errors.iter().map(|e| e.pointer.as_str()).collect();
        assert!(pointers.contains(&"/title"));
        assert!(pointers.contains(&"/sources/1/code"));
        assert!(pointers.contains(&"/k\u{0}"), "{pointers:?}");
        assert_eq!(pointers.len(), 3, "{pointers:?}");
        assert_eq!(err.status.as_u16(), 422);
        // an escaped backslash followed by u0000 is text, not a NUL
        assert!(check_json(br#"{"title": "C:\\u0000"}"#).is_ok());
        assert!(check_json(br#"{"title": "plain"}"#).is_ok());
    }

    #[test]
    fn percent_decoding_refuses_nul_and_bytes_that_are_no_utf8() {
        assert_eq!(decoded("a%20b", false).unwrap(), "a b");
        assert_eq!(decoded("a+b", true).unwrap(), "a b");
        assert!(decoded("%00", false).is_err());
        assert!(decoded("h-%00", true).is_err());
        assert!(decoded("%FF", false).is_err());
        // CESU-8 of an unpaired surrogate (U+D800)
        assert!(decoded("%ED%A0%80", true).is_err());
        assert_eq!(decoded("%C3%A6", false).unwrap(), "æ");
    }
}
