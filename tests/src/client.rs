//! The reference custodian client: what a register custodian's system does
//! to follow its tasks (see docs/integration.md, "Tasks").
//!
//! 1. Long-poll the change feed from the stored sequence
//!    (`GET /api/v1/events?after=<seq>&wait=<s>`).
//! 2. For each `no.helsedata.task.*` event, fetch the task
//!    (`GET /api/v1/tasks/{id}`: state, source, decision, project, contact).
//! 3. If it is ASSIGNED, acknowledge it with its ETag
//!    (`POST /api/v1/tasks/{id}/acknowledge`, `If-Match`); a 412 means it
//!    changed meanwhile: fetch again and retry; a 409 means someone else
//!    (another instance of this client) already did.
//! 4. Store the feed's `nextAfter` (atomically: write a temporary file, then
//!    rename), so a restart continues where it stopped: at-least-once
//!    processing, and acknowledging twice is harmless.
//!
//! With [`CustodianClient::checking_contract`] it also holds every response
//! it receives to the contract the server serves (`/api/v1/openapi.json`):
//! a response the spec does not document is an error. The black-box tests
//! run it that way.

use std::path::{Path, PathBuf};
use std::time::Duration;

use hds_contract::{Contract, Observed};
use reqwest::blocking::{Client, RequestBuilder};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Where and as whom the client works.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// e.g. `http://127.0.0.1:8080`
    pub base: String,
    /// A Maskinporten token with the CUSTODIAN role.
    pub token: String,
    /// The file that keeps the feed sequence.
    pub state_file: PathBuf,
    /// Long-poll wait in seconds (0 to 30).
    pub wait_seconds: u32,
}

/// What one round did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Round {
    /// Feed events read.
    pub events: usize,
    /// Task ids acknowledged by this round.
    pub acknowledged: Vec<String>,
    /// Task ids fetched (each task once per round).
    pub fetched: Vec<String>,
    /// The sequence stored at the end.
    pub sequence: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("HTTP: {0}")]
    Http(#[from] reqwest::Error),
    #[error("state file: {0}")]
    Io(#[from] std::io::Error),
    #[error("unexpected answer {status} from {what}: {body}")]
    Unexpected {
        what: String,
        status: u16,
        body: String,
    },
    #[error("{0}")]
    Contract(String),
    #[error("not JSON: {0}")]
    Json(#[from] serde_json::Error),
}

pub fn load_sequence(path: &Path) -> Result<i64, ClientError> {
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(s.trim().parse().unwrap_or(0)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(e.into()),
    }
}

pub fn store_sequence(path: &Path, sequence: i64) -> Result<(), ClientError> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, sequence.to_string())?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

pub struct CustodianClient {
    config: ClientConfig,
    http: Client,
    contract: Option<Contract>,
}

/// A response, read whole.
struct Answer {
    status: StatusCode,
    etag: String,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Result<Value, ClientError> {
        Ok(serde_json::from_slice(&self.body)?)
    }
}

fn unexpected(what: &str, r: &Answer) -> ClientError {
    ClientError::Unexpected {
        what: what.to_owned(),
        status: r.status.as_u16(),
        body: String::from_utf8_lossy(&r.body).into_owned(),
    }
}

impl CustodianClient {
    pub fn new(config: ClientConfig) -> Result<Self, ClientError> {
        let http = Client::builder()
            // the long poll plus a margin
            .timeout(Duration::from_secs(u64::from(config.wait_seconds) + 15))
            .build()?;
        Ok(Self {
            config,
            http,
            contract: None,
        })
    }

    /// Holds every response from now on to the contract the server serves.
    pub fn checking_contract(mut self) -> Result<Self, ClientError> {
        let spec: Value = self
            .http
            .get(self.url("/api/v1/openapi.json"))
            .send()?
            .json()?;
        self.contract = Some(Contract::new(spec));
        Ok(self)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base)
    }

    /// Sends a request with the token, reads the answer, and (when checking)
    /// holds it to the contract.
    fn send(&self, request: RequestBuilder) -> Result<Answer, ClientError> {
        let request = request.bearer_auth(&self.config.token).build()?;
        let (method, path) = (request.method().clone(), request.url().path().to_owned());
        let r = self.http.execute(request)?;
        let status = r.status();
        let header = |name| {
            r.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let (etag, content_type) = (header("etag"), header("content-type"));
        let body = r.bytes()?.to_vec();
        if let Some(contract) = &self.contract {
            let seen = Observed {
                method: method.as_str(),
                path: &path,
                status: status.as_u16(),
                content_type: Some(content_type.as_str()).filter(|c| !c.is_empty()),
                body: &body,
            };
            contract
                .check(&seen)
                .map_err(|v| ClientError::Contract(v.to_string()))?;
        }
        Ok(Answer { status, etag, body })
    }

    /// One long poll of the feed and the work it brings.
    pub fn round(&self) -> Result<Round, ClientError> {
        let after = load_sequence(&self.config.state_file)?;
        let r = self.send(self.http.get(self.url(&format!(
            "/api/v1/events?after={after}&limit=100&wait={}",
            self.config.wait_seconds
        ))))?;
        if r.status != StatusCode::OK {
            return Err(unexpected("the feed", &r));
        }
        let page = r.json()?;
        let items = page["items"].as_array().cloned().unwrap_or_default();
        let mut round = Round {
            events: items.len(),
            ..Round::default()
        };
        for event in &items {
            let is_task = event["type"]
                .as_str()
                .is_some_and(|t| t.starts_with("no.helsedata.task."));
            let Some(task_id) = event["data"]["taskId"].as_str().filter(|_| is_task) else {
                continue;
            };
            if round.fetched.iter().any(|t| t == task_id) {
                continue;
            }
            round.fetched.push(task_id.to_owned());
            if self.acknowledge_if_assigned(task_id)? {
                round.acknowledged.push(task_id.to_owned());
            }
        }
        let next = page["nextAfter"].as_i64().unwrap_or(after);
        store_sequence(&self.config.state_file, next)?;
        round.sequence = next;
        Ok(round)
    }

    /// Fetches the task and acknowledges it if it is ASSIGNED. True when
    /// this call acknowledged it.
    pub fn acknowledge_if_assigned(&self, task_id: &str) -> Result<bool, ClientError> {
        for _attempt in 0..3 {
            let r = self.send(self.http.get(self.url(&format!("/api/v1/tasks/{task_id}"))))?;
            if r.status == StatusCode::NOT_FOUND {
                return Ok(false);
            }
            if r.status != StatusCode::OK {
                return Err(unexpected("a task", &r));
            }
            let task = r.json()?;
            if task["state"] != "ASSIGNED" {
                return Ok(false);
            }
            let r = self.send(
                self.http
                    .post(self.url(&format!("/api/v1/tasks/{task_id}/acknowledge")))
                    .header("If-Match", &r.etag)
                    .json(&json!({"note": "acknowledged by the reference client"})),
            )?;
            match r.status {
                StatusCode::OK => return Ok(true),
                // changed since we read it: read again
                StatusCode::PRECONDITION_FAILED => {}
                // acknowledged (or closed) by someone else meanwhile
                StatusCode::CONFLICT => return Ok(false),
                _ => return Err(unexpected("acknowledge", &r)),
            }
        }
        Ok(false)
    }
}
