//! The public working-day calendar.

use diesel::RunQueryDsl;
use serde_json::json;

use crate::support::TestApp;

#[actix_rt::test]
async fn deadline_counts_working_days_across_easter() {
    let app = TestApp::spawn().await;
    // Friday 27 March 2026; Easter 2026: Maundy Thursday 2 April .. Easter Monday 6 April.
    // Working days: 30, 31 Mar, 1, 7, 8, 9, 10, 13, 14, 15 April
    let r = app
        .get(
            "/api/v1/calendar/deadline?from=2026-03-27&workingDays=10",
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body,
        json!({"from": "2026-03-27", "workingDays": 10, "deadline": "2026-04-15", "saturdaysAreWorkingDays": false})
    );
    assert!(r.headers["cache-control"]
        .to_str()
        .unwrap()
        .starts_with("public"));
    // day 0 is the day itself
    let r = app
        .get(
            "/api/v1/calendar/deadline?from=2026-03-27&workingDays=0",
            None,
        )
        .await;
    assert_eq!(r.body["deadline"], "2026-03-27");
}

#[actix_rt::test]
async fn closure_days_in_the_database_move_deadlines() {
    let app = TestApp::spawn().await;
    let before = app
        .get(
            "/api/v1/calendar/deadline?from=2026-12-22&workingDays=2",
            None,
        )
        .await;
    assert_eq!(
        before.body["deadline"], "2026-12-24",
        "24 December is a working day by law"
    );
    diesel::sql_query("INSERT INTO closure_days (day, reason, created_by) VALUES ('2026-12-24', 'Julaften', 'test')")
        .execute(&mut app.db.connect())
        .unwrap();
    let after = app
        .get(
            "/api/v1/calendar/deadline?from=2026-12-22&workingDays=2",
            None,
        )
        .await;
    assert_eq!(
        after.body["deadline"], "2026-12-28",
        "closed 24th, holidays 25th-26th, Sunday 27th"
    );
    let holidays = app.get("/api/v1/calendar/holidays?year=2026", None).await;
    assert_eq!(
        holidays.body["closureDays"],
        json!([{"date": "2026-12-24", "reason": "Julaften"}])
    );
}

#[actix_rt::test]
async fn saturdays_can_count_as_working_days() {
    let app = TestApp::spawn_with(|c| c.saturdays_are_working_days = true).await;
    // Thursday 19 Nov 2026 + 2 working days: Friday 20, Saturday 21
    let r = app
        .get(
            "/api/v1/calendar/deadline?from=2026-11-19&workingDays=2",
            None,
        )
        .await;
    assert_eq!(r.body["deadline"], "2026-11-21");
    assert_eq!(r.body["saturdaysAreWorkingDays"], true);
}

#[actix_rt::test]
async fn holidays_of_2025_are_listed_with_names() {
    let app = TestApp::spawn().await;
    let r = app.get("/api/v1/calendar/holidays?year=2025", None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let dates: Vec<&str> = r.body["holidays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["date"].as_str().unwrap())
        .collect();
    assert_eq!(
        dates,
        [
            "2025-01-01",
            "2025-04-17",
            "2025-04-18",
            "2025-04-20",
            "2025-04-21",
            "2025-05-01",
            "2025-05-17",
            "2025-05-29",
            "2025-06-08",
            "2025-06-09",
            "2025-12-25",
            "2025-12-26"
        ]
    );
    assert_eq!(r.body["holidays"][1]["nameNb"], "Skjærtorsdag");
}

#[actix_rt::test]
async fn a_cached_calendar_answer_is_a_304() {
    let app = TestApp::spawn().await;
    let first = app.get("/api/v1/calendar/holidays?year=2026", None).await;
    let etag = first.headers["etag"].to_str().unwrap().to_owned();
    let again = app
        .send(
            app.client
                .get(app.url("/api/v1/calendar/holidays?year=2026"))
                .header("If-None-Match", &etag),
        )
        .await;
    assert_eq!(again.status, 304);
    assert!(again.text.is_empty());
}

#[actix_rt::test]
async fn bad_query_parameters_are_400_problems_naming_the_parameter() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            "/api/v1/calendar/deadline?from=2026-13-01&workingDays=3",
            "/query/from",
        ),
        (
            "/api/v1/calendar/deadline?from=27.03.2026&workingDays=3",
            "/query/from",
        ),
        (
            "/api/v1/calendar/deadline?from=2026-03-27&workingDays=ten",
            "/query/workingDays",
        ),
        (
            "/api/v1/calendar/deadline?from=2026-03-27&workingDays=-1",
            "/query/workingDays",
        ),
        (
            "/api/v1/calendar/deadline?from=2026-03-27&workingDays=100000",
            "/query/workingDays",
        ),
        (
            "/api/v1/calendar/deadline?from=2026-03-27",
            "/query/workingDays",
        ),
        ("/api/v1/calendar/deadline?workingDays=3", "/query/from"),
        ("/api/v1/calendar/holidays?year=1066", "/query/year"),
        ("/api/v1/calendar/holidays?year=2026&colour=blue", "/query"),
    ];
    for (path, pointer) in cases {
        let r = app.get(path, None).await;
        let problem = r.problem(400);
        let at = problem["errors"][0]["pointer"].as_str().unwrap_or_default();
        assert!(
            at.starts_with(pointer),
            "{path}: pointer {at} should start with {pointer}: {problem}"
        );
    }
}
