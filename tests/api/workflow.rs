//! The lifecycle of DESIGN.md §7 through the API: every arrow, the refusals, editability, versions, roles.

use serde_json::{Value, json};

use crate::{helpers::*, workflow_helpers::*};

async fn fresh_draft(app: &TestApp, partner: &str) -> Value {
    create(
        app,
        partner,
        &NewRecord {
            customer: customer_id(app, "Cactus").await,
            source: "BUILD_FOR_STARTUPS",
            engagement: "BUILD",
            workload: "Order routing",
            use_case: "Cactus Commerce routes orders from its storefronts to regional nurseries; the router runs on \
                Lambda with DynamoDB and a nightly reconciliation job that settles payments with each nursery.",
            lines: json!([{ "service": "LAMBDA", "monthlyUsd": 700 }, { "service": "DYNAMODB", "monthlyUsd": 300 }]),
            requested: 15_000,
        },
    )
    .await
}

async fn audit_count(app: &TestApp, record: &Value) -> i64 {
    let data = app
        .query_as(
            ADMIN,
            "query($id: ID!) { auditEvents(first: 100, subjectId: $id) { totalCount } }",
            json!({ "id": record["id"] }),
        )
        .await;
    data["auditEvents"]["totalCount"].as_i64().unwrap()
}

#[tokio::test]
async fn a_draft_is_created_with_a_reference_version_one_and_an_audit_event() {
    let app = TestApp::spawn().await;
    let partner = app.login(PARTNER_SELECT).await;
    let draft = fresh_draft(&app, &partner).await;
    assert_eq!(draft["status"], "DRAFT");
    assert_eq!(draft["version"], 1);
    let reference = draft["reference"].as_str().unwrap();
    assert!(
        reference.starts_with('O') && reference[1..].chars().all(|c| c.is_ascii_digit()),
        "{reference}"
    );
    assert_eq!(
        draft["availableActions"],
        json!(["UPDATE", "SUBMIT", "WITHDRAW"])
    );
    assert_eq!(audit_count(&app, &draft).await, 1);
}

#[tokio::test]
async fn every_arrow_of_the_lifecycle_moves_the_status_bumps_the_version_and_is_audited() {
    let app = TestApp::spawn().await;
    let partner = app.login(PARTNER_SELECT).await;
    let reviewer = app.login(REVIEWER).await;
    let draft = fresh_draft(&app, &partner).await;

    let submitted = ok_record(&submit(&app, &partner, &draft).await);
    assert_eq!(
        (submitted["status"].as_str(), submitted["version"].as_i64()),
        (Some("SUBMITTED"), Some(2))
    );
    assert_eq!(submitted["availableActions"], json!(["WITHDRAW"]));
    let in_review = start_review(&app, &reviewer, &submitted).await;
    assert_eq!(in_review["status"], "IN_REVIEW");
    assert_eq!(in_review["availableActions"], json!(["DECIDE"]));

    let asked = ok_record(&decide(&app, &reviewer, &in_review, json!({ "decision": "REQUEST_CLARIFICATION", "comment": "Which nurseries are live today?" })).await);
    assert_eq!(asked["status"], "ACTION_REQUIRED");
    let replied = mutate(&app, &partner, "replyToClarification", "ReplyToClarificationInput", json!({ "id": asked["id"], "expectedVersion": asked["version"], "body": "Twelve, all in Arizona." }), &record_selection()).await;
    let resubmitted = ok_record(&replied);
    assert_eq!(resubmitted["status"], "SUBMITTED");
    let thread = app.query_as(ADMIN, "query($id: ID!) { node(id: $id) { ... on Opportunity { messages { body author { email } } } } }", json!({ "id": draft["id"] })).await;
    let bodies: Vec<&str> = thread["node"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        vec!["Which nurseries are live today?", "Twelve, all in Arizona."]
    );

    let in_review = start_review(&app, &reviewer, &resubmitted).await;
    let reduced = ok_record(&decide(&app, &reviewer, &in_review, json!({ "decision": "APPROVE_REDUCED", "amountUsd": 10000, "comment": "Scope the first phase." })).await);
    assert_eq!(
        (
            reduced["status"].as_str(),
            reduced["awardedAmountUsd"].as_i64()
        ),
        (Some("APPROVED"), Some(10_000))
    );
    assert_eq!(reduced["availableActions"], json!(["ISSUE_CREDITS"]));
    let grant = issue(&app, &reviewer, &reduced).await;
    assert_eq!(grant["creditGrant"]["faceValueUsd"], 10_000);
    let issued = record_by_reference(&app, draft["reference"].as_str().unwrap()).await;
    assert_eq!(issued["status"], "CREDITS_ISSUED");
    assert_eq!(issued["version"], 8);
    assert_eq!(issued["availableActions"], json!([]));
    assert_eq!(
        audit_count(&app, &draft).await,
        8,
        "create + seven transitions"
    );
}

