//! Invoice bases and credit notes as views: drafts (no id), stored bases
//! (with their version and credit note), one party's bases on a case.

use hds_domain::fees::{CreditNote, InvoiceBasis, Line, LineKind, Payer, Status, Totals, Unit};
use hds_persistence::fees::{CreditNoteRecord, PartyBases, StoredBasis};

use super::mapping::{ground, money, quantity, vat_view};
use super::views::{
    AddressView, CreditNoteRef, CreditNoteView, DraftProblem, InvoiceBasisView, InvoiceStatusDto,
    LineKindDto, LineView, PartyInvoicesView, PayerKind, PayerView, TotalsView, UnitCode,
    VatSubtotalView,
};
use crate::routes::common::work_activity;

fn line_view(n: usize, l: &Line) -> LineView {
    LineView {
        line_number: i32::try_from(n + 1).unwrap_or(i32::MAX),
        kind: match l.kind {
            LineKind::BasicFee => LineKindDto::BasicFee,
            LineKind::Hours => LineKindDto::Hours,
            LineKind::FreeHours => LineKindDto::FreeHours,
            LineKind::Exemption(_) => LineKindDto::Exemption,
        },
        exemption_ground: match l.kind {
            LineKind::Exemption(g) => Some(ground(g)),
            _ => None,
        },
        description: l.description.clone(),
        activity: l.activity.map(|a| work_activity(a.as_str())),
        period_from: l.period.map(|p| p.0.to_string()),
        period_to: l.period.map(|p| p.1.to_string()),
        quantity: quantity(l.quantity),
        unit: match l.unit {
            Unit::Hour => UnitCode::Hur,
            Unit::Piece => UnitCode::Ea,
        },
        unit_price: money(l.unit_price),
        amount: money(l.amount),
        vat: vat_view(&l.vat),
        reason: l.reason.clone(),
    }
}

fn totals_view(t: &Totals) -> TotalsView {
    TotalsView {
        excluding_vat: money(t.excluding_vat),
        vat_breakdown: t
            .vat_breakdown
            .iter()
            .map(|s| VatSubtotalView {
                vat: vat_view(&s.vat),
                taxable: money(s.taxable),
                amount: money(s.amount),
            })
            .collect(),
        vat: money(t.vat),
        including_vat: money(t.including_vat),
    }
}

fn payer_view(p: &Payer) -> PayerView {
    let a = p.address();
    PayerView {
        kind: match p {
            Payer::Organisation { .. } => PayerKind::Organisation,
            Payer::Person { .. } => PayerKind::Person,
        },
        name: p.name().to_owned(),
        orgnr: p.orgnr().map(|o| o.as_str().to_owned()),
        address: AddressView {
            street: a.street.clone(),
            postal_code: a.postal_code.clone(),
            city: a.city.clone(),
            country: a.country.clone(),
        },
    }
}

/// A basis as the API shows it: a draft (no id) or a stored one.
pub(super) fn basis_view(
    basis: &InvoiceBasis,
    stored: Option<&StoredBasis>,
    case_id: uuid::Uuid,
    party: &str,
    party_name: &str,
) -> InvoiceBasisView {
    let issue = basis.status.issue();
    InvoiceBasisView {
        id: stored.map(|s| s.row.id),
        case_id,
        case_number: basis.case_number.clone(),
        party: party.to_owned(),
        party_name: party_name.to_owned(),
        status: match basis.status {
            Status::Draft => InvoiceStatusDto::Draft,
            Status::Issued(_) => InvoiceStatusDto::Issued,
            Status::Credited { .. } => InvoiceStatusDto::Credited,
        },
        number: issue.map(|i| i.number.clone()),
        issued_on: issue.map(|i| i.issued_on.to_string()),
        due_on: issue.map(|i| i.due_on.to_string()),
        payer: payer_view(&basis.payer),
        payer_reference: basis.payer_reference.clone(),
        currency: "NOK".to_owned(),
        lines: basis
            .lines
            .iter()
            .enumerate()
            .map(|(n, l)| line_view(n, l))
            .collect(),
        totals: totals_view(&basis.totals),
        credit_note: stored.and_then(|s| {
            s.credit_note.as_ref().map(|c| CreditNoteRef {
                id: c.id,
                number: c.number.clone(),
                issued_on: c.issued_on.to_string(),
            })
        }),
        version: stored.map(|s| s.row.version),
    }
}

/// A stored basis.
pub(super) fn stored_view(s: &StoredBasis, party_name: &str) -> InvoiceBasisView {
    basis_view(&s.basis, Some(s), s.row.case_id, &s.row.party, party_name)
}

/// One party's bases on a case.
pub(super) fn party_view(b: &PartyBases, case_id: uuid::Uuid) -> PartyInvoicesView {
    let (current, problems) = match (&b.issued, &b.draft) {
        (Some(issued), _) => (Some(stored_view(issued, &b.name)), Vec::new()),
        (None, Some(Ok(draft))) => (
            Some(basis_view(draft, None, case_id, &b.party, &b.name)),
            Vec::new(),
        ),
        (None, Some(Err(problems))) => (
            None,
            problems
                .iter()
                .map(|p| {
                    let text = crate::i18n::from_domain(p.code, p.message.clone());
                    DraftProblem {
                        pointer: p.pointer.clone(),
                        code: p.code.to_owned(),
                        message_nb: text.nb().to_owned(),
                        message_en: text.en().to_owned(),
                    }
                })
                .collect(),
        ),
        (None, None) => (None, Vec::new()),
    };
    PartyInvoicesView {
        party: b.party.clone(),
        party_name: b.name.clone(),
        current,
        problems,
        credited: b.credited.iter().map(|s| stored_view(s, &b.name)).collect(),
    }
}

pub(super) fn credit_note_view(r: &CreditNoteRecord, party_name: &str) -> CreditNoteView {
    let n: &CreditNote = &r.note;
    CreditNoteView {
        id: r.row.id,
        number: n.number.clone(),
        issued_on: n.issued_on.to_string(),
        reason: n.reason.clone(),
        invoice_basis_id: r.credited.row.id,
        invoice_number: n.credits.number.clone(),
        case_id: r.credited.row.case_id,
        case_number: n.case_number.clone(),
        party: r.credited.row.party.clone(),
        party_name: party_name.to_owned(),
        payer: payer_view(&n.payer),
        payer_reference: n.payer_reference.clone(),
        currency: "NOK".to_owned(),
        lines: n
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| line_view(i, l))
            .collect(),
        totals: totals_view(&n.totals),
    }
}
