//! Issue 13, item 7: what an anonymous caller learns from an invalid document, statements cancelled by the database,
//! slow clients, the resolvers' own rate limits, what an API key may manage, weak signing secrets, and what partner
//! scores reveal about other firms' close rates.

use std::time::{Duration, Instant};

use axum::http::{StatusCode, header};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{
    helpers::{org, *},
    http::production,
    http_helpers::*,
    limits::hold_write_lock,
    workflow_helpers::{NewRecord, customer_id, try_mutate},
};

// ---- anonymous callers in production -------------------------------------------------------------------------------

#[tokio::test]
async fn in_production_an_anonymous_document_that_fails_validation_names_no_type_or_field() {
    let (app, token) = production(&[]).await;
    let login = r#"login(input: { email: "nobody@example.com", password: "wrong-password" })"#;
    for query in [
        format!("mutation {{ {login} {{ user {{ opportunities {{ nope }} }} }} }}"),
        format!("mutation {{ {login} {{ nope }} }}"),
        format!("mutation {{ {login} {{ user {{ ... on Opportunity {{ id }} }} }} }}"),
        r#"mutation { login(input: { emial: "a" }) { accessToken } }"#.to_owned(),
        "mutation { submitInquiry(input: {}) { inquiry { id } } }".to_owned(),
        "mutation($i: LoginInput!) { login(input: $i) { accessToken } }".to_owned(),
    ] {
        let reply = post_query(&app, None, &query, json!({ "i": { "email": 1 } })).await;
        let errors = reply.body["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{query}: {}", reply.body);
        assert_eq!(reply.code(), Some("GRAPHQL_VALIDATION_FAILED"), "{query}");
        assert!(reply.body.get("data").is_none(), "{query}: nothing ran");
        let message = errors[0]["message"].as_str().unwrap();
        for name in [
            "Opportunity",
            "User",
            "AuthPayload",
            "LoginInput",
            "SubmitInquiryInput",
            "nope",
            "emial",
            "field",
            "type",
        ] {
            assert!(!message.contains(name), "{query}: {message}");
        }
        assert!(errors[0]["locations"].is_null(), "{query}: {}", reply.body);
    }
    // A valid sign-in still runs, and a signed-in caller still gets the validator's own words.
    let reply = post_query(
        &app,
        None,
        &format!("mutation {{ {login} {{ accessToken }} }}"),
        json!({}),
    )
    .await;
    assert_eq!(reply.code(), Some("UNAUTHENTICATED"), "{}", reply.body);
    assert!(reply.body.get("data").is_some(), "{}", reply.body);
    let reply = post_query(&app, Some(&token), "{ viewer { nope } }", json!({})).await;
    assert!(reply.text.contains("Unknown field"), "{}", reply.text);
}

// ---- statements cancelled by the database --------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_cancelled_by_the_database_timeout_is_a_timeout_and_commits_nothing() {
    // PostgreSQL cancels the blocked INSERT with its statement_timeout (SQLSTATE 57014); SQLite, which has no
    // statement timeout, gives up waiting for the write lock after its busy timeout, which follows the same setting.
    // The request deadline is far away: the database's own timeout is what answers.
    let url = fresh_durable_database().await;
    let app = TestApp::spawn_on(
        &url,
        &[
            ("ACEGATE_DATABASE_STATEMENT_TIMEOUT_MS", "300"),
            ("ACEGATE_REQUEST_TIMEOUT_MS", "20000"),
        ],
    )
    .await;
    let partner = app.token_for(PARTNER_SELECT).await;
    let count = || async {
        app.query_as(ADMIN, "{ opportunities { totalCount } }", json!({}))
            .await["opportunities"]["totalCount"]
            .as_i64()
            .unwrap()
    };
    let before = count().await;
    let input = NewRecord {
        customer: customer_id(&app, "Cactus").await,
        source: "BUILD_FOR_STARTUPS",
        engagement: "BUILD",
        workload: "Statement timeout",
        use_case: "A statement the database cancels must reach the client as TIMEOUT and change nothing.",
        lines: json!([{ "service": "LAMBDA", "monthlyUsd": 100 }]),
        requested: 5_000,
    }
    .input();
    let create = |input: Value| {
        let partner = partner.clone();
        let app = &app;
        async move {
            try_mutate(
                app,
                &partner,
                "createOpportunity",
                "CreateOpportunityInput",
                input,
                "opportunity { id }",
            )
            .await
        }
    };

    let lock = hold_write_lock(&url).await;
    let started = Instant::now();
    let response = create(input.clone()).await;
    let elapsed = started.elapsed();
    lock.rollback().await.unwrap();
    assert_eq!(error_code(&response), Some("TIMEOUT"), "{response}");
    let message = response["errors"][0]["message"].as_str().unwrap();
    assert!(!looks_like_sql(message), "{message}");
    assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");
    assert_eq!(count().await, before, "nothing was committed");
    let response = create(input).await;
    assert!(response.get("errors").is_none(), "{response}");
    assert_eq!(count().await, before + 1);
}

