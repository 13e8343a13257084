//! Tokens: the good ones get in, and every attack in issue 2 point 7 gets a 401.

use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hds_api::auth::dev_issuer::DevIssuer;
use hds_api::auth::issuers::{IssuerConfig, IssuerKind};
use hds_api::auth::{principal_from_claims, Role};
use jsonwebtoken::Algorithm;
use serde_json::{json, Value};

use crate::support::{test_key_path, TestApp};

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

type Mutation = Box<dyn Fn(&mut Value)>;

async fn assert_401(app: &TestApp, token: &str, why: &str) {
    let response = app.get("/api/v1/me", Some(token)).await;
    response.problem(401);
    assert!(
        response
            .headers
            .get("www-authenticate")
            .is_some_and(|v| v.to_str().unwrap().starts_with("Bearer")),
        "{why}: WWW-Authenticate missing"
    );
}

#[actix_rt::test]
async fn a_dev_token_is_validated_through_the_jwks_and_me_answers() {
    let app = TestApp::spawn().await;
    let me = app
        .get("/api/v1/me", Some(&app.token(Role::Applicant)))
        .await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.body["kind"], "PERSON");
    assert_eq!(me.body["roles"], json!(["APPLICANT"]));
    assert_eq!(me.body["nationalIdMasked"], "150585*****");
    assert!(
        !me.text.contains("15058510170"),
        "the full national id is never echoed"
    );

    let custodian = app
        .get(
            "/api/v1/me",
            Some(&app.token_for(Role::Custodian, None, Some("974761211"))),
        )
        .await;
    assert_eq!(custodian.status, 200, "{}", custodian.text);
    assert_eq!(custodian.body["kind"], "ORGANISATION");
    assert_eq!(custodian.body["orgnr"], "974761211");
    assert_eq!(custodian.body["roles"], json!(["CUSTODIAN"]));
}

#[actix_rt::test]
async fn no_token_or_a_wrong_scheme_is_401_with_a_challenge() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/me", None).await;
    response.problem(401);
    assert_eq!(response.headers["www-authenticate"], "Bearer");
    let basic = app
        .send(
            app.client
                .get(app.url("/api/v1/me"))
                .header("Authorization", "Basic dXNlcjpwYXNz"),
        )
        .await;
    basic.problem(401);
}

#[actix_rt::test]
async fn alg_none_is_refused() {
    let app = TestApp::spawn().await;
    let claims = app.issuer.claims(Role::Admin, None, None, None, now(), 600);
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    assert_401(&app, &format!("{header}.{payload}."), "alg none").await;
}

#[actix_rt::test]
async fn hs256_signed_with_the_public_key_is_refused() {
    let app = TestApp::spawn().await;
    let jwks = app.get("/dev-issuer/jwks.json", None).await.body;
    let kid = jwks["keys"][0]["kid"].as_str().unwrap().to_owned();
    let n = jwks["keys"][0]["n"].as_str().unwrap().to_owned();
    let claims = app.issuer.claims(Role::Admin, None, None, None, now(), 600);
    let mut header = jsonwebtoken::Header::new(Algorithm::HS256);
    header.kid = Some(kid);
    // the classic confusion attack: the public key used as an HMAC secret
    for secret in [n.as_bytes().to_vec(), jwks.to_string().into_bytes()] {
        let token = jsonwebtoken::encode(
            &header,
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(&secret),
        )
        .unwrap();
        assert_401(&app, &token, "HS/RS confusion").await;
    }
}

