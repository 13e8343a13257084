//! Data sources (datakilder): registers, surveys, biobanks. Public reads
//! with filters and full-text search; admin writes.

use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use hds_persistence::catalogue::{
    self as repo, After, CustodianPeriod, DataSourceInput, DataSourceRow, SourceFilter,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use super::common::{
    cut, decode_after, search, ApplicationChannel, DataKind, DecisionAuthority, SearchLang,
    SourceKind, Who,
};
use crate::auth::{Principal, Role};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::http::etag::{
    json_and_etag, json_bytes_with_etag, json_versioned_composite, required_version,
    PRIVATE_NO_CACHE, PUBLIC_CACHE,
};
use crate::http::memo::ResponseMemo;
use crate::http::pagination::{limit, Page};
use crate::spec::{Conflict, IfMatch, IfNoneMatch, NotFound};
use crate::state::AppState;

/// The custodian of a data source, as the source shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustodianRef {
    #[schema(example = "FHI")]
    pub code: String,
    #[schema(example = "Folkehelseinstituttet")]
    pub name: String,
    #[schema(example = "FHI")]
    pub short_name: String,
}

/// A period in which a custodian held the data source.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustodianPeriodDto {
    pub custodian: CustodianRef,
    #[serde(with = "time::serde::rfc3339")]
    pub valid_from: OffsetDateTime,
    /// Absent for the current custodian.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub valid_to: Option<OffsetDateTime>,
}

/// A data source (datakilde): a health register, a quality register, a
/// health survey or a biobank, and how to apply for its data.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DataSource {
    /// Stable code.
    #[schema(example = "MFR")]
    pub code: String,
    #[schema(example = "Medisinsk fødselsregister")]
    pub name_nb: String,
    #[schema(example = "Medical Birth Registry of Norway")]
    pub name_en: String,
    pub kind: SourceKind,
    /// The custodian (registerforvalter) holding it now.
    pub custodian: CustodianRef,
    pub description_nb: String,
    pub description_en: String,
    /// Codes of the purposes (formål) it may be used for; see /purposes.
    pub purposes: Vec<String>,
    /// The kinds of data offered.
    pub data_kinds: Vec<DataKind>,
    /// Who decides on applications (vedtaksmyndighet).
    pub decision_authority: DecisionAuthority,
    /// How to apply.
    pub channel: ApplicationChannel,
    /// The external application form, when `channel` is `EXTERNAL_FORM`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_url: Option<String>,
    /// First year covered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_from: Option<i32>,
    /// Last year covered; absent while ongoing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_to: Option<i32>,
    /// Expected processing time or backlog notice (saksbehandlingstid).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_notice_nb: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_notice_en: Option<String>,
    /// When it was retired; absent while current.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub retired_at: Option<OffsetDateTime>,
    /// Which custodians held it when, oldest first (in a fetch, not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custodian_history: Option<Vec<CustodianPeriodDto>>,
    /// Increases with every change; the `ETag` is `"v<version>-…"`.
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

pub(crate) fn to_dto(
    row: DataSourceRow,
    history: Option<Vec<CustodianPeriod>>,
) -> Result<DataSource, ApiError> {
    let custodian_history = history.map(|periods| {
        periods
            .into_iter()
            .map(|p| CustodianPeriodDto {
                custodian: CustodianRef {
                    code: p.custodian_code,
                    name: p.custodian_name,
                    short_name: p.custodian_short_name,
                },
                valid_from: p.valid_from,
                valid_to: p.valid_to,
            })
            .collect()
    });
    Ok(DataSource {
        kind: SourceKind::from_db(&row.kind)?,
        data_kinds: row
            .data_kinds
            .iter()
            .map(|k| DataKind::from_db(k))
            .collect::<Result<_, _>>()?,
        decision_authority: DecisionAuthority::from_db(&row.decision_authority)?,
        channel: ApplicationChannel::from_db(&row.channel)?,
        code: row.code,
        name_nb: row.name_nb,
        name_en: row.name_en,
        custodian: CustodianRef {
            code: row.custodian_code,
            name: row.custodian_name,
            short_name: row.custodian_short_name,
        },
        description_nb: row.description_nb,
        description_en: row.description_en,
        purposes: row.purposes,
        external_url: row.external_url,
        period_from: row.period_from,
        period_to: row.period_to,
        processing_notice_nb: row.processing_notice_nb,
        processing_notice_en: row.processing_notice_en,
        retired_at: row.retired_at,
        custodian_history,
        version: row.version,
        updated_at: row.updated_at,
    })
}

