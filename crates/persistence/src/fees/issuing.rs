//! Issuing and crediting invoice bases: the transactions that number,
//! store and lock a basis, and that credit it with a credit note.
//!
//! - **Numbers** are gapless per party, year and series: `HDS-2026-000001`
//!   for an invoice, `HDS-K-2026-000001` for a credit note. The issuing
//!   transaction locks its counter row (`invoice_number_counters`) until it
//!   ends, and a rollback gives the number back.
//! - **Issuing** stores the draft read under the case's lock with its lines;
//!   triggers lock it (no edit, no delete, lines that add up to the total at
//!   commit) and put `no.helsedata.invoice.issued` on the change feed.
//! - **Crediting** writes the credit note and marks the basis CREDITED
//!   (`no.helsedata.invoice.credited`).

use diesel::prelude::*;
use diesel::PgConnection;
use hds_domain::catalogue::Problem;
use hds_domain::fees::state::StateError;
use hds_domain::fees::{InvoiceBasis, Line, LineKind, Payer, Status};
use serde_json::json;
use uuid::Uuid;

use super::codes::{self, corrupt};
use super::inputs::CaseFees;
use super::invoices::{
    find, find_credit_note, load, CreditNoteRecord, PartyBases, StoredBasis, Viewer,
};
use super::rows::{CreditNoteRow, InvoiceBasisRow, InvoiceLineRow, PartyRow};
use super::FeeError;
use crate::audit::{self, NewAuditEvent};
use crate::cases::{self, Ctx};
use crate::schema::{
    credit_notes, invoice_bases, invoice_lines, invoice_number_counters, invoicing_parties,
};
use crate::StoreError;

/// The next number in a party's series for a year: `HDS-2026-000001` for an
/// invoice, `HDS-K-2026-000001` for a credit note. Gapless: the counter row
/// stays locked until the transaction ends, and a rollback gives it back.
fn next_number(
    conn: &mut PgConnection,
    party: &str,
    year: i32,
    series: &str,
) -> Result<String, StoreError> {
    let n: i32 = diesel::insert_into(invoice_number_counters::table)
        .values((
            invoice_number_counters::party.eq(party),
            invoice_number_counters::year.eq(year),
            invoice_number_counters::series.eq(series),
            invoice_number_counters::last_value.eq(1),
        ))
        .on_conflict((
            invoice_number_counters::party,
            invoice_number_counters::year,
            invoice_number_counters::series,
        ))
        .do_update()
        .set(invoice_number_counters::last_value.eq(invoice_number_counters::last_value + 1))
        .returning(invoice_number_counters::last_value)
        .get_result(conn)?;
    Ok(if series == "CREDIT_NOTE" {
        format!("{party}-K-{year:04}-{n:06}")
    } else {
        format!("{party}-{year:04}-{n:06}")
    })
}

fn state_error(e: StateError) -> FeeError {
    match e {
        StateError::ReasonRequired => {
            FeeError::Invalid(vec![Problem::new("/reason", "REQUIRED", e.to_string())])
        }
        other => FeeError::conflict(other.to_string(), other.nb()),
    }
}

fn line_row(basis_id: Uuid, n: usize, l: &Line) -> Result<InvoiceLineRow, StoreError> {
    let (category, rate, vat_reason) = codes::vat_codes(&l.vat);
    Ok(InvoiceLineRow {
        id: Uuid::new_v4(),
        invoice_basis_id: basis_id,
        line_number: i32::try_from(n + 1).map_err(|_| corrupt("line number"))?,
        kind: l.kind.as_str().to_owned(),
        exemption_ground: match l.kind {
            LineKind::Exemption(g) => Some(g.as_str().to_owned()),
            _ => None,
        },
        description: l.description.clone(),
        activity: l.activity.map(|a| a.as_str().to_owned()),
        period_from: l.period.map(|p| p.0),
        period_to: l.period.map(|p| p.1),
        quantity_hundredths: l.quantity.hundredths(),
        unit: l.unit.code().to_owned(),
        unit_price_ore: l.unit_price.ore(),
        amount_ore: l.amount.ore(),
        vat_category: category.to_owned(),
        vat_rate_basis_points: rate,
        vat_reason,
        reason: l.reason.clone(),
    })
}

/// The draft to issue, or why there is none: issued already, or no draft
/// can be made (every reason).
fn issuable(current: &PartyBases) -> Result<&InvoiceBasis, FeeError> {
    if let Some(issued) = &current.issued {
        return Err(FeeError::conflict(
            format!(
                "{}'s invoice on this case is issued as {}; credit it before issuing a new one",
                current.party, issued.row.number
            ),
            format!(
                "{}s faktura i saken er utstedt som {}; krediter den før en ny utstedes",
                current.party, issued.row.number
            ),
        ));
    }
    match &current.draft {
        Some(Ok(d)) => Ok(d),
        Some(Err(problems)) => Err(FeeError::Conflict {
            en: "the invoice basis cannot be computed; see errors".to_owned(),
            nb: "fakturagrunnlaget kan ikke regnes ut; se feilene".to_owned(),
            problems: problems.clone(),
        }),
        None => Err(FeeError::conflict(
            "nothing to issue",
            "ingenting å utstede",
        )),
    }
}

