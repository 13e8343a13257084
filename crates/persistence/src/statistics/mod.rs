//! Reading what the statistics need (issue 15, `docs/reporting.md`): one
//! [`CaseHistory`](hds_domain::statistics::CaseHistory) per case from the
//! case events, decisions and custodians' reports ([`histories`]), the
//! invoices issued in a period ([`invoiced`]), the public overview of granted
//! access and its withheld entries ([`overview`]), and the catalogue as
//! published for harvesting ([`catalogue`]).
//!
//! The event names read here are in one place, [`events`], so that they can
//! follow the delivery clock (issue 12) when it lands.

pub mod catalogue;
pub mod events;
pub mod expected;
pub mod histories;
pub mod invoiced;
pub mod overview;
