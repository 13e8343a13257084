//! Credit notes (kreditnotaer) by id: JSON, CSV and EHF. Who may read one
//! is who may read the invoice basis it credits.

use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_domain::fees::export::{csv, ubl};
use hds_persistence::fees::invoices as repo;
use uuid::Uuid;

use super::common::{may_read, party_name, reader};
use super::documents::credit_note_view;
use super::invoices::download;
use super::views::CreditNoteView;
use crate::auth::Principal;
use crate::error::{ApiError, Text};
use crate::http::etag::{json_versioned, PRIVATE_NO_CACHE};
use crate::spec::{Conflict, IfNoneMatch, NotFound};
use crate::state::AppState;

/// A credit note: the invoice it credits, why, and the invoice's lines with
/// negative quantities and amounts. ETag `"v1"` (never changed).
#[utoipa::path(tag = "fees", operation_id = "get_credit_note", security(("bearerAuth" = ["CASE_HANDLER", "ADMIN", "CUSTODIAN", "APPLICANT"])),
    params(("id" = Uuid, Path, description = "The credit note's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The credit note", body = CreditNoteView,
            headers(("Cache-Control" = String))),
        (status = 404, response = NotFound),
    ))]
#[get("/credit-notes/{id}")]
pub(super) async fn get_credit_note(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let reader = reader(&state, &principal).await?;
    let id = id.into_inner();
    let view = state
        .run(move |conn| {
            let note = repo::find_credit_note(conn, id)?;
            may_read(conn, &reader, &note.credited)?;
            Ok(credit_note_view(
                &note,
                &party_name(conn, &note.credited.row.party)?,
            ))
        })
        .await?;
    json_versioned(&req, &view, 1, PRIVATE_NO_CACHE)
}

/// The credit note as CSV (negative quantities and amounts: with its
/// invoice's rows it sums to zero).
#[utoipa::path(tag = "fees", operation_id = "get_credit_note_csv", security(("bearerAuth" = ["CASE_HANDLER", "ADMIN", "CUSTODIAN", "APPLICANT"])),
    params(("id" = Uuid, Path, description = "The credit note's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The CSV", body = String, content_type = "text/csv",
            headers(("Content-Disposition" = String))),
        (status = 404, response = NotFound),
    ))]
#[get("/credit-notes/{id}/csv")]
pub(super) async fn get_credit_note_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let reader = reader(&state, &principal).await?;
    let id = id.into_inner();
    let note = state
        .run(move |conn| {
            let note = repo::find_credit_note(conn, id)?;
            may_read(conn, &reader, &note.credited)?;
            Ok(note)
        })
        .await?;
    Ok(download(
        &req,
        csv::credit_note_csv(&note.note).into_bytes(),
        "text/csv; charset=utf-8",
        &format!("{}.csv", note.row.number),
    ))
}

/// The credit note as EHF: a PEPPOL BIS Billing 3.0 credit note (UBL 2.1
/// `CreditNote`, type 381) that references the invoice it credits.
#[utoipa::path(tag = "fees", operation_id = "get_credit_note_ehf", security(("bearerAuth" = ["CASE_HANDLER", "ADMIN", "CUSTODIAN", "APPLICANT"])),
    params(("id" = Uuid, Path, description = "The credit note's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The UBL 2.1 CreditNote", body = String, content_type = "application/xml",
            headers(("Content-Disposition" = String))),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[get("/credit-notes/{id}/ehf")]
pub(super) async fn get_credit_note_ehf(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let reader = reader(&state, &principal).await?;
    let id = id.into_inner();
    let (note, seller) = state
        .run(move |conn| {
            let note = repo::find_credit_note(conn, id)?;
            may_read(conn, &reader, &note.credited)?;
            let seller = repo::seller(conn, &note.credited.row.party)?;
            Ok((note, seller))
        })
        .await?;
    let xml = ubl::credit_note_xml(&note.note, &seller)
        .map_err(|e| ApiError::conflict(Text::new(e.nb(), e.to_string())))?;
    Ok(download(
        &req,
        xml.into_bytes(),
        "application/xml; charset=utf-8",
        &format!("{}.xml", note.row.number),
    ))
}
