//! Variables (variabler): the variable explorer. Public reads per source and
//! across sources with full-text search; admin writes (the bulk import is
//! `variable_import`).

use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use hds_persistence::catalogue::{self as repo, After, VariableFilter, VariableInput, VariableRow};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use super::common::{cut, decode_after, search, SearchLang, ValueType, Who};
use crate::auth::{Principal, Role};
use crate::error::{ApiError, Text};
use crate::extract::{ApiJson, ApiQuery};
use crate::http::etag::{
    json_versioned_composite, json_with_etag, required_version, PRIVATE_NO_CACHE, PUBLIC_CACHE,
};
use crate::http::pagination::{limit, Page};
use crate::routes::common::SourceRef;
use crate::spec::{Conflict, IfMatch, IfNoneMatch, NotFound};
use crate::state::AppState;

/// A variable (variabel) of a data source.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Variable {
    pub data_source: SourceRef,
    /// The variable's name in the source's documentation; unique per source.
    #[schema(example = "VEKT")]
    pub name: String,
    #[schema(example = "Fødselsvekt")]
    pub label_nb: String,
    #[schema(example = "Birth weight")]
    pub label_en: String,
    pub description_nb: String,
    pub description_en: String,
    pub value_type: ValueType,
    /// The code list (kodeverk) of a CODE variable, e.g. ICD-10.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_list: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_from: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_to: Option<i32>,
    /// Identifies a person directly or indirectly (e.g. a record number).
    pub identifying: bool,
    /// A special category of personal data (GDPR art. 9), e.g. a diagnosis.
    pub sensitive: bool,
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub retired_at: Option<OffsetDateTime>,
    /// Increases with every change; the `ETag` is `"v<version>-…"`.
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

pub(crate) fn to_dto(row: VariableRow) -> Result<Variable, ApiError> {
    Ok(Variable {
        value_type: ValueType::from_db(&row.value_type)?,
        data_source: SourceRef {
            code: row.source_code,
            name_nb: row.source_name_nb,
            name_en: row.source_name_en,
        },
        name: row.name,
        label_nb: row.label_nb,
        label_en: row.label_en,
        description_nb: row.description_nb,
        description_en: row.description_en,
        code_list: row.code_list,
        period_from: row.period_from,
        period_to: row.period_to,
        identifying: row.identifying,
        sensitive: row.sensitive,
        retired_at: row.retired_at,
        version: row.version,
        updated_at: row.updated_at,
    })
}

/// Query of a variable list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VariableQuery {
    /// Free-text search over name, label and description (every word a
    /// prefix: `fødsel` finds Fødselsvekt); 1 to 200 characters; by relevance.
    pub q: Option<String>,
    /// Search language (default nb).
    pub lang: Option<SearchLang>,
    /// Only this data source (code); on `GET /variables` only.
    pub data_source: Option<String>,
    /// Include retired variables and variables of retired sources (default false).
    pub include_retired: Option<bool>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
}

pub(super) async fn list(
    state: &AppState,
    req: &HttpRequest,
    query: VariableQuery,
    source_code: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let limit = limit(query.limit)?;
    let search = search(query.q.as_deref(), query.lang)?;
    let ranked = search.is_some();
    let after = decode_after(query.cursor.as_deref(), ranked)?;
    let include_retired = query.include_retired.unwrap_or(false);
    let rows = state
        .run(move |conn| {
            let source = match source_code {
                Some(code) => Some(repo::source_id(conn, &code)?),
                None => None,
            };
            let filter = VariableFilter {
                source,
                name: None,
                include_retired,
                search,
            };
            Ok(repo::list_variables(
                conn,
                &filter,
                after.as_ref(),
                limit + 1,
            )?)
        })
        .await?;
    let (rows, next_cursor) = cut(rows, limit, |r| {
        if ranked {
            After::Ranked(r.rank.unwrap_or_default(), r.name.clone(), Some(r.id))
        } else {
            After::Key(r.name.clone(), Some(r.id))
        }
    });
    let items = rows.into_iter().map(to_dto).collect::<Result<_, _>>()?;
    json_with_etag(req, &Page { items, next_cursor }, PUBLIC_CACHE)
}

