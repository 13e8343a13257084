//! Price lists (prislister) as data, with validity periods, one per invoicing
//! party: HDS, and each custodian by its code.
//!
//! A [`PriceList`] is the party's history of [`PriceVersion`]s. The rules:
//!
//! - **A price is never changed retroactively.** A new version starts later
//!   than the latest one starts, and after `today` (tomorrow at the
//!   earliest), so no work already done and no estimate already given is
//!   repriced. The version it follows, if open-ended, ends the day before.
//!   Only a party's first version may be dated back (to when the party began
//!   charging).
//! - **No overlap.** On any day at most one version is in force.
//! - **The rate used for work is the one in force on the day of the work**
//!   ([`PriceList::version_on`]); work across a price change is split by date.
//! - The **case-level terms** (basic fee, how hours are counted, free hours,
//!   exemptions honoured) are those of the version in force on the day the
//!   application was received, the terms the applicant saw in the estimate.
//!
//! [`PriceList::check`] and [`PriceList::with_new_version`] return every
//! [`Problem`], with JSON pointers as the API spells the fields.

use std::fmt;

use time::Date;

use crate::catalogue::{check_code, check_text, Problem};

use super::counting::HourCounting;
use super::exemptions::Ground;
use super::hours::Hours;
use super::money::{Money, VatRate};

/// Who sends the invoice (fakturautsteder).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InvoicingParty {
    /// Helsedataservice, for handling the application (saksbehandling).
    Hds,
    /// A register custodian (registerforvalter), by its code in the
    /// catalogue, for preparing the data (datatilrettelegging).
    Custodian(String),
}

impl fmt::Display for InvoicingParty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Hds => f.write_str("HDS"),
            Self::Custodian(code) => f.write_str(code),
        }
    }
}

/// The basic fee (grunngebyr) by the number of data sources applied for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BasicFee {
    pub one_source: Money,
    pub several_sources: Money,
}

impl BasicFee {
    pub const NONE: BasicFee = BasicFee {
        one_source: Money::ZERO,
        several_sources: Money::ZERO,
    };

    /// The fee for `sources` distinct data sources (none for none).
    pub fn for_sources(&self, sources: usize) -> Money {
        match sources {
            0 => Money::ZERO,
            1 => self.one_source,
            _ => self.several_sources,
        }
    }
}

/// How VAT (merverdiavgift) applies to a party's fees. The category codes
/// are those of EN 16931 / PEPPOL BIS Billing 3.0.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VatTreatment {
    /// Outside the scope of VAT (category `O`), e.g. fees for the exercise
    /// of public authority. The reason is printed on the invoice.
    NotSubject { reason: String },
    /// Exempt from VAT (category `E`, 0 %), with the reason.
    Exempt { reason: String },
    /// Standard rated (category `S`) at this rate, e.g. 25 %.
    Standard(VatRate),
}

impl VatTreatment {
    /// `O`, `E` or `S`.
    pub fn category_code(&self) -> &'static str {
        match self {
            Self::NotSubject { .. } => "O",
            Self::Exempt { .. } => "E",
            Self::Standard(_) => "S",
        }
    }

    /// The rate charged: zero unless standard rated.
    pub fn rate(&self) -> Option<VatRate> {
        match self {
            Self::Standard(rate) => Some(*rate),
            Self::NotSubject { .. } | Self::Exempt { .. } => None,
        }
    }

    /// The VAT on `taxable`.
    pub fn vat_on(&self, taxable: Money) -> Result<Money, super::money::Overflow> {
        match self {
            Self::Standard(rate) => rate.vat_on(taxable),
            Self::NotSubject { .. } | Self::Exempt { .. } => Ok(Money::ZERO),
        }
    }

    /// Why no VAT is charged, if none is.
    pub fn exemption_reason(&self) -> Option<&str> {
        match self {
            Self::NotSubject { reason } | Self::Exempt { reason } => Some(reason),
            Self::Standard(_) => None,
        }
    }
}

/// The estimated number of hours for a cost estimate: a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HourRange {
    pub low: Hours,
    pub high: Hours,
}

