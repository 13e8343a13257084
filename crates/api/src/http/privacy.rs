//! Nothing we echo or log carries a national identity number the caller
//! sent: not a path, not a parameter's name or value, not a deserializer's
//! message quoting a value, not a request id.
//!
//! The masking is structural: every problem document is masked where it is
//! rendered (`middleware::as_problem`, over every string in it, and the
//! headers of the error response), and every log line where it is written
//! ([`log_format`], installed by `main`). Handlers may quote what they were
//! given; what leaves the process cannot carry it. What counts is anything
//! that *looks like* a number ([`find_national_id_lookalikes`]): 11 digits,
//! with or without a space after the six-digit date part, valid or not.

use actix_web::http::header::{HeaderMap, HeaderValue};
use hds_domain::identity::find_national_id_lookalikes;
use serde_json::Value;

/// What a masked number is replaced by.
pub const MASK: &str = "***********";

/// Whether `text` holds something that looks like a national identity number.
pub fn has_national_id(text: &str) -> bool {
    !find_national_id_lookalikes(text).is_empty()
}

/// `text` with everything that looks like a national identity number masked.
pub fn without_national_ids(text: &str) -> String {
    let found = find_national_id_lookalikes(text);
    if found.is_empty() {
        return text.to_owned();
    }
    let mut masked = text.to_owned();
    for range in found.into_iter().rev() {
        masked.replace_range(range, MASK);
    }
    masked
}

/// A request path as it may be logged and echoed (`instance`): percent-
/// decoded, so that `241199%2050062` is seen for the number it is; control
/// characters escaped, so that no `%0A` starts a forged log line; and masked.
pub fn shown_path(raw: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
    let mut shown = String::with_capacity(decoded.len());
    for c in decoded.chars() {
        if c.is_control() {
            shown.extend(c.escape_default());
        } else {
            shown.push(c);
        }
    }
    without_national_ids(&shown)
}

/// Masks every string in a JSON document, object keys included.
pub fn mask_json(value: &mut Value) {
    match value {
        Value::String(s) => {
            if has_national_id(s) {
                *s = without_national_ids(s);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_json),
        Value::Object(map) => {
            if map.keys().any(|k| has_national_id(k)) {
                let entries = std::mem::take(map);
                for (key, mut item) in entries {
                    mask_json(&mut item);
                    map.insert(without_national_ids(&key), item);
                }
            } else {
                map.values_mut().for_each(mask_json);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Masks the values of response headers (an error's `WWW-Authenticate`
/// quotes its detail).
pub fn mask_headers(headers: &mut HeaderMap) {
    let masked: Vec<_> = headers
        .iter()
        .filter_map(|(name, value)| {
            let text = value.to_str().ok()?;
            has_national_id(text).then(|| (name.clone(), without_national_ids(text)))
        })
        .collect();
    for (name, text) in masked {
        if let Ok(value) = HeaderValue::from_str(&text) {
            headers.insert(name, value);
        }
    }
}

/// The log line format: `[time LEVEL] message`, with every national identity
/// number masked, whoever wrote the line (our code, actix, r2d2, diesel).
pub fn log_format(
    buf: &mut env_logger::fmt::Formatter,
    record: &log::Record<'_>,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let message = without_national_ids(&record.args().to_string());
    writeln!(
        buf,
        "[{} {:<5}] {message}",
        buf.timestamp_seconds(),
        record.level()
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_string_of_a_problem_is_masked_keys_too() {
        let mut problem = serde_json::json!({
            "detail": "unknown status 15058550040",
            "errors": [{"pointer": "/query/150585 50040", "message": "x 12345678901"}],
            "12345678901": 1,
            "status": 400
        });
        mask_json(&mut problem);
        let text = problem.to_string();
        assert!(!text.contains("15058550040"), "{text}");
        assert!(!text.contains("150585 50040"), "{text}");
        assert!(!text.contains("12345678901"), "{text}");
        assert_eq!(problem["detail"], "unknown status ***********");
        assert_eq!(problem["status"], 400);
    }

    #[test]
    fn paths_are_shown_decoded_escaped_and_masked() {
        assert_eq!(
            shown_path("/api/v1/custodians/241199%2050062"),
            "/api/v1/custodians/***********"
        );
        assert_eq!(shown_path("/a%0Ab%00"), "/a\\nb\\u{0}");
        assert_eq!(
            shown_path("/api/v1/custodians/FHI"),
            "/api/v1/custodians/FHI"
        );
    }
}
