//! The simple field rules of request bodies, declared on the request types
//! with the `validator` crate (`#[validate(length(max = 5000), custom(function = free_text))]`),
//! reported as the same problem+json field errors as every other rule: a
//! JSON pointer per field (`/note`, `/rows/0/label`), a stable code
//! (`REQUIRED`, `TOO_LONG`, `TOO_MANY`, `OUT_OF_RANGE`, `INVALID_EMAIL`,
//! `CONTAINS_NATIONAL_ID`) and a message in bokmål and English.
//!
//! Only rules that need nothing but the field live here. Rules that need
//! the catalogue, the case or the law (a source offers a purpose, a decision
//! fits its case, an identity number's control digits, a deadline) stay in
//! the domain, which reports its problems with pointers itself.

use std::borrow::Cow;

use serde_json::Value;
use validator::{Validate, ValidationError, ValidationErrors, ValidationErrorsKind};

use crate::error::{FieldError, Text};

/// Every field problem of `body`, sorted by pointer.
pub fn check(body: &impl Validate) -> Vec<FieldError> {
    let mut out = Vec::new();
    if let Err(errors) = body.validate() {
        collect(&errors, "", &mut out);
    }
    out.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    out
}

/// Free text a person reads: not blank, and no national identity number in
/// it (privacy: the number is never echoed). Its length is a `length` rule.
pub fn free_text(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        Err(ValidationError::new("REQUIRED"))
    } else if !hds_domain::identity::find_national_ids(value).is_empty() {
        Err(ValidationError::new("CONTAINS_NATIONAL_ID"))
    } else {
        Ok(())
    }
}

/// `snake_case` (the Rust field) to `camelCase` (the JSON field).
fn camel(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn collect(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let pointer = format!("{prefix}/{}", camel(field));
        match kind {
            ValidationErrorsKind::Field(list) => {
                out.extend(list.iter().map(|e| field_error(&pointer, e)));
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &pointer, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect(inner, &format!("{pointer}/{index}"), out);
                }
            }
        }
    }
}

fn param(error: &ValidationError, name: &str) -> Option<Value> {
    error.params.get(&Cow::Borrowed(name)).cloned()
}

