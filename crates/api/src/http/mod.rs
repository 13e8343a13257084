//! HTTP conventions shared by every resource: ETags and conditional
//! requests, cursor pagination, idempotency keys, file downloads, the
//! request id, the `Allow` of a 405, CORS, refusing what cannot be stored,
//! a list's last response kept with its rows,
//! and keeping national identity numbers out of what is echoed or logged.

pub mod allow;
pub mod cors;
pub mod download;
pub mod etag;
pub mod idempotency;
pub mod input;
pub mod memo;
pub mod negotiate;
pub mod pagination;
pub mod parse_errors;
pub mod privacy;
pub mod request_id;
