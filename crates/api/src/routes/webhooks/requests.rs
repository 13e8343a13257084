//! What custodian systems send: an endpoint to register (and its checks)
//! and the query of the delivery log.

use hds_domain::webhook::check_url;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, FieldError, Text};

/// A webhook to register.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewWebhook {
    /// HTTPS address of the receiver (public hosts only; `http://` to
    /// loopback is allowed in the local default).
    #[schema(example = "https://api.fhi.no/hds/webhooks")]
    pub url: String,
    /// Feed event types to deliver (empty or absent: all).
    #[serde(default)]
    #[schema(example = json!(["no.helsedata.task.assigned"]))]
    pub event_types: Vec<String>,
}

pub(super) fn validate(body: &NewWebhook, allow_loopback: bool) -> Result<(), ApiError> {
    let mut problems = Vec::new();
    if let Err(problem) = check_url(body.url.trim(), allow_loopback) {
        problems.push(FieldError::new(
            "/url",
            "INVALID_WEBHOOK_URL",
            Text::new(problem.nb(), problem.to_string()),
        ));
    }
    for (i, kind) in body.event_types.iter().enumerate() {
        let valid = kind.starts_with("no.helsedata.")
            && kind.len() <= 200
            && kind
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_');
        if !valid {
            problems.push(FieldError::new(
                format!("/eventTypes/{i}"),
                "INVALID_EVENT_TYPE",
                Text::new(
                    "en hendelsestype ser slik ut: no.helsedata.task.assigned",
                    "an event type looks like no.helsedata.task.assigned",
                ),
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(problems))
    }
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesQuery {
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// From `nextCursor` of the previous page.
    pub cursor: Option<String>,
}
