//! Listing, linking and unlinking a custodian's staff (ADMIN).

use actix_web::http::header;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use hds_domain::identity::NationalId;
use hds_persistence::members::{self as repo, By, MemberError, MemberRow, NewMember};
use uuid::Uuid;

use super::requests::LinkMemberRequest;
use super::views::{CustodianMemberView, IdentityProvider};
use crate::access::member_key;
use crate::auth::{Principal, Role};
use crate::error::{ApiError, FieldError, Text};
use crate::extract::ApiJson;
use crate::field_rules;
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::http::request_id::request_id;
use crate::spec::{Conflict, IfNoneMatch, NotFound};
use crate::state::AppState;

impl From<MemberError> for ApiError {
    fn from(e: MemberError) -> Self {
        match e {
            MemberError::Store(e) => e.into(),
            MemberError::AlreadyLinked { custodian } => ApiError::conflict(Text::new(
                format!("personen handler allerede for {custodian}; fjern koblingen der først"),
                format!("this person already acts for {custodian}; unlink them there first"),
            )),
            MemberError::Retired(code) => ApiError::conflict(Text::new(
                format!("registerforvalteren {code} er avviklet: ingen kan handle for den"),
                format!("custodian {code} is retired: no one can act for it"),
            )),
        }
    }
}

fn view(row: &MemberRow, custodian: &str) -> CustodianMemberView {
    CustodianMemberView {
        id: row.id,
        custodian: custodian.to_owned(),
        person_key: row.person_key.clone(),
        identity_provider: IdentityProvider::from_code(&row.identity_provider),
        name: row.name.clone(),
        linked_at: row.linked_at,
    }
}

fn code_of(raw: &str) -> String {
    raw.trim().to_ascii_uppercase()
}

/// The persons who act for the custodian now.
#[utoipa::path(tag = "custodian-members", operation_id = "list_custodian_members", security(("bearerAuth" = ["ADMIN"])),
    params(("code" = String, Path, description = "The custodian's code"), IfNoneMatch),
    responses(
        (status = 200, description = "The current links, oldest first", body = Vec<CustodianMemberView>),
        (status = 404, response = NotFound),
    ))]
#[get("/custodians/{code}/members")]
pub(super) async fn list_custodian_members(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    principal.require(Role::Admin)?;
    let code = code_of(&code);
    let lookup = code.clone();
    let rows = state
        .run(move |conn| Ok(repo::list(conn, &lookup)?))
        .await?;
    let views: Vec<CustodianMemberView> = rows.iter().map(|r| view(r, &code)).collect();
    etag::json_with_etag(&req, &views, PRIVATE_NO_CACHE)
}

/// Link a person (ID-porten or HelseID login) to the custodian: from the
/// next request they act for it on its tasks, with their own name in the
/// audit trail. A person acts for one custodian at a time. The national
/// identity number is neither stored nor echoed.
#[utoipa::path(tag = "custodian-members", operation_id = "link_custodian_member", security(("bearerAuth" = ["ADMIN"])),
    params(("code" = String, Path, description = "The custodian's code")),
    request_body = LinkMemberRequest,
    responses(
        (status = 201, description = "Linked", body = CustodianMemberView),
        (status = 200, description = "Already linked to this custodian", body = CustodianMemberView),
        (status = 404, response = NotFound),
        // the person acts for another custodian, or the custodian is retired
        (status = 409, response = Conflict),
    ))]
#[post("/custodians/{code}/members")]
pub(super) async fn link_custodian_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    code: web::Path<String>,
    body: ApiJson<LinkMemberRequest>,
) -> Result<HttpResponse, ApiError> {
    principal.require(Role::Admin)?;
    let body = body.0;
    let mut problems = field_rules::check(&body);
    let key = match NationalId::parse(body.national_id.trim()) {
        Ok(pid) => Some(member_key(pid.as_str())),
        Err(e) => {
            problems.push(FieldError::new(
                "/nationalId",
                "INVALID_NATIONAL_ID",
                Text::new(
                    format!("ikke et gyldig fødselsnummer eller D-nummer: {}", e.nb()),
                    format!("not a valid fødselsnummer or D-nummer: {e}"),
                ),
            ));
            None
        }
    };
    problems.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    let Some(key) = key.filter(|_| problems.is_empty()) else {
        return Err(ApiError::validation(problems));
    };
    let code = code_of(&code);
    let name = body.name.trim().to_owned();
    let provider = body.identity_provider.as_str();
    let actor = principal.actor();
    let request_id = request_id(&req);
    let at = state.clock.now();
    let custodian = code.clone();
    let (row, created) = state
        .run(move |conn| {
            Ok(repo::link(
                conn,
                &custodian,
                NewMember {
                    person_key: &key,
                    identity_provider: provider,
                    name: &name,
                },
                By {
                    actor: &actor,
                    at,
                    request_id: request_id.as_deref(),
                },
            )?)
        })
        .await?;
    let mut response = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(response
        .insert_header((header::CACHE_CONTROL, PRIVATE_NO_CACHE))
        .json(view(&row, &code)))
}

/// Unlink a person from the custodian: their next request no longer acts
/// for it.
#[utoipa::path(tag = "custodian-members", operation_id = "unlink_custodian_member", security(("bearerAuth" = ["ADMIN"])),
    params(
        ("code" = String, Path, description = "The custodian's code"),
        ("memberId" = Uuid, Path, description = "The link's id"),
    ),
    responses(
        (status = 204, description = "Unlinked"),
        (status = 404, response = NotFound),
    ))]
#[delete("/custodians/{code}/members/{memberId}")]
pub(super) async fn unlink_custodian_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    principal.require(Role::Admin)?;
    let (code, member_id) = path.into_inner();
    let code = code_of(&code);
    let actor = principal.actor();
    let request_id = request_id(&req);
    let at = state.clock.now();
    state
        .run(move |conn| {
            repo::unlink(
                conn,
                &code,
                member_id,
                By {
                    actor: &actor,
                    at,
                    request_id: request_id.as_deref(),
                },
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
