//! GraphQL over HTTP (content negotiation, status codes, methods, content types), information hygiene (request
//! ids, the anonymous gate, no internals in errors, security headers, CORS) and operations (readiness, metrics,
//! graceful shutdown, a late database).

use std::time::Duration;

use acegate::{
    app::{self, Application},
    service::users::{Binding, NewUser},
};
use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use sea_orm::ConnectionTrait;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{helpers::*, http_helpers::*};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

fn with_accept(accept: &str, query: &str) -> Request<Body> {
    post()
        .header(header::ACCEPT, accept)
        .body(body(query, json!({})))
        .unwrap()
}

#[tokio::test]
async fn the_response_type_follows_accept() {
    let app = TestApp::spawn().await;
    let cases = [
        (Some(GRAPHQL_RESPONSE), GRAPHQL_RESPONSE),
        (Some("application/json"), "application/json"),
        (Some("*/*"), "application/json"),
        (None, "application/json"),
        (
            Some("application/graphql-response+json, application/json;q=0.9"),
            GRAPHQL_RESPONSE,
        ),
    ];
    for (accept, expected) in cases {
        let mut builder = post();
        if let Some(accept) = accept {
            builder = builder.header(header::ACCEPT, accept);
        }
        let reply = send(
            &app,
            builder.body(body("{ __typename }", json!({}))).unwrap(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{accept:?}");
        assert!(
            reply.header("content-type").unwrap().starts_with(expected),
            "{accept:?} -> {:?}",
            reply.header("content-type")
        );
        assert_eq!(reply.body["data"]["__typename"], "Query");
    }
    let reply = send(&app, with_accept("text/html", "{ __typename }")).await;
    assert_eq!(reply.status, StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn request_errors_are_400_without_data_for_graphql_response_json_and_200_for_json() {
    let app = TestApp::spawn().await;
    for query in ["{", "{ noSuchField }", "query($id: ID!) { __typename }"] {
        let reply = send(&app, with_accept(GRAPHQL_RESPONSE, query)).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{query}: {}",
            reply.body
        );
        assert!(reply.body.get("data").is_none(), "{query}: {}", reply.body);
        assert!(reply.body["errors"][0]["message"].is_string());
        let reply = send(&app, with_accept("application/json", query)).await;
        assert_eq!(reply.status, StatusCode::OK, "{query}");
        assert!(reply.body.get("data").is_none(), "{query}: {}", reply.body);
    }
    // A field error during execution is a result: 200, with data.
    let token = app.token_for(ADMIN).await;
    let request = post()
        .header(header::ACCEPT, GRAPHQL_RESPONSE)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(body("{ node(id: \"bm90LWFuLWlk\") { id } }", json!({})))
        .unwrap();
    let reply = send(&app, request).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.get("data").is_some());
    assert!(reply.code().is_some());
}

#[tokio::test]
async fn a_malformed_request_is_400_whatever_accept_says() {
    let app = TestApp::spawn().await;
    let bodies = [
        "{ \"not json",
        "{\"qeury\": \"{ __typename }\"}",
        "{\"query\": {\"obj\": 1}}",
        "{\"query\": \"{ __typename }\", \"variables\": \"string\"}",
        "{\"query\": \"{ __typename }\", \"operationName\": 0}",
        "{\"query\": \"{ __typename }\", \"extensions\": [1]}",
        "",
    ];
    for raw in bodies {
        for accept in [GRAPHQL_RESPONSE, "application/json"] {
            let request = post()
                .header(header::ACCEPT, accept)
                .body(Body::from(raw))
                .unwrap();
            let reply = send(&app, request).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{raw} ({accept})");
        }
    }
    // Null optional parameters are allowed.
    let request = post()
        .body(Body::from(
            r#"{"query":"{ __typename }","variables":null,"operationName":null,"extensions":null}"#,
        ))
        .unwrap();
    assert_eq!(
        send(&app, request).await.body["data"]["__typename"],
        "Query"
    );
}

#[tokio::test]
async fn get_runs_queries() {
    let app = TestApp::spawn().await;
    let request = Request::get(
        "/graphql?query=query%20T(%24n%3A%20String!)%20%7B%20__type(name%3A%20%24n)%20%7B%20name%20%7D%20%7D&variables=%7B%22n%22%3A%22Query%22%7D",
    )
    .body(Body::empty())
    .unwrap();
    let reply = send(&app, request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["data"]["__type"]["name"], "Query");
}

#[tokio::test]
async fn a_mutation_over_get_is_405_and_does_not_run() {
    let app = TestApp::spawn().await;
    let token = app.token_for(PARTNER_SELECT).await;
    let request = Request::get("/graphql?query=mutation%20%7B%20logout%20%7D")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT, GRAPHQL_RESPONSE)
        .body(Body::empty())
        .unwrap();
    let reply = send(&app, request).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.header("allow"), Some("POST"));
    // The caller is still signed in: `logout` did not run.
    let still = app
        .graphql(Some(&token), "{ viewer { email } }", json!({}))
        .await;
    assert_eq!(still["data"]["viewer"]["email"], PARTNER_SELECT);
    // Other methods are not routed at all.
    let request = Request::builder()
        .method(Method::PUT)
        .uri("/graphql")
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        send(&app, request).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

#[tokio::test]
async fn post_accepts_only_json_bodies() {
    let app = TestApp::spawn().await;
    let json_body = || Body::from(json!({ "query": "{ __typename }" }).to_string());
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/graphql"),
        None,
    ] {
        let mut builder = Request::post("/graphql");
        if let Some(content_type) = content_type {
            builder = builder.header(header::CONTENT_TYPE, content_type);
        }
        let reply = send(&app, builder.body(json_body()).unwrap()).await;
        assert_eq!(
            reply.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
    }
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .body(json_body())
        .unwrap();
    assert_eq!(send(&app, request).await.status, StatusCode::OK);
}

#[tokio::test]
async fn every_response_and_every_error_carries_the_request_id() {
    let app = TestApp::spawn().await;
    let reply = post_query(&app, None, "{ opportunities { totalCount } }", json!({})).await;
    let id = reply
        .header("x-request-id")
        .expect("a request id")
        .to_owned();
    assert_eq!(reply.code(), Some("UNAUTHENTICATED"));
    assert_eq!(reply.body["errors"][0]["extensions"]["requestId"], id);
    // A plausible id from the client is kept; anything else is replaced.
    let request = post()
        .header("x-request-id", "portal-7f3a")
        .body(body("{ nope }", json!({})))
        .unwrap();
    let reply = send(&app, request).await;
    assert_eq!(reply.header("x-request-id"), Some("portal-7f3a"));
    assert_eq!(
        reply.body["errors"][0]["extensions"]["requestId"],
        "portal-7f3a"
    );
    let request = post()
        .header("x-request-id", "bad id\twith spaces")
        .body(body("{ __typename }", json!({})))
        .unwrap();
    let reply = send(&app, request).await;
    assert_ne!(reply.header("x-request-id"), Some("bad id\twith spaces"));
    for path in ["/healthz", "/readyz", "/metrics", "/nowhere"] {
        let reply = send(&app, Request::get(path).body(Body::empty()).unwrap()).await;
        assert!(reply.header("x-request-id").is_some(), "{path}");
    }
}

/// A production application with one admin (production never loads the demo users).
pub async fn production(extra: &[(&str, &str)]) -> (TestApp, String) {
    let mut vars = vec![
        ("ACEGATE_ENV", "production"),
        (
            "ACEGATE_JWT_SECRET",
            "a-production-secret-of-at-least-32-bytes!",
        ),
    ];
    vars.extend_from_slice(extra);
    let app = TestApp::spawn_with(&vars).await;
    let password = "a-long-production-password";
    acegate::service::users::create(
        None,
        app.db(),
        NewUser {
            email: "ops@acegate.example.com".into(),
            password: password.into(),
            display_name: "Ops".into(),
            role: entity::enums::Role::Admin,
            binding: Binding::default(),
        },
    )
    .await
    .map_err(|e| e.message())
    .expect("admin created");
    let response = app
        .graphql(
            None,
            "mutation($p: String!) { login(input: { email: \"ops@acegate.example.com\", password: $p }) { accessToken } }",
            json!({ "p": password }),
        )
        .await;
    let token = response["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{response}"))
        .to_owned();
    (app, token)
}

