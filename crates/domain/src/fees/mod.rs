//! Fees and invoices (gebyrer og fakturering), helseregisterloven § 19 g.
//!
//! An applicant gets one invoice from HDS for handling the application and
//! one from each custodian that prepared data (seed 003). What each charges
//! is data, not code: a [`PriceList`] per invoicing party, with versions in
//! force for periods ([`PriceVersion`]). From 1 January 2023 HDS charged a
//! basic fee of NOK 1,500 for one source or NOK 3,000 for several, plus NOK
//! 1,155 per started hour of case handling, excluding VAT (domain.md,
//! "Fees"); the tests carry that as an example price list, not as constants.
//!
//! The pieces, each in its own file:
//!
//! - [`money`]: [`Money`] in øre, [`Quantity`] in hundredths, [`VatRate`] in
//!   basis points, and the rounding rule (a half øre away from zero, once per
//!   line; VAT once per VAT category).
//! - [`price_list`]: versions, validity, no retroactive change, the rate on
//!   the day of the work.
//! - [`hours`]: the ledger of hours worked; corrections as new entries.
//! - [`counting`]: exact or per started hour (per entry, day or case), free hours.
//! - [`exemptions`]: student, change request, appeal, a case handler's waiver.
//! - [`estimate`]: the cost estimate (kostnadsberegning) before submission.
//! - [`invoice`]: the invoice basis (fakturagrunnlag): lines and totals.
//! - [`state`]: DRAFT → ISSUED → CREDITED, and the credit note.
//! - [`export`]: CSV and EHF (PEPPOL BIS Billing 3.0, UBL 2.1).
//!
//! `docs/fees.md` explains the rules with a worked example that a test
//! recomputes.

pub mod counting;
pub mod estimate;
pub mod exemptions;
pub mod export;
pub mod hours;
pub mod invoice;
pub mod money;
pub mod price_list;
pub mod state;
#[cfg(test)]
mod tests;

pub use counting::{FreeHoursFor, HourCounting, Rounding, RoundingScope};
pub use estimate::{estimate, Estimate, EstimateInput, PartyEstimate, Range};
pub use exemptions::{
    assess, check_waiver, Assessment, Covers, Exemption, FeeFacts, Ground, NotApplied, RequestKind,
    Waiver,
};
pub use hours::{
    check_new_entry, hours_per_day, work_items, Activity, Correction, EntryId, Hours, WorkEntry,
    WorkItem,
};
pub use invoice::{
    check_payer, draft, Address, BasisInput, InvoiceBasis, Line, LineKind, Payer, RequestedSource,
    Totals, Unit, VatSubtotal,
};
pub use money::{Money, Overflow, Quantity, VatRate};
pub use price_list::{
    check_hour_range, check_version, BasicFee, HourRange, InvoicingParty, PriceList, PriceVersion,
    VatTreatment,
};
pub use state::{CreditNote, CreditRef, Issue, StateError, Status};
