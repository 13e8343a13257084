//! Invoice bases (fakturagrunnlag) per case and invoicing party, as read.
//!
//! - A **draft** is never stored: it is computed from the party's price
//!   list, its ledger of hours and the case's facts whenever it is read
//!   (`hds_domain::fees::draft`), so it always shows the hours recorded.
//! - An **issued** basis (see `issuing`) is read back through the domain:
//!   its totals are recomputed from the stored lines and checked against the
//!   stored ones. A **credit note**'s lines are the basis's lines negated
//!   (`hds_domain::fees::state`), so they are not stored a second time.
//!
//! Who sees a party's bases: HDS staff all; a custodian those of the parties
//! it holds (HDS's and another custodian's do not exist for it).

use diesel::prelude::*;
use diesel::PgConnection;
use hds_domain::catalogue::Problem;
use hds_domain::fees::export::ubl::Seller;
use hds_domain::fees::{
    draft, Address, BasisInput, CreditNote, CreditRef, InvoiceBasis, Issue, Line, Money, Payer,
    Quantity, Status, Totals,
};
use hds_domain::identity::Orgnr;
use uuid::Uuid;

use super::codes::{self, corrupt, party_of};
use super::inputs::{case_fees, work, CaseFees};
use super::price_lists::domain_list;
use super::rows::{CreditNoteRow, InvoiceBasisRow, InvoiceLineRow, PartyRow};
use crate::cases;
use crate::schema::{credit_notes, invoice_bases, invoice_lines, invoicing_parties};
use crate::StoreError;

/// Who reads or acts on invoice bases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// HDS staff: every party.
    Staff,
    /// A custodian: the parties it holds.
    Custodian(Uuid),
}

impl Viewer {
    /// May this viewer see the bases of a party held by `custodian`?
    pub fn sees(self, custodian: Option<Uuid>) -> bool {
        match self {
            Self::Staff => true,
            Self::Custodian(c) => custodian == Some(c),
        }
    }
}

/// An issued (or credited) invoice basis as stored, and as the domain reads it.
#[derive(Debug, Clone)]
pub struct StoredBasis {
    pub row: InvoiceBasisRow,
    pub credit_note: Option<CreditNoteRow>,
    pub basis: InvoiceBasis,
}

/// A credit note, the basis it credits, and the credit note as the domain
/// makes it (the basis's lines negated).
#[derive(Debug, Clone)]
pub struct CreditNoteRecord {
    pub row: CreditNoteRow,
    pub credited: StoredBasis,
    pub note: CreditNote,
}

/// One party's invoice bases on a case.
#[derive(Debug, Clone)]
pub struct PartyBases {
    pub party: String,
    /// The party's name for people.
    pub name: String,
    /// The custodian that sees it (None for HDS).
    pub custodian_id: Option<Uuid>,
    /// The invoice in force, once issued.
    pub issued: Option<StoredBasis>,
    /// While none is issued: the draft computed now, or every reason it cannot be.
    pub draft: Option<Result<InvoiceBasis, Vec<Problem>>>,
    /// Earlier invoices, credited, oldest first.
    pub credited: Vec<StoredBasis>,
}

fn line_of(r: &InvoiceLineRow) -> Result<Line, StoreError> {
    Ok(Line {
        kind: codes::line_kind(&r.kind, r.exemption_ground.as_deref())?,
        description: r.description.clone(),
        activity: r.activity.as_deref().map(codes::activity).transpose()?,
        period: r.period_from.zip(r.period_to),
        quantity: Quantity::from_hundredths(r.quantity_hundredths),
        unit: codes::unit(&r.unit)?,
        unit_price: Money::from_ore(r.unit_price_ore),
        amount: Money::from_ore(r.amount_ore),
        vat: codes::vat(
            &r.vat_category,
            r.vat_rate_basis_points,
            r.vat_reason.as_deref(),
        )?,
        reason: r.reason.clone(),
    })
}

fn payer_of(row: &InvoiceBasisRow) -> Result<Payer, StoreError> {
    let address = Address {
        street: row.payer_street.clone(),
        postal_code: row.payer_postal_code.clone(),
        city: row.payer_city.clone(),
        country: row.payer_country.clone(),
    };
    match (row.payer_kind.as_str(), &row.payer_orgnr) {
        ("ORGANISATION", Some(orgnr)) => Ok(Payer::Organisation {
            name: row.payer_name.clone(),
            orgnr: Orgnr::parse(orgnr).map_err(|_| corrupt("payer's organisation number"))?,
            address,
        }),
        ("PERSON", None) => Ok(Payer::Person {
            name: row.payer_name.clone(),
            address,
        }),
        _ => Err(corrupt("payer")),
    }
}

