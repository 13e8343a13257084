//! Purposes (formål): the three purpose categories data sources may be used for.

use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_persistence::catalogue as repo;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::http::etag::{json_with_etag, PUBLIC_CACHE};
use crate::spec::IfNoneMatch;
use crate::state::AppState;

/// A purpose (formål) a data source may be used for.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Purpose {
    #[schema(example = "MEDICAL_AND_HEALTH_RESEARCH")]
    pub code: String,
    #[schema(example = "Medisinsk og helsefaglig forskning")]
    pub name_nb: String,
    #[schema(example = "Medical and health research")]
    pub name_en: String,
}

/// All purposes, in their customary order.
#[derive(Debug, Serialize, ToSchema)]
pub struct PurposeList {
    pub items: Vec<Purpose>,
}

/// The purpose categories (formål) that data sources point to.
#[utoipa::path(tag = "catalogue", operation_id = "list_purposes",
    params(IfNoneMatch),
    responses(
        (status = 200, description = "The purposes", body = PurposeList,
            headers(("ETag" = String), ("Cache-Control" = String))),
    ))]
#[get("/purposes")]
pub(super) async fn list_purposes(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let rows = state
        .run(|conn| repo::list_purposes(conn).map_err(ApiError::from))
        .await?;
    let items = rows
        .into_iter()
        .map(|p| Purpose {
            code: p.code,
            name_nb: p.name_nb,
            name_en: p.name_en,
        })
        .collect();
    json_with_etag(&req, &PurposeList { items }, PUBLIC_CACHE)
}