/// Query of the data source list. Filters combine with AND.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DataSourceQuery {
    /// Free-text search over code, name and description: every word must
    /// start a word in the text (`fødsel` finds Medisinsk fødselsregister).
    /// 1 to 200 characters; results by relevance.
    pub q: Option<String>,
    /// Search language (default nb).
    pub lang: Option<SearchLang>,
    /// Custodian code.
    pub custodian: Option<String>,
    pub kind: Option<SourceKind>,
    /// Purpose code.
    pub purpose: Option<String>,
    pub data_kind: Option<DataKind>,
    pub decision_authority: Option<DecisionAuthority>,
    /// Include retired sources (default false).
    pub include_retired: Option<bool>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
}

/// Data sources (datakilder), in code order, or by relevance with `q`.
#[utoipa::path(tag = "catalogue", operation_id = "list_data_sources", params(DataSourceQuery, IfNoneMatch),
    responses(
        (status = 200, description = "A page of data sources", body = Page<DataSource>,
            headers(("ETag" = String), ("Cache-Control" = String))),
    ))]
#[get("/data-sources")]
pub(super) async fn list_data_sources(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: ApiQuery<DataSourceQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let limit = limit(query.limit)?;
    let search = search(query.q.as_deref(), query.lang)?;
    let after = decode_after(query.cursor.as_deref(), search.is_some())?;
    let ranked = search.is_some();
    let filter = SourceFilter {
        code: None,
        custodian: query.custodian,
        kind: query.kind.map(|k| k.as_db().to_owned()),
        purpose: query.purpose,
        data_kind: query.data_kind.map(|k| k.as_db().to_owned()),
        decision_authority: query.decision_authority.map(|k| k.as_db().to_owned()),
        include_retired: query.include_retired.unwrap_or(false),
        search,
    };
    let rows = state
        .run(move |conn| {
            Ok(repo::list_data_sources(
                conn,
                &filter,
                after.as_ref(),
                limit + 1,
            )?)
        })
        .await?;
    // the same rows as the last time this query was answered: the same answer
    if let Some((body, etag)) = LIST_MEMO.get(req.query_string(), &rows) {
        return Ok(json_bytes_with_etag(&req, body, &etag, PUBLIC_CACHE));
    }
    let kept = rows.clone();
    let (rows, next_cursor) = cut(rows, limit, |r| {
        if ranked {
            After::Ranked(r.rank.unwrap_or_default(), r.code.clone(), None)
        } else {
            After::Key(r.code.clone(), None)
        }
    });
    let items = rows
        .into_iter()
        .map(|r| to_dto(r, None))
        .collect::<Result<_, _>>()?;
    let (body, etag) = json_and_etag(&Page { items, next_cursor })?;
    LIST_MEMO.put(req.query_string(), kept, body.clone(), etag.clone());
    Ok(json_bytes_with_etag(&req, body, &etag, PUBLIC_CACHE))
}

/// The last answer to each query of the list, with its rows (see
/// [`crate::http::memo`]).
static LIST_MEMO: ResponseMemo<DataSourceRow> = ResponseMemo::new();

pub(super) async fn load(state: &AppState, code: String) -> Result<DataSource, ApiError> {
    let (row, history) = state
        .run(move |conn| {
            let row = repo::get_data_source(conn, &code)?;
            let history = repo::custodian_history(conn, row.id)?;
            Ok((row, history))
        })
        .await?;
    to_dto(row, Some(history))
}