fn field_error(pointer: &str, error: &ValidationError) -> FieldError {
    let min = param(error, "min");
    let max = param(error, "max");
    let is_list = param(error, "value").is_some_and(|v| v.is_array());
    let count = |v: &Value| v.as_f64().unwrap_or_default();
    let too_short = min.as_ref().is_some_and(|min| {
        param(error, "value").is_some_and(|v| {
            let len = v
                .as_str()
                .map(|s| s.chars().count())
                .or_else(|| v.as_array().map(Vec::len))
                .unwrap_or_default();
            #[allow(clippy::cast_precision_loss)]
            let len = len as f64;
            len < count(min)
        })
    });
    let (code, text) = match error.code.as_ref() {
        "length" if too_short => {
            let min = min.unwrap_or_default();
            if is_list {
                (
                    "REQUIRED",
                    Text::new(format!("gi minst {min}"), format!("give at least {min}")),
                )
            } else if count(&min) <= 1.0 {
                ("REQUIRED", Text::new("må fylles ut", "must not be empty"))
            } else {
                (
                    "TOO_SHORT",
                    Text::new(
                        format!("minst {min} tegn"),
                        format!("at least {min} characters"),
                    ),
                )
            }
        }
        "length" => {
            let max = max.unwrap_or_default();
            if is_list {
                (
                    "TOO_MANY",
                    Text::new(
                        format!("høyst {max} elementer"),
                        format!("at most {max} entries"),
                    ),
                )
            } else {
                (
                    "TOO_LONG",
                    Text::new(
                        format!("høyst {max} tegn"),
                        format!("at most {max} characters"),
                    ),
                )
            }
        }
        "range" => (
            "OUT_OF_RANGE",
            match (min, max) {
                (Some(min), Some(max)) => Text::new(
                    format!("mellom {min} og {max}"),
                    format!("between {min} and {max}"),
                ),
                (Some(min), None) => Text::new(format!("minst {min}"), format!("at least {min}")),
                (None, Some(max)) => Text::new(format!("høyst {max}"), format!("at most {max}")),
                (None, None) => Text::new("utenfor det tillatte", "out of range"),
            },
        ),
        "email" => (
            "INVALID_EMAIL",
            Text::new("må være en e-postadresse", "must be an e-mail address"),
        ),
        "REQUIRED" => ("REQUIRED", Text::new("må fylles ut", "must not be empty")),
        "CONTAINS_NATIONAL_ID" => (
            "CONTAINS_NATIONAL_ID",
            Text::new(
                "fjern fødselsnummeret eller D-nummeret fra teksten",
                "remove the national identity number from the text",
            ),
        ),
        other => (
            "INVALID",
            Text::new(
                format!("ugyldig verdi ({other})"),
                format!("not a valid value ({other})"),
            ),
        ),
    };
    FieldError::new(pointer, code, text)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use validator::Validate;

    use super::*;

    #[derive(Validate)]
    struct Row {
        #[validate(length(max = 3))]
        label: String,
    }

    #[derive(Validate)]
    struct Body {
        #[validate(length(max = 40), custom(function = free_text))]
        note_text: String,
        #[validate(range(min = 0, max = 100))]
        percent_complete: Option<i32>,
        #[validate(length(min = 1, max = 2))]
        tags: Vec<String>,
        #[validate(email)]
        contact_email: Option<String>,
        #[validate(nested)]
        first_row: Row,
        #[validate(nested)]
        rows: Vec<Row>,
    }

    fn body() -> Body {
        Body {
            note_text: "ok".into(),
            percent_complete: Some(50),
            tags: vec!["a".into()],
            contact_email: Some("a@example.no".into()),
            first_row: Row { label: "ok".into() },
            rows: vec![Row { label: "ok".into() }, Row { label: "ok".into() }],
        }
    }

    fn found(b: &Body) -> Vec<(String, String, String, String)> {
        check(b)
            .into_iter()
            .map(|e| {
                (
                    e.pointer,
                    e.code,
                    e.message.nb().to_owned(),
                    e.message.en().to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn a_valid_body_has_no_problems() {
        assert!(check(&body()).is_empty());
    }

    #[test]
    fn each_rule_is_a_field_error_with_a_camel_case_pointer_and_both_languages() {
        let mut b = body();
        b.note_text = "x".repeat(41);
        b.percent_complete = Some(101);
        b.tags = Vec::new();
        b.contact_email = Some("not an address".into());
        assert_eq!(
            found(&b),
            vec![
                (
                    "/contactEmail".into(),
                    "INVALID_EMAIL".into(),
                    "må være en e-postadresse".into(),
                    "must be an e-mail address".into()
                ),
                (
                    "/noteText".into(),
                    "TOO_LONG".into(),
                    "høyst 40 tegn".into(),
                    "at most 40 characters".into()
                ),
                (
                    "/percentComplete".into(),
                    "OUT_OF_RANGE".into(),
                    "mellom 0 og 100".into(),
                    "between 0 and 100".into()
                ),
                (
                    "/tags".into(),
                    "REQUIRED".into(),
                    "gi minst 1".into(),
                    "give at least 1".into()
                ),
            ]
        );
    }

    #[test]
    fn nested_fields_and_list_items_point_into_the_body() {
        let mut b = body();
        b.first_row.label = "long".into();
        b.rows[1].label = "longer".into();
        b.tags = vec!["a".into(), "b".into(), "c".into()];
        let pointers: Vec<_> = found(&b).into_iter().map(|(p, c, _, _)| (p, c)).collect();
        assert_eq!(
            pointers,
            vec![
                ("/firstRow/label".into(), "TOO_LONG".into()),
                ("/rows/1/label".into(), "TOO_LONG".into()),
                ("/tags".into(), "TOO_MANY".into()),
            ]
        );
    }

    #[test]
    fn free_text_is_not_blank_and_holds_no_national_id() {
        let mut b = body();
        b.note_text = "   ".into();
        assert_eq!(found(&b)[0].1, "REQUIRED");
        b.note_text = "born as 15058550040".into();
        let problems = found(&b);
        assert_eq!(problems[0].1, "CONTAINS_NATIONAL_ID");
        // the number is never echoed
        assert!(!format!("{problems:?}").contains("15058550040"));
    }
}
