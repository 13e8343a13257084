//! One error type for the whole API, written as RFC 9457 `application/problem+json`.
//!
//! Handlers return `ApiError`; extractor failures, unknown routes and any
//! stray error response pass through the same shape (see `middleware`), which
//! also adds `instance`, the request id, and makes `type` absolute.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use hds_persistence::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n;
pub use crate::i18n::{Lang, Text};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error response (RFC 9457 problem details).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// Absolute URI naming the kind of problem.
    #[serde(rename = "type")]
    #[schema(example = "https://api.helsedata.no/problems/validation-failed")]
    pub type_uri: String,
    /// Short summary of the kind of problem.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What was wrong with this request, for a human.
    pub detail: String,
    /// The request path this problem arose from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The request id (also in the `X-Request-Id` header): quote it to support.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Each field that was wrong, by JSON pointer.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<FieldError>)]
    pub errors: Vec<SentFieldError>,
}

/// One thing wrong with one part of the request.
#[derive(Debug, Clone, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// JSON pointer (RFC 6901) into the request body; for a query or path
    /// parameter, `/query/<name>` or `/path/<name>`; for a header, `/header/<name>`.
    #[schema(example = "/orgnr")]
    pub pointer: String,
    /// A stable code a client can act on.
    #[schema(example = "INVALID_ORGNR")]
    pub code: String,
    /// What is wrong, for a human, in the language of `Content-Language`
    /// (bokmål unless `Accept-Language` asks for English).
    #[schema(value_type = String)]
    pub message: Text,
}

/// A field error as sent, in one language.
#[derive(Debug, Clone, Serialize)]
pub struct SentFieldError {
    pub pointer: String,
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(pointer: impl Into<String>, code: impl Into<String>, message: Text) -> Self {
        Self {
            pointer: pointer.into(),
            code: code.into(),
            message,
        }
    }

    /// A problem the domain reports in English only: bokmål by its code
    /// (`i18n::field_message_nb`).
    pub fn from_domain(pointer: impl Into<String>, code: &str, english: impl Into<String>) -> Self {
        Self::new(pointer, code, i18n::from_domain(code, english.into()))
    }

    fn sent(&self, lang: Lang) -> SentFieldError {
        SentFieldError {
            pointer: self.pointer.clone(),
            code: self.code.clone(),
            message: self.message.get(lang).to_owned(),
        }
    }
}

/// Checks one free-text field: not empty, at most `max` characters, and no
/// national identity number in it (privacy guard; the number is never echoed).
pub fn check_free_text(value: &str, pointer: &str, max: usize, problems: &mut Vec<FieldError>) {
    if value.trim().is_empty() {
        problems.push(FieldError::new(
            pointer,
            "REQUIRED",
            Text::new("må fylles ut", "must not be empty"),
        ));
    } else if value.chars().count() > max {
        problems.push(FieldError::new(
            pointer,
            "TOO_LONG",
            Text::new(
                format!("høyst {max} tegn"),
                format!("at most {max} characters"),
            ),
        ));
    } else if !hds_domain::identity::find_national_ids(value).is_empty() {
        problems.push(FieldError::new(
            pointer,
            "CONTAINS_NATIONAL_ID",
            Text::new(
                "fjern fødselsnummeret eller D-nummeret fra teksten",
                "remove the national identity number from the text",
            ),
        ));
    }
}

/// The error every handler returns. Boxed, so `Result<T, ApiError>` stays small.
#[derive(Debug, Clone)]
pub struct ApiError(Box<ErrorParts>);

/// What an `ApiError` holds; reach its fields through the error (`err.status`).
#[derive(Debug, Clone)]
pub struct ErrorParts {
    pub status: StatusCode,
    /// The last segment of the problem `type` URI; the title follows from it
    /// (`i18n::title`).
    pub slug: &'static str,
    pub detail: Text,
    pub errors: Vec<FieldError>,
    headers: Vec<(header::HeaderName, String)>,
    /// Logged with the request id, never sent.
    internal: Option<String>,
}

/// The internal cause of a 5xx, left in the response extensions for the log.
#[derive(Debug, Clone)]
pub struct InternalCause(pub String);

impl ApiError {
    pub fn new(status: StatusCode, slug: &'static str, detail: Text) -> Self {
        Self(Box::new(ErrorParts {
            status,
            slug,
            detail,
            errors: Vec::new(),
            headers: Vec::new(),
            internal: None,
        }))
    }

