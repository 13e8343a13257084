//! Persistence for hds.
