//! Hours and fees invoiced in a period (`docs/reporting.md`, "Hours and
//! fees invoiced"): the invoice bases issued and the credit notes issued in
//! the period, per invoicing party, from `invoice_bases`, `invoice_lines`
//! and `credit_notes` (issue 14).

use diesel::prelude::*;
use diesel::sql_types::{Date as SqlDate, Int8, Text};
use diesel::PgConnection;
use time::Date;

use crate::error::StoreError;

/// What one invoicing party invoiced in a period.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct Invoiced {
    /// The invoicing party's code (`HDS`, or a custodian's).
    #[diesel(sql_type = Text)]
    pub party: String,
    /// Invoice bases issued in the period (also those credited since).
    #[diesel(sql_type = Int8)]
    pub invoices: i64,
    /// Hours on their `HOURS` lines, in hundredths.
    #[diesel(sql_type = Int8)]
    pub hours_hundredths: i64,
    /// Their totals, in øre.
    #[diesel(sql_type = Int8)]
    pub excluding_vat_ore: i64,
    #[diesel(sql_type = Int8)]
    pub including_vat_ore: i64,
    /// Credit notes issued in the period, and the totals (incl. VAT) of the
    /// invoices they credit, in øre.
    #[diesel(sql_type = Int8)]
    pub credit_notes: i64,
    #[diesel(sql_type = Int8)]
    pub credited_ore: i64,
}

const INVOICED: &str = "
WITH issued AS (
  SELECT b.party, count(*)::int8 AS invoices,
         COALESCE(sum(b.total_excluding_vat_ore), 0)::int8 AS excluding_vat_ore,
         COALESCE(sum(b.total_including_vat_ore), 0)::int8 AS including_vat_ore,
         COALESCE(sum((SELECT sum(l.quantity_hundredths) FROM invoice_lines l
                         WHERE l.invoice_basis_id = b.id AND l.kind = 'HOURS')), 0)::int8 AS hours_hundredths
    FROM invoice_bases b WHERE b.issued_on BETWEEN $1 AND $2 GROUP BY b.party
), credited AS (
  SELECT b.party, count(*)::int8 AS credit_notes,
         COALESCE(sum(b.total_including_vat_ore), 0)::int8 AS credited_ore
    FROM credit_notes n JOIN invoice_bases b ON b.id = n.invoice_basis_id
   WHERE n.issued_on BETWEEN $1 AND $2 GROUP BY b.party
)
SELECT COALESCE(i.party, c.party) AS party,
       COALESCE(i.invoices, 0) AS invoices, COALESCE(i.hours_hundredths, 0) AS hours_hundredths,
       COALESCE(i.excluding_vat_ore, 0) AS excluding_vat_ore,
       COALESCE(i.including_vat_ore, 0) AS including_vat_ore,
       COALESCE(c.credit_notes, 0) AS credit_notes, COALESCE(c.credited_ore, 0) AS credited_ore
  FROM issued i FULL JOIN credited c ON c.party = i.party
 ORDER BY 1";

/// What each party invoiced from `first` to `last` (both included), parties
/// in code order; a party that invoiced nothing is left out.
///
/// # Errors
/// A database error.
pub fn in_period(
    conn: &mut PgConnection,
    first: Date,
    last: Date,
) -> Result<Vec<Invoiced>, StoreError> {
    Ok(diesel::sql_query(INVOICED)
        .bind::<SqlDate, _>(first)
        .bind::<SqlDate, _>(last)
        .load(conn)?)
}