/// Variables across all data sources, in name order, or by relevance with `q`.
#[utoipa::path(tag = "catalogue", operation_id = "list_variables", params(VariableQuery, IfNoneMatch),
    responses(
        (status = 200, description = "A page of variables", body = Page<Variable>,
            headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 404, response = NotFound),
    ))]
#[get("/variables")]
pub(super) async fn list_variables(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: ApiQuery<VariableQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut query = query.0;
    let source = query.data_source.take();
    list(&state, &req, query, source).await
}

/// The variables of one data source, in name order, or by relevance with `q`.
#[utoipa::path(tag = "catalogue", operation_id = "list_source_variables",
    params(("code" = String, Path, description = "The data source's code", example = "MFR"), VariableQuery, IfNoneMatch),
    responses(
        (status = 200, description = "A page of variables", body = Page<Variable>,
            headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 404, response = NotFound),
    ))]
#[get("/data-sources/{code}/variables")]
pub(super) async fn list_source_variables(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
    query: ApiQuery<VariableQuery>,
) -> Result<HttpResponse, ApiError> {
    if query.0.data_source.is_some() {
        return Err(ApiError::bad_parameter(
            "/query/dataSource",
            "NOT_ALLOWED",
            Text::new(
                "stien angir allerede datakilden",
                "the path names the data source already",
            ),
        ));
    }
    list(&state, &req, query.0, Some(code.into_inner())).await
}

pub(super) async fn load(
    state: &AppState,
    source: String,
    name: String,
) -> Result<Variable, ApiError> {
    let row = state
        .run(move |conn| Ok(repo::get_variable(conn, &source, &name)?))
        .await?;
    to_dto(row)
}

/// One variable by data source and name (retired ones too).
#[utoipa::path(tag = "catalogue", operation_id = "get_variable",
    params(("code" = String, Path, description = "The data source's code", example = "MFR"),
        ("name" = String, Path, description = "The variable's name", example = "VEKT"), IfNoneMatch),
    responses(
        (status = 200, description = "The variable", body = Variable, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 404, response = NotFound),
    ))]
#[get("/data-sources/{code}/variables/{name}")]
pub(super) async fn get_variable(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (code, name) = path.into_inner();
    let variable = load(&state, code, name).await?;
    json_versioned_composite(&req, &variable, variable.version, PUBLIC_CACHE)
}

/// A variable's content as an admin sets it (the name is in the path).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VariableUpdate {
    pub label_nb: String,
    pub label_en: String,
    #[serde(default)]
    pub description_nb: String,
    #[serde(default)]
    pub description_en: String,
    pub value_type: ValueType,
    /// Required for CODE variables.
    #[serde(default)]
    pub code_list: Option<String>,
    #[serde(default)]
    pub period_from: Option<i32>,
    #[serde(default)]
    pub period_to: Option<i32>,
    #[serde(default)]
    pub identifying: bool,
    #[serde(default)]
    pub sensitive: bool,
}

/// A new variable, and one row of an import.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewVariable {
    /// `^[A-Za-z][A-Za-z0-9_]*$`, at most 64 characters; unique per source.
    #[schema(example = "VEKT")]
    pub name: String,
    pub label_nb: String,
    pub label_en: String,
    #[serde(default)]
    pub description_nb: String,
    #[serde(default)]
    pub description_en: String,
    pub value_type: ValueType,
    #[serde(default)]
    pub code_list: Option<String>,
    #[serde(default)]
    pub period_from: Option<i32>,
    #[serde(default)]
    pub period_to: Option<i32>,
    #[serde(default)]
    pub identifying: bool,
    #[serde(default)]
    pub sensitive: bool,
}

impl From<NewVariable> for VariableInput {
    fn from(v: NewVariable) -> Self {
        Self {
            name: v.name,
            label_nb: v.label_nb,
            label_en: v.label_en,
            description_nb: v.description_nb,
            description_en: v.description_en,
            value_type: v.value_type.as_db().to_owned(),
            code_list: v.code_list,
            period_from: v.period_from,
            period_to: v.period_to,
            identifying: v.identifying,
            sensitive: v.sensitive,
        }
    }
}

fn update_input(name: String, v: VariableUpdate) -> VariableInput {
    VariableInput {
        name,
        label_nb: v.label_nb,
        label_en: v.label_en,
        description_nb: v.description_nb,
        description_en: v.description_en,
        value_type: v.value_type.as_db().to_owned(),
        code_list: v.code_list,
        period_from: v.period_from,
        period_to: v.period_to,
        identifying: v.identifying,
        sensitive: v.sensitive,
    }
}

