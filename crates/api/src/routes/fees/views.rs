//! What the fees API answers with. Money is never a floating-point number:
//! every amount is whole øre (an integer) with the same amount as a decimal
//! string in kroner; hours and quantities are hundredths with a decimal
//! string.

use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::routes::common::{HoursAmount, HoursCorrection, WorkActivity};

/// An amount of money (beløp) in Norwegian kroner: whole øre, and the same
/// as a decimal string in kroner with two decimals.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct MoneyAmount {
    /// Øre (1 krone = 100 øre).
    #[schema(example = 115_500)]
    pub ore: i64,
    /// Kroner with two decimals, `.` as separator.
    #[schema(example = "1155.00")]
    pub nok: String,
}

/// An invoice line's quantity (antall): hundredths (1.25 hours = 125, one
/// piece = 100), and the same as a decimal string.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct QuantityAmount {
    #[schema(example = 225)]
    pub hundredths: i64,
    #[schema(example = "2.25")]
    pub value: String,
}

/// How VAT (merverdiavgift) applies.
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VatKind {
    /// Outside the scope of VAT (EN 16931 category O), with a reason.
    NotSubject,
    /// Exempt from VAT (category E, 0 %), with a reason.
    Exempt,
    /// Standard rated (category S) at a rate.
    Standard,
}

/// VAT treatment (mva-behandling) of a price list version or an invoice line.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct VatView {
    pub kind: VatKind,
    /// The EN 16931 / PEPPOL category code: O, E or S.
    #[schema(example = "O")]
    pub category: String,
    /// For STANDARD: the rate in basis points (25 % = 2500).
    pub rate_basis_points: Option<u16>,
    /// For STANDARD: the rate in percent as a decimal string.
    #[schema(example = "25")]
    pub rate_percent: Option<String>,
    /// For NOT_SUBJECT and EXEMPT: why no VAT is charged.
    pub reason: Option<String>,
}

/// How hours are rounded (avrunding).
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RoundingDto {
    /// The time recorded.
    Exact,
    /// Per started hour (per påbegynt time), within a scope.
    PerStartedHour,
}

/// Where "per started hour" rounds up: each entry, each day, or the case's total once.
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RoundingScopeDto {
    Entry,
    Day,
    Case,
}

/// Which applications get the free hours.
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FreeHoursForDto {
    AllApplications,
    /// Only applications for anonymous data (table data, tabelldata).
    AnonymousDataOnly,
}

/// How a party counts hours (timetelling).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CountingView {
    pub rounding: RoundingDto,
    /// For PER_STARTED_HOUR.
    pub scope: Option<RoundingScopeDto>,
    /// Hours at the start of a case that are not billed.
    pub free_hours: HoursAmount,
    pub free_hours_for: FreeHoursForDto,
}

/// A ground for not charging a fee (fritaksgrunn).
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum GroundDto {
    /// A student up to master's level asking for anonymous aggregated data.
    Student,
    /// A change request after an original decision.
    ChangeRequest,
    /// An appeal (klage).
    Appeal,
    /// Waived by a case handler, with a reason.
    Waiver,
}

/// The basic fee (grunngebyr) by the number of data sources.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct BasicFeeView {
    pub one_source: MoneyAmount,
    pub several_sources: MoneyAmount,
}

/// A range of hours.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct HourRangeView {
    pub low: HoursAmount,
    pub high: HoursAmount,
}

/// The prices (priser) of one version of a price list, excluding VAT.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PricesView {
    /// First day in force.
    #[schema(value_type = String, format = Date)]
    pub valid_from: String,
    /// Last day in force; absent while open-ended (until a later version).
    #[schema(value_type = Option<String>, format = Date)]
    pub valid_to: Option<String>,
    pub basic_fee: BasicFeeView,
    /// Price per hour (timepris).
    pub hourly_rate: MoneyAmount,
    pub counting: CountingView,
    pub vat: VatView,
    /// The hours of a typical case, for the cost estimate.
    pub estimated_hours: Option<HourRangeView>,
    /// The statutory exemptions this party grants.
    pub exemptions: Vec<GroundDto>,
}

/// A version of a price list (prisversjon): never changed once added.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PriceListVersionView {
    #[serde(flatten)]
    pub prices: PricesView,
    /// Where the prices come from (reference data cites its public source).
    pub source: Option<String>,
    /// What is assumed or should be known.
    pub note: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

/// A price list (prisliste) of an invoicing party (fakturautsteder): HDS,
/// or a custodian (registerforvalter). ETag `"v<version>-..."`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PriceListView {
    /// HDS, or the party's code (a custodian's own party has its code).
    #[schema(example = "HDS")]
    pub party: String,
    /// The seller's legal name on invoices.
    pub legal_name: String,
    /// The seller's organisation number.
    #[schema(example = "983744516")]
    pub orgnr: String,
    /// The custodian whose party this is (absent for HDS).
    pub custodian: Option<String>,
    /// Sources this party invoices for in place of the custodian's own party.
    pub data_sources: Vec<String>,
    /// Payment terms of its invoices in days.
    pub payment_days: i32,
    /// Raised by every version added (send it as If-Match to add one).
    pub version: i32,
    /// Oldest first.
    pub versions: Vec<PriceListVersionView>,
    /// Where the party's details come from.
    pub source: Option<String>,
}

