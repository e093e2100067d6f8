//! The conventions frontend teams expect of a GraphQL API (issue 14): responses in the order of the query, a code
//! on every error, authentication failures that say why, dry runs that say what would happen, and user errors that
//! point at the field to fix.

use std::time::Duration;

use axum::{
    body::Body,
    http::{Request, header},
};
use http_body_util::BodyExt;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::{
    helpers::{
        org::{self, send_ok},
        *,
    },
    subscriptions,
    workflow_helpers::*,
};

/// A JSON value that keeps the order of each object's keys as they came over the wire.
#[derive(Debug)]
enum Ordered {
    Object(Vec<(String, Ordered)>),
    List(Vec<Ordered>),
    Leaf,
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor;
        impl<'de> Visitor<'de> for OrderedVisitor {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut entries = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Ordered>()? {
                    entries.push((key, value));
                }
                Ok(Ordered::Object(entries))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Ordered>()? {
                    items.push(item);
                }
                Ok(Ordered::List(items))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_str<E>(self, _: &str) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
        }
        deserializer.deserialize_any(OrderedVisitor)
    }
}

impl Ordered {
    /// Every object reached by `path` (`*` walks every item of a list), with its keys in wire order.
    fn keys_at(&self, path: &str) -> Vec<Vec<String>> {
        let mut here = vec![self];
        for step in path.split('.').filter(|s| !s.is_empty()) {
            let mut next = Vec::new();
            for node in here {
                match (node, step) {
                    (Ordered::List(items), "*") => next.extend(items.iter()),
                    (Ordered::Object(entries), key) => {
                        next.extend(entries.iter().filter(|(k, _)| k == key).map(|(_, v)| v))
                    }
                    _ => {}
                }
            }
            here = next;
        }
        here.into_iter()
            .filter_map(|node| match node {
                Ordered::Object(entries) => Some(entries.iter().map(|(k, _)| k.clone()).collect()),
                _ => None,
            })
            .collect()
    }

    /// Asserts that every object at `path` has exactly `keys`, in that order, and that there is at least one.
    fn assert_keys(&self, path: &str, keys: &[&str]) {
        let found = self.keys_at(path);
        assert!(!found.is_empty(), "nothing at {path}: {self:?}");
        for object in found {
            assert_eq!(object, keys, "{path}");
        }
    }
}

/// POSTs an operation and returns the response body as sent, in wire order.
async fn raw(app: &TestApp, token: &str, query: &str, variables: Value) -> (Ordered, Value) {
    let body = json!({ "query": query, "variables": variables }).to_string();
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(body))
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        serde_json::from_slice(&bytes).unwrap(),
        serde_json::from_slice(&bytes).unwrap(),
    )
}

/// A SUBMITTED demo record, as an admin sees it.
async fn submitted_record(app: &TestApp) -> Value {
    let data = app
        .query_as(
            ADMIN,
            "{ opportunities(first: 1, filter: { status: [SUBMITTED] }) { nodes { id version reference } } }",
            json!({}),
        )
        .await;
    data["opportunities"]["nodes"][0].clone()
}

const PAGE: &str = r#"
query Page {
  viewer { role id email }
  opportunities(first: 20, orderBy: { field: CREATED_AT, direction: DESC }) {
    totalCount
    nodes {
      id projectedMonthlyUsd
      customer { name: legalName id awsAccountId country }
      partner { tier name id }
      status
      ...Tail
    }
    pageInfo { endCursor hasNextPage }
  }
  customers(first: 5) { nodes { website id legalName } totalCount }
}
fragment Tail on Opportunity { reference requestedAmountUsd fundingSource createdAt }
"#;

