//! A case's invoice bases per invoicing party (HDS staff all, a custodian
//! its own): drafts computed live from the hours and prices, and issuing
//! one (numbered, locked, on the change feed).

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use diesel::Connection;
use hds_persistence::cases::Ctx;
use hds_persistence::fees::invoices as repo;

use super::common::{case_viewer, if_match, issuer, party_name};
use super::documents::{party_view, stored_view};
use super::views::{CaseInvoicesView, InvoiceBasisView, PartyInvoicesView};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::etag::{json_with_etag, of_bytes, of_version, PRIVATE_NO_CACHE};
use crate::http::idempotency::{claim, http_response, keyed, respond_stored};
use crate::http::request_id::request_id;
use crate::spec::{Conflict, IdempotencyKey, IfMatch, IfNoneMatch, NotFound};
use crate::state::AppState;

/// Path of a case and an invoicing party.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CasePartyPath {
    /// The case's id.
    pub id: uuid::Uuid,
    /// HDS or the invoicing party's code.
    #[param(example = "HDS")]
    pub party: String,
}

/// The case's invoice bases (fakturagrunnlag) per invoicing party: HDS
/// first, then the parties of its sources. Each has the basis in force (the
/// issued one, or a DRAFT computed now from the hours and prices) or the
/// reasons a draft cannot be made, and its credited bases. HDS staff see
/// every party; a custodian its own (404 for a case with none of them).
#[utoipa::path(tag = "fees", operation_id = "list_case_invoice_bases", security(("bearerAuth" = ["CASE_HANDLER", "ADMIN", "CUSTODIAN"])),
    params(("id" = uuid::Uuid, Path, description = "The case's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The bases per party", body = CaseInvoicesView,
            headers(("Cache-Control" = String))),
        (status = 404, response = NotFound),
    ))]
#[get("/cases/{id}/invoice-bases")]
pub(super) async fn list_case_invoice_bases(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let viewer = case_viewer(&state, &principal).await?;
    let id = id.into_inner();
    let bases = state
        .run(move |conn| Ok(repo::case_bases(conn, id, viewer)?))
        .await?;
    let view = CaseInvoicesView {
        items: bases.iter().map(|b| party_view(b, id)).collect(),
    };
    json_with_etag(&req, &view, PRIVATE_NO_CACHE)
}

/// One invoicing party's bases on the case. The ETag covers the draft as
/// computed now: send it as If-Match to issue exactly what was read.
#[utoipa::path(tag = "fees", operation_id = "get_case_invoice_basis", security(("bearerAuth" = ["CASE_HANDLER", "ADMIN", "CUSTODIAN"])),
    params(CasePartyPath, IfNoneMatch),
    responses(
        (status = 200, description = "The party's bases", body = PartyInvoicesView,
            headers(("Cache-Control" = String))),
        (status = 404, response = NotFound),
    ))]
#[get("/cases/{id}/invoice-bases/{party}")]
pub(super) async fn get_case_invoice_basis(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<CasePartyPath>,
) -> Result<HttpResponse, ApiError> {
    let viewer = case_viewer(&state, &principal).await?;
    let CasePartyPath { id, party } = path.into_inner();
    let view = state
        .run(move |conn| {
            let (_, bases) = repo::read_party(conn, id, &party, viewer)?;
            Ok(party_view(&bases, id))
        })
        .await?;
    json_with_etag(&req, &view, PRIVATE_NO_CACHE)
}

/// Issue the party's draft (a case handler any party's, a custodian its
/// own): numbered gapless per party and year (`HDS-2026-000001`), dated
/// today, due after the party's payment terms, stored with its lines and
/// locked for good; `no.helsedata.invoice.issued` goes on the change feed
/// for the party's custodian. If-Match is the ETag of the party's bases as
/// read (412 when the hours, prices or facts changed since). 409 when one is
/// issued already (credit it first), when there is nothing to pay (a fully
/// exempt case), or when no draft can be made (the reasons in `errors`).
#[utoipa::path(tag = "fees", operation_id = "issue_invoice_basis", security(("bearerAuth" = ["CASE_HANDLER", "CUSTODIAN"])),
    params(
        CasePartyPath,
        IfMatch,
        IdempotencyKey,
    ),
    responses(
        (status = 201, description = "The issued basis", body = InvoiceBasisView,
            headers(("ETag" = String), ("Location" = String))),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/cases/{id}/invoice-bases/{party}/issue")]
pub(super) async fn issue_invoice_basis(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<CasePartyPath>,
) -> Result<HttpResponse, ApiError> {
    let viewer = issuer(&state, &principal).await?;
    let expected = if_match(&req)?;
    let CasePartyPath { id, party } = path.into_inner();
    let keyed = keyed(&req, &principal.actor(), b"")?;
    let actor = principal.actor();
    let request_id = request_id(&req);
    let at = state.clock.now();
    let (stored, replayed) = state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                if let Some(stored) = claim(conn, keyed.as_ref())? {
                    return Ok((stored, true));
                }
                let (fees, bases) = repo::lock_party(conn, id, &party, viewer)?;
                let read = serde_json::to_vec(&party_view(&bases, id))
                    .map_err(|e| ApiError::internal(e.to_string()))?;
                if of_bytes(&read) != expected {
                    return Err(ApiError::precondition_failed());
                }
                let ctx = Ctx {
                    actor: &actor,
                    at,
                    request_id: request_id.as_deref(),
                };
                let issued = hds_persistence::fees::issuing::issue(conn, &fees, &bases, &ctx)?;
                let view: InvoiceBasisView = stored_view(&issued, &party_name(conn, &party)?);
                let headers = vec![
                    (
                        "Location",
                        format!("/api/v1/invoice-bases/{}", issued.row.id),
                    ),
                    ("ETag", of_version(issued.row.version)),
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
