//! Custodians' staff as persons (issue 12): an ADMIN links a person to a
//! custodian; with their own personal token they act on its tasks, under
//! their own name in the audit trail; unlinking takes effect at once. No
//! national identity number is stored or echoed.

use hds_api::auth::Role;
use serde_json::json;

use crate::journey::{
    audit_of, case_command, granted, identifiable_case, rows, task_action, task_of, timeline, FHI,
};
use crate::support::TestApp;

/// Kari, who works at FHI's data delivery (a made-up fødselsnummer).
const KARI: &str = "01019050188";

fn person(app: &TestApp, pid: &str) -> String {
    app.issuer
        .mint(
            Role::Applicant,
            Some(pid),
            None,
            Some("Kari Nordmann"),
            time::OffsetDateTime::now_utc().unix_timestamp(),
        )
        .unwrap()
}

async fn link(app: &TestApp, code: &str, body: &serde_json::Value) -> crate::support::Response {
    let admin = app.token(Role::Admin);
    app.post_json(
        &format!("/api/v1/custodians/{code}/members"),
        Some(&admin),
        body,
    )
    .await
}

#[actix_rt::test]
#[allow(clippy::too_many_lines)] // link, act, audit, unlink
async fn a_linked_employee_acts_on_a_task_with_a_personal_token_until_unlinked() {
    let app = TestApp::spawn().await;
    let (app_id, case_id) = identifiable_case(&app, "staff").await;
    case_command(&app, &case_id, "complete", &json!({})).await;
    case_command(
        &app,
        &case_id,
        "decisions",
        &json!({"decisions": [granted("MFR"), granted("NPR")]}),
    )
    .await;
    let kari = person(&app, KARI);

    // not linked: a person has no custodian
    let r = app.get("/api/v1/tasks", Some(&kari)).await;
    assert!(r.problem(403)["detail"]
        .as_str()
        .unwrap()
        .contains("not linked to a custodian"));

    // bad input is refused, nothing stored, the number never echoed
    let before = rows(&app, "custodian_members");
    let r = link(&app, "FHI", &json!({"nationalId": "01019050189", "identityProvider": "ID_PORTEN", "name": "Kari Nordmann"})).await;
    assert_eq!(r.problem(422)["errors"][0]["pointer"], "/nationalId");
    assert!(!r.text.contains("01019050189"));
    let r = link(
        &app,
        "FHI",
        &json!({"nationalId": KARI, "identityProvider": "ID_PORTEN", "name": " "}),
    )
    .await;
    assert_eq!(r.problem(422)["errors"][0]["pointer"], "/name");
    let r = link(
        &app,
        "NOPE",
        &json!({"nationalId": KARI, "identityProvider": "ID_PORTEN", "name": "Kari Nordmann"}),
    )
    .await;
    r.problem(404);
    let applicant = crate::applications::token(&app, crate::applications::OWNER);
    app.post_json(
        "/api/v1/custodians/FHI/members",
        Some(&applicant),
        &json!({"nationalId": KARI, "identityProvider": "ID_PORTEN", "name": "Kari Nordmann"}),
    )
    .await
    .problem(403);
    assert_eq!(rows(&app, "custodian_members"), before);

    // the ADMIN links Kari to FHI
    let body =
        json!({"nationalId": KARI, "identityProvider": "ID_PORTEN", "name": "Kari Nordmann"});
    let r = link(&app, "FHI", &body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(
        !r.text.contains(KARI),
        "no national identity number echoed: {}",
        r.text
    );
    let key = r.body["personKey"].as_str().unwrap().to_owned();
    assert!(key.starts_with("m-") && key.len() == 34, "{key}");
    let member_id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        link(&app, "FHI", &body).await.status,
        200,
        "linking again changes nothing"
    );
    let other = link(&app, "HDIR", &body).await;
    assert!(other.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("FHI"));
    let stored: Vec<String> = {
        use diesel::prelude::*;
        use hds_persistence::schema::custodian_members as m;
        m::table
            .select(m::person_key)
            .load(&mut app.db.connect())
            .unwrap()
    };
    assert_eq!(
        stored,
        vec![key.clone()],
        "only the pseudonymous key is stored"
    );
    let admin = app.token(Role::Admin);
    // the webhooks of the change feed stay with FHI's system
    app.get("/api/v1/webhooks", Some(&kari)).await.problem(403);
    let list = app
        .get("/api/v1/custodians/FHI/members", Some(&admin))
        .await;
    assert_eq!(list.body[0]["name"], "Kari Nordmann");
    assert!(!list.text.contains(KARI));

    // Kari acts for FHI with her own token: her tasks, acknowledged and delivered
    let mfr = task_of(&app, &kari, "MFR", "DATA_PREPARATION").await;
    let r = task_action(&app, &kari, &mfr, "acknowledge", &json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let today = crate::journey::today().to_string();
    let r = task_action(
        &app,
        &kari,
        &mfr,
        "deliveries",
        &json!({"deliveredOn": today, "method": "EMAIL", "contents": "mfr.csv"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["state"], "DELIVERED");
    // under her own name in the audit trail, never her number
    let audit = audit_of(&app, "custodian_task", &mfr);
    let actors: Vec<&str> = audit.iter().map(|a| a.actor.as_str()).collect();
    assert_eq!(actors.len(), 2);
    for actor in &actors {
        assert_eq!(*actor, format!("member:{key} (Kari Nordmann, FHI)"));
    }
    let case_audit = audit_of(&app, "case", &case_id);
    assert_eq!(
        case_audit.last().unwrap().actor,
        format!("member:{key} (Kari Nordmann, FHI)")
    );
    assert!(case_audit.iter().all(|a| !a.actor.contains(KARI)));
    // the applicant sees the delivery, by FHI
    let events = timeline(&app, &app_id).await;
    let delivered = events.iter().find(|e| e["kind"] == "DELIVERED").unwrap();
    assert_eq!(delivered["details"]["custodian"], "FHI");
    let linked = audit_of(&app, "custodian_member", &member_id);
    assert_eq!(linked[0].action, "CUSTODIAN_MEMBER_LINKED");
    assert!(!serde_json::to_string(&linked[0].after_state)
        .unwrap()
        .contains(KARI));

    // unlinked: her next request no longer acts for FHI
    let r = app
        .delete(
            &format!("/api/v1/custodians/FHI/members/{member_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    app.get("/api/v1/tasks", Some(&kari)).await.problem(403);
    app.get(&format!("/api/v1/tasks/{mfr}"), Some(&kari))
        .await
        .problem(403);
    app.delete(
        &format!("/api/v1/custodians/FHI/members/{member_id}"),
        Some(&admin),
        None,
    )
    .await
    .problem(404);
    // and may now be linked to another custodian: Kreftregisteret, which has no orgnr
    let r = link(
        &app,
        "KREFTREGISTERET",
        &json!({"nationalId": KARI, "identityProvider": "HELSE_ID", "name": "Kari Nordmann"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let tasks = app.get("/api/v1/tasks", Some(&kari)).await;
    assert_eq!(tasks.status, 200, "{}", tasks.text);
    assert!(
        tasks.body["items"].as_array().unwrap().is_empty(),
        "none of FHI's tasks"
    );
    // FHI's system (Maskinporten) still acts for FHI as before
    let fhi = crate::journey::custodian(&app, FHI);
    assert_eq!(
        app.get(&format!("/api/v1/tasks/{mfr}"), Some(&fhi))
            .await
            .status,
        200
    );
}

/// Per, a case handler at Helsedirektoratet (a made-up fødselsnummer).
const PER: &str = "15076500565";

#[actix_rt::test]
async fn a_linked_employee_reads_the_application_and_decides_for_the_custodian() {
    let app = TestApp::spawn().await;
    let (_, case_id) = identifiable_case(&app, "staff-decides").await;
    crate::journey::npr_decided_by_hdir(&app, &case_id);
    case_command(&app, &case_id, "complete", &json!({})).await;
    let body = json!({"nationalId": PER, "identityProvider": "HELSE_ID", "name": "Per Hansen"});
    let r = link(&app, "HDIR", &body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let key = r.body["personKey"].as_str().unwrap().to_owned();
    let per = person(&app, PER);

    // Per reads the whole application Helsedirektoratet decides NPR on
    let task = task_of(&app, &per, "NPR", "DECISION").await;
    let a = app
        .get(&format!("/api/v1/tasks/{task}/application"), Some(&per))
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(
        a.body["application"]["legalBasis"]["rekReference"],
        "2026/123456"
    );

    // and decides it, under his own name
    let decision = crate::support::with_terms(json!({"outcome": "GRANTED",
        "legalBasis": ["helseregisterloven § 19 a"], "text": "Innvilget."}));
    let r = task_action(&app, &per, &task, "decision", &decision).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let actor = format!("member:{key} (Per Hansen, HDIR)");
    let audit = audit_of(&app, "custodian_task", &task);
    assert_eq!(audit.last().unwrap().actor, actor);
    assert!(audit.iter().all(|a| !a.actor.contains(PER)));
    case_command(
        &app,
        &case_id,
        "decisions",
        &json!({"decisions": [granted("MFR")]}),
    )
    .await;
    let c = crate::journey::case_file(&app, &case_id).await;
    assert_eq!(c["status"], "DECIDED");
    let npr = c["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["dataSource"] == "NPR")
        .unwrap()
        .clone();
    assert_eq!(npr["outcome"], "GRANTED");
    assert!(!c.to_string().contains(PER));
}
