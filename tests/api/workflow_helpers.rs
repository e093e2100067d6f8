//! Steps of the filing and review workflow, as a client performs them.

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code};

pub const RECORD_FIELDS: &str = "id reference status version awardedAmountUsd availableActions
  eligibility { recommendedDecision recommendedAmountUsd checks { check outcome detail } }
  creditGrant { faceValueUsd awsAccountId issuedAt expiresAt }";

/// The global ID of the customer whose legal name contains `name`, as seen by an admin.
pub async fn customer_id(app: &TestApp, name: &str) -> Value {
    let data = app
        .query_as(
            crate::helpers::ADMIN,
            "query($q: String) { customers(first: 2, filter: { search: $q }) { nodes { id legalName } } }",
            json!({ "q": name }),
        )
        .await;
    let nodes = data["customers"]["nodes"].as_array().unwrap();
    assert_eq!(
        nodes.len(),
        1,
        "exactly one customer matches {name}: {nodes:?}"
    );
    nodes[0]["id"].clone()
}

/// The record with this reference, as seen by an admin.
pub async fn record_by_reference(app: &TestApp, reference: &str) -> Value {
    let query = format!(
        "query($q: String) {{ opportunities(first: 1, filter: {{ search: $q }}) {{ nodes {{ {RECORD_FIELDS} }} }} }}"
    );
    let data = app
        .query_as(crate::helpers::ADMIN, &query, json!({ "q": reference }))
        .await;
    data["opportunities"]["nodes"][0].clone()
}

pub fn check<'a>(record: &'a Value, name: &str) -> &'a Value {
    record["eligibility"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == name)
        .unwrap_or_else(|| panic!("no {name} row in {record}"))
}

/// Runs a mutation and returns its payload (the field named `field`), failing on GraphQL errors.
pub async fn mutate(
    app: &TestApp,
    token: &str,
    field: &str,
    input_type: &str,
    input: Value,
    selection: &str,
) -> Value {
    let response = try_mutate(app, token, field, input_type, input, selection).await;
    assert!(
        response.get("errors").is_none(),
        "{field} failed: {response}"
    );
    response["data"][field].clone()
}

pub async fn try_mutate(
    app: &TestApp,
    token: &str,
    field: &str,
    input_type: &str,
    input: Value,
    selection: &str,
) -> Value {
    let query = format!(
        "mutation($input: {input_type}!) {{ {field}(input: $input) {{ {selection} userErrors {{ field code message }} }} }}"
    );
    app.graphql(Some(token), &query, json!({ "input": input }))
        .await
}

pub fn record_selection() -> String {
    format!("opportunity {{ {RECORD_FIELDS} }}")
}

/// A payload's record, asserting it came without userErrors.
pub fn ok_record(payload: &Value) -> Value {
    assert_eq!(
        payload["userErrors"],
        json!([]),
        "unexpected userErrors: {payload}"
    );
    payload["opportunity"].clone()
}

pub fn user_error_codes(payload: &Value) -> Vec<String> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_owned())
        .collect()
}

pub struct NewRecord<'a> {
    pub customer: Value,
    pub source: &'a str,
    pub engagement: &'a str,
    pub workload: &'a str,
    pub use_case: &'a str,
    pub lines: Value,
    pub requested: i64,
}

impl NewRecord<'_> {
    pub fn input(&self) -> Value {
        json!({
            "customerId": self.customer,
            "fundingSource": self.source,
            "engagementType": self.engagement,
            "workloadName": self.workload,
            "useCase": self.use_case,
            "scopeOfWork": "The partner designs the architecture, builds the infrastructure as code and runs the first load tests with the customer's engineers.",
            "projectedConsumption": self.lines,
            "estimatedAnnualDealUsd": 60000,
            "requestedAmountUsd": self.requested,
        })
    }
}

pub async fn create(app: &TestApp, token: &str, record: &NewRecord<'_>) -> Value {
    let payload = mutate(
        app,
        token,
        "createOpportunity",
        "CreateOpportunityInput",
        record.input(),
        &record_selection(),
    )
    .await;
    ok_record(&payload)
}

pub async fn submit(app: &TestApp, token: &str, record: &Value) -> Value {
    let input = json!({ "id": record["id"], "expectedVersion": record["version"] });
    mutate(
        app,
        token,
        "submitOpportunity",
        "SubmitOpportunityInput",
        input,
        &record_selection(),
    )
    .await
}

pub async fn start_review(app: &TestApp, token: &str, record: &Value) -> Value {
    let input = json!({ "id": record["id"], "expectedVersion": record["version"] });
    ok_record(
        &mutate(
            app,
            token,
            "startReview",
            "StartReviewInput",
            input,
            &record_selection(),
        )
        .await,
    )
}

pub async fn decide(app: &TestApp, token: &str, record: &Value, decision: Value) -> Value {
    let mut input = decision;
    input["id"] = record["id"].clone();
    input["expectedVersion"] = record["version"].clone();
    mutate(
        app,
        token,
        "decideOpportunity",
        "DecideOpportunityInput",
        input,
        &record_selection(),
    )
    .await
}

pub async fn issue(app: &TestApp, token: &str, record: &Value) -> Value {
    let input = json!({ "opportunityId": record["id"] });
    mutate(
        app,
        token,
        "issueCredits",
        "IssueCreditsInput",
        input,
        "creditGrant { id faceValueUsd awsAccountId issuedAt expiresAt }",
    )
    .await
}

/// Reviews a SUBMITTED record to an approval at the requested amount.
pub async fn approve(app: &TestApp, reviewer: &str, record: &Value) -> Value {
    let in_review = start_review(app, reviewer, record).await;
    ok_record(&decide(app, reviewer, &in_review, json!({ "decision": "APPROVE" })).await)
}

/// Reviews a SUBMITTED record to an approval at the requested amount and issues its credits.
pub async fn approve_and_issue(app: &TestApp, reviewer: &str, record: &Value) -> (Value, Value) {
    let approved = approve(app, reviewer, record).await;
    let grant = issue(app, reviewer, &approved).await;
    assert_eq!(grant["userErrors"], json!([]), "{grant}");
    (approved, grant["creditGrant"].clone())
}

pub fn months_between(from: &str, to: &str) -> i64 {
    let from: chrono::DateTime<chrono::Utc> = from.parse().unwrap();
    let to: chrono::DateTime<chrono::Utc> = to.parse().unwrap();
    use chrono::Datelike;
    (to.year() - from.year()) as i64 * 12 + to.month() as i64 - from.month() as i64
}

pub fn assert_code(response: &Value, code: &str) {
    assert_eq!(error_code(response), Some(code), "{response}");
}