/// Driver or SQL text that must not reach a client.
fn looks_like_sql(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    [
        "57014",
        "canceling statement",
        "database is locked",
        "insert",
        "sqlite",
        "postgres",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

// ---- slow clients --------------------------------------------------------------------------------------------------

/// Serves a development application on a real socket with the given settings; the server stops with the test.
async fn serve(extra: &[(&str, &str)]) -> std::net::SocketAddr {
    let url = fresh_durable_database().await;
    let (application, _) = acegate::app::Application::build(config_for(&url, extra))
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(application.serve_until(listener, std::future::pending()));
    addr
}

/// Reads until the server closes the connection (or `limit` passes: `None`).
async fn read_until_closed(
    reader: &mut (impl AsyncReadExt + Unpin),
    limit: Duration,
) -> Option<String> {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(limit, async {
        let mut buf = [0u8; 4096];
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok()
        .map(|()| String::from_utf8_lossy(&answer).into_owned())
}

/// Writes one byte of `bytes` every 200 ms until they run out or the server stops reading.
fn trickle(mut writer: tokio::net::tcp::OwnedWriteHalf, bytes: Vec<u8>) {
    tokio::spawn(async move {
        for byte in bytes {
            if writer.write_all(&[byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trickled_headers_are_cut_off_after_the_header_read_timeout() {
    let addr = serve(&[("ACEGATE_HEADER_READ_TIMEOUT_SECONDS", "1")]).await;
    let socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut reader, writer) = socket.into_split();
    let started = Instant::now();
    // Each byte arrives well within any idle timeout; the whole head would take 10 s.
    let head = format!(
        "GET /healthz HTTP/1.1\r\nhost: {addr}\r\nx-slow: {}\r\n\r\n",
        "a".repeat(40)
    );
    trickle(writer, head.into_bytes());
    let answer = read_until_closed(&mut reader, Duration::from_secs(5))
        .await
        .expect("the server closes the connection");
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(3),
        "{elapsed:?}"
    );
    assert!(!answer.contains("200 OK"), "{answer}");

    // A kept-alive connection that goes quiet after its answer is closed after the same time.
    let mut kept = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET /healthz HTTP/1.1\r\nhost: {addr}\r\n\r\n");
    kept.write_all(request.as_bytes()).await.unwrap();
    let started = Instant::now();
    let answer = read_until_closed(&mut kept, Duration::from_secs(5))
        .await
        .expect("an idle kept-alive connection is closed");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );

    // A silent connection is closed too, and a prompt client is unaffected.
    let mut silent = tokio::net::TcpStream::connect(addr).await.unwrap();
    let answer = read_until_closed(&mut silent, Duration::from_secs(5)).await;
    assert!(answer.is_some(), "a silent connection is closed");
    let mut prompt = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET /healthz HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n");
    prompt.write_all(request.as_bytes()).await.unwrap();
    let answer = read_until_closed(&mut prompt, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickled_body_is_refused_with_408_after_the_body_read_timeout() {
    let addr = serve(&[("ACEGATE_BODY_READ_TIMEOUT_SECONDS", "1")]).await;
    let socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut reader, mut writer) = socket.into_split();
    let body = json!({ "query": format!("{{ __typename }} #{}", "x".repeat(40)) }).to_string();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    writer.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    // A byte every 200 ms never leaves the body idle for long; all of it would take over 10 s.
    trickle(writer, body.into_bytes());
    let answer = read_until_closed(&mut reader, Duration::from_secs(5))
        .await
        .expect("the server answers and closes the connection");
    let elapsed = started.elapsed();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("BAD_REQUEST"), "{answer}");
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(3),
        "{elapsed:?}"
    );
}

// ---- the resolvers' own rate limits --------------------------------------------------------------------------------

const WRONG_LOGIN: &str = r#"mutation { login(input: { email: "nobody@example.com", password: "wrong-password" }) { accessToken } }"#;

const SUBMIT: &str = "mutation($input: SubmitInquiryInput!) { submitInquiry(input: $input) { inquiry { id } userErrors { code } } }";

fn inquiry() -> Value {
    json!({
        "companyName": "Fjordlight Robotics AS",
        "fundingStage": "SERIES_A",
        "useCase": "An assistant that drafts maintenance reports for offshore wind technicians from voice notes.",
        "region": "EU",
        "services": ["BEDROCK"],
        "contactEmail": "cto@fjordlight.example.com",
    })
}

async fn from(app: &TestApp, ip: [u8; 4], query: &str, variables: Value) -> Reply {
    let request = from_ip(post(), ip).body(body(query, variables)).unwrap();
    send(app, request).await
}

fn assert_rate_limited(reply: &Reply) {
    assert_eq!(
        reply.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        reply.body
    );
    assert_eq!(reply.code(), Some("RATE_LIMITED"), "{}", reply.body);
    let retry_after: u64 = reply
        .header(header::RETRY_AFTER.as_str())
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(
        reply.body["errors"][0]["extensions"]["retryAfter"],
        json!(retry_after)
    );
}

#[tokio::test]
async fn the_login_and_inquiry_limits_answer_429_with_retry_after() {
    let app = TestApp::spawn_with(&[
        ("ACEGATE_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE", "2"),
        ("ACEGATE_INQUIRIES_PER_IP_PER_MINUTE", "1"),
    ])
    .await;
    for _ in 0..2 {
        let reply = from(&app, [10, 0, 0, 1], WRONG_LOGIN, json!({})).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.code(), Some("UNAUTHENTICATED"));
    }
    assert_rate_limited(&from(&app, [10, 0, 0, 1], WRONG_LOGIN, json!({})).await);
    // Another address is not held back.
    let reply = from(&app, [10, 0, 0, 2], WRONG_LOGIN, json!({})).await;
    assert_eq!(reply.status, StatusCode::OK);

    let reply = from(&app, [10, 0, 0, 3], SUBMIT, json!({ "input": inquiry() })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body["data"]["submitInquiry"]["inquiry"]["id"].is_string());
    assert_rate_limited(&from(&app, [10, 0, 0, 3], SUBMIT, json!({ "input": inquiry() })).await);
}

// ---- API keys ------------------------------------------------------------------------------------------------------

async fn with_key(app: &TestApp, secret: &str, query: &str, variables: Value) -> Value {
    let request = post()
        .header(header::AUTHORIZATION, format!("ApiKey {secret}"))
        .body(body(query, variables))
        .unwrap();
    send(app, request).await.body
}

async fn new_key(app: &TestApp, token: &str, name: &str) -> (Value, String) {
    let payload = org::send_ok(
        app,
        token,
        "createApiKey",
        "CreateApiKeyInput",
        json!({ "name": name }),
        "secret apiKey { id }",
    )
    .await;
    (
        payload["apiKey"]["id"].clone(),
        payload["secret"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn an_api_key_may_not_manage_accounts_or_credentials() {
    let app = TestApp::spawn().await;
    let admin = app.login(ADMIN).await;
    let (key_id, secret) = new_key(&app, &admin, "automation").await;
    // The key works for ordinary reads.
    let viewer = with_key(&app, &secret, "{ viewer { email } }", json!({})).await;
    assert_eq!(viewer["data"]["viewer"]["email"], ADMIN, "{viewer}");

    let user = app.query_as(ADMIN, "{ viewer { id } }", json!({})).await["viewer"]["id"].clone();
    for (query, variables) in [
        (
            "mutation { createApiKey(input: { name: \"child\" }) { secret } }",
            json!({}),
        ),
        (
            "mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { id } } }",
            json!({ "id": key_id }),
        ),
        (
            "mutation { changePassword(input: { currentPassword: \"demo-password\", newPassword: \"another-long-password\" }) { user { id } } }",
            json!({}),
        ),
        ("mutation { logout }", json!({})),
        (
            "mutation { createUser(input: { email: \"minted@acegate.example.com\", password: \"a-long-password-1\", displayName: \"Minted\", role: ANALYST }) { user { id } } }",
            json!({}),
        ),
        (
            "mutation($id: ID!) { resetPassword(input: { id: $id, newPassword: \"a-long-password-2\" }) { user { id } } }",
            json!({ "id": user }),
        ),
        (
            "mutation($id: ID!) { updateUser(input: { id: $id, displayName: \"Renamed\" }) { user { id } } }",
            json!({ "id": user }),
        ),
    ] {
        let response = with_key(&app, &secret, query, variables).await;
        assert_eq!(
            error_code(&response),
            Some("FORBIDDEN"),
            "{query}: {response}"
        );
        let message = response["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("API key"), "{message}");
    }
    // Nothing was minted or changed: the one key is still live, the session still works, and no user was created.
    let me = app
        .query_as(ADMIN, "{ viewer { displayName } }", json!({}))
        .await;
    assert_ne!(me["viewer"]["displayName"], "Renamed");
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let minted = entity::user::Entity::find()
        .filter(entity::user::Column::Email.eq("minted@acegate.example.com"))
        .one(app.db())
        .await
        .unwrap();
    assert!(minted.is_none());
    let viewer = with_key(&app, &secret, "{ viewer { email } }", json!({})).await;
    assert_eq!(viewer["data"]["viewer"]["email"], ADMIN, "{viewer}");
    // With a session, the same caller still manages its keys.
    new_key(&app, &admin, "second").await;
}

// ---- signing secrets -----------------------------------------------------------------------------------------------

#[test]
fn the_server_refuses_to_start_in_production_with_a_low_entropy_secret() {
    let dir =
        std::env::temp_dir().join(format!("acegate-secret-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let weak = "a".repeat(32);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_acegate"))
        .arg("serve")
        .env("ACEGATE_ENV", "production")
        .env("ACEGATE_JWT_SECRET", &weak)
        .env("ACEGATE_LISTEN", "127.0.0.1:0")
        .env(
            "ACEGATE_DATABASE_URL",
            format!("sqlite://{}", dir.join("a.db").display()),
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    let status = status.unwrap_or_else(|| panic!("the server started: {stderr}"));
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("ACEGATE_JWT_SECRET"), "{stderr}");
    assert!(
        !stderr.contains(&weak),
        "the secret is never echoed: {stderr}"
    );
    // A generated secret is accepted.
    let config = acegate::config::Config::from_vars([
        ("ACEGATE_ENV".to_owned(), "production".to_owned()),
        (
            "ACEGATE_JWT_SECRET".to_owned(),
            "Zm9vYmFyLXJhbmRvbS1ieXRlcy0wMTIzNDU2Nzg5QUJDREVG".to_owned(),
        ),
    ]);
    assert!(config.is_ok(), "{:?}", config.err());
}

// ---- partner scores ------------------------------------------------------------------------------------------------

const MATCHES: &str = "query($input: PartnerMatchInput!) {
  partnerMatches(input: $input, first: 100) { score reasons partner { name } } }";

#[tokio::test]
async fn competitors_cannot_tell_close_rates_in_the_same_band_apart_from_partner_scores() {
    let app = TestApp::spawn().await;
    let admin = app.login(ADMIN).await;
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    // Twins in every public respect; both FAST_TRACK with a strong close rate on MIGRATION: 0.75 and 0.90.
    for (name, approved) in [("Twin Alpha Cloud", 15), ("Twin Beta Cloud", 18)] {
        let created = org::send_ok(
            &app,
            &admin,
            "createPartner",
            "CreatePartnerInput",
            json!({ "name": name, "tier": "ADVANCED", "regions": ["LATAM"], "specialties": ["MIGRATION"] }),
            "partner { id }",
        )
        .await;
        org::send_ok(
            &app,
            &admin,
            "importTrackRecord",
            "ImportTrackRecordInput",
            json!({
                "partnerId": created["partner"]["id"], "month": month, "fundingSource": "MIGRATION",
                "submitted": 20, "approved": approved, "rejected": 20 - approved, "awardedUsd": 100_000
            }),
            "partner { name }",
        )
        .await;
    }
    let input = json!({ "region": "LATAM", "fundingSource": "MIGRATION", "fundingStage": "SERIES_A", "services": ["EC2"] });
    let twins = |ranked: &Value| -> Vec<(f64, Value)> {
        ["Twin Alpha Cloud", "Twin Beta Cloud"]
            .iter()
            .map(|name| {
                let found = ranked["partnerMatches"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|m| m["partner"]["name"] == *name)
                    .unwrap_or_else(|| panic!("{name} in {ranked}"));
                (found["score"].as_f64().unwrap(), found["reasons"].clone())
            })
            .collect()
    };
    let staff = twins(
        &app.query_as(ANALYST, MATCHES, json!({ "input": input }))
            .await,
    );
    assert!(
        staff[1].0 > staff[0].0,
        "staff see the exact rates: {staff:?}"
    );

    let competitor = twins(
        &app.query_as(PARTNER_PREMIER, MATCHES, json!({ "input": input }))
            .await,
    );
    assert_eq!(
        competitor[0].0, competitor[1].0,
        "the same band scores the same: {competitor:?}"
    );
    assert_eq!(competitor[0].1, competitor[1].1, "and reads the same");
    let shown = json!([competitor[0].1, competitor[1].1]).to_string();
    for figure in ["0.75", "0.90", "15 of 20", "18 of 20"] {
        assert!(!shown.contains(figure), "{figure} in {shown}");
    }
    // Two decimals at most.
    let score = competitor[0].0;
    assert_eq!((score * 100.0).round() / 100.0, score);
}
