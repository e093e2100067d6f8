//! The holes found when acegate was attacked as hostile partners, VCs and anonymous callers would (issue 13), each
//! closed and tried again through the API: what a VC reads after attesting, money that wrapped, facts that moved
//! under a record in review, a credit cap escaped by moving the account, bytes no text should hold, and approvals
//! for $0 that blocked a funding source for good.

use serde_json::{Value, json};

use crate::{
    helpers::{org::*, *},
    workflow_helpers::*,
};

const CUSTOMER: &str = "customer { id awsAccountId country fundingStage monthlyAwsSpendUsd competesWithAws updatedAt }";

/// A Series A company created by `partner`, whose records pass every check.
async fn series_a_customer(app: &TestApp, partner: &str, name: &str, account: &str) -> Value {
    let token = app.token_for(partner).await;
    let payload = send_ok(
        app,
        &token,
        "createCustomer",
        "CreateCustomerInput",
        json!({
            "legalName": name,
            "website": "https://integrity.example.com",
            "awsAccountId": account,
            "country": "GB",
            "incorporated": true,
            "fundingStage": "SERIES_A",
            "engineerCount": 22,
            "monthsOnAws": 14,
            "monthlyAwsSpendUsd": 5000,
            "marketplaceSpendShare": 0.1,
            "competesWithAws": false
        }),
        CUSTOMER,
    )
    .await;
    payload["customer"]["id"].clone()
}

fn record<'a>(
    customer: &Value,
    source: &'a str,
    workload: &'a str,
    use_case: &'a str,
) -> NewRecord<'a> {
    let lines = if source == "GENAI_POC" {
        json!([{ "service": "BEDROCK", "monthlyUsd": 3000 }, { "service": "LAMBDA", "monthlyUsd": 1500 }])
    } else {
        json!([{ "service": "EKS", "monthlyUsd": 4000 }, { "service": "AURORA", "monthlyUsd": 2000 }])
    };
    NewRecord {
        customer: customer.clone(),
        source,
        engagement: "BUILD",
        workload,
        use_case,
        lines,
        requested: if source == "ACTIVATE_PORTFOLIO" {
            100_000
        } else {
            25_000
        },
    }
}

const SUPPORT_AGENT: &str = "A customer-support agent that answers tickets from the product documentation with retrieval over the help centre and hands hard cases to people.";
const PLATFORM: &str = "The core multi-tenant analytics platform: ingestion on EKS, a tenant-per-schema Aurora cluster and nightly batch jobs for the reports customers download.";
const FORECASTING: &str = "Demand forecasting for the warehouse team, trained nightly on order history, with the forecasts served to the planning tool through an internal API.";

/// A SUBMITTED record of `customer`, filed by `partner`.
async fn submitted(app: &TestApp, partner: &str, new: &NewRecord<'_>) -> Value {
    let token = app.token_for(partner).await;
    let draft = create(app, &token, new).await;
    ok_record(&submit(app, &token, &draft).await)
}

/// Starts the review of a SUBMITTED record and approves it at the requested amount (or what is left of it).
async fn approve(app: &TestApp, reviewer: &str, record: &Value) -> Value {
    let in_review = start_review(app, reviewer, record).await;
    ok_record(&decide(app, reviewer, &in_review, json!({ "decision": "APPROVE" })).await)
}

async fn update_customer(app: &TestApp, partner: &str, changes: Value) -> Value {
    let token = app.token_for(partner).await;
    send(
        app,
        &token,
        "updateCustomer",
        "UpdateCustomerInput",
        changes,
        CUSTOMER,
    )
    .await
}

async fn attest(app: &TestApp, vc: &str, input: Value) -> Value {
    let token = app.token_for(vc).await;
    send(
        app,
        &token,
        "attestFunding",
        "AttestFundingInput",
        input,
        "attestation { id }",
    )
    .await
}

