//! The custodian's decision (vedtak) on a DECISION task, under the same
//! rules as HDS's decisions.

use actix_web::{post, web, HttpRequest, HttpResponse};
use hds_domain::case::{DecisionOutcome, SourceDecisionDetails};
use hds_persistence::cases::{Ctx, NewSourceDecision};
use hds_persistence::tasks as repo;
use uuid::Uuid;

use super::actions::custodian_action;
use super::mapping::task_view;
use super::requests::TaskDecisionRequest;
use super::views::TaskDetailView;
use crate::auth::Principal;
use crate::error::{check_free_text, ApiError, FieldError, Text};
use crate::extract::ApiJson;
use crate::field_rules;
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::http::request_id::request_id;
use crate::routes::common::{read_terms, TermsInput};
use crate::spec::{Conflict, IfMatch, NotFound};
use crate::state::{case_rules, AppState};

/// Record the custodian's decision (vedtak) on a DECISION task (→ DECIDED),
/// through the same decision rules as HDS: per source GRANTED,
/// PARTLY_GRANTED (say which variables, period or tables) or REFUSED, with
/// legal basis, conditions and text, and the terms of a complete decision
/// (access period, delete or return by when, per table). When it is the case's last undecided source,
/// the case is decided and granted sources get data preparation tasks.
#[utoipa::path(tag = "tasks", operation_id = "record_task_decision", security(("bearerAuth" = ["CUSTODIAN"])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        IfMatch,
    ),
    request_body = TaskDecisionRequest,
    responses(
        (status = 200, description = "The task, DECIDED, with the decision", body = TaskDetailView),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/tasks/{id}/decision")]
pub(super) async fn record_task_decision(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<TaskDecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let mut problems = field_rules::check(&b);
    if b.legal_basis.iter().all(|x| x.trim().is_empty()) {
        problems.push(FieldError::new(
            "/legalBasis",
            "REQUIRED",
            Text::new(
                "oppgi minst én hjemmel",
                "name at least one legal basis (hjemmel)",
            ),
        ));
    }
    for (j, c) in b.conditions.iter().enumerate() {
        check_free_text(c, &format!("/conditions/{j}"), 2_000, &mut problems);
    }
    let terms = read_terms(
        &TermsInput {
            access_from: b.access_from.as_deref(),
            access_to: b.access_to.as_deref(),
            disposal: b.disposal,
            dispose_by: b.dispose_by.as_deref(),
            exemption: b.confidentiality_exemption.as_ref(),
            tables: &b.tables,
        },
        "",
        &mut problems,
    );
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let decision = SourceDecisionDetails {
        // the task's own source; filled in by the repository
        data_source: String::new(),
        outcome: DecisionOutcome::from(b.outcome),
        legal_basis: b
            .legal_basis
            .into_iter()
            .map(|x| x.trim().to_owned())
            .filter(|x| !x.is_empty())
            .collect(),
        conditions: b.conditions,
        text: b.text,
        granted_variables: b.granted_variables,
        granted_period_from: b.granted_period_from,
        granted_period_to: b.granted_period_to,
    };
    let decision = NewSourceDecision { decision, terms };
    let (acting, version) = custodian_action(&req, &state, &principal).await?;
    let custodian = acting.id;
    let id = id.into_inner();
    let actor = acting.actor;
    let request_id = request_id(&req);
    let at = state.clock.now();
    let config = state.config.clone();
    let view = state
        .run(move |conn| {
            let rules = case_rules(&config, conn)?;
            let ctx = Ctx {
                actor: &actor,
                at,
                request_id: request_id.as_deref(),
            };
            repo::decide(conn, custodian, id, version, &ctx, &rules, decision)?;
            task_view(conn, custodian, id)
        })
        .await?;
    let version = view.summary.version;
    etag::json_versioned_composite(&req, &view, version, PRIVATE_NO_CACHE)
}
