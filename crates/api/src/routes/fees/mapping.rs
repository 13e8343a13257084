//! From the domain's fees and the stored rows to the views (prices, the
//! estimate, hours, waivers; invoice documents are in `documents`); and
//! from a new price version's request to the domain's version (every
//! problem at once).

use hds_domain::fees::{
    BasicFee, Covers, Estimate, FreeHoursFor, Ground, HourCounting, HourRange, Hours, Money,
    PartyEstimate, PriceVersion, Quantity, Range, Rounding, RoundingScope, VatRate, VatTreatment,
};
use hds_persistence::fees::{codes, CaseHoursRow, EstimateRecord, PriceListRecord, WaiverRow};
use time::Date;

use super::requests::{NewPriceVersionRequest, VatRequest};
use super::views::{
    AmountRange, BasicFeeView, CaseHoursView, CostEstimateView, CountingView, CoversDto,
    ExemptionView, FreeHoursForDto, GroundDto, HourRangeView, HoursEntryView, MoneyAmount,
    NotAppliedView, PartyEstimateView, PriceListVersionView, PriceListView, PricesView,
    QuantityAmount, RoundingDto, RoundingScopeDto, VatKind, VatView, WaiverCovers, WaiverView,
};
use crate::error::{ApiError, FieldError, Text};
use crate::routes::common::{
    ledger_totals, parse_hours, work_activity, HoursAmount, HoursCorrection,
};

pub(super) fn money(m: Money) -> MoneyAmount {
    MoneyAmount {
        ore: m.ore(),
        nok: m.to_decimal(),
    }
}

pub(super) fn quantity(q: Quantity) -> QuantityAmount {
    QuantityAmount {
        hundredths: q.hundredths(),
        value: q.to_decimal(),
    }
}

pub(super) fn vat_view(v: &VatTreatment) -> VatView {
    VatView {
        kind: match v {
            VatTreatment::NotSubject { .. } => VatKind::NotSubject,
            VatTreatment::Exempt { .. } => VatKind::Exempt,
            VatTreatment::Standard(_) => VatKind::Standard,
        },
        category: v.category_code().to_owned(),
        rate_basis_points: v.rate().map(VatRate::basis_points),
        rate_percent: v.rate().map(VatRate::percent_text),
        reason: v.exemption_reason().map(str::to_owned),
    }
}

pub(super) fn ground(g: Ground) -> GroundDto {
    match g {
        Ground::Student => GroundDto::Student,
        Ground::ChangeRequest => GroundDto::ChangeRequest,
        Ground::Appeal => GroundDto::Appeal,
        Ground::Waiver => GroundDto::Waiver,
    }
}

fn covers(c: Covers) -> CoversDto {
    match c {
        Covers::Everything => CoversDto::Everything,
        Covers::BasicFee => CoversDto::BasicFee,
        Covers::Hours => CoversDto::Hours,
        Covers::AppealHours => CoversDto::AppealHours,
    }
}

fn hour_range(r: HourRange) -> HourRangeView {
    HourRangeView {
        low: r.low.into(),
        high: r.high.into(),
    }
}

fn counting(c: &HourCounting) -> CountingView {
    let (rounding, scope) = match c.rounding {
        Rounding::Exact => (RoundingDto::Exact, None),
        Rounding::PerStartedHour(s) => (
            RoundingDto::PerStartedHour,
            Some(match s {
                RoundingScope::Entry => RoundingScopeDto::Entry,
                RoundingScope::Day => RoundingScopeDto::Day,
                RoundingScope::Case => RoundingScopeDto::Case,
            }),
        ),
    };
    CountingView {
        rounding,
        scope,
        free_hours: c.free_hours.into(),
        free_hours_for: match c.free_hours_for {
            FreeHoursFor::AllApplications => FreeHoursForDto::AllApplications,
            FreeHoursFor::AnonymousDataOnly => FreeHoursForDto::AnonymousDataOnly,
        },
    }
}

pub(super) fn prices_view(v: &PriceVersion) -> PricesView {
    PricesView {
        valid_from: v.valid_from.to_string(),
        valid_to: v.valid_to.map(|d| d.to_string()),
        basic_fee: BasicFeeView {
            one_source: money(v.basic_fee.one_source),
            several_sources: money(v.basic_fee.several_sources),
        },
        hourly_rate: money(v.hourly_rate),
        counting: counting(&v.counting),
        vat: vat_view(&v.vat),
        estimated_hours: v.estimated_hours.map(hour_range),
        exemptions: v.exemptions.iter().copied().map(ground).collect(),
    }
}

pub(super) fn price_list_view(r: &PriceListRecord) -> Result<PriceListView, ApiError> {
    let versions = r
        .versions
        .iter()
        .map(|row| {
            Ok(PriceListVersionView {
                prices: prices_view(&codes::price_version(row)?),
                source: row.source.clone(),
                note: row.note.clone(),
                created_at: row.created_at,
            })
        })
        .collect::<Result<Vec<_>, hds_persistence::StoreError>>()?;
    Ok(PriceListView {
        party: r.party.code.clone(),
        legal_name: r.party.legal_name.clone(),
        orgnr: r.party.orgnr.clone(),
        custodian: r.custodian_code.clone(),
        data_sources: r.party.data_sources.clone(),
        payment_days: r.party.payment_days,
        version: r.party.version,
        versions,
        source: r.party.source.clone(),
    })
}

