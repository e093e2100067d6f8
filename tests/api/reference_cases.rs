//! The reference cases of DESIGN.md §9, end to end through the API as the roles involved.

use serde_json::json;

use crate::{helpers::*, workflow_helpers::*};

const ANALYTICS_USE_CASE: &str = "Northwind Analytics sells a self-serve product-analytics SaaS to European e-commerce \
    shops; the product ingests clickstream events and serves dashboards from the same multi-tenant warehouse.";

#[tokio::test]
async fn london_series_a_stacks_a_portfolio_award_and_a_genai_poc_for_distinct_workloads() {
    let app = TestApp::spawn().await;
    let partner = app.login(PARTNER_ADVANCED).await;
    let reviewer = app.login(REVIEWER).await;

    // The Portfolio record (EKS + Aurora, ~$6K/month) is already submitted in the demo data.
    let portfolio = record_by_reference(&app, "O1000015").await;
    assert_eq!(portfolio["status"], "SUBMITTED");
    assert_eq!(
        check(&portfolio, "FUNDING_EVIDENCE")["outcome"],
        "PASS",
        "a TIER_1 VC attested the Series A"
    );
    assert_eq!(check(&portfolio, "PARTNER_TRACK_RECORD")["outcome"], "PASS");
    let (_, portfolio_grant) = approve_and_issue(&app, &reviewer, &portfolio).await;
    assert_eq!(portfolio_grant["faceValueUsd"], 100_000);
    assert_eq!(
        months_between(
            portfolio_grant["issuedAt"].as_str().unwrap(),
            portfolio_grant["expiresAt"].as_str().unwrap()
        ),
        24
    );

    // The same week, the partner submits the Bedrock support agent, a distinct workload.
    let genai = record_by_reference(&app, "O1000016").await;
    assert_eq!(genai["status"], "DRAFT");
    let submitted = ok_record(&submit(&app, &partner, &genai).await);
    assert_eq!(submitted["status"], "SUBMITTED");
    assert_eq!(check(&submitted, "DISTINCT_WORKLOAD")["outcome"], "PASS");
    let (_, genai_grant) = approve_and_issue(&app, &reviewer, &submitted).await;
    assert_eq!(genai_grant["faceValueUsd"], 25_000);
    assert_eq!(
        months_between(
            genai_grant["issuedAt"].as_str().unwrap(),
            genai_grant["expiresAt"].as_str().unwrap()
        ),
        12
    );

    // $125K in grants, both on the customer's account; the earlier $5K self-serve credit no longer counts.
    let customer = customer_id(&app, "Northwind").await;
    let data = app
        .query_as(
            FOUNDER,
            "query($id: ID!) { node(id: $id) { ... on Customer { awsAccountId selfServeCreditUsd totalCreditsUsd creditGrants { faceValueUsd awsAccountId } } } }",
            json!({ "id": customer }),
        )
        .await;
    let company = &data["node"];
    assert_eq!(company["selfServeCreditUsd"], 5_000);
    assert_eq!(company["totalCreditsUsd"], 125_000);
    let grants = company["creditGrants"].as_array().unwrap();
    assert_eq!(grants.len(), 2);
    assert!(
        grants
            .iter()
            .all(|g| g["awsAccountId"] == company["awsAccountId"])
    );
}

#[tokio::test]
async fn a_second_record_for_the_same_product_is_flagged_and_approving_it_awards_nothing() {
    let app = TestApp::spawn().await;
    let partner = app.login(PARTNER_ADVANCED).await;
    let reviewer = app.login(REVIEWER).await;
    approve_and_issue(
        &app,
        &reviewer,
        &record_by_reference(&app, "O1000015").await,
    )
    .await;

    let duplicate = create(
        &app,
        &partner,
        &NewRecord {
            customer: customer_id(&app, "Northwind").await,
            source: "BUILD_FOR_STARTUPS",
            engagement: "BUILD",
            workload: "Core Analytics Platform",
            use_case: ANALYTICS_USE_CASE,
            lines: json!([{ "service": "EKS", "monthlyUsd": 3000 }, { "service": "AURORA", "monthlyUsd": 2000 }]),
            requested: 25_000,
        },
    )
    .await;
    let distinct = check(&duplicate, "DISTINCT_WORKLOAD");
    assert_eq!(distinct["outcome"], "FAIL");
    assert!(
        distinct["detail"].as_str().unwrap().contains("O1000015"),
        "{distinct}"
    );
    assert_eq!(duplicate["eligibility"]["recommendedDecision"], "REJECT");

    let submitted = ok_record(&submit(&app, &partner, &duplicate).await);
    let in_review = start_review(&app, &reviewer, &submitted).await;
    let approved = ok_record(
        &decide(
            &app,
            &reviewer,
            &in_review,
            json!({ "decision": "APPROVE" }),
        )
        .await,
    );
    assert_eq!(approved["status"], "APPROVED");
    assert_eq!(approved["awardedAmountUsd"], 0);
    let decisions = app
        .query_as(REVIEWER, "query($id: ID!) { node(id: $id) { ... on Opportunity { decisions { amountUsd reasons comment } } } }", json!({ "id": approved["id"] }))
        .await;
    let decision = &decisions["node"]["decisions"][0];
    assert_eq!(decision["amountUsd"], 0);
    assert!(
        decision["reasons"]
            .as_array()
            .unwrap()
            .contains(&json!("DISTINCT_WORKLOAD"))
    );
    assert!(
        decision["comment"].as_str().unwrap().contains("O1000015"),
        "the reviewer is told why: {decision}"
    );
    let issue = try_mutate(
        &app,
        &reviewer,
        "issueCredits",
        "IssueCreditsInput",
        json!({ "opportunityId": approved["id"] }),
        "creditGrant { id }",
    )
    .await;
    assert_eq!(
        user_error_codes(&issue["data"]["issueCredits"]),
        vec!["NOTHING_TO_ISSUE"]
    );
}

