//! Cursor pagination: `{items, nextCursor}`.
//!
//! A cursor is opaque to clients: base64url of the sort key of the last item
//! returned (e.g. `code`, or `dueDate|id`). `limit` defaults to 50, at most 500.
//! Ask for `limit + 1` rows; if the extra one came back there is a next page.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, Text};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The validated `limit`: 400 outside 1..=500.
pub fn limit(raw: Option<i64>) -> Result<i64, ApiError> {
    match raw {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::bad_parameter(
            "/query/limit",
            "OUT_OF_RANGE",
            Text::new(
                format!("limit må være mellom 1 og {MAX_LIMIT}"),
                format!("limit must be between 1 and {MAX_LIMIT}"),
            ),
        )),
    }
}

pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

/// The sort key inside a cursor: 400 when it is not one of ours.
pub fn decode_cursor(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    raw.map(|c| {
        URL_SAFE_NO_PAD
            .decode(c.as_bytes())
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(|| {
                ApiError::bad_parameter(
                    "/query/cursor",
                    "INVALID_CURSOR",
                    Text::new(
                        "cursor er ikke en dette API-et har gitt ut",
                        "cursor is not one this API gave out",
                    ),
                )
            })
    })
    .transpose()
}

/// Cuts `rows` (fetched with `limit + 1`) to a page; `key` gives an item's sort key.
pub fn page<T>(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> String) -> Page<T> {
    let limit = usize::try_from(limit).unwrap_or(0);
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|last| encode_cursor(&key(last)))
    } else {
        None
    };
    Page {
        items: rows,
        next_cursor,
    }
}