fn written(
    req: &HttpRequest,
    variable: &Variable,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    let mut response = json_versioned_composite(req, variable, variable.version, PRIVATE_NO_CACHE)?;
    *response.status_mut() = status;
    if status == StatusCode::CREATED {
        let location = format!(
            "/api/v1/data-sources/{}/variables/{}",
            variable.data_source.code, variable.name
        );
        if let Ok(value) = location.parse() {
            response
                .headers_mut()
                .insert(actix_web::http::header::LOCATION, value);
        }
    }
    Ok(response)
}

/// Adds a variable to a data source (ADMIN).
#[utoipa::path(tag = "catalogue", operation_id = "create_variable", security(("bearerAuth" = ["ADMIN"])),
    params(("code" = String, Path, description = "The data source's code")),
    request_body = NewVariable,
    responses(
        (status = 201, description = "Created", body = Variable, headers(("ETag" = String), ("Location" = String))),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/data-sources/{code}/variables")]
pub(super) async fn create_variable(
    state: web::Data<AppState>,
    req: HttpRequest,
    principal: Principal,
    code: web::Path<String>,
    body: ApiJson<NewVariable>,
) -> Result<HttpResponse, ApiError> {
    principal.require(Role::Admin)?;
    let who = Who::of(&principal, &req);
    let code = code.into_inner();
    let input = VariableInput::from(body.0);
    let name = input.name.clone();
    let create_code = code.clone();
    state
        .run(move |conn| {
            Ok(repo::create_variable(
                conn,
                &create_code,
                &input,
                who.actor(),
            )?)
        })
        .await?;
    written(&req, &load(&state, code, name).await?, StatusCode::CREATED)
}

/// Replaces a variable's content (ADMIN; If-Match).
#[utoipa::path(tag = "catalogue", operation_id = "update_variable", security(("bearerAuth" = ["ADMIN"])),
    params(("code" = String, Path, description = "The data source's code"),
        ("name" = String, Path, description = "The variable's name"),
        IfMatch),
    request_body = VariableUpdate,
    responses(
        (status = 200, description = "Updated", body = Variable, headers(("ETag" = String))),
        (status = 404, response = NotFound),
    ))]
#[put("/data-sources/{code}/variables/{name}")]
pub(super) async fn update_variable(
    state: web::Data<AppState>,
    req: HttpRequest,
    principal: Principal,
    path: web::Path<(String, String)>,
    body: ApiJson<VariableUpdate>,
) -> Result<HttpResponse, ApiError> {
    principal.require(Role::Admin)?;
    let version = required_version(&req)?;
    let who = Who::of(&principal, &req);
    let (code, name) = path.into_inner();
    let input = update_input(name.clone(), body.0);
    let update_code = code.clone();
    state
        .run(move |conn| {
            Ok(repo::update_variable(
                conn,
                &update_code,
                version,
                &input,
                who.actor(),
            )?)
        })
        .await?;
    written(&req, &load(&state, code, name).await?, StatusCode::OK)
}

/// Retires a variable (ADMIN; If-Match): hidden from lists by default, still fetchable.
#[utoipa::path(tag = "catalogue", operation_id = "retire_variable", security(("bearerAuth" = ["ADMIN"])),
    params(("code" = String, Path, description = "The data source's code"),
        ("name" = String, Path, description = "The variable's name"),
        IfMatch),
    responses(
        (status = 200, description = "Retired", body = Variable, headers(("ETag" = String))),
        (status = 404, response = NotFound),
    ))]
#[post("/data-sources/{code}/variables/{name}/retire")]
pub(super) async fn retire_variable(
    state: web::Data<AppState>,
    req: HttpRequest,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    principal.require(Role::Admin)?;
    let version = required_version(&req)?;
    let who = Who::of(&principal, &req);
    let (code, name) = path.into_inner();
    let (retire_code, retire_name) = (code.clone(), name.clone());
    state
        .run(move |conn| {
            Ok(repo::retire_variable(
                conn,
                &retire_code,
                &retire_name,
                version,
                who.actor(),
            )?)
        })
        .await?;
    written(&req, &load(&state, code, name).await?, StatusCode::OK)
}