/// The stored basis as the domain's, its totals recomputed from the lines
/// and checked against the stored ones.
fn to_domain(
    row: &InvoiceBasisRow,
    lines: &[InvoiceLineRow],
    credit: Option<&CreditNoteRow>,
) -> Result<InvoiceBasis, StoreError> {
    let lines: Vec<Line> = lines.iter().map(line_of).collect::<Result<_, _>>()?;
    let totals = Totals::of(&lines).map_err(|_| corrupt("invoice total"))?;
    if (
        totals.excluding_vat.ore(),
        totals.vat.ore(),
        totals.including_vat.ore(),
    ) != (
        row.total_excluding_vat_ore,
        row.total_vat_ore,
        row.total_including_vat_ore,
    ) {
        return Err(corrupt("invoice total"));
    }
    let invoice = Issue {
        number: row.number.clone(),
        issued_on: row.issued_on,
        due_on: row.due_on,
    };
    let status = match (row.status.as_str(), credit) {
        ("ISSUED", None) => Status::Issued(invoice),
        ("CREDITED", Some(c)) => Status::Credited {
            invoice,
            credit_note: CreditRef {
                number: c.number.clone(),
                issued_on: c.issued_on,
            },
        },
        _ => return Err(corrupt("invoice status")),
    };
    Ok(InvoiceBasis {
        case_number: row.case_number.clone(),
        party: party_of(&row.party),
        payer: payer_of(row)?,
        payer_reference: row.payer_reference.clone(),
        lines,
        totals,
        status,
    })
}

pub(super) fn load(
    conn: &mut PgConnection,
    row: InvoiceBasisRow,
) -> Result<StoredBasis, StoreError> {
    let lines: Vec<InvoiceLineRow> = invoice_lines::table
        .filter(invoice_lines::invoice_basis_id.eq(row.id))
        .order(invoice_lines::line_number.asc())
        .select(InvoiceLineRow::as_select())
        .load(conn)?;
    let credit_note: Option<CreditNoteRow> = credit_notes::table
        .filter(credit_notes::invoice_basis_id.eq(row.id))
        .select(CreditNoteRow::as_select())
        .first(conn)
        .optional()?;
    let basis = to_domain(&row, &lines, credit_note.as_ref())?;
    Ok(StoredBasis {
        row,
        credit_note,
        basis,
    })
}

/// An issued or credited basis by id (no access check: the caller's).
pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<StoredBasis, StoreError> {
    let row: InvoiceBasisRow = invoice_bases::table
        .find(id)
        .select(InvoiceBasisRow::as_select())
        .first(conn)?;
    load(conn, row)
}

fn credit_note_of(credited: &StoredBasis, row: &CreditNoteRow) -> Result<CreditNote, StoreError> {
    let invoice = credited
        .basis
        .status
        .issue()
        .cloned()
        .ok_or_else(|| corrupt("credit note"))?;
    let as_issued = InvoiceBasis {
        status: Status::Issued(invoice),
        ..credited.basis.clone()
    };
    as_issued
        .credit(&row.number, row.issued_on, &row.reason)
        .map(|(_, note)| note)
        .map_err(|_| corrupt("credit note"))
}

/// A credit note by id, with the basis it credits (no access check: the caller's).
pub fn find_credit_note(conn: &mut PgConnection, id: Uuid) -> Result<CreditNoteRecord, StoreError> {
    let row: CreditNoteRow = credit_notes::table
        .find(id)
        .select(CreditNoteRow::as_select())
        .first(conn)?;
    let credited = find(conn, row.invoice_basis_id)?;
    let note = credit_note_of(&credited, &row)?;
    Ok(CreditNoteRecord {
        row,
        credited,
        note,
    })
}

/// Every issued or credited basis of a case, oldest first.
pub fn stored_for_case(
    conn: &mut PgConnection,
    case_id: Uuid,
) -> Result<Vec<StoredBasis>, StoreError> {
    let rows: Vec<InvoiceBasisRow> = invoice_bases::table
        .filter(invoice_bases::case_id.eq(case_id))
        .order((invoice_bases::issued_at.asc(), invoice_bases::number.asc()))
        .select(InvoiceBasisRow::as_select())
        .load(conn)?;
    rows.into_iter().map(|r| load(conn, r)).collect()
}