async fn a_page_comes_back_in_query_order(extra: &[(&str, &str)]) {
    let app = TestApp::spawn_with(extra).await;
    let token = app.token_for(ADMIN).await;
    // Concurrent field resolution finishes in a different order from run to run; every run must be in order.
    for _ in 0..5 {
        let (ordered, value) = raw(&app, &token, PAGE, json!({})).await;
        assert!(value.get("errors").is_none(), "{value}");
        ordered.assert_keys("", &["data", "extensions"]);
        ordered.assert_keys("data", &["viewer", "opportunities", "customers"]);
        ordered.assert_keys("data.viewer", &["role", "id", "email"]);
        ordered.assert_keys("data.opportunities", &["totalCount", "nodes", "pageInfo"]);
        ordered.assert_keys(
            "data.opportunities.nodes.*",
            &[
                "id",
                "projectedMonthlyUsd",
                "customer",
                "partner",
                "status",
                "reference",
                "requestedAmountUsd",
                "fundingSource",
                "createdAt",
            ],
        );
        ordered.assert_keys(
            "data.opportunities.nodes.*.customer",
            &["name", "id", "awsAccountId", "country"],
        );
        ordered.assert_keys(
            "data.opportunities.nodes.*.partner",
            &["tier", "name", "id"],
        );
        ordered.assert_keys("data.customers", &["nodes", "totalCount"]);
        ordered.assert_keys("data.customers.nodes.*", &["website", "id", "legalName"]);
    }
}

#[tokio::test]
async fn a_page_comes_back_in_the_order_of_the_query_on_the_fast_path() {
    a_page_comes_back_in_query_order(&[]).await;
}

#[tokio::test]
async fn a_page_comes_back_in_the_order_of_the_query_through_the_resolvers() {
    a_page_comes_back_in_query_order(&[("ACEGATE_READ_PROJECTION", "false")]).await;
}

#[tokio::test]
async fn node_lookups_mutation_payloads_and_events_keep_the_order_of_the_query() {
    node_lookups_mutation_payloads_and_events_in_order(&[]).await;
    node_lookups_mutation_payloads_and_events_in_order(&[("ACEGATE_READ_PROJECTION", "false")])
        .await;
}

async fn node_lookups_mutation_payloads_and_events_in_order(extra: &[(&str, &str)]) {
    let app = TestApp::spawn_with(extra).await;
    let admin = app.token_for(ADMIN).await;
    let record = submitted_record(&app).await;

    // An interface: the fields of the concrete type's fragments are merged in the order they first appear.
    let node = r#"query($id: ID!) {
      node(id: $id) {
        ... on Opportunity { customer { legalName id } status }
        id
        __typename
        ... on Opportunity { reference status version }
      }
      nodes(ids: [$id]) { ... on Opportunity { version } id }
    }"#;
    let (ordered, value) = raw(&app, &admin, node, json!({ "id": record["id"] })).await;
    assert!(value.get("errors").is_none(), "{value}");
    ordered.assert_keys(
        "data.node",
        &[
            "customer",
            "status",
            "id",
            "__typename",
            "reference",
            "version",
        ],
    );
    ordered.assert_keys("data.node.customer", &["legalName", "id"]);
    ordered.assert_keys("data.nodes.*", &["version", "id"]);

    // A mutation payload.
    let create = r#"mutation {
      createCustomer(input: {
        legalName: "Ordered Ltd", website: "https://ordered.example.com", awsAccountId: "123456789012",
        country: "GB", incorporated: true, fundingStage: SEED, engineerCount: 4, monthsOnAws: 3,
        monthlyAwsSpendUsd: 800, marketplaceSpendShare: 0, competesWithAws: false
      }) {
        userErrors { message code field }
        customer { opportunities { totalCount } updatedAt engineerCount legalName id }
      }
    }"#;
    let (ordered, value) = raw(&app, &admin, create, json!({})).await;
    assert!(value.get("errors").is_none(), "{value}");
    ordered.assert_keys("data.createCustomer", &["userErrors", "customer"]);
    ordered.assert_keys(
        "data.createCustomer.customer",
        &[
            "opportunities",
            "updatedAt",
            "engineerCount",
            "legalName",
            "id",
        ],
    );

    // A subscription event over WebSocket.
    let address = subscriptions::serve(&app).await;
    let mut socket = subscriptions::open(&address).await;
    subscriptions::send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {admin}") } })).await;
    subscriptions::next(&mut socket, Duration::from_secs(5))
        .await
        .expect("connection_ack");
    let events = "subscription { opportunityEvents { opportunity { partner { name } version reference id status } previousStatus status } }";
    subscriptions::send(
        &mut socket,
        json!({ "id": "o", "type": "subscribe", "payload": { "query": events } }),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    start_review(&app, &app.token_for(REVIEWER).await, &record).await;
    let message = subscriptions::next(&mut socket, Duration::from_secs(5))
        .await
        .expect("an event");
    let ordered: Ordered = serde_json::from_str(message.to_text().unwrap()).unwrap();
    ordered.assert_keys(
        "payload.data.opportunityEvents",
        &["opportunity", "previousStatus", "status"],
    );
    ordered.assert_keys(
        "payload.data.opportunityEvents.opportunity",
        &["partner", "version", "reference", "id", "status"],
    );
}

