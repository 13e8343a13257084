//! The caller's contact address and language for notifications
//! (kontaktadresse for varsler): set it, then verify it with the code sent
//! to it. Only a verified address gets messages; until then the timeline is
//! the applicant's only channel.

use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use hds_domain::notification::{code_from, CodeCheck, Language};
use hds_persistence::notifications::contacts::{self, ContactRow, SetOutcome, Verification, Who};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::access::applicant;
use crate::auth::Principal;
use crate::error::{ApiError, FieldError, Text};
use crate::extract::ApiJson;
use crate::field_rules;
use crate::http::etag::{json_with_etag, PRIVATE_NO_CACHE};
use crate::http::request_id::request_id;
use crate::spec::{Conflict, IfNoneMatch};
use crate::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_contact)
        .service(set_contact)
        .service(verify_contact);
}

/// The language of messages (språk for varsler).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MessageLanguage {
    /// Norsk bokmål.
    Nb,
    /// English.
    En,
}

impl MessageLanguage {
    fn domain(self) -> Language {
        match self {
            Self::Nb => Language::Nb,
            Self::En => Language::En,
        }
    }

    fn of(code: &str) -> Self {
        if Language::parse(code) == Some(Language::En) {
            Self::En
        } else {
            Self::Nb
        }
    }
}

/// The caller's contact address for notifications (kontaktadresse).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// The verified address messages go to; absent until one is verified
    /// (then the timeline is the only channel).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "ola.nordmann@uio.no")]
    pub email: Option<String>,
    /// Whether messages are sent (there is a verified address).
    pub verified: bool,
    pub language: MessageLanguage,
    /// An address waiting for its code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_email: Option<String>,
    /// When the pending address's code expires.
    #[serde(
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub code_expires_at: Option<OffsetDateTime>,
}

impl Contact {
    fn of(row: Option<ContactRow>) -> Self {
        match row {
            None => Self {
                email: None,
                verified: false,
                language: MessageLanguage::Nb,
                pending_email: None,
                code_expires_at: None,
            },
            Some(row) => Self {
                verified: row.email.is_some(),
                email: row.email,
                language: MessageLanguage::of(&row.language),
                pending_email: row.pending_email,
                code_expires_at: row.code_expires_at,
            },
        }
    }
}

/// The address and language to use. A new address gets a six-digit code by
/// e-mail, valid for 30 minutes; messages go to it once the code is given.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactUpdate {
    /// The address (absent: change only the language).
    #[validate(email, length(max = 254))]
    #[schema(example = "ola.nordmann@uio.no")]
    pub email: Option<String>,
    pub language: MessageLanguage,
}

/// The code from the message.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactVerification {
    #[schema(example = "042917")]
    pub code: String,
}

/// The caller's contact address and language for notifications.
#[utoipa::path(tag = "me", operation_id = "get_contact", security(("bearerAuth" = ["APPLICANT"])),
    params(IfNoneMatch),
    responses((status = 200, description = "The contact address", body = Contact)))]
#[get("/me/contact")]
async fn get_contact(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let row = state
        .run(move |conn| contacts::find(conn, &pid).map_err(ApiError::from))
        .await?;
    json_with_etag(&req, &Contact::of(row), PRIVATE_NO_CACHE)
}

/// Set the address and language for notifications; a new address is
/// verified with a code sent to it (`POST /me/contact/verification`). At
/// most five codes an hour (409 after that, nothing changed).
#[utoipa::path(tag = "me", operation_id = "set_contact", security(("bearerAuth" = ["APPLICANT"])),
    request_body = ContactUpdate,
    responses(
        (status = 200, description = "The contact address; a code was sent to a new one", body = Contact),
        (status = 409, response = Conflict),
    ))]
#[put("/me/contact")]
async fn set_contact(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    body: ApiJson<ContactUpdate>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let body = body.0;
    let problems = field_rules::check(&body);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let email = body.email.map(|e| e.trim().to_owned());
    let code = code_from(rand::random());
    let at = state.clock.now();
    let (actor, request_id) = (principal.actor(), request_id(&req));
    let outcome = state
        .run(move |conn| {
            contacts::set(
                conn,
                &pid,
                email.as_deref(),
                body.language.domain(),
                &code,
                at,
                Who {
                    actor: &actor,
                    request_id: request_id.as_deref(),
                },
            )
            .map_err(ApiError::from)
        })
        .await?;
    match outcome {
        SetOutcome::Done(row) => Ok(HttpResponse::Ok().json(Contact::of(Some(row)))),
        SetOutcome::TooManyCodes { retry_after } => {
            let when = retry_after
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            Err(ApiError::conflict(Text::new(
                format!("for mange koder på kort tid; be om en ny etter {when}"),
                format!("too many codes asked for lately; ask again after {when}"),
            )))
        }
    }
}

fn code_problem(code: &str, nb: String, en: String) -> ApiError {
    ApiError::validation(vec![FieldError::new("/code", code, Text::new(nb, en))])
}

/// Verify the pending address with the code sent to it. A wrong code counts
/// a try (five in all); an expired code, or one tried too often, needs a
/// new one (`PUT /me/contact` again). Nothing else changes on a refusal.
#[utoipa::path(tag = "me", operation_id = "verify_contact", security(("bearerAuth" = ["APPLICANT"])),
    request_body = ContactVerification,
    responses(
        (status = 200, description = "Verified: messages go to this address", body = Contact),
        (status = 409, response = Conflict),
    ))]
#[post("/me/contact/verification")]
async fn verify_contact(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    body: ApiJson<ContactVerification>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let code = body.0.code.trim().to_owned();
    let at = state.clock.now();
    let (actor, request_id) = (principal.actor(), request_id(&req));
    let (outcome, row) = state
        .run(move |conn| {
            let who = Who {
                actor: &actor,
                request_id: request_id.as_deref(),
            };
            let outcome = contacts::verify(conn, &pid, &code, at, who)?;
            Ok((outcome, contacts::find(conn, &pid)?))
        })
        .await?;
    match outcome {
        Verification::NothingPending => Err(ApiError::conflict(Text::new(
            "ingen adresse venter på bekreftelse; sett adressen først (PUT /api/v1/me/contact)",
            "no address waits for a code; set the address first (PUT /api/v1/me/contact)",
        ))),
        Verification::Checked(CodeCheck::Verified) => Ok(HttpResponse::Ok().json(Contact::of(row))),
        Verification::Checked(CodeCheck::Wrong { left }) => Err(code_problem(
            "WRONG_CODE",
            format!("koden stemmer ikke; {left} forsøk igjen"),
            format!("the code is not right; {left} tries left"),
        )),
        Verification::Checked(CodeCheck::Expired) => Err(code_problem(
            "CODE_EXPIRED",
            "koden er utløpt; be om en ny".into(),
            "the code has expired; ask for a new one".into(),
        )),
        Verification::Checked(CodeCheck::TooManyAttempts) => Err(code_problem(
            "TOO_MANY_ATTEMPTS",
            "for mange feil forsøk; be om en ny kode".into(),
            "too many wrong tries; ask for a new code".into(),
        )),
    }
}
