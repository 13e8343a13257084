//! Extractors whose failures say what was wrong and where.
//!
//! `ApiJson<T>` and `ApiQuery<T>` deserialize through `serde_path_to_error`,
//! so a wrong type is a 422 (body) or 400 (query) with a JSON pointer to the
//! field; malformed JSON is a 400, a missing or wrong content type a 415, a
//! body over the limit a 413.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError, Text};
use crate::http::input;
use crate::http::privacy::{shown_path, without_national_ids};
use crate::state::AppState;

/// RFC 6901 escaping of one pointer segment.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The JSON pointer of a deserialization error's path.
pub(crate) fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&escape(key));
            }
            Segment::Enum { variant } => {
                out.push('/');
                out.push_str(&escape(variant));
            }
            Segment::Unknown => {}
        }
    }
    out
}

/// "missing field `x`" points at the field itself, not at its parent.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// serde_json's two ways of saying a `\\uXXXX` escape is half a surrogate
/// pair ("lone leading surrogate in hex escape", "unexpected end of hex
/// escape"); no other input gives either.
fn unpaired_surrogate(message: &str) -> bool {
    message.contains("surrogate in hex escape") || message.contains("end of hex escape")
}

fn json_error(err: &serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let inner = err.inner();
    match inner.classify() {
        serde_json::error::Category::Syntax if unpaired_surrogate(&inner.to_string()) => {
            // `"\ud800"`: JSON allows the escape, no text can hold it
            ApiError::validation(vec![FieldError::new(
                pointer(err.path()),
                input::CODE,
                Text::new(
                    "inneholder et uparet UTF-16-surrogat (\\ud800-\\udfff), som ikke er noe tegn og ikke kan lagres",
                    "holds an unpaired UTF-16 surrogate escape (\\ud800-\\udfff), which is no character and cannot be stored",
                ),
            )])
        }
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            let (line, column) = (inner.line(), inner.column());
            ApiError::bad_request(Text::new(
                format!("innholdet er ikke gyldig JSON (linje {line}, kolonne {column})"),
                format!("the body is not valid JSON (line {line}, column {column})"),
            ))
        }
        serde_json::error::Category::Io | serde_json::error::Category::Data => {
            // serde quotes the offending value ("unknown variant `...`"): a
            // national identity number sent in the wrong field must not come back
            let message = without_national_ids(&inner.to_string());
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or_default()
                .to_owned();
            let mut at = pointer(err.path());
            let (code, nb) = if let Some(field) = missing_field(&message) {
                at.push('/');
                at.push_str(&escape(field));
                ("REQUIRED", format!("feltet {field} mangler"))
            } else if message.starts_with("unknown field") {
                ("UNKNOWN_FIELD", format!("ukjent felt ({message})"))
            } else {
                ("INVALID_TYPE", format!("feil type eller verdi ({message})"))
            };
            ApiError::validation(vec![FieldError::new(at, code, Text::new(nb, message))])
        }
    }
}

/// A JSON body of type `T`.
pub struct ApiJson<T>(pub T);

/// Reads the whole body, refusing more than `limit` bytes (413).
pub(crate) async fn read_body(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> Result<Vec<u8>, ApiError> {
    if let Some(length) = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
    {
        if length > limit {
            return Err(ApiError::payload_too_large(limit));
        }
    }
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::bad_request(Text::new(
                format!("innholdet kunne ikke leses: {e}"),
                format!("the body could not be read: {e}"),
            ))
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::payload_too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn is_json(req: &HttpRequest) -> bool {
    req.mime_type().ok().flatten().is_some_and(|mime| {
        mime.type_() == "application"
            && (mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json"))
    })
}

/// Reads a JSON body of type `T` of at most `limit` bytes, with the same
/// errors as [`ApiJson`] (for endpoints that take larger bodies, e.g. imports).
pub async fn json_body<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> Result<T, ApiError> {
    if !is_json(req) {
        return Err(ApiError::unsupported_media_type(Text::new(
            "send innholdet som JSON med Content-Type: application/json",
            "send the body as JSON with Content-Type: application/json",
        )));
    }
    let body = read_body(req, payload, limit).await?;
    parse_json(&body)
}

/// Parses a JSON body of type `T` with the errors of [`ApiJson`]: every
/// string is checked for what cannot be stored first (`http::input`).
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    input::check_json(body)?;
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| json_error(&e))?;
    de.end().map_err(|e| {
        let (line, column) = (e.line(), e.column());
        ApiError::bad_request(Text::new(
            format!("uventede data etter JSON-verdien (linje {line}, kolonne {column})"),
            format!("unexpected data after the JSON value (line {line}, column {column})"),
        ))
    })?;
    Ok(value)
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let limit = req
                .app_data::<web::Data<AppState>>()
                .map_or(1024 * 1024, |s| s.config.max_json_bytes);
            json_body(&req, &mut payload, limit).await.map(Self)
        })
    }
}

/// Query parameters of type `T`.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned> FromRequest for ApiQuery<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let query = req.query_string().as_bytes();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query));
        std::future::ready(
            serde_path_to_error::deserialize(de)
                .map(Self)
                .map_err(|err| {
                    let name = pointer(err.path());
                    let message = without_national_ids(&err.inner().to_string());
                    let name = if name.is_empty() {
                        missing_field(&message)
                            .map(|f| format!("/{f}"))
                            .unwrap_or_default()
                    } else {
                        name
                    };
                    let parameter = name.trim_start_matches('/');
                    ApiError::bad_parameter(
                        format!("/query{name}"),
                        "INVALID_PARAMETER",
                        Text::new(
                            format!("spørreparameteren {parameter} er ugyldig ({message})"),
                            format!("query parameter {parameter}: {message}"),
                        ),
                    )
                }),
        )
    }
}

/// Path parameters that do not parse are a 400 naming the parameter.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, req| {
        let path = shown_path(req.path());
        ApiError::bad_parameter(
            "/path",
            "INVALID_PATH_PARAMETER",
            Text::new(
                format!("{path} er ikke en gyldig sti her: {err}"),
                format!("{path} is not a valid path here: {err}"),
            ),
        )
        .into()
    })
}
