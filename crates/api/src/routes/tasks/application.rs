//! What a custodian reads beyond its task: the whole submitted application
//! with its attachments when it decides (DECISION task), and the decision
//! letter (vedtaksbrev) of the case once decided. A preparing custodian
//! reads only its source's part, in the task itself: the application and
//! its attachments are a 404 for a `DATA_PREPARATION` task.

use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_persistence::cases as case_repo;
use hds_persistence::task_context;
use hds_persistence::tasks as repo;
use uuid::Uuid;

use super::views::TaskApplicationView;
use crate::access::acting_custodian;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::http::download::BinaryFile;
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::letter::{language, pdf_response, LetterQuery};
use crate::routes::common::SubmittedAttachmentView;
use crate::spec::{IfNoneMatch, NotFound};
use crate::state::AppState;

/// The whole submitted application with its attachments, for the custodian
/// that decides a source of it (a DECISION task): purpose, legal basis,
/// REK approval, linkage plan, tables, everything it must judge.
#[utoipa::path(tag = "tasks", operation_id = "read_task_application", security(("bearerAuth" = ["CUSTODIAN"])),
    params(("id" = Uuid, Path, description = "The DECISION task's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The submitted application", body = TaskApplicationView),
        (status = 404, response = NotFound),
    ))]
#[get("/tasks/{id}/application")]
pub(super) async fn read_task_application(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let custodian = acting_custodian(&state, &principal).await?.id;
    let id = id.into_inner();
    let (rec, snapshot, attachments) = state
        .run(move |conn| Ok(task_context::deciding_application(conn, custodian, id)?))
        .await?;
    let prefix = format!("/api/v1/tasks/{id}/attachments");
    let view = TaskApplicationView {
        case_id: rec.id,
        case_number: rec.case_number,
        application: snapshot
            .get("content")
            .cloned()
            .unwrap_or(serde_json::Value::Null),
        attachments: attachments
            .iter()
            .map(|a| SubmittedAttachmentView::of(a, &prefix))
            .collect(),
    };
    etag::json_with_etag(&req, &view, PRIVATE_NO_CACHE)
}

/// The decision letter (vedtaksbrev) of the task's case as a PDF, for the
/// custodians concerned: case number, parties, each source's outcome and
/// legal basis, conditions, access period, deletion date and the right to
/// appeal. Bokmål; English with `lang=en` or `Accept-Language: en`.
#[utoipa::path(tag = "tasks", operation_id = "download_task_decision_letter", security(("bearerAuth" = ["CUSTODIAN"])),
    params(
        ("id" = Uuid, Path, description = "The task's id"),
        LetterQuery,
        ("Accept-Language" = Option<String>, Header, description = "`en` for English (bokmål otherwise), unless `lang` is given"),
        IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The letter; `Content-Language` says which", content_type = "application/pdf", body = BinaryFile),
        (status = 404, response = NotFound),
    ))]
#[get("/tasks/{id}/decision-letter")]
pub(super) async fn download_task_decision_letter(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    query: ApiQuery<LetterQuery>,
) -> Result<HttpResponse, ApiError> {
    let custodian = acting_custodian(&state, &principal).await?.id;
    let lang = language(&req, &query.0);
    let id = id.into_inner();
    let facts = state
        .run(move |conn| {
            let task = repo::find(conn, custodian, id)?;
            Ok(case_repo::letter_facts(conn, task.case_id)?)
        })
        .await?;
    pdf_response(&req, facts, lang)
}
