//! The one middleware every request passes through.
//!
//! - gives the request an id (`X-Request-Id`: the caller's if it is a UUID or
//!   a short safe token with no national identity number in it, else new);
//! - turns every error response into problem+json: our own problems get an
//!   absolute `type`, `instance` and `requestId`; anything else (a framework
//!   default) is replaced by a problem with the same status;
//! - masks every national identity number in a problem and in an error's
//!   headers, whoever wrote them (`http::privacy`);
//! - writes one log line per request (method, path, status, latency, id),
//!   never the query string, a token or a personal number; logs the internal
//!   cause of a 5xx with the same id;
//! - counts the request for `/metrics` by its route template.

use std::time::Instant;

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, ResponseError};

use crate::error::{ApiError, InternalCause, Lang, Text, PROBLEM_JSON};
use crate::http::allow::RouteTable;
use crate::http::cors;
use crate::http::privacy::{mask_headers, mask_json, shown_path};
use crate::http::request_id::{incoming_id, new_id, RequestId, REQUEST_ID};
use crate::state::AppState;

/// The label a request is counted under: its route's template, never its path.
fn route_label(req: &ServiceRequest) -> String {
    let path = req.path();
    if let Some(template) = req
        .app_data::<web::Data<RouteTable>>()
        .and_then(|table| table.template(path))
    {
        return template.to_owned();
    }
    if path == crate::metrics::PATH {
        return path.to_owned();
    }
    ["/docs", "/dev-issuer"]
        .into_iter()
        .find(|p| path == *p || path.starts_with(&format!("{p}/")))
        .map_or_else(|| "unmatched".to_owned(), |p| format!("{p}/*"))
}

pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let id = incoming_id(&req).unwrap_or_else(new_id);
    req.extensions_mut().insert(RequestId(id.clone()));
    let method = req.method().clone();
    // The path as it may be logged and echoed: a national identity number a
    // client put in a URL is masked (our routes never carry one).
    let path = shown_path(req.path());
    let route = route_label(&req);
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let base = state.as_ref().map(|s| s.config.problem_type_base.clone());
    let lang = Lang::from_accept_language(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    // Handlers and extractors turn their errors into responses themselves, so
    // an `Err` here is a framework failure; it passes through untouched.
    let response = next.call(req).await?.map_into_boxed_body();
    let mut response = if response.status().is_client_error() || response.status().is_server_error()
    {
        as_problem(response, &path, &id, base.as_deref(), lang).await
    } else {
        response
    };
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }

    let status = response.status().as_u16();
    let took = started.elapsed();
    if let Some(state) = &state {
        state.metrics.request(&route, method.as_str(), status, took);
    }
    if let Some(InternalCause(cause)) = response.response().extensions().get::<InternalCause>() {
        if status >= 500 {
            log::error!("request_id={id} {method} {path} failed: {cause}");
        } else {
            log::warn!("request_id={id} {method} {path} refused: {cause}");
        }
    }
    let millis = took.as_secs_f64() * 1000.0;
    log::info!("{method} {path} {status} {millis:.1}ms request_id={id}");
    Ok(response)
}

/// Rewrites an error response as a complete problem document, in the
/// language the request asks for (`Content-Language`; `Vary: Accept-Language`,
/// since the body depends on it).
async fn as_problem(
    response: ServiceResponse<BoxBody>,
    path: &str,
    id: &str,
    base: Option<&str>,
    lang: Lang,
) -> ServiceResponse<BoxBody> {
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON));
    let (req, res) = response.into_parts();
    // our own error, or a framework error we can name (a refused CORS preflight)
    let known = res
        .extensions()
        .get::<ApiError>()
        .cloned()
        .or_else(|| res.error().and_then(cors::refusal));
    let (head, body) = res.into_parts();
    let bytes = body::to_bytes(body).await.unwrap_or_default();
    let mut problem = match known {
        Some(err) => serde_json::to_value(err.problem(lang)).unwrap_or_default(),
        None if is_problem => serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
        None => serde_json::Value::Null,
    };
    if !problem.is_object() {
        problem = fallback(status, lang);
    }
    if let Some(obj) = problem.as_object_mut() {
        let slug = obj
            .get("type")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("about:blank")
            .to_owned();
        if let Some(base) = base {
            if !slug.contains(':') {
                obj.insert("type".into(), format!("{base}{slug}").into());
            }
        }
        obj.insert("instance".into(), path.into());
        obj.insert("requestId".into(), id.into());
    }
    // whatever a handler quoted: detail, pointers, messages, field names
    mask_json(&mut problem);
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    let mut res = head.set_body(BoxBody::new(body));
    mask_headers(res.headers_mut());
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    res.headers_mut().remove(header::CONTENT_LENGTH);
    res.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.tag()),
    );
    res.headers_mut()
        .append(header::VARY, HeaderValue::from_static("Accept-Language"));
    ServiceResponse::new(req, res)
}

/// A problem for an error response the framework made on its own.
fn fallback(status: StatusCode, lang: Lang) -> serde_json::Value {
    let err = match status {
        StatusCode::NOT_FOUND => ApiError::not_found(Text::new("finnes ikke", "no such resource")),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            status,
            "payload-too-large",
            Text::new(
                "forespørselens innhold er for stort",
                "the request body is too large",
            ),
        ),
        StatusCode::BAD_REQUEST => ApiError::bad_request(Text::new(
            "forespørselen kunne ikke leses",
            "the request could not be read",
        )),
        s if s.is_server_error() => ApiError::internal(String::new()),
        s => {
            let reason = s.canonical_reason().unwrap_or("request failed");
            ApiError::new(
                s,
                "http-error",
                Text::new(format!("forespørselen feilet ({reason})"), reason),
            )
        }
    };
    let mut problem = err.problem(lang);
    problem.status = status.as_u16();
    serde_json::to_value(problem).unwrap_or_default()
}

/// Unknown routes: 404. (A known path with a method its route does not
/// declare never gets here: `http::allow` answers it with 405 and `Allow`.)
pub async fn no_route(req: actix_web::HttpRequest) -> actix_web::HttpResponse {
    let path = shown_path(req.path());
    ApiError::not_found(Text::new(
        format!("ingen ressurs på {path}"),
        format!("no resource at {path}"),
    ))
    .error_response()
}
