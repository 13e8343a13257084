//! Public catalogue reads: lists, fetches, filters, search, pagination, caching.

use serde_json::Value;

use crate::support::TestApp;

fn codes(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_owned())
        .collect()
}

fn names(body: &Value) -> Vec<(String, String)> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["dataSource"]["code"].as_str().unwrap().to_owned(),
                i["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Percent-encodes a query value.
fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[actix_rt::test]
async fn purposes_are_public_and_cacheable() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/purposes", None).await;
    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(
        codes(&response.body),
        [
            "MEDICAL_AND_HEALTH_RESEARCH",
            "OTHER_RESEARCH",
            "HEALTH_ANALYSIS"
        ]
    );
    assert_eq!(
        response.headers["cache-control"],
        "public, max-age=60, must-revalidate"
    );
    assert!(!response.etag().is_empty());
}

#[actix_rt::test]
async fn norwegian_search_finds_the_birth_registry_and_birth_weight() {
    let app = TestApp::spawn().await;
    let sources = app
        .get(&format!("/api/v1/data-sources?q={}", enc("fødsel")), None)
        .await;
    assert_eq!(sources.status, 200, "{}", sources.text);
    assert!(
        codes(&sources.body).contains(&"MFR".to_owned()),
        "{}",
        sources.text
    );
    assert!(!codes(&sources.body).contains(&"HUNT".to_owned()));

    let variables = app
        .get(
            &format!("/api/v1/variables?q={}&lang=nb", enc("fødsel")),
            None,
        )
        .await;
    assert_eq!(variables.status, 200, "{}", variables.text);
    let found = names(&variables.body);
    assert!(
        found.contains(&("MFR".into(), "VEKT".into())),
        "Fødselsvekt found: {found:?}"
    );
    let vekt = variables.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "VEKT")
        .unwrap();
    assert_eq!(vekt["labelNb"], "Fødselsvekt");
    assert_eq!(vekt["dataSource"]["nameNb"], "Medisinsk fødselsregister");

    // Two words: both must match (AND), as prefixes.
    let both = app
        .get(
            &format!("/api/v1/variables?q={}", enc("fødsels vekt")),
            None,
        )
        .await;
    assert_eq!(
        names(&both.body),
        [("MFR".to_owned(), "VEKT".to_owned())],
        "{}",
        both.text
    );
    // Within one source.
    let mfr = app
        .get(
            &format!("/api/v1/data-sources/MFR/variables?q={}", enc("fødsel")),
            None,
        )
        .await;
    assert!(names(&mfr.body).iter().all(|(source, _)| source == "MFR"));
    assert!(names(&mfr.body).contains(&("MFR".into(), "VEKT".into())));
}

#[actix_rt::test]
async fn english_search_uses_the_english_texts() {
    let app = TestApp::spawn().await;
    let sources = app.get("/api/v1/data-sources?q=birth&lang=en", None).await;
    assert_eq!(sources.status, 200, "{}", sources.text);
    assert!(
        codes(&sources.body).contains(&"MFR".to_owned()),
        "{}",
        sources.text
    );
    let variables = app
        .get("/api/v1/variables?q=birth%20weight&lang=en", None)
        .await;
    assert_eq!(
        names(&variables.body),
        [("MFR".to_owned(), "VEKT".to_owned())],
        "{}",
        variables.text
    );
    // The Norwegian word is not in the English texts.
    let none = app
        .get(
            &format!("/api/v1/variables?q={}&lang=en", enc("fødselsvekt")),
            None,
        )
        .await;
    assert_eq!(none.status, 200);
    assert!(names(&none.body).is_empty(), "{}", none.text);
    // An unknown language is a 400 naming the parameter.
    let bad = app.get("/api/v1/data-sources?q=birth&lang=de", None).await;
    assert_eq!(bad.problem(400)["errors"][0]["pointer"], "/query/lang");
}

