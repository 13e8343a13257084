//! Holds a response to the published contract (`openapi/openapi.json`).
//!
//! [`Contract::check`] takes what a client saw (method, path, status,
//! content type, body) and answers whether the spec documents it:
//!
//! 1. the path fits a path template and the method is an operation of it
//!    (the most specific template wins, as the server routes: a literal
//!    segment beats a placeholder, compared from the left);
//! 2. the status is one of the operation's responses;
//! 3. the content type is one the response documents (a bodiless response,
//!    204 or 304, has no body);
//! 4. a JSON body validates against the documented schema (JSON Schema
//!    2020-12, `$ref`s into `#/components/schemas` resolved within the spec,
//!    formats such as `date-time` and `uuid` checked). Other bodies (CSV,
//!    PDF, attachments) are held to their content type only.
//!
//! Outside the operations, the server's conventions hold: a path no template
//! fits is a 404 problem, a method the path does not have is a 405 problem,
//! and a CORS preflight (`OPTIONS`) is a 200 or a problem. Paths the spec
//! does not describe on purpose (the spec itself, the docs, the dev issuer)
//! are left alone ([`Contract::outside`]).

use std::collections::HashMap;
use std::fmt;
use std::io::Write as _;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

const PROBLEM_JSON: &str = "application/problem+json";
const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// What a client saw.
#[derive(Debug, Clone, Copy)]
pub struct Observed<'a> {
    pub method: &'a str,
    /// The request path, with or without the query string.
    pub path: &'a str,
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
}

/// What the check found the response to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    /// A documented response of this operation (`GET /api/v1/things/{id}`).
    Operation { method: String, template: String },
    /// One of the server's conventions outside the operations (404, 405, a preflight).
    Convention,
    /// A path the spec leaves out on purpose.
    Outside,
}

/// A response the contract does not document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// `GET /api/v1/things/{id} (get_thing)`, or the request line when no
    /// operation fits.
    pub operation: String,
    pub status: u16,
    pub kind: ViolationKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViolationKind {
    /// The status is not among the operation's responses.
    UndocumentedStatus { documented: Vec<String> },
    /// The content type is not the documented one.
    WrongContentType {
        got: Option<String>,
        documented: Vec<String>,
    },
    /// A body where none is documented (204, 304).
    UnexpectedBody,
    /// The body is not JSON though its content type says so.
    NotJson(String),
    /// The body does not validate against the documented schema: each error
    /// as `<instance pointer>: <validator's message>`.
    SchemaMismatch(Vec<String>),
    /// A path the spec has no template for, answered other than 404 problem.
    UnknownPath,
    /// A method the path does not have, answered other than 405 problem.
    UndeclaredMethod { allowed: Vec<String> },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "contract violation: {} answered {}: ",
            self.operation, self.status
        )?;
        match &self.kind {
            ViolationKind::UndocumentedStatus { documented } => write!(
                f,
                "status {} is not documented (documented: {})",
                self.status,
                documented.join(", ")
            ),
            ViolationKind::WrongContentType { got, documented } => write!(
                f,
                "content type {} is not the documented one ({})",
                got.as_deref().unwrap_or("(none)"),
                if documented.is_empty() {
                    "no body".to_owned()
                } else {
                    documented.join(", ")
                }
            ),
            ViolationKind::UnexpectedBody => write!(f, "a body where the spec documents none"),
            ViolationKind::NotJson(e) => write!(f, "the body is not JSON: {e}"),
            ViolationKind::SchemaMismatch(errors) => write!(
                f,
                "the body does not match the documented schema:\n  {}",
                errors.join("\n  ")
            ),
            ViolationKind::UnknownPath => write!(
                f,
                "no path template fits, so it must be a 404 problem (application/problem+json)"
            ),
            ViolationKind::UndeclaredMethod { allowed } => write!(
                f,
                "the path has no such operation ({}), so it must be a 405 problem",
                allowed.join(", ")
            ),
        }
    }
}

impl std::error::Error for Violation {}

/// The contract, ready to check responses against.
pub struct Contract {
    spec: Value,
    templates: Vec<(String, Vec<Segment>)>,
    outside: Vec<String>,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Placeholder,
}

