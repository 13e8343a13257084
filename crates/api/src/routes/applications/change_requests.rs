//! Change requests (endringssøknad) on a submitted or decided application,
//! and the versions of an application. Rules: `hds_domain::change_request`;
//! storage: `hds_persistence::change_requests`; docs/applications.md.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use diesel::Connection;
use hds_domain::application as rules;
use hds_domain::case::{Case, CaseState};
use hds_domain::change_request::{self as change, Change};
use hds_domain::identity::NationalId;
use hds_persistence::applications::{self as repo, Access, ApplicationRow};
use hds_persistence::change_requests::{self as store, kinds, NewChangeRequest as NewRecord};
use hds_persistence::feed::{self, NewFeedEvent};
use hds_persistence::DbConn;
use serde_json::{json, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use super::change_request_members::MemberChanges;
use super::change_request_views::{
    standings, ApplicationVersions, ChangeRequestLinks, ChangeRequestView, NewChangeRequest,
};
use super::common::{audit, check_version, owner_only};
use super::content::{ApplicationContent, ApplicationPatch};
use super::mapping::{content_json, named_sources, to_domain};
use super::validation::{run_check, saving_problems};
use crate::access::applicant;
use crate::auth::Principal;
use crate::error::{ApiError, FieldError, Text};
use crate::extract::ApiJson;
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::http::idempotency::{claim, http_response, keyed, respond_stored};
use crate::http::request_id::request_id;
use crate::spec::{Conflict, IfMatch, IfNoneMatch, NotFound};
use crate::state::AppState;

const MAX_DESCRIPTION: usize = 20_000;

fn at_content(mut e: FieldError) -> FieldError {
    e.pointer = format!("/content{}", e.pointer);
    e
}

fn description_problems(description: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let n = description.trim().chars().count();
    if n == 0 || n > MAX_DESCRIPTION {
        errors.push(FieldError::new(
            "/description",
            if n == 0 { "REQUIRED" } else { "TOO_LONG" },
            Text::new(
                "beskriv endringen og hvorfor den trengs (1 til 20 000 tegn)",
                "describe the change and why it is needed (1 to 20,000 characters)",
            ),
        ));
    }
    if let Some(p) = rules::scan_text("/description", description) {
        errors.push(FieldError::new(
            p.pointer,
            p.code,
            Text::new(p.message_nb, p.message_en),
        ));
    }
    errors
}

fn domain_problem(p: &rules::Problem) -> FieldError {
    FieldError::new(
        p.pointer.clone(),
        p.code,
        Text::new(p.message_nb.clone(), p.message_en.clone()),
    )
}

fn changes_json(changes: &[Change]) -> Value {
    Value::Array(
        changes
            .iter()
            .map(|c| json!({"pointer": c.pointer, "old": c.old, "new": c.new}))
            .collect(),
    )
}

/// The original application's row, locked, with the refusals of a change
/// request that do not depend on its content: owner only, not a draft, not
/// itself a change request, the version read, a case that may be changed.
fn lock_original(
    conn: &mut DbConn,
    id: Uuid,
    pid: &str,
    version: i32,
) -> Result<(ApplicationRow, hds_persistence::cases::CaseRecord), ApiError> {
    let (row, access) = repo::lock_accessible(conn, id, pid)?;
    if access != Access::Owner {
        return Err(owner_only(("be om en endring", "request a change")));
    }
    if row.status == repo::DRAFT {
        return Err(ApiError::conflict(Text::new(
            "søknaden er et utkast: endre den direkte med PATCH /api/v1/applications/{id}",
            "the application is a draft: change it directly with PATCH /api/v1/applications/{id}",
        )));
    }
    if let Some(cr) = store::of_application(conn, id)? {
        return Err(ApiError::conflict(Text::new(
            format!("dette er en endringssøknad; be om endringer på den opprinnelige søknaden ({}, POST /api/v1/applications/{}/change-requests)", cr.original_case_number, cr.original_application_id),
            format!("this is a change request; ask for changes on the original application ({}, POST /api/v1/applications/{}/change-requests)", cr.original_case_number, cr.original_application_id),
        )));
    }
    check_version(Some(version), row.version)?;
    let case = repo::lock_case_of(conn, id)?;
    let case = hds_persistence::cases::find(conn, case.id)?;
    let state: CaseState = case
        .status
        .parse()
        .map_err(|_| ApiError::internal("unknown case status"))?;
    change::may_request_change(state, case.decided_on.is_some())
        .map_err(|(nb, en)| ApiError::conflict(Text::new(nb, en)))?;
    Ok((row, case))
}

/// The proposal: the base version with the request's sections applied,
/// and its changes, refused (422, pointers into the body) when it changes
/// nothing, changes what needs a new application, or is wrong in itself.
fn propose(
    conn: &mut DbConn,
    base: &Value,
    patch: ApplicationPatch,
    no_member_change: bool,
) -> Result<(Value, Value, Vec<Change>), ApiError> {
    let mut content: ApplicationContent = serde_json::from_value(base.clone())
        .map_err(|e| ApiError::internal(format!("a submitted version does not parse: {e}")))?;
    let base = content_json(&content)?;
    let touched = patch.apply(&mut content);
    let mut errors: Vec<FieldError> = saving_problems(conn, &content, &touched)?
        .into_iter()
        .map(at_content)
        .collect();
    let proposed = content_json(&content)?;
    let changes = change::diff(&base, &proposed);
    // content unchanged is fine when co-applicants change
    if errors.is_empty() && (no_member_change || !changes.is_empty()) {
        errors.extend(
            change::check_changes("/content", &changes)
                .iter()
                .map(domain_problem),
        );
    }
    if errors.is_empty() {
        Ok((base, proposed, changes))
    } else {
        Err(ApiError::validation(errors))
    }
}

/// Ask for a change (endringssøknad) to a submitted or decided application:
/// the sections to change and why. It becomes an application and a case of
/// its own (own case number, completeness, statutory clock and decision,
/// covering only what changed), linked to the original; the original case
/// and its decision stay as they are. Owner only; `If-Match` is the
/// application's ETag, `Idempotency-Key` is required.
#[utoipa::path(tag = "applications", operation_id = "create_change_request", security(("bearerAuth" = ["APPLICANT"])),
    params(
        ("id" = Uuid, Path, description = "The original application's id"),
        IfMatch,
        ("Idempotency-Key" = String, Header, description = "A new unique key per change request (e.g. a UUID); retries reuse it"),
    ),
    request_body = NewChangeRequest,
    responses(
        (status = 201, description = "The change request with what changed; `Location` is its own application", body = ChangeRequestView),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/applications/{id}/change-requests")]
pub(super) async fn create_change_request(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<NewChangeRequest>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let version = etag::required_version(&req)?;
    let body = body.0;
    let mut problems = description_problems(&body.description);
    let mut added = Vec::new();
    for (i, raw) in body.add_members.iter().enumerate() {
        match NationalId::parse(raw.trim()) {
            Ok(pid) => added.push(pid),
            Err(_) => problems.push(FieldError::new(
                format!("/addMembers/{i}"),
                "INVALID_NATIONAL_ID",
                Text::new(
                    "ikke et gyldig fødselsnummer eller D-nummer",
                    "not a valid fødselsnummer or D-nummer",
                ),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let fingerprint = format!(
        "{}\n{:?}\n{:?}\n{:?}",
        body.description, body.content, body.add_members, body.remove_members
    );
    let keyed = keyed(&req, &pid, fingerprint.as_bytes())?.ok_or_else(|| {
        ApiError::bad_parameter(
            "/header/Idempotency-Key",
            "REQUIRED",
            Text::new("en endringssøknad krever et Idempotency-Key-hode (en ny UUID per forsøk; bruk den samme ved nye forsøk)", "a change request needs an Idempotency-Key header (a new UUID per attempt; reuse it on retries)"),
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
                let (row, original_case) = lock_original(conn, id, &pid, version)?;
                let versions = store::versions(conn, id)?;
                let base_no = change::base_version(&standings(&versions));
                let base = versions
                    .iter()
                    .find(|v| u32::try_from(v.version_no).ok() == Some(base_no))
                    .and_then(|v| v.snapshot.get("content").cloned())
                    .ok_or_else(|| ApiError::internal("the base version has no snapshot"))?;
                let base_app = versions
                    .iter()
                    .find(|v| u32::try_from(v.version_no).ok() == Some(base_no))
                    .map_or(id, |v| v.application_id);
                let description = body.description.trim().to_owned();
                let members = MemberChanges::of(
                    conn,
                    base_app,
                    &row.owner_pid,
                    &added,
                    &body.remove_members,
                )?;
                let (base, proposed, mut changes) =
                    propose(conn, &base, body.content, members.changes.is_empty())?;
                changes.extend(members.changes.iter().cloned());
                let new_row = repo::create(conn, &row.owner_pid, &proposed)?;
                store::copy_members_and_attachments(conn, base_app, id, new_row.id)?;
                members.apply(conn, new_row.id, &actor)?;
                let problems = run_check(conn, &new_row)?;
                if !problems.is_empty() {
                    return Err(ApiError::validation(
                        problems
                            .iter()
                            .map(|p| at_content(domain_problem(p)))
                            .collect(),
                    ));
                }
                let ctx = Made {
                    original: &row,
                    original_case: &original_case,
                    version_no: i32::try_from(versions.len()).unwrap_or(i32::MAX - 1) + 1,
                    base_no: i32::try_from(base_no).unwrap_or(1),
                    description: &description,
                    actor: &actor,
                    request_id: request_id.as_deref(),
                };
                let view = record(conn, &ctx, &new_row, &base, &proposed, &changes)?;
                let headers = vec![(
                    "Location",
                    format!("/api/v1/applications/{}", view.application_id),
                )];
                Ok((
                    respond_stored(conn, Some(&keyed), 201, headers, &view)?,
                    false,
                ))
            })
        })
        .await?;
    Ok(http_response(stored, replayed))
}

/// What a change request is made on, for [`record`].
struct Made<'a> {
    original: &'a ApplicationRow,
    original_case: &'a hds_persistence::cases::CaseRecord,
    version_no: i32,
    base_no: i32,
    description: &'a str,
    actor: &'a str,
    request_id: Option<&'a str>,
}

/// The writes of a change request, after every check passed: its snapshot,
/// case number and case (narrowed to the sources it concerns), the link,
/// the events on both cases, the feed event, the original's new version
/// (its ETag changes: a second change request on the same read is 412).
fn record(
    conn: &mut DbConn,
    made: &Made<'_>,
    new_row: &ApplicationRow,
    base: &Value,
    proposed: &Value,
    changes: &[Change],
) -> Result<ChangeRequestView, ApiError> {
    let now = OffsetDateTime::now_utc();
    let received_on = hds_domain::calendar::oslo_date(now);
    let submitted = Case::submit(received_on);
    let attachments = repo::list_attachments(conn, new_row.id)?;
    let snapshot = json!({
        "applicationId": new_row.id,
        "version": new_row.version,
        "content": proposed,
        "attachments": attachments.iter().map(|a| json!({
            "id": a.id, "kind": a.kind, "title": a.title, "filename": a.filename,
            "contentType": a.content_type, "sizeBytes": a.size_bytes, "sha256": a.sha256,
        })).collect::<Vec<_>>(),
        "changeRequestOf": made.original_case.case_number,
    });
    repo::mark_submitted(conn, new_row.id, now)?;
    let status = submitted.case.state.as_str();
    // the case number, the snapshot carrying it and the case: one statement
    let case = hds_persistence::submission::open_case(
        conn,
        &hds_persistence::submission::NewCase {
            application_id: new_row.id,
            snapshot: &snapshot,
            submitted_by: made.actor,
            status,
            received_at: now,
            received_on,
        },
    )?;
    let case_number = &case.case_number;
    let named: Vec<String> = named_sources(&to_domain(
        &serde_json::from_value(proposed.clone()).map_err(|e| ApiError::internal(e.to_string()))?,
    ));
    let sources = change::sources_concerned(changes, base, proposed, &named);
    let changes_json = changes_json(changes);
    store::insert(
        conn,
        &NewRecord {
            application_id: new_row.id,
            case_id: case.id,
            original_application_id: made.original.id,
            original_case_id: made.original_case.id,
            version_no: made.version_no,
            base_version_no: made.base_no,
            description: made.description,
            changes: &changes_json,
            sources: &sources,
            at: now,
            by: made.actor,
        },
    )?;
    tell(
        conn,
        made,
        &Received {
            application_id: new_row.id,
            case: &case,
            at: now,
            sources: &sources,
            changes: changes.len(),
        },
    )?;
    let original_version = repo::touch(conn, made.original.id)?;
    audit(
        conn,
        made.actor,
        "CHANGE_REQUEST_MADE",
        "application",
        &made.original.id.to_string(),
        json!({"changeRequestApplicationId": new_row.id, "caseId": case.id, "caseNumber": case_number,
               "versionNo": made.version_no, "changes": changes.len(), "version": original_version}),
        made.request_id,
    )?;
    let record = store::of_application(conn, new_row.id)?
        .ok_or_else(|| ApiError::internal("the change request just written is missing"))?;
    Ok(ChangeRequestView::from_record(&record))
}

/// The links of an application: the change request it is (naming the
/// original) and the change requests made to it, each with what changed.
#[utoipa::path(tag = "applications", operation_id = "list_change_requests", security(("bearerAuth" = ["APPLICANT"])),
    params(("id" = Uuid, Path, description = "The application's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The links both ways", body = ChangeRequestLinks),
        (status = 404, response = NotFound),
    ))]
#[get("/applications/{id}/change-requests")]
pub(super) async fn list_change_requests(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let id = id.into_inner();
    let view = state
        .run(move |conn| {
            repo::find_accessible(conn, id, &pid)?;
            links(conn, id)
        })
        .await?;
    etag::json_with_etag(&req, &view, PRIVATE_NO_CACHE)
}

/// Both directions of an application's change-request links.
pub fn links(conn: &mut DbConn, application_id: Uuid) -> Result<ChangeRequestLinks, ApiError> {
    Ok(ChangeRequestLinks {
        change_request_of: store::of_application(conn, application_id)?
            .as_ref()
            .map(ChangeRequestView::from_record),
        change_requests: store::of_original(conn, application_id)?
            .iter()
            .map(ChangeRequestView::from_record)
            .collect(),
    })
}

/// Every version of an application (the original submission is 1, each
/// change request the next), as submitted, with the one in force. On a
/// change request's own application: the versions of its original.
#[utoipa::path(tag = "applications", operation_id = "list_application_versions", security(("bearerAuth" = ["APPLICANT"])),
    params(("id" = Uuid, Path, description = "The application's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The versions, oldest first (empty for a draft)", body = ApplicationVersions),
        (status = 404, response = NotFound),
    ))]
