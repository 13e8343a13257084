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
    pub errors: Vec<FieldError>,
}

/// One thing wrong with one part of the request.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// JSON pointer (RFC 6901) into the request body; for a query or path
    /// parameter, `/query/<name>` or `/path/<name>`; for a header, `/header/<name>`.
    #[schema(example = "/orgnr")]
    pub pointer: String,
    /// A stable code a client can act on.
    #[schema(example = "INVALID_ORGNR")]
    pub code: String,
    /// What is wrong, for a human.
    pub message: String,
}

impl FieldError {
    pub fn new(
        pointer: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            pointer: pointer.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// Checks one free-text field: not empty, at most `max` characters, and no
/// national identity number in it (privacy guard; the number is never echoed).
pub fn check_free_text(value: &str, pointer: &str, max: usize, problems: &mut Vec<FieldError>) {
    if value.trim().is_empty() {
        problems.push(FieldError::new(pointer, "REQUIRED", "must not be empty"));
    } else if value.chars().count() > max {
        problems.push(FieldError::new(
            pointer,
            "TOO_LONG",
            format!("at most {max} characters"),
        ));
    } else if !hds_domain::identity::find_national_ids(value).is_empty() {
        problems.push(FieldError::new(
            pointer,
            "CONTAINS_NATIONAL_ID",
            "remove the national identity number from the text",
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
    /// The last segment of the problem `type` URI.
    pub slug: &'static str,
    pub title: &'static str,
    pub detail: String,
    pub errors: Vec<FieldError>,
    headers: Vec<(header::HeaderName, String)>,
    /// Logged with the request id, never sent.
    internal: Option<String>,
}

/// The internal cause of a 5xx, left in the response extensions for the log.
#[derive(Debug, Clone)]
pub struct InternalCause(pub String);

impl ApiError {
    pub fn new(
        status: StatusCode,
        slug: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self(Box::new(ErrorParts {
            status,
            slug,
            title,
            detail: detail.into(),
            errors: Vec::new(),
            headers: Vec::new(),
            internal: None,
        }))
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "Bad request",
            detail,
        )
    }

    /// 400 for one bad query or path parameter or header.
    pub fn bad_parameter(
        pointer: impl Into<String>,
        code: &str,
        message: impl Into<String>,
    ) -> Self {
        let message = message.into();
        Self::bad_request(message.clone())
            .with_errors(vec![FieldError::new(pointer, code, message)])
    }

    /// 422: the request was well-formed but its content breaks the rules.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = match errors.as_slice() {
            [one] => format!("{}: {}", one.pointer, one.message),
            many => format!("{} fields are invalid; see errors", many.len()),
        };
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation-failed",
            "Validation failed",
            detail,
        )
        .with_errors(errors)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        let detail = detail.into();
        let challenge = format!(
            "Bearer error=\"invalid_token\", error_description=\"{}\"",
            detail.replace('"', "'")
        );
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Unauthorized",
            detail,
        )
        .with_header(header::WWW_AUTHENTICATE, challenge)
    }

    pub fn missing_token() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Unauthorized",
            "this endpoint needs a bearer token (Authorization: Bearer <jwt>)",
        )
        .with_header(header::WWW_AUTHENTICATE, "Bearer".to_owned())
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    pub fn method_not_allowed(allowed: &[&str]) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "Method not allowed",
            format!("this resource allows {}", allowed.join(", ")),
        )
        .with_header(header::ALLOW, allowed.join(", "))
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", "Conflict", detail)
    }

    pub fn precondition_failed() -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition-failed",
            "Precondition failed",
            "the resource has changed since you read it (If-Match does not match its ETag); read it again",
        )
    }

    pub fn precondition_required() -> Self {
        Self::new(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition-required",
            "Precondition required",
            "this change needs an If-Match header with the ETag you last read",
        )
    }

    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "Payload too large",
            format!("the request body is larger than {limit} bytes"),
        )
    }

    pub fn unsupported_media_type(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            detail,
        )
    }

    pub fn unavailable(cause: impl Into<String>) -> Self {
        let mut err = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service-unavailable",
            "Service unavailable",
            "the service cannot reach a part it depends on; try again shortly",
        );
        err.internal = Some(cause.into());
        err
    }

    /// 500: a bug. The cause is logged with the request id, never sent.
    pub fn internal(cause: impl Into<String>) -> Self {
        let mut err = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal-error",
            "Internal error",
            "something went wrong on our side; quote the request id if you contact us",
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

    pub fn problem(&self) -> Problem {
        Problem {
            type_uri: self.slug.to_owned(),
            title: self.title.to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            instance: None,
            request_id: None,
            errors: self.errors.clone(),
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
            self.title,
            self.detail
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
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        let mut response = response.body(body);
        if let Some(cause) = &self.internal {
            response
                .extensions_mut()
                .insert(InternalCause(cause.clone()));
        }
        response
    }
}

/// The one place store errors become HTTP statuses.
impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => Self::not_found("no such resource"),
            // constraint names are internals: logged with the request id, not sent
            StoreError::Duplicate { constraint } => {
                Self::conflict("this would duplicate an existing record")
                    .with_internal(format!("unique constraint {constraint}"))
            }
            StoreError::MissingReference { constraint } => Self::validation(vec![FieldError::new(
                "",
                "UNKNOWN_REFERENCE",
                "a record this refers to does not exist",
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
            let sent = serde_json::to_string(&api.problem()).unwrap();
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