/// A `YYYY-MM-DD` date, or a problem at `pointer`.
pub(super) fn date(raw: &str, pointer: &str, problems: &mut Vec<FieldError>) -> Option<Date> {
    let parsed = Date::parse(
        raw.trim(),
        &time::format_description::well_known::Iso8601::DATE,
    )
    .ok();
    if parsed.is_none() {
        problems.push(FieldError::new(
            pointer,
            "INVALID_DATE",
            Text::new("forventet en dato ÅÅÅÅ-MM-DD", "expected a date YYYY-MM-DD"),
        ));
    }
    parsed
}

fn amount(raw: &str, pointer: &str, problems: &mut Vec<FieldError>) -> Option<Money> {
    match Money::parse_nok(raw.trim()) {
        Ok(m) => Some(m),
        Err(e) => {
            problems.push(FieldError::new(
                pointer,
                "INVALID_AMOUNT",
                Text::new(
                    "kroner skrives som en desimaltekst, f.eks. \"1155.00\", med høyst to desimaler",
                    format!("kroner as a decimal string such as \"1155.00\": {e}"),
                ),
            ));
            None
        }
    }
}

fn rounding_of(
    rounding: RoundingDto,
    scope: Option<RoundingScopeDto>,
    p: &mut Vec<FieldError>,
) -> Option<Rounding> {
    match (rounding, scope) {
        (RoundingDto::Exact, None) => Some(Rounding::Exact),
        (RoundingDto::PerStartedHour, Some(s)) => Some(Rounding::PerStartedHour(match s {
            RoundingScopeDto::Entry => RoundingScope::Entry,
            RoundingScopeDto::Day => RoundingScope::Day,
            RoundingScopeDto::Case => RoundingScope::Case,
        })),
        (RoundingDto::Exact, Some(_)) => {
            p.push(FieldError::new(
                "/counting/scope",
                "NOT_ALLOWED",
                Text::new(
                    "timer etter medgått tid har ingen avrunding",
                    "exact hours have no rounding scope",
                ),
            ));
            None
        }
        (RoundingDto::PerStartedHour, None) => {
            p.push(FieldError::new(
                "/counting/scope",
                "REQUIRED",
                Text::new(
                    "per påbegynt time trenger et omfang: ENTRY, DAY eller CASE",
                    "per started hour needs a scope: ENTRY, DAY or CASE",
                ),
            ));
            None
        }
    }
}

fn vat_of(v: &VatRequest, p: &mut Vec<FieldError>) -> Option<VatTreatment> {
    match (v.kind, v.rate_basis_points, &v.reason) {
        (VatKind::Standard, Some(bp), None) => {
            let rate = VatRate::from_basis_points(bp).filter(|r| r.basis_points() > 0);
            if rate.is_none() {
                p.push(FieldError::new(
                    "/vat/rateBasisPoints",
                    "OUT_OF_RANGE",
                    Text::new(
                        "en sats fra 1 til 10000 basispunkter (25 % = 2500)",
                        "a rate from 1 to 10000 basis points (25 % = 2500)",
                    ),
                ));
            }
            rate.map(VatTreatment::Standard)
        }
        (VatKind::Standard, None, _) => {
            p.push(FieldError::new(
                "/vat/rateBasisPoints",
                "REQUIRED",
                Text::new(
                    "en ordinær sats trenger satsen i basispunkter",
                    "a standard rate needs its rate in basis points",
                ),
            ));
            None
        }
        (VatKind::Standard, Some(_), Some(_)) => {
            p.push(FieldError::new(
                "/vat/reason",
                "NOT_ALLOWED",
                Text::new(
                    "en ordinær sats har ingen fritaksgrunn",
                    "a standard rate has no exemption reason",
                ),
            ));
            None
        }
        (kind, None, reason) => {
            let reason = reason.clone().unwrap_or_default();
            Some(if kind == VatKind::Exempt {
                VatTreatment::Exempt { reason }
            } else {
                VatTreatment::NotSubject { reason }
            })
        }
        (_, Some(_), _) => {
            p.push(FieldError::new(
                "/vat/rateBasisPoints",
                "NOT_ALLOWED",
                Text::new(
                    "bare en STANDARD-sats har en sats",
                    "only a STANDARD rate has a rate",
                ),
            ));
            None
        }
    }
}

