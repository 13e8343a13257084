//! Example data: HDS's prices from 1 January 2023 (helsedata.no/priser), and
//! invented later versions and custodian prices to exercise the rules. None
//! of this is a constant in the rules.

use time::macros::date;
use time::Date;

use crate::application::DataKind;
use crate::fees::*;
use crate::identity::Orgnr;

pub const JAN_2023: Date = date!(2023 - 01 - 01);
/// An invented price change, to price work on both sides of it.
pub const JULY_2025: Date = date!(2025 - 07 - 01);

pub fn nok(text: &str) -> Money {
    Money::parse_nok(text).unwrap()
}

pub fn outside_vat() -> VatTreatment {
    VatTreatment::NotSubject {
        reason: "Gebyr for offentlig myndighetsutøvelse, utenfor merverdiavgiftsloven".into(),
    }
}

pub fn vat_25() -> VatTreatment {
    VatTreatment::Standard(VatRate::percent(25).unwrap())
}

/// HDS from 1 January 2023: NOK 1,500 / 3,000, NOK 1,155 per started hour of
/// case handling (the case total), excluding VAT; free for students (anonymous
/// data), change requests and appeals. The 2 to 8 hours are an example range.
pub fn hds_2023_version() -> PriceVersion {
    PriceVersion {
        valid_from: JAN_2023,
        valid_to: None,
        basic_fee: BasicFee {
            one_source: Money::from_nok(1500),
            several_sources: Money::from_nok(3000),
        },
        hourly_rate: Money::from_nok(1155),
        counting: HourCounting {
            rounding: Rounding::PerStartedHour(RoundingScope::Case),
            free_hours: Hours::ZERO,
            free_hours_for: FreeHoursFor::AllApplications,
        },
        vat: outside_vat(),
        estimated_hours: Some(HourRange {
            low: Hours::whole(2),
            high: Hours::whole(8),
        }),
        exemptions: Ground::STATUTORY.to_vec(),
    }
}

pub fn hds_2023() -> PriceList {
    PriceList {
        party: InvoicingParty::Hds,
        versions: vec![hds_2023_version()],
    }
}

/// HDS with an invented change on 1 July 2025: NOK 1,600 / 3,200 and NOK 1,212.50 an hour.
pub fn hds_with_july_change() -> PriceList {
    let new = PriceVersion {
        valid_from: JULY_2025,
        basic_fee: BasicFee {
            one_source: Money::from_nok(1600),
            several_sources: Money::from_nok(3200),
        },
        hourly_rate: nok("1212.50"),
        ..hds_2023_version()
    };
    hds_2023()
        .with_new_version(new, date!(2025 - 05 - 01))
        .unwrap()
}

pub fn custodian(code: &str) -> InvoicingParty {
    InvoicingParty::Custodian(code.into())
}

/// FHI (invented): exact hours, NOK 1,155 an hour, from 1 July 2025 NOK 1,250;
/// no basic fee, outside VAT, no statutory exemptions.
pub fn fhi() -> PriceList {
    let v1 = PriceVersion {
        valid_from: JAN_2023,
        valid_to: None,
        basic_fee: BasicFee::NONE,
        hourly_rate: Money::from_nok(1155),
        counting: HourCounting::EXACT,
        vat: outside_vat(),
        estimated_hours: None,
        exemptions: vec![],
    };
    let v2 = PriceVersion {
        valid_from: JULY_2025,
        hourly_rate: Money::from_nok(1250),
        ..v1.clone()
    };
    PriceList {
        party: custodian("FHI"),
        versions: vec![v1],
    }
    .with_new_version(v2, date!(2025 - 05 - 01))
    .unwrap()
}

/// Kreftregisteret (invented apart from the rate and "table data from the
/// third hour"): per started hour per day, the first 2 hours free for
/// anonymous data, 25 % VAT; NOK 1,155, from 1 July 2025 NOK 1,300.
pub fn kreftregisteret() -> PriceList {
    let v1 = PriceVersion {
        valid_from: JAN_2023,
        valid_to: None,
        basic_fee: BasicFee::NONE,
        hourly_rate: Money::from_nok(1155),
        counting: HourCounting {
            rounding: Rounding::PerStartedHour(RoundingScope::Day),
            free_hours: Hours::whole(2),
            free_hours_for: FreeHoursFor::AnonymousDataOnly,
        },
        vat: vat_25(),
        estimated_hours: Some(HourRange {
            low: Hours::whole(3),
            high: Hours::whole(10),
        }),
        exemptions: vec![],
    };
    let v2 = PriceVersion {
        valid_from: JULY_2025,
        hourly_rate: Money::from_nok(1300),
        ..v1.clone()
    };
    PriceList {
        party: custodian("KREFTREGISTERET"),
        versions: vec![v1],
    }
    .with_new_version(v2, date!(2025 - 05 - 01))
    .unwrap()
}

pub fn source(code: &str, custodian: &str) -> RequestedSource {
    RequestedSource {
        code: code.into(),
        custodian: custodian.into(),
    }
}

pub fn orgnr(s: &str) -> Orgnr {
    Orgnr::parse(s).unwrap()
}

/// Universitetet i Oslo.
pub fn uio() -> Payer {
    Payer::Organisation {
        name: "Universitetet i Oslo".into(),
        orgnr: orgnr("971035854"),
        address: Address {
            street: Some("Postboks 1072 Blindern".into()),
            postal_code: Some("0316".into()),
            city: Some("Oslo".into()),
            country: "NO".into(),
        },
    }
}

pub fn person() -> Payer {
    Payer::Person {
        name: "Kari Nordmann".into(),
        address: Address {
            street: Some("Storgata 1".into()),
            postal_code: Some("0155".into()),
            city: Some("Oslo".into()),
            country: "NO".into(),
        },
    }
}

pub fn anonymous() -> FeeFacts {
    FeeFacts {
        data_kind: Some(DataKind::Anonymous),
        ..FeeFacts::default()
    }
}

pub fn identifiable() -> FeeFacts {
    FeeFacts {
        data_kind: Some(DataKind::IndirectlyIdentifiable),
        ..FeeFacts::default()
    }
}

pub fn work(id: u128, on: Date, hundredths: i64) -> WorkEntry {
    WorkEntry {
        id: EntryId(id),
        worked_on: on,
        hours: Hours::from_hundredths(hundredths),
        note: "arbeid".into(),
        recorded_by: "saksbehandler".into(),
        activity: Activity::CaseHandling,
        correction: None,
    }
}

pub fn correction(id: u128, on: Date, hundredths: i64, c: Correction) -> WorkEntry {
    WorkEntry {
        correction: Some(c),
        note: "rettelse".into(),
        ..work(id, on, hundredths)
    }
}

/// Drafts a basis with the usual case number and payer.
pub fn draft_for(
    list: &PriceList,
    received_on: Date,
    sources: &[RequestedSource],
    ledger: &[WorkEntry],
    facts: &FeeFacts,
) -> InvoiceBasis {
    draft(&BasisInput {
        case_number: "HDS-2025-000123",
        price_list: list,
        received_on,
        sources,
        work: ledger,
        facts,
        payer: &uio(),
        payer_reference: Some("PRJ-4711"),
    })
    .unwrap()
}

/// (kind, quantity, unit price, amount) of each line, as decimals.
pub fn summary(lines: &[Line]) -> Vec<(&'static str, String, String, String)> {
    lines
        .iter()
        .map(|l| {
            (
                l.kind.as_str(),
                l.quantity.to_decimal(),
                l.unit_price.to_decimal(),
                l.amount.to_decimal(),
            )
        })
        .collect()
}
