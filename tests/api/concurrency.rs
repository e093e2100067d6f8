//! Concurrent writers: optimistic versions and idempotency keys hold under races (run on PostgreSQL by CI).

use serde_json::{Value, json};

use crate::{helpers::*, workflow_helpers::*};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_decisions_on_one_version_make_exactly_one_decision() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let reviewer = app.login(REVIEWER).await;
    let record = record_by_reference(&app, "O1000015").await;
    let in_review = start_review(&app, &reviewer, &record).await;
    let audit_before = app
        .query_as(
            ADMIN,
            "query($id: ID!) { auditEvents(first: 1, subjectId: $id) { totalCount } }",
            json!({ "id": in_review["id"] }),
        )
        .await;

    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (app, reviewer, in_review) = (app.clone(), reviewer.clone(), in_review.clone());
            tokio::spawn(async move {
                try_mutate(&app, &reviewer, "decideOpportunity", "DecideOpportunityInput", json!({ "id": in_review["id"], "expectedVersion": in_review["version"], "decision": "REJECT", "reasons": ["PLAUSIBLE_SPEND"] }), "opportunity { status }").await
            })
        })
        .collect();
    let mut outcomes: Vec<Value> = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    let succeeded = outcomes
        .iter()
        .filter(|r| r["data"]["decideOpportunity"]["opportunity"]["status"] == "REJECTED")
        .count();
    let conflicts = outcomes
        .iter()
        .filter(|r| r["errors"][0]["extensions"]["code"] == "CONFLICT")
        .count();
    assert_eq!((succeeded, conflicts), (1, 19), "{outcomes:?}");

    let decisions = app
        .query_as(
            ADMIN,
            "query($id: ID!) { node(id: $id) { ... on Opportunity { decisions { kind } } } }",
            json!({ "id": in_review["id"] }),
        )
        .await;
    assert_eq!(decisions["node"]["decisions"].as_array().unwrap().len(), 1);
    let audit_after = app
        .query_as(
            ADMIN,
            "query($id: ID!) { auditEvents(first: 1, subjectId: $id) { totalCount } }",
            json!({ "id": in_review["id"] }),
        )
        .await;
    assert_eq!(
        audit_after["auditEvents"]["totalCount"].as_i64().unwrap(),
        audit_before["auditEvents"]["totalCount"].as_i64().unwrap() + 1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_concurrent_creates_with_one_idempotency_key_make_exactly_one_record() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let partner = app.login(PARTNER_SELECT).await;
    let before = app
        .query_as(ADMIN, "{ opportunities { totalCount } }", json!({}))
        .await["opportunities"]["totalCount"]
        .as_i64()
        .unwrap();
    let mut input = NewRecord {
        customer: customer_id(&app, "Cactus").await,
        source: "BUILD_FOR_STARTUPS",
        engagement: "BUILD",
        workload: "Race",
        use_case: "A portal that retries aggressively must still end up with one record per filing in acegate.",
        lines: json!([{ "service": "LAMBDA", "monthlyUsd": 100 }]),
        requested: 5_000,
    }
    .input();
    input["idempotencyKey"] = json!("retry-storm");

    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (app, partner, input) = (app.clone(), partner.clone(), input.clone());
            tokio::spawn(async move {
                try_mutate(
                    &app,
                    &partner,
                    "createOpportunity",
                    "CreateOpportunityInput",
                    input,
                    "opportunity { id }",
                )
                .await
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        let response = task.await.unwrap();
        assert!(response.get("errors").is_none(), "{response}");
        ids.push(response["data"]["createOpportunity"]["opportunity"]["id"].clone());
    }
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "{ids:?}");
    let after = app
        .query_as(ADMIN, "{ opportunities { totalCount } }", json!({}))
        .await["opportunities"]["totalCount"]
        .as_i64()
        .unwrap();
    assert_eq!(after, before + 1);
}
