//! Case handling (saksbehandling) for HDS case handlers: the work queue, the
//! case file, and the commands that move a case (assign, complete, ask,
//! postpone, note, decide, reconsider an appeal, close). And the applicant's
//! two commands on their case: answer a question, appeal.
//!
//! Every command is a POST with `If-Match` (the case's ETag `"v<version>"`,
//! checked inside the transaction that writes: 412 to the loser of a race).
//! The state machine (`hds_domain::case`) decides; a refused transition is a
//! 409 whose detail is the domain's reason.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use diesel::Connection;
use hds_domain::calendar::oslo_date;
use hds_domain::case::{allowed_commands, CaseState, DecisionOutcome};
use hds_domain::identity::NationalId;
use hds_persistence::cases::{
    self as repo, Authority, CaseError, CaseRecord, Ctx, NewReconsideration, NewSourceDecision,
    QueueFilter,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::access::{applicant, case_handler, handler_id};
use crate::auth::Principal;
use crate::error::check_free_text;
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::{ApiJson, ApiQuery};
use crate::http::etag::{self, PRIVATE_NO_CACHE};
use crate::http::pagination::{self, Page};
use crate::http::request_id::request_id;
use crate::state::{case_rules, AppState};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_cases)
        .service(read_case)
        .service(assign_case)
        .service(mark_case_complete)
        .service(ask_question)
        .service(postpone_case)
        .service(add_case_note)
        .service(decide_case)
        .service(reconsider_appeal)
        .service(close_case)
        .service(answer_question)
        .service(appeal_case);
}

impl From<CaseError> for ApiError {
    fn from(e: CaseError) -> Self {
        match e {
            CaseError::Store(e) => e.into(),
            CaseError::Refused(e) => ApiError::conflict(e.to_string()),
            CaseError::Conflict(m) => ApiError::conflict(m),
            CaseError::Invalid(problems) => ApiError::validation(
                problems
                    .into_iter()
                    .map(|p| FieldError::new(p.pointer, p.code, p.message))
                    .collect(),
            ),
        }
    }
}

// ------------------------------------------------------------------ DTOs

/// A case handler, by a pseudonymous id derived from their national
/// identity number (the number itself is never stored or shown).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HandlerRef {
    #[schema(example = "h-3f2a9c0d1e2b4a5c")]
    pub id: String,
    pub name: Option<String>,
}

/// One case in the work queue (arbeidsliste).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseSummary {
    pub id: Uuid,
    pub application_id: Uuid,
    #[schema(example = "HDS-2026-000001")]
    pub case_number: String,
    /// A `CaseState` code: SUBMITTED, AWAITING_APPLICANT, UNDER_REVIEW, DECIDED,
    /// REJECTED_NO_REPLY, WITHDRAWN, APPEALED, FORWARDED_TO_APPEALS_BODY, CLOSED.
    #[schema(example = "UNDER_REVIEW")]
    pub status: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub received_at: OffsetDateTime,
    #[schema(value_type = String, format = Date)]
    pub received_on: Date,
    pub assignee: Option<HandlerRef>,
    /// Day 0 of the statutory clock (komplett søknad).
    #[schema(value_type = Option<String>, format = Date)]
    pub completed_on: Option<Date>,
    /// The statutory deadline (lovpålagt frist), moved by pauses.
    #[schema(value_type = Option<String>, format = Date)]
    pub statutory_deadline: Option<Date>,
    /// When the case is due: the postponed date or the statutory deadline.
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<Date>,
    /// Working days from today to the due date (negative: overdue).
    pub working_days_left: Option<i64>,
    pub overdue: bool,
    /// The clock is paused while a question waits.
    pub clock_paused: bool,
    /// The data sources' codes.
    pub data_sources: Vec<String>,
    /// The custodians' codes.
    pub custodians: Vec<String>,
    /// Also the ETag (`"v<version>"`): send it as If-Match with a command.
    pub version: i32,
}

/// A data source of the case.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseSourceView {
    pub data_source: String,
    pub name_nb: String,
    pub name_en: String,
    pub custodian: String,
    pub custodian_name: String,
    /// HDS, or CUSTODIAN (the custodian decides through a DECISION task).
    pub decision_authority: String,
    /// What the application asks for (variables, period).
    #[schema(value_type = Object)]
    pub requested: Value,
}

/// A question to the applicant (spørsmål til søker).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QuestionView {
    pub id: Uuid,
    pub text: String,
    #[schema(value_type = String, format = Date)]
    pub asked_on: Date,
    /// 10 working days after it was asked.
    #[schema(value_type = String, format = Date)]
    pub reply_deadline: Date,
    pub clock_paused: bool,
    /// The reminder (purring), if sent, and its deadline (5 more working days).
    #[schema(value_type = Option<String>, format = Date)]
    pub reminder_sent_on: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub reminder_reply_deadline: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub answered_on: Option<Date>,
    pub answer: Option<String>,
    /// Why it closed without an answer: REJECTED_NO_REPLY, REJECTION_LIFTED, WITHDRAWN.
    pub closed_without_answer: Option<String>,
}

