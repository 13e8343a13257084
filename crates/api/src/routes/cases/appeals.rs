//! Appeals (klage): the applicant appeals, HDS reconsiders (klagebehandling).

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_persistence::cases::{self as repo, NewReconsideration};
use uuid::Uuid;

use super::commands::{applicant_command, handler_command, v};
use super::requests::{decisions_input, AppealRequest, ReconsiderRequest, ReconsiderationResult};
use super::views::{ApplicantCaseView, CaseDetail};
use crate::auth::Principal;
use crate::error::{ApiError, FieldError, Text};
use crate::extract::ApiJson;
use crate::field_rules;
use crate::spec::{Conflict, IfMatch, NotFound};
use crate::state::AppState;

/// Appeal (klage) a refusal, a partial grant or a rejection for no reply,
/// by the appeal deadline (3 weeks; a late appeal is refused with the
/// deadline in the problem's detail). Owner only; `If-Match`.
#[utoipa::path(tag = "applications", operation_id = "appeal_case", security(("bearerAuth" = ["APPLICANT"])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        IfMatch,
    ),
    request_body = AppealRequest,
    responses(
        (status = 200, description = "The case, APPEALED", body = ApplicantCaseView),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/applications/{id}/case/appeal")]
pub(super) async fn appeal_case(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<AppealRequest>,
) -> Result<HttpResponse, ApiError> {
    let problems = field_rules::check(&body.0);
    let grounds = body.0.grounds;
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
#[utoipa::path(tag = "cases", operation_id = "reconsider_appeal", security(("bearerAuth" = ["CASE_HANDLER"])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        IfMatch,
    ),
    request_body = ReconsiderRequest,
    responses(
        (status = 200, description = "The case", body = CaseDetail),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
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
    let mut problems = field_rules::check(&body);
    let result = match body.result {
        ReconsiderationResult::Reversed => {
            if let Some(d) = body.decisions {
                NewReconsideration::Reversed(decisions_input(d, "/decisions", &mut problems))
            } else {
                problems.push(FieldError::new(
                    "/decisions",
                    "REQUIRED",
                    Text::new(
                        "en omgjøring oppgir de nye vedtakene",
                        "a reversal gives the new decisions",
                    ),
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
                Text::new(
                    "vedtak hører bare til et REVERSED-resultat",
                    "decisions belong to a REVERSED result",
                ),
            ));
            NewReconsideration::Upheld
        }
        ReconsiderationResult::RejectionLifted => NewReconsideration::RejectionLifted,
        ReconsiderationResult::Upheld => NewReconsideration::Upheld,
    };
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
