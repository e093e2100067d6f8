//! Relay connections: keyset cursors, page-size caps, filters and orderings.

use entity::customer;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};

use crate::helpers::*;

const PAGE: &str = "query($first: Int, $after: String, $last: Int, $before: String) {
  opportunities(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id reference } }
  }
}";

async fn page(app: &TestApp, token: &str, vars: Value) -> Value {
    let response = app.graphql(Some(token), PAGE, vars).await;
    assert!(response.get("errors").is_none(), "{response}");
    response["data"]["opportunities"].clone()
}

fn ids(connection: &Value) -> Vec<Value> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].clone())
        .collect()
}

#[tokio::test]
async fn walking_forward_in_small_pages_visits_every_record_once_in_order() {
    // A whole page of 100 with cursors, pageInfo and totalCount costs 1,100 (API.md: page size × children).
    let app = TestApp::spawn_with(&[("ACEGATE_MAX_COMPLEXITY", "2000")]).await;
    let token = app.login(ADMIN).await;
    let whole = page(&app, &token, json!({ "first": 100 })).await;
    let expected = ids(&whole);
    assert_eq!(
        whole["totalCount"].as_i64().unwrap() as usize,
        expected.len()
    );
    assert!(!whole["pageInfo"]["hasNextPage"].as_bool().unwrap());

    let mut walked = Vec::new();
    let mut after = Value::Null;
    loop {
        let p = page(&app, &token, json!({ "first": 3, "after": after })).await;
        walked.extend(ids(&p));
        assert_eq!(
            p["pageInfo"]["hasPreviousPage"].as_bool().unwrap(),
            !after.is_null()
        );
        if !p["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = p["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(walked, expected);
}

#[tokio::test]
async fn walking_backward_from_a_cursor_returns_the_preceding_records_in_order() {
    // A whole page of 100 with cursors, pageInfo and totalCount costs 1,100 (API.md: page size × children).
    let app = TestApp::spawn_with(&[("ACEGATE_MAX_COMPLEXITY", "2000")]).await;
    let token = app.login(ADMIN).await;
    let whole = ids(&page(&app, &token, json!({ "first": 100 })).await);
    let first_six = page(&app, &token, json!({ "first": 6 })).await;
    let sixth_cursor = first_six["edges"][5]["cursor"].clone();
    let previous = page(&app, &token, json!({ "last": 3, "before": sixth_cursor })).await;
    assert_eq!(ids(&previous), whole[2..5].to_vec());
    assert!(previous["pageInfo"]["hasPreviousPage"].as_bool().unwrap());
    assert!(previous["pageInfo"]["hasNextPage"].as_bool().unwrap());
    let tail = page(&app, &token, json!({ "last": 2 })).await;
    assert_eq!(ids(&tail), whole[whole.len() - 2..].to_vec());
}

#[tokio::test]
async fn cursors_stay_stable_when_rows_are_inserted_before_them() {
    let app = TestApp::spawn().await;
    let token = app.login(ADMIN).await;
    let query = "query($after: String) {
      customers(first: 3, after: $after, orderBy: { field: LEGAL_NAME }) { pageInfo { endCursor } nodes { legalName } }
    }";
    let first = app.graphql(Some(&token), query, json!({})).await["data"]["customers"].clone();
    let cursor = first["pageInfo"]["endCursor"].clone();
    let second_before = app
        .graphql(Some(&token), query, json!({ "after": cursor }))
        .await["data"]["customers"]["nodes"]
        .clone();

    let now = acegate::time::now();
    customer::ActiveModel {
        legal_name: Set("AAA First Alphabetically Ltd".into()),
        website: Set("https://aaa.example.com".into()),
        aws_account_id: Set("999999999999".into()),
        country: Set("GB".into()),
        incorporated: Set(true),
        funding_stage: Set(entity::enums::FundingStage::Seed),
        engineer_count: Set(3),
        months_on_aws: Set(2),
        monthly_aws_spend_usd: Set(500),
        marketplace_spend_share: Set(0.0),
        competes_with_aws: Set(false),
        self_serve_credit_usd: Set(0),
        owner_partner_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .unwrap();

    let second_after = app
        .graphql(Some(&token), query, json!({ "after": cursor }))
        .await["data"]["customers"]["nodes"]
        .clone();
    assert_eq!(second_before, second_after);
    let first_again = app.graphql(Some(&token), query, json!({})).await["data"]["customers"]["nodes"][0]["legalName"].clone();
    assert_eq!(first_again, "AAA First Alphabetically Ltd");
}

#[tokio::test]
async fn page_sizes_outside_one_to_a_hundred_are_bad_user_input() {
    let app = TestApp::spawn().await;
    let token = app.login(ADMIN).await;
    for vars in [
        json!({ "first": 0 }),
        json!({ "first": 101 }),
        json!({ "last": -1 }),
        json!({ "first": 2, "last": 2 }),
    ] {
        let response = app.graphql(Some(&token), PAGE, vars.clone()).await;
        assert_eq!(error_code(&response), Some("BAD_USER_INPUT"), "{vars}");
    }
}

#[tokio::test]
async fn a_forged_or_foreign_cursor_is_bad_user_input() {
    let app = TestApp::spawn().await;
    let token = app.login(ADMIN).await;
    let response = app
        .graphql(
            Some(&token),
            PAGE,
            json!({ "first": 2, "after": "bm90LWEtY3Vyc29y" }),
        )
        .await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"));

    let customers = app
        .graphql(
            Some(&token),
            "{ customers(first: 1, orderBy: { field: LEGAL_NAME }) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let name_cursor = customers["data"]["customers"]["pageInfo"]["endCursor"].clone();
    let response = app
        .graphql(
            Some(&token),
            "query($after: String) { customers(first: 1, after: $after, orderBy: { field: CREATED_AT }) { totalCount } }",
            json!({ "after": name_cursor }),
        )
        .await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"));
}

#[tokio::test]
async fn filters_narrow_the_list_and_the_count_together() {
    let app = TestApp::spawn().await;
    let query = "query($filter: OpportunityFilter) {
      opportunities(first: 100, filter: $filter) { totalCount nodes { reference status fundingSource customer { id } } }
    }";
    let all = app.query_as(ADMIN, query, json!({})).await["opportunities"].clone();
    let nodes = all["nodes"].as_array().unwrap();

    let approved = app
        .query_as(
            ADMIN,
            query,
            json!({ "filter": { "status": ["APPROVED", "CREDITS_ISSUED"] } }),
        )
        .await;
    let expected = nodes
        .iter()
        .filter(|n| n["status"] == "APPROVED" || n["status"] == "CREDITS_ISSUED")
        .count();
    assert!(expected > 0);
    assert_eq!(
        approved["opportunities"]["totalCount"].as_i64().unwrap() as usize,
        expected
    );

    let genai = app
        .query_as(
            ADMIN,
            query,
            json!({ "filter": { "fundingSource": ["GENAI_POC"] } }),
        )
        .await;
    assert!(
        genai["opportunities"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["fundingSource"] == "GENAI_POC")
    );

    let reference = nodes[0]["reference"].as_str().unwrap();
    let by_reference = app
        .query_as(
            ADMIN,
            query,
            json!({ "filter": { "search": reference.to_lowercase() } }),
        )
        .await;
    assert_eq!(
        by_reference["opportunities"]["nodes"][0]["reference"],
        reference
    );

    let customer = nodes[0]["customer"]["id"].clone();
    let by_customer = app
        .query_as(
            ADMIN,
            query,
            json!({ "filter": { "customerId": customer } }),
        )
        .await;
    assert!(
        by_customer["opportunities"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["customer"]["id"] == customer)
    );

    let token = app.login(ADMIN).await;
    let wrong_kind = app.graphql(Some(&token), query, json!({ "filter": { "customerId": nodes[0]["customer"]["id"].clone().as_str().map(|_| "VXNlcjox") } })).await;
    assert_eq!(error_code(&wrong_kind), Some("BAD_USER_INPUT"));
}

#[tokio::test]
async fn ordering_by_requested_amount_descending_is_sorted() {
    let app = TestApp::spawn().await;
    let data = app
        .query_as(
            ANALYST,
            "{ opportunities(first: 100, orderBy: { field: REQUESTED_AMOUNT_USD, direction: DESC }) { nodes { requestedAmountUsd } } }",
            json!({}),
        )
        .await;
    let amounts: Vec<i64> = data["opportunities"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["requestedAmountUsd"].as_i64().unwrap())
        .collect();
    assert!(amounts.len() > 3);
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");
}
