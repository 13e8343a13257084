//! HTTP conventions shared by every resource: ETags and conditional
//! requests, cursor pagination, idempotency keys, the request id, the
//! `Allow` of a 405, CORS, and keeping national identity numbers out of what
//! is echoed or logged.

pub mod allow;
pub mod cors;
pub mod etag;
pub mod idempotency;
pub mod negotiate;
pub mod pagination;
pub mod privacy;
pub mod request_id;