/// One data source by code (retired ones too), with its custodian history.
#[utoipa::path(tag = "catalogue", operation_id = "get_data_source",
    params(("code" = String, Path, description = "The data source's code", example = "MFR"), IfNoneMatch),
    responses(
        (status = 200, description = "The data source", body = DataSource,
            headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 404, response = NotFound),
    ))]
#[get("/data-sources/{code}")]
pub(super) async fn get_data_source(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let source = load(&state, code.into_inner()).await?;
    json_versioned_composite(&req, &source, source.version, PUBLIC_CACHE)
}

/// A data source's content as an admin sets it (the code is in the path or in `NewDataSource`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DataSourceUpdate {
    pub name_nb: String,
    pub name_en: String,
    pub kind: SourceKind,
    /// The custodian's code. A different custodian than now moves the source
    /// and keeps the history.
    #[schema(example = "FHI")]
    pub custodian: String,
    #[serde(default)]
    pub description_nb: String,
    #[serde(default)]
    pub description_en: String,
    /// Purpose codes (at least one; see /purposes).
    pub purposes: Vec<String>,
    /// At least one.
    pub data_kinds: Vec<DataKind>,
    pub decision_authority: DecisionAuthority,
    pub channel: ApplicationChannel,
    /// Required (https://) for `EXTERNAL_FORM`, absent for `COMMON_FORM`.
    #[serde(default)]
    pub external_url: Option<String>,
    #[serde(default)]
    pub period_from: Option<i32>,
    #[serde(default)]
    pub period_to: Option<i32>,
    #[serde(default)]
    pub processing_notice_nb: Option<String>,
    #[serde(default)]
    pub processing_notice_en: Option<String>,
}

impl From<DataSourceUpdate> for DataSourceInput {
    fn from(u: DataSourceUpdate) -> Self {
        Self {
            name_nb: u.name_nb,
            name_en: u.name_en,
            kind: u.kind.as_db().to_owned(),
            custodian: u.custodian,
            description_nb: u.description_nb,
            description_en: u.description_en,
            purposes: u.purposes,
            data_kinds: u.data_kinds.iter().map(|k| k.as_db().to_owned()).collect(),
            decision_authority: u.decision_authority.as_db().to_owned(),
            channel: u.channel.rule(),
            external_url: u.external_url,
            period_from: u.period_from,
            period_to: u.period_to,
            processing_notice_nb: u.processing_notice_nb,
            processing_notice_en: u.processing_notice_en,
        }
    }
}

/// A new data source.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewDataSource {
    /// `^[A-Z][A-Z0-9_]*$`, at most 32 characters; cannot be changed later.
    #[schema(example = "NORPD")]
    pub code: String,
    pub name_nb: String,
    pub name_en: String,
    pub kind: SourceKind,
    pub custodian: String,
    #[serde(default)]
    pub description_nb: String,
    #[serde(default)]
    pub description_en: String,
    pub purposes: Vec<String>,
    pub data_kinds: Vec<DataKind>,
    pub decision_authority: DecisionAuthority,
    pub channel: ApplicationChannel,
    #[serde(default)]
    pub external_url: Option<String>,
    #[serde(default)]
    pub period_from: Option<i32>,
    #[serde(default)]
    pub period_to: Option<i32>,
    #[serde(default)]
    pub processing_notice_nb: Option<String>,
    #[serde(default)]
    pub processing_notice_en: Option<String>,
}

impl NewDataSource {
    fn split(self) -> (String, DataSourceInput) {
        let update = DataSourceUpdate {
            name_nb: self.name_nb,
            name_en: self.name_en,
            kind: self.kind,
            custodian: self.custodian,
            description_nb: self.description_nb,
            description_en: self.description_en,
            purposes: self.purposes,
            data_kinds: self.data_kinds,
            decision_authority: self.decision_authority,
            channel: self.channel,
            external_url: self.external_url,
            period_from: self.period_from,
            period_to: self.period_to,
            processing_notice_nb: self.processing_notice_nb,
            processing_notice_en: self.processing_notice_en,
        };
        (self.code, update.into())
    }
}

