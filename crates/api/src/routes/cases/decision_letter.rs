//! The decision letter (vedtaksbrev), for HDS.

use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_persistence::cases as repo;
use uuid::Uuid;

use crate::access::case_handler;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::http::download::BinaryFile;
use crate::letter::{language, pdf_response, LetterQuery};
use crate::spec::{IfNoneMatch, NotFound};
use crate::state::AppState;

/// The decision letter (vedtaksbrev) as a PDF: case number, parties, each
/// source's outcome and legal basis, conditions, access period, deletion
/// or return date, exemption from confidentiality, the right to appeal
/// within 3 weeks and to whom. Bokmål; English with `lang=en` or
/// `Accept-Language: en`.
#[utoipa::path(tag = "cases", operation_id = "download_case_decision_letter", security(("bearerAuth" = ["CASE_HANDLER"])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        LetterQuery,
        ("Accept-Language" = Option<String>, Header, description = "`en` for English (bokmål otherwise), unless `lang` is given"),
        IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The letter; `Content-Language` says which", content_type = "application/pdf", body = BinaryFile),
        (status = 404, response = NotFound),
    ))]
#[get("/cases/{id}/decision-letter")]
pub(super) async fn download_case_decision_letter(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    query: ApiQuery<LetterQuery>,
) -> Result<HttpResponse, ApiError> {
    case_handler(&principal)?;
    let lang = language(&req, &query.0);
    let id = id.into_inner();
    let facts = state
        .run(move |conn| Ok(repo::letter_facts(conn, id)?))
        .await?;
    pdf_response(&req, facts, lang)
}