#[tokio::test]
async fn a_seed_company_projecting_two_hundred_thousand_a_month_fails_plausible_spend_and_gets_a_reduced_recommendation()
 {
    let app = TestApp::spawn().await;
    let partner = app.login(PARTNER_PREMIER).await;
    let record = create(
        &app,
        &partner,
        &NewRecord {
            customer: customer_id(&app, "Lumen Ledger").await,
            source: "BUILD_FOR_STARTUPS",
            engagement: "BUILD",
            workload: "Ledger reconciliation engine",
            use_case: "Lumen Ledger reconciles bank statements for small German businesses; the engine matches \
                transactions with invoices on ECS and keeps the ledgers in Aurora PostgreSQL for the accountants.",
            lines: json!([{ "service": "EC2", "monthlyUsd": 150000 }, { "service": "AURORA", "monthlyUsd": 50000 }]),
            requested: 25_000,
        },
    )
    .await;
    assert_eq!(check(&record, "PLAUSIBLE_SPEND")["outcome"], "FAIL");
    assert_eq!(
        record["eligibility"]["recommendedDecision"],
        "APPROVE_REDUCED"
    );
    let amount = record["eligibility"]["recommendedAmountUsd"]
        .as_i64()
        .unwrap();
    assert!(amount > 0 && amount < 25_000, "{amount}");
}

#[tokio::test]
async fn a_pre_seed_company_fails_funding_evidence_for_portfolio_but_may_file_build_for_startups() {
    let app = TestApp::spawn().await;
    let partner = app.login(PARTNER_PREMIER).await;
    let tidepool = customer_id(&app, "Tidepool").await;
    let use_case = "Tidepool builds autonomous pool-cleaning robots; the fleet service ingests telemetry through \
        IoT into Lambda and DynamoDB and retrains the navigation model every night on spot instances.";
    let lines = json!([{ "service": "LAMBDA", "monthlyUsd": 600 }, { "service": "DYNAMODB", "monthlyUsd": 400 }]);
    let portfolio = create(
        &app,
        &partner,
        &NewRecord {
            customer: tidepool.clone(),
            source: "ACTIVATE_PORTFOLIO",
            engagement: "BUILD",
            workload: "Fleet telemetry",
            use_case,
            lines: lines.clone(),
            requested: 100_000,
        },
    )
    .await;
    assert_eq!(check(&portfolio, "FUNDING_EVIDENCE")["outcome"], "FAIL");
    assert_eq!(portfolio["eligibility"]["recommendedDecision"], "REJECT");

    let build = create(
        &app,
        &partner,
        &NewRecord {
            customer: tidepool,
            source: "BUILD_FOR_STARTUPS",
            engagement: "BUILD",
            workload: "Fleet telemetry v2",
            use_case,
            lines,
            requested: 10_000,
        },
    )
    .await;
    assert!(
        build["eligibility"]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["check"] != "FUNDING_EVIDENCE")
    );
    assert_eq!(
        ok_record(&submit(&app, &partner, &build).await)["status"],
        "SUBMITTED"
    );
}