#[tokio::test]
async fn rejection_needs_reasons_and_ends_the_record() {
    let app = TestApp::spawn().await;
    let partner = app.login(PARTNER_SELECT).await;
    let reviewer = app.login(REVIEWER).await;
    let submitted = ok_record(&submit(&app, &partner, &fresh_draft(&app, &partner).await).await);
    let in_review = start_review(&app, &reviewer, &submitted).await;
    let no_reasons = decide(&app, &reviewer, &in_review, json!({ "decision": "REJECT" })).await;
    assert_eq!(user_error_codes(&no_reasons), vec!["REASONS_REQUIRED"]);
    let rejected = ok_record(
        &decide(
            &app,
            &reviewer,
            &in_review,
            json!({ "decision": "REJECT", "reasons": ["PLAUSIBLE_SPEND"], "comment": "Padding." }),
        )
        .await,
    );
    assert_eq!(rejected["status"], "REJECTED");
    assert!(rejected["awardedAmountUsd"].is_null());
    let withdraw = try_mutate(
        &app,
        &partner,
        "withdrawOpportunity",
        "WithdrawOpportunityInput",
        json!({ "id": rejected["id"], "expectedVersion": rejected["version"] }),
        "opportunity { id }",
    )
    .await;
    assert_eq!(
        user_error_codes(&withdraw["data"]["withdrawOpportunity"]),
        vec!["INVALID_TRANSITION"]
    );
}

#[tokio::test]
async fn withdrawal_is_possible_from_draft_submitted_and_action_required_only() {
    let app = TestApp::spawn().await;
    let partner = app.login(PARTNER_SELECT).await;
    let reviewer = app.login(REVIEWER).await;
    let withdraw = |record: Value| {
        let (app, partner) = (&app, partner.clone());
        async move {
            mutate(
                app,
                &partner,
                "withdrawOpportunity",
                "WithdrawOpportunityInput",
                json!({ "id": record["id"], "expectedVersion": record["version"] }),
                &record_selection(),
            )
            .await
        }
    };
    let draft = fresh_draft(&app, &partner).await;
    assert_eq!(ok_record(&withdraw(draft).await)["status"], "WITHDRAWN");

    let submitted = ok_record(&submit(&app, &partner, &fresh_draft(&app, &partner).await).await);
    assert_eq!(ok_record(&withdraw(submitted).await)["status"], "WITHDRAWN");

    let submitted = ok_record(&submit(&app, &partner, &fresh_draft(&app, &partner).await).await);
    let in_review = start_review(&app, &reviewer, &submitted).await;
    assert_eq!(
        user_error_codes(&withdraw(in_review.clone()).await),
        vec!["INVALID_TRANSITION"]
    );
    let asked = ok_record(
        &decide(
            &app,
            &reviewer,
            &in_review,
            json!({ "decision": "REQUEST_CLARIFICATION", "comment": "How many orders a day?" }),
        )
        .await,
    );
    assert_eq!(ok_record(&withdraw(asked).await)["status"], "WITHDRAWN");
}