/// One version of a party's prices, in force from `valid_from` to
/// `valid_to` (both inclusive; open-ended until a later version when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceVersion {
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub basic_fee: BasicFee,
    /// Price per hour (timepris), excluding VAT.
    pub hourly_rate: Money,
    pub counting: HourCounting,
    pub vat: VatTreatment,
    /// The hours a typical case takes, shown in the cost estimate. `None`:
    /// the estimate shows the rate only.
    pub estimated_hours: Option<HourRange>,
    /// The statutory exemptions this party honours. A case handler's waiver
    /// ([`Ground::Waiver`]) always applies to the party it names and is not
    /// listed here.
    pub exemptions: Vec<Ground>,
}

impl PriceVersion {
    /// Is this version in force on `day`?
    pub fn covers(&self, day: Date) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|to| day <= to)
    }
}

/// A party's prices over time, oldest version first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceList {
    pub party: InvoicingParty,
    pub versions: Vec<PriceVersion>,
}

/// The most estimated hours or free hours a version may name.
pub const MAX_HOURS_SETTING: Hours = Hours::whole(10_000);

/// The longest VAT exemption reason.
pub const MAX_REASON_LEN: usize = 300;

impl PriceList {
    pub fn new(party: InvoicingParty) -> Self {
        Self {
            party,
            versions: Vec::new(),
        }
    }

    /// The version in force on `day`, if any.
    pub fn version_on(&self, day: Date) -> Option<&PriceVersion> {
        self.period_on(day).map(|i| &self.versions[i])
    }

    /// The index of the version in force on `day`, if any.
    pub fn period_on(&self, day: Date) -> Option<usize> {
        // Versions are ordered and do not overlap: the last one starting on
        // or before `day` is the only candidate.
        let i = self.versions.partition_point(|v| v.valid_from <= day);
        i.checked_sub(1).filter(|&i| self.versions[i].covers(day))
    }