/// A decision (vedtak) for one data source.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DecisionView {
    pub data_source: String,
    /// 1 for the first decision; a reversal on appeal makes the next round.
    pub round: i32,
    pub current: bool,
    pub outcome: Outcome,
    pub legal_basis: Vec<String>,
    pub conditions: Vec<String>,
    pub text: String,
    pub granted_variables: Option<Vec<String>>,
    pub granted_period_from: Option<i32>,
    pub granted_period_to: Option<i32>,
    #[schema(value_type = String, format = Date)]
    pub decided_on: Date,
    /// HDS or CUSTODIAN.
    pub decided_by: String,
}

/// A custodian's task on the case.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskView {
    pub id: Uuid,
    /// DECISION or DATA_PREPARATION.
    pub kind: String,
    /// ASSIGNED, ACKNOWLEDGED, IN_PREPARATION, DELIVERED, CANNOT_DELIVER, CANCELLED.
    pub state: String,
    pub custodian: String,
    pub data_source: String,
}

/// One entry of the case's full history (saksgang), internal entries included.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub id: i64,
    /// E.g. SUBMITTED, ASSIGNED, MARKED_COMPLETE, QUESTION_ASKED, REMINDER_SENT,
    /// NOTE_ADDED, POSTPONED, SOURCES_DECIDED, DECIDED, OVERDUE, APPEALED.
    pub kind: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: OffsetDateTime,
    /// Who: `person:<masked>`, `system:job-runner`, ...
    pub actor: String,
    pub visible_to_applicant: bool,
    pub status_before: Option<String>,
    pub status_after: Option<String>,
    #[schema(value_type = Object)]
    pub details: Value,
}

/// The case file (saksmappe) as a case handler sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseDetail {
    #[serde(flatten)]
    pub summary: CaseSummary,
    /// SINGLE_SOURCE (30 working days) or IDENTIFIABLE_DATA_FROM_SEVERAL_REGISTERS /
    /// STATISTICS_FROM_SEVERAL_SOURCES (60).
    pub linkage: Option<String>,
    /// The latest postponement (foreløpig svar).
    #[schema(value_type = Option<String>, format = Date)]
    pub postponed_on: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub postponement_expected_on: Option<Date>,
    pub postponement_reason: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub decided_on: Option<Date>,
    /// The last day to appeal the decision (klagefrist).
    #[schema(value_type = Option<String>, format = Date)]
    pub appeal_deadline: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub rejected_on: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub rejection_appeal_deadline: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub appealed_on: Option<Date>,
    /// DECISION or REJECTION.
    pub appeal_against: Option<String>,
    /// The day the appeal went to Helseklage.
    #[schema(value_type = Option<String>, format = Date)]
    pub forwarded_on: Option<Date>,
    /// The commands the state machine allows now.
    pub allowed_commands: Vec<String>,
    pub sources: Vec<CaseSourceView>,
    pub questions: Vec<QuestionView>,
    pub decisions: Vec<DecisionView>,
    pub tasks: Vec<TaskView>,
    /// The frozen submitted application.
    #[schema(value_type = Object)]
    pub application: Value,
    pub history: Vec<HistoryEntry>,
}

/// A decision outcome.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    /// Innvilget.
    Granted,
    /// Delvis innvilget: say which variables or period.
    PartlyGranted,
    /// Avslag.
    Refused,
}

impl From<Outcome> for DecisionOutcome {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Granted => Self::Granted,
            Outcome::PartlyGranted => Self::PartlyGranted,
            Outcome::Refused => Self::Refused,
        }
    }
}

fn outcome_of(code: &str) -> Outcome {
    match code {
        "GRANTED" => Outcome::Granted,
        "PARTLY_GRANTED" => Outcome::PartlyGranted,
        _ => Outcome::Refused,
    }
}

/// Query of the work queue.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Comma-separated statuses; default every case not CLOSED or WITHDRAWN.
    pub status: Option<String>,
    /// `me`, `none` (unassigned), or a handler id.
    pub assignee: Option<String>,
    /// A data source code, e.g. `NPR`.
    pub data_source: Option<String>,
    /// A custodian code, e.g. `FHI`.
    pub custodian: Option<String>,
    /// Due before this date (YYYY-MM-DD).
    pub due_before: Option<String>,
    /// `true`: only cases whose due date has passed (clock not paused).
    pub overdue: Option<bool>,
    /// Only cases due within this many working days from today (not yet overdue).
    pub at_risk_within: Option<u32>,
    /// From `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
}

/// Assign the case (tildele). Without `nationalId`: to yourself.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssignRequest {
    /// Another handler's national identity number (never stored: the case
    /// keeps a pseudonymous handler id).
    pub national_id: Option<String>,
    /// The other handler's name, as shown in the queue.
    pub name: Option<String>,
    /// `true`: remove the assignment.
    #[serde(default)]
    pub unassign: bool,
}

