//! Liveness and readiness.

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiError;
use crate::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(live).service(ready);
}

/// Health of the process or of what it depends on.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `UP` when healthy.
    #[schema(example = "UP")]
    pub status: &'static str,
}

/// The process is running.
#[utoipa::path(tag = "health", operation_id = "check_liveness",
    responses((status = 200, description = "The process is alive", body = Health)))]
#[get("/health/live")]
async fn live() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "UP" })
}

/// The service can serve requests: the database answers.
#[utoipa::path(tag = "health", operation_id = "check_readiness",
    responses(
        (status = 200, description = "Ready", body = Health),
    ))]
#[get("/health/ready")]
async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state
        .run(|conn| {
            use diesel::RunQueryDsl;
            diesel::sql_query("SELECT 1")
                .execute(conn)
                .map_err(|e| ApiError::unavailable(e.to_string()))
        })
        .await
        .map_err(|e| {
            if e.status.is_server_error() {
                ApiError::unavailable(e.detail.en().to_owned())
            } else {
                e
            }
        })?;
    Ok(HttpResponse::Ok().json(Health { status: "UP" }))
}
