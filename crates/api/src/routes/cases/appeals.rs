//! Appeals (klage): the applicant appeals, HDS reconsiders (klagebehandling).

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::cases::{self as repo, NewReconsideration};
use uuid::Uuid;

use super::commands::{applicant_command, handler_command, v};
use super::requests::{decisions_input, AppealRequest, ReconsiderRequest, ReconsiderationResult};
use super::views::{ApplicantCaseView, CaseDetail};
use crate::auth::Principal;
use crate::error::{check_free_text, ApiError, FieldError, Problem};
use crate::extract::ApiJson;
use crate::state::AppState;

/// Appeal (klage) a refusal, a partial grant or a rejection for no reply,
/// by the appeal deadline (3 weeks; a late appeal is refused with the
/// deadline in the problem's detail). Owner only; `If-Match`.
#[utoipa::path(tag = "applications", operation_id = "appeal_case", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        ("If-Match" = String, Header, description = "The case's ETag last read"),
    ),
    request_body = AppealRequest,
    responses(
        (status = 200, description = "The case, APPEALED", body = ApplicantCaseView),
        (status = 403, description = "A co-applicant cannot appeal", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application or case for the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing to appeal, or too late (with the deadline)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The case changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty grounds", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/applications/{id}/case/appeal")]
pub(super) async fn appeal_case(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<AppealRequest>,
) -> Result<HttpResponse, ApiError> {
    let grounds = body.0.grounds;
    let mut problems = Vec::new();
    check_free_text(&grounds, "/grounds", 20_000, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let id = id.into_inner();
    applicant_command(
        &req,
        &state,
        &principal,
        id,
        move |conn, case_id, version, ctx, _| {
            Ok(repo::appeal(conn, case_id, version, ctx, grounds.trim())?)
        },
    )
    .await
}

/// Reconsider an appeal (klagebehandling): REVERSED with new decisions,
/// REJECTION_LIFTED (handling resumes), or UPHELD (forwarded to Helseklage today).
#[utoipa::path(tag = "cases", operation_id = "reconsider_appeal", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        ("If-Match" = String, Header, description = "The case's ETag last read"),
    ),
    request_body = ReconsiderRequest,
    responses(
        (status = 200, description = "The case", body = CaseDetail),
        (status = 403, description = "Not a case handler", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed now (the state machine's reason)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The case changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Decisions missing or wrong for REVERSED", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/cases/{id}/appeal/reconsideration")]
pub(super) async fn reconsider_appeal(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<ReconsiderRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let mut problems = Vec::new();
    let result = match body.result {
        ReconsiderationResult::Reversed => {
            if let Some(d) = body.decisions {
                NewReconsideration::Reversed(decisions_input(d, "/decisions", &mut problems))
            } else {
                problems.push(FieldError::new(
                    "/decisions",
                    "REQUIRED",
                    "a reversal gives the new decisions",
                ));
                NewReconsideration::Reversed(Vec::new())
            }
        }
        ReconsiderationResult::RejectionLifted | ReconsiderationResult::Upheld
            if body.decisions.is_some() =>
        {
            problems.push(FieldError::new(
                "/decisions",
                "ONLY_FOR_REVERSED",
                "decisions belong to a REVERSED result",
            ));
            NewReconsideration::Upheld
        }
        ReconsiderationResult::RejectionLifted => NewReconsideration::RejectionLifted,
        ReconsiderationResult::Upheld => NewReconsideration::Upheld,
    };
    if let Some(r) = &body.reason {
        check_free_text(r, "/reason", 5_000, &mut problems);
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let reason = body.reason.map(|r| r.trim().to_owned());
    let id = id.into_inner();
    handler_command(
        &req,
        &state,
        &principal,
        true,
        move |conn, version, ctx, rules| {
            Ok(repo::reconsider(
                conn,
                id,
                v(version)?,
                ctx,
                rules,
                &result,
                reason.as_deref(),
            )?)
        },
    )
    .await
}
