//! Export of invoice bases and credit notes for the finance systems: CSV
//! ([`csv`]) and EHF / PEPPOL BIS Billing 3.0 as UBL 2.1 XML ([`ubl`]).

pub mod csv;
pub mod ubl;
pub mod xml;

use time::Date;

use super::invoice::{InvoiceBasis, Line, Payer, Totals};
use super::price_list::InvoicingParty;
use super::state::{CreditNote, Issue};

/// An invoice or a credit note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Invoice,
    CreditNote,
}

impl DocumentKind {
    /// `INVOICE` or `CREDIT_NOTE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invoice => "INVOICE",
            Self::CreditNote => "CREDIT_NOTE",
        }
    }
}

/// What the exports read from an invoice basis or a credit note.
#[derive(Debug, Clone, Copy)]
struct Document<'a> {
    kind: DocumentKind,
    status: &'static str,
    number: Option<&'a str>,
    issued_on: Option<Date>,
    due_on: Option<Date>,
    /// For a credit note: the invoice it credits, and why.
    credits: Option<&'a Issue>,
    reason: Option<&'a str>,
    case_number: &'a str,
    party: &'a InvoicingParty,
    payer: &'a Payer,
    payer_reference: Option<&'a str>,
    lines: &'a [Line],
    totals: &'a Totals,
}

impl<'a> From<&'a InvoiceBasis> for Document<'a> {
    fn from(b: &'a InvoiceBasis) -> Self {
        let issue = b.status.issue();
        Document {
            kind: DocumentKind::Invoice,
            status: b.status.as_str(),
            number: issue.map(|i| i.number.as_str()),
            issued_on: issue.map(|i| i.issued_on),
            due_on: issue.map(|i| i.due_on),
            credits: None,
            reason: None,
            case_number: &b.case_number,
            party: &b.party,
            payer: &b.payer,
            payer_reference: b.payer_reference.as_deref(),
            lines: &b.lines,
            totals: &b.totals,
        }
    }
}

impl<'a> From<&'a CreditNote> for Document<'a> {
    fn from(c: &'a CreditNote) -> Self {
        Document {
            kind: DocumentKind::CreditNote,
            status: "ISSUED",
            number: Some(&c.number),
            issued_on: Some(c.issued_on),
            due_on: None,
            credits: Some(&c.credits),
            reason: Some(&c.reason),
            case_number: &c.case_number,
            party: &c.party,
            payer: &c.payer,
            payer_reference: c.payer_reference.as_deref(),
            lines: &c.lines,
            totals: &c.totals,
        }
    }
}