/// Every error a client can provoke before or during execution, with the code it must carry.
const CODED_ERRORS: &[(&str, &str, &str)] = &[
    (
        "unknown field",
        r#"{"query": "{ viewer { nope } }"}"#,
        "GRAPHQL_VALIDATION_FAILED",
    ),
    (
        "bad enum value",
        r#"{"query": "{ opportunities(filter: { status: [NOPE] }) { totalCount } }"}"#,
        "GRAPHQL_VALIDATION_FAILED",
    ),
    (
        "undefined variable",
        r#"{"query": "query($n: Int!) { opportunities(first: $m) { totalCount } }", "variables": {"n": 1}}"#,
        "GRAPHQL_VALIDATION_FAILED",
    ),
    (
        "missing variable",
        r#"{"query": "query($n: Int!) { opportunities(first: $n) { totalCount } }"}"#,
        "GRAPHQL_VALIDATION_FAILED",
    ),
    (
        "operation name required",
        r#"{"query": "query A { viewer { id } } query B { viewer { id } }"}"#,
        "GRAPHQL_VALIDATION_FAILED",
    ),
    (
        "unknown operation",
        r#"{"query": "query A { viewer { id } }", "operationName": "C"}"#,
        "GRAPHQL_VALIDATION_FAILED",
    ),
    (
        "syntax error",
        r#"{"query": "{ viewer { id }"}"#,
        "GRAPHQL_PARSE_FAILED",
    ),
    (
        "scalar in a variable",
        r#"{"query": "query($d: DateTime) { opportunities(filter: { updatedAfter: $d }) { totalCount } }", "variables": {"d": "yesterday"}}"#,
        "BAD_USER_INPUT",
    ),
    (
        "scalar literal",
        r#"{"query": "{ opportunities(filter: { updatedAfter: \"yesterday\" }) { totalCount } }"}"#,
        "BAD_USER_INPUT",
    ),
    (
        "subscription over HTTP",
        r#"{"query": "subscription { opportunityEvents { status } }"}"#,
        "BAD_REQUEST",
    ),
];

#[tokio::test]
async fn every_error_over_http_carries_a_code_and_the_request_id() {
    let app = TestApp::spawn().await;
    let token = app.token_for(ANALYST).await;
    for (case, body, code) in CODED_ERRORS {
        let request = Request::post("/graphql")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(*body))
            .unwrap();
        let (_, response) = app.request(request).await;
        let errors = response["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{case}: {response}"));
        assert!(!errors.is_empty(), "{case}: {response}");
        for error in errors {
            assert_eq!(error["extensions"]["code"], *code, "{case}: {response}");
            assert!(
                error["extensions"]["requestId"].is_string(),
                "{case}: {response}"
            );
        }
    }
    // A syntax error reads as one line and keeps its location.
    let (_, response) = app
        .request(
            Request::post("/graphql")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"query": "{ viewer { id }"}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(
        response["errors"][0]["message"],
        "syntax error: expected selection"
    );
    assert_eq!(response["errors"][0]["locations"][0]["column"], 16);
}

