//! The invoice basis (fakturagrunnlag): what one party invoices one payer for
//! one case, line by line.
//!
//! [`draft`] computes it from the party's price list, the hours recorded and
//! the fee facts:
//!
//! 1. **Basic fee** (grunngebyr) for the number of distinct data sources the
//!    party handles on the case (HDS: all of them; a custodian: its own), at
//!    the version in force on the day the application was received.
//! 2. **Hours** (timer): one line per price period and activity, quantity ×
//!    the hourly rate in force in that period (work across a price change
//!    gives two lines), counted as the party counts hours
//!    ([`HourCounting`](super::HourCounting)).
//! 3. **Free hours** (fri tid): a negative line per period they come off.
//! 4. **Exemptions** (fritak): a negative line per exemption that takes
//!    something off, with its reason, in order of precedence.
//!
//! Then the [`Totals`]: the sum of the lines, VAT per VAT category on that
//! category's sum (rounded half up to whole øre once, EN 16931 BR-CO-17), and
//! the total including VAT. A line amount is quantity × unit price rounded to
//! whole øre; a unit price is never negative (the sign is in the quantity, as
//! EN 16931 BR-27 requires).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use time::Date;

use crate::catalogue::{check_text, Problem};
use crate::identity::Orgnr;

use super::counting::{
    count_hours, CountError, HourCounting, PeriodHours, Rounding, RoundingScope,
};
use super::exemptions::{assess, Covers, FeeFacts, Ground};
use super::hours::{work_items, Activity, Hours, WorkEntry};
use super::money::{Money, Overflow, Quantity};
use super::price_list::{InvoicingParty, PriceList, PriceVersion, VatTreatment};
use super::state::Status;

/// What a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineKind {
    BasicFee,
    Hours,
    FreeHours,
    Exemption(Ground),
}

impl LineKind {
    /// `BASIC_FEE`, `HOURS`, `FREE_HOURS` or `EXEMPTION`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BasicFee => "BASIC_FEE",
            Self::Hours => "HOURS",
            Self::FreeHours => "FREE_HOURS",
            Self::Exemption(_) => "EXEMPTION",
        }
    }
}

/// The unit of a line's quantity (UN/ECE Recommendation 20 codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Hours: `HUR`.
    Hour,
    /// Pieces (a fee): `EA`.
    Piece,
}

impl Unit {
    pub fn code(self) -> &'static str {
        match self {
            Self::Hour => "HUR",
            Self::Piece => "EA",
        }
    }
}

/// One line of an invoice basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub kind: LineKind,
    /// What the payer reads (bokmål).
    pub description: String,
    /// For hours: what the work was.
    pub activity: Option<Activity>,
    /// For hours and free hours: the first and last day of the work.
    pub period: Option<(Date, Date)>,
    pub quantity: Quantity,
    pub unit: Unit,
    /// Never negative.
    pub unit_price: Money,
    /// `quantity × unit_price`, rounded to whole øre.
    pub amount: Money,
    pub vat: VatTreatment,
    /// For an exemption: why.
    pub reason: Option<String>,
}

/// The VAT of one VAT category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VatSubtotal {
    pub vat: VatTreatment,
    /// The sum of the category's lines.
    pub taxable: Money,
    /// VAT on `taxable`, rounded once.
    pub amount: Money,
}

/// The totals of an invoice basis or credit note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    /// The sum of the lines (ekskl. mva).
    pub excluding_vat: Money,
    /// One entry per VAT category, in category order.
    pub vat_breakdown: Vec<VatSubtotal>,
    pub vat: Money,
    /// `excluding_vat + vat` (inkl. mva): the amount to pay.
    pub including_vat: Money,
}

impl Totals {
    /// The totals of `lines`.
    pub fn of(lines: &[Line]) -> Result<Totals, Overflow> {
        let categories: BTreeSet<&VatTreatment> = lines.iter().map(|l| &l.vat).collect();
        let mut vat_breakdown = Vec::new();
        for vat in categories {
            let taxable = Money::sum(lines.iter().filter(|l| &l.vat == vat).map(|l| l.amount))?;
            vat_breakdown.push(VatSubtotal {
                vat: vat.clone(),
                taxable,
                amount: vat.vat_on(taxable)?,
            });
        }
        let excluding_vat = Money::sum(lines.iter().map(|l| l.amount))?;
        let vat = Money::sum(vat_breakdown.iter().map(|s| s.amount))?;
        Ok(Totals {
            excluding_vat,
            vat_breakdown,
            vat,
            including_vat: excluding_vat.checked_add(vat)?,
        })
    }

