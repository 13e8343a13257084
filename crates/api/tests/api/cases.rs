//! Case handling: the statutory clock, questions, reminders and rejections
//! (through the job runner at given instants), postponement, decisions,
//! appeals, the work queue, roles, privacy and concurrency.
//!
//! Cases are made through the real applications API (create, upload,
//! submit); the server's clock is then set to the instants each step
//! happens at, and expected dates are computed with the domain calendar over
//! the database's closure days.

use hds_api::auth::Role;
use hds_domain::calendar::{oslo_date, DataLinkage, WorkingDayCalendar};
use hds_persistence::cases::JobReport;
use reqwest::Method;
use serde_json::{json, Value};
use time::{Date, Duration, OffsetDateTime};

use crate::applications::{
    anonymous_content, complete_identifiable, create, etag_of, submit, token, upload, OWNER,
    STRANGER,
};
use crate::support::{with_terms, Response, TestApp};

/// A second case handler's national identity number.
const HANDLER_2: &str = "24119950062";

fn calendar(app: &TestApp) -> WorkingDayCalendar {
    let mut conn = app.db.connect();
    WorkingDayCalendar {
        saturdays_are_working_days: false,
        closure_days: hds_persistence::calendar::closure_day_set(&mut conn).unwrap(),
    }
}

/// 09:00 UTC (10:00 or 11:00 in Oslo) on `d`.
fn at(d: Date) -> OffsetDateTime {
    d.with_hms(9, 0, 0).unwrap().assume_utc()
}

fn today() -> Date {
    oslo_date(OffsetDateTime::now_utc())
}

fn day(d: Date) -> String {
    d.to_string()
}

fn handler(app: &TestApp) -> String {
    app.token(Role::CaseHandler)
}

fn run_jobs(app: &TestApp, instant: OffsetDateTime) -> JobReport {
    let mut conn = app.db.connect();
    hds_api::jobs::run(&app.config, &mut conn, instant).unwrap()
}

/// A submitted identifiable application linking MFR and NPR: (application id, case id).
async fn identifiable_case(app: &TestApp, key: &str) -> (String, String) {
    let owner = token(app, OWNER);
    let (id, etag) = complete_identifiable(app, &owner).await;
    let r = submit(app, &owner, &id, &etag, key).await;
    assert_eq!(r.status, 201, "{}", r.text);
    (id, r.body["id"].as_str().unwrap().to_owned())
}

/// A submitted application for anonymous tables from MFR.
async fn anonymous_case(app: &TestApp, key: &str) -> (String, String) {
    let owner = token(app, OWNER);
    let (id, _) = create(app, &owner, &anonymous_content()).await;
    let csv = "tabell;variabler\nFødselsvekt etter kjønn;VEKT,KJONN\n".as_bytes();
    for (kind, title, file) in [
        ("PROJECT_DESCRIPTION", "Prosjektbeskrivelse", "prosjekt.txt"),
        ("TABLE_SPECIFICATION", "Tabellbestilling", "tabeller.csv"),
    ] {
        let up = upload(app, &owner, &id, kind, title, file, csv).await;
        assert_eq!(up.status, 201, "{}", up.text);
    }
    let etag = etag_of(app, &owner, &id).await;
    let r = submit(app, &owner, &id, &etag, key).await;
    assert_eq!(r.status, 201, "{}", r.text);
    (id, r.body["id"].as_str().unwrap().to_owned())
}

async fn read(app: &TestApp, tok: &str, case_id: &str) -> Response {
    let r = app
        .get(&format!("/api/v1/cases/{case_id}"), Some(tok))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r
}

/// POST a case handler command with the case's current ETag.
async fn command(app: &TestApp, tok: &str, case_id: &str, what: &str, body: &Value) -> Response {
    let etag = read(app, tok, case_id).await.header("etag").to_owned();
    command_with(app, tok, case_id, what, Some(&etag), body).await
}

async fn command_with(
    app: &TestApp,
    tok: &str,
    case_id: &str,
    what: &str,
    etag: Option<&str>,
    body: &Value,
) -> Response {
    let mut request = app
        .request(
            Method::POST,
            &format!("/api/v1/cases/{case_id}/{what}"),
            Some(tok),
        )
        .json(body);
    if let Some(etag) = etag {
        request = request.header("If-Match", etag);
    }
    app.send(request).await
}

/// POST an applicant command on the case of application `id`.
async fn applicant_command(
    app: &TestApp,
    tok: &str,
    id: &str,
    what: &str,
    body: &Value,
) -> Response {
    let case = app
        .get(&format!("/api/v1/applications/{id}/case"), Some(tok))
        .await;
    assert_eq!(case.status, 200, "{}", case.text);
    let request = app
        .request(
            Method::POST,
            &format!("/api/v1/applications/{id}/case/{what}"),
            Some(tok),
        )
        .header("If-Match", case.header("etag"))
        .json(body);
    app.send(request).await
}

async fn timeline(app: &TestApp, tok: &str, id: &str) -> Vec<Value> {
    let r = app
        .get(&format!("/api/v1/applications/{id}/case/events"), Some(tok))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body.as_array().unwrap().clone()
}

fn kinds(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["kind"].as_str().unwrap()).collect()
}

fn last_of<'a>(events: &'a [Value], kind: &str) -> &'a Value {
    events
        .iter()
        .rev()
        .find(|e| e["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {events:?}"))
}