#[actix_rt::test]
async fn search_results_are_ranked_and_paged_by_cursor() {
    let app = TestApp::spawn().await;
    let all = app
        .get(
            &format!("/api/v1/variables?q={}&limit=500", enc("fødsel")),
            None,
        )
        .await;
    let expected = names(&all.body);
    assert!(expected.len() >= 5, "{}", all.text);
    let mut seen = Vec::new();
    let mut path = format!("/api/v1/variables?q={}&limit=2", enc("fødsel"));
    loop {
        let page = app.get(&path, None).await;
        assert_eq!(page.status, 200, "{}", page.text);
        seen.extend(names(&page.body));
        match page.body["nextCursor"].as_str() {
            Some(cursor) => {
                path = format!(
                    "/api/v1/variables?q={}&limit=2&cursor={cursor}",
                    enc("fødsel")
                );
            }
            None => break,
        }
    }
    assert_eq!(seen, expected, "pages in rank order, no gaps or repeats");
    // Labels (weight A) rank above descriptions (weight B): a label match comes first.
    assert!(all.body["items"][0]["labelNb"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("fødsel"));
}

#[actix_rt::test]
async fn bad_search_input_is_a_clear_400_or_a_normal_result_never_a_500() {
    let app = TestApp::spawn().await;
    for (q, code) in [
        ("", "EMPTY_QUERY"),
        ("   ", "EMPTY_QUERY"),
        ("\t\n", "EMPTY_QUERY"),
        (&"a".repeat(201), "QUERY_TOO_LONG"),
        ("!!! &|:*()", "NO_SEARCH_WORDS"),
        ("'", "NO_SEARCH_WORDS"),
    ] {
        for list in ["/api/v1/data-sources", "/api/v1/variables"] {
            let response = app.get(&format!("{list}?q={}", enc(q)), None).await;
            let problem = response.problem(400);
            assert_eq!(problem["errors"][0]["pointer"], "/query/q", "{q:?}");
            assert_eq!(problem["errors"][0]["code"], code, "{q:?}");
        }
    }
    for q in [
        "fødsel' OR 1=1 --",
        "fødsel:* | !vekt",
        "a & | b",
        "\\x00 ( ) < - >",
        "<script>alert(1)</script>",
        "%%%_%",
        "😀 fødsel",
        "ﬁ ß İ",
        "Ω≈ç√∫",
        "and or not",
        "og i på",
        "a:b:c",
        "123 4567",
        &"ø".repeat(200),
    ] {
        for list in [
            "/api/v1/data-sources",
            "/api/v1/variables",
            "/api/v1/data-sources/MFR/variables",
        ] {
            for lang in ["nb", "en"] {
                let response = app
                    .get(&format!("{list}?q={}&lang={lang}", enc(q)), None)
                    .await;
                assert!(
                    response.status == 200 || response.status == 400,
                    "{q:?} {list}: {}",
                    response.text
                );
            }
        }
    }
    // Quotes and operators only separate words: this is a search for "fødsel".
    let injected = app
        .get(
            &format!("/api/v1/data-sources?q={}", enc("'fødsel');--")),
            None,
        )
        .await;
    assert_eq!(injected.status, 200);
    assert!(codes(&injected.body).contains(&"MFR".to_owned()));
}

#[actix_rt::test]
async fn reads_answer_304_to_if_none_match() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v1/data-sources",
        "/api/v1/data-sources?q=fødsel",
        "/api/v1/data-sources/MFR",
        "/api/v1/custodians",
        "/api/v1/custodians/FHI",
        "/api/v1/variables",
        "/api/v1/data-sources/MFR/variables",
        "/api/v1/data-sources/MFR/variables/VEKT",
        "/api/v1/purposes",
        "/api/v1/service-notices?at=2026-01-01T00:00:00Z",
    ] {
        let first = app.get(path, None).await;
        assert_eq!(first.status, 200, "{path}: {}", first.text);
        let etag = first.etag();
        assert!(etag.starts_with('"'), "{path}: ETag {etag}");
        assert_eq!(
            first.headers["cache-control"], "public, max-age=60, must-revalidate",
            "{path}"
        );
        let second = app.get_with(path, &[("if-none-match", &etag)]).await;
        assert_eq!(second.status, 304, "{path}");
        assert!(second.text.is_empty());
        assert_eq!(second.etag(), etag);
        let other = app.get_with(path, &[("if-none-match", "\"v0\"")]).await;
        assert_eq!(other.status, 200, "{path}");
    }
}

