//! Custodians (registerforvaltere): public reads, admin writes.

use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use hds_persistence::catalogue::{self as repo, After, CustodianInput, CustodianRow, SourceRef};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use super::common::{cut, decode_after, SourceKind, Who};
use crate::auth::{Principal, Role};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::http::etag::{
    json_versioned_composite, json_with_etag, required_version, PRIVATE_NO_CACHE, PUBLIC_CACHE,
};
use crate::http::pagination::{limit, Page};
use crate::spec::{Conflict, IfMatch, IfNoneMatch, NotFound};
use crate::state::AppState;

/// A data source as its custodian lists it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DataSourceSummary {
    #[schema(example = "MFR")]
    pub code: String,
    #[schema(example = "Medisinsk fødselsregister")]
    pub name_nb: String,
    #[schema(example = "Medical Birth Registry of Norway")]
    pub name_en: String,
    pub kind: SourceKind,
}

/// A register custodian (registerforvalter): holds data sources, prepares
/// and delivers data, and for some sources decides on applications.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Custodian {
    /// Stable code.
    #[schema(example = "FHI")]
    pub code: String,
    #[schema(example = "Folkehelseinstituttet")]
    pub name: String,
    #[schema(example = "FHI")]
    pub short_name: String,
    /// Organisation number (organisasjonsnummer); absent for a unit of
    /// another organisation with no number of its own (e.g. Kreftregisteret
    /// within FHI), whose staff act for it as persons.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "983744516")]
    pub orgnr: Option<String>,
    /// Where to send data requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// When the custodian was retired; absent while current.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub retired_at: Option<OffsetDateTime>,
    /// Its current (not retired) data sources.
    pub data_sources: Vec<DataSourceSummary>,
    /// Increases with every change; the `ETag` is `"v<version>-…"`.
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

fn to_dto(row: CustodianRow, sources: &[SourceRef]) -> Result<Custodian, ApiError> {
    let data_sources = sources
        .iter()
        .filter(|s| s.custodian_id == row.id)
        .map(|s| {
            Ok(DataSourceSummary {
                code: s.code.clone(),
                name_nb: s.name_nb.clone(),
                name_en: s.name_en.clone(),
                kind: SourceKind::from_db(&s.kind)?,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(Custodian {
        code: row.code,
        name: row.name,
        short_name: row.short_name,
        orgnr: row.orgnr,
        contact_email: row.contact_email,
        website: row.website,
        retired_at: row.retired_at,
        data_sources,
        version: row.version,
        updated_at: row.updated_at,
    })
}

/// A new custodian.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewCustodian {
    /// `^[A-Z][A-Z0-9_]*$`, at most 32 characters; cannot be changed later.
    #[schema(example = "KREFTREG")]
    pub code: String,
    pub name: String,
    pub short_name: String,
    /// A valid organisation number (9 digits, mod-11 control digit); leave
    /// it out for a unit of another organisation with no number of its own.
    #[serde(default)]
    pub orgnr: Option<String>,
    #[serde(default)]
    pub contact_email: Option<String>,
    /// An https:// URL.
    #[serde(default)]
    pub website: Option<String>,
}

/// A custodian's new content (the whole of it; the code stays).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustodianUpdate {
    pub name: String,
    pub short_name: String,
    /// Left out: the custodian has no organisation number of its own.
    #[serde(default)]
    pub orgnr: Option<String>,
    #[serde(default)]
    pub contact_email: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
}

impl From<CustodianUpdate> for CustodianInput {
    fn from(u: CustodianUpdate) -> Self {
        Self {
            name: u.name,
            short_name: u.short_name,
            orgnr: u.orgnr,
            contact_email: u.contact_email,
            website: u.website,
        }
    }
}

/// Query of the custodian list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CustodianQuery {
    /// Include retired custodians (default false).
    pub include_retired: Option<bool>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
}

/// Custodians (registerforvaltere) in code order, with their data sources.
#[utoipa::path(tag = "catalogue", operation_id = "list_custodians", params(CustodianQuery, IfNoneMatch),
    responses(
        (status = 200, description = "A page of custodians", body = Page<Custodian>,
            headers(("ETag" = String), ("Cache-Control" = String))),
    ))]
#[get("/custodians")]
pub(super) async fn list_custodians(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: ApiQuery<CustodianQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let limit = limit(query.limit)?;
    let after = match decode_after(query.cursor.as_deref(), false)? {
        Some(After::Key(code, _)) => Some(code),
        _ => None,
    };
    let include_retired = query.include_retired.unwrap_or(false);
    let (rows, sources) = state
        .run(move |conn| {
            let rows = repo::list_custodians(conn, include_retired, after.as_deref(), limit + 1)?;
            let ids: Vec<_> = rows.iter().map(|r| r.id).collect();
            let sources = repo::sources_of(conn, &ids)?;
            Ok((rows, sources))
        })
        .await?;
    let (rows, next_cursor) = cut(rows, limit, |r| After::Key(r.code.clone(), None));
    let items = rows
        .into_iter()
        .map(|r| to_dto(r, &sources))
        .collect::<Result<_, _>>()?;
    json_with_etag(&req, &Page { items, next_cursor }, PUBLIC_CACHE)
}