    pub fn bad_request(detail: Text) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", detail)
    }

    /// 400 for one bad query or path parameter or header.
    pub fn bad_parameter(pointer: impl Into<String>, code: &str, message: Text) -> Self {
        Self::bad_request(message.clone())
            .with_errors(vec![FieldError::new(pointer, code, message)])
    }

    /// 422: the request was well-formed but its content breaks the rules.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = match errors.as_slice() {
            [one] => one.message.map(|m| format!("{}: {m}", one.pointer)),
            many => Text::new(
                format!("{} felt er ugyldige; se errors", many.len()),
                format!("{} fields are invalid; see errors", many.len()),
            ),
        };
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation-failed",
            detail,
        )
        .with_errors(errors)
    }

    /// 401 with a `WWW-Authenticate` challenge (whose description is English:
    /// it is read by programs).
    pub fn unauthorized(detail: Text) -> Self {
        let challenge = format!(
            "Bearer error=\"invalid_token\", error_description=\"{}\"",
            detail.en().replace('"', "'")
        );
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
            .with_header(header::WWW_AUTHENTICATE, challenge)
    }

    pub fn missing_token() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            Text::new(
                "denne operasjonen krever et bærertoken (Authorization: Bearer <jwt>)",
                "this endpoint needs a bearer token (Authorization: Bearer <jwt>)",
            ),
        )
        .with_header(header::WWW_AUTHENTICATE, "Bearer".to_owned())
    }

    pub fn forbidden(detail: Text) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    pub fn not_found(detail: Text) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    pub fn method_not_allowed(allowed: &[&str]) -> Self {
        let list = allowed.join(", ");
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            Text::new(
                format!("denne ressursen tillater {list}"),
                format!("this resource allows {list}"),
            ),
        )
        .with_header(header::ALLOW, list)
    }

    pub fn conflict(detail: Text) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", detail)
    }

    pub fn precondition_failed() -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition-failed",
            Text::new(
                "ressursen er endret siden du leste den (If-Match er ikke lik dens ETag); les den på nytt",
                "the resource has changed since you read it (If-Match does not match its ETag); read it again",
            ),
        )
    }

    pub fn precondition_required() -> Self {
        Self::new(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition-required",
            Text::new(
                "endringen krever et If-Match-hode med ETag-en du sist leste",
                "this change needs an If-Match header with the ETag you last read",
            ),
        )
    }

    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            Text::new(
                format!("forespørselens innhold er større enn {limit} byte"),
                format!("the request body is larger than {limit} bytes"),
            ),
        )
    }

    pub fn unsupported_media_type(detail: Text) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            detail,
        )
    }

    pub fn unavailable(cause: impl Into<String>) -> Self {
        let mut err = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service-unavailable",
            Text::new(
                "tjenesten når ikke en del den er avhengig av; prøv igjen om litt",
                "the service cannot reach a part it depends on; try again shortly",
            ),
        );
        err.internal = Some(cause.into());
        err
    }

    /// 500: a bug. The cause is logged with the request id, never sent.
    pub fn internal(cause: impl Into<String>) -> Self {
        let mut err = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal-error",
            Text::new(
                "noe gikk galt hos oss; oppgi forespørsels-id-en (requestId) hvis du kontakter oss",
                "something went wrong on our side; quote the request id if you contact us",
            ),
        );
        err.internal = Some(cause.into());
        err
    }

    #[must_use]
    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    /// A cause for the log (with the request id); never sent to the client.
    #[must_use]
    pub fn with_internal(mut self, cause: impl Into<String>) -> Self {
        self.internal = Some(cause.into());
        self
    }

    #[must_use]
    pub fn with_header(mut self, name: header::HeaderName, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The problem document in one language (`type` is still the slug; the
    /// middleware makes it absolute and adds `instance` and `requestId`).
    pub fn problem(&self, lang: Lang) -> Problem {
        Problem {
            type_uri: self.slug.to_owned(),
            title: i18n::title(self.slug).get(lang).to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.get(lang).to_owned(),
            instance: None,
            request_id: None,
            errors: self.errors.iter().map(|e| e.sent(lang)).collect(),
        }
    }
}

impl std::ops::Deref for ApiError {
    type Target = ErrorParts;

    fn deref(&self) -> &ErrorParts {
        &self.0
    }
}

impl std::ops::DerefMut for ApiError {
    fn deref_mut(&mut self) -> &mut ErrorParts {
        &mut self.0
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            i18n::title(self.slug).en(),
            self.detail.en()
        )
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        for (name, value) in &self.headers {
            if let Ok(value) = HeaderValue::from_str(value) {
                response.insert_header((name.clone(), value));
            }
        }
        // bokmål here; the middleware renders it again in the language the
        // request asks for (it has the request, this does not)
        let body = serde_json::to_vec(&self.problem(Lang::Nb)).unwrap_or_default();
        let mut response = response.body(body);
        if let Some(cause) = &self.internal {
            response
                .extensions_mut()
                .insert(InternalCause(cause.clone()));
        }
        response.extensions_mut().insert(self.clone());
        response
    }
}

/// The one place store errors become HTTP statuses.
impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => Self::not_found(Text::new("finnes ikke", "no such resource")),
            // constraint names are internals: logged with the request id, not sent
            StoreError::Duplicate { constraint } => Self::conflict(Text::new(
                "dette ville gi en kopi av noe som finnes",
                "this would duplicate an existing record",
            ))
            .with_internal(format!("unique constraint {constraint}")),
            StoreError::MissingReference { constraint } => Self::validation(vec![FieldError::new(
                "",
                "UNKNOWN_REFERENCE",
                Text::new(
                    "noe dette viser til, finnes ikke",
                    "a record this refers to does not exist",
                ),
            )])
            .with_internal(format!("foreign key {constraint}")),
            StoreError::StaleVersion => Self::precondition_failed(),
            StoreError::Unavailable(cause) => Self::unavailable(cause),
            StoreError::Database(cause) => Self::internal(cause.to_string()),
        }
    }
}

/// Lets handlers run `conn.transaction::<_, ApiError, _>(...)` around several
/// repository calls; diesel errors go through `StoreError`'s mapping.
impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        StoreError::from(err).into()
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        Self::internal(format!("blocking task failed: {err}"))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn constraint_names_are_logged_not_sent() {
        for err in [
            StoreError::Duplicate {
                constraint: "custodians_code_key".into(),
            },
            StoreError::MissingReference {
                constraint: "data_sources_custodian_id_fkey".into(),
            },
        ] {
            let api = ApiError::from(err);
            let sent = serde_json::to_string(&api.problem(Lang::English)).unwrap();
            assert!(
                !sent.contains("_key") && !sent.contains("custodian_id"),
                "{sent}"
            );
            assert!(api
                .internal
                .as_deref()
                .is_some_and(|c| c.contains("custodian")));
        }
    }
}
