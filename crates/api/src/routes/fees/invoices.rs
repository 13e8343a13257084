//! An issued invoice basis by id: read it (JSON), export it (CSV, EHF), and
//! credit it. HDS staff read every basis, a custodian its own parties', an
//! applicant those of their own applications; anyone else gets a 404.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use diesel::Connection;
use hds_domain::fees::export::{csv, ubl};
use hds_persistence::cases::Ctx;
use hds_persistence::fees::invoices as repo;
use uuid::Uuid;

use super::common::{issuer, may_read, party_name, reader};
use super::documents::{credit_note_view, stored_view};
use super::requests::CreditRequest;
use super::views::{CreditNoteView, InvoiceBasisView};
use crate::auth::Principal;
use crate::error::{ApiError, Text};
use crate::extract::ApiJson;
use crate::field_rules;
use crate::http::etag::{json_versioned, none_match, of_bytes, of_version, PRIVATE_NO_CACHE};
use crate::http::idempotency::{claim, http_response, keyed, respond_stored};
use crate::http::request_id::request_id;
use crate::spec::{Conflict, IdempotencyKey, IfMatch, IfNoneMatch, NotFound};
use crate::state::AppState;

/// A document download: its bytes, type, file name and an ETag over them.
pub(super) fn download(
    req: &HttpRequest,
    bytes: Vec<u8>,
    content_type: &'static str,
    filename: &str,
) -> HttpResponse {
    let etag = of_bytes(&bytes);
    if none_match(req, &etag) {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, PRIVATE_NO_CACHE))
            .finish();
    }
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, PRIVATE_NO_CACHE))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .content_type(content_type)
        .body(bytes)
}

/// An issued (or credited) invoice basis. ETag `"v<version>"` (send it as
/// If-Match to credit it).
#[utoipa::path(tag = "fees", operation_id = "get_invoice_basis", security(("bearerAuth" = ["CASE_HANDLER", "ADMIN", "CUSTODIAN", "APPLICANT"])),
    params(("id" = Uuid, Path, description = "The invoice basis's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The invoice basis", body = InvoiceBasisView,
            headers(("Cache-Control" = String))),
        (status = 404, response = NotFound),
    ))]
#[get("/invoice-bases/{id}")]
pub(super) async fn get_invoice_basis(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let reader = reader(&state, &principal).await?;
    let id = id.into_inner();
    let view = state
        .run(move |conn| {
            let stored = repo::find(conn, id)?;
            may_read(conn, &reader, &stored)?;
            Ok(stored_view(&stored, &party_name(conn, &stored.row.party)?))
        })
        .await?;
    let version = view.version.unwrap_or(1);
    json_versioned(&req, &view, version, PRIVATE_NO_CACHE)
}

/// The invoice basis as CSV for a finance system's import (UTF-8, `;`,
/// CRLF, a header row and a row per line; columns in docs/fees.md).
#[utoipa::path(tag = "fees", operation_id = "get_invoice_basis_csv", security(("bearerAuth" = ["CASE_HANDLER", "ADMIN", "CUSTODIAN", "APPLICANT"])),
    params(("id" = Uuid, Path, description = "The invoice basis's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The CSV", body = String, content_type = "text/csv",
            headers(("Content-Disposition" = String))),
        (status = 404, response = NotFound),
    ))]
#[get("/invoice-bases/{id}/csv")]
pub(super) async fn get_invoice_basis_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let reader = reader(&state, &principal).await?;
    let id = id.into_inner();
    let stored = state
        .run(move |conn| {
            let stored = repo::find(conn, id)?;
            may_read(conn, &reader, &stored)?;
            Ok(stored)
        })
        .await?;
    let text = csv::invoice_csv(&stored.basis);
    Ok(download(
        &req,
        text.into_bytes(),
        "text/csv; charset=utf-8",
        &format!("{}.csv", stored.row.number),
    ))
}

/// The invoice as EHF: a PEPPOL BIS Billing 3.0 invoice (UBL 2.1 XML), the
/// format Norwegian public bodies exchange invoices in. 409 when EHF cannot
/// carry it (a private person as payer has no PEPPOL address: use the CSV).
#[utoipa::path(tag = "fees", operation_id = "get_invoice_basis_ehf", security(("bearerAuth" = ["CASE_HANDLER", "ADMIN", "CUSTODIAN", "APPLICANT"])),
    params(("id" = Uuid, Path, description = "The invoice basis's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The UBL 2.1 Invoice", body = String, content_type = "application/xml",
            headers(("Content-Disposition" = String))),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[get("/invoice-bases/{id}/ehf")]
pub(super) async fn get_invoice_basis_ehf(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let reader = reader(&state, &principal).await?;
    let id = id.into_inner();
    let (stored, seller) = state
        .run(move |conn| {
            let stored = repo::find(conn, id)?;
            may_read(conn, &reader, &stored)?;
            let seller = repo::seller(conn, &stored.row.party)?;
            Ok((stored, seller))
        })
        .await?;
    let xml = ubl::invoice_xml(&stored.basis, &seller)
        .map_err(|e| ApiError::conflict(Text::new(e.nb(), e.to_string())))?;
    Ok(download(
        &req,
        xml.into_bytes(),
        "application/xml; charset=utf-8",
        &format!("{}.xml", stored.row.number),
    ))
}

/// Credit an issued invoice basis in full (a case handler any party's, a
/// custodian its own): a credit note (kreditnota) numbered in the party's
/// credit note series (`HDS-K-2026-000001`), dated today, that references
/// the invoice and mirrors its lines; the basis becomes CREDITED and
/// `no.helsedata.invoice.credited` goes on the change feed. A new basis may
/// then be issued for the case and party.
#[utoipa::path(tag = "fees", operation_id = "credit_invoice_basis", security(("bearerAuth" = ["CASE_HANDLER", "CUSTODIAN"])),
    params(
        ("id" = Uuid, Path, description = "The invoice basis's id"),
        IfMatch,
        IdempotencyKey,
    ),
    request_body = CreditRequest,
    responses(
        (status = 201, description = "The credit note", body = CreditNoteView,
            headers(("ETag" = String), ("Location" = String))),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/invoice-bases/{id}/credit")]
pub(super) async fn credit_invoice_basis(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<CreditRequest>,
) -> Result<HttpResponse, ApiError> {
    let viewer = issuer(&state, &principal).await?;
    let version = crate::http::etag::required_version(&req)?;
    let problems = field_rules::check(&body.0);
    let reason = body.0.reason;
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let id = id.into_inner();
    let keyed = keyed(&req, &principal.actor(), reason.as_bytes())?;
    let actor = principal.actor();
    let request_id = request_id(&req);
    let at = state.clock.now();
    let (stored, replayed) = state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                if let Some(stored) = claim(conn, keyed.as_ref())? {
                    return Ok((stored, true));
                }
                let ctx = Ctx {
                    actor: &actor,
                    at,
                    request_id: request_id.as_deref(),
                };
                let note = hds_persistence::fees::issuing::credit(
                    conn, id, version, &reason, viewer, &ctx,
                )?;
                let name = party_name(conn, &note.credited.row.party)?;
                let view: CreditNoteView = credit_note_view(&note, &name);
                let headers = vec![
                    ("Location", format!("/api/v1/credit-notes/{}", note.row.id)),
                    ("ETag", of_version(1)),
                ];
                Ok((
                    respond_stored(conn, keyed.as_ref(), 201, headers, &view)?,
                    false,
                ))
            })
        })
        .await?;
    Ok(http_response(stored, replayed))
}
