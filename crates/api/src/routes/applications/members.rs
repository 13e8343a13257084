//! Co-applicants (medsøkere): who they are, inviting one, removing one.

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use diesel::Connection;
use hds_domain::identity::NationalId;
use hds_persistence::applications::{self as repo, Access};
use serde_json::json;
use uuid::Uuid;

use super::common::{audit, check_version, not_draft, owner_only};
use super::mapping::member_view;
use super::requests::NewMember;
use super::views::MemberView;
use crate::access::applicant;
use crate::auth::Principal;
use crate::error::{ApiError, FieldError, Text};
use crate::extract::ApiJson;
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::http::request_id::request_id;
use crate::spec::{Conflict, IfMatch, IfNoneMatch, NotFound};
use crate::state::AppState;

/// The co-applicants (medsøkere).
#[utoipa::path(tag = "applications", operation_id = "list_members", security(("bearerAuth" = ["APPLICANT"])),
    params(("id" = Uuid, Path, description = "The application's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The co-applicants", body = Vec<MemberView>),
        (status = 404, response = NotFound),
    ))]
#[get("/applications/{id}/members")]
pub(super) async fn list_members(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let id = id.into_inner();
    let members = state
        .run(move |conn| {
            repo::find_accessible(conn, id, &pid)?;
            Ok(repo::list_members(conn, id)?)
        })
        .await?;
    let views: Vec<_> = members.iter().map(member_view).collect();
    etag::json_with_etag(&req, &views, PRIVATE_NO_CACHE)
}

/// Invite a co-applicant by fødselsnummer or D-nummer: they can read and
/// edit the draft when they log in with ID-porten. Owner only, while a draft.
#[utoipa::path(tag = "applications", operation_id = "add_member", security(("bearerAuth" = ["APPLICANT"])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        IfMatch,
    ),
    request_body = NewMember,
    responses(
        (status = 201, description = "Added", body = MemberView),
        (status = 200, description = "Already a member", body = MemberView),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/applications/{id}/members")]
pub(super) async fn add_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<NewMember>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let version = etag::required_version(&req)?;
    let member = NationalId::parse(body.0.national_id.trim()).map_err(|e| {
        ApiError::validation(vec![FieldError::new(
            "/nationalId",
            "INVALID_NATIONAL_ID",
            Text::new(
                format!("ikke et gyldig fødselsnummer eller D-nummer: {}", e.nb()),
                format!("not a valid fødselsnummer or D-nummer: {e}"),
            ),
        )])
    })?;
    let id = id.into_inner();
    let actor = principal.actor();
    let request_id = request_id(&req);
    let (row, created) = state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                let (app, access) = repo::lock_accessible(conn, id, &pid)?;
                if access != Access::Owner {
                    return Err(owner_only(("invitere medsøkere", "invite co-applicants")));
                }
                if app.status != repo::DRAFT {
                    return Err(not_draft());
                }
                check_version(Some(version), app.version)?;
                if member.as_str() == app.owner_pid {
                    return Err(ApiError::validation(vec![FieldError::new(
                        "/nationalId",
                        "IS_OWNER",
                        Text::new(
                            "du eier søknaden; inviter noen andre",
                            "you own the application; invite someone else",
                        ),
                    )]));
                }
                let (row, created) = repo::add_member(conn, id, member.as_str(), &actor)?;
                if created {
                    repo::touch(conn, id)?;
                    audit(
                        conn,
                        &actor,
                        "APPLICATION_MEMBER_ADDED",
                        "application",
                        &id.to_string(),
                        json!({"memberId": row.id, "member": member.masked()}),
                        request_id.as_deref(),
                    )?;
                }
                Ok((row, created))
            })
        })
        .await?;
    let mut response = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(response.json(member_view(&row)))
}

/// Remove a co-applicant. Owner only, while a draft.
#[utoipa::path(tag = "applications", operation_id = "remove_member", security(("bearerAuth" = ["APPLICANT"])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        ("memberId" = Uuid, Path, description = "The member's id (from the list of members)"),
        IfMatch,
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[delete("/applications/{id}/members/{memberId}")]
pub(super) async fn remove_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let version = etag::required_version(&req)?;
    let (id, member_id) = path.into_inner();
    let actor = principal.actor();
    let request_id = request_id(&req);
    state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                let (app, access) = repo::lock_accessible(conn, id, &pid)?;
                if access != Access::Owner {
                    return Err(owner_only(("fjerne medsøkere", "remove co-applicants")));
                }
                if app.status != repo::DRAFT {
                    return Err(not_draft());
                }
                check_version(Some(version), app.version)?;
                let row = repo::remove_member(conn, id, member_id)?;
                repo::touch(conn, id)?;
                let masked = NationalId::parse(&row.pid)
                    .map(|p| p.masked())
                    .unwrap_or_default();
                audit(
                    conn,
                    &actor,
                    "APPLICATION_MEMBER_REMOVED",
                    "application",
                    &id.to_string(),
                    json!({"memberId": row.id, "member": masked}),
                    request_id.as_deref(),
                )
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
