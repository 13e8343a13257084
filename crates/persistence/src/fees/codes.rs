//! The stored codes and the domain's types, both ways. The tables' CHECK
//! constraints admit only these codes, so a code that does not parse is a
//! corrupt row (an internal error, never a client's fault).

use hds_domain::fees::{
    Activity, BasicFee, Correction, Covers, EntryId, FreeHoursFor, Ground, HourCounting, HourRange,
    Hours, InvoicingParty, LineKind, Money, PriceVersion, Rounding, RoundingScope, Unit, VatRate,
    VatTreatment,
};
use uuid::Uuid;

use super::rows::PriceVersionRow;
use crate::StoreError;

/// HDS's party code.
pub const HDS: &str = "HDS";

pub(crate) fn corrupt(what: &str) -> StoreError {
    StoreError::Database(diesel::result::Error::DeserializationError(
        format!("a stored {what} does not parse").into(),
    ))
}

/// The party a stored code names.
pub fn party_of(code: &str) -> InvoicingParty {
    if code == HDS {
        InvoicingParty::Hds
    } else {
        InvoicingParty::Custodian(code.to_owned())
    }
}

pub fn ground(code: &str) -> Result<Ground, StoreError> {
    Ground::ALL
        .into_iter()
        .find(|g| g.as_str() == code)
        .ok_or_else(|| corrupt("exemption ground"))
}

pub fn covers(code: &str) -> Result<Covers, StoreError> {
    [
        Covers::Everything,
        Covers::BasicFee,
        Covers::Hours,
        Covers::AppealHours,
    ]
    .into_iter()
    .find(|c| c.as_str() == code)
    .ok_or_else(|| corrupt("waiver"))
}

pub fn activity(code: &str) -> Result<Activity, StoreError> {
    Activity::ALL
        .into_iter()
        .find(|a| a.as_str() == code)
        .ok_or_else(|| corrupt("activity"))
}

/// `REPLACES` or `ADJUSTS`.
pub fn correction_kind(c: Correction) -> (&'static str, Uuid) {
    match c {
        Correction::Replaces(EntryId(id)) => ("REPLACES", Uuid::from_u128(id)),
        Correction::Adjusts(EntryId(id)) => ("ADJUSTS", Uuid::from_u128(id)),
    }
}

pub fn correction(kind: Option<&str>, id: Option<Uuid>) -> Result<Option<Correction>, StoreError> {
    match (kind, id) {
        (None, None) => Ok(None),
        (Some("REPLACES"), Some(id)) => Ok(Some(Correction::Replaces(EntryId(id.as_u128())))),
        (Some("ADJUSTS"), Some(id)) => Ok(Some(Correction::Adjusts(EntryId(id.as_u128())))),
        _ => Err(corrupt("correction")),
    }
}

/// `EXACT`, or `PER_STARTED_HOUR` with its scope.
pub fn rounding_codes(r: Rounding) -> (&'static str, Option<&'static str>) {
    match r {
        Rounding::Exact => ("EXACT", None),
        Rounding::PerStartedHour(scope) => ("PER_STARTED_HOUR", Some(scope.as_str())),
    }
}

pub fn rounding(code: &str, scope: Option<&str>) -> Result<Rounding, StoreError> {
    match (code, scope) {
        ("EXACT", None) => Ok(Rounding::Exact),
        ("PER_STARTED_HOUR", Some(s)) => RoundingScope::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .map(Rounding::PerStartedHour)
            .ok_or_else(|| corrupt("rounding")),
        _ => Err(corrupt("rounding")),
    }
}

pub fn free_hours_for(code: &str) -> Result<FreeHoursFor, StoreError> {
    [
        FreeHoursFor::AllApplications,
        FreeHoursFor::AnonymousDataOnly,
    ]
    .into_iter()
    .find(|f| f.as_str() == code)
    .ok_or_else(|| corrupt("free hours setting"))
}

/// (category, rate in basis points, reason) as stored.
pub fn vat_codes(v: &VatTreatment) -> (&'static str, Option<i32>, Option<String>) {
    (
        v.category_code(),
        v.rate().map(|r| i32::from(r.basis_points())),
        v.exemption_reason().map(str::to_owned),
    )
}

pub fn vat(
    category: &str,
    rate: Option<i32>,
    reason: Option<&str>,
) -> Result<VatTreatment, StoreError> {
    match (category, rate, reason) {
        ("O", None, Some(r)) => Ok(VatTreatment::NotSubject {
            reason: r.to_owned(),
        }),
        ("E", None, Some(r)) => Ok(VatTreatment::Exempt {
            reason: r.to_owned(),
        }),
        ("S", Some(bp), None) => u16::try_from(bp)
            .ok()
            .and_then(VatRate::from_basis_points)
            .map(VatTreatment::Standard)
            .ok_or_else(|| corrupt("VAT rate")),
        _ => Err(corrupt("VAT treatment")),
    }
}

pub fn line_kind(kind: &str, ground_code: Option<&str>) -> Result<LineKind, StoreError> {
    match (kind, ground_code) {
        ("BASIC_FEE", None) => Ok(LineKind::BasicFee),
        ("HOURS", None) => Ok(LineKind::Hours),
        ("FREE_HOURS", None) => Ok(LineKind::FreeHours),
        ("EXEMPTION", Some(g)) => Ok(LineKind::Exemption(ground(g)?)),
        _ => Err(corrupt("line kind")),
    }
}

pub fn unit(code: &str) -> Result<Unit, StoreError> {
    [Unit::Hour, Unit::Piece]
        .into_iter()
        .find(|u| u.code() == code)
        .ok_or_else(|| corrupt("unit"))
}

/// Hundredths as stored (INT) to the domain's hours.
pub fn hours(hundredths: i32) -> Hours {
    Hours::from_hundredths(i64::from(hundredths))
}

/// The domain's hours to the stored INT (bounded by the rules to far less).
pub fn hundredths(h: Hours) -> Result<i32, StoreError> {
    i32::try_from(h.hundredths()).map_err(|_| corrupt("number of hours"))
}

/// A stored price list version as the domain's.
pub fn price_version(r: &PriceVersionRow) -> Result<PriceVersion, StoreError> {
    Ok(PriceVersion {
        valid_from: r.valid_from,
        valid_to: r.valid_to,
        basic_fee: BasicFee {
            one_source: Money::from_ore(r.basic_fee_one_source_ore),
            several_sources: Money::from_ore(r.basic_fee_several_sources_ore),
        },
        hourly_rate: Money::from_ore(r.hourly_rate_ore),
        counting: HourCounting {
            rounding: rounding(&r.rounding, r.rounding_scope.as_deref())?,
            free_hours: hours(r.free_hundredths),
            free_hours_for: free_hours_for(&r.free_hours_for)?,
        },
        vat: vat(
            &r.vat_category,
            r.vat_rate_basis_points,
            r.vat_reason.as_deref(),
        )?,
        estimated_hours: r
            .estimated_low_hundredths
            .zip(r.estimated_high_hundredths)
            .map(|(low, high)| HourRange {
                low: hours(low),
                high: hours(high),
            }),
        exemptions: r
            .exemptions
            .iter()
            .map(|g| ground(g))
            .collect::<Result<_, _>>()?,
    })
}