    /// The same totals with the opposite sign (for a credit note).
    pub fn negated(&self) -> Result<Totals, Overflow> {
        Ok(Totals {
            excluding_vat: self.excluding_vat.checked_neg()?,
            vat_breakdown: self
                .vat_breakdown
                .iter()
                .map(|s| {
                    Ok(VatSubtotal {
                        vat: s.vat.clone(),
                        taxable: s.taxable.checked_neg()?,
                        amount: s.amount.checked_neg()?,
                    })
                })
                .collect::<Result<_, Overflow>>()?,
            vat: self.vat.checked_neg()?,
            including_vat: self.including_vat.checked_neg()?,
        })
    }
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Address {
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2, e.g. `NO`.
    pub country: String,
}

/// Who pays: the applicant's institution, or a private person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payer {
    /// An institution, by its organisation number (EHF needs one).
    Organisation {
        name: String,
        orgnr: Orgnr,
        address: Address,
    },
    /// A private person. No national identity number is kept on an invoice.
    Person { name: String, address: Address },
}

impl Payer {
    pub fn name(&self) -> &str {
        match self {
            Self::Organisation { name, .. } | Self::Person { name, .. } => name,
        }
    }

    pub fn address(&self) -> &Address {
        match self {
            Self::Organisation { address, .. } | Self::Person { address, .. } => address,
        }
    }

    pub fn orgnr(&self) -> Option<&Orgnr> {
        match self {
            Self::Organisation { orgnr, .. } => Some(orgnr),
            Self::Person { .. } => None,
        }
    }
}

/// The longest payer's reference (deres referanse).
pub const MAX_REFERENCE_LEN: usize = 200;

/// Every problem with a payer and the payer's reference. Pointers:
/// `/payer/name`, `/payer/address/country`, `/payerReference`.
pub fn check_payer(payer: &Payer, reference: Option<&str>) -> Vec<Problem> {
    let mut out = Vec::new();
    check_text("/payer/name", payer.name(), 300, &mut out);
    let a = payer.address();
    if !(a.country.len() == 2 && a.country.bytes().all(|b| b.is_ascii_uppercase())) {
        out.push(Problem::new(
            "/payer/address/country",
            "INVALID_COUNTRY",
            "an ISO 3166-1 country code of two capital letters, e.g. NO",
        ));
    }
    for (pointer, text) in [
        ("/payer/address/street", &a.street),
        ("/payer/address/postalCode", &a.postal_code),
        ("/payer/address/city", &a.city),
    ] {
        if let Some(t) = text {
            check_text(pointer, t, 200, &mut out);
        }
    }
    if let Some(r) = reference {
        check_text("/payerReference", r, MAX_REFERENCE_LEN, &mut out);
    }
    out
}

/// A data source applied for, and the custodian that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestedSource {
    pub code: String,
    pub custodian: String,
}

/// The distinct data sources `party` handles among `sources`: all of them for
/// HDS, its own for a custodian.
pub fn sources_of<'a>(party: &InvoicingParty, sources: &'a [RequestedSource]) -> Vec<&'a str> {
    let set: BTreeSet<&str> = sources
        .iter()
        .filter(|s| match party {
            InvoicingParty::Hds => true,
            InvoicingParty::Custodian(code) => &s.custodian == code,
        })
        .map(|s| s.code.as_str())
        .collect();
    set.into_iter().collect()
}

/// An invoice basis for one case, one invoicing party and one payer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceBasis {
    pub case_number: String,
    pub party: InvoicingParty,
    pub payer: Payer,
    /// The payer's reference (deres referanse / bestillingsreferanse).
    pub payer_reference: Option<String>,
    pub lines: Vec<Line>,
    pub totals: Totals,
    pub status: Status,
}

