//! Submission (innsending): the check, the frozen snapshot, the case number
//! and the case, in one transaction.
//!
//! Every submit of a year takes its case number from the year's one counter
//! row, whose lock is held until the transaction commits: submits queue on
//! it. So the number is taken as late as it can be, after every check and
//! every write that does not contain it, in the statement that writes the
//! snapshot and the case carrying it; what follows (its event with its
//! notices, the feed event, the audit event, the stored response) is two
//! or three statements more (`hds_persistence::submission`).

use actix_web::{post, web, HttpRequest, HttpResponse};
use diesel::Connection;
use hds_domain::case::Case;
use hds_persistence::applications::{
    self as repo, Access, ApplicationRow, AttachmentMeta, CaseRow,
};
use hds_persistence::audit::NewAuditEvent;
use hds_persistence::feed::NewFeedEvent;
use hds_persistence::submission::{self, NewCase};
use hds_persistence::DbConn;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::common::{check_version, not_draft, owner_only};
use super::mapping::{stored_content, to_domain};
use super::validation::{check_with, field_error};
use super::views::CaseView;
use crate::access::applicant;
use crate::auth::Principal;
use crate::error::{ApiError, Text};
use crate::http::etag;
use crate::http::idempotency::{claim, http_response, keyed, respond_stored};
use crate::http::request_id::request_id;
use crate::spec::{Conflict, IfMatch, NotFound};
use crate::state::AppState;

/// The writes of a submission, inside the submit transaction after every
/// check passed, in three statements (`hds_persistence::submission`):
/// status and frozen files; case number, frozen snapshot and case; its
/// event (with its notices), the feed event and the audit event.
fn record_submission(
    conn: &mut DbConn,
    row: &ApplicationRow,
    attachments: &[AttachmentMeta],
    actor: &str,
    request_id: Option<&str>,
) -> Result<CaseRow, ApiError> {
    let id = row.id;
    let now = OffsetDateTime::now_utc();
    let received_on = hds_domain::calendar::oslo_date(now);
    let submitted = Case::submit(received_on);
    // the files as submitted, kept whatever later happens to the draft's
    submission::mark_submitted_and_freeze(conn, id, now)?;
    let snapshot = json!({
        "applicationId": id,
        "version": row.version,
        "content": row.content,
        "attachments": attachments.iter().map(|a| json!({
            "id": a.id, "kind": a.kind, "title": a.title, "filename": a.filename,
            "contentType": a.content_type, "sizeBytes": a.size_bytes, "sha256": a.sha256,
        })).collect::<Vec<_>>(),
    });
    let status = submitted.case.state.as_str();
    // from here to the commit, other submits of the year wait (see above)
    let case = submission::open_case(
        conn,
        &NewCase {
            application_id: id,
            snapshot: &snapshot,
            submitted_by: actor,
            status,
            received_at: now,
            received_on,
        },
    )?;
    let case_number = &case.case_number;
    let sources: Vec<String> = to_domain(&stored_content(row)?)
        .data_sources
        .into_iter()
        .map(|s| s.code)
        .collect();
    let event = |kind: &'static str| repo::NewCaseEvent {
        case_id: case.id,
        kind,
        occurred_at: now,
        actor,
        visible_to_applicant: true,
        status_before: None,
        status_after: Some(status),
        data: json!({"caseNumber": case_number, "receivedOn": received_on.to_string()}),
        request_id,
    };
    // the last event goes with the feed and audit events (one statement)
    let Some((last, earlier)) = submitted.events.split_last() else {
        return Err(ApiError::internal("a submission records its case event"));
    };
    for earlier in earlier {
        repo::record_case_event(conn, &event(earlier.kind().as_str()))?;
    }
    submission::record_with_feed_and_audit(
        conn,
        &event(last.kind().as_str()),
        &NewFeedEvent {
            event_type: "no.helsedata.case.received",
            source: &format!("/api/v1/cases/{}", case.id),
            subject: Some(case_number),
            data: json!({
                "caseId": case.id,
                "caseNumber": case_number,
                "applicationId": id,
                "status": status,
                "receivedAt": now
                    .format(&time::format_description::well_known::Rfc3339)
                    .map_err(|e| ApiError::internal(e.to_string()))?,
                "dataSources": sources,
            }),
            custodian_id: None,
            case_id: Some(case.id),
        },
        &NewAuditEvent {
            actor,
            action: "APPLICATION_SUBMITTED",
            entity_type: "application",
            entity_id: &id.to_string(),
            before_state: None,
            after_state: Some(json!({"caseId": case.id, "caseNumber": case_number})),
            request_id,
        },
    )?;
    Ok(case)
}

/// Submit the application (sende inn): one transaction checks it (422 with
/// every problem), freezes the submitted version with its files, assigns the case number
/// and records the received instant and event. Owner only. Needs `If-Match`
/// and `Idempotency-Key`: a retry with the same key returns the same case.
#[utoipa::path(tag = "applications", operation_id = "submit_application", security(("bearerAuth" = ["APPLICANT"])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        IfMatch,
        ("Idempotency-Key" = String, Header, description = "A new unique key per submission attempt (e.g. a UUID); retries reuse it"),
    ),
    responses(
        (status = 201, description = "The case; `Location` is the case", body = CaseView),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/applications/{id}/submit")]
pub(super) async fn submit_application(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let version = etag::required_version(&req)?;
    let keyed = keyed(&req, &pid, b"")?.ok_or_else(|| {
        ApiError::bad_parameter(
            "/header/Idempotency-Key",
            "REQUIRED",
            Text::new("innsending krever et Idempotency-Key-hode (en ny UUID per forsøk; bruk den samme ved nye forsøk)", "submitting needs an Idempotency-Key header (a new UUID per attempt; reuse it on retries)"),
        )
    })?;
    let id = id.into_inner();
    let actor = principal.actor();
    let request_id = request_id(&req);
    let (stored, replayed) = state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                if let Some(stored) = claim(conn, Some(&keyed))? {
                    return Ok((stored, true));
                }
                let (row, access) = repo::lock_accessible(conn, id, &pid)?;
                if access != Access::Owner {
                    return Err(owner_only(("sende den inn", "submit it")));
                }
                if row.status != repo::DRAFT {
                    return Err(not_draft());
                }
                check_version(Some(version), row.version)?;
                let attachments = repo::list_attachments(conn, id)?;
                let problems = check_with(conn, &row, &attachments)?;
                if !problems.is_empty() {
                    return Err(ApiError::validation(
                        problems.iter().map(field_error).collect(),
                    ));
                }
                let case =
                    record_submission(conn, &row, &attachments, &actor, request_id.as_deref())?;
                let headers = vec![
                    ("Location", format!("/api/v1/applications/{id}/case")),
                    ("ETag", etag::of_version(case.version)),
                ];
                Ok((
                    respond_stored(conn, Some(&keyed), 201, headers, &CaseView::from_row(&case))?,
                    false,
                ))
            })
        })
        .await?;
    Ok(http_response(stored, replayed))
}
