//! The figures of a period and the backlog on a day against values counted
//! by hand (see `known_cases`), the CSV, and bad parameters.

use hds_api::auth::Role;
use hds_domain::statistics::tables::REPORT_COLUMNS;
use serde_json::json;

use super::{case_for, deliver, group, known_cases, sql, staff, Known};
use crate::support::TestApp;

#[actix_rt::test]
async fn the_figures_of_a_period_are_counted_from_the_events_across_easter() {
    let app = TestApp::spawn().await;
    let Known { d, .. } = known_cases(&app).await;
    let h = staff(&app);
    // D's statutory deadline, counted by the case rules across Easter
    let case = app.get(&format!("/api/v1/cases/{d}"), Some(&h)).await;
    assert_eq!(
        case.body["statutoryDeadline"], "2027-04-16",
        "{}",
        case.text
    );

    let r = app
        .get(
            "/api/v1/statistics?period=2027-03-01..2027-04-30&dimension=DATA_SOURCE,DECISION_AUTHORITY",
            Some(&h),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["period"], "2027-03-01..2027-04-30");
    let all = &r.body["overall"];
    assert_eq!(all["received"], 4);
    assert_eq!(all["changeRequests"], 0);
    assert_eq!(all["completed"], 3);
    assert_eq!(
        all["decided"],
        json!({"total": 3, "granted": 2, "partlyGranted": 0, "refused": 1})
    );
    assert_eq!(all["withdrawn"], 1);
    assert_eq!(all["rejectedNoReply"], 0);
    assert_eq!(all["dataMadeAvailable"], 1);
    assert_eq!(all["dataCannotDeliver"], 0);
    let t = &all["processingTimes"];
    // received to complete: D 1, A 2, B 5
    assert_eq!(
        t["receivedToComplete"],
        json!({"count": 3, "median": 2, "p90": 5})
    );
    // complete to decision: B 12, A 16, D 22 (nearest rank: 2nd and 3rd of 3)
    assert_eq!(
        t["completeToDecision"],
        json!({"count": 3, "median": 16, "p90": 22})
    );
    // complete to data: A 24
    assert_eq!(
        t["completeToData"],
        json!({"count": 1, "median": 24, "p90": 24})
    );
    // A's clock stopped with its data (9 Apr), B's with its refusal (24 Mar),
    // both before their deadlines; D runs past 16 April and is overdue on 30 April
    assert_eq!(
        all["deadlines"],
        json!({"clockStopped": 2, "withinDeadline": 2, "withinDeadlinePercent": 100.0,
               "postponed": 0, "overdueAtEnd": 1})
    );

    let mfr = &group(&r.body, "DATA_SOURCE", "MFR")["figures"];
    assert_eq!(mfr["received"], 3);
    assert_eq!(mfr["decided"]["total"], 2);
    assert_eq!(
        mfr["processingTimes"]["completeToDecision"],
        json!({"count": 2, "median": 12, "p90": 16})
    );
    assert_eq!(mfr["deadlines"]["overdueAtEnd"], 0);
    let dar = &group(&r.body, "DATA_SOURCE", "DAR")["figures"];
    assert_eq!(dar["received"], 1);
    assert_eq!(dar["deadlines"]["overdueAtEnd"], 1);
    assert_eq!(
        group(&r.body, "DECISION_AUTHORITY", "HDS")["figures"]["received"],
        4
    );

    // the first quarter: only B (24 Mar, 12) and A (30 Mar, 16) were decided
    // in it, and A's data came after it, so A's clock had not stopped
    let q1 = app.get("/api/v1/statistics?period=2027-Q1", Some(&h)).await;
    assert_eq!(q1.status, 200, "{}", q1.text);
    assert_eq!(q1.body["period"], "2027-Q1");
    assert_eq!(
        q1.body["overall"]["processingTimes"]["completeToDecision"],
        json!({"count": 2, "median": 12, "p90": 16})
    );
    assert_eq!(q1.body["overall"]["dataMadeAvailable"], 0);
    assert_eq!(q1.body["overall"]["deadlines"]["clockStopped"], 1);
    // February has nothing
    let feb = app.get("/api/v1/statistics?period=2027-02", Some(&h)).await;
    assert_eq!(feb.body["overall"]["received"], 0);
    assert!(feb.body["overall"]["processingTimes"]["completeToDecision"]["median"].is_null());

    // computed from the events: the same figures whenever asked
    let again = app
        .get(
            "/api/v1/statistics?period=2027-03-01..2027-04-30&dimension=DATA_SOURCE,DECISION_AUTHORITY",
            Some(&h),
        )
        .await;
    assert_eq!(again.text, r.text);

    // D's data come on Tuesday 20 April, after its deadline (16 April):
    // the figures follow at once; 32 working days (22 to 6 April, then 7–9,
    // 12–16, 19 and 20 April)
    deliver(&app, &d, super::d(4, 20)).await;
    let late = app
        .get("/api/v1/statistics?period=2027-03-01..2027-04-30", Some(&h))
        .await;
    let all = &late.body["overall"];
    assert_eq!(all["dataMadeAvailable"], 2);
    assert_eq!(
        all["processingTimes"]["completeToData"],
        json!({"count": 2, "median": 24, "p90": 32})
    );
    assert_eq!(
        all["deadlines"],
        json!({"clockStopped": 3, "withinDeadline": 2, "withinDeadlinePercent": 66.7,
               "postponed": 0, "overdueAtEnd": 0})
    );
}