#[tokio::test]
async fn in_production_anonymous_callers_get_one_generic_error_for_anything_but_signing_in() {
    let (app, _) = production(&[]).await;
    for query in [
        "{ viewer { id } }",
        "{ opportunities { totalCount } }",
        "{ viewr }",
        "{ __schema { types { name } } }",
        "mutation { logout }",
        "query A { __typename } query B { viewer { id } }",
    ] {
        let reply = send(&app, with_accept(GRAPHQL_RESPONSE, query)).await;
        let errors = reply.body["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{query}: {}", reply.body);
        assert_eq!(reply.code(), Some("UNAUTHENTICATED"), "{query}");
        assert_eq!(errors[0]["message"], "authentication required");
        assert_eq!(errors[0]["extensions"]["reason"], "AUTHENTICATION_REQUIRED");
        assert!(reply.body.get("data").is_none());
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert!(!reply.text.contains("Did you mean"), "{query}");
    }
    // Signing in (and `__typename`) stay open; the login itself answers.
    let reply = post_query(
        &app,
        None,
        "mutation { login(input: { email: \"nobody@example.com\", password: \"wrong-password\" }) { accessToken } }",
        json!({}),
    )
    .await;
    assert_eq!(reply.code(), Some("UNAUTHENTICATED"));
    assert!(
        reply.body.get("data").is_some(),
        "login executed: {}",
        reply.body
    );
    let reply = post_query(&app, None, "{ __typename }", json!({})).await;
    assert_eq!(reply.body["data"]["__typename"], "Query");
}

