//! Issued invoice bases for the export tests.

use time::macros::date;

use super::fixtures::*;
use crate::fees::export::ubl::Seller;
use crate::fees::*;

pub const RECEIVED: time::Date = date!(2025 - 05 - 20);

pub fn ledger() -> Vec<WorkEntry> {
    vec![
        work(1, date!(2025 - 06 - 30), 120),
        work(2, JULY_2025, 50),
        work(3, date!(2025 - 07 - 02), 110),
    ]
}

/// Kreftregisteret's basis for anonymous data: hours, free hours, 25 % VAT.
pub fn kreft_issued() -> InvoiceBasis {
    draft_for(
        &kreftregisteret(),
        RECEIVED,
        &[source("KREFT", "KREFTREGISTERET")],
        &ledger(),
        &anonymous(),
    )
    .issue("KRG-2025-17", date!(2025 - 08 - 01), 30)
    .unwrap()
}

/// HDS's basis, outside VAT, with a waiver line.
pub fn hds_issued() -> InvoiceBasis {
    let facts = FeeFacts {
        waivers: vec![Waiver {
            party: InvoicingParty::Hds,
            covers: Covers::BasicFee,
            reason: "Feil i veiledningen; grunngebyr frafalles".into(),
            granted_by: "sb".into(),
            granted_on: date!(2025 - 07 - 20),
        }],
        ..identifiable()
    };
    draft_for(
        &hds_with_july_change(),
        RECEIVED,
        &[source("MFR", "FHI"), source("KREFT", "KREFTREGISTERET")],
        &ledger(),
        &facts,
    )
    .issue("HDS-2025-0042", date!(2025 - 08 - 01), 30)
    .unwrap()
}

pub fn seller(vat_registered: bool) -> Seller {
    Seller {
        name: "Folkehelseinstituttet".into(),
        orgnr: orgnr("983744516"),
        address: Address {
            street: Some("Postboks 222 Skøyen".into()),
            postal_code: Some("0213".into()),
            city: Some("Oslo".into()),
            country: "NO".into(),
        },
        vat_registered,
        in_foretaksregisteret: false,
        bank_account: Some("76940512345".into()),
    }
}
