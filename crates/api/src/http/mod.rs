//! HTTP conventions shared by every resource: ETags and conditional
//! requests, cursor pagination, the `Allow` of a 405, CORS.

pub mod allow;
pub mod cors;
pub mod etag;
pub mod idempotency;
pub mod pagination;
