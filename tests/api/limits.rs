//! API.md "Limits and protections": each limit through the HTTP endpoint, refused before anything executes.

use std::time::Duration;

use axum::{
    body::Body,
    http::{StatusCode, header},
};
use sea_orm::{ConnectionTrait, Database, DbBackend, TransactionTrait};
use serde_json::json;

use crate::{
    helpers::*,
    http_helpers::*,
    workflow_helpers::{NewRecord, customer_id, try_mutate},
};

const TOO_COMPLEX: Option<&str> = Some("QUERY_TOO_COMPLEX");

#[tokio::test]
async fn a_body_over_one_mebibyte_is_refused_with_413() {
    let app = TestApp::spawn().await;
    let padding = " ".repeat(1024 * 1024);
    let request = post()
        .body(Body::from(format!(
            "{{\"query\":\"{{ __typename }}\"{padding}}}"
        )))
        .unwrap();
    let reply = send(&app, request).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Just under the limit is read and answered.
    let padding = " ".repeat(1024 * 1024 - 64);
    let request = post()
        .body(Body::from(format!(
            "{{\"query\":\"{{ __typename }}\"{padding}}}"
        )))
        .unwrap();
    assert_eq!(send(&app, request).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_body_without_a_length_is_cut_off_at_the_limit_too() {
    let app = TestApp::spawn_with(&[("ACEGATE_MAX_BODY_BYTES", "1000")]).await;
    let chunks: Vec<Result<String, std::io::Error>> =
        (0..20).map(|_| Ok(" ".repeat(100))).collect();
    let request = post()
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .unwrap();
    assert_eq!(
        send(&app, request).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

#[tokio::test]
async fn a_query_text_over_15000_characters_is_too_complex() {
    let app = TestApp::spawn().await;
    let query = format!("{{ __typename }} # {}", "x".repeat(15_000));
    let reply = post_query(&app, None, &query, json!({})).await;
    assert_eq!(reply.code(), TOO_COMPLEX, "{}", reply.body);
    assert!(reply.body.get("data").is_none());
}

#[tokio::test]
async fn a_query_over_1000_tokens_is_too_complex() {
    let app = TestApp::spawn().await;
    let fields = "__typename ".repeat(998);
    let ok = post_query(&app, None, &format!("{{ {fields}}}"), json!({})).await;
    assert_eq!(ok.body["data"]["__typename"], "Query", "{}", ok.body);
    let reply = post_query(&app, None, &format!("{{ {fields} __typename }}"), json!({})).await;
    assert_eq!(reply.code(), TOO_COMPLEX, "{}", reply.body);
}

/// `viewer { partner { opportunities { nodes { customer { … { __typename } } } } } }`, `depth` fields deep.
fn nested(depth: usize) -> String {
    let chain = [
        "partner",
        "opportunities(first: 1)",
        "nodes",
        "customer",
        "opportunities(first: 1)",
        "nodes",
        "partner",
        "opportunities(first: 1)",
        "nodes",
        "customer",
        "opportunities(first: 1)",
    ];
    let mut query = String::from("{ viewer { ");
    for field in chain.iter().take(depth - 2) {
        query.push_str(field);
        query.push_str(" { ");
    }
    query.push_str("__typename");
    query.push_str(&" }".repeat(depth - 1));
    query.push_str(" }");
    query
}

#[tokio::test]
async fn a_query_deeper_than_10_is_too_complex() {
    let app = TestApp::spawn().await;
    let token = app.token_for(PARTNER_PREMIER).await;
    let ok = post_query(&app, Some(&token), &nested(10), json!({})).await;
    assert!(ok.body.get("errors").is_none(), "{}", ok.body);
    let reply = post_query(&app, Some(&token), &nested(11), json!({})).await;
    assert_eq!(reply.code(), TOO_COMPLEX, "{}", reply.body);
    assert!(
        reply.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("deep")
    );
}

const DEEP_INTROSPECTION: &str = "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }";

#[tokio::test]
async fn introspection_is_exempt_from_the_depth_limit_only_where_it_is_enabled() {
    let app = TestApp::spawn().await;
    let reply = post_query(&app, None, DEEP_INTROSPECTION, json!({})).await;
    assert!(reply.body.get("errors").is_none(), "{}", reply.body);
    let app = TestApp::spawn_with(&[("ACEGATE_INTROSPECTION", "false")]).await;
    let reply = post_query(&app, None, DEEP_INTROSPECTION, json!({})).await;
    assert_eq!(reply.code(), TOO_COMPLEX, "{}", reply.body);
}

#[tokio::test]
async fn more_than_15_aliases_are_too_complex() {
    let app = TestApp::spawn().await;
    let aliases = |n: usize| {
        let fields: String = (0..n).map(|i| format!("a{i}: __typename ")).collect();
        format!("{{ {fields}}}")
    };
    let ok = post_query(&app, None, &aliases(15), json!({})).await;
    assert_eq!(ok.body["data"]["a14"], "Query", "{}", ok.body);
    let reply = post_query(&app, None, &aliases(16), json!({})).await;
    assert_eq!(reply.code(), TOO_COMPLEX, "{}", reply.body);
    // Through a fragment they count the same.
    let fields: String = (0..16).map(|i| format!("a{i}: __typename ")).collect();
    let query = format!("{{ ...F }} fragment F on Query {{ {fields}}}");
    let reply = post_query(&app, None, &query, json!({})).await;
    assert_eq!(reply.code(), TOO_COMPLEX, "{}", reply.body);
}

#[tokio::test]
async fn more_than_50_directives_are_too_complex() {
    let app = TestApp::spawn().await;
    let directives = |n: usize| {
        let fields = "__typename @include(if: true) ".repeat(n);
        format!("{{ {fields}}}")
    };
    let ok = post_query(&app, None, &directives(50), json!({})).await;
    assert!(ok.body.get("errors").is_none(), "{}", ok.body);
    let reply = post_query(&app, None, &directives(51), json!({})).await;
    assert_eq!(reply.code(), TOO_COMPLEX, "{}", reply.body);
}

#[tokio::test]
async fn complexity_charges_a_connection_its_page_size_times_its_fields() {
    let app = TestApp::spawn_with(&[("ACEGATE_MAX_COMPLEXITY", "1000")]).await;
    let token = app.token_for(ADMIN).await;
    // 100 × (nodes + id reference status + customer { id legalName } + partner { id name }) = 100 × 10 = 1,000.
    let at_limit = "{ opportunities(first: 100) { nodes { id reference status customer { id legalName } partner { id name } } } }";
    let ok = post_query(&app, Some(&token), at_limit, json!({})).await;
    assert!(ok.body.get("errors").is_none(), "{}", ok.body);
    let over = at_limit.replace("status", "status version");
    let reply = post_query(&app, Some(&token), &over, json!({})).await;
    assert_eq!(reply.code(), TOO_COMPLEX, "{}", reply.body);
    // The same query with half the page passes: the page size is what costs.
    let half = over.replace("first: 100", "first: 50");
    let ok = post_query(&app, Some(&token), &half, json!({})).await;
    assert!(ok.body.get("errors").is_none(), "{}", ok.body);
    // Nested connections multiply, and a page size given as a variable counts the same.
    let nested = "query($n: Int) { partners(first: $n) { nodes { opportunities(first: 50) { nodes { id } } } } }";
    let reply = post_query(&app, Some(&token), nested, json!({ "n": 10 })).await;
    assert_eq!(reply.code(), TOO_COMPLEX, "{}", reply.body);
    let reply = post_query(&app, Some(&token), nested, json!({ "n": 9 })).await;
    assert!(reply.body.get("errors").is_none(), "{}", reply.body);
}

#[tokio::test]
async fn the_default_complexity_admits_a_full_page_but_not_nested_pages() {
    let app = TestApp::spawn().await;
    let token = app.token_for(ADMIN).await;
    // 100 × 49 = 4,900: a page of 100 records with 48 fields and `nodes`.
    let fields = ["id reference status version"; 12].join(" ");
    let page = format!("{{ opportunities(first: 100) {{ nodes {{ {fields} }} }} }}");
    let reply = post_query(&app, Some(&token), &page, json!({})).await;
    assert!(reply.body.get("errors").is_none(), "{}", reply.body);
    let nested = "{ partners(first: 100) { nodes { opportunities(first: 50) { nodes { id } } } } }";
    let reply = post_query(&app, Some(&token), nested, json!({})).await;
    assert_eq!(reply.code(), TOO_COMPLEX, "{}", reply.body);
}

#[tokio::test]
async fn a_fragment_bomb_is_refused_without_being_expanded() {
    let app = TestApp::spawn().await;
    let mut query = String::from("{ ...F0 }\n");
    for i in 0..30 {
        query.push_str(&format!(
            "fragment F{i} on Query {{ ...F{n} ...F{n} }}\n",
            n = i + 1
        ));
    }
    query.push_str("fragment F30 on Query { __typename }\n");
    let started = std::time::Instant::now();
    let reply = post_query(&app, None, &query, json!({})).await;
    assert_eq!(reply.code(), TOO_COMPLEX, "{}", reply.body);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn page_sizes_outside_1_to_100_are_bad_user_input() {
    let app = TestApp::spawn().await;
    let token = app.token_for(ADMIN).await;
    for first in [0, 101, -1] {
        let reply = post_query(
            &app,
            Some(&token),
            "query($n: Int) { customers(first: $n) { totalCount } }",
            json!({ "n": first }),
        )
        .await;
        assert_eq!(
            reply.code(),
            Some("BAD_USER_INPUT"),
            "first: {first}: {}",
            reply.body
        );
    }
}

#[tokio::test]
async fn json_array_batches_are_refused_with_400() {
    let app = TestApp::spawn().await;
    let request = post()
        .body(Body::from(
            r#"[{"query":"{ __typename }"},{"query":"{ __typename }"}]"#,
        ))
        .unwrap();
    let reply = send(&app, request).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), Some("BAD_REQUEST"));
}

/// Holds the write lock the mutation needs from another connection, so that the request outlives its deadline.
pub async fn hold_write_lock(url: &str) -> sea_orm::DatabaseTransaction {
    let other = Database::connect(url).await.expect("second connection");
    let tx = other.begin().await.expect("begin");
    let statement = match tx.get_database_backend() {
        DbBackend::Postgres => "LOCK TABLE opportunities IN EXCLUSIVE MODE",
        // Any write takes SQLite's one write lock until the transaction ends.
        _ => "DELETE FROM opportunities WHERE id = -1",
    };
    tx.execute_unprepared(statement).await.expect("lock");
    tx
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_past_its_deadline_is_a_timeout_and_commits_nothing() {
    let url = fresh_durable_database().await;
    let app = TestApp::spawn_on(&url, &[("ACEGATE_REQUEST_TIMEOUT_MS", "500")]).await;
    let partner = app.token_for(PARTNER_SELECT).await;
    let count = || async {
        app.query_as(ADMIN, "{ opportunities { totalCount } }", json!({}))
            .await["opportunities"]["totalCount"]
            .as_i64()
            .unwrap()
    };
    let _ = app.token_for(ADMIN).await;
    let before = count().await;
    let input = NewRecord {
        customer: customer_id(&app, "Cactus").await,
        source: "BUILD_FOR_STARTUPS",
        engagement: "BUILD",
        workload: "Deadline",
        use_case: "A request that cannot get the database's write lock in time must change nothing.",
        lines: json!([{ "service": "LAMBDA", "monthlyUsd": 100 }]),
        requested: 5_000,
    }
    .input();

    let lock = hold_write_lock(&url).await;
    let started = std::time::Instant::now();
    let response = try_mutate(
        &app,
        &partner,
        "createOpportunity",
        "CreateOpportunityInput",
        input.clone(),
        "opportunity { id }",
    )
    .await;
    assert_eq!(error_code(&response), Some("TIMEOUT"), "{response}");
    assert!(started.elapsed() < Duration::from_secs(3));
    lock.rollback().await.unwrap();
    // Whatever the cancelled request had under way has been rolled back, not committed late.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(count().await, before);
    // Unblocked, the same request goes through.
    let response = try_mutate(
        &app,
        &partner,
        "createOpportunity",
        "CreateOpportunityInput",
        input,
        "opportunity { id }",
    )
    .await;
    assert!(response.get("errors").is_none(), "{response}");
    assert_eq!(count().await, before + 1);
}

#[tokio::test]
async fn postgresql_statements_time_out_after_five_seconds() {
    let app = TestApp::spawn().await;
    if app.db().get_database_backend() != DbBackend::Postgres {
        return; // SQLite has no statement timeout; its busy timeout bounds lock waits.
    }
    let row = app
        .db()
        .query_one_raw(sea_orm::Statement::from_string(
            DbBackend::Postgres,
            "SELECT current_setting('statement_timeout') AS t",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<String>("", "t").unwrap(), "5s");
}

#[tokio::test]
async fn a_principal_over_its_rate_is_refused_with_429_and_retry_after() {
    let app = TestApp::spawn_with(&[("ACEGATE_RATE_LIMIT_PER_PRINCIPAL_PER_MINUTE", "3")]).await;
    let token = app.token_for(ANALYST).await;
    for remaining in ["2", "1", "0"] {
        let reply = post_query(&app, Some(&token), "{ viewer { id } }", json!({})).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.header("ratelimit-limit"), Some("3"));
        assert_eq!(reply.header("ratelimit-remaining"), Some(remaining));
        let reset: u64 = reply.header("ratelimit-reset").unwrap().parse().unwrap();
        assert!((1..=60).contains(&reset));
    }
    let reply = post_query(&app, Some(&token), "{ viewer { id } }", json!({})).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.code(), Some("RATE_LIMITED"));
    assert!(reply.body.get("data").is_none());
    let retry: u64 = reply.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(reply.header("ratelimit-remaining"), Some("0"));
    // Another principal has its own budget.
    let other = app.token_for(REVIEWER).await;
    let reply = post_query(&app, Some(&other), "{ viewer { id } }", json!({})).await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn anonymous_callers_are_rate_limited_per_ip() {
    let app = TestApp::spawn_with(&[("ACEGATE_RATE_LIMIT_PER_IP_PER_MINUTE", "2")]).await;
    let ask = |ip| {
        let request = from_ip(post(), ip)
            .body(body("{ __typename }", json!({})))
            .unwrap();
        send(&app, request)
    };
    assert_eq!(ask([10, 0, 0, 1]).await.status, StatusCode::OK);
    assert_eq!(ask([10, 0, 0, 1]).await.status, StatusCode::OK);
    let refused = ask([10, 0, 0, 1]).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.code(), Some("RATE_LIMITED"));
    assert!(refused.header("retry-after").is_some());
    assert_eq!(ask([10, 0, 0, 2]).await.status, StatusCode::OK);
    // A credential that does not verify counts against the address too.
    let request = from_ip(post(), [10, 0, 0, 2])
        .header(header::AUTHORIZATION, "Bearer not-a-token")
        .body(body("{ __typename }", json!({})))
        .unwrap();
    assert_eq!(send(&app, request).await.code(), Some("UNAUTHENTICATED"));
    assert_eq!(
        ask([10, 0, 0, 2]).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn too_many_or_too_large_headers_are_refused_with_431() {
    let app = TestApp::spawn().await;
    let mut builder = post();
    for i in 0..70 {
        builder = builder.header(format!("x-extra-{i}"), "1");
    }
    let reply = send(
        &app,
        builder.body(body("{ __typename }", json!({}))).unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
    let request = post()
        .header("x-big", "x".repeat(17 * 1024))
        .body(body("{ __typename }", json!({})))
        .unwrap();
    let reply = send(&app, request).await;
    assert_eq!(reply.status, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
    assert!(reply.header("x-request-id").is_some());
}