#[tokio::test]
async fn every_error_over_websocket_carries_a_code_and_the_request_id() {
    let app = TestApp::spawn().await;
    let token = app.token_for(ANALYST).await;
    let address = subscriptions::serve(&app).await;
    let mut socket = subscriptions::open(&address).await;
    subscriptions::send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })).await;
    subscriptions::next(&mut socket, Duration::from_secs(5))
        .await
        .expect("connection_ack");
    let cases = CODED_ERRORS
        .iter()
        .filter(|(case, _, _)| *case != "subscription over HTTP");
    for (n, (case, body, code)) in cases.enumerate() {
        let payload: Value = serde_json::from_str(body).unwrap();
        let id = format!("op{n}");
        subscriptions::send(
            &mut socket,
            json!({ "id": id, "type": "subscribe", "payload": payload }),
        )
        .await;
        let message = subscriptions::next(&mut socket, Duration::from_secs(5))
            .await
            .unwrap_or_else(|| panic!("{case}: an answer"));
        let message: Value = serde_json::from_str(message.to_text().unwrap()).unwrap();
        assert_eq!(message["id"], id, "{case}: {message}");
        let errors = match message["type"].as_str() {
            Some("error") => message["payload"].clone(),
            Some("next") => message["payload"]["errors"].clone(),
            other => panic!("{case}: {other:?} {message}"),
        };
        let errors = errors
            .as_array()
            .unwrap_or_else(|| panic!("{case}: {message}"))
            .clone();
        assert!(!errors.is_empty(), "{case}: {message}");
        for error in errors {
            assert_eq!(error["extensions"]["code"], *code, "{case}: {message}");
            assert!(
                error["extensions"]["requestId"].is_string(),
                "{case}: {message}"
            );
        }
        // A `next` is followed by its `complete`.
        if message["type"] == "next" {
            subscriptions::next(&mut socket, Duration::from_secs(5)).await;
        }
    }
}

/// A customer created by `partner`, with `facts` over a Series A company in Great Britain.
async fn customer_of(app: &TestApp, partner: &str, name: &str, facts: Value) -> Value {
    let mut input = json!({
        "legalName": name,
        "website": "https://conventions.example.com",
        "awsAccountId": "210987654321",
        "country": "GB",
        "incorporated": true,
        "fundingStage": "SERIES_A",
        "engineerCount": 22,
        "monthsOnAws": 3,
        "monthlyAwsSpendUsd": 5000,
        "marketplaceSpendShare": 0.1,
        "competesWithAws": false
    });
    for (key, value) in facts.as_object().unwrap() {
        input[key] = value.clone();
    }
    let token = app.token_for(partner).await;
    let payload = send_ok(
        app,
        &token,
        "createCustomer",
        "CreateCustomerInput",
        input,
        "customer { id }",
    )
    .await;
    payload["customer"]["id"].clone()
}

fn draft_of(customer: &Value, source: &'static str, use_case: &'static str) -> NewRecord<'static> {
    NewRecord {
        customer: customer.clone(),
        source,
        engagement: "BUILD",
        workload: "Checkout service",
        use_case,
        lines: json!([{ "service": "EKS", "monthlyUsd": 4000 }, { "service": "AURORA", "monthlyUsd": 2000 }]),
        requested: 25_000,
    }
}

const DRY_RUN: &str = "mutation($input: SubmitOpportunityInput!) { submitOpportunity(input: $input) {
  opportunity { status version }
  userErrors { field code message }
  dryRun { wouldSubmit statusAfter warnings { check outcome detail } failures { check outcome detail }
           recommendedDecision recommendedAmountUsd }
} }";