#[actix_rt::test]
async fn a_data_source_shows_custodian_purposes_kinds_channel_period_and_history() {
    let app = TestApp::spawn().await;
    let mfr = app.get("/api/v1/data-sources/MFR", None).await;
    assert_eq!(mfr.status, 200, "{}", mfr.text);
    let body = &mfr.body;
    assert_eq!(body["nameNb"], "Medisinsk fødselsregister");
    assert_eq!(body["kind"], "CENTRAL_REGISTER");
    assert_eq!(body["custodian"]["code"], "FHI");
    assert_eq!(body["decisionAuthority"], "HDS");
    assert_eq!(body["channel"], "COMMON_FORM");
    assert!(body.get("externalUrl").is_none());
    assert_eq!(body["periodFrom"], 1967);
    assert_eq!(body["purposes"].as_array().unwrap().len(), 3);
    assert_eq!(body["dataKinds"].as_array().unwrap().len(), 3);
    assert_eq!(body["custodianHistory"].as_array().unwrap().len(), 1);
    assert_eq!(body["custodianHistory"][0]["custodian"]["code"], "FHI");
    assert!(body["custodianHistory"][0].get("validTo").is_none());
    assert!(mfr.etag().starts_with(&format!("\"v{}-", body["version"])));

    let hunt = app.get("/api/v1/data-sources/HUNT", None).await;
    assert_eq!(hunt.body["channel"], "EXTERNAL_FORM");
    assert_eq!(hunt.body["externalUrl"], "https://www.ntnu.edu/hunt/data");
    assert_eq!(hunt.body["decisionAuthority"], "CUSTODIAN");

    let npr = app.get("/api/v1/data-sources/NPR", None).await;
    assert!(npr.body["processingNoticeNb"].is_string(), "{}", npr.text);

    app.get("/api/v1/data-sources/NOPE", None)
        .await
        .problem(404);
    app.get("/api/v1/data-sources/NOPE/variables", None)
        .await
        .problem(404);
    app.get("/api/v1/data-sources/MFR/variables/NOPE", None)
        .await
        .problem(404);
    app.get("/api/v1/custodians/NOPE", None).await.problem(404);
}

#[actix_rt::test]
async fn custodians_list_their_sources() {
    let app = TestApp::spawn().await;
    let list = app.get("/api/v1/custodians", None).await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(codes(&list.body).len(), 9);
    let fhi = app.get("/api/v1/custodians/FHI", None).await;
    assert_eq!(fhi.body["orgnr"], "983744516");
    let held = codes(&serde_json::json!({"items": fhi.body["dataSources"]}));
    for code in ["MFR", "NPR", "KPR", "LMR"] {
        assert!(
            held.contains(&code.to_owned()),
            "{code} held by FHI: {held:?}"
        );
    }
    // Kreftregisteret, named by the seeds as a custodian of its own: part of
    // FHI since 2024, so no organisation number of its own
    let kreft = app.get("/api/v1/custodians/KREFTREGISTERET", None).await;
    assert_eq!(kreft.status, 200, "{}", kreft.text);
    assert!(kreft.body.get("orgnr").is_none(), "{}", kreft.text);
    assert_eq!(
        kreft.body["contactEmail"],
        "datautlevering@kreftregisteret.no"
    );
    assert_eq!(kreft.body["dataSources"][0]["code"], "KREFT");
    let hdir = app.get("/api/v1/custodians/HDIR", None).await;
    assert_eq!(hdir.body["contactEmail"], "helseregistre@helsedir.no");
    let page = app.get("/api/v1/custodians?limit=3", None).await;
    assert_eq!(codes(&page.body).len(), 3);
    let next = page.body["nextCursor"].as_str().unwrap();
    let page2 = app
        .get(&format!("/api/v1/custodians?limit=3&cursor={next}"), None)
        .await;
    assert!(codes(&page2.body)[0] > codes(&page.body)[2]);
}