#[tokio::test]
async fn arrows_outside_the_lifecycle_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let partner = app.login(PARTNER_SELECT).await;
    let reviewer = app.login(REVIEWER).await;
    let draft = fresh_draft(&app, &partner).await;
    let id_and_version = |r: &Value| json!({ "id": r["id"], "expectedVersion": r["version"] });

    // A reviewer cannot see a draft at all.
    let start = try_mutate(
        &app,
        &reviewer,
        "startReview",
        "StartReviewInput",
        id_and_version(&draft),
        "opportunity { id }",
    )
    .await;
    assert_code(&start, "NOT_FOUND");
    let submitted = ok_record(&submit(&app, &partner, &draft).await);
    // Submitting twice, deciding before review, issuing before approval, replying without a question.
    let again = mutate(
        &app,
        &partner,
        "submitOpportunity",
        "SubmitOpportunityInput",
        id_and_version(&submitted),
        "opportunity { id }",
    )
    .await;
    assert_eq!(user_error_codes(&again), vec!["INVALID_TRANSITION"]);
    let early = decide(
        &app,
        &reviewer,
        &submitted,
        json!({ "decision": "APPROVE" }),
    )
    .await;
    assert_eq!(user_error_codes(&early), vec!["INVALID_TRANSITION"]);
    let issue = try_mutate(
        &app,
        &reviewer,
        "issueCredits",
        "IssueCreditsInput",
        json!({ "opportunityId": submitted["id"] }),
        "creditGrant { id }",
    )
    .await;
    assert_eq!(
        user_error_codes(&issue["data"]["issueCredits"]),
        vec!["INVALID_TRANSITION"]
    );
    let reply = try_mutate(&app, &partner, "replyToClarification", "ReplyToClarificationInput", json!({ "id": submitted["id"], "expectedVersion": submitted["version"], "body": "Unasked." }), "opportunity { id }").await;
    assert_eq!(
        user_error_codes(&reply["data"]["replyToClarification"]),
        vec!["INVALID_TRANSITION"]
    );

    let stored = record_by_reference(&app, submitted["reference"].as_str().unwrap()).await;
    assert_eq!(
        (stored["status"].as_str(), stored["version"].as_i64()),
        (Some("SUBMITTED"), Some(2))
    );
    assert_eq!(audit_count(&app, &draft).await, 2);
}

#[tokio::test]
async fn a_stale_expected_version_is_a_conflict_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let partner = app.login(PARTNER_SELECT).await;
    let draft = fresh_draft(&app, &partner).await;
    let updated = mutate(
        &app,
        &partner,
        "updateOpportunity",
        "UpdateOpportunityInput",
        json!({ "id": draft["id"], "expectedVersion": 1, "requestedAmountUsd": 20000 }),
        &record_selection(),
    )
    .await;
    assert_eq!(ok_record(&updated)["version"], 2);
    let stale = try_mutate(
        &app,
        &partner,
        "updateOpportunity",
        "UpdateOpportunityInput",
        json!({ "id": draft["id"], "expectedVersion": 1, "requestedAmountUsd": 5000 }),
        "opportunity { id }",
    )
    .await;
    assert_code(&stale, "CONFLICT");
    let stored = app.query_as(ADMIN, "query($id: ID!) { node(id: $id) { ... on Opportunity { requestedAmountUsd version } } }", json!({ "id": draft["id"] })).await;
    assert_eq!(
        stored["node"],
        json!({ "requestedAmountUsd": 20000, "version": 2 })
    );
}