#[actix_rt::test]
async fn wrong_issuer_audience_expiry_and_not_yet_valid_are_refused() {
    let app = TestApp::spawn().await;
    let good = app
        .issuer
        .claims(Role::Applicant, None, None, None, now(), 600);
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "wrong iss",
            Box::new(|c| c["iss"] = json!("https://evil.example")),
        ),
        (
            "wrong aud",
            Box::new(|c| c["aud"] = json!("some-other-service")),
        ),
        ("expired", Box::new(|c| c["exp"] = json!(now() - 3600))),
        (
            "not yet valid",
            Box::new(|c| c["nbf"] = json!(now() + 3600)),
        ),
        (
            "no exp",
            Box::new(|c| {
                c.as_object_mut().unwrap().remove("exp");
            }),
        ),
        (
            "no iss",
            Box::new(|c| {
                c.as_object_mut().unwrap().remove("iss");
            }),
        ),
        ("invalid pid", Box::new(|c| c["pid"] = json!("15058510171"))),
    ];
    for (why, mutate) in cases {
        let mut claims = good.clone();
        mutate(&mut claims);
        let token = app.issuer.sign(&claims).unwrap();
        assert_401(&app, &token, why).await;
    }
    // the unmodified claims pass, so the refusals above are for the stated reason
    let token = app.issuer.sign(&good).unwrap();
    assert_eq!(app.get("/api/v1/me", Some(&token)).await.status, 200);
}

#[actix_rt::test]
async fn tampered_garbage_and_unknown_keys_are_refused() {
    let app = TestApp::spawn().await;
    let token = app.token(Role::Applicant);
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
    claims["roles"] = json!(["ADMIN"]);
    parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    assert_401(&app, &parts.join("."), "tampered payload").await;
    assert_401(&app, "not-a-jwt", "garbage").await;

    // same issuer name, a key the issuer never published
    let rogue = DevIssuer::load_or_create(&test_key_path("rogue-key"), "x").unwrap();
    let claims = app.issuer.claims(Role::Admin, None, None, None, now(), 600);
    assert_401(&app, &rogue.sign(&claims).unwrap(), "unknown kid").await;
}

