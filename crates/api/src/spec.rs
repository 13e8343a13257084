//! The statuses of the contract, declared once.
//!
//! Every problem status is one response component
//! (`#/components/responses/<Name>`: `application/problem+json` with the
//! `Problem` schema). [`StatusRules`] adds to every operation the statuses
//! that follow from its shape, so a handler's `#[utoipa::path]` lists only
//! what is its own: its success (200/201/204) and the problems its own logic
//! gives, as references (`(status = 404, response = NotFound)`).
//!
//! | rule | statuses |
//! |---|---|
//! | every operation | 500; 400 (a path, query or header that cannot be stored is refused before routing: `http::input`) |
//! | every operation but those in [`WITHOUT_DATABASE`] | 503 |
//! | secured (`security(("bearerAuth" = [...]))`) | 401, 503 (the issuer's keys unreachable) |
//! | secured with roles (`["APPLICANT"]`, ...) | 403 |
//! | a request body | 413, 415 |
//! | a JSON request body, or `Idempotency-Key` | 422 |
//! | `If-Match` ([`IfMatch`]) | 412, 428 |
//! | `If-None-Match` ([`IfNoneMatch`]) | 304, and `ETag` on the 200 |
//!
//! 405 is not listed: it answers a method the path does not have, which is
//! no operation of the spec (see docs/API-DESIGN.md, "Methods and `Allow`").
//! 404 for a path no route fits is not an operation's either.

use std::collections::BTreeMap;

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, Parameter, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required};
use utoipa::{IntoParams, Modify, ToResponse};

use crate::error::PROBLEM_JSON;

/// A problem response: `application/problem+json` with the `Problem` schema.
fn problem(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

macro_rules! problem_responses {
    ($($name:ident = $status:literal, $description:literal;)*) => {
        $(
            #[doc = concat!("The shared ", stringify!($status), " response: ", $description)]
            pub struct $name;

            impl<'s> ToResponse<'s> for $name {
                fn response() -> (&'s str, RefOr<Response>) {
                    (stringify!($name), problem($description).into())
                }
            }
        )*

        /// Every problem status: (status, component name, description).
        pub const PROBLEMS: &[(u16, &str, &str)] = &[$(($status, stringify!($name), $description)),*];
    };
}

problem_responses! {
    BadRequest = 400, "Bad request: malformed JSON, or a query, path or header parameter that is not valid or cannot be stored (`errors[].pointer` names it: `/query/<name>`, `/path/<name>`, `/header/<name>`)";
    Unauthorized = 401, "No valid bearer token (`WWW-Authenticate` says why)";
    Forbidden = 403, "Authenticated, but the token does not give the role or the relation this needs";
    NotFound = 404, "No such resource, or one the caller may not see";
    Conflict = 409, "Not allowed in the resource's current state (`detail` says why)";
    PreconditionFailed = 412, "The resource changed since it was read: `If-Match` is not its current ETag; read it again";
    PayloadTooLarge = 413, "The request body is larger than the limit";
    UnsupportedMediaType = 415, "The request body is not of an accepted content type";
    ValidationFailed = 422, "Well-formed, but the content breaks the rules: every problem, each with a JSON pointer (`errors[]`); or an Idempotency-Key reused with a different request";
    PreconditionRequired = 428, "`If-Match` is missing: send the ETag last read";
    InternalError = 500, "A fault on our side; quote `requestId` if you contact us";
    ServiceUnavailable = 503, "A part the service depends on (the database, an issuer's keys) cannot be reached; try again shortly";
}

/// The shared 304: the representation has not changed since the `ETag` in
/// `If-None-Match`; no body.
pub struct NotModified;

impl<'s> ToResponse<'s> for NotModified {
    fn response() -> (&'s str, RefOr<Response>) {
        (
            "NotModified",
            ResponseBuilder::new()
                .description("Not modified: the ETag in `If-None-Match` is still current; no body")
                .header("ETag", etag_header())
                .build()
                .into(),
        )
    }
}

fn etag_header() -> utoipa::openapi::header::Header {
    HeaderBuilder::new()
        .schema(utoipa::openapi::schema::Object::with_type(
            utoipa::openapi::schema::Type::String,
        ))
        .description(Some(
            "The representation's strong ETag: send it in `If-None-Match` to revalidate, in `If-Match` to change it",
        ))
        .build()
}

fn header_param(name: &str, required: bool, description: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(if required {
            Required::True
        } else {
            Required::False
        })
        .description(Some(description))
        .schema(Some(utoipa::openapi::schema::Object::with_type(
            utoipa::openapi::schema::Type::String,
        )))
        .build()
}

/// `If-Match` (required): a change conditioned on the ETag last read; the
/// rules add 400 (not one of our ETags), 412 (stale) and 428 (missing).
pub struct IfMatch;

impl IntoParams for IfMatch {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![header_param(
            IF_MATCH,
            true,
            "The ETag last read (e.g. `\"v3\"`): the change is made only if the resource is still that version",
        )]
    }
}