/// Mark the application complete (komplett).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CompleteRequest {
    /// The day the application became complete (day 0); default today
    /// (Europe/Oslo). Not in the future.
    #[schema(value_type = Option<String>, format = Date)]
    pub completed_on: Option<String>,
}

/// A question to the applicant; they have 10 working days to answer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QuestionRequest {
    pub text: String,
}

/// A postponement with a preliminary reply (foreløpig svar).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PostponeRequest {
    /// The new expected date; later than the current due date.
    #[schema(value_type = String, format = Date)]
    pub expected_on: String,
    /// Why, in words the applicant reads.
    pub reason: String,
}

/// An internal note (intern merknad); never shown to the applicant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NoteRequest {
    pub text: String,
}

/// The decision for one data source.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SourceDecisionInput {
    #[schema(example = "MFR")]
    pub data_source: String,
    pub outcome: Outcome,
    /// Legal basis references (hjemmel), at least one.
    #[schema(example = json!(["helseregisterloven § 19 a", "helseforskningsloven § 33"]))]
    pub legal_basis: Vec<String>,
    /// Conditions (vilkår) of a grant.
    #[serde(default)]
    pub conditions: Vec<String>,
    /// The decision text (vedtakstekst).
    pub text: String,
    /// For PARTLY_GRANTED: the variables granted (a subset of those asked for).
    pub granted_variables: Option<Vec<String>>,
    /// For PARTLY_GRANTED: the period granted.
    pub granted_period_from: Option<i32>,
    pub granted_period_to: Option<i32>,
}

/// Decisions (vedtak) per data source.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DecideRequest {
    pub decisions: Vec<SourceDecisionInput>,
}

/// The result of reconsidering an appeal.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReconsiderationResult {
    /// Omgjort: new decisions replace the old.
    Reversed,
    /// The rejection for no reply is lifted; handling resumes.
    RejectionLifted,
    /// Opprettholdt: the appeal goes to Helseklage, dated today.
    Upheld,
}

/// HDS's reconsideration of an appeal (klagebehandling).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReconsiderRequest {
    pub result: ReconsiderationResult,
    /// For REVERSED: the new decisions for every source HDS decides.
    pub decisions: Option<Vec<SourceDecisionInput>>,
    /// Why, for the applicant.
    pub reason: Option<String>,
}

/// The applicant's answer to a question.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnswerRequest {
    pub answer: String,
}

/// The applicant's appeal (klage).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppealRequest {
    /// The grounds of the appeal.
    pub grounds: String,
}

/// The applicant's view of their case after a command.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicantCaseView {
    pub id: Uuid,
    pub case_number: String,
    pub status: String,
    /// Also the ETag.
    pub version: i32,
}

// --------------------------------------------------------------- helpers

fn ctx<'a>(actor: &'a str, at: OffsetDateTime, request_id: Option<&'a str>) -> Ctx<'a> {
    Ctx {
        actor,
        at,
        request_id,
    }
}

fn parse_date(raw: &str, pointer: &str) -> Result<Date, FieldError> {
    Date::parse(
        raw.trim(),
        &time::format_description::well_known::Iso8601::DATE,
    )
    .map_err(|_| FieldError::new(pointer, "INVALID_DATE", "expected a date YYYY-MM-DD"))
}

fn decisions_input(
    given: Vec<SourceDecisionInput>,
    pointer: &str,
    problems: &mut Vec<FieldError>,
) -> Vec<NewSourceDecision> {
    // The rules (sources, authority, legal basis, text, partial grants) are
    // the domain's, checked against the case; here only the privacy guard
    // and lengths.
    for (i, d) in given.iter().enumerate() {
        if !d.text.trim().is_empty() {
            check_free_text(&d.text, &format!("{pointer}/{i}/text"), 20_000, problems);
        }
        for (j, c) in d.conditions.iter().enumerate() {
            check_free_text(c, &format!("{pointer}/{i}/conditions/{j}"), 2_000, problems);
        }
    }
    given
        .into_iter()
        .map(|d| NewSourceDecision {
            data_source: d.data_source.trim().to_ascii_uppercase(),
            outcome: d.outcome.into(),
            legal_basis: d
                .legal_basis
                .into_iter()
                .map(|b| b.trim().to_owned())
                .filter(|b| !b.is_empty())
                .collect(),
            conditions: d.conditions,
            text: d.text,
            granted_variables: d.granted_variables,
            granted_period_from: d.granted_period_from,
            granted_period_to: d.granted_period_to,
        })
        .collect()
}