fn segments(path: &str) -> Vec<&str> {
    path.trim_start_matches('/').split('/').collect()
}

fn template(path: &str) -> Vec<Segment> {
    segments(path)
        .into_iter()
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                Segment::Placeholder
            } else {
                Segment::Literal(s.to_owned())
            }
        })
        .collect()
}

/// The media type without parameters, lower case (`application/json`).
fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json")
}

/// Does a documented media range (`text/csv`, `application/*`, `*/*`) cover this media type?
fn covers(range: &str, media: &str) -> bool {
    let range = media_type(range);
    if range == media || range == "*/*" {
        return true;
    }
    range
        .strip_suffix("/*")
        .is_some_and(|kind| media.split('/').next() == Some(kind))
}

impl Contract {
    /// A contract from the OpenAPI document (as JSON).
    pub fn new(spec: Value) -> Self {
        let templates = spec["paths"]
            .as_object()
            .map(|paths| {
                paths
                    .keys()
                    .map(|path| (path.clone(), template(path)))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            spec,
            templates,
            outside: Vec::new(),
            validators: Mutex::new(HashMap::new()),
        }
    }

    /// Paths (exact, or a prefix ending in `/`) the spec leaves out on
    /// purpose; responses there are not checked.
    #[must_use]
    pub fn outside(mut self, paths: &[&str]) -> Self {
        self.outside.extend(paths.iter().map(|p| (*p).to_owned()));
        self
    }

    /// The spec path template this request path is served by, if any.
    pub fn template_of(&self, path: &str) -> Option<&str> {
        let parts = segments(path);
        self.templates
            .iter()
            .filter(|(_, t)| {
                t.len() == parts.len()
                    && t.iter().zip(&parts).all(|(seg, part)| match seg {
                        Segment::Literal(l) => l == part,
                        Segment::Placeholder => !part.is_empty(),
                    })
            })
            // a literal beats a placeholder, compared from the left
            .max_by_key(|(_, t)| {
                t.iter()
                    .map(|s| matches!(s, Segment::Literal(_)))
                    .collect::<Vec<_>>()
            })
            .map(|(path, _)| path.as_str())
    }

    /// Checks one response; `Ok` says what it was checked as.
    pub fn check(&self, seen: &Observed<'_>) -> Result<Checked, Violation> {
        let path = seen.path.split('?').next().unwrap_or_default();
        let method = seen.method.to_ascii_lowercase();
        let line = format!("{} {path}", seen.method.to_ascii_uppercase());
        if self
            .outside
            .iter()
            .any(|o| path == o || (o.ends_with('/') && path.starts_with(o.as_str())))
        {
            return Ok(Checked::Outside);
        }
        let violation = |operation: &str, kind| Violation {
            operation: operation.to_owned(),
            status: seen.status,
            kind,
        };
        let Some(template) = self.template_of(path) else {
            // an unknown route is a 404 problem
            return if seen.status == 404 {
                self.check_problem(&line, seen)
                    .map(|()| Checked::Convention)
            } else {
                Err(violation(&line, ViolationKind::UnknownPath))
            };
        };
        let item = &self.spec["paths"][template];
        let Some(operation) = item
            .get(&method)
            .filter(|_| METHODS.contains(&method.as_str()))
        else {
            let allowed: Vec<String> = METHODS
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(|m| m.to_ascii_uppercase())
                .collect();
            let line = format!("{} {template}", seen.method.to_ascii_uppercase());
            // a CORS preflight is answered before routing: 200, or a problem
            if method == "options" && seen.status == 200 {
                return Ok(Checked::Convention);
            }
            if seen.status == 405 || (method == "options" && seen.status == 400) {
                return self
                    .check_problem(&line, seen)
                    .map(|()| Checked::Convention);
            }
            return Err(violation(
                &line,
                ViolationKind::UndeclaredMethod { allowed },
            ));
        };
        let name = format!(
            "{} {template} ({})",
            seen.method.to_ascii_uppercase(),
            operation["operationId"].as_str().unwrap_or("?")
        );
        let responses = operation["responses"].as_object();
        let status = seen.status.to_string();
        let Some(response) = responses.and_then(|r| r.get(&status)) else {
            let documented = responses
                .map(|r| r.keys().cloned().collect())
                .unwrap_or_default();
            return Err(violation(
                &name,
                ViolationKind::UndocumentedStatus { documented },
            ));
        };
        let response = self.resolve(response);
        self.check_content(
            &name,
            seen,
            response,
            &format!("{template} {method} {status}"),
        )?;
        log(&name, seen.status);
        Ok(Checked::Operation {
            method: seen.method.to_ascii_uppercase(),
            template: template.to_owned(),
        })
    }

    /// A problem document, as the `Problem` schema says.
    fn check_problem(&self, name: &str, seen: &Observed<'_>) -> Result<(), Violation> {
        let response = json!({"content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}});
        self.check_content(name, seen, &response, "problem")?;
        log(name, seen.status);
        Ok(())
    }

    /// Follows a `$ref` to a response component.
    fn resolve<'s>(&'s self, response: &'s Value) -> &'s Value {
        match response.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference
                .strip_prefix('#')
                .and_then(|pointer| self.spec.pointer(pointer))
                .unwrap_or(&Value::Null),
            None => response,
        }
    }

    fn check_content(
        &self,
        name: &str,
        seen: &Observed<'_>,
        response: &Value,
        key: &str,
    ) -> Result<(), Violation> {
        let violation = |kind| Violation {
            operation: name.to_owned(),
            status: seen.status,
            kind,
        };
        let content = response["content"].as_object().filter(|c| !c.is_empty());
        let Some(content) = content else {
            return if seen.body.is_empty() {
                Ok(())
            } else {
                Err(violation(ViolationKind::UnexpectedBody))
            };
        };
        let documented: Vec<String> = content.keys().cloned().collect();
        let media = seen.content_type.map(media_type);
        let Some((range, media_object)) = media
            .as_deref()
            .and_then(|m| content.iter().find(|(range, _)| covers(range, m)))
        else {
            return Err(violation(ViolationKind::WrongContentType {
                got: seen.content_type.map(str::to_owned),
                documented,
            }));
        };
        let media = media.unwrap_or_default();
        if !is_json(&media) {
            return Ok(());
        }
        let Some(schema) = media_object.get("schema") else {
            return Ok(());
        };
        let body: Value = serde_json::from_slice(seen.body)
            .map_err(|e| violation(ViolationKind::NotJson(e.to_string())))?;
        let validator = self.validator(&format!("{key} {range}"), schema);
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| format!("{}: {e}", pointer_or_root(&e.instance_path().to_string())))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(violation(ViolationKind::SchemaMismatch(errors)))
        }
    }