/// `If-None-Match` (optional): a read that answers 304 when the caller's
/// copy is current; the rules add 304 and the `ETag` header of the 200.
pub struct IfNoneMatch;

impl IntoParams for IfNoneMatch {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![header_param(
            IF_NONE_MATCH,
            false,
            "The ETag of the copy the caller has: 304 with no body while it is current",
        )]
    }
}

/// `Idempotency-Key` (optional) on a creating POST; the rules add 400
/// (malformed) and 422 (reused with a different request).
pub struct IdempotencyKey;

impl IntoParams for IdempotencyKey {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![header_param(
            IDEMPOTENCY_KEY,
            false,
            "1 to 255 visible ASCII characters (a UUID is a good choice): a retry with the same key returns the first response (`Idempotent-Replayed: true`), never a second resource",
        )]
    }
}

const IF_MATCH: &str = "If-Match";
const IF_NONE_MATCH: &str = "If-None-Match";
const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// Operations that never touch the database (nor a token issuer), by
/// operation id: no 503 for them.
pub const WITHOUT_DATABASE: &[&str] = &["check_liveness", "protect_table"];

/// Adds the problem response components and, to every operation, the
/// statuses that follow from its shape (see the module's table).
pub struct StatusRules;

impl Modify for StatusRules {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (_, name, description) in PROBLEMS {
            components
                .responses
                .insert((*name).to_owned(), problem(description).into());
        }
        let (name, response) = NotModified::response();
        components.responses.insert(name.to_owned(), response);
        for item in openapi.paths.paths.values_mut() {
            for operation in operations(item) {
                add_statuses(operation);
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.patch.as_mut(),
    ]
    .into_iter()
    .flatten()
}

/// What an operation's declaration says about it (facts read from the
/// spec, hence the many flags).
#[derive(Debug, Default)]
#[allow(clippy::struct_excessive_bools)]
pub struct Shape {
    pub secured: bool,
    pub roles: Vec<String>,
    pub if_match: bool,
    pub if_none_match: bool,
    pub idempotency_key: bool,
    pub body: bool,
    pub json_body: bool,
    pub database: bool,
}

impl Shape {
    pub fn of(operation: &Operation) -> Self {
        let mut shape = Self {
            database: !operation
                .operation_id
                .as_deref()
                .is_some_and(|id| WITHOUT_DATABASE.contains(&id)),
            ..Self::default()
        };
        for requirement in operation.security.iter().flatten() {
            // the requirement's fields are private: read it as JSON
            if let Ok(serde_json::Value::Object(schemes)) = serde_json::to_value(requirement) {
                for roles in schemes.values() {
                    shape.secured = true;
                    shape.roles.extend(
                        roles
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|r| r.as_str().map(str::to_owned)),
                    );
                }
            }
        }
        for parameter in operation.parameters.iter().flatten() {
            match parameter.parameter_in {
                ParameterIn::Header => match parameter.name.as_str() {
                    IF_MATCH => shape.if_match = true,
                    IF_NONE_MATCH => shape.if_none_match = true,
                    IDEMPOTENCY_KEY => shape.idempotency_key = true,
                    _ => {}
                },
                ParameterIn::Query | ParameterIn::Path | ParameterIn::Cookie => {}
            }
        }
        if let Some(body) = &operation.request_body {
            shape.body = true;
            shape.json_body = body
                .content
                .keys()
                .any(|ct| ct == "application/json" || ct.ends_with("+json"));
        }
        shape
    }

