//! Expected dates (forventede datoer, issue 15): for a submitted case, the
//! likely decision date and data-available date per data source, from the
//! last twelve months' processing times for that source and decision
//! authority (median and 90th percentile in working days), shown beside the
//! statutory deadline, and said plainly when there is too little history.
//! The applicant reads them with the case, the custodian with its task, HDS
//! staff with the case file. The rules: `hds_domain::statistics::expected`
//! and docs/reporting.md.

use actix_web::{get, web, HttpRequest, HttpResponse};
use hds_domain::calendar::oslo_date;
use hds_domain::case::DecisionAuthority;
use hds_domain::statistics::expected::months_before;
use hds_domain::statistics::{expected_dates, Expectation, ExpectationSettings};
use hds_persistence::applications as applications_repo;
use hds_persistence::statistics::expected::{self as repo, CaseFacts};
use hds_persistence::statistics::histories;
use serde::Serialize;
use time::Date;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::access::{applicant, custodian_of};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::etag::{json_with_etag, PRIVATE_NO_CACHE};
use crate::spec::{IfNoneMatch, NotFound};
use crate::state::{case_rules, AppState};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(application_expected_dates)
        .service(task_expected_dates)
        .service(case_expected_dates);
}

/// What can be said about a milestone.
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExpectationStatus {
    /// It has happened: `on`.
    Happened,
    /// It will not happen: no data come for a refused source.
    NotExpected,
    /// Too few recent cases to estimate from (`sampleSize` of `minimumSample`).
    TooLittleHistory,
    /// Estimated from recent cases: `likelyOn` and `nineInTenBy`.
    Estimated,
}

/// An expected date (forventet dato) of one milestone of one source.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExpectationView {
    pub status: ExpectationStatus,
    /// HAPPENED: the day it happened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<Date>,
    /// ESTIMATED: counted from the day the case was complete (`COMPLETE`),
    /// or received while not complete (`RECEIVED`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "COMPLETE")]
    pub counted_from: Option<String>,
    /// ESTIMATED: that day (day 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<Date>,
    /// ESTIMATED and TOO_LITTLE_HISTORY: the recent cases found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample_size: Option<usize>,
    /// TOO_LITTLE_HISTORY: the fewest an estimate is made from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum_sample: Option<usize>,
    /// ESTIMATED: the median of their working days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median_working_days: Option<i64>,
    /// ESTIMATED: the 90th percentile of their working days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p90_working_days: Option<i64>,
    /// ESTIMATED: `from` plus the median (half of recent cases got there by then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub likely_on: Option<Date>,
    /// ESTIMATED: `from` plus the 90th percentile (nine in ten got there by then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nine_in_ten_by: Option<Date>,
    /// The same in a sentence, in bokmål.
    pub text_nb: String,
    /// The same in a sentence, in English.
    pub text_en: String,
}

/// The expected dates of one data source of the case.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SourceExpectationView {
    #[schema(example = "NPR")]
    pub data_source: String,
    /// Who decides (vedtaksmyndighet): `HDS` or `CUSTODIAN`.
    #[schema(example = "HDS")]
    pub decision_authority: String,
    /// The source's (first) decision.
    pub decision: ExpectationView,
    /// The custodian's report on the data (delivered, or cannot deliver).
    pub data: ExpectationView,
}

/// The expected dates of a case beside its statutory deadline.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExpectedDatesView {
    #[schema(example = "HDS-2026-0000123")]
    pub case_number: String,
    /// The statutory deadline in force (lovpålagt frist), once the case is
    /// complete: what the law promises. The expected dates are estimates.
    pub statutory_deadline: Option<Date>,
    /// The date a postponement (foreløpig svar) said to expect the decision.
    pub postponement_expected_on: Option<Date>,
    /// The day the estimates are made on (today in Oslo).
    pub as_of: Date,
    /// The history's first day (after the same date twelve months before).
    pub history_from: Date,
    /// The fewest recent cases an estimate is made from.
    pub minimum_sample: usize,
    pub sources: Vec<SourceExpectationView>,
}

fn view(e: &Expectation) -> ExpectationView {
    let mut v = ExpectationView {
        status: ExpectationStatus::Happened,
        on: None,
        counted_from: None,
        from: None,
        sample_size: None,
        minimum_sample: None,
        median_working_days: None,
        p90_working_days: None,
        likely_on: None,
        nine_in_ten_by: None,
        text_nb: String::new(),
        text_en: String::new(),
    };
    match e {
        Expectation::Happened { on } => {
            v.on = Some(*on);
            v.text_nb = format!("Skjedde {on}.");
            v.text_en = format!("Happened on {on}.");
        }
        Expectation::NotExpected => {
            v.status = ExpectationStatus::NotExpected;
            v.text_nb = String::from("Ingen data ventes: datakilden ble avslått.");
            v.text_en = String::from("No data are expected: the source was refused.");
        }
        Expectation::TooLittleHistory {
            sample_size,
            minimum,
        } => {
            v.status = ExpectationStatus::TooLittleHistory;
            v.sample_size = Some(*sample_size);
            v.minimum_sample = Some(*minimum);
            v.text_nb = format!(
                "For lite historikk til å anslå en dato: {sample_size} saker de siste tolv månedene, vi trenger minst {minimum}. Den lovpålagte fristen gjelder."
            );
            v.text_en = format!(
                "Too little history to estimate a date: {sample_size} cases in the last twelve months, at least {minimum} are needed. The statutory deadline applies."
            );
        }
        Expectation::Estimated(est) => {
            v.status = ExpectationStatus::Estimated;
            v.counted_from = Some(est.counted_from.as_str().to_owned());
            v.from = Some(est.from);
            v.sample_size = Some(est.sample_size);
            v.median_working_days = Some(est.median_working_days);
            v.p90_working_days = Some(est.p90_working_days);
            v.likely_on = Some(est.likely_on);
            v.nine_in_ten_by = Some(est.nine_in_ten_by);
            v.text_nb = format!(
                "Sannsynligvis {} (halvparten av {} nylige saker brukte høyst {} virkedager); ni av ti innen {}.",
                est.likely_on, est.sample_size, est.median_working_days, est.nine_in_ten_by
            );
            v.text_en = format!(
                "Likely by {} (half of {} recent cases took at most {} working days); nine in ten by {}.",
                est.likely_on, est.sample_size, est.median_working_days, est.nine_in_ten_by
            );
        }
    }
    v
}