#[actix_rt::test]
async fn data_sources_filter_by_custodian_kind_purpose_data_kind_and_authority() {
    let app = TestApp::spawn().await;
    let get = |q: &'static str| {
        let app = &app;
        async move {
            let response = app.get(&format!("/api/v1/data-sources?{q}"), None).await;
            assert_eq!(response.status, 200, "{q}: {}", response.text);
            codes(&response.body)
        }
    };
    assert_eq!(get("custodian=NTNU").await, ["HUNT"]);
    assert_eq!(get("custodian=NOBODY").await, Vec::<String>::new());
    assert_eq!(get("kind=QUALITY_REGISTER").await, ["NRL"]);
    let surveys = get("kind=HEALTH_SURVEY").await;
    assert_eq!(surveys, ["FORTIAAR", "HUNT", "MOBA", "TROMSO"]);
    let analysis = get("purpose=HEALTH_ANALYSIS").await;
    assert!(analysis.contains(&"NRL".to_owned()) && !analysis.contains(&"HUNT".to_owned()));
    let anonymous = get("dataKind=ANONYMOUS&kind=HEALTH_SURVEY").await;
    assert_eq!(anonymous, ["TROMSO"]);
    let hds = get("decisionAuthority=HDS").await;
    assert_eq!(
        hds.len(),
        11,
        "the eleven registers HDS decides for: {hds:?}"
    );
    let custodian = get("decisionAuthority=CUSTODIAN").await;
    assert_eq!(custodian.len(), 6);
    assert_eq!(get("decisionAuthority=HDS&q=fødsel").await, ["MFR"]);
    let bad = app.get("/api/v1/data-sources?kind=REGISTER", None).await;
    assert_eq!(bad.problem(400)["errors"][0]["pointer"], "/query/kind");
}

#[actix_rt::test]
async fn lists_page_by_keyset_cursor() {
    let app = TestApp::spawn().await;
    let mut all = Vec::new();
    let mut path = "/api/v1/data-sources?limit=5".to_owned();
    loop {
        let page = app.get(&path, None).await;
        assert_eq!(page.status, 200, "{}", page.text);
        all.extend(codes(&page.body));
        match page.body["nextCursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/data-sources?limit=5&cursor={cursor}"),
            None => break,
        }
    }
    let mut sorted = all.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(all, sorted);
    assert_eq!(all.len(), 17);

    let mut variables = Vec::new();
    let mut path = "/api/v1/variables?limit=7".to_owned();
    loop {
        let page = app.get(&path, None).await;
        variables.extend(names(&page.body));
        match page.body["nextCursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/variables?limit=7&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(
        variables.len(),
        54,
        "every variable once (KJONN and FODSELSAAR are in several sources)"
    );
    let mut unique = variables.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 54);

    let mfr = app
        .get("/api/v1/data-sources/MFR/variables?limit=500", None)
        .await;
    assert_eq!(names(&mfr.body).len(), 17);

    for bad in [
        "cursor=nope",
        "custodain=FHI",
        "cursor=WyJNRlIiXQ&q=f",
        "limit=0",
        "limit=501",
        "limit=x",
    ] {
        let response = app.get(&format!("/api/v1/data-sources?{bad}"), None).await;
        response.problem(400);
    }
    for bad in [
        "/api/v1/variables?dataSorce=MFR",
        "/api/v1/data-sources/MFR/variables?dataSource=NPR",
        "/api/v1/custodians?q=x",
        "/api/v1/service-notices?now=1",
    ] {
        app.get(bad, None).await.problem(400);
    }
}

#[actix_rt::test]
async fn one_search_covers_sources_and_variables() {
    let app = TestApp::spawn().await;
    let response = app
        .get(&format!("/api/v1/search?q={}", enc("fødsel")), None)
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    let sources: Vec<&str> = response.body["dataSources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert!(sources.contains(&"MFR"), "{sources:?}");
    let variables: Vec<&str> = response.body["variables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert!(
        variables.len() <= 10 && variables.contains(&"VEKT"),
        "{variables:?}"
    );
    let english = app
        .get("/api/v1/search?q=birth%20weight&lang=en&limit=3", None)
        .await;
    assert_eq!(
        english.body["variables"][0]["name"], "VEKT",
        "{}",
        english.text
    );
    let etag = english.etag();
    let again = app
        .get_with(
            "/api/v1/search?q=birth%20weight&lang=en&limit=3",
            &[("if-none-match", &etag)],
        )
        .await;
    assert_eq!(again.status, 304);
    for bad in ["", "q=", "q=%20", "q=fødsel&limit=51", "q=fødsel&lang=sv"] {
        app.get(&format!("/api/v1/search?{bad}"), None)
            .await
            .problem(400);
    }
}
