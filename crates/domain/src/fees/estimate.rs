//! The cost estimate (kostnadsberegning) the applicant sees before
//! submitting and on the case: for HDS and for each custodian of the sources
//! applied for, the prices in force on the day, a range of hours, the
//! resulting range of amounts, and the exemptions that apply (or why one the
//! applicant may expect does not).
//!
//! HDS's range of hours is the case handler's figure for this case if one is
//! given ([`EstimateInput::hds_hours`]), else the typical range on HDS's price
//! list ([`PriceVersion::estimated_hours`](super::PriceVersion)). A custodian's
//! range is the one on its price list, if it publishes one; otherwise the
//! estimate shows its rate and says that the amount depends on the hours.
//! A custodian without a price list in force gets a note to contact it
//! (seed 004: "kontakte forvalterne ... for prislister og kostnadsberegning").

use std::collections::BTreeSet;
use std::fmt::Write as _;

use time::Date;

use super::counting::{FreeHoursFor, HourCounting, Rounding, RoundingScope};
use super::exemptions::{assess, Assessment, Covers, FeeFacts};
use super::hours::Hours;
use super::invoice::{date_nb, sources_of, RequestedSource};
use super::money::{Money, Overflow, Quantity};
use super::price_list::{HourRange, InvoicingParty, PriceList, PriceVersion, VatTreatment};

/// What the estimate is made from.
#[derive(Debug, Clone, Copy)]
pub struct EstimateInput<'a> {
    /// The day of the estimate (Europe/Oslo): prices in force that day.
    pub on: Date,
    /// The data sources applied for, with their custodians.
    pub sources: &'a [RequestedSource],
    pub hds: &'a PriceList,
    /// The custodians' price lists (those that have one).
    pub custodians: &'a [PriceList],
    pub facts: &'a FeeFacts,
    /// HDS's hours for this case, when a case handler has estimated them
    /// (checked with [`check_hour_range`](super::check_hour_range)).
    pub hds_hours: Option<HourRange>,
}

/// A low and a high amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub low: Money,
    pub high: Money,
}

/// The estimate for one invoicing party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyEstimate {
    pub party: InvoicingParty,
    /// The data sources this party handles on the case.
    pub sources: Vec<String>,
    /// The price list version used; `None` when the party has none in force.
    pub prices: Option<PriceVersion>,
    /// The basic fee for the sources, before exemptions.
    pub basic_fee: Money,
    pub hours: Option<HourRange>,
    /// After exemptions, excluding VAT; `None` when the hours are not estimated.
    pub excluding_vat: Option<Range>,
    pub including_vat: Option<Range>,
    pub exemptions: Assessment,
    /// Explanations for the applicant (bokmål): how hours are counted, what is free.
    pub notes: Vec<String>,
}

/// The whole estimate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimate {
    pub on: Date,
    /// HDS first, then the custodians by code.
    pub parties: Vec<PartyEstimate>,
    /// The sum of the parties with a range.
    pub total_excluding_vat: Range,
    pub total_including_vat: Range,
    /// Does every party have a range (else the totals are a lower bound)?
    pub complete: bool,
}

/// How `counting` reads to an applicant.
pub fn counting_note(counting: &HourCounting) -> String {
    let mut note = match counting.rounding {
        Rounding::Exact => "Timer faktureres etter medgått tid.".to_owned(),
        Rounding::PerStartedHour(RoundingScope::Case) => {
            "Timer faktureres per påbegynt time for saken samlet.".to_owned()
        }
        Rounding::PerStartedHour(RoundingScope::Day) => {
            "Timer faktureres per påbegynt time per dag.".to_owned()
        }
        Rounding::PerStartedHour(RoundingScope::Entry) => {
            "Timer faktureres per påbegynt time per registrering.".to_owned()
        }
    };
    if counting.free_hours.is_positive() {
        let whom = match counting.free_hours_for {
            FreeHoursFor::AllApplications => "",
            FreeHoursFor::AnonymousDataOnly => " for anonyme opplysninger (tabelldata)",
        };
        let _ = write!(
            note,
            " De første {} er gratis{whom}.",
            counting.free_hours.text_nb()
        );
    }
    note
}

fn vat_note(vat: &VatTreatment) -> String {
    match vat {
        VatTreatment::Standard(rate) => format!("Prisene er eksklusive merverdiavgift ({rate})."),
        VatTreatment::NotSubject { reason } | VatTreatment::Exempt { reason } => {
            format!("Ingen merverdiavgift: {reason}.")
        }
    }
}