fn summary(
    rec: &CaseRecord,
    codes: &[(Uuid, String, String)],
    rules: &hds_domain::case::CaseRules,
    today: Date,
) -> CaseSummary {
    let mut data_sources: Vec<String> = Vec::new();
    let mut custodians: Vec<String> = Vec::new();
    for (_, s, c) in codes.iter().filter(|(id, _, _)| *id == rec.id) {
        data_sources.push(s.clone());
        if !custodians.contains(c) {
            custodians.push(c.clone());
        }
    }
    CaseSummary {
        id: rec.id,
        application_id: rec.application_id,
        case_number: rec.case_number.clone(),
        status: rec.status.clone(),
        received_at: rec.received_at,
        received_on: rec.received_on,
        assignee: rec.assignee.as_ref().map(|id| HandlerRef {
            id: id.clone(),
            name: rec.assignee_name.clone(),
        }),
        completed_on: rec.completed_on,
        statutory_deadline: rec.statutory_deadline,
        due_on: rec.due_on,
        working_days_left: rec
            .due_on
            .map(|due| rules.calendar.working_days_between(today, due)),
        overdue: rec.due_on.is_some_and(|due| today > due) && !rec.clock_paused,
        clock_paused: rec.clock_paused,
        data_sources,
        custodians,
        version: rec.version,
    }
}

/// Loads the whole case file.
#[allow(clippy::too_many_lines)] // one field after the other
fn detail(
    conn: &mut diesel::PgConnection,
    state_config: &crate::config::Config,
    id: Uuid,
    today: Date,
) -> Result<CaseDetail, ApiError> {
    let rules = case_rules(state_config, conn)?;
    let rec = repo::find(conn, id)?;
    let codes = repo::source_codes(conn, &[id])?;
    let sources = repo::sources(conn, id)?;
    let questions = repo::questions(conn, id)?;
    let decisions = repo::decisions(conn, id)?;
    let tasks = repo::tasks(conn, id)?;
    let application = repo::snapshot(conn, &rec)?;
    let history = repo::history(conn, id)?;
    let details = rec.details();
    let allowed = rec
        .status
        .parse::<CaseState>()
        .map(|s| {
            allowed_commands(s)
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect()
        })
        .unwrap_or_default();
    Ok(CaseDetail {
        summary: summary(&rec, &codes, &rules, today),
        linkage: rec.linkage.clone(),
        postponed_on: details.postponed_on,
        postponement_expected_on: rec.postponement_expected_on,
        postponement_reason: details.postponement_reason,
        decided_on: rec.decided_on,
        appeal_deadline: rec.decision_appeal_deadline,
        rejected_on: details.rejected_on,
        rejection_appeal_deadline: details.rejection_appeal_deadline,
        appealed_on: details.appealed_on,
        appeal_against: details.appeal_against,
        forwarded_on: details.forwarded_on,
        allowed_commands: allowed,
        sources: sources
            .into_iter()
            .map(|s| CaseSourceView {
                data_source: s.code,
                name_nb: s.name_nb,
                name_en: s.name_en,
                custodian: s.custodian_code,
                custodian_name: s.custodian_name,
                decision_authority: s.decision_authority,
                requested: s.requested,
            })
            .collect(),
        questions: questions
            .into_iter()
            .map(|q| QuestionView {
                id: q.id,
                text: q.text,
                asked_on: q.asked_on,
                reply_deadline: q.reply_deadline,
                clock_paused: q.clock_paused,
                reminder_sent_on: q.reminder_sent_on,
                reminder_reply_deadline: q.reminder_reply_deadline,
                answered_on: q.answered_on,
                answer: q.answer,
                closed_without_answer: q.closed_without_answer,
            })
            .collect(),
        decisions: decisions
            .into_iter()
            .map(|(d, code)| DecisionView {
                data_source: code,
                round: d.round,
                current: d.round == rec.decision_round,
                outcome: outcome_of(&d.outcome),
                legal_basis: d.legal_basis,
                conditions: d.conditions,
                text: d.text,
                granted_variables: d.granted_variables,
                granted_period_from: d.granted_period_from,
                granted_period_to: d.granted_period_to,
                decided_on: d.decided_on,
                decided_by: d.authority,
            })
            .collect(),
        tasks: tasks
            .into_iter()
            .map(|(t, custodian, source)| TaskView {
                id: t.id,
                kind: t.kind,
                state: t.state,
                custodian,
                data_source: source,
            })
            .collect(),
        application,
        history: history
            .into_iter()
            .map(|e| HistoryEntry {
                id: e.id,
                kind: e.kind,
                occurred_at: e.occurred_at,
                actor: e.actor,
                visible_to_applicant: e.visible_to_applicant,
                status_before: e.status_before,
                status_after: e.status_after,
                details: e.data,
            })
            .collect(),
    })
}

