//! The states of an invoice basis, and the credit note.
//!
//! ```text
//! DRAFT ──issue (number, date)──▶ ISSUED ──credit (number, date, reason)──▶ CREDITED
//!   │ ▲                              │
//!   └─┘ redraft (recomputed)         └─ never edited: a mistake is corrected by
//!                                       a credit note and a new invoice basis
//! ```
//!
//! - A **draft** is recomputed as hours are recorded ([`InvoiceBasis::redraft`]).
//! - **Issuing** numbers and locks it, with a due date. A basis with nothing
//!   to pay (fully exempt) is not issued.
//! - **Crediting** an issued basis makes a [`CreditNote`] that references it
//!   and mirrors it with negative quantities and amounts, so the two net to
//!   zero; the basis becomes CREDITED. Nothing more happens to it; a new draft
//!   for the case may then be made.
//!
//! Every method returns the new value or a [`StateError`]; nothing changes
//! in place.

use time::{Date, Duration};

use super::invoice::{InvoiceBasis, Line, Payer, Totals};
use super::money::Overflow;
use super::price_list::InvoicingParty;

/// An issued invoice's number and dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The invoice number (fakturanummer), given by the caller's numbering.
    pub number: String,
    pub issued_on: Date,
    /// Forfallsdato.
    pub due_on: Date,
}

/// A credit note's number and date, as the credited basis remembers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditRef {
    pub number: String,
    pub issued_on: Date,
}

/// DRAFT, ISSUED or CREDITED.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Draft,
    Issued(Issue),
    Credited {
        invoice: Issue,
        credit_note: CreditRef,
    },
}

impl Status {
    /// `DRAFT`, `ISSUED` or `CREDITED`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Draft => "DRAFT",
            Self::Issued(_) => "ISSUED",
            Self::Credited { .. } => "CREDITED",
        }
    }

    /// The invoice's number and dates, once issued.
    pub fn issue(&self) -> Option<&Issue> {
        match self {
            Self::Draft => None,
            Self::Issued(issue) | Self::Credited { invoice: issue, .. } => Some(issue),
        }
    }
}

/// Why a state change is refused (409 with this text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    #[error("the invoice basis is {0}: only a draft is recomputed or issued; an issued basis is never edited")]
    NotDraft(&'static str),
    #[error("the invoice basis is {0}: only an issued invoice is credited")]
    NotIssued(&'static str),
    #[error("nothing to invoice: the amount to pay is {0}")]
    NothingToInvoice(String),
    #[error("a number of 1 to 50 printable characters is required")]
    InvalidNumber,
    #[error("the credit note needs a number of its own, not the invoice's")]
    SameNumber,
    #[error("a reason is required for a credit note")]
    ReasonRequired,
    #[error("the date is before {0}")]
    TooEarly(Date),
    #[error("payment terms are 0 to 365 days")]
    PaymentTerms,
    #[error("a recomputed draft is for the same case, party and payer")]
    NotTheSameBasis,
    #[error("the amounts are too large")]
    Overflow,
}

impl From<Overflow> for StateError {
    fn from(_: Overflow) -> Self {
        Self::Overflow
    }
}

/// The longest invoice or credit note number.
pub const MAX_NUMBER_LEN: usize = 50;

fn check_number(number: &str) -> Result<(), StateError> {
    let ok = !number.trim().is_empty()
        && number.chars().count() <= MAX_NUMBER_LEN
        && !number.chars().any(char::is_control);
    if ok {
        Ok(())
    } else {
        Err(StateError::InvalidNumber)
    }
}

/// A credit note (kreditnota): the full reversal of an issued invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNote {
    pub number: String,
    pub issued_on: Date,
    /// Why the invoice is credited.
    pub reason: String,
    /// The invoice it credits.
    pub credits: Issue,
    pub case_number: String,
    pub party: InvoicingParty,
    pub payer: Payer,
    pub payer_reference: Option<String>,
    /// The invoice's lines with negative quantities and amounts.
    pub lines: Vec<Line>,
    /// The invoice's totals with the opposite sign.
    pub totals: Totals,
}

impl InvoiceBasis {
    /// Replaces a draft by `fresh`, a recomputation for the same case, party
    /// and payer. Refused once issued.
    pub fn redraft(&self, fresh: InvoiceBasis) -> Result<InvoiceBasis, StateError> {
        if self.status != Status::Draft {
            return Err(StateError::NotDraft(self.status.as_str()));
        }
        if fresh.case_number != self.case_number || fresh.party != self.party {
            return Err(StateError::NotTheSameBasis);
        }
        Ok(InvoiceBasis {
            status: Status::Draft,
            ..fresh
        })
    }

    /// Issues the draft as invoice `number` on `issued_on`, due
    /// `payment_days` later. Refused when there is nothing to pay, or when
    /// `issued_on` is before the last day of work billed.
    pub fn issue(
        &self,
        number: &str,
        issued_on: Date,
        payment_days: u16,
    ) -> Result<InvoiceBasis, StateError> {
        if self.status != Status::Draft {
            return Err(StateError::NotDraft(self.status.as_str()));
        }
        check_number(number)?;
        if self.totals.including_vat <= super::money::Money::ZERO {
            return Err(StateError::NothingToInvoice(
                self.totals.including_vat.to_string(),
            ));
        }
        if let Some(last) = self
            .lines
            .iter()
            .filter_map(|l| l.period.map(|p| p.1))
            .max()
        {
            if issued_on < last {
                return Err(StateError::TooEarly(last));
            }
        }
        if payment_days > 365 {
            return Err(StateError::PaymentTerms);
        }
        let due_on = issued_on
            .checked_add(Duration::days(i64::from(payment_days)))
            .ok_or(StateError::PaymentTerms)?;
        Ok(InvoiceBasis {
            status: Status::Issued(Issue {
                number: number.to_owned(),
                issued_on,
                due_on,
            }),
            ..self.clone()
        })
    }

    /// Credits the issued invoice in full with credit note `number` on
    /// `issued_on` (not before the invoice), for `reason`. Returns the basis,
    /// now CREDITED, and the credit note.
    pub fn credit(
        &self,
        number: &str,
        issued_on: Date,
        reason: &str,
    ) -> Result<(InvoiceBasis, CreditNote), StateError> {
        let Status::Issued(invoice) = &self.status else {
            return Err(StateError::NotIssued(self.status.as_str()));
        };
        check_number(number)?;
        if number == invoice.number {
            return Err(StateError::SameNumber);
        }
        if reason.trim().is_empty() {
            return Err(StateError::ReasonRequired);
        }
        if issued_on < invoice.issued_on {
            return Err(StateError::TooEarly(invoice.issued_on));
        }
        let lines = self
            .lines
            .iter()
            .map(|l| {
                Ok(Line {
                    quantity: l.quantity.checked_neg()?,
                    amount: l.amount.checked_neg()?,
                    ..l.clone()
                })
            })
            .collect::<Result<Vec<Line>, Overflow>>()?;
        let note = CreditNote {
            number: number.to_owned(),
            issued_on,
            reason: reason.trim().to_owned(),
            credits: invoice.clone(),
            case_number: self.case_number.clone(),
            party: self.party.clone(),
            payer: self.payer.clone(),
            payer_reference: self.payer_reference.clone(),
            lines,
            totals: self.totals.negated()?,
        };
        let credited = InvoiceBasis {
            status: Status::Credited {
                invoice: invoice.clone(),
                credit_note: CreditRef {
                    number: number.to_owned(),
                    issued_on,
                },
            },
            ..self.clone()
        };
        Ok((credited, note))
    }
}