#[tokio::test]
async fn in_production_introspection_suggestions_and_the_playground_are_off_unless_configured() {
    let (app, token) = production(&[]).await;
    // Disabled introspection answers null: the schema stays unseen.
    let reply = post_query(
        &app,
        Some(&token),
        "{ __schema { queryType { name } } }",
        json!({}),
    )
    .await;
    assert!(reply.body["data"]["__schema"].is_null(), "{}", reply.body);
    assert!(!reply.text.contains("\"name\""), "{}", reply.body);
    let reply = post_query(&app, Some(&token), "{ viewr { id } }", json!({})).await;
    assert!(reply.body.get("errors").is_some());
    assert!(!reply.text.contains("Did you mean"), "{}", reply.text);
    let reply = send(&app, Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    let (app, token) = production(&[("ACEGATE_INTROSPECTION", "true")]).await;
    let reply = post_query(
        &app,
        Some(&token),
        "{ __schema { queryType { name } } }",
        json!({}),
    )
    .await;
    assert_eq!(reply.body["data"]["__schema"]["queryType"]["name"], "Query");
    let reply = send(&app, Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn a_database_failure_reaches_the_client_as_an_opaque_internal_error() {
    let app = TestApp::spawn().await;
    let token = app.token_for(ADMIN).await;
    app.db()
        .execute_unprepared("DROP TABLE audit_events")
        .await
        .unwrap();
    let reply = post_query(
        &app,
        Some(&token),
        "{ auditEvents { totalCount } }",
        json!({}),
    )
    .await;
    assert_eq!(reply.code(), Some("INTERNAL"), "{}", reply.body);
    assert_eq!(reply.body["errors"][0]["message"], "internal error");
    let text = reply.text.to_lowercase();
    for leak in [
        "audit_events",
        "select",
        "sqlx",
        "sqlite",
        "postgres",
        "relation",
        ".rs",
    ] {
        assert!(!text.contains(leak), "{leak} in {}", reply.text);
    }
}

#[tokio::test]
async fn responses_carry_the_security_headers() {
    let app = TestApp::spawn().await;
    let reply = post_query(&app, None, "{ __typename }", json!({})).await;
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(reply.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(reply.header("x-frame-options"), Some("DENY"));
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert!(
        reply
            .header("content-security-policy")
            .unwrap()
            .contains("default-src 'none'")
    );
    // The playground keeps its own, narrower policy (its assets from this origin, no inline script).
    let reply = send(&app, Request::get("/").body(Body::empty()).unwrap()).await;
    let csp = reply.header("content-security-policy").unwrap();
    assert!(
        csp.contains("connect-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("'unsafe-eval'"));
    assert_eq!(reply.header("x-frame-options"), Some("DENY"));
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
}

async fn preflight(app: &TestApp, origin: &str) -> Reply {
    let request = Request::builder()
        .method(Method::OPTIONS)
        .uri("/graphql")
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "content-type, authorization",
        )
        .body(Body::empty())
        .unwrap();
    send(app, request).await
}

#[tokio::test]
async fn cors_allows_only_the_configured_origins() {
    let app = TestApp::spawn().await;
    let reply = preflight(&app, "https://portal.example.com").await;
    assert!(reply.header("access-control-allow-origin").is_none());

    let app = TestApp::spawn_with(&[("ACEGATE_CORS_ORIGINS", "https://portal.example.com")]).await;
    let reply = preflight(&app, "https://portal.example.com").await;
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("https://portal.example.com")
    );
    assert!(
        reply
            .header("access-control-allow-headers")
            .unwrap()
            .contains("authorization")
    );
    let reply = preflight(&app, "https://evil.example.com").await;
    assert!(reply.header("access-control-allow-origin").is_none());
    let request = post()
        .header(header::ORIGIN, "https://portal.example.com")
        .body(body("{ __typename }", json!({})))
        .unwrap();
    let reply = send(&app, request).await;
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("https://portal.example.com")
    );
    assert!(
        reply
            .header("access-control-expose-headers")
            .unwrap()
            .contains("x-request-id")
    );
}

#[tokio::test]
async fn readiness_needs_the_database_and_its_migrations_and_fails_once_shutdown_begins() {
    let app = TestApp::spawn().await;
    let ready = || async { send(&app, Request::get("/readyz").body(Body::empty()).unwrap()).await };
    assert_eq!(ready().await.status, StatusCode::OK);
    // A migration missing from the record is not ready.
    app.db()
        .execute_unprepared(
            "DELETE FROM seaql_migrations WHERE version = (SELECT MAX(version) FROM seaql_migrations)",
        )
        .await
        .unwrap();
    let reply = ready().await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(reply.text.contains("migrations"), "{}", reply.text);
    app.state.ops.begin_shutdown();
    let reply = ready().await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(reply.text.contains("shutting down"));
    // Liveness is unaffected.
    let reply = send(&app, Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn metrics_count_operations_outcomes_latency_statements_pool_and_rate_limits() {
    let app = TestApp::spawn_with(&[("ACEGATE_RATE_LIMIT_PER_PRINCIPAL_PER_MINUTE", "2")]).await;
    let token = app.token_for(ANALYST).await;
    let _ = post_query(&app, Some(&token), "query Me { viewer { id } }", json!({})).await;
    let _ = post_query(&app, Some(&token), "query Me { viewer { id } }", json!({})).await;
    let _ = post_query(&app, Some(&token), "query Me { viewer { id } }", json!({})).await;
    let _ = post_query(&app, None, "{ nope }", json!({})).await;
    let reply = send(&app, Request::get("/metrics").body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = reply.text;
    for expected in [
        r#"acegate_graphql_requests_total{operation="Me",outcome="ok"} 2"#,
        // Refused before its document was read: the operation is not known yet.
        r#"acegate_graphql_requests_total{operation="unknown",outcome="rate_limited"} 1"#,
        r#"acegate_graphql_requests_total{operation="anonymous",outcome="rejected"} 1"#,
        r#"acegate_rate_limited_total{scope="principal"} 1"#,
        "acegate_graphql_request_duration_seconds_bucket{le=\"+Inf\"}",
        "acegate_graphql_request_duration_seconds_count",
        r#"acegate_http_responses_total{status="429"} 1"#,
        r#"acegate_db_pool_connections{state="open"}"#,
        "acegate_ready 1",
    ] {
        assert!(text.contains(expected), "missing {expected}:\n{text}");
    }
    let statements: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("acegate_db_statements_total "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(statements > 0);
}

#[tokio::test]
async fn metrics_can_require_a_token() {
    let app = TestApp::spawn_with(&[("ACEGATE_METRICS_TOKEN", "scrape-secret")]).await;
    let reply = send(&app, Request::get("/metrics").body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let request = Request::get("/metrics")
        .header(header::AUTHORIZATION, "Bearer scrape-secret")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, request).await.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_fails_readiness_first_and_lets_in_flight_requests_finish() {
    let url = fresh_durable_database().await;
    let (application, _) = Application::build(config_for(&url, &[])).await.unwrap();
    let state = application.state.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(application.serve_until(listener, async {
        let _ = stopped.await;
    }));

    // A request is in flight: its headers are in, its body is not.
    let body = json!({ "query": "{ __typename }" }).to_string();
    let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(&body.as_bytes()[..5]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;

    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let readiness = tower::ServiceExt::oneshot(
        app::router(state),
        Request::get("/readyz").body(Body::empty()).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(readiness.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        !server.is_finished(),
        "the server waits for the request in flight"
    );

    socket.write_all(&body.as_bytes()[5..]).await.unwrap();
    let mut answer = String::new();
    socket.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"__typename\":\"Query\""), "{answer}");
    let result = tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server stops once the request is answered")
        .unwrap();
    assert!(result.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_starts_without_its_database_and_becomes_ready_when_it_appears() {
    // A database that does not exist yet: a SQLite file in a missing folder, or a PostgreSQL database not created.
    let (url, create): (
        String,
        Box<dyn FnOnce() -> futures_util::future::BoxFuture<'static, ()> + Send>,
    ) = match std::env::var("TEST_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() => {
            let name = format!("acegate_test_late_{}", uuid::Uuid::new_v4().simple());
            let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
            let url = format!("{base}/{name}");
            (
                url,
                Box::new(move || {
                    Box::pin(async move {
                        let db = sea_orm::Database::connect(&admin).await.unwrap();
                        db.execute_unprepared(&format!("CREATE DATABASE {name}"))
                            .await
                            .unwrap();
                    })
                }),
            )
        }
        _ => {
            let dir = std::env::temp_dir()
                .join(format!("acegate-late-{}", uuid::Uuid::new_v4().simple()));
            let url = format!("sqlite://{}", dir.join("acegate.db").display());
            (
                url,
                Box::new(move || {
                    Box::pin(async move {
                        std::fs::create_dir_all(&dir).unwrap();
                    })
                }),
            )
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(app::run(config_for(&url, &[]), listener, |_, _| {}));
    let get = |path: &'static str| async move {
        let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
        let request = format!("GET {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n");
        socket.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        socket.read_to_string(&mut answer).await.unwrap();
        answer
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(get("/healthz").await.starts_with("HTTP/1.1 200"));
    assert!(get("/readyz").await.starts_with("HTTP/1.1 503"));
    assert!(
        get("/graphql?query=%7B__typename%7D")
            .await
            .starts_with("HTTP/1.1 503")
    );

    create().await;
    let mut ready = false;
    for _ in 0..60 {
        if get("/readyz").await.starts_with("HTTP/1.1 200") {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(ready, "ready once the database exists");
    let answer = get("/graphql?query=%7B__typename%7D").await;
    assert!(answer.contains("\"__typename\":\"Query\""), "{answer}");
    server.abort();
}

#[tokio::test]
async fn response_fields_keep_the_order_of_the_query() {
    use axum::{body::Body, http::Request};
    use http_body_util::BodyExt;
    let app = TestApp::spawn().await;
    let token = app.token_for(ADMIN).await;
    let body = serde_json::json!({ "query": "{ viewer { role email displayName } }" }).to_string();
    let request = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from(body))
        .unwrap();
    let response = tower::ServiceExt::oneshot(app.router.clone(), request)
        .await
        .unwrap();
    let text = String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    let (role, email, name) = (
        text.find("\"role\"").unwrap(),
        text.find("\"email\"").unwrap(),
        text.find("\"displayName\"").unwrap(),
    );
    assert!(role < email && email < name, "{text}");
}

#[tokio::test]
async fn a_large_answer_is_gzipped_when_the_client_accepts_it_and_a_small_one_is_not() {
    use std::io::Read;

    use http_body_util::BodyExt;
    use tower::ServiceExt;

    let app = TestApp::spawn().await;
    let token = app.token_for(ADMIN).await;
    let page = "{ opportunities(first: 100) { nodes { id reference useCase scopeOfWork customer { legalName } } } }";
    let ask = |query: &str, accept_encoding: Option<&str>| {
        let mut request = post().header(header::AUTHORIZATION, format!("Bearer {token}"));
        if let Some(encoding) = accept_encoding {
            request = request.header(header::ACCEPT_ENCODING, encoding);
        }
        request.body(body(query, json!({}))).unwrap()
    };
    let plain = send(&app, ask(page, None)).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.header("content-encoding"), None);
    assert!(plain.text.len() > 4096, "{}", plain.text.len());

    let response = app
        .router
        .clone()
        .oneshot(ask(page, Some("gzip, br")))
        .await
        .unwrap();
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    let compressed = response.into_body().collect().await.unwrap().to_bytes();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&compressed[..])
        .read_to_string(&mut text)
        .expect("valid gzip");
    assert_eq!(text, plain.text, "the same answer, compressed");
    assert!(
        compressed.len() * 3 < text.len() * 2,
        "{} of {}",
        compressed.len(),
        text.len()
    );

    let small = send(&app, ask("{ viewer { email } }", Some("gzip"))).await;
    assert_eq!(small.header("content-encoding"), None, "{}", small.text);
    assert!(small.body["data"]["viewer"]["email"].is_string());
}
