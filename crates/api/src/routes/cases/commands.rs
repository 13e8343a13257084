//! How a command on a case runs: the caller's role, the version read
//! (`If-Match`), one transaction around the repository's command, and the
//! answer with the new ETag: the case file for a case handler, the
//! applicant's view for an applicant.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use diesel::Connection;
use hds_domain::calendar::oslo_date;
use hds_persistence::cases::{self as repo, CaseRecord, Ctx};
use time::OffsetDateTime;
use uuid::Uuid;

use super::mapping::detail;
use super::views::ApplicantCaseView;
use crate::access::{applicant, case_handler};
use crate::auth::Principal;
use crate::error::{ApiError, Text};
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::http::request_id::request_id;
use crate::state::{case_rules, AppState};

pub(super) fn ctx<'a>(actor: &'a str, at: OffsetDateTime, request_id: Option<&'a str>) -> Ctx<'a> {
    Ctx {
        actor,
        at,
        request_id,
    }
}

/// Runs a handler command in one transaction, then answers with the case
/// file and its new ETag.
pub(super) async fn handler_command<F>(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    principal: &Principal,
    require_version: bool,
    work: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(
            &mut diesel::PgConnection,
            Option<i32>,
            &Ctx<'_>,
            &hds_domain::case::CaseRules,
        ) -> Result<CaseRecord, ApiError>
        + Send
        + 'static,
{
    case_handler(principal)?;
    let version = if require_version {
        Some(etag::required_version(req)?)
    } else {
        None
    };
    let actor = principal.actor();
    let request_id = request_id(req);
    let at = state.clock.now();
    let config = state.config.clone();
    let view = state
        .run(move |conn| {
            let rec = conn.transaction::<_, ApiError, _>(|conn| {
                let rules = case_rules(&config, conn)?;
                let ctx = ctx(&actor, at, request_id.as_deref());
                work(conn, version, &ctx, &rules)
            })?;
            detail(conn, &config, rec.id, oslo_date(at))
        })
        .await?;
    let version = view.summary.version;
    etag::json_versioned(req, &view, version, PRIVATE_NO_CACHE)
}

pub(super) fn v(version: Option<i32>) -> Result<i32, ApiError> {
    version.ok_or_else(ApiError::precondition_required)
}

/// Runs an applicant command on the case of application `application_id`.
pub(super) async fn applicant_command<F>(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    principal: &Principal,
    application_id: Uuid,
    work: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(
            &mut diesel::PgConnection,
            Uuid,
            i32,
            &Ctx<'_>,
            &hds_domain::case::CaseRules,
        ) -> Result<CaseRecord, ApiError>
        + Send
        + 'static,
{
    let pid = applicant(principal)?;
    let version = etag::required_version(req)?;
    let actor = principal.actor();
    let request_id = request_id(req);
    let at = state.clock.now();
    let config = state.config.clone();
    let rec = state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                let (_, access) =
                    hds_persistence::applications::find_accessible(conn, application_id, &pid)?;
                let case = repo::find_by_application(conn, application_id)?;
                if access != hds_persistence::applications::Access::Owner {
                    return Err(ApiError::forbidden(Text::new(
                        "bare søkeren som opprettet søknaden, kan gjøre dette",
                        "only the applicant who created the application can do this",
                    )));
                }
                let rules = case_rules(&config, conn)?;
                let ctx = ctx(&actor, at, request_id.as_deref());
                work(conn, case.id, version, &ctx, &rules)
            })
        })
        .await?;
    let view = ApplicantCaseView {
        id: rec.id,
        case_number: rec.case_number,
        status: rec.status,
        version: rec.version,
    };
    let mut response = etag::json_versioned(req, &view, view.version, PRIVATE_NO_CACHE)?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static(PRIVATE_NO_CACHE),
    );
    Ok(response)
}