/// Runs a handler command in one transaction, then answers with the case
/// file and its new ETag.
async fn handler_command<F>(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    principal: &Principal,
    require_version: bool,
    work: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(
            &mut diesel::PgConnection,
            Option<i32>,
            &Ctx<'_>,
            &hds_domain::case::CaseRules,
        ) -> Result<CaseRecord, ApiError>
        + Send
        + 'static,
{
    case_handler(principal)?;
    let version = if require_version {
        Some(etag::required_version(req)?)
    } else {
        None
    };
    let actor = principal.actor();
    let request_id = request_id(req);
    let at = state.clock.now();
    let config = state.config.clone();
    let view = state
        .run(move |conn| {
            let rec = conn.transaction::<_, ApiError, _>(|conn| {
                let rules = case_rules(&config, conn)?;
                let ctx = ctx(&actor, at, request_id.as_deref());
                work(conn, version, &ctx, &rules)
            })?;
            detail(conn, &config, rec.id, oslo_date(at))
        })
        .await?;
    let version = view.summary.version;
    etag::json_versioned(req, &view, version, PRIVATE_NO_CACHE)
}

fn v(version: Option<i32>) -> Result<i32, ApiError> {
    version.ok_or_else(ApiError::precondition_required)
}

// -------------------------------------------------------------- handlers

/// The work queue (arbeidsliste): cases sorted by due date (cases without
/// one last), with filters. Case handlers only.
#[utoipa::path(tag = "cases", operation_id = "list_cases", security(("bearerAuth" = [])),
    params(QueueQuery),
    responses(
        (status = 200, description = "One page of the queue", body = Page<CaseSummary>),
        (status = 400, description = "A malformed filter or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a case handler", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/cases")]
async fn list_cases(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    query: ApiQuery<QueueQuery>,
) -> Result<HttpResponse, ApiError> {
    let (me, _) = case_handler(&principal)?;
    let q = query.0;
    let limit = pagination::limit(q.limit)?;
    let today = oslo_date(state.clock.now());
    let mut filter = QueueFilter::default();
    if let Some(raw) = q.status.as_deref() {
        for s in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let state: CaseState = s.parse().map_err(|_| {
                ApiError::bad_parameter(
                    "/query/status",
                    "UNKNOWN_STATUS",
                    format!("unknown status {s}"),
                )
            })?;
            filter.statuses.push(state.as_str().to_owned());
        }
    }
    filter.assignee = match q.assignee.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("me") => Some(Some(me)),
        Some("none") => Some(None),
        Some(id) if id.starts_with("h-") => Some(Some(id.to_owned())),
        Some(_) => {
            return Err(ApiError::bad_parameter(
                "/query/assignee",
                "INVALID_ASSIGNEE",
                "assignee is me, none, or a handler id (h-...)",
            ))
        }
    };
    filter.data_source = q.data_source.map(|s| s.trim().to_ascii_uppercase());
    filter.custodian = q.custodian.map(|s| s.trim().to_ascii_uppercase());
    if let Some(raw) = q.due_before.as_deref() {
        filter.due_before =
            Some(parse_date(raw, "/query/dueBefore").map_err(|e| {
                ApiError::bad_parameter("/query/dueBefore", "INVALID_DATE", e.message)
            })?);
    }
    if q.overdue == Some(true) {
        filter.overdue_on = Some(today);
    }
    if let Some(cursor) = pagination::decode_cursor(q.cursor.as_deref())? {
        let bad = || {
            ApiError::bad_parameter(
                "/query/cursor",
                "INVALID_CURSOR",
                "cursor is not one this API gave out",
            )
        };
        let (d, id) = cursor.split_once('|').ok_or_else(bad)?;
        let d = parse_date(d, "/query/cursor").map_err(|_| bad())?;
        let id = id.parse::<Uuid>().map_err(|_| bad())?;
        filter.after = Some((d, id));
    }
    let at_risk = q.at_risk_within;
    if at_risk.is_some_and(|n| n > 366) {
        return Err(ApiError::bad_parameter(
            "/query/atRiskWithin",
            "OUT_OF_RANGE",
            "atRiskWithin is 0 to 366 working days",
        ));
    }
    let config = state.config.clone();
    let (rows, codes, rules) = state
        .run(move |conn| {
            let rules = case_rules(&config, conn)?;
            if let Some(n) = at_risk {
                filter.at_risk = Some((today, rules.calendar.add_working_days(today, n)));
            }
            let rows = repo::queue(conn, &filter, limit)?;
            let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
            let codes = repo::source_codes(conn, &ids)?;
            Ok((rows, codes, rules))
        })
        .await?;
    let page = pagination::page(rows, limit, |r| format!("{}|{}", r.queue_due_on, r.id));
    let body = Page {
        items: page
            .items
            .iter()
            .map(|r| summary(r, &codes, &rules, today))
            .collect(),
        next_cursor: page.next_cursor,
    };
    etag::json_with_etag(&req, &body, PRIVATE_NO_CACHE)
}

/// The case file: the submitted application, sources, deadlines, questions,
/// decisions, custodian tasks and the full history with internal notes.
#[utoipa::path(tag = "cases", operation_id = "read_case", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "The case's id")),
    responses(
        (status = 200, description = "The case; `ETag: \"v<version>\"`", body = CaseDetail),
        (status = 403, description = "Not a case handler", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/cases/{id}")]
async fn read_case(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    case_handler(&principal)?;
    let id = id.into_inner();
    let today = oslo_date(state.clock.now());
    let config = state.config.clone();
    let view = state
        .run(move |conn| detail(conn, &config, id, today))
        .await?;
    let version = view.summary.version;
    etag::json_versioned(&req, &view, version, PRIVATE_NO_CACHE)
}

/// Assign the case to yourself or another handler, or unassign it.
#[utoipa::path(tag = "cases", operation_id = "assign_case", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        ("If-Match" = String, Header, description = "The case's ETag last read"),
    ),
    request_body = AssignRequest,
    responses(
        (status = 200, description = "The case", body = CaseDetail),
        (status = 403, description = "Not a case handler", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The case is closed or withdrawn", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The case changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a valid national identity number", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/cases/{id}/assign")]
async fn assign_case(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<AssignRequest>,
) -> Result<HttpResponse, ApiError> {
    let (me, my_name) = case_handler(&principal)?;
    let body = body.0;
    let assignee = if body.unassign {
        None
    } else if let Some(raw) = body.national_id.as_deref() {
        let pid = NationalId::parse(raw.trim()).map_err(|e| {
            ApiError::validation(vec![FieldError::new(
                "/nationalId",
                "INVALID_NATIONAL_ID",
                format!("not a valid fødselsnummer or D-nummer: {e}"),
            )])
        })?;
        Some((handler_id(pid.as_str()), body.name.clone()))
    } else {
        Some((me, my_name))
    };
    let id = id.into_inner();
    handler_command(
        &req,
        &state,
        &principal,
        true,
        move |conn, version, ctx, _| {
            let a = assignee
                .as_ref()
                .map(|(id, name)| (id.as_str(), name.as_deref()));
            Ok(repo::assign(conn, id, v(version)?, ctx, a)?)
        },
    )
    .await
}

/// Mark the application complete: records the completion date (day 0) and
/// starts the statutory clock, 30 working days, or 60 when identifiable data
/// is linked from several registers or statistics compiled from several
/// sources (from the submitted application). Sources whose custodian decides
/// get a DECISION task.
#[utoipa::path(tag = "cases", operation_id = "mark_case_complete", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        ("If-Match" = String, Header, description = "The case's ETag last read"),
    ),
    request_body = CompleteRequest,
    responses(
        (status = 200, description = "The case, UNDER_REVIEW", body = CaseDetail),
        (status = 403, description = "Not a case handler", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed now (the state machine's reason)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The case changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad or future date", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/cases/{id}/complete")]
async fn mark_case_complete(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<CompleteRequest>,
) -> Result<HttpResponse, ApiError> {
    let today = oslo_date(state.clock.now());
    let completed_on = match body.0.completed_on.as_deref() {
        None => None,
        Some(raw) => {
            let d = parse_date(raw, "/completedOn").map_err(|e| ApiError::validation(vec![e]))?;
            if d > today {
                return Err(ApiError::validation(vec![FieldError::new(
                    "/completedOn",
                    "IN_THE_FUTURE",
                    "the completion date cannot be in the future",
                )]));
            }
            Some(d)
        }
    };
    let id = id.into_inner();
    handler_command(
        &req,
        &state,
        &principal,
        true,
        move |conn, version, ctx, rules| {
            Ok(repo::mark_complete(
                conn,
                id,
                v(version)?,
                ctx,
                rules,
                completed_on,
            )?)
        },
    )
    .await
}

/// Ask the applicant a question (put several in one text). They have 10
/// working days; after completeness the clock pauses (setting, default on).
#[utoipa::path(tag = "cases", operation_id = "ask_question", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        ("If-Match" = String, Header, description = "The case's ETag last read"),
    ),
    request_body = QuestionRequest,
    responses(
        (status = 200, description = "The case, AWAITING_APPLICANT", body = CaseDetail),
        (status = 403, description = "Not a case handler", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed now (the state machine's reason)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The case changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long text", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/cases/{id}/questions")]
async fn ask_question(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<QuestionRequest>,
) -> Result<HttpResponse, ApiError> {
    let text = body.0.text;
    let mut problems = Vec::new();
    check_free_text(&text, "/text", 10_000, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let id = id.into_inner();
    handler_command(
        &req,
        &state,
        &principal,
        true,
        move |conn, version, ctx, rules| {
            Ok(repo::ask_question(conn, id, v(version)?, ctx, rules, text.trim())?.0)
        },
    )
    .await
}

/// Postpone with a preliminary reply (foreløpig svar): the reason and the
/// new expected date, later than the current due date. The applicant sees both.
#[utoipa::path(tag = "cases", operation_id = "postpone_case", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        ("If-Match" = String, Header, description = "The case's ETag last read"),
    ),
    request_body = PostponeRequest,
    responses(
        (status = 200, description = "The case", body = CaseDetail),
        (status = 403, description = "Not a case handler", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed now, or the date is not later than the current deadline", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The case changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad date or an empty reason", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/cases/{id}/postpone")]
async fn postpone_case(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<PostponeRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let mut problems = Vec::new();
    let expected_on = parse_date(&body.expected_on, "/expectedOn")
        .map_err(|e| problems.push(e))
        .ok();
    check_free_text(&body.reason, "/reason", 5_000, &mut problems);
    let Some(expected_on) = expected_on.filter(|_| problems.is_empty()) else {
        return Err(ApiError::validation(problems));
    };
    let reason = body.reason.trim().to_owned();
    let id = id.into_inner();
    handler_command(
        &req,
        &state,
        &principal,
        true,
        move |conn, version, ctx, _| {
            Ok(repo::postpone(
                conn,
                id,
                v(version)?,
                ctx,
                expected_on,
                &reason,
            )?)
        },
    )
    .await
}

/// Add an internal note (intern merknad). The applicant never sees notes.
/// No If-Match needed: a note does not change the case's state.
#[utoipa::path(tag = "cases", operation_id = "add_case_note", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "The case's id")),
    request_body = NoteRequest,
    responses(
        (status = 200, description = "The case", body = CaseDetail),
        (status = 403, description = "Not a case handler", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long text", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/cases/{id}/notes")]
async fn add_case_note(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<NoteRequest>,
) -> Result<HttpResponse, ApiError> {
    let text = body.0.text;
    let mut problems = Vec::new();
    check_free_text(&text, "/text", 10_000, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let id = id.into_inner();
    handler_command(&req, &state, &principal, false, move |conn, _, ctx, _| {
        Ok(repo::add_note(conn, id, ctx, text.trim())?)
    })
    .await
}

/// Decide (vedtak) per data source: GRANTED, PARTLY_GRANTED (which variables
/// or period) or REFUSED, with legal basis, conditions and text. HDS decides
/// only the sources with decision authority HDS; the others are decided by
/// their custodians through DECISION tasks. When every source has a
/// decision the case is DECIDED, the appeal deadline is recorded (3 weeks,
/// next working day) and granted sources get DATA_PREPARATION tasks.
#[utoipa::path(tag = "cases", operation_id = "decide_case", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        ("If-Match" = String, Header, description = "The case's ETag last read"),
    ),
    request_body = DecideRequest,
    responses(
        (status = 200, description = "The case (DECIDED, or UNDER_REVIEW while custodians decide)", body = CaseDetail),
        (status = 403, description = "Not a case handler", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed now (the state machine's reason)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The case changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem with the decisions, with pointers", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/cases/{id}/decisions")]
async fn decide_case(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<DecideRequest>,
) -> Result<HttpResponse, ApiError> {
    let mut problems = Vec::new();
    let given = decisions_input(body.0.decisions, "/decisions", &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let id = id.into_inner();
    handler_command(
        &req,
        &state,
        &principal,
        true,
        move |conn, version, ctx, rules| {
            Ok(repo::decide(
                conn,
                id,
                Some(v(version)?),
                ctx,
                rules,
                &given,
                Authority::Hds,
            )?)
        },
    )
    .await
}

/// Reconsider an appeal (klagebehandling): REVERSED with new decisions,
/// REJECTION_LIFTED (handling resumes), or UPHELD (forwarded to Helseklage today).
#[utoipa::path(tag = "cases", operation_id = "reconsider_appeal", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        ("If-Match" = String, Header, description = "The case's ETag last read"),
    ),
    request_body = ReconsiderRequest,
    responses(
        (status = 200, description = "The case", body = CaseDetail),
        (status = 403, description = "Not a case handler", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed now (the state machine's reason)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The case changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Decisions missing or wrong for REVERSED", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/cases/{id}/appeal/reconsideration")]
async fn reconsider_appeal(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<ReconsiderRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let mut problems = Vec::new();
    let result = match body.result {
        ReconsiderationResult::Reversed => {
            if let Some(d) = body.decisions {
                NewReconsideration::Reversed(decisions_input(d, "/decisions", &mut problems))
            } else {
                problems.push(FieldError::new(
                    "/decisions",
                    "REQUIRED",
                    "a reversal gives the new decisions",
                ));
                NewReconsideration::Reversed(Vec::new())
            }
        }
        ReconsiderationResult::RejectionLifted | ReconsiderationResult::Upheld
            if body.decisions.is_some() =>
        {
            problems.push(FieldError::new(
                "/decisions",
                "ONLY_FOR_REVERSED",
                "decisions belong to a REVERSED result",
            ));
            NewReconsideration::Upheld
        }
        ReconsiderationResult::RejectionLifted => NewReconsideration::RejectionLifted,
        ReconsiderationResult::Upheld => NewReconsideration::Upheld,
    };
    if let Some(r) = &body.reason {
        check_free_text(r, "/reason", 5_000, &mut problems);
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let reason = body.reason.map(|r| r.trim().to_owned());
    let id = id.into_inner();
    handler_command(
        &req,
        &state,
        &principal,
        true,
        move |conn, version, ctx, rules| {
            Ok(repo::reconsider(
                conn,
                id,
                v(version)?,
                ctx,
                rules,
                &result,
                reason.as_deref(),
            )?)
        },
    )
    .await
}

/// Close the case: a decided case after the appeal deadline (or when all
/// was granted), a rejected one after its appeal deadline, one at
/// Helseklage when Helseklage has decided.
#[utoipa::path(tag = "cases", operation_id = "close_case", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The case's id"),
        ("If-Match" = String, Header, description = "The case's ETag last read"),
    ),
    responses(
        (status = 200, description = "The case, CLOSED", body = CaseDetail),
        (status = 403, description = "Not a case handler", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed now (e.g. the appeal period is open)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The case changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/cases/{id}/close")]
async fn close_case(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    handler_command(
        &req,
        &state,
        &principal,
        true,
        move |conn, version, ctx, _| Ok(repo::close(conn, id, v(version)?, ctx)?),
    )
    .await
}

// ------------------------------------------------------ the applicant's part

/// Runs an applicant command on the case of application `application_id`.
async fn applicant_command<F>(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    principal: &Principal,
    application_id: Uuid,
    work: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(
            &mut diesel::PgConnection,
            Uuid,
            i32,
            &Ctx<'_>,
            &hds_domain::case::CaseRules,
        ) -> Result<CaseRecord, ApiError>
        + Send
        + 'static,
{
    let pid = applicant(principal)?;
    let version = etag::required_version(req)?;
    let actor = principal.actor();
    let request_id = request_id(req);
    let at = state.clock.now();
    let config = state.config.clone();
    let rec = state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                let (_, access) =
                    hds_persistence::applications::find_accessible(conn, application_id, &pid)?;
                let case = repo::find_by_application(conn, application_id)?;
                if access != hds_persistence::applications::Access::Owner {
                    return Err(ApiError::forbidden(
                        "only the applicant who created the application can do this",
                    ));
                }
                let rules = case_rules(&config, conn)?;
                let ctx = ctx(&actor, at, request_id.as_deref());
                work(conn, case.id, version, &ctx, &rules)
            })
        })
        .await?;
    let view = ApplicantCaseView {
        id: rec.id,
        case_number: rec.case_number,
        status: rec.status,
        version: rec.version,
    };
    let mut response = etag::json_versioned(req, &view, view.version, PRIVATE_NO_CACHE)?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static(PRIVATE_NO_CACHE),
    );
    Ok(response)
}

/// Answer a question from HDS (svar på spørsmål). Owner only; `If-Match`
/// with the case's ETag (`GET /applications/{id}/case`). The case goes back
/// to handling and a paused clock resumes (the deadline moves by the working
/// days paused). Accepted until the case is actually rejected.
#[utoipa::path(tag = "applications", operation_id = "answer_question", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        ("questionId" = Uuid, Path, description = "The question's id (from the timeline)"),
        ("If-Match" = String, Header, description = "The case's ETag last read"),
    ),
    request_body = AnswerRequest,
    responses(
        (status = 200, description = "The case", body = ApplicantCaseView),
        (status = 403, description = "A co-applicant cannot answer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application, case or question for the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The question does not wait for an answer (the reason)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The case changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long answer, or a national identity number in it", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/applications/{id}/case/questions/{questionId}/answer")]
async fn answer_question(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<AnswerRequest>,
) -> Result<HttpResponse, ApiError> {
    let answer = body.0.answer;
    let mut problems = Vec::new();
    check_free_text(&answer, "/answer", 20_000, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let (id, question_id) = path.into_inner();
    applicant_command(
        &req,
        &state,
        &principal,
        id,
        move |conn, case_id, version, ctx, rules| {
            Ok(repo::answer_question(
                conn,
                case_id,
                version,
                ctx,
                rules,
                question_id,
                answer.trim(),
            )?)
        },
    )
    .await
}

/// Appeal (klage) a refusal, a partial grant or a rejection for no reply,
/// by the appeal deadline (3 weeks; a late appeal is refused with the
/// deadline in the problem's detail). Owner only; `If-Match`.
#[utoipa::path(tag = "applications", operation_id = "appeal_case", security(("bearerAuth" = [])),
    params(
        ("id" = Uuid, Path, description = "The application's id"),
        ("If-Match" = String, Header, description = "The case's ETag last read"),
    ),
    request_body = AppealRequest,
    responses(
        (status = 200, description = "The case, APPEALED", body = ApplicantCaseView),
        (status = 403, description = "A co-applicant cannot appeal", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application or case for the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing to appeal, or too late (with the deadline)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The case changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty grounds", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/applications/{id}/case/appeal")]
async fn appeal_case(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ApiJson<AppealRequest>,
) -> Result<HttpResponse, ApiError> {
    let grounds = body.0.grounds;
    let mut problems = Vec::new();
    check_free_text(&grounds, "/grounds", 20_000, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let id = id.into_inner();
    applicant_command(
        &req,
        &state,
        &principal,
        id,
        move |conn, case_id, version, ctx, _| {
            Ok(repo::appeal(conn, case_id, version, ctx, grounds.trim())?)
        },
    )
    .await
}