/// Every party's price list.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PriceListsView {
    pub items: Vec<PriceListView>,
}

/// A low and a high amount.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AmountRange {
    pub low: MoneyAmount,
    pub high: MoneyAmount,
}

/// What an exemption takes off.
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CoversDto {
    Everything,
    BasicFee,
    Hours,
    /// The hours of appeal handling only.
    AppealHours,
}

/// An exemption (fritak) that applies, with the reason printed on the invoice.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ExemptionView {
    pub ground: GroundDto,
    pub covers: CoversDto,
    pub reason: String,
}

/// An exemption the facts point to that does not apply, and why.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct NotAppliedView {
    pub ground: GroundDto,
    pub why: String,
}

/// One party's part of the cost estimate.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartyEstimateView {
    #[schema(example = "HDS")]
    pub party: String,
    pub party_name: String,
    /// The data sources this party handles on the application.
    pub sources: Vec<String>,
    /// The prices used; absent when the party has no price list in force.
    pub prices: Option<PricesView>,
    /// The basic fee for the sources, before exemptions.
    pub basic_fee: MoneyAmount,
    /// The hours assumed (absent when neither the price list nor a case handler gives them).
    pub hours: Option<HourRangeView>,
    /// After exemptions, excluding VAT; absent without hours.
    pub excluding_vat: Option<AmountRange>,
    pub including_vat: Option<AmountRange>,
    pub exemptions: Vec<ExemptionView>,
    pub not_applied: Vec<NotAppliedView>,
    /// Explanations for the applicant (bokmål).
    pub notes: Vec<String>,
}

/// The cost estimate (kostnadsberegning): what the application is expected
/// to cost at each invoicing party, at the prices in force on its day.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CostEstimateView {
    /// The day whose prices are used: today for a draft, the day received for a case.
    #[schema(value_type = String, format = Date)]
    pub on: String,
    /// HDS first, then the custodians' parties by code.
    pub parties: Vec<PartyEstimateView>,
    /// The sum of the parties with a range.
    pub total_excluding_vat: AmountRange,
    pub total_including_vat: AmountRange,
    /// Whether every party has a range (else the totals are a lower bound).
    pub complete: bool,
}

/// An entry in HDS's ledger of hours on a case (timeføring): never edited;
/// a correction is a later entry naming the one it corrects.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HoursEntryView {
    pub id: Uuid,
    #[schema(value_type = String, format = Date)]
    pub worked_on: String,
    /// As recorded: on an ADJUSTS correction the hours added (may be negative).
    pub hours: HoursAmount,
    pub activity: WorkActivity,
    pub note: String,
    pub correction: Option<HoursCorrection>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: OffsetDateTime,
    /// The case handler's pseudonymous id.
    pub recorded_by: String,
}

/// HDS's hours on a case: the ledger and the work that counts after the corrections.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseHoursView {
    /// In the order recorded.
    pub entries: Vec<HoursEntryView>,
    pub case_handling: HoursAmount,
    pub appeal_handling: HoursAmount,
}

/// What a waiver covers.
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WaiverCovers {
    Everything,
    BasicFee,
    Hours,
}

/// A case handler's waiver (fritak) of one party's fee on a case.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WaiverView {
    pub id: Uuid,
    pub party: String,
    pub covers: WaiverCovers,
    /// Printed on the invoice line.
    pub reason: String,
    #[schema(value_type = String, format = Date)]
    pub granted_on: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub granted_at: OffsetDateTime,
}

/// The waivers of a case, oldest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WaiversView {
    pub items: Vec<WaiverView>,
}

/// The state of an invoice basis (fakturagrunnlag).
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InvoiceStatusDto {
    /// Computed from the hours and prices as they are now; not stored.
    Draft,
    /// Numbered and locked.
    Issued,
    /// Reversed in full by a credit note.
    Credited,
}

/// What an invoice line is.
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LineKindDto {
    BasicFee,
    Hours,
    FreeHours,
    Exemption,
}

/// The unit of a quantity (UN/ECE Recommendation 20).
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
pub enum UnitCode {
    /// Hours.
    #[serde(rename = "HUR")]
    Hur,
    /// Pieces (a fee).
    #[serde(rename = "EA")]
    Ea,
}