#[get("/applications/{id}/versions")]
pub(super) async fn list_application_versions(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let id = id.into_inner();
    let view = state
        .run(move |conn| {
            repo::find_accessible(conn, id, &pid)?;
            let original =
                store::of_application(conn, id)?.map_or(id, |cr| cr.original_application_id);
            Ok(ApplicationVersions::from_records(&store::versions(
                conn, original,
            )?))
        })
        .await?;
    etag::json_with_etag(&req, &view, PRIVATE_NO_CACHE)
}

/// The change request just recorded, for [`tell`].
struct Received<'a> {
    application_id: Uuid,
    case: &'a repo::CaseRow,
    at: OffsetDateTime,
    sources: &'a [String],
    changes: usize,
}

/// The events of a new change request: its receipt on its own case, the
/// link on the original case, and the change feed's `case.received`.
fn tell(conn: &mut DbConn, made: &Made<'_>, r: &Received<'_>) -> Result<(), ApiError> {
    let link = json!({
        "caseNumber": r.case.case_number,
        "receivedOn": hds_domain::calendar::oslo_date(r.at).to_string(),
        "changeRequestOf": made.original_case.case_number,
        "originalCaseId": made.original_case.id,
        "originalApplicationId": made.original.id,
        "versionNo": made.version_no,
        "dataSources": r.sources,
    });
    repo::record_case_event(
        conn,
        &repo::NewCaseEvent {
            case_id: r.case.id,
            kind: kinds::CHANGE_REQUEST_RECEIVED,
            occurred_at: r.at,
            actor: made.actor,
            visible_to_applicant: true,
            status_before: None,
            status_after: Some(&r.case.status),
            data: link,
            request_id: made.request_id,
        },
    )?;
    repo::record_case_event(
        conn,
        &repo::NewCaseEvent {
            case_id: made.original_case.id,
            kind: kinds::CHANGE_REQUEST_MADE,
            occurred_at: r.at,
            actor: made.actor,
            visible_to_applicant: true,
            status_before: Some(&made.original_case.status),
            status_after: Some(&made.original_case.status),
            data: json!({
                "changeRequestCaseId": r.case.id,
                "changeRequestCaseNumber": r.case.case_number,
                "changeRequestApplicationId": r.application_id,
                "versionNo": made.version_no,
                "changes": r.changes,
            }),
            request_id: made.request_id,
        },
    )?;
    feed::append(
        conn,
        &NewFeedEvent {
            event_type: "no.helsedata.case.received",
            source: &format!("/api/v1/cases/{}", r.case.id),
            subject: Some(&r.case.case_number),
            data: json!({
                "caseId": r.case.id,
                "caseNumber": r.case.case_number,
                "applicationId": r.application_id,
                "status": r.case.status,
                "receivedAt": r.at
                    .format(&time::format_description::well_known::Rfc3339)
                    .map_err(|e| ApiError::internal(e.to_string()))?,
                "dataSources": r.sources,
                "changeRequestOf": {"caseId": made.original_case.id, "caseNumber": made.original_case.case_number},
            }),
            custodian_id: None,
            case_id: Some(r.case.id),
        },
    )?;
    Ok(())
}