    /// The statuses the rules add, with their component names.
    pub fn statuses(&self) -> BTreeMap<u16, &'static str> {
        let mut out = BTreeMap::new();
        let mut add = |status: u16| {
            if let Some((_, name, _)) = PROBLEMS.iter().find(|(s, _, _)| *s == status) {
                out.insert(status, *name);
            } else if status == 304 {
                out.insert(status, "NotModified");
            }
        };
        add(500);
        // any URL can hold what cannot be stored (a NUL, bytes that are no
        // UTF-8): refused before routing, whatever the operation
        add(400);
        if self.database || self.secured {
            add(503);
        }
        if self.secured {
            add(401);
        }
        if !self.roles.is_empty() {
            add(403);
        }
        if self.body {
            add(413);
            add(415);
        }
        if self.json_body || self.idempotency_key {
            add(422);
        }
        if self.if_match {
            add(412);
            add(428);
        }
        if self.if_none_match {
            add(304);
        }
        out
    }
}

fn add_statuses(operation: &mut Operation) {
    let shape = Shape::of(operation);
    for (status, name) in shape.statuses() {
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| Ref::from_response_name(name).into());
    }
    if shape.if_none_match {
        if let Some(RefOr::T(ok)) = operation.responses.responses.get_mut("200") {
            ok.headers
                .entry("ETag".to_owned())
                .or_insert_with(etag_header);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod schema_names;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A handler lists only what is its own: a status the rules add is not
    /// also declared in its `#[utoipa::path]` (declared once).
    #[test]
    fn no_handler_declares_a_status_the_rules_add() {
        let raw = crate::app::openapi_without_rules();
        let mut twice = Vec::new();
        for (path, item) in &raw.paths.paths {
            let mut item = item.clone();
            for operation in operations(&mut item) {
                let shape = Shape::of(operation);
                for status in shape.statuses().keys() {
                    if operation
                        .responses
                        .responses
                        .contains_key(&status.to_string())
                    {
                        twice.push(format!(
                            "{} {path}: {status}",
                            operation.operation_id.clone().unwrap_or_default()
                        ));
                    }
                }
            }
        }
        assert!(
            twice.is_empty(),
            "declared in the handler and added by spec::StatusRules: {twice:#?}"
        );
    }

    /// Every problem response a handler declares is a reference to a shared
    /// component, never a pasted copy.
    #[test]
    fn handlers_refer_to_the_shared_problem_responses() {
        let raw = crate::app::openapi_without_rules();
        let mut pasted = Vec::new();
        for (path, item) in &raw.paths.paths {
            let mut item = item.clone();
            for operation in operations(&mut item) {
                for (status, response) in &operation.responses.responses {
                    if let RefOr::T(response) = response {
                        if response.content.contains_key(PROBLEM_JSON) || status.starts_with('4') {
                            pasted.push(format!("{path} {status}"));
                        }
                    }
                }
            }
        }
        assert!(pasted.is_empty(), "inline problem responses: {pasted:#?}");
    }

    #[test]
    fn every_operation_lists_500_and_secured_ones_401() {
        let spec = crate::app::openapi();
        for item in spec.paths.paths.values() {
            let mut item = item.clone();
            for operation in operations(&mut item) {
                assert!(operation.responses.responses.contains_key("500"));
                if operation.security.is_some() {
                    assert!(operation.responses.responses.contains_key("401"));
                }
            }
        }
    }
}