/// A line of an invoice basis (fakturalinje).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LineView {
    /// From 1.
    pub line_number: i32,
    pub kind: LineKindDto,
    /// For an exemption line.
    pub exemption_ground: Option<GroundDto>,
    /// What the payer reads (bokmål).
    pub description: String,
    pub activity: Option<WorkActivity>,
    /// For hours: the first and last day of the work.
    #[schema(value_type = Option<String>, format = Date)]
    pub period_from: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub period_to: Option<String>,
    /// Negative on lines that take something off, and on a credit note.
    pub quantity: QuantityAmount,
    pub unit: UnitCode,
    /// Never negative.
    pub unit_price: MoneyAmount,
    /// Quantity × unit price, rounded to whole øre once.
    pub amount: MoneyAmount,
    pub vat: VatView,
    /// For an exemption: why.
    pub reason: Option<String>,
}

/// The VAT of one category.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VatSubtotalView {
    pub vat: VatView,
    pub taxable: MoneyAmount,
    /// VAT on the category's sum, rounded once.
    pub amount: MoneyAmount,
}

/// Totals (summer).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TotalsView {
    pub excluding_vat: MoneyAmount,
    pub vat_breakdown: Vec<VatSubtotalView>,
    pub vat: MoneyAmount,
    /// The amount to pay.
    pub including_vat: MoneyAmount,
}

/// Who pays.
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PayerKind {
    /// The applicant's institution, by organisation number.
    Organisation,
    /// A private person, by name only (never a national identity number).
    Person,
}

/// A postal address.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddressView {
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "NO")]
    pub country: String,
}

/// The payer (betaler / fakturamottaker).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PayerView {
    pub kind: PayerKind,
    pub name: String,
    /// For an organisation.
    pub orgnr: Option<String>,
    pub address: AddressView,
}

/// The credit note that credited an invoice basis.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreditNoteRef {
    pub id: Uuid,
    pub number: String,
    #[schema(value_type = String, format = Date)]
    pub issued_on: String,
}

/// An invoice basis (fakturagrunnlag) of one invoicing party on one case.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceBasisView {
    /// Absent on a draft, which is computed, not stored.
    pub id: Option<Uuid>,
    pub case_id: Uuid,
    pub case_number: String,
    #[schema(example = "HDS")]
    pub party: String,
    pub party_name: String,
    pub status: InvoiceStatusDto,
    /// The invoice number (fakturanummer), once issued: gapless per party and year.
    #[schema(example = "HDS-2026-000001")]
    pub number: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub issued_on: Option<String>,
    /// Forfallsdato.
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<String>,
    pub payer: PayerView,
    /// The payer's reference (deres referanse).
    pub payer_reference: Option<String>,
    /// Always NOK.
    #[schema(example = "NOK")]
    pub currency: String,
    pub lines: Vec<LineView>,
    pub totals: TotalsView,
    /// Once credited.
    pub credit_note: Option<CreditNoteRef>,
    /// Once issued; also the ETag ("v<version>") to send as If-Match to credit it.
    pub version: Option<i32>,
}

/// One invoicing party's invoice bases on a case: the one in force (the
/// issued one, or a draft computed now), or every reason a draft cannot be
/// made; and the credited ones.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartyInvoicesView {
    #[schema(example = "FHI")]
    pub party: String,
    pub party_name: String,
    /// The issued basis, or the draft; absent when a draft cannot be made.
    pub current: Option<InvoiceBasisView>,
    /// Why no draft can be made (e.g. no price list in force).
    pub problems: Vec<DraftProblem>,
    /// Earlier invoices, reversed by credit notes, oldest first.
    pub credited: Vec<InvoiceBasisView>,
}

/// Why a draft invoice basis cannot be made: a pointer into the party's
/// facts (`/receivedOn`, `/work/<i>/workedOn` into its ledger of hours,
/// `/payer/...`), a stable code, and the message in bokmål and English.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DraftProblem {
    #[schema(example = "/receivedOn")]
    pub pointer: String,
    #[schema(example = "NO_PRICE_LIST")]
    pub code: String,
    pub message_nb: String,
    pub message_en: String,
}

/// Every invoicing party's bases on a case that the caller may see.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseInvoicesView {
    /// HDS first, then the custodians' parties by code.
    pub items: Vec<PartyInvoicesView>,
}

/// Issued (and credited) invoice bases.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceBasesView {
    pub items: Vec<InvoiceBasisView>,
}

/// A credit note (kreditnota): the full reversal of an issued invoice, its
/// lines the invoice's with negative quantities and amounts.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreditNoteView {
    pub id: Uuid,
    #[schema(example = "HDS-K-2026-000001")]
    pub number: String,
    #[schema(value_type = String, format = Date)]
    pub issued_on: String,
    pub reason: String,
    /// The invoice basis it credits.
    pub invoice_basis_id: Uuid,
    pub invoice_number: String,
    pub case_id: Uuid,
    pub case_number: String,
    pub party: String,
    pub party_name: String,
    pub payer: PayerView,
    pub payer_reference: Option<String>,
    #[schema(example = "NOK")]
    pub currency: String,
    pub lines: Vec<LineView>,
    pub totals: TotalsView,
}
