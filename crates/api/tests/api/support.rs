//! A test application: its own database, its own port, the dev issuer on.

use std::path::PathBuf;
use std::sync::OnceLock;

use hds_api::auth::dev_issuer::DevIssuer;
use hds_api::auth::Role;
use hds_api::config::{Config, Mode};
use hds_api::server;
use hds_contract::{Checked, Contract, Observed};
use hds_persistence::test_support::TestDatabase;
use reqwest::header::HeaderMap;
use serde_json::Value;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: TestDatabase,
    pub issuer: std::sync::Arc<DevIssuer>,
    pub state: actix_web::web::Data<hds_api::state::AppState>,
    /// The server's clock: `clock.set(Some(instant))` dates commands.
    pub clock: hds_api::state::Clock,
    /// The clock tokens' `exp` and `nbf` are checked against (apart from
    /// `clock`, which dates commands while tokens are minted at real time).
    pub token_clock: hds_api::state::Clock,
    /// The configuration the server runs with.
    pub config: Config,
    handle: actix_web::dev::ServerHandle,
}

/// The dev issuer key shared by the test processes (generated once).
pub fn test_key_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.pem"))
}

pub fn test_config(database_url: &str, port: u16) -> Config {
    Config {
        mode: Mode::Local,
        database_url: database_url.to_owned(),
        bind: ([127, 0, 0, 1], port).into(),
        public_url: format!("http://127.0.0.1:{port}"),
        problem_type_base: "https://api.helsedata.no/problems/".to_owned(),
        dev_issuer: true,
        dev_key_path: test_key_path("dev-issuer-key"),
        issuers: Vec::new(),
        db_pool_size: 4,
        migrate_on_start: false,
        max_json_bytes: 1024 * 1024,
        max_attachment_bytes: 25 * 1024 * 1024,
        workers: 1,
        saturdays_are_working_days: false,
        pause_clock_while_awaiting_applicant: true,
        max_years_ahead: hds_domain::horizon::DEFAULT_MAX_YEARS_AHEAD,
        expected_minimum_sample: 5,
        statistics_at_start: true,
        // the local default: any port of localhost and 127.0.0.1
        cors_origins: hds_api::config::cors_origins(Mode::Local, None).unwrap(),
        metrics: true,
        mail: hds_api::mail::MailSettings::local(
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("mail-{port}")),
            "https://helsedata.no/logg-inn",
        ),
    }
}

pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
    pub bytes: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts a problem+json response with this status, and returns it.
    pub fn problem(&self, status: u16) -> &Value {
        assert_eq!(self.status, status, "status; body: {}", self.text);
        assert_eq!(
            self.content_type(),
            "application/problem+json",
            "content type; body: {}",
            self.text
        );
        assert_eq!(self.body["status"], status);
        assert!(
            self.body["type"].as_str().unwrap().starts_with("https://"),
            "absolute type: {}",
            self.body
        );
        assert!(self.body["title"].is_string() && self.body["detail"].is_string());
        let id = self.headers.get("x-request-id").unwrap().to_str().unwrap();
        assert_eq!(self.body["requestId"], id);
        &self.body
    }
}

/// The contract the server serves (`GET /api/v1/openapi.json`, the same
/// document as `hds_api::app::openapi_json`; `openapi::served_spec_equals_the_committed_file`
/// proves
/// it), ready to check responses against.
pub fn contract() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| {
        Contract::new(serde_json::from_str(&hds_api::app::openapi_json()).unwrap())
            // described elsewhere on purpose: the spec itself, its docs, the dev
            // issuer, the operators' metrics (docs/operations.md)
            .outside(&[
                hds_api::app::SPEC_PATH,
                "/docs",
                "/docs/",
                "/dev-issuer/",
                hds_api::metrics::PATH,
            ])
    })
}

/// Panics, naming the operation, the status and the validator's message,
/// unless the contract documents this response: the operation exists, the
/// status is one of its responses, the content type is the documented one
/// and a JSON body validates against the documented schema.
pub fn conforms(method: &str, path: &str, response: &Response) -> Checked {
    let content_type = response
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok());
    let seen = Observed {
        method,
        path,
        status: response.status,
        content_type,
        body: &response.bytes,
    };
    match contract().check(&seen) {
        Ok(checked) => checked,
        Err(violation) => panic!("{violation}\nbody: {}", response.text),
    }
}

