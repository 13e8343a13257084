//! The hds HTTP API.
