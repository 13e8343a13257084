//! The handlers: one folder (or, for a small resource, one file) per
//! resource, each with its route table `routes(cfg)`; docs/architecture.md
//! shows the tree.
//!
//! Route modules do not import each other: what two resources share lives
//! in `common` (schemas and error mappings several speak) or below `routes`
//! (`crate::access`, `crate::http`, `crate::extract`, `crate::error`). The
//! test at the end of this file holds every route module to that.

pub mod applications;
pub mod calendar;
pub mod cases;
pub mod catalogue;
pub mod common;
pub mod contact;
pub mod custodian_members;
pub mod dcat;
pub mod dev_issuer;
pub mod disclosure;
pub mod events;
pub mod expected;
pub mod fees;
pub mod health;
pub mod me;
pub mod notifications;
pub mod overview;
pub mod statistics;
pub mod tasks;
pub mod webhooks;

use utoipa_actix_web::service_config::ServiceConfig;

/// Everything under `/api/v1`. actix matches a request against the routes
/// in this order, a regular expression for each route with a placeholder,
/// so the most requested come first: custodians' systems poll their tasks,
/// and the portal lists the catalogue (about 5 % of such a request's CPU
/// went to routes tried before its own, docs/benchmarks.md). No two
/// modules have paths that one request could match, so the order changes
/// nothing else (the contract lists the paths in this order).
pub fn v1(cfg: &mut ServiceConfig) {
    tasks::routes(cfg);
    catalogue::routes(cfg);
    me::routes(cfg);
    contact::routes(cfg);
    notifications::routes(cfg);
    applications::routes(cfg);
    calendar::routes(cfg);
    cases::routes(cfg);
    disclosure::routes(cfg);
    events::routes(cfg);
    fees::routes(cfg);
    webhooks::routes(cfg);
    custodian_members::routes(cfg);
    statistics::routes(cfg);
    overview::routes(cfg);
    dcat::routes(cfg);
    expected::routes(cfg);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }

    /// The module named right after `prefix` in `line`, if any.
    fn after<'a>(line: &'a str, prefix: &str) -> Vec<&'a str> {
        line.match_indices(prefix)
            .map(|(i, _)| {
                let rest = &line[i + prefix.len()..];
                let end = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                &rest[..end]
            })
            .collect()
    }

    /// Could one request path match both patterns (`{x}` matches any one
    /// segment)?
    fn overlap(a: &str, b: &str) -> bool {
        let (a, b): (Vec<&str>, Vec<&str>) = (a.split('/').collect(), b.split('/').collect());
        a.len() == b.len()
            && a.iter()
                .zip(&b)
                .all(|(x, y)| x == y || x.starts_with('{') || y.starts_with('{'))
    }

    /// `v1` orders the modules by how often they are requested; that is
    /// only safe while no request could match routes of two modules.
    #[test]
    fn no_request_path_matches_routes_of_two_modules() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
        let mut files = Vec::new();
        rust_files(&root, &mut files);
        let mut routes = Vec::new();
        for file in files {
            let relative = file.strip_prefix(&root).unwrap();
            let module = relative.iter().next().unwrap().to_str().unwrap();
            let module = module.trim_end_matches(".rs").to_owned();
            let text = std::fs::read_to_string(&file).unwrap();
            for verb in ["get", "post", "put", "patch", "delete"] {
                for (i, _) in text.match_indices(&format!("#[{verb}(\"")) {
                    let rest = &text[i + verb.len() + 4..];
                    let path = &rest[..rest.find('"').unwrap()];
                    routes.push((module.clone(), path.to_owned()));
                }
            }
        }
        assert!(routes.len() > 100, "only {} routes found", routes.len());
        assert!(overlap("/tasks/{id}", "/tasks/poll") && !overlap("/tasks/{id}", "/tasks"));
        let mut shared = Vec::new();
        for (i, (m1, p1)) in routes.iter().enumerate() {
            for (m2, p2) in &routes[i + 1..] {
                if m1 != m2 && overlap(p1, p2) {
                    shared.push(format!("{m1} {p1} / {m2} {p2}"));
                }
            }
        }
        assert!(shared.is_empty(), "{}", shared.join("\n"));
    }

    #[test]
    fn route_modules_do_not_import_each_other() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
        let mut files = Vec::new();
        rust_files(&root, &mut files);
        let mut offences = Vec::new();
        for file in files {
            let relative = file.strip_prefix(&root).unwrap();
            let parts: Vec<&str> = relative.iter().map(|p| p.to_str().unwrap()).collect();
            if parts == ["mod.rs"] {
                continue; // the table of every resource
            }
            let own = parts[0].trim_end_matches(".rs");
            // `super::` leaves the resource from routes/x.rs and routes/x/mod.rs;
            // from a file deeper in a folder, `super::super::` does.
            let to_routes = if parts.len() == 1 || parts[parts.len() - 1] == "mod.rs" {
                vec!["crate::routes::", "super::"]
            } else {
                vec!["crate::routes::", "super::super::"]
            };
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                for prefix in &to_routes {
                    for module in after(line, prefix) {
                        if !["common", own, "super", "*", ""].contains(&module) {
                            offences.push(format!(
                                "{}:{}: {}",
                                relative.display(),
                                n + 1,
                                line.trim()
                            ));
                        }
                    }
                }
            }
        }
        assert!(
            offences.is_empty(),
            "route modules import each other (move what they share to routes/common.rs or below):\n{}",
            offences.join("\n")
        );
    }
}