/// The tests' client asks for English (`Accept-Language: en`): their
/// assertions quote the English texts. The API's default, bokmål, is tested
/// in `languages.rs` with a client that sends no `Accept-Language`.
fn english_client() -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert(
        "accept-language",
        reqwest::header::HeaderValue::from_static("en"),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap()
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Async so that tests read `TestApp::spawn().await` however setup grows.
    #[allow(clippy::unused_async)]
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let db = TestDatabase::new();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut config = test_config(&db.url, port);
        adjust(&mut config);
        let state = server::state(config.clone()).unwrap();
        let issuer = state.dev_issuer.clone().unwrap();
        let clock = state.clock.clone();
        let token_clock = state.auth.clock().clone();
        let server = server::http_server(state.clone(), listener, false).unwrap();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Self {
            base: format!("http://127.0.0.1:{port}"),
            client: english_client(),
            db,
            issuer,
            state,
            clock,
            token_clock,
            config,
            handle,
        }
    }

    pub fn token(&self, role: Role) -> String {
        self.issuer
            .mint(
                role,
                None,
                None,
                None,
                time::OffsetDateTime::now_utc().unix_timestamp(),
            )
            .unwrap()
    }

    pub fn token_for(&self, role: Role, pid: Option<&str>, org: Option<&str>) -> String {
        self.issuer
            .mint(
                role,
                pid,
                org,
                None,
                time::OffsetDateTime::now_utc().unix_timestamp(),
            )
            .unwrap()
    }

    /// Sends a request and holds the response to the contract (see
    /// [`conforms`]): every API test is also a contract test. Every response
    /// is also checked for the national identity numbers the request
    /// carried: none may come back, in the body or a header (issue 11).
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Response {
        // the client the request was built with (the app's, or one without
        // its default headers)
        let (client, request) = request.build_split();
        let request = request.unwrap();
        let method = request.method().clone();
        let path = request.url().path().to_owned();
        let sent = national_ids_in(&request);
        let response = client.execute(request).await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap().to_vec();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let response = Response {
            status,
            headers,
            body,
            text,
            bytes,
        };
        for id in &sent {
            assert!(
                !response.echoes(id),
                "{method} {path} ({status}): a national identity number of the request came back: {}",
                response.text
            );
        }
        conforms(method.as_str(), &path, &response);
        response
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }

    /// A request builder for any method, with the bearer token when given.
    pub fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
    }

    /// PATCH with a JSON body and an optional `If-Match`.
    pub async fn patch_json(
        &self,
        path: &str,
        token: Option<&str>,
        if_match: Option<&str>,
        body: &Value,
    ) -> Response {
        let mut request = self.request(reqwest::Method::PATCH, path, token).json(body);
        if let Some(etag) = if_match {
            request = request.header("If-Match", etag);
        }
        self.send(request).await
    }

    /// DELETE with an optional `If-Match`.
    pub async fn delete(
        &self,
        path: &str,
        token: Option<&str>,
        if_match: Option<&str>,
    ) -> Response {
        let mut request = self.request(reqwest::Method::DELETE, path, token);
        if let Some(etag) = if_match {
            request = request.header("If-Match", etag);
        }
        self.send(request).await
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }
}

impl TestApp {
    /// A request with a JSON body, an optional bearer token and optional extra headers.
    pub async fn json_with(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(body);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request).await
    }

    /// A GET with extra headers (e.g. If-None-Match).
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        self.json_with(reqwest::Method::GET, path, None, None, headers)
            .await
    }

    /// A PUT with `If-Match` (when given).
    pub async fn put_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Value,
        if_match: Option<&str>,
    ) -> Response {
        let headers: Vec<(&str, &str)> =
            if_match.map(|tag| ("if-match", tag)).into_iter().collect();
        self.json_with(reqwest::Method::PUT, path, token, Some(body), &headers)
            .await
    }

    /// A bodiless POST with `If-Match` (when given), e.g. a state change.
    pub async fn post_if_match(
        &self,
        path: &str,
        token: Option<&str>,
        if_match: Option<&str>,
    ) -> Response {
        let headers: Vec<(&str, &str)> =
            if_match.map(|tag| ("if-match", tag)).into_iter().collect();
        self.json_with(reqwest::Method::POST, path, token, None, &headers)
            .await
    }
}

/// The valid national identity numbers in a request (URL, headers but the
/// token, body), as 11 digits.
fn national_ids_in(request: &reqwest::Request) -> Vec<String> {
    let mut texts = vec![percent_encoding::percent_decode_str(request.url().as_str())
        .decode_utf8_lossy()
        .replace('+', " ")];
    for (name, value) in request.headers() {
        if name != reqwest::header::AUTHORIZATION {
            texts.push(String::from_utf8_lossy(value.as_bytes()).into_owned());
        }
    }
    if let Some(body) = request.body().and_then(reqwest::Body::as_bytes) {
        texts.push(String::from_utf8_lossy(body).into_owned());
    }
    let mut ids: Vec<String> = texts
        .iter()
        .flat_map(|text| {
            hds_domain::identity::find_national_ids(text)
                .into_iter()
                .map(|range| text[range].chars().filter(char::is_ascii_digit).collect())
        })
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

impl Response {
    /// Whether `id` (11 digits) appears in the body or a header, written
    /// whole or with a space, dot or hyphen after the date part.
    pub fn echoes(&self, id: &str) -> bool {
        let (date, rest) = id.split_at(6);
        let forms = [
            id.to_owned(),
            format!("{date} {rest}"),
            format!("{date}.{rest}"),
            format!("{date}-{rest}"),
        ];
        let in_headers = self
            .headers
            .values()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        std::iter::once(self.text.clone())
            .chain(in_headers)
            .any(|text| forms.iter().any(|form| text.contains(form.as_str())))
    }

    pub fn etag(&self) -> String {
        self.headers
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

/// The terms a grant of identifiable data states (a complete decision): an
/// access period, deletion by a date, and the exemption from
/// confidentiality the test application (GDPR art. 6 e, art. 9 j, no
/// consent) needs. Far in the future, so any decision date fits.
pub fn grant_terms() -> Value {
    serde_json::json!({
        "accessFrom": "2099-01-01", "accessTo": "2099-12-31",
        "disposal": "DELETE", "disposeBy": "2100-06-30",
        "confidentialityExemption": {"granted": true, "legalBasis": ["helseregisterloven § 19 e"]},
    })
}

/// `decision` with [`grant_terms`] added unless it refuses.
pub fn with_terms(mut decision: Value) -> Value {
    if decision["outcome"] != "REFUSED" {
        if let (Some(d), Value::Object(t)) = (decision.as_object_mut(), grant_terms()) {
            for (k, v) in t {
                d.entry(k).or_insert(v);
            }
        }
    }
    decision
}