#[tokio::test]
async fn a_dry_run_says_what_the_submission_would_do_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let partner = app.token_for(PARTNER_PREMIER).await;

    // Accepted, with warnings: a thin use case and a short spend history.
    let customer = customer_of(&app, PARTNER_PREMIER, "Dry Run Ltd", json!({})).await;
    let draft = create(
        &app,
        &partner,
        &draft_of(&customer, "BUILD_FOR_STARTUPS", "A checkout service."),
    )
    .await;
    let input = json!({ "id": draft["id"], "expectedVersion": draft["version"], "dryRun": true });
    let reply = app
        .graphql(Some(&partner), DRY_RUN, json!({ "input": input }))
        .await;
    let payload = &reply["data"]["submitOpportunity"];
    assert_eq!(payload["userErrors"], json!([]), "{reply}");
    assert_eq!(payload["opportunity"]["status"], "DRAFT");
    assert_eq!(payload["opportunity"]["version"], draft["version"]);
    let preview = &payload["dryRun"];
    assert_eq!(preview["wouldSubmit"], true, "{reply}");
    assert_eq!(preview["statusAfter"], "SUBMITTED");
    assert_eq!(preview["failures"], json!([]));
    let warned: Vec<&str> = preview["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["check"].as_str().unwrap())
        .collect();
    assert!(warned.contains(&"AWS_CONSUMING_WORKLOAD"), "{reply}");
    assert!(warned.contains(&"SPEND_HISTORY"), "{reply}");
    for warning in preview["warnings"].as_array().unwrap() {
        assert_eq!(warning["outcome"], "WARN");
    }
    let thin = preview["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["check"] == "AWS_CONSUMING_WORKLOAD")
        .unwrap();
    assert_eq!(
        thin["detail"],
        "The use case is thin: 3 words, fewer than 20; ask what the workload does."
    );
    assert!(preview["recommendedDecision"].is_string(), "{reply}");
    assert!(preview["recommendedAmountUsd"].is_i64(), "{reply}");

    // Refused: the jurisdiction fails, and the error points at the customer's country.
    let sanctioned = customer_of(
        &app,
        PARTNER_PREMIER,
        "Embargoed Ltd",
        json!({ "country": "IR", "awsAccountId": "210987654322" }),
    )
    .await;
    let draft = create(
        &app,
        &partner,
        &draft_of(&sanctioned, "BUILD_FOR_STARTUPS", SUPPORT_AGENT),
    )
    .await;
    let input = json!({ "id": draft["id"], "expectedVersion": draft["version"], "dryRun": true });
    let reply = app
        .graphql(Some(&partner), DRY_RUN, json!({ "input": input }))
        .await;
    let payload = &reply["data"]["submitOpportunity"];
    assert_eq!(payload["dryRun"]["wouldSubmit"], false, "{reply}");
    assert_eq!(payload["dryRun"]["statusAfter"], "DRAFT");
    assert_eq!(
        payload["dryRun"]["failures"][0]["check"], "ELIGIBLE_JURISDICTION",
        "{reply}"
    );
    assert_eq!(
        payload["userErrors"][0]["field"],
        json!(["opportunity", "customer", "country"]),
        "{reply}"
    );
    assert_eq!(payload["userErrors"][0]["code"], "ELIGIBLE_JURISDICTION");

    // A real submission has no preview; nothing was changed by the dry runs above.
    let input = json!({ "id": draft["id"], "expectedVersion": draft["version"] });
    let reply = app
        .graphql(Some(&partner), DRY_RUN, json!({ "input": input }))
        .await;
    assert_eq!(
        reply["data"]["submitOpportunity"]["dryRun"],
        Value::Null,
        "{reply}"
    );
    assert_eq!(
        reply["data"]["submitOpportunity"]["opportunity"]["status"],
        "DRAFT"
    );
}

const SUPPORT_AGENT: &str = "A customer-support agent that answers tickets from the product documentation with retrieval over the help centre and hands hard cases to people.";

#[tokio::test]
async fn user_errors_point_at_the_field_to_fix_and_checks_read_well() {
    let app = TestApp::spawn().await;
    let reviewer = app.token_for(REVIEWER).await;

    // issueCredits names its record `opportunityId`; a transition that does not apply reads with the right article.
    let record = submitted_record(&app).await;
    let payload = mutate(
        &app,
        &reviewer,
        "issueCredits",
        "IssueCreditsInput",
        json!({ "opportunityId": record["id"] }),
        "creditGrant { id }",
    )
    .await;
    assert_eq!(
        payload["userErrors"][0]["code"], "INVALID_TRANSITION",
        "{payload}"
    );
    assert_eq!(
        payload["userErrors"][0]["field"],
        json!(["input", "opportunityId"])
    );
    assert_eq!(
        payload["userErrors"][0]["message"],
        "a SUBMITTED record cannot be issued credits"
    );

    // Filing rights are checked when a record is created, and read without a stray article.
    let select = app.token_for(PARTNER_SELECT).await;
    let customer = customer_of(&app, PARTNER_SELECT, "Rules Ltd", json!({})).await;
    let mut new = draft_of(&customer, "MIGRATION", SUPPORT_AGENT);
    new.engagement = "MIGRATE";
    let refused = try_mutate(
        &app,
        &select,
        "createOpportunity",
        "CreateOpportunityInput",
        new.input(),
        "opportunity { id }",
    )
    .await;
    let refused = &refused["data"]["createOpportunity"]["userErrors"][0];
    assert_eq!(refused["code"], "FILER_RIGHTS");
    assert_eq!(refused["field"], json!(["input", "fundingSource"]));
    assert_eq!(
        refused["message"],
        "partners of tier SELECT may not file MIGRATION"
    );

    // A check that refuses a submission points at the record's field to fix, which the payload returns.
    let rival = customer_of(
        &app,
        PARTNER_SELECT,
        "Rival Cloud Ltd",
        json!({ "competesWithAws": true, "awsAccountId": "210987654323" }),
    )
    .await;
    let draft = create(
        &app,
        &select,
        &draft_of(&rival, "BUILD_FOR_STARTUPS", SUPPORT_AGENT),
    )
    .await;
    let input = json!({ "id": draft["id"], "expectedVersion": draft["version"] });
    let payload = mutate(
        &app,
        &select,
        "submitOpportunity",
        "SubmitOpportunityInput",
        input,
        &record_selection(),
    )
    .await;
    let errors = payload["userErrors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{payload}");
    assert_eq!(errors[0]["code"], "NOT_AWS_COMPETITOR");
    assert_eq!(
        errors[0]["field"],
        json!(["opportunity", "customer", "competesWithAws"])
    );
    assert_eq!(payload["opportunity"]["status"], "DRAFT");
}

#[tokio::test]
async fn issuing_credits_takes_the_version_the_reviewer_saw() {
    let app = TestApp::spawn().await;
    let reviewer = app.token_for(REVIEWER).await;
    let record = submitted_record(&app).await;
    let in_review = start_review(&app, &reviewer, &record).await;
    let approved = ok_record(
        &decide(
            &app,
            &reviewer,
            &in_review,
            json!({ "decision": "APPROVE" }),
        )
        .await,
    );

    let stale = try_mutate(
        &app,
        &reviewer,
        "issueCredits",
        "IssueCreditsInput",
        json!({ "opportunityId": approved["id"], "expectedVersion": in_review["version"] }),
        "creditGrant { id }",
    )
    .await;
    assert_code(&stale, "CONFLICT");

    let issued = mutate(
        &app,
        &reviewer,
        "issueCredits",
        "IssueCreditsInput",
        json!({ "opportunityId": approved["id"], "expectedVersion": approved["version"] }),
        "creditGrant { id faceValueUsd }",
    )
    .await;
    assert_eq!(issued["userErrors"], json!([]), "{issued}");
    assert!(issued["creditGrant"]["id"].is_string(), "{issued}");
}

#[tokio::test]
async fn an_interface_without_typename_and_directives_with_defaults_keep_the_order_of_the_query() {
    let app = TestApp::spawn().await;
    let admin = app.token_for(ADMIN).await;
    let partner = org::partner_named(&app, "Advanced Stack").await;
    let customer = customer_id(&app, "Northwind").await;

    // Fragments of two types that order the same keys differently: the object's own id says which type it is.
    let query = "query($p: ID!, $c: ID!) {
      partner: node(id: $p) { ... on Customer { a: legalName id } ... on Partner { id a: name } }
      customer: node(id: $c) { ... on Customer { a: legalName id } ... on Partner { id a: name } }
    }";
    for _ in 0..3 {
        let (ordered, value) =
            raw(&app, &admin, query, json!({ "p": partner, "c": customer })).await;
        assert!(value.get("errors").is_none(), "{value}");
        ordered.assert_keys("data.partner", &["id", "a"]);
        ordered.assert_keys("data.customer", &["a", "id"]);
    }

    // A variable's default decides @skip and @include as a value sent would.
    let query = "query($brief: Boolean = true, $full: Boolean = true) {
      viewer { role email @skip(if: $brief) id displayName @include(if: $full) }
    }";
    let (ordered, value) = raw(&app, &admin, query, json!({})).await;
    assert!(value.get("errors").is_none(), "{value}");
    ordered.assert_keys("data.viewer", &["role", "id", "displayName"]);
    let (ordered, _) = raw(
        &app,
        &admin,
        query,
        json!({ "brief": false, "full": false }),
    )
    .await;
    ordered.assert_keys("data.viewer", &["role", "email", "id"]);
}
