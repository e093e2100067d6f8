//! The read fast path (`graphql::projection`) answers exactly what the per-field resolvers answer, for every role,
//! and does it in a constant handful of statements.

use serde_json::{Value, json};

use crate::helpers::*;

const EVERYONE: [&str; 10] = [
    ADMIN,
    REVIEWER,
    ANALYST,
    PARTNER_PREMIER,
    PARTNER_ADVANCED,
    PARTNER_SELECT,
    VC_PORTFOLIO,
    VC_EMERGING,
    FOUNDER,
    // Twice the busiest partner, so that a token cached by one app is reused by the other below.
    PARTNER_PREMIER,
];

/// Every field the fast path knows, through aliases, duplicates, named and inline fragments (one on a type that does
/// not apply), `__typename` at each level, edges and nodes side by side.
const EVERYTHING: &str = r#"
query Everything($first: Int, $last: Int, $after: String, $before: String, $order: OpportunityOrder) {
  opportunities(first: $first, last: $last, after: $after, before: $before, orderBy: $order) {
    __typename
    totalCount
    pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }
    edges { __typename cursor node { ...Record } }
    nodes {
      ...Record
      ... on Node { id }
      alias: reference
      id
    }
  }
}

fragment Record on Opportunity {
  __typename id reference partnerReference submissionPath fundingSource engagementType workloadName useCase
  scopeOfWork estimatedAnnualDealUsd requestedAmountUsd awardedAmountUsd status version createdAt updatedAt
  submittedAt decidedAt issuedAt availableActions
  customer {
    __typename id legalName website awsAccountId country incorporated fundingStage engineerCount monthsOnAws
    monthlyAwsSpendUsd marketplaceSpendShare competesWithAws selfServeCreditUsd createdAt updatedAt
    attestations {
      __typename id round amountUsd closedOn attestedAt revokedAt revocationReason
      vcFirm { __typename id name portfolioAccess reputation createdAt }
    }
  }
  customer { firstName: legalName }
  partner { __typename id name tier createdAt updatedAt }
  vcFirm { __typename id name portfolioAccess reputation createdAt }
}
"#;

/// [`EVERYTHING`] without a record's content: what a VC firm may read of every record it sees.
fn status_view() -> String {
    [
        "partnerReference ",
        "engagementType ",
        "workloadName ",
        "useCase\n  scopeOfWork estimatedAnnualDealUsd ",
    ]
    .iter()
    .fold(EVERYTHING.to_owned(), |query, field| {
        assert!(query.contains(field), "{field}");
        query.replace(field, "")
    })
}

const BY_ID: &str = r#"
query ById($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Opportunity {
      reference status
      customer { legalName attestations { id round amountUsd revokedAt vcFirm { id name reputation } } }
      partner { name }
      vcFirm { id name }
    }
    ... on Partner { tier }
  }
}
"#;

/// Two applications on one database: the fast path on, and off.
async fn both_paths() -> (TestApp, TestApp) {
    let database = fresh_durable_database().await;
    let fast = TestApp::spawn_on(&database, &[("ACEGATE_MAX_COMPLEXITY", "100000")]).await;
    let resolvers = TestApp::spawn_on(
        &database,
        &[
            ("ACEGATE_MAX_COMPLEXITY", "100000"),
            ("ACEGATE_READ_PROJECTION", "false"),
        ],
    )
    .await;
    (fast, resolvers)
}

async fn same_answer(fast: &TestApp, resolvers: &TestApp, email: &str, query: &str, vars: Value) {
    let a = fast
        .graphql(Some(&fast.token_for(email).await), query, vars.clone())
        .await;
    let b = resolvers
        .graphql(Some(&resolvers.token_for(email).await), query, vars.clone())
        .await;
    // Compared as text, so that key order counts as well; only the request ids differ.
    assert_eq!(
        without_request_ids(a).to_string(),
        without_request_ids(b).to_string(),
        "as {email} with {vars}: the fast path (left) differs from the resolvers (right)"
    );
}

fn without_request_ids(mut response: Value) -> Value {
    if let Some(errors) = response["errors"].as_array_mut() {
        for error in errors {
            if let Some(extensions) = error["extensions"].as_object_mut() {
                extensions.remove("requestId");
            }
        }
    }
    response
}

#[tokio::test]
async fn a_page_answers_what_the_resolvers_answer_for_every_role() {
    let (fast, resolvers) = both_paths().await;
    attested_by_both_firms(&fast).await;
    for email in EVERYONE {
        for vars in [
            json!({ "first": 100 }),
            json!({ "first": 3 }),
            json!({ "last": 4 }),
            json!({ "first": 5, "order": { "field": "UPDATED_AT", "direction": "DESC" } }),
            json!({ "first": 5, "order": { "field": "REQUESTED_AMOUNT_USD", "direction": "ASC" } }),
            json!({ "first": 5, "order": { "field": "REFERENCE" } }),
            json!({ "first": 0 }),
            json!({ "first": 2, "after": "not-a-cursor" }),
        ] {
            same_answer(&fast, &resolvers, email, EVERYTHING, vars).await;
        }
        // A VC firm reads the status view only of records it did not file: the fields outside it are refused
        // (by the resolvers, which the fast path leaves a VC's content fields to), and the fast path serves the rest.
        let status_view = status_view();
        same_answer(
            &fast,
            &resolvers,
            email,
            &status_view,
            json!({ "first": 100 }),
        )
        .await;
        // The second page, through the cursor of the first.
        let first = fast
            .graphql(
                Some(&fast.token_for(email).await),
                EVERYTHING,
                json!({ "first": 2 }),
            )
            .await["data"]
            .clone();
        // A status view keeps the page: content fields are null where refused, never the whole list.
        assert!(
            first["opportunities"]["pageInfo"].is_object(),
            "as {email}: no page: {first}"
        );
        if let Some(end) = first["opportunities"]["pageInfo"]["endCursor"].as_str() {
            same_answer(
                &fast,
                &resolvers,
                email,
                EVERYTHING,
                json!({ "first": 2, "after": end }),
            )
            .await;
            same_answer(
                &fast,
                &resolvers,
                email,
                EVERYTHING,
                json!({ "last": 2, "before": end }),
            )
            .await;
        }
    }
}

