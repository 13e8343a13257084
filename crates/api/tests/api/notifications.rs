//! Notifications: the outbox rows each event writes in its own transaction
//! (who, which language, which address; none without a verified address, no
//! national identity number anywhere), the staff list of messages, and the
//! verification of a contact address with its refusals (wrong, expired, too
//! many tries: a problem, and nothing changed).

use diesel::sql_types::Text;
use diesel::{QueryableByName, RunQueryDsl};
use hds_api::auth::Role;
use hds_persistence::notifications::outbox;
use reqwest::Method;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::applications::{complete_identifiable, invite, submit, token, MEMBER, OWNER};
use crate::journey::granted;
use crate::support::{Response, TestApp};

const FHI: &str = "983744516";

#[derive(QueryableByName)]
struct Code {
    #[diesel(sql_type = Text)]
    code: String,
}

/// The verification code last queued for `address` (read from the outbox,
/// as the test's stand-in for the recipient's mailbox).
fn code_sent_to(app: &TestApp, address: &str) -> String {
    diesel::sql_query(
        "SELECT data->>'code' AS code FROM notifications \
         WHERE kind = 'VERIFY_ADDRESS' AND to_address = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind::<Text, _>(address)
    .get_result::<Code>(&mut app.db.connect())
    .unwrap()
    .code
}

async fn set_contact(app: &TestApp, tok: &str, body: &Value) -> Response {
    let r = app
        .send(
            app.request(Method::PUT, "/api/v1/me/contact", Some(tok))
                .json(body),
        )
        .await;
    r
}

async fn verify(app: &TestApp, tok: &str, code: &str) -> Response {
    app.post_json(
        "/api/v1/me/contact/verification",
        Some(tok),
        &json!({"code": code}),
    )
    .await
}

/// Sets and verifies `address` for the person of `tok`.
pub(crate) async fn verified(app: &TestApp, tok: &str, address: &str, language: &str) {
    let r = set_contact(app, tok, &json!({"email": address, "language": language})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["verified"], false);
    assert_eq!(r.body["pendingEmail"], address);
    let r = verify(app, tok, &code_sent_to(app, address)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["email"], address);
    assert_eq!(r.body["verified"], true);
}

async fn case_command(app: &TestApp, case_id: &str, what: &str, body: &Value) -> Response {
    let r = crate::journey::try_case_command(app, case_id, what, body).await;
    assert_eq!(r.status, 200, "{what}: {}", r.text);
    r
}

async fn task_action(app: &TestApp, tok: &str, task_id: &str, what: &str, body: &Value) {
    let read = app
        .get(&format!("/api/v1/tasks/{task_id}"), Some(tok))
        .await;
    assert_eq!(read.status, 200, "{}", read.text);
    let r = app
        .send(
            app.request(
                Method::POST,
                &format!("/api/v1/tasks/{task_id}/{what}"),
                Some(tok),
            )
            .header("If-Match", read.header("etag"))
            .json(body),
        )
        .await;
    assert_eq!(r.status, 200, "{what}: {}", r.text);
}

fn rows(app: &TestApp, case_id: &str) -> Vec<(String, String, String, String, String)> {
    outbox::of_case(&mut app.db.connect(), case_id.parse::<Uuid>().unwrap())
        .unwrap()
        .into_iter()
        .map(|r| (r.kind, r.cause, r.audience, r.to_address, r.language))
        .collect()
}

fn of_kind<'a>(
    rows: &'a [(String, String, String, String, String)],
    kind: &str,
) -> Vec<&'a (String, String, String, String, String)> {
    rows.iter().filter(|r| r.0 == kind).collect()
}

