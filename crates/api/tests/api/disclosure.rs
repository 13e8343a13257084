//! POST /api/v1/disclosure-control: the contract of issue 7.

use serde_json::{json, Value};

use crate::support::TestApp;

const PATH: &str = "/api/v1/disclosure-control";

fn table(counts: &Value) -> Value {
    json!({"rows": {"name": "alder", "categories": ["0-19", "20-39"]},
           "columns": {"name": "kjønn", "categories": ["K", "M"]},
           "counts": counts})
}

/// Every published number is the true one.
fn assert_published_truthfully(response: &Value, truth: &[Vec<u64>]) {
    for (i, row) in truth.iter().enumerate() {
        for (j, &c) in row.iter().enumerate() {
            let published = &response["counts"][i][j];
            assert!(
                published == "." || published == c,
                "cell [{i}][{j}] published as {published}, truth {c}"
            );
        }
        let row_total: u64 = row.iter().sum();
        let p = &response["rowTotals"][i];
        assert!(p == "." || p == row_total);
    }
}

#[actix_rt::test]
async fn the_contract_example_hides_the_1_and_enough_besides() {
    let app = TestApp::spawn().await;
    let r = app
        .post_json(PATH, None, &json!({"method": "SUPPRESS", "threshold": 3, "table": table(&json!([[12, 1], [40, 7]]))}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["counts"][0][1], ".");
    assert_published_truthfully(&r.body, &[vec![12, 1], vec![40, 7]]);
    let suppressed = r.body["suppressed"].as_array().unwrap();
    let primary: Vec<&Value> = suppressed
        .iter()
        .filter(|s| s["reason"] == "PRIMARY")
        .collect();
    assert_eq!(primary.len(), 1);
    assert_eq!(primary[0]["cell"], json!([0, 1]));
    // the guarantee: an attacker cannot prove the hidden 1 is below 3
    let max = primary[0]["interval"]["max"].as_u64().unwrap_or(u64::MAX);
    assert!(max >= 3, "interval {}", primary[0]["interval"]);
    assert!(
        suppressed.iter().any(|s| s["reason"] == "SECONDARY"),
        "secondary suppression needed"
    );
    assert_eq!(r.body["total"], 60);
}

#[actix_rt::test]
async fn a_one_dimensional_table_works_the_same() {
    let app = TestApp::spawn().await;
    let body = json!({"method": "SUPPRESS", "table": {"rows": {"name": "fylke", "categories": ["Agder", "Oslo", "Troms"]}, "counts": [2, 50, 40]}});
    let r = app.post_json(PATH, None, &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["counts"][0], ".");
    // with the total published, a second cell must go
    let hidden = r.body["counts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| *c == ".")
        .count()
        + usize::from(r.body["total"] == ".");
    assert!(hidden >= 2, "{}", r.body);
    assert!(r.body.get("rowTotals").is_none());
}

#[actix_rt::test]
async fn rounding_turns_1_into_0_and_2_into_3_and_totals_add_up() {
    let app = TestApp::spawn().await;
    let r = app
        .post_json(
            PATH,
            None,
            &json!({"method": "ROUND", "table": table(&json!([[12, 1], [40, 2]]))}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["counts"], json!([[12, 0], [40, 3]]));
    assert_eq!(r.body["rowTotals"], json!([12, 43]));
    assert_eq!(r.body["columnTotals"], json!([52, 3]));
    assert_eq!(r.body["total"], 55);
    assert_eq!(r.body["suppressed"], json!([]));
}

#[actix_rt::test]
async fn a_200_by_200_table_is_protected() {
    let app = TestApp::spawn().await;
    let n: u16 = 200;
    let categories: Vec<String> = (0..n).map(|i| format!("k{i}")).collect();
    let counts: Vec<Vec<u64>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    if (i * 7 + j * 3) % 4 == 0 {
                        1
                    } else {
                        10 + u64::from((i + j) % 17)
                    }
                })
                .collect()
        })
        .collect();
    let body = json!({"method": "SUPPRESS", "table": {"rows": {"name": "a", "categories": categories}, "columns": {"name": "b", "categories": categories}, "counts": counts}});
    let r = app.post_json(PATH, None, &body).await;
    assert_eq!(r.status, 200, "{}", &r.text[..r.text.len().min(500)]);
    assert_published_truthfully(&r.body, &counts);
    let primaries = r.body["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["reason"] == "PRIMARY")
        .count();
    assert_eq!(
        primaries,
        counts.iter().flatten().filter(|&&c| c == 1).count()
    );
}

#[actix_rt::test]
async fn bad_tables_are_422_with_a_pointer_at_each_problem() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            json!({"method": "SUPPRESS", "table": table(&json!([[12, 1], [40]]))}),
            "/table/counts/1",
        ),
        (
            json!({"method": "SUPPRESS", "table": table(&json!([[12, -1], [40, 7]]))}),
            "/table/counts/0/1",
        ),
        (
            json!({"method": "SUPPRESS", "table": table(&json!([[12, 1.5], [40, 7]]))}),
            "/table/counts/0/1",
        ),
        (
            json!({"method": "SUPPRESS", "table": table(&json!([[12, 1], [40, 7], [1, 1]]))}),
            "/table/counts",
        ),
        (
            json!({"method": "SUPPRESS", "threshold": 0, "table": table(&json!([[12, 1], [40, 7]]))}),
            "/threshold",
        ),
        (
            json!({"method": "SUPPRESS", "threshold": -3, "table": table(&json!([[12, 1], [40, 7]]))}),
            "/threshold",
        ),
        (
            json!({"method": "SUPPRESS", "table": {"rows": {"name": "a", "categories": ["x", "x"]}, "counts": [1, 2]}}),
            "/table/rows/categories/1",
        ),
        (
            json!({"method": "SUPPRESS", "table": {"rows": {"name": "a", "categories": (0..251).map(|i| i.to_string()).collect::<Vec<_>>()}, "counts": vec![5; 251]}}),
            "/table/rows/categories",
        ),
        (
            json!({"method": "SHUFFLE", "table": table(&json!([[1]]))}),
            "/method",
        ),
    ];
    for (body, pointer) in cases {
        let r = app.post_json(PATH, None, &body).await;
        let problem = r.problem(422);
        let pointers: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["pointer"].as_str().unwrap())
            .collect();
        assert!(
            pointers.iter().any(|p| p.starts_with(pointer)),
            "expected a pointer under {pointer}, got {pointers:?}"
        );
    }
}
