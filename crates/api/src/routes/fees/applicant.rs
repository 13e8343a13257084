//! The applicant's invoices: the issued (and credited) invoice bases of
//! their own application's case. Drafts are HDS's and the custodians'
//! working figures and are not shown; before issuing, the applicant has the
//! cost estimate.

use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_persistence::applications::{self as applications_repo, DRAFT};
use hds_persistence::fees::invoices as repo;
use uuid::Uuid;

use super::common::party_name;
use super::documents::stored_view;
use super::views::InvoiceBasesView;
use crate::access::applicant;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::etag::{json_with_etag, PRIVATE_NO_CACHE};
use crate::spec::{IfNoneMatch, NotFound};
use crate::state::AppState;

/// The issued invoice bases of the caller's application (one per invoicing
/// party, and earlier ones credited), oldest first; none while it is a
/// draft. Each is also at `/invoice-bases/{id}` (with `/csv` and `/ehf`).
#[utoipa::path(tag = "fees", operation_id = "list_application_invoice_bases", security(("bearerAuth" = ["APPLICANT"])),
    params(("id" = Uuid, Path, description = "The application's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The issued bases", body = InvoiceBasesView,
            headers(("Cache-Control" = String))),
        (status = 404, response = NotFound),
    ))]
#[get("/applications/{id}/invoice-bases")]
pub(super) async fn list_application_invoice_bases(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let id = id.into_inner();
    let view = state
        .run(move |conn| {
            let (row, _) = applications_repo::find_accessible(conn, id, &pid)?;
            if row.status == DRAFT {
                return Ok(InvoiceBasesView { items: Vec::new() });
            }
            let case = applications_repo::case_of(conn, id)?;
            let mut items = Vec::new();
            for stored in repo::stored_for_case(conn, case.id)? {
                let name = party_name(conn, &stored.row.party)?;
                items.push(stored_view(&stored, &name));
            }
            Ok(InvoiceBasesView { items })
        })
        .await?;
    json_with_etag(&req, &view, PRIVATE_NO_CACHE)
}
