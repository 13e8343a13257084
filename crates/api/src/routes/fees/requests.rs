//! What the fees API takes. Amounts are decimal strings in kroner
//! ("1155.00"), hours decimal strings ("1.50"), VAT rates integer basis
//! points: never JSON numbers with fractions, so never floats.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::views::{
    FreeHoursForDto, GroundDto, RoundingDto, RoundingScopeDto, VatKind, WaiverCovers,
};
use crate::field_rules::free_text;
use crate::routes::common::{HoursCorrection, WorkActivity};

/// The basic fee (grunngebyr), excluding VAT.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BasicFeeRequest {
    /// Kroner as a decimal string.
    #[schema(example = "1500.00")]
    pub one_source: String,
    #[schema(example = "3000.00")]
    pub several_sources: String,
}

/// How hours are counted.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CountingRequest {
    pub rounding: RoundingDto,
    /// Required for PER_STARTED_HOUR; absent for EXACT.
    pub scope: Option<RoundingScopeDto>,
    /// Hours as a decimal string (default "0").
    #[schema(example = "2")]
    pub free_hours: Option<String>,
    /// Default ALL_APPLICATIONS.
    pub free_hours_for: Option<FreeHoursForDto>,
}

/// VAT (merverdiavgift).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VatRequest {
    pub kind: VatKind,
    /// For STANDARD: 1 to 10000 (25 % = 2500).
    pub rate_basis_points: Option<u16>,
    /// For NOT_SUBJECT and EXEMPT: why (printed on invoices).
    pub reason: Option<String>,
}

/// A range of hours, as decimal strings.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HourRangeRequest {
    #[schema(example = "2")]
    pub low: String,
    #[schema(example = "8")]
    pub high: String,
}

/// A new version of a party's prices: it starts after today and later than
/// the current version, which ends the day before (a price is never changed
/// retroactively). A custodian's first version may be dated back.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewPriceVersionRequest {
    #[schema(example = "2027-01-01")]
    pub valid_from: String,
    /// Last day in force; absent: open-ended.
    pub valid_to: Option<String>,
    pub basic_fee: BasicFeeRequest,
    /// Kroner per hour as a decimal string, excluding VAT.
    #[schema(example = "1212.50")]
    pub hourly_rate: String,
    pub counting: CountingRequest,
    pub vat: VatRequest,
    /// The hours of a typical case, for the cost estimate.
    pub estimated_hours: Option<HourRangeRequest>,
    /// The statutory exemptions the party grants (not WAIVER).
    #[serde(default)]
    pub exemptions: Vec<GroundDto>,
    /// Where the prices come from (a URL, a decision).
    #[validate(length(max = 2000))]
    pub source: Option<String>,
    #[validate(length(max = 2000))]
    pub note: Option<String>,
}

/// Hours worked by HDS on a case on one date, or a correction of an
/// earlier entry (entries are never edited).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HoursEntryRequest {
    /// YYYY-MM-DD, not in the future.
    #[schema(example = "2026-11-23")]
    pub worked_on: String,
    /// A decimal string with at most two decimals, never a JSON number:
    /// more than 0 and at most 24 for new work; a REPLACES correction
    /// states the corrected hours (0 withdraws the work); an ADJUSTS
    /// correction adds them (e.g. "-0.50").
    #[schema(example = "1.50")]
    pub hours: String,
    /// What was done.
    #[validate(length(max = 2000), custom(function = free_text))]
    pub note: String,
    /// Default CASE_HANDLING.
    #[serde(default)]
    pub activity: Option<WorkActivity>,
    #[serde(default)]
    pub correction: Option<HoursCorrection>,
}

/// A waiver (fritak) of one party's fee on the case, with the reason
/// printed on the invoice line.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WaiverRequest {
    /// HDS, or the invoicing party's code on this case.
    #[schema(example = "HDS")]
    pub party: String,
    pub covers: WaiverCovers,
    /// Why (required, at most 500 characters).
    #[validate(length(max = 500), custom(function = free_text))]
    pub reason: String,
}

/// The case handler's estimate for the cost estimate.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CostEstimateRequest {
    /// HDS's hours on this case (replaces the typical range on HDS's price list).
    pub hds_hours: HourRangeRequest,
}

/// Why an invoice is credited.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreditRequest {
    /// Printed on the credit note (at most 500 characters).
    #[validate(length(max = 500), custom(function = free_text))]
    pub reason: String,
}
