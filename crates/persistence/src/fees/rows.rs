//! The stored rows of fees and invoices, one struct per table.

use diesel::prelude::*;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::schema::{
    case_fee_estimates, case_hours, credit_notes, fee_waivers, invoice_bases, invoice_lines,
    invoicing_parties, price_list_versions,
};

/// Who invoices: HDS, or a custodian's party (the seller on the invoice).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = invoicing_parties)]
pub struct PartyRow {
    pub code: String,
    pub custodian_id: Option<Uuid>,
    /// Sources this party invoices for in place of the custodian's own party.
    pub data_sources: Vec<String>,
    pub legal_name: String,
    pub orgnr: String,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: String,
    pub vat_registered: bool,
    pub in_foretaksregisteret: bool,
    pub bank_account: Option<String>,
    pub payment_days: i32,
    pub source: Option<String>,
    /// The price list's version (its ETag).
    pub version: i32,
    pub created_at: OffsetDateTime,
}

/// One version of a party's prices.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = price_list_versions)]
pub struct PriceVersionRow {
    pub id: Uuid,
    pub party: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub basic_fee_one_source_ore: i64,
    pub basic_fee_several_sources_ore: i64,
    pub hourly_rate_ore: i64,
    pub rounding: String,
    pub rounding_scope: Option<String>,
    pub free_hundredths: i32,
    pub free_hours_for: String,
    pub vat_category: String,
    pub vat_rate_basis_points: Option<i32>,
    pub vat_reason: Option<String>,
    pub estimated_low_hundredths: Option<i32>,
    pub estimated_high_hundredths: Option<i32>,
    pub exemptions: Vec<String>,
    pub source: Option<String>,
    pub note: Option<String>,
    pub created_at: OffsetDateTime,
    pub created_by: String,
}

/// An entry in HDS's ledger of hours on a case.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = case_hours)]
pub struct CaseHoursRow {
    pub id: Uuid,
    pub seq: i64,
    pub case_id: Uuid,
    pub worked_on: Date,
    pub hundredths: i32,
    pub activity: String,
    pub note: String,
    pub correction_kind: Option<String>,
    pub corrects_id: Option<Uuid>,
    pub recorded_at: OffsetDateTime,
    pub recorded_by: String,
}

/// A case handler's waiver of one party's fee.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = fee_waivers)]
pub struct WaiverRow {
    pub id: Uuid,
    pub seq: i64,
    pub case_id: Uuid,
    pub party: String,
    pub covers: String,
    pub reason: String,
    pub granted_on: Date,
    pub granted_at: OffsetDateTime,
    pub granted_by: String,
}

/// The case handler's estimate of HDS's hours on a case.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = case_fee_estimates)]
pub struct EstimateRow {
    pub case_id: Uuid,
    pub low_hundredths: i32,
    pub high_hundredths: i32,
    pub set_at: OffsetDateTime,
    pub set_by: String,
}

/// An issued invoice basis.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = invoice_bases)]
pub struct InvoiceBasisRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_number: String,
    pub party: String,
    pub custodian_id: Option<Uuid>,
    pub status: String,
    pub number: String,
    pub issued_on: Date,
    pub due_on: Date,
    pub payer_kind: String,
    pub payer_name: String,
    pub payer_orgnr: Option<String>,
    pub payer_street: Option<String>,
    pub payer_postal_code: Option<String>,
    pub payer_city: Option<String>,
    pub payer_country: String,
    pub payer_reference: Option<String>,
    pub total_excluding_vat_ore: i64,
    pub total_vat_ore: i64,
    pub total_including_vat_ore: i64,
    pub version: i32,
    pub issued_at: OffsetDateTime,
    pub issued_by: String,
    pub credited_at: Option<OffsetDateTime>,
}

/// A line of an issued invoice basis.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = invoice_lines)]
pub struct InvoiceLineRow {
    pub id: Uuid,
    pub invoice_basis_id: Uuid,
    pub line_number: i32,
    pub kind: String,
    pub exemption_ground: Option<String>,
    pub description: String,
    pub activity: Option<String>,
    pub period_from: Option<Date>,
    pub period_to: Option<Date>,
    pub quantity_hundredths: i64,
    pub unit: String,
    pub unit_price_ore: i64,
    pub amount_ore: i64,
    pub vat_category: String,
    pub vat_rate_basis_points: Option<i32>,
    pub vat_reason: Option<String>,
    pub reason: Option<String>,
}

/// A credit note; its lines are its basis's lines negated.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = credit_notes)]
pub struct CreditNoteRow {
    pub id: Uuid,
    pub invoice_basis_id: Uuid,
    pub number: String,
    pub issued_on: Date,
    pub reason: String,
    pub issued_at: OffsetDateTime,
    pub issued_by: String,
}