#[tokio::test]
async fn a_record_by_id_answers_what_the_resolvers_answer_for_every_role() {
    let (fast, resolvers) = both_paths().await;
    let nodes = attested_by_both_firms(&fast).await;
    for email in EVERYONE {
        for node in &nodes {
            // Visible or not (NOT_FOUND), the two paths agree.
            same_answer(&fast, &resolvers, email, BY_ID, json!({ "id": node["id"] })).await;
        }
        if let Some(partner) = nodes.iter().find_map(|n| n["partner"]["id"].as_str()) {
            same_answer(&fast, &resolvers, email, BY_ID, json!({ "id": partner })).await;
        }
        same_answer(
            &fast,
            &resolvers,
            email,
            BY_ID,
            json!({ "id": "T3Bwb3J0dW5pdHk6OTk5OTk" }),
        )
        .await;
    }
}

/// Every record of the demo data (its id, partner and customer), after both VC firms attested each record's customer: each firm
/// then sees those records, but only its own firm's attestations of their customers (a customer attested twice by
/// one firm simply has two of its attestations).
async fn attested_by_both_firms(app: &TestApp) -> Vec<Value> {
    let all = app
        .query_as(
            ADMIN,
            "{ opportunities(first: 100) { nodes { id partner { id } customer { id } } } }",
            json!({}),
        )
        .await;
    let nodes = all["opportunities"]["nodes"].as_array().unwrap().clone();
    assert!(nodes.len() >= 15, "the demo data has records: {all}");
    let attest =
        "mutation($i: AttestFundingInput!) { attestFunding(input: $i) { userErrors { code } } }";
    let closed_on = (chrono::Utc::now() - chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    for firm in [VC_EMERGING, VC_PORTFOLIO] {
        let token = app.token_for(firm).await;
        for node in &nodes {
            let input = json!({
                "customerId": node["customer"]["id"], "round": "SEED", "amountUsd": 2_000_000,
                "closedOn": closed_on,
            });
            let response = app
                .graphql(Some(&token), attest, json!({ "i": input }))
                .await;
            assert!(response.get("errors").is_none(), "{response}");
        }
    }
    nodes
}

const PIPELINE: &str = "query($first: Int!) {
  opportunities(first: $first, orderBy: { field: UPDATED_AT, direction: DESC }) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id reference status fundingSource requestedAmountUsd updatedAt
      customer { id legalName country fundingStage attestations { round amountUsd closedOn vcFirm { name reputation } } }
      partner { id name tier }
      vcFirm { id name reputation }
    }
  }
}";

#[tokio::test]
async fn a_page_with_customers_attestations_and_partners_takes_two_statements_and_the_account_at_most()
 {
    let app = TestApp::spawn().await;
    let token = app.login_for_counting(ADMIN).await;
    // The caller's account is read on every request unless this process keeps it (PostgreSQL, where it hears of
    // every change).
    let account = if app.keeps_accounts().await { 0 } else { 1 };
    for first in [1, 5, 50] {
        let before = app.statements();
        let response = app
            .graphql(Some(&token), PIPELINE, json!({ "first": first }))
            .await;
        assert!(response.get("errors").is_none(), "{response}");
        // The page joined to customers and filers, the attestations with their firms, and maybe the account.
        assert_eq!(
            app.statements() - before,
            2 + account,
            "page of {first}: {response}"
        );
    }
}

#[tokio::test]
async fn a_record_with_its_customers_attestations_takes_one_statement_and_the_account_at_most() {
    let app = TestApp::spawn().await;
    let token = app.login_for_counting(VC_PORTFOLIO).await;
    let account = if app.keeps_accounts().await { 0 } else { 1 };
    let records = app
        .graphql(
            Some(&token),
            "{ opportunities(first: 50) { nodes { id } } }",
            json!({}),
        )
        .await["data"]
        .clone();
    let mut attestations_seen = 0;
    for node in records["opportunities"]["nodes"].as_array().unwrap() {
        let before = app.statements();
        let response = app
            .graphql(Some(&token), BY_ID, json!({ "id": node["id"] }))
            .await;
        assert!(response.get("errors").is_none(), "{response}");
        assert_eq!(app.statements() - before, 1 + account, "{response}");
        attestations_seen += response["data"]["node"]["customer"]["attestations"]
            .as_array()
            .unwrap()
            .len();
    }
    assert!(
        attestations_seen > 0,
        "the demo data has attested customers"
    );
}

#[tokio::test]
async fn a_selection_the_fast_path_does_not_know_still_resolves() {
    let app = TestApp::spawn().await;
    let data = app
        .query_as(
            PARTNER_PREMIER,
            "{ opportunities(first: 2) { nodes { reference filedBy { email } customer { legalName } } } }",
            json!({}),
        )
        .await;
    let nodes = data["opportunities"]["nodes"].as_array().unwrap();
    assert!(!nodes.is_empty());
    assert!(
        nodes.iter().all(|n| n["filedBy"]["email"].is_string()),
        "{data}"
    );
}
