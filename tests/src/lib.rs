//! Helpers to start the real binary.