/// The amount for `hours` of ordinary handling at `prices`, after
/// exemptions, excluding VAT.
fn amount_for(
    prices: &PriceVersion,
    basic_fee: Money,
    hours: Hours,
    free_apply: bool,
    exemptions: &Assessment,
) -> Result<Money, Overflow> {
    if exemptions.everything_exempt() {
        return Ok(Money::ZERO);
    }
    let (counted, free) = prices.counting.count_total(hours, free_apply);
    let billed = Quantity::from_hundredths(counted.checked_sub(free)?.hundredths());
    let hours_amount = if exemptions.covers(Covers::Hours) {
        Money::ZERO
    } else {
        prices.hourly_rate.times(billed)?
    };
    let basic = if exemptions.covers(Covers::BasicFee) {
        Money::ZERO
    } else {
        basic_fee
    };
    basic.checked_add(hours_amount)
}

fn party_estimate(
    input: &EstimateInput<'_>,
    party: InvoicingParty,
    list: Option<&PriceList>,
    hours_override: Option<HourRange>,
) -> Result<PartyEstimate, Overflow> {
    let sources: Vec<String> = sources_of(&party, input.sources)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let Some(prices) = list.and_then(|l| l.version_on(input.on)) else {
        let note = format!(
            "{party} har ingen prisliste i kraft {}: kontakt forvalteren for prisliste og kostnadsberegning.",
            date_nb(input.on)
        );
        return Ok(PartyEstimate {
            party,
            sources,
            prices: None,
            basic_fee: Money::ZERO,
            hours: None,
            excluding_vat: None,
            including_vat: None,
            exemptions: Assessment::default(),
            notes: vec![note],
        });
    };
    let exemptions = assess(input.facts, &party, &prices.exemptions);
    let basic_fee = prices.basic_fee.for_sources(sources.len());
    let hours = hours_override.or(prices.estimated_hours);
    let free_apply = prices.counting.free_hours_apply(input.facts.data_kind);
    let mut notes = vec![
        format!(
            "Timepris {} (priser fra {}).",
            prices.hourly_rate,
            date_nb(prices.valid_from)
        ),
        counting_note(&prices.counting),
        vat_note(&prices.vat),
    ];
    if exemptions.everything_exempt() {
        notes.push("Ingen betaling: fritak (se begrunnelse).".to_owned());
    }
    let (excluding_vat, including_vat) = if let Some(range) = hours {
        let low = amount_for(prices, basic_fee, range.low, free_apply, &exemptions)?;
        let high = amount_for(prices, basic_fee, range.high, free_apply, &exemptions)?;
        let with_vat = |m: Money| prices.vat.vat_on(m).and_then(|v| m.checked_add(v));
        (
            Some(Range { low, high }),
            Some(Range {
                low: with_vat(low)?,
                high: with_vat(high)?,
            }),
        )
    } else {
        notes.push(
            "Beløpet avhenger av medgått tid; det er ikke oppgitt et anslag over timer.".to_owned(),
        );
        (None, None)
    };
    Ok(PartyEstimate {
        party,
        sources,
        prices: Some(prices.clone()),
        basic_fee,
        hours,
        excluding_vat,
        including_vat,
        exemptions,
        notes,
    })
}

/// The cost estimate for an application.
pub fn estimate(input: &EstimateInput<'_>) -> Result<Estimate, Overflow> {
    let mut parties = vec![party_estimate(
        input,
        InvoicingParty::Hds,
        Some(input.hds),
        input.hds_hours,
    )?];
    let custodians: BTreeSet<&str> = input.sources.iter().map(|s| s.custodian.as_str()).collect();
    for code in custodians {
        let party = InvoicingParty::Custodian(code.to_owned());
        let list = input.custodians.iter().find(|l| l.party == party);
        parties.push(party_estimate(input, party, list, None)?);
    }
    let sum = |pick: fn(&PartyEstimate) -> Option<Range>| -> Result<Range, Overflow> {
        let ranges: Vec<Range> = parties.iter().filter_map(pick).collect();
        Ok(Range {
            low: Money::sum(ranges.iter().map(|r| r.low))?,
            high: Money::sum(ranges.iter().map(|r| r.high))?,
        })
    };
    let total_excluding_vat = sum(|p| p.excluding_vat)?;
    let total_including_vat = sum(|p| p.including_vat)?;
    let complete = parties.iter().all(|p| p.excluding_vat.is_some());
    Ok(Estimate {
        on: input.on,
        parties,
        total_excluding_vat,
        total_including_vat,
        complete,
    })
}
