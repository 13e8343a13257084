//! The dev issuer's published endpoints (local default only, not in the spec).

use std::sync::Arc;

use actix_web::{web, HttpResponse};

use crate::auth::dev_issuer::DevIssuer;

pub fn configure(cfg: &mut web::ServiceConfig, issuer: Arc<DevIssuer>) {
    let jwks = issuer.jwks();
    let discovery = issuer.discovery();
    cfg.service(
        web::scope("/dev-issuer")
            .route(
                "/jwks.json",
                web::get().to(move || {
                    let jwks = jwks.clone();
                    async move { HttpResponse::Ok().json(jwks) }
                }),
            )
            .route(
                "/.well-known/openid-configuration",
                web::get().to(move || {
                    let discovery = discovery.clone();
                    async move { HttpResponse::Ok().json(discovery) }
                }),
            ),
    );
}
