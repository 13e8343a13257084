//! Withdrawal (trekke søknaden) before a decision.

use actix_web::{post, web, HttpRequest, HttpResponse};
use diesel::Connection;
use hds_persistence::applications::{self as repo, Access};
use hds_persistence::feed::{self, NewFeedEvent};
use serde_json::json;
use uuid::Uuid;

use super::common::owner_only;
use super::views::CaseView;
use crate::access::applicant;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::http::request_id::request_id;
use crate::spec::{Conflict, IfMatch, NotFound};
use crate::state::AppState;

/// Withdraw the application (trekke søknaden) before a decision. Owner only;
/// `If-Match` with the case's ETag.
#[utoipa::path(tag = "applications", operation_id = "withdraw_application", security(("bearerAuth" = ["APPLICANT"])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        IfMatch,
    ),
    responses(
        (status = 200, description = "The withdrawn case", body = CaseView),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/applications/{id}/withdraw")]
pub(super) async fn withdraw_application(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let version = etag::required_version(&req)?;
    let id = id.into_inner();
    let actor = principal.actor();
    let request_id = request_id(&req);
    let now = state.clock.now();
    let case = state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                let (_, access) = repo::find_accessible(conn, id, &pid)?;
                let case = repo::lock_case_of(conn, id)?;
                if access != Access::Owner {
                    return Err(owner_only(("trekke den", "withdraw it")));
                }
                // The case-handling repository: the state machine decides,
                // withdrawn_on is recorded, and the event and audit are
                // written in this transaction; a database trigger cancels
                // the open custodian tasks in it.
                let ctx = hds_persistence::cases::Ctx {
                    actor: &actor,
                    at: now,
                    request_id: request_id.as_deref(),
                };
                hds_persistence::cases::withdraw(conn, case.id, version, &ctx)?;
                let updated = repo::case_of(conn, id)?;
                feed::append(
                    conn,
                    &NewFeedEvent {
                        event_type: "no.helsedata.case.withdrawn",
                        source: &format!("/api/v1/cases/{}", case.id),
                        subject: Some(&case.case_number),
                        data: json!({
                            "caseId": case.id,
                            "caseNumber": case.case_number,
                            "applicationId": id,
                            "status": updated.status,
                        }),
                        custodian_id: None,
                        case_id: Some(case.id),
                    },
                )?;
                Ok(updated)
            })
        })
        .await?;
    let view = CaseView::from_row(&case);
    etag::json_versioned(&req, &view, view.version, PRIVATE_NO_CACHE)
}