/// The expected dates of the case, for every source or only `only`.
async fn expected(
    state: &web::Data<AppState>,
    facts: CaseFacts,
    only: Option<String>,
) -> Result<ExpectedDatesView, ApiError> {
    let today = oslo_date(state.clock.now());
    let settings = ExpectationSettings {
        minimum_sample: state.config.expected_minimum_sample,
        ..ExpectationSettings::default()
    };
    let config = state.config.clone();
    let number = facts.case_number.clone();
    let sources = state
        .run(move |conn| {
            let rules = case_rules(&config, conn)?;
            let cases = histories::load_all(conn)?;
            let case = cases
                .iter()
                .find(|c| c.case_id == number)
                .ok_or_else(|| ApiError::internal("the case has no history"))?;
            Ok(expected_dates(
                case,
                cases.as_slice(),
                today,
                &rules.calendar,
                &settings,
            ))
        })
        .await?;
    Ok(ExpectedDatesView {
        case_number: facts.case_number,
        statutory_deadline: facts.statutory_deadline,
        postponement_expected_on: facts.postponement_expected_on,
        as_of: today,
        history_from: months_before(today, settings.window_months)
            .next_day()
            .unwrap_or(today),
        minimum_sample: settings.minimum_sample,
        sources: sources
            .iter()
            .filter(|s| only.as_ref().is_none_or(|o| *o == s.data_source))
            .map(|s| SourceExpectationView {
                data_source: s.data_source.clone(),
                decision_authority: match s.authority {
                    DecisionAuthority::Hds => "HDS",
                    DecisionAuthority::Custodian => "CUSTODIAN",
                }
                .to_owned(),
                decision: view(&s.decision),
                data: view(&s.data),
            })
            .collect(),
    })
}

/// The expected decision and data dates of the applicant's case, per
/// source, beside the statutory deadline. 404 before submission.
#[utoipa::path(tag = "publishing", operation_id = "get_application_expected_dates",
    security(("bearerAuth" = ["APPLICANT"])),
    params(("id" = Uuid, Path, description = "The application's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The expected dates", body = ExpectedDatesView),
        (status = 404, response = NotFound),
    ))]
#[get("/applications/{id}/case/expected-dates")]
async fn application_expected_dates(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pid = applicant(&principal)?;
    let id = id.into_inner();
    let facts = state
        .run(move |conn| {
            applications_repo::find_accessible(conn, id, &pid)?;
            Ok(repo::by_application(conn, id)?)
        })
        .await?;
    let view = expected(&state, facts, None).await?;
    json_with_etag(&req, &view, PRIVATE_NO_CACHE)
}

/// The expected dates of the task's data source in its case, beside the
/// case's statutory deadline, for the custodian.
#[utoipa::path(tag = "publishing", operation_id = "get_task_expected_dates",
    security(("bearerAuth" = ["CUSTODIAN"])),
    params(("id" = Uuid, Path, description = "The task's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The expected dates", body = ExpectedDatesView),
        (status = 404, response = NotFound),
    ))]
#[get("/tasks/{id}/expected-dates")]
async fn task_expected_dates(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let custodian = custodian_of(&state, &principal).await?;
    let id = id.into_inner();
    let (facts, source) = state
        .run(move |conn| Ok(repo::by_task(conn, custodian, id)?))
        .await?;
    let view = expected(&state, facts, Some(source)).await?;
    json_with_etag(&req, &view, PRIVATE_NO_CACHE)
}

/// The expected dates of a case, per source, for HDS staff.
#[utoipa::path(tag = "publishing", operation_id = "get_case_expected_dates",
    security(("bearerAuth" = ["CASE_HANDLER", "ADMIN"])),
    params(("id" = Uuid, Path, description = "The case's id"), IfNoneMatch),
    responses(
        (status = 200, description = "The expected dates", body = ExpectedDatesView),
        (status = 404, response = NotFound),
    ))]
#[get("/cases/{id}/expected-dates")]
async fn case_expected_dates(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    crate::access::staff(&principal)?;
    let id = id.into_inner();
    let facts = state.run(move |conn| Ok(repo::by_case(conn, id)?)).await?;
    let view = expected(&state, facts, None).await?;
    json_with_etag(&req, &view, PRIVATE_NO_CACHE)
}