fn days_ago(days: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

fn first_error_codes(response: &Value) -> Vec<String> {
    response["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["extensions"]["code"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

// ---- 2. what a VC reads after attesting ------------------------------------------------------------------------

async fn vc_reads_the_status_view_only(extra: &[(&str, &str)]) {
    let app = TestApp::spawn_with(extra).await;
    let customer = series_a_customer(
        &app,
        PARTNER_ADVANCED,
        "Glasshouse Metrics Ltd",
        "310000000001",
    )
    .await;
    let filed = submitted(
        &app,
        PARTNER_ADVANCED,
        &record(
            &customer,
            "BUILD_FOR_STARTUPS",
            "Glasshouse platform",
            PLATFORM,
        ),
    )
    .await;
    let reviewer = app.token_for(REVIEWER).await;
    let in_review = start_review(&app, &reviewer, &filed).await;
    ok_record(
        &decide(
            &app,
            &reviewer,
            &in_review,
            json!({ "decision": "REQUEST_CLARIFICATION", "comment": "Which tenants move first? Confidential." }),
        )
        .await,
    );
    let decision_id = app
        .query_as(
            ADMIN,
            "query($id: ID!) { node(id: $id) { ... on Opportunity { decisions { id } } } }",
            json!({ "id": filed["id"] }),
        )
        .await["node"]["decisions"][0]["id"]
        .clone();

    // A VC without Portfolio access attests the company with a guessed ID: that is allowed, and shows the status.
    let attested = attest(
        &app,
        VC_EMERGING,
        json!({ "customerId": customer, "round": "SERIES_A", "amountUsd": 1, "closedOn": days_ago(3) }),
    )
    .await;
    assert_eq!(
        attested["data"]["attestFunding"]["userErrors"],
        json!([]),
        "{attested}"
    );
    let vc = app.token_for(VC_EMERGING).await;
    let status_view = app
        .graphql(
            Some(&vc),
            "query($id: ID!) { node(id: $id) { ... on Opportunity { reference status fundingSource requestedAmountUsd awardedAmountUsd submittedAt decidedAt partner { name } } } }",
            json!({ "id": filed["id"] }),
        )
        .await;
    assert!(status_view.get("errors").is_none(), "{status_view}");
    assert_eq!(status_view["data"]["node"]["reference"], filed["reference"]);
    assert_eq!(status_view["data"]["node"]["status"], "ACTION_REQUIRED");

    // The content is the filer's: each field is refused, by ID and in a list, with the read fast path on or off.
    for field in [
        "useCase",
        "scopeOfWork",
        "workloadName",
        "projectedMonthlyUsd",
        "projectedConsumption { service monthlyUsd }",
        "messages { body }",
        "decisions { comment }",
        "eligibility { recommendedDecision }",
    ] {
        let by_id = app
            .graphql(
                Some(&vc),
                &format!("query($id: ID!) {{ node(id: $id) {{ ... on Opportunity {{ reference {field} }} }} }}"),
                json!({ "id": filed["id"] }),
            )
            .await;
        assert!(
            first_error_codes(&by_id).contains(&"FORBIDDEN".to_owned()),
            "{field} by id: {by_id}"
        );
        assert!(!by_id.to_string().contains("Confidential"), "{by_id}");
        assert!(!by_id.to_string().contains("tenant-per-schema"), "{by_id}");
        let listed = app
            .graphql(
                Some(&vc),
                &format!("{{ opportunities(first: 10) {{ nodes {{ reference {field} }} }} }}"),
                json!({}),
            )
            .await;
        assert!(
            first_error_codes(&listed).contains(&"FORBIDDEN".to_owned()),
            "{field} listed: {listed}"
        );
        // The content is null on that record only: the list and every other record stay.
        let listed_record = listed["data"]["opportunities"]["nodes"]
            .as_array()
            .unwrap_or_else(|| panic!("{field}: the list is gone: {listed}"))
            .iter()
            .find(|n| n["reference"] == filed["reference"])
            .unwrap_or_else(|| panic!("{listed}"))
            .clone();
        let key = field.split_whitespace().next().unwrap();
        assert!(listed_record[key].is_null(), "{listed_record}");
        assert!(
            !listed.to_string().contains("tenant-per-schema"),
            "{listed}"
        );
    }
    // Nor can it be reached another way: the decision as a node, or a search that probes the workload name.
    let decision = app
        .graphql(
            Some(&vc),
            "query($id: ID!) { node(id: $id) { ... on ReviewDecision { comment } } }",
            json!({ "id": decision_id }),
        )
        .await;
    assert_eq!(error_code(&decision), Some("NOT_FOUND"), "{decision}");
    let search = |q: &'static str| {
        let app = &app;
        let vc = vc.clone();
        async move {
            app.graphql(
                Some(&vc),
                "query($q: String) { opportunities(filter: { search: $q }) { totalCount } }",
                json!({ "q": q }),
            )
            .await["data"]["opportunities"]["totalCount"]
                .clone()
        }
    };
    assert_eq!(search("glasshouse platform").await, json!(0));
    let by_reference = app
        .graphql(
            Some(&vc),
            "query($q: String) { opportunities(filter: { search: $q }) { totalCount } }",
            json!({ "q": filed["reference"] }),
        )
        .await;
    assert_eq!(
        by_reference["data"]["opportunities"]["totalCount"],
        json!(1)
    );

    // Revoking the attestation ends the view of the company and its records.
    let revoked = send(
        &app,
        &vc,
        "revokeAttestation",
        "RevokeAttestationInput",
        json!({ "id": attested["data"]["attestFunding"]["attestation"]["id"], "reason": "entered by mistake" }),
        "attestation { revokedAt }",
    )
    .await;
    assert_eq!(
        revoked["data"]["revokeAttestation"]["userErrors"],
        json!([]),
        "{revoked}"
    );
    let own_history = app
        .graphql(
            Some(&vc),
            "query($id: ID!) { node(id: $id) { ... on FundingAttestation { revokedAt customer { website monthlyAwsSpendUsd } } } }",
            json!({ "id": attested["data"]["attestFunding"]["attestation"]["id"] }),
        )
        .await;
    assert_eq!(error_code(&own_history), Some("NOT_FOUND"), "{own_history}");
    assert!(
        own_history["data"]["node"]["revokedAt"].is_string(),
        "{own_history}"
    );
    assert!(
        own_history["data"]["node"]["customer"].is_null(),
        "{own_history}"
    );
    for id in [&filed["id"], &customer] {
        let gone = app
            .graphql(
                Some(&vc),
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(error_code(&gone), Some("NOT_FOUND"), "{gone}");
    }
    let listed = app
        .graphql(
            Some(&vc),
            "query($id: ID) { opportunities(filter: { customerId: $id }) { totalCount } }",
            json!({ "id": customer }),
        )
        .await;
    assert_eq!(
        listed["data"]["opportunities"]["totalCount"],
        json!(0),
        "{listed}"
    );
}

#[tokio::test]
async fn a_vc_sees_the_status_of_records_it_did_not_file_and_nothing_once_it_revokes() {
    vc_reads_the_status_view_only(&[]).await;
}

#[tokio::test]
async fn the_status_view_holds_without_the_read_fast_path() {
    vc_reads_the_status_view_only(&[("ACEGATE_READ_PROJECTION", "false")]).await;
}

#[tokio::test]
async fn a_vc_still_reads_the_content_of_records_it_filed_itself() {
    let app = TestApp::spawn().await;
    let customer = series_a_customer(
        &app,
        PARTNER_ADVANCED,
        "Orchard Signals Ltd",
        "310000000002",
    )
    .await;
    let attested = attest(
        &app,
        VC_PORTFOLIO,
        json!({ "customerId": customer, "round": "SERIES_A", "amountUsd": 8_000_000, "closedOn": days_ago(30) }),
    )
    .await;
    assert_eq!(
        attested["data"]["attestFunding"]["userErrors"],
        json!([]),
        "{attested}"
    );
    let vc = app.token_for(VC_PORTFOLIO).await;
    let draft = create(
        &app,
        &vc,
        &record(
            &customer,
            "ACTIVATE_PORTFOLIO",
            "Orchard platform",
            PLATFORM,
        ),
    )
    .await;
    let seen = app
        .graphql(
            Some(&vc),
            "query($id: ID!) { node(id: $id) { ... on Opportunity { useCase projectedMonthlyUsd messages { body } } } }",
            json!({ "id": draft["id"] }),
        )
        .await;
    assert!(seen.get("errors").is_none(), "{seen}");
    assert_eq!(seen["data"]["node"]["useCase"], PLATFORM);
    assert_eq!(seen["data"]["node"]["projectedMonthlyUsd"], 6000);
}

#[tokio::test]
async fn an_attestation_that_repeats_one_or_carries_an_absurd_amount_or_date_is_refused() {
    let app = TestApp::spawn().await;
    let customer =
        series_a_customer(&app, PARTNER_ADVANCED, "Quarry Labs Ltd", "310000000003").await;
    let round = json!({ "customerId": customer, "round": "SEED", "amountUsd": 2_000_000, "closedOn": days_ago(90) });
    let first = attest(&app, VC_EMERGING, round.clone()).await;
    assert_eq!(
        first["data"]["attestFunding"]["userErrors"],
        json!([]),
        "{first}"
    );
    let again = attest(&app, VC_EMERGING, round.clone()).await;
    assert_eq!(
        user_errors(&again, "attestFunding"),
        vec![("input".to_owned(), "DUPLICATE_ATTESTATION".to_owned())],
        "{again}"
    );
    assert!(again["data"]["attestFunding"]["attestation"].is_null());
    assert_eq!(attestations_of(&app, &customer).await.len(), 1);
    // Another firm may attest the same round; and once revoked, the firm may attest it anew.
    let other = attest(&app, VC_PORTFOLIO, round.clone()).await;
    assert_eq!(
        other["data"]["attestFunding"]["userErrors"],
        json!([]),
        "{other}"
    );
    let vc = app.token_for(VC_EMERGING).await;
    send_ok(
        &app,
        &vc,
        "revokeAttestation",
        "RevokeAttestationInput",
        json!({ "id": first["data"]["attestFunding"]["attestation"]["id"], "reason": "wrong amount" }),
        "attestation { id }",
    )
    .await;
    let anew = attest(&app, VC_EMERGING, round.clone()).await;
    assert_eq!(
        anew["data"]["attestFunding"]["userErrors"],
        json!([]),
        "{anew}"
    );

    for (field, value, code) in [
        ("amountUsd", json!(1_000_000_001_i64), "AMOUNT_OUT_OF_RANGE"),
        ("amountUsd", json!(3_000_000_000_i64), "AMOUNT_OUT_OF_RANGE"),
        ("amountUsd", json!(i64::MAX), "AMOUNT_OUT_OF_RANGE"),
        ("closedOn", json!("1989-12-31"), "CLOSED_ON_OUT_OF_RANGE"),
    ] {
        let mut input = round.clone();
        input[field] = value;
        let refused = attest(&app, VC_EMERGING, input).await;
        assert_eq!(
            user_errors(&refused, "attestFunding"),
            vec![(format!("input.{field}"), code.to_owned())],
            "{refused}"
        );
    }
    assert_eq!(attestations_of(&app, &customer).await.len(), 3);
}

// ---- 3. money ----------------------------------------------------------------------------------------------------

#[tokio::test]
async fn money_inputs_are_bounded_so_that_no_sum_wraps() {
    let app = TestApp::spawn().await;
    let partner = app.token_for(PARTNER_ADVANCED).await;
    let customer =
        series_a_customer(&app, PARTNER_ADVANCED, "Wraparound Ltd", "310000000004").await;

    // Two lines of 2^63 - 1 and 2: their sum wrapped to a plausible 1, and the checklist recommended approval.
    let mut wrapping = record(&customer, "BUILD_FOR_STARTUPS", "Wrap", PLATFORM).input();
    wrapping["projectedConsumption"] = json!([
        { "service": "EKS", "monthlyUsd": i64::MAX },
        { "service": "RDS", "monthlyUsd": 2 }
    ]);
    let refused = try_mutate(
        &app,
        &partner,
        "createOpportunity",
        "CreateOpportunityInput",
        wrapping,
        "opportunity { id }",
    )
    .await;
    assert_eq!(
        user_errors(&refused, "createOpportunity"),
        vec![(
            "input.projectedConsumption.0.monthlyUsd".to_owned(),
            "AMOUNT_OUT_OF_RANGE".to_owned()
        )],
        "{refused}"
    );
    // Lines each in range whose total is not.
    let mut too_much = record(&customer, "BUILD_FOR_STARTUPS", "Too much", PLATFORM).input();
    too_much["projectedConsumption"] = json!([
        { "service": "EKS", "monthlyUsd": 600_000_000 },
        { "service": "RDS", "monthlyUsd": 600_000_000 }
    ]);
    too_much["estimatedAnnualDealUsd"] = json!(3_000_000_000_i64);
    let refused = try_mutate(
        &app,
        &partner,
        "createOpportunity",
        "CreateOpportunityInput",
        too_much,
        "opportunity { id }",
    )
    .await;
    let mut errors = user_errors(&refused, "createOpportunity");
    errors.sort();
    assert_eq!(
        errors,
        vec![
            (
                "input.estimatedAnnualDealUsd".to_owned(),
                "AMOUNT_OUT_OF_RANGE".to_owned()
            ),
            (
                "input.projectedConsumption".to_owned(),
                "AMOUNT_OUT_OF_RANGE".to_owned()
            ),
        ],
        "{refused}"
    );

    // GraphQL's Int is 32-bit: a spend of three billion is out of range, and so is a self-serve credit that made
    // totalCreditsUsd negative.
    for (field, value) in [
        ("monthlyAwsSpendUsd", json!(3_000_000_000_i64)),
        ("selfServeCreditUsd", json!(i64::MAX)),
    ] {
        let mut changes = json!({ "id": customer });
        changes[field] = value;
        let refused = update_customer(&app, PARTNER_ADVANCED, changes).await;
        assert_eq!(
            user_errors(&refused, "updateCustomer"),
            vec![(format!("input.{field}"), "AMOUNT_OUT_OF_RANGE".to_owned())],
            "{refused}"
        );
    }
    let admin = app.token_for(ADMIN).await;
    let partner_id = partner_named(&app, "Fresh Orbit").await;
    let imported = send(
        &app,
        &admin,
        "importTrackRecord",
        "ImportTrackRecordInput",
        json!({ "partnerId": partner_id, "month": "2025-01", "fundingSource": "BUILD_FOR_STARTUPS",
                "submitted": 3, "approved": 2, "rejected": 1, "awardedUsd": 3_000_000_000_i64 }),
        "partner { id }",
    )
    .await;
    assert_eq!(
        user_errors(&imported, "importTrackRecord"),
        vec![(
            "input.awardedUsd".to_owned(),
            "AMOUNT_OUT_OF_RANGE".to_owned()
        )],
        "{imported}"
    );
    let total = app
        .query_as(
            ADMIN,
            "query($id: ID!) { node(id: $id) { ... on Customer { totalCreditsUsd monthlyAwsSpendUsd } } }",
            json!({ "id": customer }),
        )
        .await;
    assert_eq!(
        total["node"],
        json!({ "totalCreditsUsd": 0, "monthlyAwsSpendUsd": 5000 })
    );
}

// ---- 4. facts under a record in review ----------------------------------------------------------------------------

#[tokio::test]
async fn the_customer_facts_a_reviewer_decides_on_cannot_change_under_review() {
    let app = TestApp::spawn().await;
    let customer =
        series_a_customer(&app, PARTNER_ADVANCED, "Steady Facts Ltd", "310000000005").await;
    let filed = submitted(
        &app,
        PARTNER_ADVANCED,
        &record(&customer, "BUILD_FOR_STARTUPS", "Steady platform", PLATFORM),
    )
    .await;
    let refuse_all = |changes: Value| {
        let app = &app;
        async move {
            let refused = update_customer(app, PARTNER_ADVANCED, changes.clone()).await;
            let fields = user_errors(&refused, "updateCustomer");
            assert!(!fields.is_empty(), "{refused}");
            assert!(
                fields.iter().all(|(_, code)| code == "RECORD_UNDER_REVIEW"),
                "{refused}"
            );
            assert!(refused["data"]["updateCustomer"]["customer"].is_null());
        }
    };
    // SUBMITTED, then IN_REVIEW: a sanctioned country, the competitor flag, the stage and the spend all stay.
    refuse_all(json!({ "id": customer, "country": "CU" })).await;
    // The website moves neither through a sibling draft (`customerWebsite` of updateOpportunity).
    let partner = app.token_for(PARTNER_ADVANCED).await;
    let sibling = create(
        &app,
        &partner,
        &record(&customer, "GENAI_POC", "Steady agent", SUPPORT_AGENT),
    )
    .await;
    let through_sibling = try_mutate(
        &app,
        &partner,
        "updateOpportunity",
        "UpdateOpportunityInput",
        json!({ "id": sibling["id"], "expectedVersion": sibling["version"], "customerWebsite": "https://moved.example.com" }),
        "opportunity { id version }",
    )
    .await;
    assert_eq!(
        user_error_codes(&through_sibling["data"]["updateOpportunity"]),
        vec!["RECORD_UNDER_REVIEW"],
        "{through_sibling}"
    );
    let reviewer = app.token_for(REVIEWER).await;
    let in_review = start_review(&app, &reviewer, &filed).await;
    refuse_all(json!({ "id": customer, "competesWithAws": true, "fundingStage": "SEED", "monthlyAwsSpendUsd": 90000 }))
        .await;
    let facts = app
        .query_as(
            ADMIN,
            &format!(
                "query($id: ID!) {{ node(id: $id) {{ ... on Customer {{ {} }} }} }}",
                CUSTOMER
                    .trim_start_matches("customer {")
                    .trim_end_matches('}')
            ),
            json!({ "id": customer }),
        )
        .await;
    assert_eq!(facts["node"]["country"], "GB");
    assert_eq!(facts["node"]["competesWithAws"], false);
    assert_eq!(facts["node"]["fundingStage"], "SERIES_A");
    let report = record_by_reference(&app, filed["reference"].as_str().unwrap()).await;
    assert_eq!(check(&report, "ELIGIBLE_JURISDICTION")["outcome"], "PASS");
    assert_eq!(report["version"], in_review["version"]);

    // Sent back for clarification, the facts may change, and the record's version moves with them.
    let action_required = ok_record(
        &decide(
            &app,
            &reviewer,
            &in_review,
            json!({ "decision": "REQUEST_CLARIFICATION", "comment": "Is the spend figure current?" }),
        )
        .await,
    );
    let changed = update_customer(
        &app,
        PARTNER_ADVANCED,
        json!({ "id": customer, "monthlyAwsSpendUsd": 6500 }),
    )
    .await;
    assert_eq!(
        changed["data"]["updateCustomer"]["userErrors"],
        json!([]),
        "{changed}"
    );
    let after = record_by_reference(&app, filed["reference"].as_str().unwrap()).await;
    assert_eq!(
        after["version"].as_i64().unwrap(),
        action_required["version"].as_i64().unwrap() + 1
    );
    // A resubmission against the old version is a conflict: the filer reloads and sees the new facts.
    let partner = app.token_for(PARTNER_ADVANCED).await;
    let stale = try_mutate(
        &app,
        &partner,
        "submitOpportunity",
        "SubmitOpportunityInput",
        json!({ "id": filed["id"], "expectedVersion": action_required["version"] }),
        "opportunity { id }",
    )
    .await;
    assert_code(&stale, "CONFLICT");
}

// ---- 5. the cap follows the AWS account ----------------------------------------------------------------------------

#[tokio::test]
async fn an_account_that_received_credits_keeps_its_id_and_its_cap() {
    let app = TestApp::spawn().await;
    let account = "310000000006";
    let customer = series_a_customer(&app, PARTNER_ADVANCED, "Anchor Ledger Ltd", account).await;
    let filed = submitted(
        &app,
        PARTNER_ADVANCED,
        &record(&customer, "BUILD_FOR_STARTUPS", "Anchor platform", PLATFORM),
    )
    .await;
    let reviewer = app.token_for(REVIEWER).await;
    let (_, grant) = approve_and_issue(&app, &reviewer, &filed).await;
    assert_eq!(grant["awsAccountId"], account);

    let moved = update_customer(
        &app,
        PARTNER_ADVANCED,
        json!({ "id": customer, "awsAccountId": "310000000099" }),
    )
    .await;
    assert_eq!(
        user_errors(&moved, "updateCustomer"),
        vec![(
            "input.awsAccountId".to_owned(),
            "ACCOUNT_HAS_GRANTS".to_owned()
        )],
        "{moved}"
    );

    // Rows written before the rule (an account moved to another customer row) still count against the account:
    // the grant's account is now another customer's, and that customer is at the cap.
    use sea_orm::ConnectionTrait;
    let db = app.db();
    for sql in [
        format!(
            "UPDATE customers SET aws_account_id = '310000000098' WHERE aws_account_id = '{account}'"
        ),
        format!(
            "UPDATE credit_grants SET face_value_usd = 150000 WHERE aws_account_id = '{account}'"
        ),
    ] {
        db.execute_unprepared(&sql).await.unwrap();
    }
    let heir = series_a_customer(&app, PARTNER_ADVANCED, "Anchor Heir Ltd", account).await;
    let heirs = submitted(
        &app,
        PARTNER_ADVANCED,
        &record(&heir, "GENAI_POC", "Heir support agent", SUPPORT_AGENT),
    )
    .await;
    let approved = approve(&app, &reviewer, &heirs).await;
    assert_eq!(approved["awardedAmountUsd"], 0, "{approved}");
}

// ---- 6. bytes no text should hold ------------------------------------------------------------------------------------

#[tokio::test]
async fn nul_control_and_bidi_characters_are_refused_before_anything_runs() {
    let app = TestApp::spawn().await;
    let inquiries = || async {
        app.query_as(ADMIN, "{ inquiries { totalCount } }", json!({}))
            .await["inquiries"]["totalCount"]
            .clone()
    };
    let before = inquiries().await;

    let login = app
        .graphql(
            None,
            "mutation($e: String!) { login(input: { email: $e, password: \"demo-password\" }) { accessToken } }",
            json!({ "e": "admin\u{0}@acegate.example.com" }),
        )
        .await;
    assert_eq!(error_code(&login), Some("BAD_USER_INPUT"), "{login}");

    let inquiry = app
        .graphql(
            None,
            "mutation($input: SubmitInquiryInput!) { submitInquiry(input: $input) { inquiry { id } userErrors { code } } }",
            json!({ "input": {
                "companyName": "Null Byte\u{0} Ltd", "fundingStage": "SEED",
                "useCase": "We build a thing on AWS.", "region": "UK",
                "services": ["LAMBDA"], "contactEmail": "founder@nullbyte.example.com"
            } }),
        )
        .await;
    assert_eq!(error_code(&inquiry), Some("BAD_USER_INPUT"), "{inquiry}");
    assert_eq!(inquiries().await, before);

    let admin = app.token_for(ADMIN).await;
    for (query, variables) in [
        (
            "query($q: String) { customers(filter: { search: $q }) { totalCount } }",
            json!({ "q": "North\u{0}wind" }),
        ),
        (
            "{ opportunities(filter: { search: \"O1\\u0000\" }) { totalCount } }",
            json!({}),
        ),
        (
            "{ customers(filter: { search: \"\\u202Eevil\" }) { totalCount } }",
            json!({}),
        ),
        (
            "query($q: String) { customers(filter: { search: $q }) { totalCount } }",
            json!({ "q": "\u{1b}[31mred" }),
        ),
    ] {
        let refused = app.graphql(Some(&admin), query, variables).await;
        assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
        assert!(refused["data"].is_null(), "{refused}");
    }

    // Names are one line; long texts keep their newlines and tabs.
    let partner = app.token_for(PARTNER_ADVANCED).await;
    let customer =
        series_a_customer(&app, PARTNER_ADVANCED, "Plain Text Ltd", "310000000007").await;
    // A Unicode line separator is a line break too.
    for name in ["Plain\nText Ltd", "Plain\u{2028}Text Ltd"] {
        let renamed = update_customer(
            &app,
            PARTNER_ADVANCED,
            json!({ "id": customer, "legalName": name }),
        )
        .await;
        assert_eq!(
            user_errors(&renamed, "updateCustomer"),
            vec![(
                "input.legalName".to_owned(),
                "INVALID_CHARACTERS".to_owned()
            )],
            "{renamed}"
        );
    }
    let bidi = update_customer(
        &app,
        PARTNER_ADVANCED,
        json!({ "id": customer, "legalName": "Plain \u{202E}dtL txeT" }),
    )
    .await;
    assert_eq!(error_code(&bidi), Some("BAD_USER_INPUT"), "{bidi}");
    let multi_line = "First paragraph of the use case.\n\n\tAn indented second paragraph.";
    let draft = create(
        &app,
        &partner,
        &record(
            &customer,
            "BUILD_FOR_STARTUPS",
            "Plain platform",
            multi_line,
        ),
    )
    .await;
    let stored = app
        .query_as(
            ADMIN,
            "query($id: ID!) { node(id: $id) { ... on Opportunity { useCase } } }",
            json!({ "id": draft["id"] }),
        )
        .await;
    assert_eq!(stored["node"]["useCase"], multi_line);
}

// ---- 7. approvals for $0 and reduced Portfolio awards ----------------------------------------------------------------

#[tokio::test]
async fn an_approval_for_nothing_closes_the_record_and_frees_its_funding_source() {
    let app = TestApp::spawn().await;
    let customer =
        series_a_customer(&app, PARTNER_ADVANCED, "Twice Told Ltd", "310000000008").await;
    let reviewer = app.token_for(REVIEWER).await;
    let first = submitted(
        &app,
        PARTNER_ADVANCED,
        &record(
            &customer,
            "BUILD_FOR_STARTUPS",
            "Support agent",
            SUPPORT_AGENT,
        ),
    )
    .await;
    approve_and_issue(&app, &reviewer, &first).await;
    // The same workload on another source: an approval awards $0.
    let duplicate = submitted(
        &app,
        PARTNER_ADVANCED,
        &record(&customer, "GENAI_POC", "Support agent", SUPPORT_AGENT),
    )
    .await;
    let approved = approve(&app, &reviewer, &duplicate).await;
    assert_eq!(approved["awardedAmountUsd"], 0);
    assert_eq!(approved["availableActions"], json!([]), "{approved}");
    // The slot of GENAI_POC is free for a distinct workload.
    let distinct = submitted(
        &app,
        PARTNER_ADVANCED,
        &record(&customer, "GENAI_POC", "Demand forecasting", FORECASTING),
    )
    .await;
    assert_eq!(distinct["status"], "SUBMITTED");
    // Nor does it freeze the customer's facts once nothing is under review.
    let reviewer_token = app.token_for(REVIEWER).await;
    let in_review = start_review(&app, &reviewer_token, &distinct).await;
    ok_record(
        &decide(
            &app,
            &reviewer_token,
            &in_review,
            json!({ "decision": "REJECT", "reasons": ["PLAUSIBLE_SPEND"] }),
        )
        .await,
    );
    let changed = update_customer(
        &app,
        PARTNER_ADVANCED,
        json!({ "id": customer, "monthlyAwsSpendUsd": 7000 }),
    )
    .await;
    assert_eq!(
        changed["data"]["updateCustomer"]["userErrors"],
        json!([]),
        "{changed}"
    );
}

#[tokio::test]
async fn a_reduced_portfolio_award_stays_inside_the_portfolio_range() {
    let app = TestApp::spawn().await;
    let customer =
        series_a_customer(&app, PARTNER_ADVANCED, "Range Bound Ltd", "310000000009").await;
    let filed = submitted(
        &app,
        PARTNER_ADVANCED,
        &record(&customer, "ACTIVATE_PORTFOLIO", "Range platform", PLATFORM),
    )
    .await;
    let reviewer = app.token_for(REVIEWER).await;
    let in_review = start_review(&app, &reviewer, &filed).await;
    let below = decide(
        &app,
        &reviewer,
        &in_review,
        json!({ "decision": "APPROVE_REDUCED", "amountUsd": 10_000 }),
    )
    .await;
    assert_eq!(
        user_error_codes(&below),
        vec!["AMOUNT_OUT_OF_RANGE"],
        "{below}"
    );
    let inside = decide(
        &app,
        &reviewer,
        &in_review,
        json!({ "decision": "APPROVE_REDUCED", "amountUsd": 40_000 }),
    )
    .await;
    assert_eq!(ok_record(&inside)["awardedAmountUsd"], 40_000);
}

// ---- found by a second hostile pass ----------------------------------------------------------------------------------

#[tokio::test]
async fn a_filers_report_is_no_oracle_for_other_filers_workloads_or_attestations() {
    let app = TestApp::spawn().await;
    let customer =
        series_a_customer(&app, PARTNER_ADVANCED, "Oracle Proof Ltd", "310000000010").await;
    submitted(
        &app,
        PARTNER_ADVANCED,
        &record(
            &customer,
            "BUILD_FOR_STARTUPS",
            "Secret ledger rebuild",
            PLATFORM,
        ),
    )
    .await;
    // Another firm attests first, then the Portfolio VC, which files its own record and edits its draft at will.
    for vc in [VC_EMERGING, VC_PORTFOLIO] {
        let attested = attest(
            &app,
            vc,
            json!({ "customerId": customer, "round": "SERIES_A", "amountUsd": 6_000_000, "closedOn": days_ago(40) }),
        )
        .await;
        assert_eq!(
            attested["data"]["attestFunding"]["userErrors"],
            json!([]),
            "{attested}"
        );
    }
    let vc = app.token_for(VC_PORTFOLIO).await;
    let report_for = |workload: &'static str| {
        let (app, vc, customer) = (&app, vc.clone(), customer.clone());
        async move {
            let draft = create(
                app,
                &vc,
                &record(&customer, "ACTIVATE_PORTFOLIO", workload, PLATFORM),
            )
            .await;
            let seen = app
                .graphql(
                    Some(&vc),
                    "query($id: ID!) { node(id: $id) { ... on Opportunity { eligibility { recommendedDecision recommendedAmountUsd checks { check outcome detail } } } } }",
                    json!({ "id": draft["id"] }),
                )
                .await;
            assert!(seen.get("errors").is_none(), "{seen}");
            let withdrawn = try_mutate(
                app,
                &vc,
                "withdrawOpportunity",
                "WithdrawOpportunityInput",
                json!({ "id": draft["id"], "expectedVersion": draft["version"] }),
                "opportunity { status }",
            )
            .await;
            assert!(withdrawn.get("errors").is_none(), "{withdrawn}");
            (draft, seen["data"]["node"]["eligibility"].clone())
        }
    };
    // The right guess and a wrong one read the same: nothing tells the VC another filer's workload name.
    let (guessed, right) = report_for("Secret ledger rebuild").await;
    let (_, wrong) = report_for("Something else entirely").await;
    assert_eq!(
        check(&json!({ "eligibility": right }), "DISTINCT_WORKLOAD")["outcome"],
        "PASS"
    );
    assert_eq!(right["recommendedDecision"], wrong["recommendedDecision"]);
    assert_eq!(right["recommendedAmountUsd"], wrong["recommendedAmountUsd"]);
    // Nor does it name another firm's attestation.
    assert!(!right.to_string().contains("Seedling"), "{right}");
    // AWS staff still see the duplicate on the same record.
    let staff = app
        .query_as(
            ADMIN,
            "query($id: ID!) { node(id: $id) { ... on Opportunity { eligibility { checks { check outcome } } } } }",
            json!({ "id": guessed["id"] }),
        )
        .await;
    assert_eq!(
        check(&staff["node"], "DISTINCT_WORKLOAD")["outcome"],
        "FAIL",
        "{staff}"
    );
}

#[tokio::test]
async fn a_cursor_is_client_text_and_imported_counts_are_bounded() {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let app = TestApp::spawn().await;
    let admin = app.token_for(ADMIN).await;
    let cursor =
        URL_SAFE_NO_PAD.encode(json!({ "o": "reference", "k": "O1\u{0}", "i": 1 }).to_string());
    let paged = app
        .graphql(
            Some(&admin),
            "query($c: String) { opportunities(first: 3, after: $c, orderBy: { field: REFERENCE }) { totalCount } }",
            json!({ "c": cursor }),
        )
        .await;
    assert_eq!(error_code(&paged), Some("BAD_USER_INPUT"), "{paged}");

    let partner_id = partner_named(&app, "Fresh Orbit").await;
    let imported = send(
        &app,
        &admin,
        "importTrackRecord",
        "ImportTrackRecordInput",
        json!({ "partnerId": partner_id, "month": "2025-02", "fundingSource": "BUILD_FOR_STARTUPS",
                "submitted": i32::MAX, "approved": i32::MAX, "rejected": 0, "awardedUsd": 0 }),
        "partner { id }",
    )
    .await;
    let mut errors = user_errors(&imported, "importTrackRecord");
    errors.sort();
    assert_eq!(
        errors,
        vec![
            ("input.approved".to_owned(), "COUNT_OUT_OF_RANGE".to_owned()),
            (
                "input.submitted".to_owned(),
                "COUNT_OUT_OF_RANGE".to_owned()
            ),
        ],
        "{imported}"
    );
}
