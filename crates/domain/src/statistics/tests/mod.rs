//! Tests of the statistics on a known set of cases ([`fixture`]), every
//! expected value counted by hand.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod backlog;
mod expected;
mod figures;
mod fixture;
mod properties;
mod seen;
