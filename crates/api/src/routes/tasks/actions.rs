//! How an action on a task runs: the custodian acting, the version read
//! (`If-Match`), the repository's action, and the task with its new ETag;
//! and how a refused action reads as a problem.

use actix_web::{web, HttpRequest, HttpResponse};
use hds_persistence::cases::{CaseError, Ctx};
use hds_persistence::task_delivery::{self, DeliveryAction};
use hds_persistence::tasks::{self as repo, TaskCommand, TaskError};
use uuid::Uuid;

use super::mapping::task_view;
use crate::access::{acting_custodian, ActingCustodian};
use crate::auth::Principal;
use crate::error::{ApiError, FieldError, Text};
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::http::request_id::request_id;
use crate::state::{case_rules, AppState};

impl From<TaskError> for ApiError {
    fn from(e: TaskError) -> Self {
        match e {
            TaskError::Store(e) => e.into(),
            TaskError::Refused(r) => ApiError::conflict(Text::new(r.nb(), r.to_string())),
            // the decision rules speak of "/decisions/0/..."; here the body is one decision
            TaskError::Case(CaseError::Invalid(problems)) => ApiError::validation(
                problems
                    .into_iter()
                    .map(|p| {
                        let pointer = p
                            .pointer
                            .strip_prefix("/decisions/0")
                            .unwrap_or(&p.pointer)
                            .to_owned();
                        FieldError::from_domain(
                            if pointer.is_empty() {
                                "/".into()
                            } else {
                                pointer
                            },
                            p.code,
                            p.message,
                        )
                    })
                    .collect(),
            ),
            TaskError::Case(e) => e.into(),
        }
    }
}

/// The custodian acting on a task (and who acts: its system or one of its
/// staff) and the version read.
pub(super) async fn custodian_action(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    principal: &Principal,
) -> Result<(ActingCustodian, i32), ApiError> {
    let acting = acting_custodian(state, principal).await?;
    let version = etag::required_version(req)?;
    Ok((acting, version))
}

/// Runs one action, then answers with the task and its new ETag.
pub(super) async fn run_action(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    principal: &Principal,
    id: Uuid,
    command: TaskCommand,
) -> Result<HttpResponse, ApiError> {
    let (acting, version) = custodian_action(req, state, principal).await?;
    let custodian = acting.id;
    let actor = acting.actor;
    let request_id = request_id(req);
    let at = state.clock.now();
    let view = state
        .run(move |conn| {
            let ctx = Ctx {
                actor: &actor,
                at,
                request_id: request_id.as_deref(),
            };
            repo::act(conn, custodian, id, version, &ctx, &command)?;
            task_view(conn, custodian, id)
        })
        .await?;
    let version = view.summary.version;
    etag::json_versioned_composite(req, &view, version, PRIVATE_NO_CACHE)
}

/// Runs one delivery action (delivery, cannot deliver, postponement, agreed
/// date) on the task and its case, then answers with the task and its new ETag.
pub(super) async fn run_delivery_action(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    principal: &Principal,
    id: Uuid,
    action: DeliveryAction,
) -> Result<HttpResponse, ApiError> {
    let (acting, version) = custodian_action(req, state, principal).await?;
    let custodian = acting.id;
    let actor = acting.actor;
    let request_id = request_id(req);
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
            task_delivery::act(conn, custodian, id, version, &ctx, &rules, action)?;
            task_view(conn, custodian, id)
        })
        .await?;
    let version = view.summary.version;
    etag::json_versioned_composite(req, &view, version, PRIVATE_NO_CACHE)
}
