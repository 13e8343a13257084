//! Expected dates against percentiles counted by hand from a seeded history.

use hds_api::auth::Role;
use serde_json::Value;

use super::{case_for, complete, d, decide, deliver, preparation_task, staff};
use crate::applications::{token, OWNER};
use crate::fees::{on, FHI};
use crate::support::TestApp;

fn source<'a>(body: &'a Value, code: &str) -> &'a Value {
    body["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["dataSource"] == code)
        .unwrap_or_else(|| panic!("no {code}: {body}"))
}

/// Five MFR cases, each complete on Tuesday 2 March 2027, decided after
/// 3, 5, 8, 12 and 20 working days (5, 9, 12 and 18 March and 2 April) and
/// delivered after 6, 9, 10, 15 and 25 (10, 15, 16 and 23 March and
/// 9 April; Easter: 25, 26 and 29 March). Case G, decided on the day
/// asked (12 working days after its completion on 22 March), adds a sixth
/// decision: [3, 5, 8, 12, 12, 20], median the 3rd (8), 90th percentile the
/// 6th (20). Data, five: [6, 9, 10, 15, 25], median the 3rd (10), 90th
/// percentile the 5th (25).
#[actix_rt::test]
async fn expected_dates_are_the_median_and_90th_percentile_of_the_last_twelve_months() {
    let app = TestApp::spawn().await;
    let history = [
        (d(3, 5), d(3, 10)),
        (d(3, 9), d(3, 15)),
        (d(3, 12), d(3, 16)),
        (d(3, 18), d(3, 23)),
        (d(4, 2), d(4, 9)),
    ];
    for (i, (decided, delivered)) in history.iter().enumerate() {
        let (_, case_id) = case_for(&app, "MFR", &format!("history-{i}")).await;
        complete(&app, &case_id, d(3, 2)).await;
        decide(&app, &case_id, "MFR", "GRANTED", *decided).await;
        deliver(&app, &case_id, *delivered).await;
    }
    // F: complete Monday 22 March, not decided; G: decided 12 April, no data yet
    let (f_application, f) = case_for(&app, "MFR", "case-f").await;
    complete(&app, &f, d(3, 22)).await;
    let (_, g) = case_for(&app, "MFR", "case-g").await;
    complete(&app, &g, d(3, 22)).await;
    decide(&app, &g, "MFR", "GRANTED", d(4, 12)).await;
    on(&app, d(4, 12));

    // the applicant sees F's dates beside its statutory deadline
    let owner = token(&app, OWNER);
    let r = app
        .get(
            &format!("/api/v1/applications/{f_application}/case/expected-dates"),
            Some(&owner),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["asOf"], "2027-04-12");
    assert_eq!(r.body["historyFrom"], "2026-04-13");
    // 30 working days after 22 March: 23, 24, 30, 31 Mar, 1, 2, 5–9, 12–16,
    // 19–23, 26–30 Apr (26), 3, 4, 5 May (29) and, after Ascension Day
    // (6 May), 7 May (30)
    assert_eq!(r.body["statutoryDeadline"], "2027-05-07");
    let mfr = source(&r.body, "MFR");
    assert_eq!(mfr["decisionAuthority"], "HDS");
    let decision = &mfr["decision"];
    assert_eq!(decision["status"], "ESTIMATED", "{}", r.text);
    assert_eq!(decision["countedFrom"], "COMPLETE");
    assert_eq!(decision["from"], "2027-03-22");
    assert_eq!(decision["sampleSize"], 6);
    assert_eq!(decision["medianWorkingDays"], 8);
    assert_eq!(decision["p90WorkingDays"], 20);
    // 22 March + 8: 23, 24, 30, 31 Mar, 1, 2, 5, 6 Apr
    assert_eq!(decision["likelyOn"], "2027-04-06");
    // + 20: then 7–9, 12–16, 19–22 Apr
    assert_eq!(decision["nineInTenBy"], "2027-04-22");
    let data = &mfr["data"];
    assert_eq!(data["status"], "ESTIMATED");
    assert_eq!(data["sampleSize"], 5);
    assert_eq!(data["medianWorkingDays"], 10);
    assert_eq!(data["p90WorkingDays"], 25);
    assert_eq!(data["likelyOn"], "2027-04-08");
    assert_eq!(data["nineInTenBy"], "2027-04-29");
    assert!(data["textEn"].as_str().unwrap().contains("2027-04-08"));

    // the custodian sees G's with its task: decided, data estimated
    let fhi = app.token_for(Role::Custodian, None, Some(FHI));
    let task = preparation_task(&app, &g).await;
    let r = app
        .get(&format!("/api/v1/tasks/{task}/expected-dates"), Some(&fhi))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let mfr = source(&r.body, "MFR");
    assert_eq!(mfr["decision"]["status"], "HAPPENED");
    assert_eq!(mfr["decision"]["on"], "2027-04-12");
    assert_eq!(mfr["data"]["likelyOn"], "2027-04-08");
    // another custodian's view of the task: 404
    let other = app.token_for(Role::Custodian, None, Some("974761122"));
    let r = app
        .get(
            &format!("/api/v1/tasks/{task}/expected-dates"),
            Some(&other),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.text);

    // a year later the history has left the window: said plainly
    on(&app, d(4, 12).replace_year(2028).unwrap());
    let h = staff(&app);
    let r = app
        .get(&format!("/api/v1/cases/{f}/expected-dates"), Some(&h))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let decision = &source(&r.body, "MFR")["decision"];
    assert_eq!(decision["status"], "TOO_LITTLE_HISTORY");
    assert_eq!(decision["sampleSize"], 0);
    assert_eq!(decision["minimumSample"], 5);
    assert!(decision["textEn"]
        .as_str()
        .unwrap()
        .starts_with("Too little history"));
    assert!(decision.get("likelyOn").is_none());
}

/// The fewest cases an estimate rests on is the operator's setting
/// (`HDS_EXPECTED_MINIMUM_SAMPLE`): with 2, two decided cases are enough
/// (the default, 5, would say too little history). Decided after 3 and 5
/// working days from completion on 2 March: median the 1st (3), 90th
/// percentile the 2nd (5).
#[actix_rt::test]
async fn the_minimum_sample_of_an_estimate_is_a_setting() {
    let app = TestApp::spawn_with(|c| c.expected_minimum_sample = 2).await;
    for (i, decided) in [d(3, 5), d(3, 9)].into_iter().enumerate() {
        let (_, case_id) = case_for(&app, "MFR", &format!("history-{i}")).await;
        complete(&app, &case_id, d(3, 2)).await;
        decide(&app, &case_id, "MFR", "GRANTED", decided).await;
    }
    let (_, f) = case_for(&app, "MFR", "case-f").await;
    complete(&app, &f, d(3, 22)).await;
    on(&app, d(4, 12));
    let r = app
        .get(
            &format!("/api/v1/cases/{f}/expected-dates"),
            Some(&staff(&app)),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["minimumSample"], 2);
    let decision = &source(&r.body, "MFR")["decision"];
    assert_eq!(decision["status"], "ESTIMATED", "{}", r.text);
    assert_eq!(decision["sampleSize"], 2);
    assert_eq!(decision["medianWorkingDays"], 3);
    assert_eq!(decision["p90WorkingDays"], 5);
    let data = &source(&r.body, "MFR")["data"];
    assert_eq!(data["status"], "TOO_LITTLE_HISTORY");
    assert_eq!(data["minimumSample"], 2);
}