/// The histories kept in memory are read again only for the cases that
/// changed (`case_history_versions`): each kind of change after a cached
/// read shows in the next figures, also one committed after a later event.
#[actix_rt::test]
async fn the_kept_histories_follow_every_change_to_any_case() {
    let app = TestApp::spawn().await;
    let Known { a, d } = known_cases(&app).await;
    let h = staff(&app);
    let period = "/api/v1/statistics?period=2027-03-01..2027-04-30";
    let overall = |r: &crate::support::Response| r.body["overall"].clone();
    let before = app.get(period, Some(&h)).await;
    assert_eq!(before.status, 200, "{}", before.text);
    assert_eq!(overall(&before)["received"], 4);
    assert_eq!(overall(&before)["withdrawn"], 1);

    // a new case (received 1 March like the others)
    let (_, e) = case_for(&app, "MFR", "case-e").await;
    let r = app.get(period, Some(&h)).await;
    assert_eq!(overall(&r)["received"], 5, "{}", r.text);
    assert_eq!(overall(&r)["withdrawn"], 1);

    // E is withdrawn in a transaction that commits after a later event on
    // another case (a lower event id appearing after a higher one was read)
    let mut slow = app.db.connect();
    let exec = |conn: &mut diesel::PgConnection, statement: &str| {
        diesel::RunQueryDsl::execute(diesel::sql_query(statement), conn).unwrap();
    };
    exec(&mut slow, "BEGIN");
    exec(
        &mut slow,
        &format!(
            "INSERT INTO case_events (case_id, kind, occurred_at, actor, visible_to_applicant, \
             status_before, status_after) VALUES ('{e}', 'WITHDRAWN', '2027-03-15T10:00:00Z', \
             'test', true, 'SUBMITTED', 'WITHDRAWN')"
        ),
    );
    sql(
        &app,
        &format!(
            "INSERT INTO case_events (case_id, kind, actor, visible_to_applicant, status_before, \
             status_after) SELECT id, 'NOTE_ADDED', 'test', false, status, status FROM cases \
             WHERE id = '{a}'"
        ),
    );
    let r = app.get(period, Some(&h)).await;
    assert_eq!(overall(&r)["withdrawn"], 1, "not committed yet: {}", r.text);
    exec(&mut slow, "COMMIT");
    let r = app.get(period, Some(&h)).await;
    assert_eq!(overall(&r)["withdrawn"], 2, "{}", r.text);
    assert_eq!(overall(&r)["received"], 5);

    // a change to a case's own row, with no event: B found complete on
    // 2 March instead of 8 March (1 working day instead of 5)
    let complete =
        |r: &crate::support::Response| overall(r)["processingTimes"]["receivedToComplete"].clone();
    assert_eq!(complete(&r), json!({"count": 3, "median": 2, "p90": 5}));
    sql(
        &app,
        &format!(
            "UPDATE cases SET completed_on = '2027-03-02' WHERE id = '{}'",
            known_id(&app, "case-b")
        ),
    );
    let r = app.get(period, Some(&h)).await;
    assert_eq!(
        complete(&r),
        json!({"count": 3, "median": 1, "p90": 2}),
        "{}",
        r.text
    );

    // and a decision written on one case moves only its figures
    deliver(&app, &d, super::d(4, 20)).await;
    let r = app.get(period, Some(&h)).await;
    assert_eq!(overall(&r)["dataMadeAvailable"], 2, "{}", r.text);
    assert_eq!(overall(&r)["received"], 5);
    assert_eq!(overall(&r)["withdrawn"], 2);

    // the kept histories carry their custodians' codes, which therefore
    // never change: the database refuses it (an edit of a custodian's other
    // fields reads no history again)
    let mut admin = app.db.connect();
    let renamed = diesel::RunQueryDsl::execute(
        diesel::sql_query("UPDATE custodians SET code = 'FHI2' WHERE code = 'FHI'"),
        &mut admin,
    );
    assert!(renamed.is_err(), "a custodian's code was changed");
    sql(
        &app,
        "UPDATE custodians SET name = name || ' (ny)' WHERE code = 'FHI'",
    );
    let r = app.get(period, Some(&h)).await;
    assert_eq!(overall(&r)["received"], 5, "{}", r.text);
}

