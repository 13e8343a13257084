//! Which methods a path allows: a request whose method the matching route
//! does not declare is a 405 whose `Allow` lists exactly that route's methods.
//!
//! The table is read from the published contract (so it cannot drift from
//! the routes) and given to the application as app data by `app::build_app`;
//! this module knows nothing about the application.
//!
//! A concrete path can fit several templates:
//! `/data-sources/MFR/variables/import` fits both `.../variables/import` and
//! `.../variables/{name}`. The route that matches is the most specific one (a
//! literal segment beats a placeholder, compared from the left), for every
//! method: [`refuse_undeclared_method`] answers before the router, which on
//! its own would send `GET .../variables/import` to the `{name}` handler
//! (actix picks the first resource whose path and method fit). `Allow` is
//! therefore never a union of templates. `tests/api/allow.rs` holds every
//! path of the contract to this.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, ResponseError};
use utoipa::openapi::OpenApi;

use crate::error::ApiError;

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    /// `{name}`: any one non-empty segment.
    Placeholder(String),
}

#[derive(Debug, Clone)]
struct Route {
    template: String,
    segments: Vec<Segment>,
    methods: Vec<&'static str>,
}

impl Route {
    fn new(template: &str, methods: Vec<&'static str>) -> Self {
        let segments = template
            .split('/')
            .map(|s| {
                if s.len() >= 2 && s.starts_with('{') && s.ends_with('}') {
                    Segment::Placeholder(s[1..s.len() - 1].to_owned())
                } else {
                    Segment::Literal(s.to_owned())
                }
            })
            .collect();
        Self {
            template: template.to_owned(),
            segments,
            methods,
        }
    }

    fn fits(&self, path: &[&str]) -> bool {
        self.segments.len() == path.len()
            && self.segments.iter().zip(path).all(|(t, p)| match t {
                Segment::Literal(l) => l == p,
                Segment::Placeholder(_) => !p.is_empty(),
            })
    }

    /// Literal positions, for ordering by specificity: `true` sorts above
    /// `false` at the first position where two fitting templates differ.
    fn specificity(&self) -> impl Iterator<Item = bool> + '_ {
        self.segments
            .iter()
            .map(|s| matches!(s, Segment::Literal(_)))
    }
}

/// The methods of every route, by path template.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<Route>,
}

impl RouteTable {
    /// Every path of the contract with the methods it declares.
    pub fn from_spec(spec: &OpenApi) -> Self {
        let routes = spec
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let declared = [
                    ("GET", item.get.is_some()),
                    ("HEAD", item.head.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("OPTIONS", item.options.is_some()),
                ];
                let methods = declared
                    .into_iter()
                    .filter_map(|(name, present)| present.then_some(name))
                    .collect();
                Route::new(template, methods)
            })
            .collect();
        Self { routes }
    }

    /// Adds a route the contract does not describe (e.g. the contract itself).
    #[must_use]
    pub fn with(mut self, template: &str, methods: &[&'static str]) -> Self {
        self.routes.push(Route::new(template, methods.to_vec()));
        self
    }

    /// The most specific route that fits `path`.
    fn route(&self, path: &str) -> Option<&Route> {
        let wanted: Vec<&str> = path.split('/').collect();
        self.routes
            .iter()
            .filter(|route| route.fits(&wanted))
            .max_by(|a, b| a.specificity().cmp(b.specificity()))
    }

    /// The methods of the most specific route that fits `path`; empty when
    /// no route does (a 404, not a 405).
    pub fn allowed(&self, path: &str) -> &[&'static str] {
        self.route(path)
            .map_or(&[], |route| route.methods.as_slice())
    }

    /// The template of the route that fits `path` (`/api/v1/cases/{id}`):
    /// what metrics count by, never the path itself.
    pub fn template(&self, path: &str) -> Option<&str> {
        self.route(path).map(|route| route.template.as_str())
    }

    /// The name of the placeholder at segment `index` of `path`'s route
    /// (segment 0 is the empty one before the first `/`).
    pub fn placeholder(&self, path: &str, index: usize) -> Option<&str> {
        match self.route(path)?.segments.get(index)? {
            Segment::Placeholder(name) => Some(name),
            Segment::Literal(_) => None,
        }
    }
}

/// Middleware before the router: a method the matching route does not
/// declare is a 405 with that route's `Allow`. Paths no route fits pass on
/// (the fallback makes them a 404).
pub async fn refuse_undeclared_method(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let refused = req
        .app_data::<web::Data<RouteTable>>()
        .map(|table| table.allowed(req.path()))
        .filter(|allowed| !allowed.is_empty() && !allowed.contains(&req.method().as_str()))
        .map(|allowed| ApiError::method_not_allowed(allowed).error_response());
    match refused {
        Some(response) => Ok(req.into_response(response)),
        None => Ok(next.call(req).await?.map_into_boxed_body()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> RouteTable {
        RouteTable::default()
            .with("/api/v1/data-sources/{code}/variables", &["GET", "POST"])
            .with(
                "/api/v1/data-sources/{code}/variables/{name}",
                &["GET", "PUT"],
            )
            .with("/api/v1/data-sources/{code}/variables/import", &["POST"])
            .with(
                "/api/v1/data-sources/{code}/variables/{name}/retire",
                &["POST"],
            )
            .with("/api/v1/a/{x}/c", &["GET"])
            .with("/api/v1/a/b/{y}", &["DELETE"])
    }

    #[test]
    fn a_literal_segment_beats_a_placeholder() {
        let t = table();
        assert_eq!(
            t.allowed("/api/v1/data-sources/MFR/variables/import"),
            ["POST"]
        );
        assert_eq!(
            t.allowed("/api/v1/data-sources/MFR/variables/imports"),
            ["GET", "PUT"]
        );
        assert_eq!(
            t.allowed("/api/v1/data-sources/MFR/variables/import/retire"),
            ["POST"]
        );
        assert_eq!(
            t.allowed("/api/v1/data-sources/MFR/variables"),
            ["GET", "POST"]
        );
    }

    #[test]
    fn the_leftmost_literal_decides_between_two_templates() {
        // `/a/b/c` fits both; `b` is literal in the second one, first from the left
        assert_eq!(table().allowed("/api/v1/a/b/c"), ["DELETE"]);
        assert_eq!(table().allowed("/api/v1/a/z/c"), ["GET"]);
    }

    #[test]
    fn a_path_names_its_template_and_placeholders() {
        let t = table();
        let path = "/api/v1/data-sources/MFR/variables/x";
        assert_eq!(
            t.template(path),
            Some("/api/v1/data-sources/{code}/variables/{name}")
        );
        assert_eq!(t.placeholder(path, 4), Some("code"));
        assert_eq!(t.placeholder(path, 6), Some("name"));
        assert_eq!(t.placeholder(path, 5), None);
        assert_eq!(t.template("/api/v1/nothing"), None);
    }

    #[test]
    fn no_fitting_route_allows_nothing() {
        let t = table();
        assert!(t.allowed("/api/v1/data-sources/MFR").is_empty());
        assert!(t.allowed("/api/v1/data-sources//variables").is_empty());
        assert!(t
            .allowed("/api/v1/data-sources/MFR/variables/x/y/z")
            .is_empty());
    }
}
