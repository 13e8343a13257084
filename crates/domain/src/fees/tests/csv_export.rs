//! The CSV export.

use time::macros::date;

use super::fixtures::*;
use super::issued::*;
use crate::fees::export::csv::{credit_note_csv, invoice_csv, COLUMNS};
use crate::fees::*;

/// Splits CSV text into rows of fields (RFC 4180 quoting).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (';', false) => row.push(std::mem::take(&mut field)),
            ('\r', false) => {
                assert_eq!(chars.next(), Some('\n'), "rows end in CRLF");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "the last row ends in CRLF"
    );
    rows
}

fn column(rows: &[Vec<String>], name: &str) -> Vec<String> {
    let i = COLUMNS.iter().position(|c| *c == name).unwrap();
    rows[1..].iter().map(|r| r[i].clone()).collect()
}

#[test]
fn the_csv_has_a_header_and_a_row_per_line() {
    let b = kreft_issued();
    let rows = parse_csv(&invoice_csv(&b));
    assert_eq!(rows[0], COLUMNS);
    assert_eq!(rows.len(), 1 + b.lines.len());
    assert!(rows.iter().all(|r| r.len() == COLUMNS.len()));
    assert_eq!(column(&rows, "documentType"), ["INVOICE"; 3]);
    assert_eq!(column(&rows, "status"), ["ISSUED"; 3]);
    assert_eq!(column(&rows, "documentNumber"), ["KRG-2025-17"; 3]);
    assert_eq!(column(&rows, "invoicingParty"), ["KREFTREGISTERET"; 3]);
    assert_eq!(column(&rows, "payerOrgnr"), ["971035854"; 3]);
    assert_eq!(column(&rows, "dueDate"), ["2025-08-31"; 3]);
    assert_eq!(column(&rows, "lineKind"), ["HOURS", "FREE_HOURS", "HOURS"]);
    assert_eq!(column(&rows, "quantity"), ["2.00", "-2.00", "3.00"]);
    assert_eq!(column(&rows, "unit"), ["HUR"; 3]);
    assert_eq!(
        column(&rows, "unitPrice"),
        ["1155.00", "1155.00", "1300.00"]
    );
    assert_eq!(
        column(&rows, "lineAmount"),
        ["2310.00", "-2310.00", "3900.00"]
    );
    assert_eq!(column(&rows, "periodFrom")[2], "2025-07-01");
    assert_eq!(column(&rows, "vatCategory"), ["S"; 3]);
    assert_eq!(column(&rows, "vatPercent"), ["25"; 3]);
    assert_eq!(column(&rows, "totalVat"), ["975.00"; 3]);
    assert_eq!(column(&rows, "totalIncludingVat"), ["4875.00"; 3]);
}

#[test]
fn csv_fields_are_quoted_and_defused() {
    let mut b = hds_issued();
    b.payer_reference = Some("=HYPERLINK(\"x\");evil".into());
    let csv = invoice_csv(&b);
    assert!(csv.contains(";\"'=HYPERLINK(\"\"x\"\");evil\";"), "{csv}");
    let rows = parse_csv(&csv);
    assert_eq!(
        column(&rows, "payerReference")[0],
        "'=HYPERLINK(\"x\");evil"
    );
    assert_eq!(column(&rows, "vatCategory")[0], "O");
    assert_eq!(column(&rows, "vatPercent")[0], "0");
    assert!(column(&rows, "vatExemptionReason")[0].starts_with("Gebyr for offentlig"));
    assert_eq!(column(&rows, "exemptionGround").last().unwrap(), "WAIVER");
    // negative amounts are numbers, not defused text
    assert!(column(&rows, "lineAmount").last().unwrap().starts_with('-'));
}

#[test]
fn an_invoice_and_its_credit_note_sum_to_zero_in_the_csv() {
    let b = kreft_issued();
    let (_, note) = b
        .credit("KRG-K-2025-3", date!(2025 - 08 - 20), "Feil sats")
        .unwrap();
    let inv = parse_csv(&invoice_csv(&b));
    let cre = parse_csv(&credit_note_csv(&note));
    assert_eq!(column(&cre, "documentType"), ["CREDIT_NOTE"; 3]);
    assert_eq!(column(&cre, "creditedInvoice"), ["KRG-2025-17"; 3]);
    assert_eq!(column(&cre, "creditReason"), ["Feil sats"; 3]);
    assert_eq!(column(&cre, "dueDate"), [""; 3]);
    let sum = |rows: &[Vec<String>]| -> i64 {
        column(rows, "lineAmount")
            .iter()
            .map(|a| Money::parse_nok(a).unwrap().ore())
            .sum()
    };
    assert_eq!(sum(&inv), 390_000);
    assert_eq!(sum(&inv) + sum(&cre), 0);
}

#[test]
fn a_draft_csv_has_no_number() {
    let d = draft_for(
        &hds_2023(),
        RECEIVED,
        &[source("MFR", "FHI")],
        &[],
        &identifiable(),
    );
    let rows = parse_csv(&invoice_csv(&d));
    assert_eq!(column(&rows, "status"), ["DRAFT"]);
    assert_eq!(column(&rows, "documentNumber"), [""]);
    let empty = draft_for(&fhi(), RECEIVED, &[], &[], &identifiable());
    assert_eq!(parse_csv(&invoice_csv(&empty)).len(), 1, "the header only");
}