/// The id of the known case submitted with idempotency key `key`.
fn known_id(app: &TestApp, key: &str) -> String {
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    let rows: Vec<Id> = diesel::RunQueryDsl::load(
        diesel::sql_query(format!(
            "SELECT c.id::text AS id FROM cases c JOIN application_snapshots s \
             ON s.application_id = c.application_id \
             WHERE s.content #>> '{{content,project,title}}' = 'Prosjekt {key}'"
        )),
        &mut app.db.connect(),
    )
    .unwrap();
    assert_eq!(rows.len(), 1, "one case titled Prosjekt {key}");
    rows[0].id.clone()
}

#[actix_rt::test]
async fn the_backlog_at_a_past_date_is_as_it_stood_then_by_stage_and_age() {
    let app = TestApp::spawn().await;
    known_cases(&app).await;
    let h = staff(&app);
    // Friday 5 March: A and D complete (under review), B and C submitted;
    // each received 1 March, 4 working days before
    let r = app
        .get("/api/v1/statistics/backlog?on=2027-03-05", Some(&h))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let all = &r.body["overall"];
    assert_eq!(all["total"], 4);
    assert_eq!(all["overdue"], 0);
    let stage = |name: &str| {
        all["byStage"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["stage"] == name)
            .unwrap()["count"]
            .clone()
    };
    assert_eq!(stage("SUBMITTED"), 2);
    assert_eq!(stage("UNDER_REVIEW"), 2);
    assert_eq!(stage("AWAITING_DATA"), 0);
    assert_eq!(
        all["byAge"][0],
        json!({"bucket": "0-30", "from": 0, "to": 30, "count": 4})
    );

    // Friday 30 April: only D, awaiting DAR's data, overdue since 16 April;
    // 41 working days old (19 in March after the 1st, 22 in April up to the 30th)
    let r = app
        .get(
            "/api/v1/statistics/backlog?on=2027-04-30&ageBuckets=40,41&dimension=DATA_SOURCE",
            Some(&h),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let all = &r.body["overall"];
    assert_eq!(all["total"], 1);
    assert_eq!(all["overdue"], 1);
    let ages: Vec<(String, u64)> = all["byAge"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["bucket"].as_str().unwrap().to_owned(),
                a["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ages,
        vec![("0-40".into(), 0), ("41-41".into(), 1), (">41".into(), 0)]
    );
    assert_eq!(group(&r.body, "DATA_SOURCE", "MFR")["backlog"]["total"], 0);
    assert_eq!(
        group(&r.body, "DATA_SOURCE", "DAR")["backlog"]["overdue"],
        1
    );
}

#[actix_rt::test]
async fn the_csv_has_a_bom_a_header_row_and_semicolons() {
    let app = TestApp::spawn().await;
    known_cases(&app).await;
    let h = staff(&app);
    let get = |path: &'static str| {
        app.send(
            app.request(reqwest::Method::GET, path, Some(&h))
                .header("Accept", "text/csv"),
        )
    };
    let r = get("/api/v1/statistics?period=2027-03-01..2027-04-30&dimension=DATA_SOURCE&bom=true")
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        r.content_type().starts_with("text/csv"),
        "{}",
        r.content_type()
    );
    assert!(r.text.starts_with('\u{feff}'), "no byte order mark");
    let lines: Vec<&str> = r
        .text
        .trim_start_matches('\u{feff}')
        .split("\r\n")
        .collect();
    assert_eq!(lines[0], REPORT_COLUMNS.join(";"));
    assert_eq!(lines[0].split(';').count(), 32);
    let row = |prefix: &str| -> Vec<String> {
        lines
            .iter()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no row {prefix}: {}", r.text))
            .split(';')
            .map(str::to_owned)
            .collect()
    };
    let all = row("2027-03-01..2027-04-30;ALL;;");
    let cell = |cells: &[String], column: &str| {
        cells[REPORT_COLUMNS.iter().position(|c| *c == column).unwrap()].clone()
    };
    assert_eq!(cell(&all, "received"), "4");
    assert_eq!(cell(&all, "decidedRefused"), "1");
    assert_eq!(cell(&all, "completeToDecisionMedian"), "16");
    assert_eq!(cell(&all, "completeToDecisionP90"), "22");
    assert_eq!(cell(&all, "withinDeadlinePercent"), "100.0");
    assert_eq!(
        cell(
            &row("2027-03-01..2027-04-30;DATA_SOURCE;DAR;"),
            "overdueAtEnd"
        ),
        "1"
    );

    // without bom: no byte order mark; the backlog has its own columns
    let r = get("/api/v1/statistics/backlog?on=2027-03-05").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(!r.text.starts_with('\u{feff}'));
    let header = r.text.split("\r\n").next().unwrap();
    assert_eq!(
        header,
        "date;dimension;group;total;overdue;SUBMITTED;AWAITING_APPLICANT;UNDER_REVIEW;APPEALED;AWAITING_DATA;0-30;31-60;61-120;>120"
    );
    assert!(
        r.text.contains("\r\n2027-03-05;ALL;;4;0;2;0;2;0;0;4;0;0;0"),
        "{}",
        r.text
    );
}