    /// The validator of one schema, built once: the schema wrapped in a
    /// document that carries the spec's components, so that its `$ref`s
    /// (`#/components/schemas/...`) resolve.
    fn validator(&self, key: &str, schema: &Value) -> Arc<jsonschema::Validator> {
        let mut cache = self
            .validators
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(v) = cache.get(key) {
            return v.clone();
        }
        let wrapper = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": {"schemas": self.spec["components"]["schemas"].clone()},
            "allOf": [schema],
        });
        let validator = match jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&wrapper)
        {
            Ok(v) => Arc::new(v),
            // a schema that does not compile is the spec's fault: say so loudly
            Err(e) => panic!("the documented schema for {key} does not compile: {e}"),
        };
        cache.insert(key.to_owned(), validator.clone());
        validator
    }
}

fn pointer_or_root(pointer: &str) -> &str {
    if pointer.is_empty() {
        "(the body)"
    } else {
        pointer
    }
}

/// With `HDS_CONFORMANCE_LOG` set, appends one line per checked response to
/// that file (`make test` counts them).
fn log(name: &str, status: u16) {
    if let Some(file) = std::env::var_os("HDS_CONFORMANCE_LOG") {
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
        {
            let _ = writeln!(f, "{name} {status}");
        }
    }
}

#[cfg(test)]
mod tests;
