//! Tests of the fee rules, with example price lists (fixtures.rs).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod csv_export;
mod estimates;
mod exemptions;
mod fixtures;
mod invoices;
mod issued;
mod prices;
mod properties;
mod states;
mod ubl_checks;
mod ubl_export;
mod worked_example;