/// What [`draft`] needs: plain values the caller has loaded.
#[derive(Debug, Clone, Copy)]
pub struct BasisInput<'a> {
    pub case_number: &'a str,
    /// The invoicing party's price list (all versions).
    pub price_list: &'a PriceList,
    /// The day the application was received: the case-level terms are those
    /// of the version in force that day.
    pub received_on: Date,
    /// All data sources applied for on the case.
    pub sources: &'a [RequestedSource],
    /// The party's ledger of hours on the case, in the order recorded.
    pub work: &'a [WorkEntry],
    pub facts: &'a FeeFacts,
    pub payer: &'a Payer,
    pub payer_reference: Option<&'a str>,
}

/// `10.06.2025`.
pub(crate) fn date_nb(d: Date) -> String {
    format!("{:02}.{:02}.{}", d.day(), u8::from(d.month()), d.year())
}

fn overflow() -> Vec<Problem> {
    vec![Problem::new(
        "",
        "AMOUNT_TOO_LARGE",
        "the amounts are too large to compute",
    )]
}

/// Computes the draft invoice basis, or returns every problem (pointers into
/// [`BasisInput`] as the API would spell it: `/receivedOn`,
/// `/work/<i>/<field>`, `/payer/...`).
pub fn draft(input: &BasisInput<'_>) -> Result<InvoiceBasis, Vec<Problem>> {
    let list = input.price_list;
    let party = &list.party;
    let mut problems = check_payer(input.payer, input.payer_reference);
    let items = match work_items(input.work) {
        Ok(items) => items,
        Err(p) => {
            problems.extend(p.into_iter().map(|p| p.under("/work")));
            Vec::new()
        }
    };
    let Some(terms) = list.version_on(input.received_on) else {
        problems.push(Problem::new(
            "/receivedOn",
            "NO_PRICE_LIST",
            format!(
                "{party} has no price list in force on {} (the day the application was received)",
                input.received_on
            ),
        ));
        return Err(problems);
    };
    let free_apply = terms.counting.free_hours_apply(input.facts.data_kind);
    let groups = match count_hours(&items, |d| list.period_on(d), &terms.counting, free_apply) {
        Ok(g) => g,
        Err(CountError::Overflow) => return Err(overflow()),
        Err(CountError::Unpriced(unpriced)) => {
            problems.extend(unpriced.into_iter().map(|u| {
                Problem::new(
                    format!("/work/{}/workedOn", u.entry_index),
                    "NO_PRICE",
                    format!("{party} has no price list in force on {}", u.worked_on),
                )
            }));
            Vec::new()
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }

    let sources = sources_of(party, input.sources).len();
    let mut lines = Vec::new();
    let built = basic_fee_line(terms, sources, &mut lines)
        .and_then(|()| {
            groups.iter().try_for_each(|g| {
                let activity_total = groups
                    .iter()
                    .filter(|o| o.activity == g.activity)
                    .try_fold(Hours::ZERO, |acc, o| acc.checked_add(o.counted))?;
                hours_lines(list, party, g, &terms.counting, activity_total, &mut lines)
            })
        })
        .and_then(|()| {
            let assessment = assess(input.facts, party, &terms.exemptions);
            exemption_lines(&assessment.applied, &mut lines)
        });
    built.map_err(|Overflow| overflow())?;

    let totals = Totals::of(&lines).map_err(|Overflow| overflow())?;
    Ok(InvoiceBasis {
        case_number: input.case_number.to_owned(),
        party: party.clone(),
        payer: input.payer.clone(),
        payer_reference: input.payer_reference.map(str::to_owned),
        lines,
        totals,
        status: Status::Draft,
    })
}

/// The basic fee for `sources` distinct sources, if any.
fn basic_fee_line(
    terms: &PriceVersion,
    sources: usize,
    lines: &mut Vec<Line>,
) -> Result<(), Overflow> {
    let fee = terms.basic_fee.for_sources(sources);
    if !fee.is_zero() {
        lines.push(Line {
            kind: LineKind::BasicFee,
            description: if sources == 1 {
                "Grunngebyr, én datakilde".into()
            } else {
                format!("Grunngebyr, flere datakilder ({sources})")
            },
            activity: None,
            period: None,
            quantity: Quantity::ONE,
            unit: Unit::Piece,
            unit_price: fee,
            amount: fee.times(Quantity::ONE)?,
            vat: terms.vat.clone(),
            reason: None,
        });
    }
    Ok(())
}

/// The hours line of one period and activity, and its free-hours line.
fn hours_lines(
    list: &PriceList,
    party: &InvoicingParty,
    g: &PeriodHours,
    counting: &HourCounting,
    activity_total: Hours,
    lines: &mut Vec<Line>,
) -> Result<(), Overflow> {
    let version = &list.versions[g.period];
    let rate = version.hourly_rate;
    let what = match (g.activity, party) {
        (Activity::AppealHandling, _) => "Klagebehandling",
        (Activity::CaseHandling, InvoicingParty::Hds) => "Saksbehandling",
        (Activity::CaseHandling, InvoicingParty::Custodian(_)) => "Tilrettelegging av data",
    };
    let mut description = if g.first_day == g.last_day {
        format!("{what} {}", date_nb(g.first_day))
    } else {
        format!("{what} {}–{}", date_nb(g.first_day), date_nb(g.last_day))
    };
    if g.counted != g.worked {
        let _ = match counting.rounding {
            Rounding::PerStartedHour(RoundingScope::Case) => write!(
                description,
                " (registrert {}; saken samlet rundet opp til {} påbegynte timer)",
                g.worked.text_nb(),
                activity_total.hundredths() / 100
            ),
            _ => write!(
                description,
                " (registrert {}, avrundet per påbegynt time)",
                g.worked.text_nb()
            ),
        };
    }
    let quantity = Quantity::from_hundredths(g.counted.hundredths());
    if quantity != Quantity::ZERO {
        lines.push(Line {
            kind: LineKind::Hours,
            description,
            activity: Some(g.activity),
            period: Some((g.first_day, g.last_day)),
            quantity,
            unit: Unit::Hour,
            unit_price: rate,
            amount: rate.times(quantity)?,
            vat: version.vat.clone(),
            reason: None,
        });
    }
    if g.free.is_positive() {
        let free = Quantity::from_hundredths(g.free.hundredths()).checked_neg()?;
        lines.push(Line {
            kind: LineKind::FreeHours,
            description: format!(
                "Fri tid: de første {} av saken er gratis",
                counting.free_hours.text_nb()
            ),
            activity: Some(g.activity),
            period: Some((g.first_day, g.last_day)),
            quantity: free,
            unit: Unit::Hour,
            unit_price: rate,
            amount: rate.times(free)?,
            vat: version.vat.clone(),
            reason: None,
        });
    }
    Ok(())
}

/// Does an exemption covering `covers` take off `line`?
fn covered(covers: Covers, line: &Line) -> bool {
    match (covers, line.kind) {
        (_, LineKind::Exemption(_)) => false,
        (Covers::Everything, _)
        | (Covers::BasicFee, LineKind::BasicFee)
        | (Covers::Hours, LineKind::Hours | LineKind::FreeHours) => true,
        (Covers::AppealHours, LineKind::Hours | LineKind::FreeHours) => {
            line.activity == Some(Activity::AppealHandling)
        }
        (Covers::BasicFee | Covers::Hours | Covers::AppealHours, _) => false,
    }
}

/// One negative line per exemption and VAT category, taking off the lines it
/// covers that no earlier exemption took off.
fn exemption_lines(
    applied: &[super::exemptions::Exemption],
    lines: &mut Vec<Line>,
) -> Result<(), Overflow> {
    let mut taken = vec![false; lines.len()];
    let mut out = Vec::new();
    for e in applied {
        let hit: Vec<usize> = (0..lines.len())
            .filter(|&i| !taken[i] && covered(e.covers, &lines[i]))
            .collect();
        let categories: BTreeSet<&VatTreatment> = hit.iter().map(|&i| &lines[i].vat).collect();
        for vat in categories {
            let sum = Money::sum(
                hit.iter()
                    .filter(|&&i| &lines[i].vat == vat)
                    .map(|&i| lines[i].amount),
            )?;
            if sum > Money::ZERO {
                out.push(Line {
                    kind: LineKind::Exemption(e.ground),
                    description: e.reason.clone(),
                    activity: None,
                    period: None,
                    quantity: Quantity::MINUS_ONE,
                    unit: Unit::Piece,
                    unit_price: sum,
                    amount: sum.checked_neg()?,
                    vat: vat.clone(),
                    reason: Some(e.reason.clone()),
                });
            }
        }
        for i in hit {
            taken[i] = true;
        }
    }
    lines.extend(out);
    Ok(())
}
