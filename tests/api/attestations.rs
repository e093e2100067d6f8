//! Funding attestations by VC firms: attesting as one's own firm, idempotent retries, revocation that keeps the
//! record, and what a VC may learn of a company before attesting it.

use std::sync::Arc;

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{org::*, *};

const ATTESTATION: &str = "attestation { id round amountUsd closedOn revokedAt revocationReason vcFirm { name } customer { legalName } attestedBy { email } }";

/// Cactus Commerce's AWS account in the demo data; no VC firm has attested it.
const CACTUS_ACCOUNT: &str = "973810294657";

fn days_ago(days: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

fn series_a(customer: &Value) -> Value {
    json!({ "customerId": customer, "round": "SERIES_A", "amountUsd": 5_000_000, "closedOn": days_ago(20) })
}

async fn attest(app: &TestApp, token: &str, input: Value) -> Value {
    send(
        app,
        token,
        "attestFunding",
        "AttestFundingInput",
        input,
        ATTESTATION,
    )
    .await
}

async fn revoke(app: &TestApp, token: &str, id: &Value, reason: &str) -> Value {
    send(
        app,
        token,
        "revokeAttestation",
        "RevokeAttestationInput",
        json!({ "id": id, "reason": reason }),
        ATTESTATION,
    )
    .await
}

#[tokio::test]
async fn a_vc_attests_a_customer_by_its_id_always_as_its_own_firm() {
    let app = TestApp::spawn().await;
    let northwind = customer_named(&app, "Northwind").await;
    let before = attestations_of(&app, &northwind).await.len();
    let token = app.login(VC_EMERGING).await;
    let response = attest(&app, &token, series_a(&northwind)).await;
    assert!(response.get("errors").is_none(), "{response}");
    let payload = &response["data"]["attestFunding"];
    assert_eq!(payload["userErrors"], json!([]));
    let attestation = &payload["attestation"];
    assert_eq!(attestation["vcFirm"]["name"], "Seedling Collective");
    assert_eq!(attestation["attestedBy"]["email"], VC_EMERGING);
    assert_eq!(
        attestation["customer"]["legalName"],
        "Northwind Analytics Ltd"
    );
    assert_eq!(attestation["round"], "SERIES_A");
    assert!(attestation["revokedAt"].is_null());
    assert_eq!(attestations_of(&app, &northwind).await.len(), before + 1);

    let trail = audit_trail(&app, &attestation["id"]).await;
    assert_eq!(trail[0].0, "attestation.create");

    // The firm now sees the company it attested.
    let seen = app
        .graphql(
            Some(&token),
            "query($id: ID!) { node(id: $id) { ... on Customer { legalName } } }",
            json!({ "id": northwind }),
        )
        .await;
    assert_eq!(seen["data"]["node"]["legalName"], "Northwind Analytics Ltd");
}

#[tokio::test]
async fn a_vc_attests_a_customer_by_its_exact_aws_account_id() {
    let app = TestApp::spawn().await;
    let token = app.login(VC_PORTFOLIO).await;
    let response = attest(
        &app,
        &token,
        json!({ "awsAccountId": CACTUS_ACCOUNT, "round": "SEED", "amountUsd": 1_500_000, "closedOn": days_ago(3) }),
    )
    .await;
    assert!(response.get("errors").is_none(), "{response}");
    let attestation = &response["data"]["attestFunding"]["attestation"];
    assert_eq!(attestation["customer"]["legalName"], "Cactus Commerce LLC");
    assert_eq!(attestation["vcFirm"]["name"], "Summit Peak Ventures");
}

#[tokio::test]
async fn the_customer_is_named_by_exactly_one_well_formed_reference_and_an_unknown_one_is_not_found()
 {
    let app = TestApp::spawn().await;
    let token = app.login(VC_PORTFOLIO).await;
    let northwind = customer_named(&app, "Northwind").await;
    let before = attestations_of(&app, &northwind).await.len();

    let mut both = series_a(&northwind);
    both["awsAccountId"] = json!(CACTUS_ACCOUNT);
    let response = attest(&app, &token, both).await;
    assert_eq!(
        user_errors(&response, "attestFunding"),
        vec![(
            "input.customerId".to_owned(),
            "CUSTOMER_REFERENCE_REQUIRED".to_owned()
        )]
    );

    let neither = json!({ "round": "SEED", "amountUsd": 1, "closedOn": days_ago(1) });
    let response = attest(&app, &token, neither).await;
    assert_eq!(
        user_errors(&response, "attestFunding"),
        vec![(
            "input.customerId".to_owned(),
            "CUSTOMER_REFERENCE_REQUIRED".to_owned()
        )]
    );

    let malformed = json!({ "awsAccountId": "9738-1029-4657", "round": "SEED", "amountUsd": 1, "closedOn": days_ago(1) });
    let response = attest(&app, &token, malformed).await;
    assert_eq!(
        user_errors(&response, "attestFunding"),
        vec![(
            "input.awsAccountId".to_owned(),
            "INVALID_AWS_ACCOUNT_ID".to_owned()
        )]
    );

    let unknown = json!({ "awsAccountId": "000000000000", "round": "SEED", "amountUsd": 1, "closedOn": days_ago(1) });
    assert_eq!(
        error_code(&attest(&app, &token, unknown).await),
        Some("NOT_FOUND")
    );
    let missing_id = acegate::graphql::ids::NodeType::Customer
        .id(999_999)
        .to_string();
    let response = attest(&app, &token, series_a(&json!(missing_id))).await;
    assert_eq!(error_code(&response), Some("NOT_FOUND"));

    assert_eq!(attestations_of(&app, &northwind).await.len(), before);
}

#[tokio::test]
async fn the_amount_must_be_positive_the_round_closed_and_a_startup_round() {
    let app = TestApp::spawn().await;
    let token = app.login(VC_PORTFOLIO).await;
    let northwind = customer_named(&app, "Northwind").await;
    let before = attestations_of(&app, &northwind).await.len();
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    let response = attest(
        &app,
        &token,
        json!({ "customerId": northwind, "round": "ENTERPRISE", "amountUsd": 0, "closedOn": tomorrow }),
    )
    .await;
    let mut errors = user_errors(&response, "attestFunding");
    errors.sort();
    assert_eq!(
        errors,
        vec![
            (
                "input.amountUsd".to_owned(),
                "NON_POSITIVE_AMOUNT".to_owned()
            ),
            ("input.closedOn".to_owned(), "CLOSED_IN_FUTURE".to_owned()),
            ("input.round".to_owned(), "NOT_A_STARTUP_ROUND".to_owned()),
        ]
    );
    let mut public_sector = series_a(&northwind);
    public_sector["round"] = json!("PUBLIC_SECTOR");
    let response = attest(&app, &token, public_sector).await;
    assert_eq!(
        user_errors(&response, "attestFunding"),
        vec![("input.round".to_owned(), "NOT_A_STARTUP_ROUND".to_owned())]
    );
    assert_eq!(
        attestations_of(&app, &northwind).await.len(),
        before,
        "nothing was written"
    );
}

#[tokio::test]
async fn only_vc_users_may_attest_funding() {
    let app = TestApp::spawn().await;
    let northwind = customer_named(&app, "Northwind").await;
    for email in [ADMIN, PARTNER_ADVANCED, REVIEWER, FOUNDER] {
        let token = app.login(email).await;
        let response = attest(&app, &token, series_a(&northwind)).await;
        assert_eq!(error_code(&response), Some("FORBIDDEN"), "{email}");
    }
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_returns_the_first_attestation() {
    let app = TestApp::spawn().await;
    let token = app.login(VC_PORTFOLIO).await;
    let northwind = customer_named(&app, "Northwind").await;
    let before = attestations_of(&app, &northwind).await.len();
    let mut input = series_a(&northwind);
    input["idempotencyKey"] = json!("attest-northwind-series-a");

    let first = attest(&app, &token, input.clone()).await;
    let second = attest(&app, &token, input.clone()).await;
    let id = &first["data"]["attestFunding"]["attestation"]["id"];
    assert!(id.is_string(), "{first}");
    assert_eq!(&second["data"]["attestFunding"]["attestation"]["id"], id);

    // The same company named by its AWS account ID is the same request.
    let account = app
        .query_as(
            ADMIN,
            "query($id: ID!) { node(id: $id) { ... on Customer { awsAccountId } } }",
            json!({ "id": northwind }),
        )
        .await["node"]["awsAccountId"]
        .clone();
    let mut by_account = input.clone();
    by_account.as_object_mut().unwrap().remove("customerId");
    by_account["awsAccountId"] = account;
    let third = attest(&app, &token, by_account).await;
    assert_eq!(&third["data"]["attestFunding"]["attestation"]["id"], id);
    assert_eq!(attestations_of(&app, &northwind).await.len(), before + 1);
}

#[tokio::test]
async fn the_same_idempotency_key_with_another_input_is_a_conflict() {
    let app = TestApp::spawn().await;
    let token = app.login(VC_PORTFOLIO).await;
    let northwind = customer_named(&app, "Northwind").await;
    let mut input = series_a(&northwind);
    input["idempotencyKey"] = json!("key-1");
    attest(&app, &token, input.clone()).await;
    let before = attestations_of(&app, &northwind).await.len();

    input["amountUsd"] = json!(6_000_000);
    let response = attest(&app, &token, input).await;
    assert_eq!(error_code(&response), Some("CONFLICT"));
    assert_eq!(attestations_of(&app, &northwind).await.len(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_concurrent_attestations_with_one_idempotency_key_produce_exactly_one() {
    let app = Arc::new(TestApp::spawn().await);
    let token = app.login(VC_PORTFOLIO).await;
    let northwind = customer_named(&app, "Northwind").await;
    let before = attestations_of(&app, &northwind).await.len();
    let mut input = series_a(&northwind);
    input["idempotencyKey"] = json!("concurrent-key");

    let tasks = (0..10).map(|_| {
        let (app, token, input) = (app.clone(), token.clone(), input.clone());
        tokio::spawn(async move { attest(&app, &token, input).await })
    });
    let responses: Vec<Value> = join_all(tasks)
        .await
        .into_iter()
        .map(|joined| joined.expect("the request task finished"))
        .collect();
    let ids: Vec<&Value> = responses
        .iter()
        .map(|r| {
            assert!(r.get("errors").is_none(), "{r}");
            &r["data"]["attestFunding"]["attestation"]["id"]
        })
        .collect();
    assert!(ids[0].is_string());
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "one attestation for all: {ids:?}"
    );
    assert_eq!(attestations_of(&app, &northwind).await.len(), before + 1);
}

#[tokio::test]
async fn revoking_keeps_the_attestation_with_its_reason_and_a_second_revoke_is_a_user_error() {
    let app = TestApp::spawn().await;
    let token = app.login(VC_PORTFOLIO).await;
    let northwind = customer_named(&app, "Northwind").await;
    let created = attest(&app, &token, series_a(&northwind)).await;
    let id = created["data"]["attestFunding"]["attestation"]["id"].clone();

    let response = revoke(
        &app,
        &token,
        &id,
        "Attested the wrong round: this was the seed extension.",
    )
    .await;
    assert!(response.get("errors").is_none(), "{response}");
    let revoked = &response["data"]["revokeAttestation"]["attestation"];
    assert!(revoked["revokedAt"].is_string());
    assert_eq!(
        revoked["revocationReason"],
        "Attested the wrong round: this was the seed extension."
    );

    let kept = attestations_of(&app, &northwind).await;
    let row = kept
        .iter()
        .find(|a| a["id"] == id)
        .expect("the row is kept");
    assert_eq!(row["revokedAt"], revoked["revokedAt"]);
    assert_eq!(row["amountUsd"], 5_000_000);

    let again = revoke(&app, &token, &id, "again").await;
    assert_eq!(
        user_errors(&again, "revokeAttestation"),
        vec![("input.id".to_owned(), "ALREADY_REVOKED".to_owned())]
    );
    let blank = revoke(&app, &token, &id, "  ").await;
    assert_eq!(
        user_errors(&blank, "revokeAttestation"),
        vec![("input.reason".to_owned(), "REQUIRED".to_owned())]
    );
    let actions: Vec<String> = audit_trail(&app, &id)
        .await
        .into_iter()
        .map(|(a, _, _)| a)
        .collect();
    assert_eq!(actions, vec!["attestation.revoke", "attestation.create"]);
}

#[tokio::test]
async fn a_vc_cannot_revoke_another_firms_attestation() {
    let app = TestApp::spawn().await;
    let northwind = customer_named(&app, "Northwind").await;
    // Summit Peak Ventures attested Northwind's Series A in the demo data.
    let summits = attestations_of(&app, &northwind).await;
    let summits = summits
        .iter()
        .find(|a| a["vcFirm"]["name"] == "Summit Peak Ventures")
        .unwrap();
    let emerging = app.login(VC_EMERGING).await;
    let response = revoke(&app, &emerging, &summits["id"], "not ours").await;
    assert_eq!(error_code(&response), Some("NOT_FOUND"));
    let admin = app.login(ADMIN).await;
    let response = revoke(&app, &admin, &summits["id"], "admins do not revoke").await;
    assert_eq!(error_code(&response), Some("FORBIDDEN"));
    let after = attestations_of(&app, &northwind).await;
    let row = after.iter().find(|a| a["id"] == summits["id"]).unwrap();
    assert!(row["revokedAt"].is_null());
}

#[tokio::test]
async fn customer_lookup_reveals_only_the_legal_name_and_nothing_else() {
    let app = TestApp::spawn().await;
    let token = app.login(VC_EMERGING).await;
    let query = "query($a: String!) { customerLookup(awsAccountId: $a) { id legalName } }";
    let response = app
        .graphql(Some(&token), query, json!({ "a": CACTUS_ACCOUNT }))
        .await;
    let found = &response["data"]["customerLookup"];
    assert_eq!(found["legalName"], "Cactus Commerce LLC");
    let cactus = customer_named(&app, "Cactus").await;
    assert_eq!(found["id"], cactus);

    // The type has no other field to ask for, and the company itself stays hidden until attested.
    let fields = app
        .graphql(
            Some(&token),
            "{ __type(name: \"CustomerLookup\") { fields { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        fields["data"]["__type"]["fields"],
        json!([{ "name": "id" }, { "name": "legalName" }])
    );
    let node = app
        .graphql(
            Some(&token),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": cactus }),
        )
        .await;
    assert_eq!(error_code(&node), Some("NOT_FOUND"));

    let unknown = app
        .graphql(Some(&token), query, json!({ "a": "000000000000" }))
        .await;
    assert!(unknown.get("errors").is_none(), "{unknown}");
    assert!(unknown["data"]["customerLookup"].is_null());

    let partner = app.login(PARTNER_SELECT).await;
    let refused = app
        .graphql(Some(&partner), query, json!({ "a": CACTUS_ACCOUNT }))
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"));
}