fn written(
    req: &HttpRequest,
    source: &DataSource,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    let mut response = json_versioned_composite(req, source, source.version, PRIVATE_NO_CACHE)?;
    *response.status_mut() = status;
    if status == StatusCode::CREATED {
        if let Ok(value) = format!("/api/v1/data-sources/{}", source.code).parse() {
            response
                .headers_mut()
                .insert(actix_web::http::header::LOCATION, value);
        }
    }
    Ok(response)
}

/// Adds a data source (ADMIN).
#[utoipa::path(tag = "catalogue", operation_id = "create_data_source", security(("bearerAuth" = ["ADMIN"])),
    request_body = NewDataSource,
    responses(
        (status = 201, description = "Created", body = DataSource, headers(("ETag" = String), ("Location" = String))),
        (status = 409, response = Conflict),
    ))]
#[post("/data-sources")]
pub(super) async fn create_data_source(
    state: web::Data<AppState>,
    req: HttpRequest,
    principal: Principal,
    body: ApiJson<NewDataSource>,
) -> Result<HttpResponse, ApiError> {
    principal.require(Role::Admin)?;
    let who = Who::of(&principal, &req);
    let (code, input) = body.0.split();
    let create_code = code.clone();
    state
        .run(move |conn| {
            Ok(repo::create_data_source(
                conn,
                &create_code,
                &input,
                who.actor(),
            )?)
        })
        .await?;
    written(&req, &load(&state, code).await?, StatusCode::CREATED)
}

/// Replaces a data source's content (ADMIN; If-Match). A new custodian moves
/// the source: the custodian history closes the old period and opens a new one.
#[utoipa::path(tag = "catalogue", operation_id = "update_data_source", security(("bearerAuth" = ["ADMIN"])),
    params(("code" = String, Path, description = "The data source's code"),
        IfMatch),
    request_body = DataSourceUpdate,
    responses(
        (status = 200, description = "Updated", body = DataSource, headers(("ETag" = String))),
        (status = 404, response = NotFound),
    ))]
#[put("/data-sources/{code}")]
pub(super) async fn update_data_source(
    state: web::Data<AppState>,
    req: HttpRequest,
    principal: Principal,
    code: web::Path<String>,
    body: ApiJson<DataSourceUpdate>,
) -> Result<HttpResponse, ApiError> {
    principal.require(Role::Admin)?;
    let version = required_version(&req)?;
    let who = Who::of(&principal, &req);
    let code = code.into_inner();
    let input = DataSourceInput::from(body.0);
    let update_code = code.clone();
    state
        .run(move |conn| {
            Ok(repo::update_data_source(
                conn,
                &update_code,
                version,
                &input,
                who.actor(),
            )?)
        })
        .await?;
    written(&req, &load(&state, code).await?, StatusCode::OK)
}

/// Retires a data source (ADMIN; If-Match): hidden from lists by default,
/// still fetchable by code. Nothing is deleted.
#[utoipa::path(tag = "catalogue", operation_id = "retire_data_source", security(("bearerAuth" = ["ADMIN"])),
    params(("code" = String, Path, description = "The data source's code"),
        IfMatch),
    responses(
        (status = 200, description = "Retired", body = DataSource, headers(("ETag" = String))),
        (status = 404, response = NotFound),
    ))]
#[post("/data-sources/{code}/retire")]
pub(super) async fn retire_data_source(
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
            Ok(repo::retire_data_source(
                conn,
                &retire_code,
                version,
                who.actor(),
            )?)
        })
        .await?;
    written(&req, &load(&state, code).await?, StatusCode::OK)
}