    /// The last day `versions[i]` is in force: its own end, or the day before
    /// the next version starts. `None`: open-ended.
    pub fn last_day(&self, i: usize) -> Option<Date> {
        let own = self.versions.get(i)?.valid_to;
        let next = self
            .versions
            .get(i + 1)
            .and_then(|n| n.valid_from.previous_day());
        match (own, next) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Every problem with the list as a whole: the party's code, each
    /// version's values, and the order and overlap of the versions. Pointers:
    /// `/party`, `/versions/<i>/<field>`.
    pub fn check(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if let InvoicingParty::Custodian(code) = &self.party {
            check_code("/party", code, &mut out);
        }
        for (i, v) in self.versions.iter().enumerate() {
            out.extend(
                check_version(v)
                    .into_iter()
                    .map(|p| p.under(&format!("/versions/{i}"))),
            );
        }
        for (i, pair) in self.versions.windows(2).enumerate() {
            let (prev, next) = (&pair[0], &pair[1]);
            let at = format!("/versions/{}/validFrom", i + 1);
            if next.valid_from <= prev.valid_from {
                out.push(Problem::new(
                    at,
                    "NOT_LATER",
                    format!(
                        "a version starts later than the one before it (from {})",
                        prev.valid_from
                    ),
                ));
            } else if prev.valid_to.is_some_and(|to| to >= next.valid_from) {
                out.push(Problem::new(
                    at,
                    "OVERLAP",
                    format!(
                        "overlaps the version before it, in force to {}",
                        prev.valid_to.unwrap_or(prev.valid_from)
                    ),
                ));
            }
        }
        out
    }

    /// The list with `new` added as its latest version, checked against the
    /// rules above; an open-ended latest version is ended the day before
    /// `new` starts. `today` is the date in Europe/Oslo. Pointers are into
    /// `new` (`/validFrom`, `/hourlyRate`, ...).
    pub fn with_new_version(
        &self,
        new: PriceVersion,
        today: Date,
    ) -> Result<PriceList, Vec<Problem>> {
        let mut problems = check_version(&new);
        let mut list = self.clone();
        if let Some(latest) = list.versions.last_mut() {
            if new.valid_from <= latest.valid_from {
                problems.push(Problem::new(
                    "/validFrom",
                    "NOT_LATER",
                    format!(
                        "a new version starts later than the current one (from {}); a price is never changed retroactively",
                        latest.valid_from
                    ),
                ));
            } else if new.valid_from <= today {
                problems.push(Problem::new(
                    "/validFrom",
                    "RETROACTIVE",
                    format!("a new version starts after today ({today}), so no work already done is repriced"),
                ));
            } else if let Some(to) = latest.valid_to {
                if to >= new.valid_from {
                    problems.push(Problem::new(
                        "/validFrom",
                        "OVERLAP",
                        format!("the current version is in force to {to}; start after it"),
                    ));
                }
            } else {
                latest.valid_to = new.valid_from.previous_day();
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        list.versions.push(new);
        Ok(list)
    }
}

/// Every problem with one version's own values. Pointers are into the
/// version (`/validTo`, `/basicFee/oneSource`, ...).
pub fn check_version(v: &PriceVersion) -> Vec<Problem> {
    let mut out = Vec::new();
    if v.valid_to.is_some_and(|to| to < v.valid_from) {
        out.push(Problem::new(
            "/validTo",
            "BEFORE_START",
            "the last day is on or after the first",
        ));
    }
    for (pointer, amount) in [
        ("/basicFee/oneSource", v.basic_fee.one_source),
        ("/basicFee/severalSources", v.basic_fee.several_sources),
        ("/hourlyRate", v.hourly_rate),
    ] {
        if amount.is_negative() {
            out.push(Problem::new(pointer, "NEGATIVE", "a price is 0 or more"));
        }
    }
    let hours = |pointer: &str, h: Hours, out: &mut Vec<Problem>| {
        if h.is_negative() || h > MAX_HOURS_SETTING {
            out.push(Problem::new(
                pointer,
                "OUT_OF_RANGE",
                "hours from 0 to 10000",
            ));
        }
    };
    hours("/counting/freeHours", v.counting.free_hours, &mut out);
    if let Some(range) = v.estimated_hours {
        out.extend(
            check_hour_range(&range)
                .into_iter()
                .map(|p| p.under("/estimatedHours")),
        );
    }
    match &v.vat {
        VatTreatment::NotSubject { reason } | VatTreatment::Exempt { reason } => {
            check_text("/vat/reason", reason, MAX_REASON_LEN, &mut out);
        }
        VatTreatment::Standard(rate) => {
            if rate.basis_points() == 0 {
                out.push(Problem::new(
                    "/vat/rate",
                    "OUT_OF_RANGE",
                    "a standard VAT rate is more than 0 %; use exempt or not subject for none",
                ));
            }
        }
    }
    if v.exemptions.contains(&Ground::Waiver) {
        out.push(Problem::new(
            "/exemptions",
            "NOT_ALLOWED",
            "a case handler's waiver always applies; list only the statutory exemptions",
        ));
    }
    let mut seen = Vec::new();
    for g in &v.exemptions {
        if seen.contains(g) {
            out.push(Problem::new(
                "/exemptions",
                "DUPLICATE",
                format!("{} is listed twice", g.as_str()),
            ));
        }
        seen.push(*g);
    }
    out
}

/// Every problem with a range of hours (on a price list, or a case
/// handler's estimate for a case): 0 to 10,000 hours, high not below low.
/// Pointers `/low`, `/high`.
pub fn check_hour_range(range: &HourRange) -> Vec<Problem> {
    let mut out = Vec::new();
    for (pointer, h) in [("/low", range.low), ("/high", range.high)] {
        if h.is_negative() || h > MAX_HOURS_SETTING {
            out.push(Problem::new(
                pointer,
                "OUT_OF_RANGE",
                "hours from 0 to 10000",
            ));
        }
    }
    if range.high < range.low {
        out.push(Problem::new(
            "/high",
            "BELOW_LOW",
            "the high estimate is at least the low one",
        ));
    }
    out
}