/// The request as the domain's version, or every problem in its shape (the
/// rules' own checks come after, in the repository).
pub(super) fn new_version(b: &NewPriceVersionRequest) -> Result<PriceVersion, ApiError> {
    let mut p = crate::field_rules::check(b);
    let valid_from = date(&b.valid_from, "/validFrom", &mut p);
    let valid_to = b
        .valid_to
        .as_deref()
        .and_then(|d| date(d, "/validTo", &mut p));
    let one = amount(&b.basic_fee.one_source, "/basicFee/oneSource", &mut p);
    let several = amount(
        &b.basic_fee.several_sources,
        "/basicFee/severalSources",
        &mut p,
    );
    let rate = amount(&b.hourly_rate, "/hourlyRate", &mut p);
    let rounding = rounding_of(b.counting.rounding, b.counting.scope, &mut p);
    let free_hours = match &b.counting.free_hours {
        Some(h) => parse_hours(h, "/counting/freeHours", &mut p),
        None => Some(Hours::ZERO),
    };
    let vat = vat_of(&b.vat, &mut p);
    let estimated = b.estimated_hours.as_ref().map(|r| {
        (
            parse_hours(&r.low, "/estimatedHours/low", &mut p),
            parse_hours(&r.high, "/estimatedHours/high", &mut p),
        )
    });
    let estimated_hours = match estimated {
        Some((Some(low), Some(high))) => Some(HourRange { low, high }),
        _ => None,
    };
    let exemptions: Vec<Ground> = b
        .exemptions
        .iter()
        .map(|g| match g {
            GroundDto::Student => Ground::Student,
            GroundDto::ChangeRequest => Ground::ChangeRequest,
            GroundDto::Appeal => Ground::Appeal,
            GroundDto::Waiver => Ground::Waiver,
        })
        .collect();
    let (
        Some(valid_from),
        Some(one),
        Some(several),
        Some(rate),
        Some(rounding),
        Some(free),
        Some(vat),
        true,
    ) = (
        valid_from,
        one,
        several,
        rate,
        rounding,
        free_hours,
        vat,
        p.is_empty(),
    )
    else {
        return Err(ApiError::validation(p));
    };
    Ok(PriceVersion {
        valid_from,
        valid_to,
        basic_fee: BasicFee {
            one_source: one,
            several_sources: several,
        },
        hourly_rate: rate,
        counting: HourCounting {
            rounding,
            free_hours: free,
            free_hours_for: match b.counting.free_hours_for {
                Some(FreeHoursForDto::AnonymousDataOnly) => FreeHoursFor::AnonymousDataOnly,
                _ => FreeHoursFor::AllApplications,
            },
        },
        vat,
        estimated_hours,
        exemptions,
    })
}

fn range(r: Range) -> AmountRange {
    AmountRange {
        low: money(r.low),
        high: money(r.high),
    }
}

fn party_estimate(
    p: &PartyEstimate,
    names: &std::collections::BTreeMap<String, String>,
) -> PartyEstimateView {
    let code = p.party.to_string();
    PartyEstimateView {
        party_name: names.get(&code).cloned().unwrap_or_else(|| code.clone()),
        party: code,
        sources: p.sources.clone(),
        prices: p.prices.as_ref().map(prices_view),
        basic_fee: money(p.basic_fee),
        hours: p.hours.map(hour_range),
        excluding_vat: p.excluding_vat.map(range),
        including_vat: p.including_vat.map(range),
        exemptions: p
            .exemptions
            .applied
            .iter()
            .map(|e| ExemptionView {
                ground: ground(e.ground),
                covers: covers(e.covers),
                reason: e.reason.clone(),
            })
            .collect(),
        not_applied: p
            .exemptions
            .not_applied
            .iter()
            .map(|n| NotAppliedView {
                ground: ground(n.ground),
                why: n.why.clone(),
            })
            .collect(),
        notes: p.notes.clone(),
    }
}

pub(super) fn estimate_view(r: &EstimateRecord) -> CostEstimateView {
    let e: &Estimate = &r.estimate;
    CostEstimateView {
        on: e.on.to_string(),
        parties: e
            .parties
            .iter()
            .map(|p| party_estimate(p, &r.names))
            .collect(),
        total_excluding_vat: range(e.total_excluding_vat),
        total_including_vat: range(e.total_including_vat),
        complete: e.complete,
    }
}

pub(super) fn ledger_view(rows: &[CaseHoursRow]) -> Result<CaseHoursView, ApiError> {
    let entries = hds_persistence::fees::hours::to_entries(rows)?;
    let (handling, appeal) = ledger_totals(&entries);
    Ok(CaseHoursView {
        entries: rows
            .iter()
            .map(|r| HoursEntryView {
                id: r.id,
                worked_on: r.worked_on.to_string(),
                hours: codes::hours(r.hundredths).into(),
                activity: work_activity(&r.activity),
                note: r.note.clone(),
                correction: HoursCorrection::stored(r.correction_kind.as_deref(), r.corrects_id),
                recorded_at: r.recorded_at,
                recorded_by: r.recorded_by.clone(),
            })
            .collect(),
        case_handling: HoursAmount::from(handling),
        appeal_handling: HoursAmount::from(appeal),
    })
}

pub(super) fn waiver_view(w: &WaiverRow) -> WaiverView {
    WaiverView {
        id: w.id,
        party: w.party.clone(),
        covers: match w.covers.as_str() {
            "BASIC_FEE" => WaiverCovers::BasicFee,
            "HOURS" => WaiverCovers::Hours,
            _ => WaiverCovers::Everything,
        },
        reason: w.reason.clone(),
        granted_on: w.granted_on.to_string(),
        granted_at: w.granted_at,
    }
}
