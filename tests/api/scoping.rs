//! Row-level visibility: what a viewer may not see behaves exactly as if it did not exist.

use serde_json::{Value, json};

use crate::helpers::*;

const ALL_RECORDS: &str = "query($status: [OpportunityStatus!]) {
  opportunities(first: 100, filter: { status: $status }) {
    totalCount
    nodes { id status partner { id } vcFirm { id } customer { id } }
  }
}";

async fn records(app: &TestApp, email: &str, status: Value) -> (i64, Vec<Value>) {
    let data = app
        .query_as(email, ALL_RECORDS, json!({ "status": status }))
        .await;
    let connection = &data["opportunities"];
    (
        connection["totalCount"].as_i64().unwrap(),
        connection["nodes"].as_array().unwrap().clone(),
    )
}

async fn viewer(app: &TestApp, email: &str) -> Value {
    app.query_as(
        email,
        "{ viewer { id partner { id } vcFirm { id } customer { id } } }",
        json!({}),
    )
    .await["viewer"]
        .clone()
}

#[tokio::test]
async fn a_partner_sees_exactly_its_own_firms_records() {
    let app = TestApp::spawn().await;
    let (_, everything) = records(&app, ADMIN, Value::Null).await;
    for email in [PARTNER_PREMIER, PARTNER_ADVANCED, PARTNER_SELECT] {
        let firm = viewer(&app, email).await["partner"]["id"].clone();
        let expected = everything
            .iter()
            .filter(|r| r["partner"]["id"] == firm)
            .count();
        assert!(expected > 0, "the demo data gives {email} records");
        let (total, seen) = records(&app, email, Value::Null).await;
        assert_eq!(total as usize, expected, "{email} totalCount");
        assert_eq!(seen.len(), expected, "{email} page");
        assert!(
            seen.iter().all(|r| r["partner"]["id"] == firm),
            "{email} sees only its firm's records"
        );
    }
}

#[tokio::test]
async fn another_firms_record_is_not_found_through_node_and_nodes() {
    let app = TestApp::spawn().await;
    let premier = viewer(&app, PARTNER_PREMIER).await["partner"]["id"].clone();
    let (_, everything) = records(&app, ADMIN, Value::Null).await;
    let foreign = everything
        .iter()
        .find(|r| r["partner"]["id"] == premier)
        .unwrap()["id"]
        .clone();

    let token = app.login(PARTNER_SELECT).await;
    let response = app
        .graphql(
            Some(&token),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": foreign }),
        )
        .await;
    assert_eq!(error_code(&response), Some("NOT_FOUND"));
    assert!(response["data"]["node"].is_null());

    let missing = app
        .graphql(
            Some(&token),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": "T3Bwb3J0dW5pdHk6OTk5OTk5" }),
        )
        .await;
    assert_eq!(
        missing["errors"][0]["message"], response["errors"][0]["message"],
        "indistinguishable from absent"
    );

    let response = app
        .graphql(
            Some(&token),
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [foreign] }),
        )
        .await;
    assert_eq!(response["data"]["nodes"], json!([null]));
}

#[tokio::test]
async fn reviewers_see_every_record_but_drafts_and_analysts_see_drafts_too() {
    let app = TestApp::spawn().await;
    let (all, _) = records(&app, ADMIN, Value::Null).await;
    let (drafts, draft_nodes) = records(&app, ADMIN, json!(["DRAFT"])).await;
    assert!(drafts > 0, "the demo data has drafts");

    let (reviewer_total, _) = records(&app, REVIEWER, Value::Null).await;
    assert_eq!(reviewer_total, all - drafts);
    let (reviewer_drafts, _) = records(&app, REVIEWER, json!(["DRAFT"])).await;
    assert_eq!(reviewer_drafts, 0);
    let token = app.login(REVIEWER).await;
    let response = app
        .graphql(
            Some(&token),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": draft_nodes[0]["id"] }),
        )
        .await;
    assert_eq!(error_code(&response), Some("NOT_FOUND"));

    let (analyst_total, _) = records(&app, ANALYST, Value::Null).await;
    assert_eq!(analyst_total, all);
}

#[tokio::test]
async fn a_vc_firm_sees_only_the_companies_it_attested_and_only_its_own_attestations() {
    let app = TestApp::spawn().await;
    let firm = viewer(&app, VC_PORTFOLIO).await["vcFirm"]["id"].clone();
    let query =
        "{ customers(first: 100) { totalCount nodes { id attestations { vcFirm { id } } } } }";
    let everything = app.query_as(ADMIN, query, json!({})).await;
    let attested: Vec<&Value> = everything["customers"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["attestations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["vcFirm"]["id"] == firm)
        })
        .collect();
    assert!(!attested.is_empty());

    let seen = app.query_as(VC_PORTFOLIO, query, json!({})).await;
    let seen_nodes = seen["customers"]["nodes"].as_array().unwrap();
    assert_eq!(
        seen["customers"]["totalCount"].as_i64().unwrap() as usize,
        attested.len()
    );
    let mut seen_ids: Vec<_> = seen_nodes.iter().map(|c| c["id"].clone()).collect();
    let mut expected_ids: Vec<_> = attested.iter().map(|c| c["id"].clone()).collect();
    seen_ids.sort_by_key(|v| v.to_string());
    expected_ids.sort_by_key(|v| v.to_string());
    assert_eq!(seen_ids, expected_ids);
    for customer in seen_nodes {
        assert!(
            customer["attestations"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["vcFirm"]["id"] == firm)
        );
    }

    let (_, records_seen) = records(&app, VC_PORTFOLIO, Value::Null).await;
    for record in records_seen {
        let attested_customer = expected_ids.contains(&record["customer"]["id"]);
        assert!(
            attested_customer || record["vcFirm"]["id"] == firm,
            "VC sees {record}"
        );
        assert!(
            record["status"] != "DRAFT" || record["vcFirm"]["id"] == firm,
            "no other filer's drafts"
        );
    }
}