#[tokio::test]
async fn a_competitor_a_sanctioned_country_and_an_enterprise_are_refused_at_submission_naming_the_check()
 {
    let app = TestApp::spawn().await;
    let partner = app.login(PARTNER_PREMIER).await;
    for (name, failing) in [
        ("Stratocloud", "NOT_AWS_COMPETITOR"),
        ("Persis", "ELIGIBLE_JURISDICTION"),
        ("Meridian", "ELIGIBLE_SEGMENT"),
    ] {
        let draft = create(
            &app,
            &partner,
            &NewRecord {
                customer: customer_id(&app, name).await,
                source: "BUILD_FOR_STARTUPS",
                engagement: "BUILD",
                workload: "Data platform",
                use_case: "The company runs its customer-facing API on ECS with Aurora and wants to move its batch \
                    analytics onto managed services as traffic grows over the next two quarters.",
                lines: json!([{ "service": "ECS", "monthlyUsd": 2000 }, { "service": "AURORA", "monthlyUsd": 1000 }]),
                requested: 20_000,
            },
        )
        .await;
        let payload = submit(&app, &partner, &draft).await;
        assert!(
            user_error_codes(&payload).contains(&failing.to_owned()),
            "{name}: {payload}"
        );
        assert_eq!(
            payload["opportunity"]["status"], "DRAFT",
            "nothing filed for {name}"
        );
        assert_eq!(payload["opportunity"]["version"], draft["version"]);
        let stored = record_by_reference(&app, draft["reference"].as_str().unwrap()).await;
        assert_eq!(stored["status"], "DRAFT");
    }
}

#[tokio::test]
async fn a_select_partner_cannot_file_portfolio_but_may_file_build_for_startups() {
    let app = TestApp::spawn().await;
    let partner = app.login(PARTNER_SELECT).await;
    let cactus = customer_id(&app, "Cactus").await;
    let mut record = NewRecord {
        customer: cactus,
        source: "ACTIVATE_PORTFOLIO",
        engagement: "BUILD",
        workload: "Storefront platform",
        use_case: "Cactus Commerce runs storefronts for independent plant shops; the platform serves catalogues from \
            Lambda and DynamoDB and processes orders through a queue-driven fulfilment service.",
        lines: json!([{ "service": "LAMBDA", "monthlyUsd": 900 }, { "service": "DYNAMODB", "monthlyUsd": 600 }]),
        requested: 50_000,
    };
    let refused = mutate(
        &app,
        &partner,
        "createOpportunity",
        "CreateOpportunityInput",
        record.input(),
        &record_selection(),
    )
    .await;
    assert_eq!(user_error_codes(&refused), vec!["FILER_RIGHTS"]);
    assert!(refused["opportunity"].is_null());

    record.source = "BUILD_FOR_STARTUPS";
    record.requested = 25_000;
    let build = create(&app, &partner, &record).await;
    assert_eq!(check(&build, "FILER_RIGHTS")["outcome"], "PASS");
    assert_eq!(
        ok_record(&submit(&app, &partner, &build).await)["status"],
        "SUBMITTED"
    );
}

#[tokio::test]
async fn a_vc_with_portfolio_access_files_for_a_company_it_attested_and_others_are_refused() {
    let app = TestApp::spawn().await;
    let use_case = "The company drafts contracts with a language model on Bedrock, stores matter files in S3 and \
        runs its review workflow on ECS with Aurora for the law firms that use it every day.";
    let lines = json!([{ "service": "ECS", "monthlyUsd": 2500 }, { "service": "AURORA", "monthlyUsd": 1500 }]);
    let new = |customer| NewRecord {
        customer,
        source: "ACTIVATE_PORTFOLIO",
        engagement: "BUILD",
        workload: "Contract drafting",
        use_case,
        lines: lines.clone(),
        requested: 100_000,
    };

    let vc = app.login(VC_PORTFOLIO).await;
    let filed = create(&app, &vc, &new(customer_id(&app, "Quill").await)).await;
    assert_eq!(check(&filed, "FILER_RIGHTS")["outcome"], "PASS");
    let submitted = ok_record(&submit(&app, &vc, &filed).await);
    assert_eq!(submitted["status"], "SUBMITTED");
    let path = app
        .query_as(VC_PORTFOLIO, "query($id: ID!) { node(id: $id) { ... on Opportunity { submissionPath partner { id } vcFirm { name } } } }", json!({ "id": submitted["id"] }))
        .await;
    assert_eq!(path["node"]["submissionPath"], "VC");
    assert!(path["node"]["partner"].is_null());

    // A company the firm did not attest is invisible to it.
    let not_attested = try_mutate(
        &app,
        &vc,
        "createOpportunity",
        "CreateOpportunityInput",
        new(customer_id(&app, "Lumen Ledger").await).input(),
        "opportunity { id }",
    )
    .await;
    assert_code(&not_attested, "NOT_FOUND");

    // A firm without Portfolio access may not file, even for a company it attested.
    let emerging = app.login(VC_EMERGING).await;
    let attested = app
        .query_as(
            VC_EMERGING,
            "{ customers(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await;
    let own_company = attested["customers"]["nodes"][0]["id"].clone();
    let refused = mutate(
        &app,
        &emerging,
        "createOpportunity",
        "CreateOpportunityInput",
        new(own_company).input(),
        "opportunity { id }",
    )
    .await;
    assert_eq!(user_error_codes(&refused), vec!["FILER_RIGHTS"]);
}
