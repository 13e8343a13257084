//! HTTP conventions shared by every resource: ETags and conditional
//! requests, cursor pagination.

pub mod etag;
pub mod idempotency;
pub mod pagination;