#[tokio::test]
async fn updates_are_partial_and_action_required_allows_only_the_clarifiable_fields() {
    let app = TestApp::spawn().await;
    let partner = app.login(PARTNER_SELECT).await;
    let reviewer = app.login(REVIEWER).await;
    let draft = fresh_draft(&app, &partner).await;
    let renamed = ok_record(&mutate(&app, &partner, "updateOpportunity", "UpdateOpportunityInput", json!({ "id": draft["id"], "expectedVersion": 1, "workloadName": "Order routing v2", "partnerReference": "CRM-7" }), "opportunity { id version workloadName requestedAmountUsd partnerReference }").await);
    assert_eq!(renamed["workloadName"], "Order routing v2");
    assert_eq!(
        renamed["requestedAmountUsd"], 15_000,
        "untouched fields keep their values"
    );
    assert_eq!(renamed["partnerReference"], "CRM-7");

    let submitted = ok_record(&submit(&app, &partner, &renamed).await);
    let frozen = mutate(&app, &partner, "updateOpportunity", "UpdateOpportunityInput", json!({ "id": submitted["id"], "expectedVersion": submitted["version"], "useCase": "Changed." }), "opportunity { id }").await;
    assert_eq!(
        user_error_codes(&frozen),
        vec!["INVALID_TRANSITION"],
        "nothing is editable once submitted"
    );

    let in_review = start_review(&app, &reviewer, &submitted).await;
    let asked = ok_record(&decide(&app, &reviewer, &in_review, json!({ "decision": "REQUEST_CLARIFICATION", "comment": "Please lower the request and fix the website." })).await);
    let locked = mutate(&app, &partner, "updateOpportunity", "UpdateOpportunityInput", json!({ "id": asked["id"], "expectedVersion": asked["version"], "workloadName": "Renamed", "fundingSource": "GENAI_POC" }), "opportunity { id }").await;
    let mut codes = user_error_codes(&locked);
    codes.sort();
    assert!(
        codes.iter().filter(|c| *c == "NOT_EDITABLE").count() == 2,
        "{locked}"
    );
    let fixed = ok_record(&mutate(&app, &partner, "updateOpportunity", "UpdateOpportunityInput", json!({ "id": asked["id"], "expectedVersion": asked["version"], "requestedAmountUsd": 12000, "customerWebsite": "https://cactus-commerce.example.com" }), "opportunity { id version status requestedAmountUsd customer { website } }").await);
    assert_eq!(fixed["status"], "ACTION_REQUIRED");
    assert_eq!(fixed["requestedAmountUsd"], 12_000);
    assert_eq!(
        fixed["customer"]["website"],
        "https://cactus-commerce.example.com"
    );
}

#[tokio::test]
async fn bad_input_is_a_user_error_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let partner = app.login(PARTNER_SELECT).await;
    let before = app
        .query_as(ADMIN, "{ opportunities { totalCount } }", json!({}))
        .await["opportunities"]["totalCount"]
        .clone();
    let record = NewRecord {
        customer: customer_id(&app, "Cactus").await,
        source: "GENAI_POC",
        engagement: "BUILD",
        workload: "  ",
        use_case: "Too thin.",
        lines: json!([{ "service": "LAMBDA", "monthlyUsd": -5 }]),
        requested: 30_000,
    };
    let payload = mutate(
        &app,
        &partner,
        "createOpportunity",
        "CreateOpportunityInput",
        record.input(),
        "opportunity { id }",
    )
    .await;
    let mut codes = user_error_codes(&payload);
    codes.sort();
    assert_eq!(
        codes,
        vec![
            "AMOUNT_OUT_OF_RANGE",
            "GENAI_SERVICE_REQUIRED",
            "NEGATIVE_AMOUNT",
            "REQUIRED"
        ]
    );
    let fields: Vec<Value> = payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].clone())
        .collect();
    assert!(fields.contains(&json!(["input", "projectedConsumption", "0", "monthlyUsd"])));
    let after = app
        .query_as(ADMIN, "{ opportunities { totalCount } }", json!({}))
        .await["opportunities"]["totalCount"]
        .clone();
    assert_eq!(before, after);

    let migration = NewRecord {
        source: "MIGRATION",
        workload: "Lift",
        use_case: "x",
        lines: json!([{ "service": "EC2", "monthlyUsd": 1 }]),
        requested: 1000,
        ..record
    };
    let payload = mutate(
        &app,
        &app.login(PARTNER_PREMIER).await,
        "createOpportunity",
        "CreateOpportunityInput",
        NewRecord {
            customer: customer_id(&app, "Tidepool").await,
            ..migration
        }
        .input(),
        "opportunity { id }",
    )
    .await;
    assert!(user_error_codes(&payload).contains(&"MIGRATE_REQUIRED".to_owned()));
}

#[tokio::test]
async fn a_customer_holds_one_live_record_per_funding_source() {
    let app = TestApp::spawn().await;
    let partner = app.login(PARTNER_SELECT).await;
    let first = ok_record(&submit(&app, &partner, &fresh_draft(&app, &partner).await).await);
    assert_eq!(first["status"], "SUBMITTED");
    let second = fresh_draft(&app, &partner).await;
    let refused = submit(&app, &partner, &second).await;
    assert_eq!(user_error_codes(&refused), vec!["LIVE_RECORD_EXISTS"]);
    mutate(
        &app,
        &partner,
        "withdrawOpportunity",
        "WithdrawOpportunityInput",
        json!({ "id": first["id"], "expectedVersion": first["version"] }),
        "opportunity { id }",
    )
    .await;
    assert_eq!(
        ok_record(&submit(&app, &partner, &second).await)["status"],
        "SUBMITTED"
    );
}