pub(super) async fn load(state: &AppState, code: String) -> Result<Custodian, ApiError> {
    let (row, sources) = state
        .run(move |conn| {
            let row = repo::get_custodian(conn, &code)?;
            let sources = repo::sources_of(conn, &[row.id])?;
            Ok((row, sources))
        })
        .await?;
    to_dto(row, &sources)
}

/// One custodian by code (retired ones too), with its current data sources.
#[utoipa::path(tag = "catalogue", operation_id = "get_custodian",
    params(("code" = String, Path, description = "The custodian's code", example = "FHI"), IfNoneMatch),
    responses(
        (status = 200, description = "The custodian", body = Custodian,
            headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 404, response = NotFound),
    ))]
#[get("/custodians/{code}")]
pub(super) async fn get_custodian(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let custodian = load(&state, code.into_inner()).await?;
    json_versioned_composite(&req, &custodian, custodian.version, PUBLIC_CACHE)
}

fn written(
    req: &HttpRequest,
    custodian: &Custodian,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    let mut response =
        json_versioned_composite(req, custodian, custodian.version, PRIVATE_NO_CACHE)?;
    *response.status_mut() = status;
    if status == StatusCode::CREATED {
        if let Ok(value) = format!("/api/v1/custodians/{}", custodian.code).parse() {
            response
                .headers_mut()
                .insert(actix_web::http::header::LOCATION, value);
        }
    }
    Ok(response)
}

/// Adds a custodian (ADMIN).
#[utoipa::path(tag = "catalogue", operation_id = "create_custodian", security(("bearerAuth" = ["ADMIN"])),
    request_body = NewCustodian,
    responses(
        (status = 201, description = "Created", body = Custodian, headers(("ETag" = String), ("Location" = String))),
        (status = 409, response = Conflict),
    ))]
#[post("/custodians")]
pub(super) async fn create_custodian(
    state: web::Data<AppState>,
    req: HttpRequest,
    principal: Principal,
    body: ApiJson<NewCustodian>,
) -> Result<HttpResponse, ApiError> {
    principal.require(Role::Admin)?;
    let who = Who::of(&principal, &req);
    let body = body.0;
    let code = body.code.clone();
    let input = CustodianInput {
        name: body.name,
        short_name: body.short_name,
        orgnr: body.orgnr,
        contact_email: body.contact_email,
        website: body.website,
    };
    let create_code = code.clone();
    state
        .run(move |conn| {
            repo::create_custodian(conn, &create_code, &input, who.actor()).map_err(ApiError::from)
        })
        .await?;
    written(&req, &load(&state, code).await?, StatusCode::CREATED)
}

/// Replaces a custodian's content (ADMIN; `If-Match` with the `ETag` you read).
#[utoipa::path(tag = "catalogue", operation_id = "update_custodian", security(("bearerAuth" = ["ADMIN"])),
    params(("code" = String, Path, description = "The custodian's code"),
        IfMatch),
    request_body = CustodianUpdate,
    responses(
        (status = 200, description = "Updated", body = Custodian, headers(("ETag" = String))),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[put("/custodians/{code}")]
pub(super) async fn update_custodian(
    state: web::Data<AppState>,
    req: HttpRequest,
    principal: Principal,
    code: web::Path<String>,
    body: ApiJson<CustodianUpdate>,
) -> Result<HttpResponse, ApiError> {
    principal.require(Role::Admin)?;
    let version = required_version(&req)?;
    let who = Who::of(&principal, &req);
    let code = code.into_inner();
    let input = CustodianInput::from(body.0);
    let update_code = code.clone();
    state
        .run(move |conn| {
            repo::update_custodian(conn, &update_code, version, &input, who.actor())
                .map_err(ApiError::from)
        })
        .await?;
    written(&req, &load(&state, code).await?, StatusCode::OK)
}

/// Retires a custodian (ADMIN; If-Match). Refused (409) while it holds current data sources.
#[utoipa::path(tag = "catalogue", operation_id = "retire_custodian", security(("bearerAuth" = ["ADMIN"])),
    params(("code" = String, Path, description = "The custodian's code"),
        IfMatch),
    responses(
        (status = 200, description = "Retired", body = Custodian, headers(("ETag" = String))),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/custodians/{code}/retire")]
pub(super) async fn retire_custodian(
    state: web::Data<AppState>,
    req: HttpRequest,
    principal: Principal,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    principal.require(Role::Admin)?;
    let version = required_version(&req)?;
    let who = Who::of(&principal, &req);
    let code = code.into_inner();
    let retire_code = code.clone();
    state
        .run(move |conn| {
            repo::retire_custodian(conn, &retire_code, version, who.actor()).map_err(ApiError::from)
        })
        .await?;
    written(&req, &load(&state, code).await?, StatusCode::OK)
}