/// A JWKS endpoint whose keys the test can change (key rotation).
fn jwks_server(keys: Arc<Mutex<Value>>) -> String {
    use actix_web::{web, App, HttpResponse, HttpServer};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = HttpServer::new(move || {
        let keys = keys.clone();
        App::new().route(
            "/jwks",
            web::get().to(move || {
                let body = keys.lock().unwrap().clone();
                async move { HttpResponse::Ok().json(body) }
            }),
        )
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    actix_web::rt::spawn(server);
    format!("http://127.0.0.1:{port}/jwks")
}

#[actix_rt::test]
async fn an_unknown_kid_refreshes_the_cached_jwks_after_key_rotation() {
    let old_key =
        DevIssuer::load_or_create(&test_key_path("idporten-old"), "https://idporten.test").unwrap();
    let new_key =
        DevIssuer::load_or_create(&test_key_path("idporten-new"), "https://idporten.test").unwrap();
    let published = Arc::new(Mutex::new(old_key.jwks()));
    let jwks_url = jwks_server(published.clone());
    let app = TestApp::spawn_with(|config| {
        config.issuers = vec![IssuerConfig {
            kind: IssuerKind::IdPorten,
            issuer: "https://idporten.test".into(),
            jwks_url,
            audience: "helsedata".into(),
            algorithms: vec![Algorithm::RS256],
            custodian_scope: None,
            role_claim: None,
            role_map: std::collections::BTreeMap::default(),
        }];
    })
    .await;
    let claims = json!({"iss": "https://idporten.test", "aud": "helsedata", "exp": now() + 600,
                        "iat": now(), "pid": "01019010046", "acr": "idporten-loa-high"});
    let me = app
        .get("/api/v1/me", Some(&old_key.sign(&claims).unwrap()))
        .await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(
        me.body["roles"],
        json!(["APPLICANT"]),
        "ID-porten persons are applicants"
    );

    // the issuer rotates its key; our cache has only the old one
    *published.lock().unwrap() = new_key.jwks();
    tokio::time::sleep(std::time::Duration::from_millis(10_100)).await; // past the refresh throttle
    let me = app
        .get("/api/v1/me", Some(&new_key.sign(&claims).unwrap()))
        .await;
    assert_eq!(
        me.status, 200,
        "rotated key accepted after refresh: {}",
        me.text
    );
}

fn instant(unix: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(unix).unwrap()
}

#[actix_rt::test]
async fn a_cached_token_is_refused_after_its_expiry_and_before_its_nbf() {
    let app = TestApp::spawn().await;
    let minted = now();
    let claims = app
        .issuer
        .claims(Role::Applicant, None, None, None, minted, 120);
    let token = app.issuer.sign(&claims).unwrap();
    assert_eq!(app.get("/api/v1/me", Some(&token)).await.status, 200);
    assert_eq!(
        app.state.auth.cached_tokens(),
        1,
        "the verified token is remembered"
    );
    assert_eq!(app.get("/api/v1/me", Some(&token)).await.status, 200);

    // one second past exp the full check still accepts it (30 s leeway), but
    // the cache does not hold it past its exp
    app.token_clock.set(Some(instant(minted + 121)));
    assert_eq!(app.get("/api/v1/me", Some(&token)).await.status, 200);
    assert_eq!(app.state.auth.cached_tokens(), 0, "never cached past exp");
    // past the leeway: refused, though it was verified and cached before
    app.token_clock.set(Some(instant(minted + 120 + 31)));
    assert_401(&app, &token, "expired after being cached").await;

    app.token_clock.set(None);
    assert_eq!(app.get("/api/v1/me", Some(&token)).await.status, 200);
    assert_eq!(app.state.auth.cached_tokens(), 1);
    // a clock before nbf (less the leeway) does not get the cached answer
    app.token_clock.set(Some(instant(minted - 31)));
    assert_401(&app, &token, "not yet valid while cached").await;
    app.token_clock.set(None);
    assert_eq!(app.get("/api/v1/me", Some(&token)).await.status, 200);
}

#[actix_rt::test]
async fn a_cached_token_is_refused_once_its_key_leaves_the_jwks() {
    let old_key =
        DevIssuer::load_or_create(&test_key_path("idporten-old"), "https://idporten.test").unwrap();
    let new_key =
        DevIssuer::load_or_create(&test_key_path("idporten-new"), "https://idporten.test").unwrap();
    let published = Arc::new(Mutex::new(old_key.jwks()));
    let jwks_url = jwks_server(published.clone());
    let app = TestApp::spawn_with(|config| {
        config.issuers = vec![IssuerConfig {
            kind: IssuerKind::IdPorten,
            issuer: "https://idporten.test".into(),
            jwks_url,
            audience: "helsedata".into(),
            algorithms: vec![Algorithm::RS256],
            custodian_scope: None,
            role_claim: None,
            role_map: std::collections::BTreeMap::default(),
        }];
    })
    .await;
    let claims = json!({"iss": "https://idporten.test", "aud": "helsedata", "exp": now() + 600,
                        "iat": now(), "pid": "01019010046"});
    let old_token = old_key.sign(&claims).unwrap();
    assert_eq!(app.get("/api/v1/me", Some(&old_token)).await.status, 200);
    assert_eq!(app.state.auth.cached_tokens(), 1);

    // the issuer drops the old key; a token under the new one refreshes the set
    *published.lock().unwrap() = new_key.jwks();
    tokio::time::sleep(std::time::Duration::from_millis(10_100)).await; // past the refresh throttle
    let new_token = new_key.sign(&claims).unwrap();
    assert_eq!(app.get("/api/v1/me", Some(&new_token)).await.status, 200);
    assert_eq!(
        app.state.auth.cached_tokens(),
        1,
        "the refresh dropped the old key's token, the new one is remembered"
    );
    assert_401(&app, &old_token, "cached under a key no longer published").await;
    assert_eq!(app.get("/api/v1/me", Some(&new_token)).await.status, 200);
}

fn config(kind: IssuerKind) -> IssuerConfig {
    IssuerConfig {
        kind,
        issuer: "https://issuer.test".into(),
        jwks_url: "https://issuer.test/jwks".into(),
        audience: "helsedata".into(),
        algorithms: vec![Algorithm::RS256],
        custodian_scope: Some("helsedata:custodian".into()),
        role_claim: Some("helsedata/roles".into()),
        role_map: [("saksbehandler".to_owned(), Role::CaseHandler)]
            .into_iter()
            .collect(),
    }
}

#[test]
fn claims_map_to_principals_by_issuer_kind() {
    let maskinporten = config(IssuerKind::Maskinporten);
    let with_scope =
        json!({"consumer": {"ID": "0192:983744516"}, "scope": "helsedata:custodian other"});
    let p = principal_from_claims(&maskinporten, &with_scope).unwrap();
    assert_eq!(p.orgnr().unwrap().as_str(), "983744516");
    assert_eq!(p.roles, vec![Role::Custodian]);
    let without_scope = json!({"consumer": {"ID": "0192:983744516"}, "scope": "other"});
    assert!(principal_from_claims(&maskinporten, &without_scope)
        .unwrap()
        .roles
        .is_empty());
    let bad_org = json!({"consumer": {"ID": "0192:983744517"}, "scope": "helsedata:custodian"});
    assert_eq!(
        principal_from_claims(&maskinporten, &bad_org)
            .unwrap_err()
            .status
            .as_u16(),
        401
    );

    let helseid = config(IssuerKind::HelseId);
    let staff = json!({"helseid://claims/identity/pid": "01019010046", "helsedata/roles": ["saksbehandler", "ADMIN", "unknown"]});
    let p = principal_from_claims(&helseid, &staff).unwrap();
    assert_eq!(p.roles, vec![Role::CaseHandler, Role::Admin]);
    let outsider = json!({"helseid://claims/identity/pid": "01019010046", "helsedata/roles": ["APPLICANT", "CUSTODIAN"]});
    assert!(principal_from_claims(&helseid, &outsider)
        .unwrap()
        .roles
        .is_empty());
    assert!(
        format!("{p:?}").contains("010190*****"),
        "debug masks the number: {p:?}"
    );
    assert!(!format!("{p:?}").contains("01019010046"));
}

#[actix_rt::test]
async fn a_helseid_token_gives_staff_roles_only_whatever_it_lists() {
    let key = DevIssuer::load_or_create(&test_key_path("helseid"), "https://helseid.test").unwrap();
    let jwks_url = jwks_server(Arc::new(Mutex::new(key.jwks())));
    let app = TestApp::spawn_with(|config| {
        config.issuers = vec![IssuerConfig {
            kind: IssuerKind::HelseId,
            issuer: "https://helseid.test".into(),
            jwks_url,
            audience: "helsedata".into(),
            algorithms: vec![Algorithm::RS256],
            custodian_scope: None,
            role_claim: None,
            role_map: std::collections::BTreeMap::default(),
        }];
    })
    .await;
    let token = |roles: Value| {
        key.sign(&json!({"iss": "https://helseid.test", "aud": "helsedata",
                         "exp": now() + 600, "iat": now(),
                         "helseid://claims/identity/pid": "01019010046",
                         "helsedata/roles": roles}))
            .unwrap()
    };

    let outsider = token(json!(["APPLICANT", "CUSTODIAN"]));
    let me = app.get("/api/v1/me", Some(&outsider)).await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.body["roles"], json!([]), "HelseID gives neither");
    app.get("/api/v1/applications", Some(&outsider))
        .await
        .problem(403);
    app.get("/api/v1/tasks", Some(&outsider)).await.problem(403);

    let all = token(json!(["APPLICANT", "CASE_HANDLER", "CUSTODIAN", "ADMIN"]));
    let me = app.get("/api/v1/me", Some(&all)).await;
    assert_eq!(me.body["roles"], json!(["CASE_HANDLER", "ADMIN"]));

    // nor can a role map make HelseID give them
    let err = IssuerConfig::parse_list(
        r#"[{"kind": "HELSE_ID", "issuer": "https://helseid.test", "jwksUrl": "https://helseid.test/jwks",
             "audience": "helsedata", "algorithms": ["RS256"], "roleMap": {"forsker": "APPLICANT"}}]"#,
    )
    .unwrap_err();
    assert!(err.contains("cannot give"), "{err}");
}
