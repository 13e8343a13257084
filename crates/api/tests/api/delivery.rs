//! The statutory clock runs until the data are made available (issue 12):
//! one case from completeness through the decision, an agreed delivery date,
//! a custodian's postponement with a preliminary reply, a delivery in time,
//! a late delivery that shows as overdue (queue and job runner), and closing
//! once every granted source is delivered. Refusals write nothing.

use hds_api::auth::Role;
use serde_json::{json, Value};

use crate::journey::{
    calendar, case_command, case_file, custodian, granted, identifiable_case, kinds, read_task,
    rows, set_day, task_action, task_of, timeline, today, try_case_command, FHI,
};
use crate::support::TestApp;

fn ids(r: &Value) -> Vec<String> {
    r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn queue(app: &TestApp, query: &str) -> Value {
    let h = app.token(Role::CaseHandler);
    let r = app.get(&format!("/api/v1/cases?{query}"), Some(&h)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

/// Counts of what a refused request must not change.
fn written(app: &TestApp) -> Vec<i64> {
    [
        "case_events",
        "task_events",
        "audit_events",
        "task_deliveries",
        "case_delivery_parts",
        "feed_events",
    ]
    .iter()
    .map(|t| rows(app, t))
    .collect()
}

#[actix_rt::test]
#[allow(clippy::too_many_lines)] // one case, told from start to end
async fn a_case_runs_from_completeness_through_decision_to_delivery_with_a_late_part_and_closes() {
    let app = TestApp::spawn().await;
    let cal = calendar(&app);
    let (app_id, case_id) = identifiable_case(&app, "delivery-journey").await;

    // complete: the linkage plan links MFR and NPR, so 60 working days
    let start = today();
    set_day(&app, start);
    let c = case_command(&app, &case_id, "complete", &json!({})).await;
    let deadline = cal.add_working_days(start, 60);
    assert_eq!(c["linkage"], "IDENTIFIABLE_DATA_FROM_SEVERAL_REGISTERS");
    assert_eq!(
        c["linkageByPlan"],
        "IDENTIFIABLE_DATA_FROM_SEVERAL_REGISTERS"
    );
    assert_eq!(c["statutoryDeadline"], deadline.to_string());

    // decided on day 5: the clock goes on, the case awaits delivery
    let decided_on = cal.add_working_days(start, 5);
    set_day(&app, decided_on);
    let c = case_command(
        &app,
        &case_id,
        "decisions",
        &json!({"decisions": [granted("MFR"), granted("NPR")]}),
    )
    .await;
    assert_eq!(c["status"], "DECIDED");
    assert_eq!(c["awaitingDelivery"], true);
    assert_eq!(
        c["dueOn"],
        deadline.to_string(),
        "the clock runs to delivery"
    );
    assert_eq!(c["deliveryParts"].as_array().unwrap().len(), 2);
    assert!(c["deliveryParts"][0]["settlement"].is_null());
    assert_eq!(c["decisions"][0]["accessFrom"], "2099-01-01");
    assert_eq!(
        ids(&queue(&app, "awaitingDelivery=true").await),
        vec![case_id.clone()]
    );
    assert!(ids(&queue(&app, "awaitingDelivery=false").await).is_empty());
    assert!(ids(&queue(&app, "lateDelivery=true").await).is_empty());

    // FHI agrees a delivery date for MFR; each task shows its deadlines
    let fhi = custodian(&app, FHI);
    let mfr = task_of(&app, &fhi, "MFR", "DATA_PREPARATION").await;
    let npr = task_of(&app, &fhi, "NPR", "DATA_PREPARATION").await;
    let agreed = cal.add_working_days(decided_on, 10);
    let r = task_action(
        &app,
        &fhi,
        &mfr,
        "agreed-delivery-date",
        &json!({"agreedOn": agreed.to_string()}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["state"], "ASSIGNED",
        "planning keeps the task's state"
    );
    assert_eq!(
        r.body["deadlines"]["statutoryDeadline"],
        deadline.to_string()
    );
    assert_eq!(r.body["deadlines"]["dueOn"], deadline.to_string());
    assert_eq!(r.body["deadlines"]["agreedDeliveryOn"], agreed.to_string());

    // an agreed date after the due date needs a postponement first: 409, nothing written
    let before = written(&app);
    let version = read_task(&app, &fhi, &mfr).await.body["version"].clone();
    let late = cal.add_working_days(deadline, 1).to_string();
    let r = task_action(
        &app,
        &fhi,
        &mfr,
        "agreed-delivery-date",
        &json!({"agreedOn": late}),
    )
    .await;
    assert!(r.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("postpone"));
    assert_eq!(written(&app), before);
    assert_eq!(read_task(&app, &fhi, &mfr).await.body["version"], version);

    // FHI postpones NPR with a preliminary reply; only NPR's due date moves
    let npr_due = cal.add_working_days(deadline, 20);
    let reason = "Stor pågang i Norsk pasientregister; uttrekket tar lengre tid.";
    let r = task_action(
        &app,
        &fhi,
        &npr,
        "postponement",
        &json!({"expectedOn": deadline.to_string(), "reason": reason}),
    )
    .await;
    assert!(r.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("later than"));
    let r = task_action(
        &app,
        &fhi,
        &npr,
        "postponement",
        &json!({"expectedOn": npr_due.to_string(), "reason": " "}),
    )
    .await;
    assert_eq!(r.problem(422)["errors"][0]["pointer"], "/reason");
    assert_eq!(written(&app), before, "refused postponements write nothing");
    let r = task_action(
        &app,
        &fhi,
        &npr,
        "postponement",
        &json!({"expectedOn": npr_due.to_string(), "reason": reason}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["deadlines"]["dueOn"], npr_due.to_string());
    assert_eq!(r.body["postponement"]["reason"], reason);
    assert_eq!(
        case_file(&app, &case_id).await["dueOn"],
        deadline.to_string(),
        "MFR is due first"
    );

    // the applicant reads both on the timeline
    let events = timeline(&app, &app_id).await;
    let postponed = events
        .iter()
        .find(|e| e["kind"] == "DELIVERY_POSTPONED")
        .unwrap();
    assert_eq!(postponed["details"]["dataSource"], "NPR");
    assert_eq!(postponed["details"]["expectedOn"], npr_due.to_string());
    assert_eq!(postponed["details"]["reason"], reason);
    assert!(kinds(&events).contains(&"DELIVERY_DATE_AGREED"));

    // a delivery dated before the decision is refused and writes nothing
    set_day(&app, deadline);
    for task in [&mfr, &npr] {
        assert_eq!(
            task_action(&app, &fhi, task, "acknowledge", &json!({}))
                .await
                .status,
            200
        );
    }
    let before = written(&app);
    let early = cal.add_working_days(start, 1).to_string();
    let r = task_action(
        &app,
        &fhi,
        &mfr,
        "deliveries",
        &json!({"deliveredOn": early, "method": "EMAIL", "contents": "mfr.csv"}),
    )
    .await;
    assert!(r.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("on or after the decision"));
    assert_eq!(written(&app), before);

    // MFR is delivered on its due date: in time; NPR still runs
    let delivery = json!({"deliveredOn": deadline.to_string(), "method": "SECURE_FILE_TRANSFER", "contents": "mfr_2000_2015.csv"});
    let r = task_action(&app, &fhi, &mfr, "deliveries", &delivery).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let c = case_file(&app, &case_id).await;
    assert_eq!(c["awaitingDelivery"], true);
    assert_eq!(c["dueOn"], npr_due.to_string());
    assert_eq!(c["deliveryParts"][0]["settlement"]["kind"], "DELIVERED");
    assert_eq!(
        try_case_command(&app, &case_id, "close", &json!({}))
            .await
            .problem(409)["detail"],
        "the data are not yet made available: NPR not delivered or reported undeliverable"
    );

    // NPR's postponed date passes: a late delivery, overdue in the queue and for the job runner
    let late_day = cal.add_working_days(npr_due, 5);
    set_day(&app, late_day);
    assert_eq!(
        ids(&queue(&app, "lateDelivery=true").await),
        vec![case_id.clone()]
    );
    assert_eq!(
        ids(&queue(&app, "overdue=true").await),
        vec![case_id.clone()]
    );
    let line = &queue(&app, "awaitingDelivery=true").await["items"][0];
    assert_eq!(line["overdue"], true);
    assert_eq!(line["workingDaysLeft"], -5);
    let report = hds_api::jobs::run(
        &app.config,
        &mut app.db.connect(),
        crate::journey::at(late_day),
    )
    .unwrap();
    let number = c["caseNumber"].as_str().unwrap().to_owned();
    assert_eq!(report.overdue, vec![number]);
    let again = hds_api::jobs::run(
        &app.config,
        &mut app.db.connect(),
        crate::journey::at(late_day),
    )
    .unwrap();
    assert!(again.overdue.is_empty(), "once per due date");
    let history = case_file(&app, &case_id).await["history"].clone();
    let overdue = history
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "OVERDUE")
        .unwrap();
    assert_eq!(overdue["details"]["awaitingDelivery"], true);
    assert_eq!(overdue["details"]["dueOn"], npr_due.to_string());
    assert_eq!(overdue["visibleToApplicant"], false);

    // NPR delivered 5 working days late: the data are made available, the clock stops
    let delivery = json!({"deliveredOn": late_day.to_string(), "method": "EMAIL", "contents": "npr_2000_2025.csv"});
    let r = task_action(&app, &fhi, &npr, "deliveries", &delivery).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let c = case_file(&app, &case_id).await;
    assert_eq!(c["awaitingDelivery"], false);
    assert!(c["dueOn"].is_null());
    assert_eq!(c["dataMadeAvailableOn"], late_day.to_string());
    assert!(ids(&queue(&app, "lateDelivery=true").await).is_empty());

    // the applicant sees each delivery: source, method, date, custodian
    let events = timeline(&app, &app_id).await;
    let delivered: Vec<&Value> = events.iter().filter(|e| e["kind"] == "DELIVERED").collect();
    assert_eq!(delivered.len(), 2);
    assert_eq!(delivered[0]["details"]["dataSource"], "MFR");
    assert_eq!(delivered[0]["details"]["method"], "SECURE_FILE_TRANSFER");
    assert_eq!(delivered[0]["details"]["deliveredOn"], deadline.to_string());
    assert_eq!(delivered[0]["details"]["custodian"], "FHI");
    assert_eq!(delivered[1]["details"]["dataSource"], "NPR");
    let available = events
        .iter()
        .find(|e| e["kind"] == "DATA_MADE_AVAILABLE")
        .unwrap();
    assert_eq!(
        available["details"]["madeAvailableOn"],
        late_day.to_string()
    );
    assert_eq!(available["details"]["workingDaysLate"], 5);

    // every source granted: nothing to appeal, and the data are made available: it closes
    let c = case_command(&app, &case_id, "close", &json!({})).await;
    assert_eq!(c["status"], "CLOSED");
    assert_eq!(
        kinds(&timeline(&app, &app_id).await),
        vec![
            "SUBMITTED",
            "MARKED_COMPLETE",
            "DECIDED",
            "DELIVERY_DATE_AGREED",
            "DELIVERY_POSTPONED",
            "DELIVERED",
            "DELIVERED",
            "DATA_MADE_AVAILABLE",
            "CLOSED"
        ]
    );
}

#[actix_rt::test]
async fn hds_postpones_after_the_decision_with_a_preliminary_reply_the_applicant_reads() {
    let app = TestApp::spawn().await;
    let cal = calendar(&app);
    let (app_id, case_id) = identifiable_case(&app, "delivery-hds-postpones").await;
    let start = today();
    set_day(&app, start);
    case_command(&app, &case_id, "complete", &json!({})).await;
    let deadline = cal.add_working_days(start, 60);
    case_command(
        &app,
        &case_id,
        "decisions",
        &json!({"decisions": [granted("MFR"), granted("NPR")]}),
    )
    .await;
    let expected = cal.add_working_days(deadline, 15);
    let reason = "Registrene har restanser; dataene kommer trolig i mars.";
    let c = case_command(
        &app,
        &case_id,
        "postpone",
        &json!({"expectedOn": expected.to_string(), "reason": reason}),
    )
    .await;
    assert_eq!(c["status"], "DECIDED");
    assert_eq!(c["dueOn"], expected.to_string());
    assert_eq!(c["deliveryParts"][0]["dueOn"], expected.to_string());
    let events = timeline(&app, &app_id).await;
    let p = events.iter().find(|e| e["kind"] == "POSTPONED").unwrap();
    assert_eq!(p["details"]["reason"], reason);
    assert_eq!(p["details"]["expectedOn"], expected.to_string());
    assert_eq!(p["details"]["previousDueDate"], deadline.to_string());
    // the custodian's task shows the case's postponement and the moved due date
    let fhi = custodian(&app, FHI);
    let mfr = task_of(&app, &fhi, "MFR", "DATA_PREPARATION").await;
    let t = read_task(&app, &fhi, &mfr).await;
    assert_eq!(t.body["casePostponement"]["reason"], reason);
    assert_eq!(t.body["deadlines"]["dueOn"], expected.to_string());
    assert_eq!(
        t.body["deadlines"]["statutoryDeadline"],
        deadline.to_string()
    );
}

#[actix_rt::test]
async fn the_case_handler_sets_30_or_60_with_a_reason_that_the_applicant_and_the_audit_record() {
    let app = TestApp::spawn().await;
    let cal = calendar(&app);
    let (app_id, case_id) = identifiable_case(&app, "delivery-linkage").await;
    let start = today();
    set_day(&app, start);
    case_command(&app, &case_id, "complete", &json!({})).await;
    // an empty reason, or the same clock: refused, nothing written
    let before = written(&app);
    let r = try_case_command(
        &app,
        &case_id,
        "linkage",
        &json!({"linkage": "SINGLE_SOURCE", "reason": ""}),
    )
    .await;
    assert_eq!(r.problem(422)["errors"][0]["pointer"], "/reason");
    let r = try_case_command(
        &app,
        &case_id,
        "linkage",
        &json!({"linkage": "IDENTIFIABLE_DATA_FROM_SEVERAL_REGISTERS", "reason": "Samme."}),
    )
    .await;
    r.problem(409);
    let r = try_case_command(
        &app,
        &case_id,
        "linkage",
        &json!({"linkage": "SOMETHING", "reason": "x"}),
    )
    .await;
    assert_eq!(r.problem(422)["errors"][0]["pointer"], "/linkage");
    assert_eq!(written(&app), before);
    // the data come linked from FHI's own linkage key: no linkage across registers
    let reason = "FHI leverer MFR og NPR hver for seg; ingen sammenstilling hos registerforvalter.";
    let c = case_command(
        &app,
        &case_id,
        "linkage",
        &json!({"linkage": "SINGLE_SOURCE", "reason": reason}),
    )
    .await;
    assert_eq!(c["linkage"], "SINGLE_SOURCE");
    assert_eq!(
        c["linkageByPlan"],
        "IDENTIFIABLE_DATA_FROM_SEVERAL_REGISTERS"
    );
    assert_eq!(
        c["statutoryDeadline"],
        cal.add_working_days(start, 30).to_string()
    );
    let events = timeline(&app, &app_id).await;
    let set = events.iter().find(|e| e["kind"] == "LINKAGE_SET").unwrap();
    assert_eq!(set["details"]["reason"], reason);
    assert_eq!(
        set["details"]["previousLinkage"],
        "IDENTIFIABLE_DATA_FROM_SEVERAL_REGISTERS"
    );
    let audit = crate::journey::audit_of(&app, "case", &case_id);
    let last = audit.last().unwrap();
    assert_eq!(last.action, "CASE_SET_LINKAGE");
    let after = last.after_state.as_ref().unwrap();
    assert_eq!(after["eventData"][0]["reason"], reason);
    assert_eq!(after["eventData"][0]["linkage"], "SINGLE_SOURCE");
}

#[actix_rt::test]
async fn a_late_delivery_stays_late_when_hds_postpones_the_rest_afterwards() {
    let app = TestApp::spawn().await;
    let cal = calendar(&app);
    let (app_id, case_id) = identifiable_case(&app, "delivery-late-then-postponed").await;
    let start = today();
    set_day(&app, start);
    case_command(&app, &case_id, "complete", &json!({})).await;
    let deadline = cal.add_working_days(start, 60);
    case_command(
        &app,
        &case_id,
        "decisions",
        &json!({"decisions": [granted("MFR"), granted("NPR")]}),
    )
    .await;
    let fhi = custodian(&app, FHI);
    let mfr = task_of(&app, &fhi, "MFR", "DATA_PREPARATION").await;
    let npr = task_of(&app, &fhi, "NPR", "DATA_PREPARATION").await;

    // MFR arrives 3 working days late
    let late = cal.add_working_days(deadline, 3);
    set_day(&app, late);
    for task in [&mfr, &npr] {
        let r = task_action(&app, &fhi, task, "acknowledge", &json!({})).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let r = task_action(
        &app,
        &fhi,
        &mfr,
        "deliveries",
        &json!({"deliveredOn": late.to_string(), "method": "EMAIL", "contents": "mfr.csv"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);

    // HDS postpones what is still awaited (NPR); MFR's due date stays
    let expected = cal.add_working_days(deadline, 20);
    let c = case_command(
        &app,
        &case_id,
        "postpone",
        &json!({"expectedOn": expected.to_string(), "reason": "NPR har restanser."}),
    )
    .await;
    assert_eq!(c["dueOn"], expected.to_string());
    let parts = c["deliveryParts"].as_array().unwrap();
    let due = |code: &str| parts.iter().find(|p| p["dataSource"] == code).unwrap()["dueOn"].clone();
    assert_eq!(due("MFR"), deadline.to_string(), "MFR had ended");
    assert_eq!(due("NPR"), expected.to_string());

    // NPR in time: the data were made available 3 working days late all the same
    let on = cal.add_working_days(deadline, 10);
    set_day(&app, on);
    let r = task_action(
        &app,
        &fhi,
        &npr,
        "deliveries",
        &json!({"deliveredOn": on.to_string(), "method": "EMAIL", "contents": "npr.csv"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let events = timeline(&app, &app_id).await;
    let available = events
        .iter()
        .find(|e| e["kind"] == "DATA_MADE_AVAILABLE")
        .unwrap();
    assert_eq!(available["details"]["madeAvailableOn"], on.to_string());
    assert_eq!(available["details"]["workingDaysLate"], 3);
}

/// A promised date is at most `HDS_MAX_YEARS_AHEAD` years ahead (default
/// 3; the law names no limit): a later expected date of the case's or a
/// source's postponement, or a later agreed delivery date, is a 422 at its
/// pointer and writes nothing; the last date allowed is accepted.
#[actix_rt::test]
async fn dates_further_ahead_than_the_setting_allows_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (_, case_id) = identifiable_case(&app, "far-ahead").await;
    let start = today();
    set_day(&app, start);
    case_command(&app, &case_id, "complete", &json!({})).await;
    case_command(
        &app,
        &case_id,
        "decisions",
        &json!({"decisions": [granted("MFR"), granted("NPR")]}),
    )
    .await;
    let fhi = custodian(&app, FHI);
    let mfr = task_of(&app, &fhi, "MFR", "DATA_PREPARATION").await;
    let latest = hds_domain::horizon::latest_promised_date(
        start,
        hds_domain::horizon::DEFAULT_MAX_YEARS_AHEAD,
    );
    let one_too_far = latest.next_day().unwrap().to_string();

    let before = written(&app);
    let case_before = case_file(&app, &case_id).await;
    let task_before = read_task(&app, &fhi, &mfr).await.body;
    for far in [one_too_far.as_str(), "9999-12-31"] {
        let postponement = json!({"expectedOn": far, "reason": "Stor pågang hos NPR."});
        let r = try_case_command(&app, &case_id, "postpone", &postponement).await;
        assert_eq!(r.problem(422)["errors"][0]["pointer"], "/expectedOn");
        assert_eq!(r.body["errors"][0]["code"], "TOO_FAR_AHEAD");
        let r = task_action(&app, &fhi, &mfr, "postponement", &postponement).await;
        assert_eq!(r.problem(422)["errors"][0]["pointer"], "/expectedOn");
        assert_eq!(r.body["errors"][0]["code"], "TOO_FAR_AHEAD");
        let agreed = json!({"agreedOn": far});
        let r = task_action(&app, &fhi, &mfr, "agreed-delivery-date", &agreed).await;
        assert_eq!(r.problem(422)["errors"][0]["pointer"], "/agreedOn");
        assert_eq!(r.body["errors"][0]["code"], "TOO_FAR_AHEAD");
    }
    assert_eq!(written(&app), before);
    let case_after = case_file(&app, &case_id).await;
    for field in ["version", "dueOn", "postponementExpectedOn"] {
        assert_eq!(case_after[field], case_before[field], "{field}");
    }
    let task_after = read_task(&app, &fhi, &mfr).await.body;
    assert_eq!(task_after["version"], task_before["version"]);
    assert_eq!(task_after["deadlines"], task_before["deadlines"]);

    // the last date allowed: the source is postponed to it, and agreed on it
    let latest = latest.to_string();
    let postponement = json!({"expectedOn": latest, "reason": "Stor pågang hos NPR."});
    let r = task_action(&app, &fhi, &mfr, "postponement", &postponement).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["deadlines"]["dueOn"], latest.as_str());
    let r = task_action(
        &app,
        &fhi,
        &mfr,
        "agreed-delivery-date",
        &json!({"agreedOn": latest}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["deadlines"]["agreedDeliveryOn"], latest.as_str());
}
