//! Fees and invoices (issue 14, helseregisterloven § 19 g): the stored form
//! of `hds_domain::fees` and the transactions around it.
//!
//! - `price_lists`: invoicing parties and their price lists with validity
//!   periods; ADMIN adds a version (never changes one).
//! - `seed`: the reference data (HDS's, FHI's and Kreftregisteret's prices
//!   from 1 January 2023, with their sources).
//! - `hours`: HDS's ledger of hours on a case; the custodians' ledgers on
//!   their tasks read per invoicing party. Append-only; corrections are new
//!   entries.
//! - `waivers`: a case handler's waiver of a party's fee, and estimate of
//!   HDS's hours.
//! - `inputs`: what the rules read about a case or a draft: sources and
//!   their parties, the facts, the payer.
//! - `estimate`: the cost estimate (kostnadsberegning).
//! - `invoices`: a case's bases per party (drafts computed live), stored
//!   bases and credit notes read back through the domain; `issuing`:
//!   issuing (numbered, locked) and crediting, with their feed events.
//! - `codes`: stored codes ↔ the domain's types; `rows`: the row structs.
//!
//! Every state change is one transaction with its audit event; the case row
//! is locked first (as in case handling), so hours, waivers and issuing on
//! one case queue up.

pub mod codes;
pub mod estimate;
pub mod hours;
pub mod inputs;
pub mod invoices;
pub mod issuing;
pub mod price_lists;
pub mod rows;
pub mod seed;
pub mod waivers;

use hds_domain::catalogue::Problem;

use crate::cases::CaseError;
use crate::StoreError;

pub use codes::HDS;
pub use estimate::EstimateRecord;
pub use hours::{case_ledger, record_case_hours, NewHours};
pub use inputs::{case_fees, CaseFees, SourceParty};
pub use invoices::{CreditNoteRecord, PartyBases, StoredBasis, Viewer};
pub use price_lists::{PriceListRecord, VersionNotes};
pub use rows::{
    CaseHoursRow, CreditNoteRow, EstimateRow, InvoiceBasisRow, InvoiceLineRow, PartyRow,
    PriceVersionRow, WaiverRow,
};

/// Why a fee operation failed.
#[derive(Debug, thiserror::Error)]
pub enum FeeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The input breaks the rules (422): every problem, with its pointer.
    #[error("invalid input")]
    Invalid(Vec<Problem>),
    /// Refused in the current state (409), in English and bokmål, with the
    /// problems behind it, if any.
    #[error("{en}")]
    Conflict {
        en: String,
        nb: String,
        problems: Vec<Problem>,
    },
}

impl FeeError {
    /// A refusal with no problems behind it.
    pub fn conflict(en: impl Into<String>, nb: impl Into<String>) -> Self {
        Self::Conflict {
            en: en.into(),
            nb: nb.into(),
            problems: Vec::new(),
        }
    }
}

impl From<diesel::result::Error> for FeeError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(e.into())
    }
}

impl From<CaseError> for FeeError {
    fn from(e: CaseError) -> Self {
        Self::Store(from_case(e))
    }
}

/// A case read or lock failing: only ever a store error.
pub(crate) fn from_case(e: CaseError) -> StoreError {
    match e {
        CaseError::Store(e) => e,
        other => codes::corrupt(&format!("case ({other})")),
    }
}

/// The waivers of a case, oldest first.
pub fn case_waivers(
    conn: &mut diesel::PgConnection,
    case_id: uuid::Uuid,
) -> Result<Vec<WaiverRow>, StoreError> {
    use diesel::prelude::*;
    Ok(crate::schema::fee_waivers::table
        .filter(crate::schema::fee_waivers::case_id.eq(case_id))
        .order(crate::schema::fee_waivers::seq.asc())
        .select(WaiverRow::as_select())
        .load(conn)?)
}
