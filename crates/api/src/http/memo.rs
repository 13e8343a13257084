//! A list's last response, kept with the rows it was made from.
//!
//! A public list (the catalogue's) answers the same query with the same rows
//! most of the time. Its body and `ETag` are a function of the query and the
//! rows alone, so when a request's rows equal the rows of the last response
//! to the same query, that response's body and `ETag` are the answer:
//! serialising 17 KB of JSON and hashing it for the `ETag` were about a
//! sixth of the catalogue list's CPU (docs/benchmarks.md). The rows still
//! come from the database on every request (the same statement as always):
//! nothing is served that the database did not just return.
//!
//! At most [`MAX_QUERIES`] queries are kept; when a new one would exceed
//! that, all are forgotten.

use std::collections::HashMap;
use std::sync::Mutex;

use actix_web::web::Bytes;

/// How many distinct queries are kept at most.
pub const MAX_QUERIES: usize = 64;

/// See the module documentation.
#[derive(Debug)]
pub struct ResponseMemo<R> {
    entries: Mutex<Option<HashMap<String, Memo<R>>>>,
}

#[derive(Debug)]
struct Memo<R> {
    rows: Vec<R>,
    body: Bytes,
    etag: String,
}

impl<R: PartialEq> Default for ResponseMemo<R> {
    fn default() -> Self {
        Self::new()
    }
}

impl<R: PartialEq> ResponseMemo<R> {
    pub const fn new() -> Self {
        Self {
            entries: Mutex::new(None),
        }
    }

    /// The body and `ETag` of the last response to `query`, if it was made
    /// from exactly these `rows`.
    pub fn get(&self, query: &str, rows: &[R]) -> Option<(Bytes, String)> {
        let entries = self.entries.lock().ok()?;
        let memo = entries.as_ref()?.get(query)?;
        (memo.rows == rows).then(|| (memo.body.clone(), memo.etag.clone()))
    }

    /// Keeps the response to `query` made from `rows`.
    pub fn put(&self, query: &str, rows: Vec<R>, body: Bytes, etag: String) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        let map = entries.get_or_insert_with(HashMap::new);
        if map.len() >= MAX_QUERIES && !map.contains_key(query) {
            map.clear();
        }
        map.insert(query.to_owned(), Memo { rows, body, etag });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_is_reused_only_for_the_same_query_and_the_same_rows() {
        let memo = ResponseMemo::new();
        memo.put(
            "limit=5",
            vec![1, 2],
            Bytes::from_static(b"[1,2]"),
            "\"a\"".into(),
        );
        assert_eq!(
            memo.get("limit=5", &[1, 2]),
            Some((Bytes::from_static(b"[1,2]"), "\"a\"".to_owned()))
        );
        assert_eq!(memo.get("limit=5", &[1, 3]), None, "other rows");
        assert_eq!(memo.get("limit=6", &[1, 2]), None, "another query");
        memo.put(
            "limit=5",
            vec![1, 3],
            Bytes::from_static(b"[1,3]"),
            "\"b\"".into(),
        );
        assert_eq!(memo.get("limit=5", &[1, 2]), None, "replaced");
    }

    #[test]
    fn it_keeps_a_bounded_number_of_queries() {
        let memo = ResponseMemo::new();
        for i in 0..=MAX_QUERIES {
            memo.put(&format!("q={i}"), vec![i], Bytes::new(), String::new());
        }
        assert_eq!(memo.get("q=0", &[0]), None, "forgotten when full");
        assert!(memo
            .get(&format!("q={MAX_QUERIES}"), &[MAX_QUERIES])
            .is_some());
    }
}