#[actix_rt::test]
async fn bad_parameters_are_400_naming_the_parameter_and_only_staff_read() {
    let app = TestApp::spawn().await;
    let h = staff(&app);
    for (path, pointer, code) in [
        (
            "/api/v1/statistics?period=2027-13",
            "/query/period",
            "INVALID_PERIOD",
        ),
        (
            "/api/v1/statistics?period=2027-02-30..2027-03-01",
            "/query/period",
            "INVALID_DATE",
        ),
        (
            "/api/v1/statistics?period=2027-04-01..2027-03-01",
            "/query/period",
            "END_BEFORE_START",
        ),
        (
            "/api/v1/statistics?period=2027&dimension=COUNTY",
            "/query/dimension",
            "INVALID_DIMENSION",
        ),
        (
            "/api/v1/statistics?period=2027&bom=maybe",
            "/query/bom",
            "INVALID_PARAMETER",
        ),
        ("/api/v1/statistics", "/query/period", "INVALID_PARAMETER"),
        (
            "/api/v1/statistics/backlog?on=2027-02-30",
            "/query/on",
            "INVALID_DATE",
        ),
        (
            "/api/v1/statistics/backlog?ageBuckets=60,30",
            "/query/ageBuckets",
            "NOT_ASCENDING",
        ),
        (
            "/api/v1/statistics/backlog?ageBuckets=thirty",
            "/query/ageBuckets",
            "INVALID_BOUNDS",
        ),
    ] {
        let r = app.get(path, Some(&h)).await;
        assert_eq!(r.status, 400, "{path}: {}", r.text);
        let p = r.problem(400);
        assert_eq!(p["errors"][0]["pointer"], pointer, "{path}: {}", r.text);
        assert_eq!(p["errors"][0]["code"], code, "{path}: {}", r.text);
    }
    let applicant = app.token(Role::Applicant);
    let r = app
        .get("/api/v1/statistics?period=2027", Some(&applicant))
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = app.get("/api/v1/statistics/backlog", None).await;
    assert_eq!(r.status, 401, "{}", r.text);
    let admin = app.token(Role::Admin);
    assert_eq!(
        app.get("/api/v1/statistics/backlog", Some(&admin))
            .await
            .status,
        200
    );
}

#[actix_rt::test]
async fn hours_and_fees_invoiced_are_counted_in_the_period_of_the_invoice() {
    let app = TestApp::spawn().await;
    let h = staff(&app);
    let (_, case_id) = super::case_for(&app, "MFR", "invoiced").await;
    super::complete(&app, &case_id, super::d(3, 2)).await;
    super::decide(&app, &case_id, "MFR", "GRANTED", super::d(3, 5)).await;
    crate::fees::on(&app, super::d(3, 8));
    crate::fees::case_hours(
        &app,
        &case_id,
        &json!({"workedOn": "2027-03-03", "hours": "2.50", "note": "Vurdert søknaden"}),
    )
    .await;
    crate::fees::on(&app, super::d(4, 14));
    let basis = crate::fees::issue(&app, &h, &case_id, "HDS").await;
    assert_eq!(basis.status, 201, "{}", basis.text);
    let hours: i64 = basis.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["kind"] == "HOURS")
        .map(|l| l["quantity"]["hundredths"].as_i64().unwrap())
        .sum();
    // 2.50 hours recorded, invoiced as HDS's price list rounds them (3.00)
    assert_eq!(hours, 300);

    let april = app.get("/api/v1/statistics?period=2027-04", Some(&h)).await;
    assert_eq!(april.status, 200, "{}", april.text);
    let invoiced = &april.body["invoiced"];
    assert_eq!(invoiced.as_array().unwrap().len(), 1, "{invoiced}");
    assert_eq!(invoiced[0]["party"], "HDS");
    assert_eq!(invoiced[0]["invoices"], 1);
    assert_eq!(invoiced[0]["hours"], "3.00");
    assert_eq!(
        invoiced[0]["includingVat"],
        basis.body["totals"]["includingVat"]
    );
    assert_eq!(
        invoiced[0]["excludingVat"],
        basis.body["totals"]["excludingVat"]
    );
    assert_eq!(invoiced[0]["creditNotes"], 0);
    // the case's work was in March; the invoice is April's
    let march = app.get("/api/v1/statistics?period=2027-03", Some(&h)).await;
    assert_eq!(march.body["invoiced"], json!([]));
}
