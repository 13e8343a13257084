//! Hours a custodian records on a task, and their validation.

use super::*;

#[actix_rt::test]
async fn hours_are_more_than_0_at_most_24_with_a_date_and_a_description() {
    let app = TestApp::spawn().await;
    decided_case(&app, "hours").await;
    let fhi = custodian(&app, FHI);
    let id = only_task(&app, &fhi).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        act(&app, &fhi, &id, "acknowledge", &json!({})).await.status,
        200
    );
    let before = work_rows(&app);
    for (body, pointers) in [
        (
            json!({"workedOn": today(), "hours": "0", "description": "x"}),
            vec!["/hours"],
        ),
        (
            json!({"workedOn": today(), "hours": "24.5", "description": "x"}),
            vec!["/hours"],
        ),
        (
            json!({"workedOn": today(), "hours": "1.255", "description": "x"}),
            vec!["/hours"],
        ),
        (
            json!({"workedOn": "2999-01-01", "hours": "1", "description": " "}),
            vec!["/workedOn", "/description"],
        ),
        (
            json!({"workedOn": "i går", "hours": "-1", "description": "x"}),
            vec!["/workedOn", "/hours"],
        ),
    ] {
        let r = act(&app, &fhi, &id, "hours", &body).await;
        let p = r.problem(422);
        let mut got: Vec<&str> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["pointer"].as_str().unwrap())
            .collect();
        got.sort_unstable();
        let mut want = pointers.clone();
        want.sort_unstable();
        assert_eq!(got, want, "{body}: {p}");
    }
    assert_eq!(work_rows(&app), before, "nothing written");
    let r = act(
        &app,
        &fhi,
        &id,
        "hours",
        &json!({"workedOn": today(), "hours": "24", "description": "Hel dag"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["hours"][0]["hours"],
        json!({"hundredths": 2400, "hours": "24.00"})
    );
    // a JSON number is refused: hours are never floats on the wire
    let r = act(
        &app,
        &fhi,
        &id,
        "hours",
        &json!({"workedOn": today(), "hours": 1.5, "description": "Tall"}),
    )
    .await;
    let p = r.problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/hours");
    assert_eq!(p["errors"][0]["code"], "INVALID_TYPE");
}