#[tokio::test]
async fn a_dry_run_returns_the_report_and_errors_without_changing_anything() {
    let app = TestApp::spawn().await;
    let partner = app.login(PARTNER_SELECT).await;
    let draft = fresh_draft(&app, &partner).await;
    let payload = mutate(
        &app,
        &partner,
        "submitOpportunity",
        "SubmitOpportunityInput",
        json!({ "id": draft["id"], "expectedVersion": 1, "dryRun": true }),
        &record_selection(),
    )
    .await;
    assert_eq!(payload["userErrors"], json!([]));
    assert_eq!(payload["opportunity"]["status"], "DRAFT");
    assert_eq!(payload["opportunity"]["version"], 1);
    assert_eq!(
        payload["opportunity"]["eligibility"]["checks"]
            .as_array()
            .unwrap()
            .len(),
        11,
        "every check but FUNDING_EVIDENCE"
    );
    assert_eq!(audit_count(&app, &draft).await, 1);
}

#[tokio::test]
async fn roles_act_only_within_their_part_of_the_workflow() {
    let app = TestApp::spawn().await;
    let partner = app.login(PARTNER_SELECT).await;
    let reviewer = app.login(REVIEWER).await;
    let analyst = app.login(ANALYST).await;
    let submitted = ok_record(&submit(&app, &partner, &fresh_draft(&app, &partner).await).await);
    let id_and_version = json!({ "id": submitted["id"], "expectedVersion": submitted["version"] });

    // A partner cannot review or decide its own record.
    assert_code(
        &try_mutate(
            &app,
            &partner,
            "startReview",
            "StartReviewInput",
            id_and_version.clone(),
            "opportunity { id }",
        )
        .await,
        "FORBIDDEN",
    );
    // A reviewer cannot edit content or withdraw.
    assert_code(&try_mutate(&app, &reviewer, "updateOpportunity", "UpdateOpportunityInput", json!({ "id": submitted["id"], "expectedVersion": submitted["version"], "useCase": "Reviewer text" }), "opportunity { id }").await, "FORBIDDEN");
    assert_code(
        &try_mutate(
            &app,
            &reviewer,
            "withdrawOpportunity",
            "WithdrawOpportunityInput",
            id_and_version.clone(),
            "opportunity { id }",
        )
        .await,
        "FORBIDDEN",
    );
    // An analyst reads everything and mutates nothing.
    assert_code(
        &try_mutate(
            &app,
            &analyst,
            "startReview",
            "StartReviewInput",
            id_and_version.clone(),
            "opportunity { id }",
        )
        .await,
        "FORBIDDEN",
    );
    assert_code(
        &try_mutate(
            &app,
            &analyst,
            "createOpportunity",
            "CreateOpportunityInput",
            NewRecord {
                customer: customer_id(&app, "Cactus").await,
                source: "BUILD_FOR_STARTUPS",
                engagement: "BUILD",
                workload: "x",
                use_case: "y",
                lines: json!([]),
                requested: 1,
            }
            .input(),
            "opportunity { id }",
        )
        .await,
        "FORBIDDEN",
    );
    // Another partner firm does not see the record at all.
    let other = app.login(PARTNER_PREMIER).await;
    assert_code(
        &try_mutate(
            &app,
            &other,
            "withdrawOpportunity",
            "WithdrawOpportunityInput",
            id_and_version.clone(),
            "opportunity { id }",
        )
        .await,
        "NOT_FOUND",
    );
    // Nor may it file for a customer it does not work with.
    let foreign = NewRecord {
        customer: customer_id(&app, "Cactus").await,
        source: "BUILD_FOR_STARTUPS",
        engagement: "BUILD",
        workload: "Hijack",
        use_case: "Filing for a customer of another partner.",
        lines: json!([{ "service": "EC2", "monthlyUsd": 100 }]),
        requested: 1000,
    };
    assert_code(
        &try_mutate(
            &app,
            &other,
            "createOpportunity",
            "CreateOpportunityInput",
            foreign.input(),
            "opportunity { id }",
        )
        .await,
        "NOT_FOUND",
    );

    let stored = record_by_reference(&app, submitted["reference"].as_str().unwrap()).await;
    assert_eq!(
        (stored["status"].as_str(), stored["version"].as_i64()),
        (Some("SUBMITTED"), Some(2))
    );
    // The analyst's view of actions is empty; the reviewer's is the review.
    let seen = app
        .graphql(
            Some(&analyst),
            "query($id: ID!) { node(id: $id) { ... on Opportunity { availableActions } } }",
            json!({ "id": submitted["id"] }),
        )
        .await;
    assert_eq!(seen["data"]["node"]["availableActions"], json!([]));
    let seen = app
        .graphql(
            Some(&reviewer),
            "query($id: ID!) { node(id: $id) { ... on Opportunity { availableActions } } }",
            json!({ "id": submitted["id"] }),
        )
        .await;
    assert_eq!(
        seen["data"]["node"]["availableActions"],
        json!(["START_REVIEW"])
    );
}

