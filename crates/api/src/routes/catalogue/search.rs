//! One search box over the whole catalogue: the best data sources and the
//! best variables for a query, in one response.

use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_persistence::catalogue::{self as repo, SourceFilter, VariableFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::common::{search, SearchLang};
use super::data_sources::{self, DataSource};
use super::variables::{self, Variable};
use crate::error::{ApiError, Text};
use crate::extract::ApiQuery;
use crate::http::etag::{json_with_etag, PUBLIC_CACHE};
use crate::spec::IfNoneMatch;
use crate::state::AppState;

/// Query of the catalogue search.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The words to search for (every word a prefix, all must match); 1 to 200 characters.
    pub q: String,
    /// Search language (default nb).
    pub lang: Option<SearchLang>,
    /// How many of each (data sources, variables), 1 to 50 (default 10).
    pub limit: Option<i64>,
}

/// The best matches of a search (søk) among data sources and variables.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchResult {
    /// The best matching current data sources, best first.
    pub data_sources: Vec<DataSource>,
    /// The best matching current variables, best first. Page through all of
    /// them with `GET /variables?q=…`.
    pub variables: Vec<Variable>,
}

/// Searches data sources and variables at once (the portal's search box).
#[utoipa::path(tag = "catalogue", operation_id = "search_catalogue", params(SearchQuery, IfNoneMatch),
    responses(
        (status = 200, description = "The best matches", body = SearchResult,
            headers(("ETag" = String), ("Cache-Control" = String))),
    ))]
#[get("/search")]
pub(super) async fn search_catalogue(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: ApiQuery<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let limit = match query.limit {
        None => 10,
        Some(n) if (1..=50).contains(&n) => n,
        Some(_) => {
            return Err(ApiError::bad_parameter(
                "/query/limit",
                "OUT_OF_RANGE",
                Text::new(
                    "limit må være mellom 1 og 50",
                    "limit must be between 1 and 50",
                ),
            ))
        }
    };
    let search = search(Some(&query.q), query.lang)?;
    let (sources, found) = state
        .run(move |conn| {
            let sources = repo::list_data_sources(
                conn,
                &SourceFilter {
                    search: search.clone(),
                    ..SourceFilter::default()
                },
                None,
                limit,
            )?;
            let found = repo::list_variables(
                conn,
                &VariableFilter {
                    search,
                    ..VariableFilter::default()
                },
                None,
                limit,
            )?;
            Ok((sources, found))
        })
        .await?;
    let result = SearchResult {
        data_sources: sources
            .into_iter()
            .map(|r| data_sources::to_dto(r, None))
            .collect::<Result<_, _>>()?,
        variables: found
            .into_iter()
            .map(variables::to_dto)
            .collect::<Result<_, _>>()?,
    };
    json_with_etag(&req, &result, PUBLIC_CACHE)
}