/// The draft of `party` on the case as of now, or every reason it cannot be made.
fn compute_draft(
    conn: &mut PgConnection,
    fees: &CaseFees,
    party: &str,
) -> Result<Result<InvoiceBasis, Vec<Problem>>, StoreError> {
    let list = domain_list(conn, party)?;
    let ledger = work(conn, fees, party)?;
    let sources = fees.requested();
    Ok(draft(&BasisInput {
        case_number: &fees.case.case_number,
        price_list: &list,
        received_on: fees.case.received_on,
        sources: &sources,
        work: &ledger,
        facts: &fees.facts,
        payer: &fees.payer,
        payer_reference: fees.payer_reference.as_deref(),
    }))
}

/// One party's bases on the case: the issued one or a fresh draft, and the credited ones.
pub fn party_bases(
    conn: &mut PgConnection,
    fees: &CaseFees,
    party: &str,
) -> Result<PartyBases, StoreError> {
    let rows: Vec<InvoiceBasisRow> = invoice_bases::table
        .filter(invoice_bases::case_id.eq(fees.case.id))
        .filter(invoice_bases::party.eq(party))
        .order((invoice_bases::issued_at.asc(), invoice_bases::number.asc()))
        .select(InvoiceBasisRow::as_select())
        .load(conn)?;
    let mut issued = None;
    let mut credited = Vec::new();
    for row in rows {
        let stored = load(conn, row)?;
        if stored.row.status == "ISSUED" {
            issued = Some(stored);
        } else {
            credited.push(stored);
        }
    }
    let draft = match issued {
        Some(_) => None,
        None => Some(compute_draft(conn, fees, party)?),
    };
    Ok(PartyBases {
        party: party.to_owned(),
        name: fees
            .names
            .get(party)
            .cloned()
            .unwrap_or_else(|| party.to_owned()),
        custodian_id: fees.custodian_of(party),
        issued,
        draft,
        credited,
    })
}

/// Every party's bases on the case that `viewer` may see (HDS first).
/// `NotFound` when there is no case, or none of its parties is the viewer's.
pub fn case_bases(
    conn: &mut PgConnection,
    case_id: Uuid,
    viewer: Viewer,
) -> Result<Vec<PartyBases>, StoreError> {
    let fees = case_fees(conn, case_id)?;
    let mut out = Vec::new();
    for party in fees.party_codes() {
        if viewer.sees(fees.custodian_of(&party)) {
            out.push(party_bases(conn, &fees, &party)?);
        }
    }
    if out.is_empty() {
        return Err(StoreError::NotFound);
    }
    Ok(out)
}

/// Locks the case and reads one party's bases on it, for issuing.
/// `NotFound` when the party does not invoice on the case or is not the viewer's.
pub fn lock_party(
    conn: &mut PgConnection,
    case_id: Uuid,
    party: &str,
    viewer: Viewer,
) -> Result<(CaseFees, PartyBases), StoreError> {
    cases::lock(conn, case_id, None).map_err(super::from_case)?;
    read_party(conn, case_id, party, viewer)
}

/// One party's bases on the case. `NotFound` when the party does not
/// invoice on the case or is not the viewer's.
pub fn read_party(
    conn: &mut PgConnection,
    case_id: Uuid,
    party: &str,
    viewer: Viewer,
) -> Result<(CaseFees, PartyBases), StoreError> {
    let fees = case_fees(conn, case_id)?;
    if !fees.party_codes().iter().any(|c| c == party) || !viewer.sees(fees.custodian_of(party)) {
        return Err(StoreError::NotFound);
    }
    let bases = party_bases(conn, &fees, party)?;
    Ok((fees, bases))
}

/// The party as the seller on an EHF invoice.
pub fn seller(conn: &mut PgConnection, party: &str) -> Result<Seller, StoreError> {
    let p: PartyRow = invoicing_parties::table
        .find(party)
        .select(PartyRow::as_select())
        .first(conn)?;
    Ok(Seller {
        name: p.legal_name,
        orgnr: Orgnr::parse(&p.orgnr).map_err(|_| corrupt("seller's organisation number"))?,
        address: Address {
            street: p.street,
            postal_code: p.postal_code,
            city: p.city,
            country: p.country,
        },
        vat_registered: p.vat_registered,
        in_foretaksregisteret: p.in_foretaksregisteret,
        bank_account: p.bank_account,
    })
}