#[tokio::test]
async fn create_with_an_idempotency_key_replays_the_first_record_and_refuses_other_input() {
    let app = TestApp::spawn().await;
    let partner = app.login(PARTNER_SELECT).await;
    let record = NewRecord {
        customer: customer_id(&app, "Cactus").await,
        source: "BUILD_FOR_STARTUPS",
        engagement: "BUILD",
        workload: "Idempotent",
        use_case: "Retries of one filing must not create two records in the partner's pipeline when the network drops.",
        lines: json!([{ "service": "LAMBDA", "monthlyUsd": 100 }]),
        requested: 5_000,
    };
    let mut input = record.input();
    input["idempotencyKey"] = json!("crm-sync-42");
    let first = ok_record(
        &mutate(
            &app,
            &partner,
            "createOpportunity",
            "CreateOpportunityInput",
            input.clone(),
            "opportunity { id }",
        )
        .await,
    );
    let again = ok_record(
        &mutate(
            &app,
            &partner,
            "createOpportunity",
            "CreateOpportunityInput",
            input.clone(),
            "opportunity { id }",
        )
        .await,
    );
    assert_eq!(first["id"], again["id"]);
    input["requestedAmountUsd"] = json!(6_000);
    assert_code(
        &try_mutate(
            &app,
            &partner,
            "createOpportunity",
            "CreateOpportunityInput",
            input,
            "opportunity { id }",
        )
        .await,
        "CONFLICT",
    );
}

#[tokio::test]
async fn expiring_credit_grants_lists_soonest_first_within_the_window() {
    let app = TestApp::spawn().await;
    let query = "query($d: Int!) { expiringCreditGrants(withinDays: $d, first: 50) { totalCount nodes { faceValueUsd expiresAt } } }";
    let thirty =
        app.query_as(ANALYST, query, json!({ "d": 30 })).await["expiringCreditGrants"].clone();
    let sixty =
        app.query_as(ANALYST, query, json!({ "d": 60 })).await["expiringCreditGrants"].clone();
    assert!(thirty["totalCount"].as_i64().unwrap() >= 1);
    assert!(sixty["totalCount"].as_i64().unwrap() > thirty["totalCount"].as_i64().unwrap());
    let dates: Vec<&str> = sixty["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["expiresAt"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
    let token = app.login(ANALYST).await;
    assert_code(
        &app.graphql(Some(&token), query, json!({ "d": 0 })).await,
        "BAD_USER_INPUT",
    );
    // A partner sees only the grants of its own records.
    let select = app
        .query_as(PARTNER_SELECT, query, json!({ "d": 366 }))
        .await["expiringCreditGrants"]
        .clone();
    let all =
        app.query_as(ANALYST, query, json!({ "d": 366 })).await["expiringCreditGrants"].clone();
    assert!(select["totalCount"].as_i64().unwrap() < all["totalCount"].as_i64().unwrap());
}
