//! CSV of an invoice basis or a credit note, for a finance system's import.
//!
//! - UTF-8, no byte order mark; fields separated by `;`; lines end in CRLF
//!   (RFC 4180); a header row, then one row per invoice line (a basis
//!   without lines gives the header only).
//! - A field with `;`, `"`, CR or LF is quoted, with `"` doubled.
//! - Amounts and quantities are decimals with `.` and two decimals
//!   (`1155.00`, `-2.00`); dates are ISO 8601 (`2025-07-03`).
//! - A text field that starts with `=`, `+`, `-`, `@`, tab or CR gets a
//!   leading `'`, so a spreadsheet never runs it as a formula.
//! - A credit note's rows carry negative quantities and amounts: the invoice's
//!   rows and its credit note's rows sum to zero.
//!
//! The columns, in order ([`COLUMNS`]): `documentType` (INVOICE,
//! CREDIT_NOTE), `status` (DRAFT, ISSUED, CREDITED), `documentNumber` (empty
//! for a draft), `creditedInvoice` and `creditReason` (credit notes),
//! `caseNumber`, `invoicingParty` (HDS or the
//! custodian's code), `issueDate`, `dueDate`, `payerName`, `payerOrgnr`
//! (empty for a person), `payerReference`, `currency` (NOK), `lineNumber`
//! (from 1), `lineKind` (BASIC_FEE, HOURS, FREE_HOURS, EXEMPTION),
//! `exemptionGround` (STUDENT, CHANGE_REQUEST, APPEAL, WAIVER), `description`,
//! `periodFrom`, `periodTo`, `quantity`, `unit` (HUR, EA), `unitPrice`,
//! `lineAmount`, `vatCategory` (S, E, O), `vatPercent`, `vatExemptionReason`,
//! then the document's `totalExcludingVat`, `totalVat`, `totalIncludingVat`
//! (repeated on every row).

use super::Document;
use crate::fees::invoice::{InvoiceBasis, LineKind};
use crate::fees::state::CreditNote;

/// The header row's column names.
pub const COLUMNS: [&str; 29] = [
    "documentType",
    "status",
    "documentNumber",
    "creditedInvoice",
    "creditReason",
    "caseNumber",
    "invoicingParty",
    "issueDate",
    "dueDate",
    "payerName",
    "payerOrgnr",
    "payerReference",
    "currency",
    "lineNumber",
    "lineKind",
    "exemptionGround",
    "description",
    "periodFrom",
    "periodTo",
    "quantity",
    "unit",
    "unitPrice",
    "lineAmount",
    "vatCategory",
    "vatPercent",
    "vatExemptionReason",
    "totalExcludingVat",
    "totalVat",
    "totalIncludingVat",
];

/// A value as a CSV field: quoted when it must be.
fn field(value: &str) -> String {
    if value.contains([';', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// Free text as a CSV field, defused against spreadsheet formulas.
fn text(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        field(&format!("'{value}"))
    } else {
        field(value)
    }
}

/// The CSV of an invoice basis (draft, issued or credited).
pub fn invoice_csv(basis: &InvoiceBasis) -> String {
    write(&Document::from(basis))
}

/// The CSV of a credit note.
pub fn credit_note_csv(note: &CreditNote) -> String {
    write(&Document::from(note))
}

fn write(doc: &Document<'_>) -> String {
    let mut out = COLUMNS.join(";");
    out.push_str("\r\n");
    let date = |d: Option<time::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    for (i, line) in doc.lines.iter().enumerate() {
        let ground = match line.kind {
            LineKind::Exemption(g) => g.as_str(),
            _ => "",
        };
        let row = [
            doc.kind.as_str().to_owned(),
            doc.status.to_owned(),
            text(doc.number.unwrap_or_default()),
            text(doc.credits.map(|c| c.number.as_str()).unwrap_or_default()),
            text(doc.reason.unwrap_or_default()),
            text(doc.case_number),
            text(&doc.party.to_string()),
            date(doc.issued_on),
            date(doc.due_on),
            text(doc.payer.name()),
            doc.payer
                .orgnr()
                .map(|o| o.as_str().to_owned())
                .unwrap_or_default(),
            text(doc.payer_reference.unwrap_or_default()),
            "NOK".to_owned(),
            (i + 1).to_string(),
            line.kind.as_str().to_owned(),
            ground.to_owned(),
            text(&line.description),
            date(line.period.map(|p| p.0)),
            date(line.period.map(|p| p.1)),
            line.quantity.to_decimal(),
            line.unit.code().to_owned(),
            line.unit_price.to_decimal(),
            line.amount.to_decimal(),
            line.vat.category_code().to_owned(),
            line.vat
                .rate()
                .map_or_else(|| "0".to_owned(), crate::fees::VatRate::percent_text),
            text(line.vat.exemption_reason().unwrap_or_default()),
            doc.totals.excluding_vat.to_decimal(),
            doc.totals.vat.to_decimal(),
            doc.totals.including_vat.to_decimal(),
        ];
        out.push_str(&row.join(";"));
        out.push_str("\r\n");
    }
    out
}