/// Issues the party's current draft (read by `invoices::lock_party` in this
/// transaction): numbered, dated today, due after the party's payment
/// terms, stored with its lines, audited. Refused (409) when one is issued
/// already, when the draft cannot be computed (with every reason), or when
/// there is nothing to pay.
pub fn issue(
    conn: &mut PgConnection,
    fees: &CaseFees,
    current: &PartyBases,
    ctx: &Ctx<'_>,
) -> Result<StoredBasis, FeeError> {
    conn.transaction(|conn| {
        let draft = issuable(current)?;
        let party: PartyRow = invoicing_parties::table
            .find(&current.party)
            .select(PartyRow::as_select())
            .first(conn)?;
        let today = ctx.on();
        let number = next_number(conn, &party.code, today.year(), "INVOICE")?;
        let days = u16::try_from(party.payment_days).unwrap_or(30);
        let issued = draft.issue(&number, today, days).map_err(state_error)?;
        let Status::Issued(issue) = &issued.status else {
            return Err(corrupt("issued status").into());
        };
        let (payer_kind, payer_orgnr) = match &issued.payer {
            Payer::Organisation { orgnr, .. } => ("ORGANISATION", Some(orgnr.as_str().to_owned())),
            Payer::Person { .. } => ("PERSON", None),
        };
        let address = issued.payer.address();
        let row = InvoiceBasisRow {
            id: Uuid::new_v4(),
            case_id: fees.case.id,
            case_number: issued.case_number.clone(),
            party: party.code.clone(),
            custodian_id: current.custodian_id,
            status: "ISSUED".to_owned(),
            number: issue.number.clone(),
            issued_on: issue.issued_on,
            due_on: issue.due_on,
            payer_kind: payer_kind.to_owned(),
            payer_name: issued.payer.name().to_owned(),
            payer_orgnr,
            payer_street: address.street.clone(),
            payer_postal_code: address.postal_code.clone(),
            payer_city: address.city.clone(),
            payer_country: address.country.clone(),
            payer_reference: issued.payer_reference.clone(),
            total_excluding_vat_ore: issued.totals.excluding_vat.ore(),
            total_vat_ore: issued.totals.vat.ore(),
            total_including_vat_ore: issued.totals.including_vat.ore(),
            version: 1,
            issued_at: ctx.at,
            issued_by: ctx.actor.to_owned(),
            credited_at: None,
        };
        diesel::insert_into(invoice_bases::table)
            .values(&row)
            .execute(conn)?;
        let lines = issued
            .lines
            .iter()
            .enumerate()
            .map(|(n, l)| line_row(row.id, n, l))
            .collect::<Result<Vec<_>, _>>()?;
        diesel::insert_into(invoice_lines::table)
            .values(&lines)
            .execute(conn)?;
        audit::record(
            conn,
            &NewAuditEvent {
                actor: ctx.actor,
                action: "INVOICE_ISSUED",
                entity_type: "invoice_basis",
                entity_id: &row.id.to_string(),
                before_state: None,
                after_state: Some(json!({
                    "caseId": row.case_id, "party": row.party, "number": row.number,
                    "issuedOn": row.issued_on.to_string(), "dueOn": row.due_on.to_string(),
                    "totalIncludingVatOre": row.total_including_vat_ore, "lines": lines.len(),
                })),
                request_id: ctx.request_id,
            },
        )?;
        Ok(find(conn, row.id)?)
    })
}

/// Credits an issued basis in full, if it is still at `expected_version`
/// (If-Match) and `viewer`'s: a credit note numbered in the party's credit
/// note series and dated today, the basis CREDITED, the audit event.
pub fn credit(
    conn: &mut PgConnection,
    basis_id: Uuid,
    expected_version: i32,
    reason: &str,
    viewer: Viewer,
    ctx: &Ctx<'_>,
) -> Result<CreditNoteRecord, FeeError> {
    conn.transaction(|conn| {
        let (case_id, custodian_id): (Uuid, Option<Uuid>) = invoice_bases::table
            .find(basis_id)
            .select((invoice_bases::case_id, invoice_bases::custodian_id))
            .first(conn)?;
        if !viewer.sees(custodian_id) {
            return Err(StoreError::NotFound.into());
        }
        cases::lock(conn, case_id, None)?;
        let row: InvoiceBasisRow = invoice_bases::table
            .find(basis_id)
            .select(InvoiceBasisRow::as_select())
            .for_update()
            .first(conn)?;
        if row.version != expected_version {
            return Err(StoreError::StaleVersion.into());
        }
        let stored = load(conn, row)?;
        let today = ctx.on();
        let number = next_number(conn, &stored.row.party, today.year(), "CREDIT_NOTE")?;
        let (_, note) = stored
            .basis
            .credit(&number, today, reason)
            .map_err(state_error)?;
        let note_row = CreditNoteRow {
            id: Uuid::new_v4(),
            invoice_basis_id: basis_id,
            number: note.number.clone(),
            issued_on: note.issued_on,
            reason: note.reason.clone(),
            issued_at: ctx.at,
            issued_by: ctx.actor.to_owned(),
        };
        diesel::insert_into(credit_notes::table)
            .values(&note_row)
            .execute(conn)?;
        diesel::update(invoice_bases::table.find(basis_id))
            .set((
                invoice_bases::status.eq("CREDITED"),
                invoice_bases::version.eq(invoice_bases::version + 1),
                invoice_bases::credited_at.eq(Some(ctx.at)),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            &NewAuditEvent {
                actor: ctx.actor,
                action: "INVOICE_CREDITED",
                entity_type: "invoice_basis",
                entity_id: &basis_id.to_string(),
                before_state: Some(json!({"status": "ISSUED", "version": expected_version})),
                after_state: Some(json!({
                    "status": "CREDITED", "version": expected_version + 1,
                    "creditNoteId": note_row.id, "creditNoteNumber": note_row.number,
                    "reason": note_row.reason,
                })),
                request_id: ctx.request_id,
            },
        )?;
        Ok(find_credit_note(conn, note_row.id)?)
    })
}