#[tokio::test]
async fn a_founder_sees_only_its_own_company_and_its_submitted_records() {
    let app = TestApp::spawn().await;
    let company = viewer(&app, FOUNDER).await["customer"]["id"].clone();
    let data = app
        .query_as(
            FOUNDER,
            "{ customers(first: 100) { totalCount nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["customers"]["totalCount"], 1);
    assert_eq!(data["customers"]["nodes"][0]["id"], company);
    let (_, seen) = records(&app, FOUNDER, Value::Null).await;
    assert!(!seen.is_empty());
    assert!(
        seen.iter()
            .all(|r| r["customer"]["id"] == company && r["status"] != "DRAFT")
    );
}

#[tokio::test]
async fn a_partner_sees_only_the_customers_it_works_with() {
    let app = TestApp::spawn().await;
    let query = "{ customers(first: 100) { totalCount nodes { id } } }";
    let all = app.query_as(ADMIN, query, json!({})).await["customers"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    let mine = app.query_as(PARTNER_SELECT, query, json!({})).await["customers"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert!(!mine.is_empty() && mine.len() < all.len());
    let hidden = all.iter().find(|c| !mine.contains(c)).unwrap();
    let token = app.login(PARTNER_SELECT).await;
    let response = app
        .graphql(
            Some(&token),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": hidden["id"] }),
        )
        .await;
    assert_eq!(error_code(&response), Some("NOT_FOUND"));
}

#[tokio::test]
async fn nested_connections_and_counts_respect_the_viewers_scope() {
    let app = TestApp::spawn().await;
    let premier = viewer(&app, PARTNER_PREMIER).await["partner"]["id"].clone();
    let query = "query($id: ID!) { node(id: $id) { ... on Partner { name opportunities(first: 100) { totalCount } } } }";
    let as_admin = app.query_as(ADMIN, query, json!({ "id": premier })).await;
    assert!(
        as_admin["node"]["opportunities"]["totalCount"]
            .as_i64()
            .unwrap()
            > 0
    );
    // The partner directory is public, the firm's records are not.
    let as_select = app
        .query_as(PARTNER_SELECT, query, json!({ "id": premier }))
        .await;
    assert_eq!(as_select["node"]["opportunities"]["totalCount"], 0);
}

#[tokio::test]
async fn audit_events_are_for_staff_and_otherwise_only_ones_own() {
    let app = TestApp::spawn().await;
    let query = "{ auditEvents(first: 100) { totalCount nodes { actor { id } } } }";
    let staff = app.query_as(ANALYST, query, json!({})).await;
    assert!(staff["auditEvents"]["totalCount"].as_i64().unwrap() > 0);
    let me = viewer(&app, PARTNER_SELECT).await["id"].clone();
    let own = app.query_as(PARTNER_SELECT, query, json!({})).await;
    assert!(
        own["auditEvents"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor"]["id"] == me)
    );
    assert!(
        own["auditEvents"]["totalCount"].as_i64().unwrap()
            < staff["auditEvents"]["totalCount"].as_i64().unwrap()
    );
}

#[tokio::test]
async fn the_eligibility_report_is_for_the_filer_and_staff_only() {
    let app = TestApp::spawn().await;
    let query = "{ opportunities(first: 1, filter: { search: \"O1000015\" }) { nodes { eligibility { recommendedDecision } } } }";
    for email in [PARTNER_ADVANCED, REVIEWER, ANALYST] {
        app.query_as(email, query, json!({})).await;
    }
    for email in [FOUNDER, VC_PORTFOLIO] {
        let token = app.token_for(email).await;
        let response = app.graphql(Some(&token), query, json!({})).await;
        assert_eq!(
            error_code(&response),
            Some("FORBIDDEN"),
            "{email}: {response}"
        );
    }
}

#[tokio::test]
async fn people_met_through_a_record_show_a_masked_email_outside_their_organisation() {
    let app = TestApp::spawn().await;
    let query = "{ opportunities(first: 20, filter: { status: [CREDITS_ISSUED, SUBMITTED] }) { nodes { filedBy { email } } } }";
    let founder = app.query_as(FOUNDER, query, json!({})).await;
    let emails: Vec<&str> = founder["opportunities"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["filedBy"]["email"].as_str().unwrap())
        .collect();
    assert!(!emails.is_empty());
    assert!(emails.iter().all(|e| e.contains("***@")), "{emails:?}");
    let partner = app.query_as(PARTNER_ADVANCED, query, json!({})).await;
    assert!(
        partner["opportunities"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| !n["filedBy"]["email"].as_str().unwrap().contains("***"))
    );
}