#[actix_rt::test]
async fn each_event_queues_its_messages_in_the_same_transaction_to_verified_addresses_only() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let member = token(&app, MEMBER);
    let (id, _) = complete_identifiable(&app, &owner).await;

    // without a verified address the application says the timeline is the only channel
    let r = app
        .get(&format!("/api/v1/applications/{id}"), Some(&owner))
        .await;
    assert_eq!(r.body["emailNotifications"], false);

    verified(&app, &owner, "ola.nordmann@uio.no", "EN").await;
    verified(&app, &member, "kari.medsoker@uio.no", "NB").await;
    let r = app
        .get(&format!("/api/v1/applications/{id}"), Some(&owner))
        .await;
    assert_eq!(r.body["emailNotifications"], true);

    // the co-applicant is told they were added (seed 004)
    let r = invite(&app, &owner, &id, MEMBER).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let added: Vec<(String, String)> = outbox::list(
        &mut app.db.connect(),
        &outbox::Filter {
            kind: Some("ADDED_AS_CO_APPLICANT".into()),
            ..outbox::Filter::default()
        },
        10,
    )
    .unwrap()
    .into_iter()
    .map(|r| (r.to_address, r.language))
    .collect();
    assert_eq!(added, [("kari.medsoker@uio.no".into(), "NB".into())]);

    // receipt: to the applicant (English) and the co-applicant (bokmål)
    let etag = crate::applications::etag_of(&app, &owner, &id).await;
    let r = submit(&app, &owner, &id, &etag, "notify-1").await;
    assert_eq!(r.status, 201, "{}", r.text);
    let case_id = r.body["id"].as_str().unwrap().to_owned();
    let case_number = r.body["caseNumber"].as_str().unwrap().to_owned();
    let mut received = rows(&app, &case_id);
    received.sort();
    assert_eq!(
        received,
        [
            (
                "RECEIVED".into(),
                "SUBMITTED".into(),
                "APPLICANT".into(),
                "ola.nordmann@uio.no".into(),
                "EN".into()
            ),
            (
                "RECEIVED".into(),
                "SUBMITTED".into(),
                "CO_APPLICANT".into(),
                "kari.medsoker@uio.no".into(),
                "NB".into()
            ),
        ]
    );

    // a question, then completeness (no message), then a preliminary reply
    let r = case_command(
        &app,
        &case_id,
        "questions",
        &json!({"text": "Hvilke diagnoser gjelder det?"}),
    )
    .await;
    let question = r.body["questions"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(of_kind(&rows(&app, &case_id), "QUESTION_ASKED").len(), 2);
    let case = app
        .get(&format!("/api/v1/applications/{id}/case"), Some(&owner))
        .await;
    let r = app
        .send(
            app.request(
                Method::POST,
                &format!("/api/v1/applications/{id}/case/questions/{question}/answer"),
                Some(&owner),
            )
            .header("If-Match", case.header("etag"))
            .json(&json!({"answer": "Diagnosene står i vedlegget."})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let before = rows(&app, &case_id).len();
    case_command(&app, &case_id, "complete", &json!({})).await;
    assert_eq!(
        rows(&app, &case_id).len(),
        before,
        "completeness sends nothing"
    );

    // the decision: the applicants are told; each new task tells its custodian
    let r = case_command(
        &app,
        &case_id,
        "decisions",
        &json!({"decisions": [granted("MFR"), granted("NPR")]}),
    )
    .await;
    assert_eq!(r.body["status"], "DECIDED");
    let all = rows(&app, &case_id);
    assert_eq!(of_kind(&all, "DECIDED").len(), 2);
    let tasks = of_kind(&all, "TASK_ASSIGNED");
    assert_eq!(tasks.len(), 2, "one per DATA_PREPARATION task: {all:?}");
    assert!(tasks
        .iter()
        .all(|t| t.2 == "CUSTODIAN" && t.1 == "TASK_CREATED"));
    assert!(
        tasks.iter().any(|t| t.3 == "datatilgang@fhi.no"),
        "FHI's public contact address serves until ADMIN sets one: {tasks:?}"
    );

    // ADMIN sets FHI's functional address; the delivery tells the applicants
    let admin = app.token(Role::Admin);
    let r = app
        .send(
            app.request(
                Method::PUT,
                "/api/v1/custodians/FHI/notification-address",
                Some(&admin),
            )
            .json(&json!({"email": "oppgaver@fhi.no"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let fhi_id: Uuid = {
        use diesel::prelude::*;
        use hds_persistence::schema::custodians;
        custodians::table
            .filter(custodians::orgnr.eq(FHI))
            .select(custodians::id)
            .first(&mut app.db.connect())
            .unwrap()
    };
    assert_eq!(
        hds_persistence::notifications::custodian_address(&mut app.db.connect(), fhi_id).unwrap(),
        Some("oppgaver@fhi.no".to_owned()),
        "new tasks now go to the address ADMIN set"
    );
    let put_address = |code: &str, body: Value, tok: &str| {
        app.request(
            Method::PUT,
            &format!("/api/v1/custodians/{code}/notification-address"),
            Some(tok),
        )
        .json(&body)
    };
    let r = app
        .send(put_address("NOPE", json!({"email": "a@b.no"}), &admin))
        .await;
    r.problem(404);
    let r = app
        .send(put_address(
            "FHI",
            json!({"email": "not an address"}),
            &admin,
        ))
        .await;
    assert_eq!(r.problem(422)["errors"][0]["pointer"], "/email");
    let r = app
        .send(put_address("FHI", json!({"email": "x@fhi.no"}), &owner))
        .await;
    r.problem(403);
    assert_eq!(
        hds_persistence::notifications::custodian_address(&mut app.db.connect(), fhi_id).unwrap(),
        Some("oppgaver@fhi.no".to_owned()),
        "refused changes change nothing"
    );
    let fhi = app.token_for(Role::Custodian, None, Some(FHI));
    let list = app.get("/api/v1/tasks", Some(&fhi)).await;
    let task = list.body["items"][0]["id"].as_str().unwrap().to_owned();
    task_action(&app, &fhi, &task, "acknowledge", &json!({})).await;
    task_action(
        &app,
        &fhi,
        &task,
        "deliveries",
        &json!({"deliveredOn": time::OffsetDateTime::now_utc().date().to_string(),
                "method": "SECURE_FILE_TRANSFER", "contents": "mfr.csv"}),
    )
    .await;
    let delivered = of_kind(&rows(&app, &case_id), "DATA_DELIVERED").len();
    assert_eq!(delivered, 2);

    // the message is part of the event's transaction: rolled back together
    let before = rows(&app, &case_id).len();
    let mut conn = app.db.connect();
    let rolled_back =
        diesel::Connection::transaction::<(), diesel::result::Error, _>(&mut conn, |c| {
            hds_persistence::applications::record_case_event(
                c,
                &hds_persistence::applications::NewCaseEvent {
                    case_id: case_id.parse().unwrap(),
                    kind: "POSTPONED",
                    occurred_at: time::OffsetDateTime::now_utc(),
                    actor: "test",
                    visible_to_applicant: true,
                    status_before: None,
                    status_after: None,
                    data: json!({}),
                    request_id: None,
                },
            )
            .unwrap();
            let inside = outbox::of_case(c, case_id.parse().unwrap()).unwrap().len();
            assert_eq!(inside, before + 2, "queued with the event");
            Err(diesel::result::Error::RollbackTransaction)
        });
    assert!(rolled_back.is_err());
    assert_eq!(rows(&app, &case_id).len(), before, "and gone with it");

    // nothing in the outbox carries a national identity number
    let dump: Vec<String> = outbox::of_case(&mut app.db.connect(), case_id.parse().unwrap())
        .unwrap()
        .iter()
        .map(|r| format!("{r:?}"))
        .collect();
    let dump = dump.join("\n");
    assert!(!dump.contains(OWNER) && !dump.contains(MEMBER));

    // HDS staff see each message with its state, filtered by case; others may not
    let h = app.token(Role::CaseHandler);
    let r = app
        .get(
            &format!("/api/v1/notifications?caseNumber={case_number}&kind=DECIDED&limit=1"),
            Some(&h),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["items"][0]["status"], "PENDING");
    assert_eq!(r.body["items"][0]["attempts"], 0);
    let cursor = r.body["nextCursor"].as_str().unwrap().to_owned();
    let r = app
        .get(
            &format!("/api/v1/notifications?caseNumber={case_number}&kind=DECIDED&limit=1&cursor={cursor}"),
            Some(&h),
        )
        .await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
    assert!(r.body["nextCursor"].is_null());
    let r = app.get("/api/v1/notifications", Some(&owner)).await;
    r.problem(403);
    let r = app.get("/api/v1/notifications?status=LOST", Some(&h)).await;
    r.problem(400);
}

#[actix_rt::test]
async fn without_a_verified_address_nothing_is_queued_for_the_applicant() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let (id, etag) = complete_identifiable(&app, &owner).await;
    // an address set but never verified does not count
    let r = set_contact(
        &app,
        &owner,
        &json!({"email": "ola@uio.no", "language": "NB"}),
    )
    .await;
    assert_eq!(r.status, 200);
    let r = submit(&app, &owner, &id, &etag, "notify-2").await;
    assert_eq!(r.status, 201, "{}", r.text);
    let case_id = r.body["id"].as_str().unwrap();
    assert_eq!(rows(&app, case_id), []);
    let r = app
        .get(&format!("/api/v1/applications/{id}"), Some(&owner))
        .await;
    assert_eq!(r.body["emailNotifications"], false);
}

fn contact_row(app: &TestApp) -> String {
    format!(
        "{:?}",
        hds_persistence::notifications::contacts::find(&mut app.db.connect(), OWNER).unwrap()
    )
}

#[actix_rt::test]
async fn a_wrong_expired_or_overtried_code_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);

    // no address waits: 409
    verify(&app, &owner, "123456").await.problem(409);
    // a malformed address: 422 at /email, nothing stored
    let r = set_contact(
        &app,
        &owner,
        &json!({"email": "not an address", "language": "NB"}),
    )
    .await;
    assert_eq!(r.problem(422)["errors"][0]["pointer"], "/email");
    assert_eq!(contact_row(&app), "None");

    let r = set_contact(
        &app,
        &owner,
        &json!({"email": "ola@uio.no", "language": "EN"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let code = code_sent_to(&app, "ola@uio.no");
    let wrong = if code == "000000" { "111111" } else { "000000" };

    // wrong: 422 WRONG_CODE at /code; the address stays unverified
    let r = verify(&app, &owner, wrong).await;
    let p = r.problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/code");
    assert_eq!(p["errors"][0]["code"], "WRONG_CODE");
    let me = app.get("/api/v1/me/contact", Some(&owner)).await;
    assert_eq!(me.body["verified"], false);
    assert!(me.body["email"].is_null());

    // expired: 422 CODE_EXPIRED, even with the right code
    app.clock.set(Some(
        time::OffsetDateTime::now_utc() + time::Duration::minutes(31),
    ));
    let before = contact_row(&app);
    let p = verify(&app, &owner, &code).await;
    assert_eq!(p.problem(422)["errors"][0]["code"], "CODE_EXPIRED");
    assert_eq!(contact_row(&app), before, "nothing changed");
    app.clock.set(None);

    // a new code; five wrong tries spend it, and then the right one is refused too
    let r = set_contact(
        &app,
        &owner,
        &json!({"email": "ola@uio.no", "language": "EN"}),
    )
    .await;
    assert_eq!(r.status, 200);
    let code = code_sent_to(&app, "ola@uio.no");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert_eq!(
            verify(&app, &owner, wrong).await.problem(422)["errors"][0]["code"],
            "WRONG_CODE"
        );
    }
    let before = contact_row(&app);
    let p = verify(&app, &owner, &code).await;
    assert_eq!(p.problem(422)["errors"][0]["code"], "TOO_MANY_ATTEMPTS");
    assert_eq!(contact_row(&app), before, "nothing changed");
    let me = app.get("/api/v1/me/contact", Some(&owner)).await;
    assert_eq!(me.body["verified"], false);

    // a fresh code works, and the language is the one chosen
    let r = set_contact(
        &app,
        &owner,
        &json!({"email": "ola@uio.no", "language": "EN"}),
    )
    .await;
    assert_eq!(r.status, 200);
    let r = verify(&app, &owner, &code_sent_to(&app, "ola@uio.no")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["language"], "EN");
    assert_eq!(r.body["email"], "ola@uio.no");

    // at most five codes an hour: the sixth is refused and changes nothing
    for _ in 0..2 {
        let r = set_contact(
            &app,
            &owner,
            &json!({"email": "kari@uio.no", "language": "EN"}),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let before = contact_row(&app);
    let r = set_contact(
        &app,
        &owner,
        &json!({"email": "kari@uio.no", "language": "NB"}),
    )
    .await;
    assert!(r.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("ask again after"));
    assert_eq!(
        contact_row(&app),
        before,
        "nothing changed, not even the language"
    );
    let r = set_contact(&app, &owner, &json!({"language": "NB"})).await;
    assert_eq!(r.body["language"], "NB", "the language alone still changes");

    // each change is in the audit trail, under the pseudonymous key, the actor masked
    let key = hds_persistence::notifications::person_key(OWNER);
    let audit =
        hds_persistence::audit::history(&mut app.db.connect(), "person_contact", &key).unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "CONTACT_SET",
            "CONTACT_SET",
            "CONTACT_SET",
            "CONTACT_VERIFIED",
            "CONTACT_SET",
            "CONTACT_SET",
            "CONTACT_SET"
        ]
    );
    assert!(audit.iter().all(|a| !a.actor.contains(OWNER)));
}

#[actix_rt::test]
async fn the_code_is_stored_hashed_and_the_contact_is_keyed_without_the_national_id() {
    let app = TestApp::spawn().await;
    let owner = token(&app, OWNER);
    let r = set_contact(
        &app,
        &owner,
        &json!({"email": "ola@uio.no", "language": "NB"}),
    )
    .await;
    assert_eq!(r.status, 200);
    let code = code_sent_to(&app, "ola@uio.no");
    let stored: Code =
        diesel::sql_query("SELECT person_key || ' ' || code_hash AS code FROM person_contacts")
            .get_result(&mut app.db.connect())
            .unwrap();
    assert!(!stored.code.contains(&code), "{}", stored.code);
    assert!(!stored.code.contains(OWNER), "{}", stored.code);
    assert_eq!(stored.code.len(), 64 + 1 + 64);
}

#[actix_rt::test]
async fn a_message_the_mail_server_never_takes_is_given_up_after_the_last_try_and_staff_see_why() {
    // an SMTP address where nothing listens
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let app = TestApp::spawn_with(|c| {
        c.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.mail.max_attempts = 2;
        c.mail.retry_seconds = 60;
    })
    .await;
    let owner = token(&app, OWNER);
    let r = set_contact(
        &app,
        &owner,
        &json!({"email": "ola@uio.no", "language": "NB"}),
    )
    .await;
    assert_eq!(r.status, 200);
    let smtp = hds_api::mail::transport(&app.config.mail).unwrap();
    let now = time::OffsetDateTime::now_utc();

    let report = hds_api::mail::send_due(&app.state, smtp.as_ref(), now)
        .await
        .unwrap();
    assert_eq!((report.sent, report.retrying, report.failed), (0, 1, 0));
    let h = app.token(Role::CaseHandler);
    let r = app.get("/api/v1/notifications", Some(&h)).await;
    let item = &r.body["items"][0];
    assert_eq!(item["status"], "PENDING");
    assert_eq!(item["attempts"], 1);
    assert!(
        item["lastError"].as_str().unwrap().starts_with("SMTP:"),
        "{item}"
    );
    // not due again before the back-off has passed
    let report = hds_api::mail::send_due(&app.state, smtp.as_ref(), now)
        .await
        .unwrap();
    assert_eq!(report, hds_api::mail::SendReport::default());

    let later = now + time::Duration::seconds(61);
    let report = hds_api::mail::send_due(&app.state, smtp.as_ref(), later)
        .await
        .unwrap();
    assert_eq!((report.sent, report.retrying, report.failed), (0, 0, 1));
    let r = app
        .get("/api/v1/notifications?status=FAILED", Some(&h))
        .await;
    let item = &r.body["items"][0];
    assert_eq!(item["attempts"], 2);
    assert!(item.get("nextAttemptAt").is_none(), "{item}");
    assert!(
        !item["lastError"].as_str().unwrap().contains("smtp://"),
        "{item}"
    );
    // a given-up message keeps no verification code
    let left: Code =
        diesel::sql_query("SELECT coalesce(data->>'code', 'none') AS code FROM notifications")
            .get_result(&mut app.db.connect())
            .unwrap();
    assert_eq!(left.code, "none");
}

fn at(d: time::Date) -> time::OffsetDateTime {
    d.with_hms(9, 0, 0).unwrap().assume_utc()
}

#[actix_rt::test]
async fn reminders_rejections_and_appeals_each_queue_their_message() {
    let app = TestApp::spawn().await;
    let cal = hds_api::state::case_rules(&app.config, &mut app.db.connect())
        .unwrap()
        .calendar;
    let owner = token(&app, OWNER);
    verified(&app, &owner, "ola.nordmann@uio.no", "NB").await;
    let (id, etag) = complete_identifiable(&app, &owner).await;
    let r = submit(&app, &owner, &id, &etag, "notify-3").await;
    assert_eq!(r.status, 201, "{}", r.text);
    let case_id = r.body["id"].as_str().unwrap().to_owned();

    // asked after the submission; the jobs run on later days
    let asked_at = time::OffsetDateTime::now_utc() + time::Duration::minutes(1);
    let asked_on = hds_domain::calendar::oslo_date(asked_at);
    app.clock.set(Some(asked_at));
    case_command(
        &app,
        &case_id,
        "questions",
        &json!({"text": "Hvilken periode?"}),
    )
    .await;
    let reply_deadline = cal.question_reply_deadline(asked_on);
    let reminder_deadline = cal.reminder_reply_deadline(reply_deadline);
    let run = |instant| hds_api::jobs::run(&app.config, &mut app.db.connect(), instant).unwrap();
    assert_eq!(
        run(at(reply_deadline.next_day().unwrap())).reminders.len(),
        1
    );
    let reject_day = reminder_deadline.next_day().unwrap();
    assert_eq!(run(at(reject_day)).rejections.len(), 1);

    app.clock
        .set(Some(at(reject_day) + time::Duration::hours(1)));
    let case = app
        .get(&format!("/api/v1/applications/{id}/case"), Some(&owner))
        .await;
    let r = app
        .send(
            app.request(
                Method::POST,
                &format!("/api/v1/applications/{id}/case/appeal"),
                Some(&owner),
            )
            .header("If-Match", case.header("etag"))
            .json(&json!({"grounds": "Vi svarte per e-post."})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    app.clock
        .set(Some(at(reject_day) + time::Duration::hours(2)));
    case_command(
        &app,
        &case_id,
        "appeal/reconsideration",
        &json!({"result": "REJECTION_LIFTED"}),
    )
    .await;

    let kinds: Vec<(String, String)> = rows(&app, &case_id)
        .into_iter()
        .map(|(kind, cause, audience, to, language)| {
            assert_eq!(
                (audience.as_str(), to.as_str(), language.as_str()),
                ("APPLICANT", "ola.nordmann@uio.no", "NB")
            );
            (kind, cause)
        })
        .collect();
    let expected = [
        ("RECEIVED", "SUBMITTED"),
        ("QUESTION_ASKED", "QUESTION_ASKED"),
        ("REMINDER", "REMINDER_SENT"),
        ("REJECTED_NO_REPLY", "REJECTED_NO_REPLY"),
        ("APPEAL_RECEIVED", "APPEALED"),
        ("APPEAL_DECIDED", "REJECTION_LIFTED"),
    ]
    .map(|(k, c)| (k.to_owned(), c.to_owned()));
    assert_eq!(kinds, expected);
}

/// A change request is told twice, not three times: its receipt (on its own
/// case) and its decision (once, as CHANGE_REQUEST_DECIDED about the
/// original case; the change request case's own DECIDED sends nothing).
#[actix_rt::test]
async fn a_change_request_is_received_and_decided_in_one_mail_each() {
    use crate::fees::{
        complete_and_grant, draft, on, plus, received, submit_draft, tables_content,
    };

    let app = TestApp::spawn().await;
    let t0 = received();
    on(&app, t0);
    let owner = token(&app, OWNER);
    verified(&app, &owner, "eier@example.no", "NB").await;
    let id = draft(&app, &tables_content(&["MFR"], false)).await;
    let original = submit_draft(&app, &id, "original").await;
    complete_and_grant(&app, &original, &["MFR"], plus(t0, 1), plus(t0, 2)).await;
    let made = crate::change_requests::ask_for_a_longer_period(&app, &id).await;
    let cr_case = made["caseId"].as_str().unwrap().to_owned();
    complete_and_grant(&app, &cr_case, &["MFR"], plus(t0, 3), plus(t0, 4)).await;

    let mut kinds: Vec<(String, String)> =
        outbox::list(&mut app.db.connect(), &outbox::Filter::default(), 100)
            .unwrap()
            .into_iter()
            .filter(|m| m.to_address == "eier@example.no" && m.kind != "VERIFY_ADDRESS")
            .map(|m| (m.kind, m.case_number.unwrap_or_default()))
            .collect();
    kinds.sort();
    let original_number = made["originalCaseNumber"].as_str().unwrap().to_owned();
    let cr_number = made["caseNumber"].as_str().unwrap().to_owned();
    let mut expected = vec![
        ("RECEIVED".to_owned(), original_number.clone()),
        ("DECIDED".to_owned(), original_number.clone()),
        ("CHANGE_REQUEST_RECEIVED".to_owned(), cr_number),
        ("CHANGE_REQUEST_DECIDED".to_owned(), original_number),
    ];
    expected.sort();
    assert_eq!(kinds, expected);
}