fn open_question(detail: &Value) -> String {
    detail["questions"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|q| q["answeredOn"].is_null())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[actix_rt::test]
async fn from_submission_through_question_reminder_answer_completeness_postponement_decision_and_appeal(
) {
    let app = TestApp::spawn().await;
    let cal = calendar(&app);
    let owner = token(&app, OWNER);
    let h = handler(&app);
    let (id, case_id) = identifiable_case(&app, "journey").await;
    let received = today();

    // the queue shows the new case, unassigned, no deadline yet
    let queue = app.get("/api/v1/cases?assignee=none", Some(&h)).await;
    assert_eq!(queue.status, 200, "{}", queue.text);
    assert_eq!(queue.body["items"][0]["id"], case_id.as_str());
    assert_eq!(queue.body["items"][0]["dataSources"], json!(["MFR", "NPR"]));
    assert_eq!(queue.body["items"][0]["custodians"], json!(["FHI"]));
    assert!(queue.body["items"][0]["dueOn"].is_null());

    // assign to self; an internal note
    let r = command(&app, &h, &case_id, "assign", &json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["assignee"]["id"].as_str().unwrap().starts_with("h-"));
    assert_eq!(r.body["assignee"]["name"], "Utvikler Testesen");
    let r = app
        .request(
            Method::POST,
            &format!("/api/v1/cases/{case_id}/notes"),
            Some(&h),
        )
        .json(&json!({"text": "Sjekk REK-vedtaket mot prosjektbeskrivelsen."}));
    let r = app.send(r).await;
    assert_eq!(r.status, 200, "{}", r.text);

    // 1. a question before completeness: 10 working days, the clock has not started
    let asked_on = received;
    app.clock.set(Some(at(asked_on)));
    let r = command(
        &app,
        &h,
        &case_id,
        "questions",
        &json!({"text": "Prosjektbeskrivelsen mangler beskrivelse av koblingen. Kan dere sende den?"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "AWAITING_APPLICANT");
    let reply_deadline = cal.question_reply_deadline(asked_on);
    assert_eq!(cal.working_days_between(asked_on, reply_deadline), 10);
    let q1 = open_question(&r.body);
    assert_eq!(r.body["questions"][0]["replyDeadline"], day(reply_deadline));
    assert_eq!(r.body["questions"][0]["clockPaused"], false);
    assert!(r.body["dueOn"].is_null());

    // 2. the job runner: nothing on the deadline itself, the reminder the day after
    let report = run_jobs(&app, at(reply_deadline));
    assert!(report.reminders.is_empty(), "{report:?}");
    let reminder_day = reply_deadline.next_day().unwrap();
    let report = run_jobs(&app, at(reminder_day));
    assert_eq!(report.reminders.len(), 1, "{report:?}");
    let report = run_jobs(&app, at(reminder_day));
    assert_eq!(
        report.acted(),
        0,
        "a second run at the same instant does nothing"
    );
    let reminder_deadline = cal.reminder_reply_deadline(reply_deadline);
    assert_eq!(
        cal.working_days_between(reply_deadline, reminder_deadline),
        5
    );

    // 3. the applicant sees the question and the reminder, and answers
    let events = timeline(&app, &owner, &id).await;
    let asked = last_of(&events, "QUESTION_ASKED");
    assert_eq!(asked["details"]["askedOn"], day(asked_on));
    assert_eq!(asked["details"]["replyDeadline"], day(reply_deadline));
    assert_eq!(asked["details"]["questionId"], q1.as_str());
    assert!(asked["details"]["text"]
        .as_str()
        .unwrap()
        .contains("koblingen"));
    let reminded = last_of(&events, "REMINDER_SENT");
    assert_eq!(reminded["details"]["sentOn"], day(reminder_day));
    assert_eq!(reminded["details"]["replyDeadline"], day(reminder_deadline));
    let answered_on = reminder_day.next_day().unwrap();
    app.clock.set(Some(at(answered_on)));
    let r = applicant_command(
        &app,
        &owner,
        &id,
        &format!("questions/{q1}/answer"),
        &json!({"answer": "Koblingen er beskrevet i vedlegget vi har lastet opp."}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "SUBMITTED");

    // 4. complete: 60 working days (identifiable data from two registers)
    let completed_on = answered_on;
    let r = command(&app, &h, &case_id, "complete", &json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let deadline = cal.statutory_deadline(
        completed_on,
        DataLinkage::IdentifiableDataFromSeveralRegisters,
    );
    assert_eq!(cal.working_days_between(completed_on, deadline), 60);
    assert_eq!(r.body["status"], "UNDER_REVIEW");
    assert_eq!(r.body["completedOn"], day(completed_on));
    assert_eq!(
        r.body["linkage"],
        "IDENTIFIABLE_DATA_FROM_SEVERAL_REGISTERS"
    );
    assert_eq!(r.body["statutoryDeadline"], day(deadline));
    assert_eq!(r.body["dueOn"], day(deadline));

    // 5. a question after completeness pauses the clock; the answer moves the deadline
    let asked2 = cal.add_working_days(completed_on, 5);
    app.clock.set(Some(at(asked2)));
    let r = command(
        &app,
        &h,
        &case_id,
        "questions",
        &json!({"text": "Hvilken periode trenger dere fra NPR?"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["clockPaused"], true);
    let q2 = open_question(&r.body);
    let answered2 = cal.add_working_days(asked2, 3);
    app.clock.set(Some(at(answered2)));
    let r = applicant_command(
        &app,
        &owner,
        &id,
        &format!("questions/{q2}/answer"),
        &json!({"answer": "2000 til 2025."}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "UNDER_REVIEW");
    let moved = cal.add_working_days(deadline, 3);
    assert_eq!(moved, cal.deadline_after_pause(deadline, asked2, answered2));
    let detail = read(&app, &h, &case_id).await;
    assert_eq!(detail.body["statutoryDeadline"], day(moved));

    // 6. postponement: must be later than the current deadline, with a reason
    let postponed_on = answered2;
    let r = command(
        &app,
        &h,
        &case_id,
        "postpone",
        &json!({"expectedOn": day(moved), "reason": "Stor pågang hos NPR."}),
    )
    .await;
    let p = r.problem(409);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("must be later than the current deadline {moved}")),
        "{p}"
    );
    let expected_on = cal.add_working_days(moved, 20);
    let r = command(
        &app,
        &h,
        &case_id,
        "postpone",
        &json!({"expectedOn": day(expected_on), "reason": "Stor pågang hos NPR."}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["dueOn"], day(expected_on));
    assert_eq!(r.body["postponementReason"], "Stor pågang hos NPR.");

    // 7. decision per source: MFR granted, NPR partly granted
    let decided_on = cal.add_working_days(postponed_on, 10);
    app.clock.set(Some(at(decided_on)));
    let bad = command(&app, &h, &case_id, "decisions", &json!({"decisions": [
        {"dataSource": "NPR", "outcome": "PARTLY_GRANTED", "legalBasis": [], "text": "Delvis innvilget."},
        {"dataSource": "KREFT", "outcome": "GRANTED", "legalBasis": ["x"], "text": "y"}
    ]})).await;
    let p = bad.problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/decisions/0/legalBasis");
    let decisions = json!({"decisions": [
        with_terms(json!({"dataSource": "MFR", "outcome": "GRANTED",
         "legalBasis": ["helseregisterloven § 19 a", "helseforskningsloven § 33"],
         "conditions": ["Data slettes ved prosjektslutt."],
         "text": "Tilgang til MFR innvilges."})),
        with_terms(json!({"dataSource": "NPR", "outcome": "PARTLY_GRANTED",
         "legalBasis": ["helseregisterloven § 19 a"],
         "text": "Tilgang innvilges for innleggelsesdato, ikke for diagnoser.",
         "grantedVariables": ["INNDATO"]}))
    ]});
    let r = command(&app, &h, &case_id, "decisions", &decisions).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let appeal_deadline = cal.appeal_deadline(decided_on);
    assert_eq!(r.body["status"], "DECIDED");
    assert_eq!(r.body["decidedOn"], day(decided_on));
    assert_eq!(r.body["appealDeadline"], day(appeal_deadline));
    let tasks: Vec<(String, String)> = r.body["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["kind"].as_str().unwrap().to_owned(),
                t["dataSource"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        tasks,
        vec![
            ("DATA_PREPARATION".to_owned(), "MFR".to_owned()),
            ("DATA_PREPARATION".to_owned(), "NPR".to_owned())
        ]
    );

    // 8. the applicant appeals the partial grant; HDS upholds: Helseklage
    let appealed_on = cal.add_working_days(decided_on, 4);
    app.clock.set(Some(at(appealed_on)));
    let r = applicant_command(
        &app,
        &owner,
        &id,
        "appeal",
        &json!({"grounds": "Vi trenger diagnosene for å svare på forskningsspørsmålet."}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "APPEALED");
    let forwarded_on = cal.add_working_days(appealed_on, 5);
    app.clock.set(Some(at(forwarded_on)));
    let r = command(
        &app,
        &h,
        &case_id,
        "appeal/reconsideration",
        &json!({"result": "UPHELD", "reason": "Diagnosene er ikke nødvendige."}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "FORWARDED_TO_APPEALS_BODY");
    assert_eq!(r.body["forwardedOn"], day(forwarded_on));

    // the applicant's timeline: every step, each with its dates, no internal entries
    let events = timeline(&app, &owner, &id).await;
    assert_eq!(
        kinds(&events),
        vec![
            "SUBMITTED",
            "QUESTION_ASKED",
            "REMINDER_SENT",
            "QUESTION_ANSWERED",
            "MARKED_COMPLETE",
            "QUESTION_ASKED",
            "QUESTION_ANSWERED",
            "CLOCK_RESUMED",
            "POSTPONED",
            "DECIDED",
            "APPEALED",
            "APPEAL_UPHELD",
            "FORWARDED_TO_APPEALS_BODY",
        ]
    );
    assert_eq!(events[0]["details"]["receivedOn"], day(received));
    assert_eq!(events[3]["details"]["answeredOn"], day(answered_on));
    let complete = &events[4]["details"];
    assert_eq!(complete["completedOn"], day(completed_on));
    assert_eq!(complete["statutoryDeadline"], day(deadline));
    assert_eq!(events[5]["details"]["clockPaused"], true);
    assert_eq!(
        events[5]["details"]["replyDeadline"],
        day(cal.question_reply_deadline(asked2))
    );
    let resumed = &events[7]["details"];
    assert_eq!(resumed["pausedWorkingDays"], 3);
    assert_eq!(resumed["statutoryDeadline"], day(moved));
    let postponed = &events[8]["details"];
    assert_eq!(postponed["postponedOn"], day(postponed_on));
    assert_eq!(postponed["previousDueDate"], day(moved));
    assert_eq!(postponed["expectedOn"], day(expected_on));
    assert_eq!(postponed["reason"], "Stor pågang hos NPR.");
    let decided = &events[9]["details"];
    assert_eq!(decided["decidedOn"], day(decided_on));
    assert_eq!(decided["appealDeadline"], day(appeal_deadline));
    assert_eq!(
        decided["decisions"][1]["grantedVariables"],
        json!(["INNDATO"])
    );
    assert_eq!(
        decided["decisions"][0]["legalBasis"][0],
        "helseregisterloven § 19 a"
    );
    assert_eq!(events[10]["details"]["appealedOn"], day(appealed_on));
    assert_eq!(
        events[10]["details"]["appealDeadline"],
        day(appeal_deadline)
    );
    assert_eq!(events[12]["details"]["forwardedOn"], day(forwarded_on));
    assert_eq!(events[12]["details"]["appealsBody"], "Helseklage");
    assert!(
        !events
            .iter()
            .any(|e| e.to_string().contains("REK-vedtaket")),
        "no internal note"
    );

    // the case handler sees everything, internal entries included
    let detail = read(&app, &h, &case_id).await;
    let history: Vec<&str> = detail.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        history.contains(&"ASSIGNED") && history.contains(&"NOTE_ADDED"),
        "{history:?}"
    );
    let note = detail.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "NOTE_ADDED")
        .unwrap();
    assert_eq!(note["visibleToApplicant"], false);
    assert_eq!(
        detail.body["application"]["content"]["project"]["title"],
        "Fødselsvekt og senere sykehusinnleggelser"
    );

    // every transition is audited
    let mut conn = app.db.connect();
    let audit = hds_persistence::audit::history(&mut conn, "case", &case_id).unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert!(
        actions.contains(&"CASE_SEND_REMINDER")
            && actions.contains(&"CASE_DECIDE")
            && actions.contains(&"CASE_RECONSIDER_APPEAL"),
        "{actions:?}"
    );
}

#[actix_rt::test]
async fn an_unanswered_question_ends_rejected_no_reply_and_a_second_run_changes_nothing() {
    let app = TestApp::spawn().await;
    let cal = calendar(&app);
    let owner = token(&app, OWNER);
    let h = handler(&app);
    let (id, case_id) = anonymous_case(&app, "reject").await;
    let asked_on = today();
    app.clock.set(Some(at(asked_on)));
    let r = command(
        &app,
        &h,
        &case_id,
        "questions",
        &json!({"text": "Hvilke aldersgrupper ønsker dere?"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let q = open_question(&r.body);
    let reply_deadline = cal.question_reply_deadline(asked_on);
    let reminder_deadline = cal.reminder_reply_deadline(reply_deadline);

    // one run long after both deadlines sends only the reminder, which still
    // gives the applicant 5 working days
    let late = cal.add_working_days(reminder_deadline, 3);
    let report = run_jobs(&app, at(late));
    assert_eq!(
        (report.reminders.len(), report.rejections.len()),
        (1, 0),
        "{report:?}"
    );
    let new_deadline = cal.reminder_reply_deadline(late.previous_day().unwrap());
    assert!(run_jobs(&app, at(new_deadline)).rejections.is_empty());
    let events = timeline(&app, &owner, &id).await;
    assert_eq!(
        last_of(&events, "REMINDER_SENT")["details"]["sentOn"],
        day(late)
    );
    assert_eq!(
        last_of(&events, "REMINDER_SENT")["details"]["replyDeadline"],
        day(new_deadline)
    );

    // the reminder's deadline passes: rejected, with the appeal deadline
    let reject_day = new_deadline.next_day().unwrap();
    let reject_at = at(reject_day);
    let report = run_jobs(&app, reject_at);
    assert_eq!(report.rejections.len(), 1, "{report:?}");
    let events_before = {
        let mut conn = app.db.connect();
        hds_persistence::test_support::count_rows(&mut conn, "case_events")
    };
    let report = run_jobs(&app, reject_at);
    assert_eq!(
        report,
        JobReport {
            at: Some(reject_at),
            on: Some(reject_day),
            ..JobReport::default()
        }
    );
    let mut conn = app.db.connect();
    assert_eq!(
        hds_persistence::test_support::count_rows(&mut conn, "case_events"),
        events_before
    );

    let events = timeline(&app, &owner, &id).await;
    assert_eq!(
        kinds(&events),
        vec![
            "SUBMITTED",
            "QUESTION_ASKED",
            "REMINDER_SENT",
            "REJECTED_NO_REPLY"
        ]
    );
    let rejected = &events[3]["details"];
    let appeal_deadline = cal.appeal_deadline(reject_day);
    assert_eq!(rejected["rejectedOn"], day(reject_day));
    assert_eq!(rejected["appealDeadline"], day(appeal_deadline));
    assert_eq!(rejected["newApplicationNeeded"], true);
    assert_eq!(events[3]["status"], "REJECTED_NO_REPLY");

    // too late to answer now
    app.clock.set(Some(at(reject_day)));
    let r = applicant_command(
        &app,
        &owner,
        &id,
        &format!("questions/{q}/answer"),
        &json!({"answer": "Alle."}),
    )
    .await;
    let p = r.problem(409);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("a case rejected for no reply cannot record an answer"),
        "{p}"
    );

    // a late appeal is refused with the deadline
    let too_late = appeal_deadline.next_day().unwrap();
    app.clock.set(Some(at(too_late)));
    let r = applicant_command(
        &app,
        &owner,
        &id,
        "appeal",
        &json!({"grounds": "Vi var på ferie."}),
    )
    .await;
    let p = r.problem(409);
    assert_eq!(
        p["detail"],
        format!("the appeal deadline was {appeal_deadline}; an appeal on {too_late} is too late")
    );

    // in time: appealed, and HDS lifts the rejection: handling resumes
    app.clock.set(Some(at(appeal_deadline)));
    let r = applicant_command(
        &app,
        &owner,
        &id,
        "appeal",
        &json!({"grounds": "Vi var på ferie."}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = command(
        &app,
        &h,
        &case_id,
        "appeal/reconsideration",
        &json!({"result": "REJECTION_LIFTED"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "SUBMITTED");
    assert_eq!(
        r.body["questions"][0]["closedWithoutAnswer"],
        "REJECTION_LIFTED"
    );
}

#[actix_rt::test]
async fn refused_transitions_are_409_with_the_reason() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let h = handler(&app);
    let (id, case_id) = anonymous_case(&app, "refused").await;
    let decision = json!({"decisions": [{"dataSource": "MFR", "outcome": "GRANTED", "legalBasis": ["helseregisterloven § 19 a"], "text": "Innvilget."}]});
    let tables = [
        "case_events",
        "audit_events",
        "case_decisions",
        "case_questions",
        "custodian_tasks",
    ];
    let counts = |app: &TestApp| -> Vec<i64> {
        let mut conn = app.db.connect();
        tables
            .iter()
            .map(|t| hds_persistence::test_support::count_rows(&mut conn, t))
            .collect()
    };
    let before = counts(&app);
    let version = read(&app, &h, &case_id).await.header("etag").to_owned();
    let soon = (time::OffsetDateTime::now_utc().date() + time::Duration::days(60)).to_string();
    for (what, body, reason) in [
        ("postpone", json!({"expectedOn": soon, "reason": "Pågang."}), "a submitted case cannot be postponed (allowed now: MARK_COMPLETE, ASK_QUESTION, WITHDRAW)"),
        ("decisions", decision.clone(), "a submitted case cannot be decided"),
        ("appeal/reconsideration", json!({"result": "UPHELD"}), "a submitted case cannot have an appeal reconsidered"),
        ("close", json!({}), "a submitted case cannot be closed"),
    ] {
        let r = command(&app, &h, &case_id, what, &body).await;
        let p = r.problem(409);
        assert!(p["detail"].as_str().unwrap().starts_with(reason), "{what}: {p}");
    }
    let r = applicant_command(&app, &owner, &id, "appeal", &json!({"grounds": "Uenig."})).await;
    assert!(r.problem(409)["detail"]
        .as_str()
        .unwrap()
        .starts_with("a submitted case cannot be appealed"));
    // a 422 (everything wrong at once) and the 409s above changed nothing
    let r = command(&app, &h, &case_id, "questions", &json!({"text": " "})).await;
    assert_eq!(r.problem(422)["errors"][0]["pointer"], "/text");
    assert_eq!(counts(&app), before);
    assert_eq!(read(&app, &h, &case_id).await.header("etag"), version);
    let r = applicant_command(
        &app,
        &owner,
        &id,
        &format!("questions/{}/answer", uuid::Uuid::new_v4()),
        &json!({"answer": "Svar."}),
    )
    .await;
    r.problem(404);

    // complete: then not again; the decision; then nothing to appeal (all granted)
    let r = command(&app, &h, &case_id, "complete", &json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["linkage"], "SINGLE_SOURCE");
    let r = command(&app, &h, &case_id, "complete", &json!({})).await;
    assert!(r.problem(409)["detail"]
        .as_str()
        .unwrap()
        .starts_with("a case under review cannot be marked complete"));
    let r = command(&app, &h, &case_id, "decisions", &decision).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["appealDeadline"].is_null());
    let r = applicant_command(&app, &owner, &id, "appeal", &json!({"grounds": "Uenig."})).await;
    assert_eq!(
        r.problem(409)["detail"],
        "nothing to appeal: every data source was granted"
    );
    let r = command(
        &app,
        &h,
        &case_id,
        "questions",
        &json!({"text": "Noe mer?"}),
    )
    .await;
    assert!(r.problem(409)["detail"]
        .as_str()
        .unwrap()
        .starts_with("a decided case cannot get a question to the applicant"));
    // the applicant cannot withdraw a decided case either (the applications API)
    let case = app
        .get(&format!("/api/v1/applications/{id}/case"), Some(&owner))
        .await;
    let w = app
        .send(
            app.request(
                Method::POST,
                &format!("/api/v1/applications/{id}/withdraw"),
                Some(&owner),
            )
            .header("If-Match", case.header("etag")),
        )
        .await;
    assert!(w.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("a decided case cannot be withdrawn"));

    // If-Match: missing is 428, stale is 412; a refused command changes nothing
    let r = command_with(&app, &h, &case_id, "close", None, &json!({})).await;
    r.problem(428);
    let r = command_with(&app, &h, &case_id, "close", Some("\"v1\""), &json!({})).await;
    r.problem(412);
}

#[actix_rt::test]
async fn only_case_handlers_handle_cases_and_applicants_see_only_their_part() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let h = handler(&app);
    let (id, case_id) = anonymous_case(&app, "roles").await;

    for tok in [
        owner.clone(),
        app.token(Role::Custodian),
        app.token(Role::Admin),
    ] {
        app.get("/api/v1/cases", Some(&tok)).await.problem(403);
        app.get(&format!("/api/v1/cases/{case_id}"), Some(&tok))
            .await
            .problem(403);
        command_with(&app, &tok, &case_id, "complete", Some("\"v1\""), &json!({}))
            .await
            .problem(403);
    }
    app.get("/api/v1/cases", None).await.problem(401);
    app.get(&format!("/api/v1/cases/{}", uuid::Uuid::new_v4()), Some(&h))
        .await
        .problem(404);

    // a note and a question: the applicant sees the question, never the note
    let r = app
        .send(
            app.request(
                Method::POST,
                &format!("/api/v1/cases/{case_id}/notes"),
                Some(&h),
            )
            .json(&json!({"text": "Søker har tidligere fått avslag, sjekk historikk."})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = command(
        &app,
        &h,
        &case_id,
        "questions",
        &json!({"text": "Hvilke år?"}),
    )
    .await;
    let q = open_question(&r.body);
    let events = timeline(&app, &owner, &id).await;
    assert_eq!(kinds(&events), vec!["SUBMITTED", "QUESTION_ASKED"]);
    assert!(!serde_json::to_string(&events).unwrap().contains("avslag"));

    // another person: 404; a co-applicant is not the owner
    let stranger = token(&app, STRANGER);
    let r = app
        .send(
            app.request(
                Method::POST,
                &format!("/api/v1/applications/{id}/case/questions/{q}/answer"),
                Some(&stranger),
            )
            .header("If-Match", "\"v1\"")
            .json(&json!({"answer": "x"})),
        )
        .await;
    r.problem(404);
    app.get(
        &format!("/api/v1/applications/{id}/case/events"),
        Some(&stranger),
    )
    .await
    .problem(404);

    // answers must not carry national identity numbers
    let r = applicant_command(
        &app,
        &owner,
        &id,
        &format!("questions/{q}/answer"),
        &json!({"answer": "Kontakt meg på 15058550040."}),
    )
    .await;
    let p = r.problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/answer");
    assert!(!r.text.contains("15058550040"));
}

#[actix_rt::test]
async fn the_work_queue_filters_on_overdue_at_risk_assignee_source_and_custodian() {
    let app = TestApp::spawn().await;
    let cal = calendar(&app);
    let h = handler(&app);
    let h2 = app.token_for(Role::CaseHandler, Some(HANDLER_2), None);
    let (_, a) = anonymous_case(&app, "queue-a").await; // MFR, 30 working days
    let (_, b) = identifiable_case(&app, "queue-b").await; // MFR + NPR, 60
    let (_, c) = anonymous_case(&app, "queue-c").await; // stays SUBMITTED

    let start = today();
    app.clock.set(Some(at(start)));
    for case in [&a, &b] {
        let r = command(&app, &h, case, "complete", &json!({})).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    assert_eq!(
        command(&app, &h, &a, "assign", &json!({})).await.status,
        200
    );
    let r = command(
        &app,
        &h,
        &b,
        "assign",
        &json!({"nationalId": HANDLER_2, "name": "Kari Saksbehandler"}),
    )
    .await;
    assert_eq!(r.body["assignee"]["name"], "Kari Saksbehandler");

    // move on to the day after A's deadline
    let a_due = cal.statutory_deadline(start, DataLinkage::SingleSource);
    let b_due = cal.statutory_deadline(start, DataLinkage::IdentifiableDataFromSeveralRegisters);
    let now = a_due.next_day().unwrap();
    app.clock.set(Some(at(now)));
    let ids = |r: &Response| -> Vec<String> {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let q = |s: &str| format!("/api/v1/cases?{s}");
    let all = app.get(&q(""), Some(&h)).await;
    assert_eq!(
        ids(&all),
        vec![a.clone(), b.clone(), c.clone()],
        "sorted by due date, no due date last"
    );
    assert_eq!(all.body["items"][0]["overdue"], true);
    assert_eq!(
        all.body["items"][0]["workingDaysLeft"],
        -cal.working_days_between(a_due, now)
    );
    assert_eq!(
        ids(&app.get(&q("overdue=true"), Some(&h)).await),
        vec![a.clone()]
    );
    let within = cal.working_days_between(now, b_due);
    assert_eq!(
        ids(&app
            .get(&q(&format!("atRiskWithin={within}")), Some(&h))
            .await),
        vec![b.clone()]
    );
    assert!(ids(&app
        .get(&q(&format!("atRiskWithin={}", within - 1)), Some(&h))
        .await)
    .is_empty());
    assert_eq!(
        ids(&app.get(&q("assignee=me"), Some(&h)).await),
        vec![a.clone()]
    );
    assert_eq!(
        ids(&app.get(&q("assignee=me"), Some(&h2)).await),
        vec![b.clone()]
    );
    assert_eq!(
        ids(&app.get(&q("assignee=none"), Some(&h)).await),
        vec![c.clone()]
    );
    assert_eq!(
        ids(&app.get(&q("dataSource=NPR"), Some(&h)).await),
        vec![b.clone()]
    );
    assert_eq!(ids(&app.get(&q("custodian=FHI"), Some(&h)).await).len(), 3);
    assert!(ids(&app.get(&q("custodian=NTNU"), Some(&h)).await).is_empty());
    assert_eq!(
        ids(&app.get(&q("status=SUBMITTED"), Some(&h)).await),
        vec![c.clone()]
    );
    assert_eq!(
        ids(&app.get(&q(&format!("dueBefore={b_due}")), Some(&h)).await),
        vec![a.clone()]
    );
    app.get(&q("status=NOPE"), Some(&h)).await.problem(400);
    app.get(&q("dueBefore=tomorrow"), Some(&h))
        .await
        .problem(400);

    // cursor pagination in due-date order
    let mut seen = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let path = match &next {
            Some(c) => q(&format!("limit=1&cursor={c}")),
            None => q("limit=1"),
        };
        let page = app.get(&path, Some(&h)).await;
        seen.extend(ids(&page));
        match page.body["nextCursor"].as_str() {
            Some(c) => next = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, vec![a.clone(), b.clone(), c.clone()]);

    // the job runner flags A overdue once (internal), and only once
    let report = run_jobs(&app, at(now));
    assert_eq!(report.overdue.len(), 1, "{report:?}");
    assert!(run_jobs(&app, at(now)).overdue.is_empty());
    let detail = read(&app, &h, &a).await;
    let overdue = detail.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "OVERDUE")
        .unwrap();
    assert_eq!(overdue["details"]["dueOn"], day(a_due));
    assert_eq!(overdue["visibleToApplicant"], false);
}

#[actix_rt::test]
async fn two_handlers_acting_at_once_one_succeeds_the_other_gets_412() {
    let app = TestApp::spawn().await;
    let h1 = handler(&app);
    let h2 = app.token_for(Role::CaseHandler, Some(HANDLER_2), None);
    let (_, case_id) = anonymous_case(&app, "race").await;
    for round in 0..3 {
        let etag = read(&app, &h1, &case_id).await.header("etag").to_owned();
        let (what, body) = match round {
            0 => ("questions", json!({"text": "Spørsmål?"})),
            1 => ("assign", json!({})),
            _ => ("assign", json!({"unassign": true})),
        };
        let (r1, r2) = tokio::join!(
            command_with(&app, &h1, &case_id, what, Some(&etag), &body),
            command_with(&app, &h2, &case_id, what, Some(&etag), &body),
        );
        let mut statuses = [r1.status, r2.status];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 412], "{} / {}", r1.text, r2.text);
    }
    // one question, not two
    let detail = read(&app, &h1, &case_id).await;
    assert_eq!(detail.body["questions"].as_array().unwrap().len(), 1);
    let asked = detail.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "QUESTION_ASKED")
        .count();
    assert_eq!(asked, 1);
}

#[actix_rt::test]
async fn custodian_decided_sources_get_decision_tasks_and_the_case_waits_for_them() {
    let app = TestApp::spawn().await;
    let h = handler(&app);
    let (_, case_id) = identifiable_case(&app, "custodian").await;
    // NPR decided by its custodian in this case (the seed has none with the common form and variables)
    let mut conn = app.db.connect();
    diesel::RunQueryDsl::execute(
        diesel::sql_query("UPDATE case_sources SET decision_authority = 'CUSTODIAN' WHERE data_source_code = 'NPR'"),
        &mut conn,
    )
    .unwrap();
    let r = command(&app, &h, &case_id, "complete", &json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["tasks"][0]["kind"], "DECISION");
    assert_eq!(r.body["tasks"][0]["dataSource"], "NPR");
    assert_eq!(r.body["tasks"][0]["custodian"], "FHI");
    assert_eq!(r.body["tasks"][0]["state"], "ASSIGNED");

    let both = json!({"decisions": [
        with_terms(json!({"dataSource": "MFR", "outcome": "GRANTED", "legalBasis": ["helseregisterloven § 19 a"], "text": "Innvilget."})),
        with_terms(json!({"dataSource": "NPR", "outcome": "GRANTED", "legalBasis": ["helseregisterloven § 19 a"], "text": "Innvilget."}))
    ]});
    let r = command(&app, &h, &case_id, "decisions", &both).await;
    let p = r.problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/decisions/1/dataSource");
    assert_eq!(p["errors"][0]["code"], "DECIDED_BY_CUSTODIAN");
    assert_eq!(
        hds_persistence::test_support::count_rows(&mut conn, "case_decisions"),
        0,
        "a refused decision writes nothing"
    );

    let mfr = json!({"decisions": [both["decisions"][0].clone()]});
    let r = command(&app, &h, &case_id, "decisions", &mfr).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "UNDER_REVIEW", "waits for the custodian");
    let last = r.body["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["kind"], "SOURCES_DECIDED");
    assert_eq!(last["details"]["waitingFor"][0]["dataSource"], "NPR");

    // the custodian decides through the same rules (the custodian issue exposes this)
    let fhi: uuid::Uuid = {
        use diesel::prelude::*;
        hds_persistence::schema::custodians::table
            .filter(hds_persistence::schema::custodians::code.eq("FHI"))
            .select(hds_persistence::schema::custodians::id)
            .first(&mut conn)
            .unwrap()
    };
    let case_uuid: uuid::Uuid = case_id.parse().unwrap();
    let rules = hds_api::state::case_rules(&app.config, &mut conn).unwrap();
    let ctx = hds_persistence::cases::Ctx {
        actor: "org:983744516",
        at: OffsetDateTime::now_utc(),
        request_id: None,
    };
    let npr = hds_persistence::cases::NewSourceDecision {
        decision: hds_domain::case::SourceDecisionDetails {
            data_source: "NPR".into(),
            outcome: hds_domain::case::DecisionOutcome::Refused,
            legal_basis: vec!["helseregisterloven § 19 b".into()],
            conditions: vec![],
            text: "Avslått.".into(),
            granted_variables: None,
            granted_period_from: None,
            granted_period_to: None,
        },
        terms: hds_domain::case::DecisionTerms::default(),
    };
    let rec = diesel::Connection::transaction(&mut conn, |c| {
        hds_persistence::cases::decide(
            c,
            case_uuid,
            None,
            &ctx,
            &rules,
            &[npr],
            hds_persistence::cases::Authority::Custodian(fhi),
        )
    })
    .unwrap();
    assert_eq!(rec.status, "DECIDED");
    let detail = read(&app, &h, &case_id).await;
    let tasks: Vec<String> = detail.body["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            format!(
                "{} {}",
                t["kind"].as_str().unwrap(),
                t["dataSource"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        tasks,
        vec!["DECISION NPR", "DATA_PREPARATION MFR"],
        "no preparation for the refused source"
    );
    assert!(detail.body["appealDeadline"].is_string());
}

#[actix_rt::test]
async fn case_events_are_append_only() {
    let app = TestApp::spawn().await;
    let (_, case_id) = anonymous_case(&app, "append-only").await;
    let mut conn = app.db.connect();
    for sql in [
        format!("UPDATE case_events SET actor = 'x' WHERE case_id = '{case_id}'"),
        format!("DELETE FROM case_events WHERE case_id = '{case_id}'"),
    ] {
        let err = diesel::RunQueryDsl::execute(diesel::sql_query(sql), &mut conn).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
    }
}

#[actix_rt::test]
async fn withdrawal_cancels_the_custodians_tasks_and_closes_the_question() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let h = handler(&app);
    let (id, case_id) = identifiable_case(&app, "withdraw").await;
    let mut conn = app.db.connect();
    diesel::RunQueryDsl::execute(
        diesel::sql_query(
            "UPDATE case_sources SET decision_authority = 'CUSTODIAN' WHERE data_source_code = 'NPR'",
        ),
        &mut conn,
    )
    .unwrap();
    assert_eq!(
        command(&app, &h, &case_id, "complete", &json!({}))
            .await
            .status,
        200
    );
    let r = command(
        &app,
        &h,
        &case_id,
        "questions",
        &json!({"text": "Hvilken periode?"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);

    let case = app
        .get(&format!("/api/v1/applications/{id}/case"), Some(&owner))
        .await;
    let w = app
        .send(
            app.request(
                Method::POST,
                &format!("/api/v1/applications/{id}/withdraw"),
                Some(&owner),
            )
            .header("If-Match", case.header("etag")),
        )
        .await;
    assert_eq!(w.status, 200, "{}", w.text);
    assert_eq!(w.body["status"], "WITHDRAWN");

    let detail = read(&app, &h, &case_id).await;
    assert_eq!(detail.body["status"], "WITHDRAWN");
    assert!(detail.body["dueOn"].is_null());
    assert_eq!(detail.body["tasks"][0]["kind"], "DECISION");
    // cancelled by the trigger cases_withdrawn_cancel_tasks (no code does it)
    assert_eq!(detail.body["tasks"][0]["state"], "CANCELLED");
    assert_eq!(
        detail.body["questions"][0]["closedWithoutAnswer"],
        "WITHDRAWN"
    );
    let events = timeline(&app, &owner, &id).await;
    assert_eq!(
        last_of(&events, "WITHDRAWN")["details"]["withdrawnOn"],
        day(today())
    );
    // nothing more happens to it
    let r = command(&app, &h, &case_id, "assign", &json!({})).await;
    r.problem(409);
    let report = run_jobs(&app, at(today() + Duration::days(60)));
    assert_eq!(report.acted(), 0, "{report:?}");
}

#[actix_rt::test]
async fn with_the_pause_setting_off_the_clock_runs_on_during_questions() {
    let app = TestApp::spawn_with(|c| c.pause_clock_while_awaiting_applicant = false).await;
    let cal = calendar(&app);
    let owner = token(&app, OWNER);
    let h = handler(&app);
    let (id, case_id) = anonymous_case(&app, "no-pause").await;
    let start = today();
    app.clock.set(Some(at(start)));
    let r = command(&app, &h, &case_id, "complete", &json!({})).await;
    let deadline = cal.statutory_deadline(start, DataLinkage::SingleSource);
    assert_eq!(r.body["statutoryDeadline"], day(deadline));
    let r = command(
        &app,
        &h,
        &case_id,
        "questions",
        &json!({"text": "Hvilke år?"}),
    )
    .await;
    assert_eq!(r.body["clockPaused"], false);
    assert_eq!(r.body["questions"][0]["clockPaused"], false);
    let q = open_question(&r.body);
    app.clock.set(Some(at(cal.add_working_days(start, 4))));
    let r = applicant_command(
        &app,
        &owner,
        &id,
        &format!("questions/{q}/answer"),
        &json!({"answer": "2010–2020."}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let detail = read(&app, &h, &case_id).await;
    assert_eq!(detail.body["statutoryDeadline"], day(deadline), "not moved");
    let events = timeline(&app, &owner, &id).await;
    assert!(!kinds(&events).contains(&"CLOCK_RESUMED"));
}

#[actix_rt::test]
async fn an_appeal_reversed_gives_a_new_decision_and_preparation_tasks() {
    let app = TestApp::spawn().await;
    let cal = calendar(&app);
    let owner = token(&app, OWNER);
    let h = handler(&app);
    let (id, case_id) = anonymous_case(&app, "reversed").await;
    let start = today();
    app.clock.set(Some(at(start)));
    assert_eq!(
        command(&app, &h, &case_id, "complete", &json!({}))
            .await
            .status,
        200
    );
    let refused = json!({"decisions": [{"dataSource": "MFR", "outcome": "REFUSED",
        "legalBasis": ["helseregisterloven § 19 a"], "text": "Formålet er ikke i tråd med registerets formål."}]});
    let r = command(&app, &h, &case_id, "decisions", &refused).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["appealDeadline"], day(cal.appeal_deadline(start)));
    assert_eq!(r.body["tasks"], json!([]), "nothing to prepare");
    let overview = app.get("/api/v1/granted-access", None).await;
    assert_eq!(overview.body["items"], json!([]), "refused: not published");
    let r = applicant_command(
        &app,
        &owner,
        &id,
        "appeal",
        &json!({"grounds": "Formålet er helseanalyse."}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);

    // a reconsideration that does not fit, or lacks decisions, is refused
    let r = command(
        &app,
        &h,
        &case_id,
        "appeal/reconsideration",
        &json!({"result": "REJECTION_LIFTED"}),
    )
    .await;
    assert_eq!(
        r.problem(409)["detail"],
        "the appeal is against a decision; REJECTION_LIFTED does not apply to it"
    );
    let r = command(
        &app,
        &h,
        &case_id,
        "appeal/reconsideration",
        &json!({"result": "REVERSED"}),
    )
    .await;
    assert_eq!(r.problem(422)["errors"][0]["pointer"], "/decisions");

    let reversed_on = cal.add_working_days(start, 7);
    app.clock.set(Some(at(reversed_on)));
    let r = command(&app, &h, &case_id, "appeal/reconsideration", &json!({"result": "REVERSED",
        "reason": "Formålet er likevel innenfor.",
        "decisions": [{"dataSource": "MFR", "outcome": "GRANTED", "legalBasis": ["helseregisterloven § 19 a"], "text": "Innvilget etter klage."}]})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "DECIDED");
    assert_eq!(r.body["decidedOn"], day(reversed_on));
    // granted on appeal: published in the overview at once, decided then
    let overview = app.get("/api/v1/granted-access", None).await;
    assert_eq!(
        overview.body["items"][0]["caseNumber"], r.body["caseNumber"],
        "{}",
        overview.text
    );
    assert_eq!(overview.body["items"][0]["decidedOn"], day(reversed_on));
    assert_eq!(overview.body["items"][0]["dataSources"][0]["code"], "MFR");
    assert!(
        r.body["appealDeadline"].is_null(),
        "all granted: nothing to appeal"
    );
    let decisions = r.body["decisions"].as_array().unwrap();
    assert_eq!(decisions.len(), 2);
    assert_eq!(
        (
            decisions[0]["round"].clone(),
            decisions[0]["current"].clone()
        ),
        (json!(1), json!(false))
    );
    assert_eq!(
        (
            decisions[1]["round"].clone(),
            decisions[1]["outcome"].clone()
        ),
        (json!(2), json!("GRANTED"))
    );
    assert_eq!(r.body["tasks"][0]["kind"], "DATA_PREPARATION");
    let events = timeline(&app, &owner, &id).await;
    assert_eq!(
        &kinds(&events)[2..],
        &["DECIDED", "APPEALED", "APPEAL_REVERSED", "DECIDED"]
    );
    assert_eq!(
        events[4]["details"]["reason"],
        "Formålet er likevel innenfor."
    );
    // all granted: nothing to appeal, but the case is closed only once the
    // data are made available (MFR delivered or reported undeliverable)
    let r = command(&app, &h, &case_id, "close", &json!({})).await;
    assert_eq!(
        r.problem(409)["detail"],
        "the data are not yet made available: MFR not delivered or reported undeliverable"
    );
}

#[actix_rt::test]
async fn two_job_runners_at_once_never_act_twice_on_a_case() {
    let app = TestApp::spawn().await;
    let cal = calendar(&app);
    let h = handler(&app);
    let asked_on = today();
    app.clock.set(Some(at(asked_on)));
    let mut cases = Vec::new();
    for i in 0..6 {
        let (_, case_id) = anonymous_case(&app, &format!("runner-{i}")).await;
        let r = command(
            &app,
            &h,
            &case_id,
            "questions",
            &json!({"text": "Hvilke år?"}),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
        cases.push(case_id);
    }
    let instant = at(cal.question_reply_deadline(asked_on).next_day().unwrap());
    let runners: Vec<_> = (0..2)
        .map(|_| {
            let config = app.config.clone();
            let url = app.db.url.clone();
            std::thread::spawn(move || {
                let mut conn =
                    <diesel::PgConnection as diesel::Connection>::establish(&url).unwrap();
                hds_api::jobs::run(&config, &mut conn, instant).unwrap()
            })
        })
        .collect();
    let reports: Vec<JobReport> = runners.into_iter().map(|t| t.join().unwrap()).collect();
    let mut reminded: Vec<String> = reports.iter().flat_map(|r| r.reminders.clone()).collect();
    reminded.sort();
    reminded.dedup();
    assert_eq!(
        reports.iter().map(|r| r.reminders.len()).sum::<usize>(),
        6,
        "every case reminded once in all: {reports:?}"
    );
    assert_eq!(reminded.len(), 6);
    let mut conn = app.db.connect();
    for case_id in &cases {
        let n = hds_persistence::cases::count_events(
            &mut conn,
            case_id.parse().unwrap(),
            "REMINDER_SENT",
        )
        .unwrap();
        assert_eq!(n, 1, "{case_id}");
    }
}

#[actix_rt::test]
async fn a_rejection_cancels_the_custodians_tasks_and_lifting_it_gives_them_back() {
    let app = TestApp::spawn().await;
    let cal = calendar(&app);
    let owner = token(&app, OWNER);
    let h = handler(&app);
    let (id, case_id) = identifiable_case(&app, "reject-tasks").await;
    let mut conn = app.db.connect();
    diesel::RunQueryDsl::execute(
        diesel::sql_query(
            "UPDATE case_sources SET decision_authority = 'CUSTODIAN' WHERE data_source_code = 'NPR'",
        ),
        &mut conn,
    )
    .unwrap();
    let asked_on = today();
    app.clock.set(Some(at(asked_on)));
    assert_eq!(
        command(&app, &h, &case_id, "complete", &json!({}))
            .await
            .status,
        200
    );
    let r = command(
        &app,
        &h,
        &case_id,
        "questions",
        &json!({"text": "Hvilken periode?"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        read(&app, &h, &case_id).await.body["tasks"][0]["state"],
        "ASSIGNED"
    );

    let reply_deadline = cal.question_reply_deadline(asked_on);
    let reminder_deadline = cal.reminder_reply_deadline(reply_deadline);
    assert_eq!(
        run_jobs(&app, at(reply_deadline.next_day().unwrap()))
            .reminders
            .len(),
        1
    );
    let reject_day = reminder_deadline.next_day().unwrap();
    assert_eq!(run_jobs(&app, at(reject_day)).rejections.len(), 1);
    let detail = read(&app, &h, &case_id).await;
    assert_eq!(detail.body["status"], "REJECTED_NO_REPLY");
    assert_eq!(
        detail.body["tasks"][0]["state"], "CANCELLED",
        "the custodian stops work"
    );

    app.clock.set(Some(at(reject_day)));
    let r = applicant_command(
        &app,
        &owner,
        &id,
        "appeal",
        &json!({"grounds": "Vi svarte per e-post."}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = command(
        &app,
        &h,
        &case_id,
        "appeal/reconsideration",
        &json!({"result": "REJECTION_LIFTED"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["tasks"][0]["state"], "ASSIGNED",
        "the custodian's task is back"
    );
}
