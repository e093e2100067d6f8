//! Every executed response reports its operation's cost in `extensions.cost` (`requested`, as the complexity
//! limit measures it, and the `limit`): over POST and GET, for queries and mutations, with a field error, and in
//! each WebSocket `next` event; a refusal for complexity says the cost too, and a request that executed nothing
//! reports none.

use std::time::Duration;

use axum::{body::Body, http::Request};
use serde_json::{Value, json};

use crate::{helpers::*, http_helpers::*, subscriptions as ws, workflow_helpers::*};

fn cost(requested: usize, limit: usize) -> Value {
    json!({ "requested": requested, "limit": limit })
}

/// Asserts the `extensions.cost` of a response body (a WebSocket `next` message's payload, or an HTTP body).
fn assert_cost(body: &Value, requested: usize, limit: usize) {
    assert_eq!(body["extensions"]["cost"], cost(requested, limit), "{body}");
}

#[tokio::test]
async fn every_executed_response_reports_its_cost_as_the_complexity_limit_counts_it() {
    for projection in ["true", "false"] {
        let app = TestApp::spawn_with(&[("ACEGATE_READ_PROJECTION", projection)]).await;
        let token = app.token_for(ADMIN).await;
        let cases: &[(&str, Value, usize)] = &[
            // A scalar field costs 1; an object field 1 plus its fields.
            ("{ viewer { id email } }", json!({}), 3),
            // 10 × (totalCount + nodes { id reference status }) = 10 × 5.
            (
                "{ opportunities(first: 10) { totalCount nodes { id reference status } } }",
                json!({}),
                50,
            ),
            // `edges { cursor node { … } }` counts like any selection: 10 × (edges + cursor + node + id + name).
            (
                "{ partners(first: 10) { edges { cursor node { id name } } } }",
                json!({}),
                50,
            ),
            // Without `first`, the default page of 50: 50 × (nodes + id).
            ("{ customers { nodes { id } } }", json!({}), 100),
            // Nested pages multiply: 3 × (nodes + name + 4 × (nodes + id)).
            (
                "{ partners(first: 3) { nodes { name opportunities(first: 4) { nodes { id } } } } }",
                json!({}),
                30,
            ),
            // A page size in a variable counts the same, and the root fields add up: 7 × 3 + 2.
            (
                "query($n: Int) { customers(first: $n) { nodes { id legalName } } viewer { id } }",
                json!({ "n": 7 }),
                23,
            ),
        ];
        for (query, variables, expected) in cases {
            let reply = post_query(&app, Some(&token), query, variables.clone()).await;
            assert!(
                reply.body.get("errors").is_none(),
                "{query}: {}",
                reply.body
            );
            assert_eq!(
                reply.body["extensions"]["cost"],
                cost(*expected, 5_000),
                "{query} (read projection {projection})"
            );
        }
    }
}

#[tokio::test]
async fn a_get_query_a_mutation_and_a_field_error_report_their_cost() {
    let app = TestApp::spawn_with(&[("ACEGATE_MAX_COMPLEXITY", "1000")]).await;
    let token = app.token_for(ANALYST).await;

    // `{ viewer { id role } }`
    let get = Request::get("/graphql?query=%7B%20viewer%20%7B%20id%20role%20%7D%20%7D")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let reply = send(&app, get).await;
    assert_cost(&reply.body, 3, 1_000);

    let login = post_query(
        &app,
        None,
        "mutation($email: String!, $password: String!) { login(input: { email: $email, password: $password }) { accessToken user { id } } }",
        json!({ "email": FOUNDER, "password": PASSWORD }),
    )
    .await;
    assert!(login.body["data"]["login"]["accessToken"].is_string());
    assert_cost(&login.body, 4, 1_000);

    // Executed, though the resolver refused the page size: the cost is reported with the error (101 counts as one).
    let refused = post_query(
        &app,
        Some(&token),
        "{ customers(first: 101) { nodes { id } } }",
        json!({}),
    )
    .await;
    assert_eq!(refused.code(), Some("BAD_USER_INPUT"), "{}", refused.body);
    assert_cost(&refused.body, 2, 1_000);
}

#[tokio::test]
async fn a_query_over_the_limit_is_refused_with_its_cost_and_one_that_never_ran_reports_none() {
    let app = TestApp::spawn_with(&[("ACEGATE_MAX_COMPLEXITY", "1000")]).await;
    let token = app.token_for(ADMIN).await;
    // 100 × (nodes + id + reference + status + version + customer { id legalName } + partner { id name }) = 1,100.
    let over = "{ opportunities(first: 100) { nodes { id reference status version customer { id legalName } partner { id name } } } }";
    let reply = post_query(&app, Some(&token), over, json!({})).await;
    assert_eq!(reply.code(), Some("QUERY_TOO_COMPLEX"), "{}", reply.body);
    assert_cost(&reply.body["errors"][0], 1_100, 1_000);
    assert!(reply.body.get("data").is_none() && reply.body.get("extensions").is_none());

    let invalid = post_query(&app, Some(&token), "{ viewer { nope } }", json!({})).await;
    assert!(invalid.body["errors"].is_array(), "{}", invalid.body);
    assert!(invalid.body.get("extensions").is_none(), "{}", invalid.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_websocket_result_and_subscription_event_carries_its_cost() {
    let app = TestApp::spawn().await;
    let address = ws::serve(&app).await;
    let reviewer = app.token_for(REVIEWER).await;
    let portfolio = record_by_reference(&app, "O1000015").await;

    // A query over the socket: its one `next` carries the cost.
    let mut socket = ws::open(&address).await;
    ws::send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {reviewer}") } })).await;
    let ack = ws::next(&mut socket, Duration::from_secs(5))
        .await
        .expect("ack");
    assert!(ack.to_text().unwrap().contains("connection_ack"));
    ws::send(&mut socket, json!({ "id": "q", "type": "subscribe", "payload": { "query": "{ opportunities(first: 5) { nodes { id } } }" } })).await;
    let message = ws::next(&mut socket, Duration::from_secs(5))
        .await
        .expect("next");
    let message: Value = serde_json::from_str(message.to_text().unwrap()).unwrap();
    assert_eq!(message["type"], "next", "{message}");
    assert_cost(&message["payload"], 10, 5_000);

    // A subscription (`subscriptions::EVENTS`): every event carries its cost, 1 + status + previousStatus +
    // opportunity { reference partner { name } }.
    let partner = app.token_for(PARTNER_ADVANCED).await;
    let mut events = ws::subscribe(&address, &partner, Some(&portfolio)).await;
    approve(&app, &reviewer, &portfolio).await;
    for status in ["IN_REVIEW", "APPROVED"] {
        let message = ws::next(&mut events, Duration::from_secs(5))
            .await
            .expect("an event");
        let message: Value = serde_json::from_str(message.to_text().unwrap()).unwrap();
        assert_eq!(message["type"], "next", "{message}");
        assert_eq!(
            message["payload"]["data"]["opportunityEvents"]["status"],
            status
        );
        assert_cost(&message["payload"], 7, 5_000);
    }
}
