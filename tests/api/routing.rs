//! Partner routing and inquiries: `partnerMatches`, `submitInquiry` (public, validated, rate-limited) and
//! `acceptInquiry` (which creates the customer for the partner that takes it).

use serde_json::{Value, json};

use crate::helpers::{org, *};

const MATCHES: &str = "query($input: PartnerMatchInput!, $first: Int) {
  partnerMatches(input: $input, first: $first) { score reasons partner { id name tier regions specialties } } }";

async fn matches(app: &TestApp, viewer: &str, input: Value) -> Vec<Value> {
    let data = app
        .query_as(viewer, MATCHES, json!({ "input": input, "first": 100 }))
        .await;
    data["partnerMatches"].as_array().unwrap().clone()
}

fn portfolio_bedrock_eu() -> Value {
    json!({ "region": "EU", "fundingSource": "ACTIVATE_PORTFOLIO", "fundingStage": "SERIES_A", "services": ["BEDROCK"] })
}

fn labels(partner: &Value, field: &str) -> Vec<String> {
    partner[field]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_portfolio_company_needing_bedrock_in_the_eu_is_routed_first_to_an_advanced_or_premier_genai_firm_in_the_eu()
 {
    let app = TestApp::spawn().await;
    let ranked = matches(&app, ANALYST, portfolio_bedrock_eu()).await;
    assert!(ranked.len() >= 2, "{ranked:?}");
    let best = &ranked[0]["partner"];
    assert!(
        ["ADVANCED", "PREMIER"].contains(&best["tier"].as_str().unwrap()),
        "{best}"
    );
    assert!(labels(best, "regions").contains(&"EU".to_owned()), "{best}");
    assert!(
        labels(best, "specialties").contains(&"GENAI".to_owned()),
        "{best}"
    );
    for found in &ranked {
        assert_ne!(found["partner"]["tier"], "SELECT", "{found}");
        let score = found["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&score), "{found}");
        assert!(found["reasons"].as_array().unwrap().len() >= 4, "{found}");
    }
    // Best first; equal scores by name.
    for pair in ranked.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (sa, sb) = (a["score"].as_f64().unwrap(), b["score"].as_f64().unwrap());
        assert!(
            sa > sb || (sa == sb && a["partner"]["name"].as_str() < b["partner"]["name"].as_str()),
            "{a} before {b}"
        );
    }
    // A firm outside the EU without GENAI ranks below the EU GENAI firms.
    let position = |name: &str| ranked.iter().position(|m| m["partner"]["name"] == name);
    assert!(position("Fresh Orbit Labs") > position("Advanced Stack Consulting"));
    assert!(position("Fresh Orbit Labs") > position("Premier Cloud Partners"));
    let reasons = ranked[0]["reasons"].to_string();
    assert!(
        reasons.contains("works in EU") && reasons.contains("GENAI"),
        "{reasons}"
    );
}

#[tokio::test]
async fn no_select_firm_is_ever_matched_for_a_funding_source_its_tier_may_not_file() {
    let app = TestApp::spawn().await;
    for source in ["ACTIVATE_PORTFOLIO", "MIGRATION"] {
        for region in ["EU", "UK", "US", "APAC", "LATAM"] {
            for services in [
                json!(["LAMBDA"]),
                json!(["EKS", "AURORA"]),
                json!(["EC2", "S3"]),
            ] {
                let input = json!({ "region": region, "fundingSource": source, "fundingStage": "SEED", "services": services });
                let ranked = matches(&app, ADMIN, input).await;
                assert!(!ranked.is_empty());
                assert!(
                    ranked.iter().all(|m| m["partner"]["tier"] != "SELECT"),
                    "{source} {region} {services}: {ranked:?}"
                );
            }
        }
    }
    // A SELECT firm may file Build for Startups, so it is ranked there, and first where it fits best.
    let ranked = matches(
        &app,
        ADMIN,
        json!({ "region": "US", "fundingSource": "BUILD_FOR_STARTUPS", "fundingStage": "PRE_SEED", "services": ["LAMBDA"] }),
    )
    .await;
    assert!(ranked.iter().any(|m| m["partner"]["tier"] == "SELECT"));
}

#[tokio::test]
async fn exact_close_rates_are_quoted_only_to_viewers_who_may_read_the_track_record() {
    let app = TestApp::spawn().await;
    let reasons_for = |ranked: &[Value], name: &str| {
        ranked
            .iter()
            .find(|m| m["partner"]["name"] == name)
            .map(|m| m["reasons"].to_string())
            .unwrap()
    };
    let staff = matches(&app, ANALYST, portfolio_bedrock_eu()).await;
    assert!(reasons_for(&staff, "Advanced Stack Consulting").contains("close rate 0."));
    let own = matches(&app, PARTNER_ADVANCED, portfolio_bedrock_eu()).await;
    assert!(reasons_for(&own, "Advanced Stack Consulting").contains("close rate 0."));
    // A competitor sees a band, not the figure; the ranking itself is the same for everyone.
    let competitor = matches(&app, PARTNER_PREMIER, portfolio_bedrock_eu()).await;
    let shown = reasons_for(&competitor, "Advanced Stack Consulting");
    assert!(
        !shown.contains("close rate 0.") && shown.contains("close rate on ACTIVATE_PORTFOLIO"),
        "{shown}"
    );
    let names = |ranked: &[Value]| {
        ranked
            .iter()
            .map(|m| m["partner"]["name"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&staff), names(&competitor));
}

#[tokio::test]
async fn an_invalid_match_request_is_bad_user_input_and_anonymous_callers_are_refused() {
    let app = TestApp::spawn().await;
    let token = app.token_for(FOUNDER).await;
    for (input, first) in [
        (
            json!({ "region": "MARS", "fundingSource": "GENAI_POC", "fundingStage": "SEED", "services": ["BEDROCK"] }),
            5,
        ),
        (
            json!({ "region": "EU", "fundingSource": "GENAI_POC", "fundingStage": "SEED", "services": [] }),
            5,
        ),
        (
            json!({ "region": "EU", "fundingSource": "GENAI_POC", "fundingStage": "ENTERPRISE", "services": ["BEDROCK"] }),
            5,
        ),
        (portfolio_bedrock_eu(), 0),
        (portfolio_bedrock_eu(), 101),
    ] {
        let response = app
            .graphql(
                Some(&token),
                MATCHES,
                json!({ "input": input, "first": first }),
            )
            .await;
        assert_eq!(
            error_code(&response),
            Some("BAD_USER_INPUT"),
            "{input} {first}: {response}"
        );
    }
    let ok = app
        .graphql(
            Some(&token),
            MATCHES,
            json!({ "input": portfolio_bedrock_eu() }),
        )
        .await;
    assert!(ok.get("errors").is_none(), "any signed-in user: {ok}");
    assert_eq!(
        ok["data"]["partnerMatches"].as_array().unwrap().len(),
        4,
        "four firms may file Portfolio; default 5"
    );
    let anonymous = app
        .graphql(None, MATCHES, json!({ "input": portfolio_bedrock_eu() }))
        .await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
}

// ---- inquiries -----------------------------------------------------------------------------------------------------

const SUBMIT: &str = "mutation($input: SubmitInquiryInput!) { submitInquiry(input: $input) {
  inquiry { id companyName fundingStage useCase region services contactEmail accepted matchedPartner { id name tier } }
  userErrors { field code message } } }";

fn inquiry_input() -> Value {
    json!({
        "companyName": "Fjordlight Robotics AS",
        "fundingStage": "SERIES_A",
        "useCase": "An assistant that drafts maintenance reports for offshore wind technicians from voice notes.",
        "region": "eu",
        "services": ["BEDROCK", "LAMBDA", "BEDROCK"],
        "contactEmail": "cto@fjordlight.example.com",
    })
}

async fn submit_anonymously(app: &TestApp, input: Value) -> Value {
    app.graphql(None, SUBMIT, json!({ "input": input })).await
}

async fn inquiry_count(app: &TestApp) -> i64 {
    app.query_as(ADMIN, "{ inquiries { totalCount } }", json!({}))
        .await["inquiries"]["totalCount"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn an_anonymous_inquiry_is_stored_with_the_best_matching_partner_and_audited() {
    let app = TestApp::spawn().await;
    let before = inquiry_count(&app).await;
    let response = submit_anonymously(&app, inquiry_input()).await;
    assert!(response.get("errors").is_none(), "{response}");
    let payload = &response["data"]["submitInquiry"];
    assert_eq!(payload["userErrors"], json!([]));
    let inquiry = &payload["inquiry"];
    assert_eq!(inquiry["region"], "EU");
    assert_eq!(inquiry["services"], json!(["BEDROCK", "LAMBDA"]));
    assert_eq!(inquiry["accepted"], false);
    // A Series A company is routed for Activate Portfolio: the same firm partnerMatches ranks first.
    let best = matches(
        &app,
        ADMIN,
        json!({ "region": "EU", "fundingSource": "ACTIVATE_PORTFOLIO", "fundingStage": "SERIES_A", "services": ["BEDROCK", "LAMBDA"] }),
    )
    .await;
    assert_eq!(inquiry["matchedPartner"]["id"], best[0]["partner"]["id"]);
    assert_ne!(inquiry["matchedPartner"]["tier"], "SELECT");
    assert_eq!(inquiry_count(&app).await, before + 1);

    let trail = org::audit_trail(&app, &inquiry["id"]).await;
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].0, "inquiry.submit");
    let events = app
        .query_as(
            ADMIN,
            "query($id: ID) { auditEvents(first: 1, subjectId: $id) { nodes { actor { id } } } }",
            json!({ "id": inquiry["id"] }),
        )
        .await;
    assert_eq!(
        events["auditEvents"]["nodes"][0]["actor"],
        Value::Null,
        "anonymous"
    );
}

#[tokio::test]
async fn an_invalid_inquiry_reports_every_field_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let before = inquiry_count(&app).await;
    let mut input = inquiry_input();
    input["companyName"] = json!("   ");
    input["useCase"] = json!("x".repeat(1_001));
    input["region"] = json!("ATLANTIS");
    input["services"] = json!([]);
    input["contactEmail"] = json!("not an email");
    let response = submit_anonymously(&app, input).await;
    let errors = org::user_errors(&response, "submitInquiry");
    assert_eq!(
        errors,
        vec![
            ("input.companyName".to_owned(), "REQUIRED".to_owned()),
            ("input.useCase".to_owned(), "TOO_LONG".to_owned()),
            ("input.region".to_owned(), "INVALID_REGION".to_owned()),
            ("input.services".to_owned(), "SERVICES_REQUIRED".to_owned()),
            ("input.contactEmail".to_owned(), "INVALID_EMAIL".to_owned()),
        ]
    );
    assert_eq!(response["data"]["submitInquiry"]["inquiry"], Value::Null);
    let mut enterprise = inquiry_input();
    enterprise["fundingStage"] = json!("ENTERPRISE");
    let response = submit_anonymously(&app, enterprise).await;
    assert_eq!(
        org::user_errors(&response, "submitInquiry"),
        vec![(
            "input.fundingStage".to_owned(),
            "INELIGIBLE_SEGMENT".to_owned()
        )]
    );
    assert_eq!(inquiry_count(&app).await, before);
}

#[tokio::test]
async fn inquiries_are_rate_limited_per_client_ip() {
    let app = TestApp::spawn_with(&[("ACEGATE_INQUIRIES_PER_IP_PER_MINUTE", "2")]).await;
    for _ in 0..2 {
        let response = submit_anonymously(&app, inquiry_input()).await;
        assert!(response.get("errors").is_none(), "{response}");
    }
    let refused = submit_anonymously(&app, inquiry_input()).await;
    assert_eq!(error_code(&refused), Some("RATE_LIMITED"), "{refused}");
    assert!(
        refused["errors"][0]["extensions"]["retryAfter"]
            .as_u64()
            .unwrap()
            >= 1
    );
    // An invalid inquiry counts too: the limit is checked before anything else.
    let mut invalid = inquiry_input();
    invalid["region"] = json!("ATLANTIS");
    assert_eq!(
        error_code(&submit_anonymously(&app, invalid).await),
        Some("RATE_LIMITED")
    );
}

const INQUIRY: &str =
    "query($id: ID!) { node(id: $id) { ... on Inquiry { id companyName contactEmail
  matchedPartner { name } customer { legalName } } } }";

/// Submits the standard inquiry and returns `(id, matched partner name)`.
async fn submitted_inquiry(app: &TestApp) -> (Value, String) {
    let response = submit_anonymously(app, inquiry_input()).await;
    let inquiry = &response["data"]["submitInquiry"]["inquiry"];
    (
        inquiry["id"].clone(),
        inquiry["matchedPartner"]["name"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

fn partner_login(name: &str) -> &'static str {
    match name {
        "Advanced Stack Consulting" => PARTNER_ADVANCED,
        "Premier Cloud Partners" => PARTNER_PREMIER,
        other => panic!("no demo login for {other}"),
    }
}

#[tokio::test]
async fn an_inquiry_is_visible_to_staff_and_to_the_firm_it_is_routed_to_only() {
    let app = TestApp::spawn().await;
    let (id, matched) = submitted_inquiry(&app).await;
    let routed_to = partner_login(&matched);
    for viewer in [ADMIN, ANALYST, REVIEWER, routed_to] {
        let data = app.query_as(viewer, INQUIRY, json!({ "id": id })).await;
        assert_eq!(
            data["node"]["companyName"], "Fjordlight Robotics AS",
            "{viewer}"
        );
    }
    let other_partner = if routed_to == PARTNER_ADVANCED {
        PARTNER_PREMIER
    } else {
        PARTNER_ADVANCED
    };
    for viewer in [other_partner, PARTNER_SELECT, VC_PORTFOLIO, FOUNDER] {
        let token = app.token_for(viewer).await;
        let response = app
            .graphql(Some(&token), INQUIRY, json!({ "id": id }))
            .await;
        assert_eq!(
            error_code(&response),
            Some("NOT_FOUND"),
            "{viewer}: {response}"
        );
        let listed = app
            .query_as(
                viewer,
                "{ inquiries { totalCount nodes { id } } }",
                json!({}),
            )
            .await;
        assert!(
            !listed["inquiries"]["nodes"]
                .as_array()
                .unwrap()
                .contains(&id),
            "{viewer}"
        );
    }
    // totalCount respects the scope: the routed firm counts only its own.
    let own = app
        .query_as(
            routed_to,
            "{ inquiries(first: 100) { totalCount nodes { matchedPartner { name } } } }",
            json!({}),
        )
        .await;
    let nodes = own["inquiries"]["nodes"].as_array().unwrap();
    assert_eq!(
        own["inquiries"]["totalCount"].as_u64().unwrap() as usize,
        nodes.len()
    );
    assert!(
        nodes
            .iter()
            .all(|n| n["matchedPartner"]["name"] == matched.as_str())
    );
}

fn acceptance(id: &Value) -> Value {
    json!({
        "id": id,
        "legalName": "Fjordlight Robotics AS",
        "website": "https://fjordlight.example.com",
        "awsAccountId": "555000111222",
        "country": "NO",
        "incorporated": true,
        "engineerCount": 14,
        "monthsOnAws": 10,
        "monthlyAwsSpendUsd": 5200,
        "marketplaceSpendShare": 0.1,
        "competesWithAws": false,
    })
}

const ACCEPT_SELECTION: &str =
    "inquiry { id accepted matchedPartner { name } customer { id legalName } }
  customer { id legalName fundingStage awsAccountId }";

#[tokio::test]
async fn a_partner_accepting_an_inquiry_creates_the_customer_for_its_firm_once() {
    let app = TestApp::spawn().await;
    let (id, matched) = submitted_inquiry(&app).await;
    let partner = app.token_for(partner_login(&matched)).await;
    let customers_before = org::customer_count(&app).await;
    let payload = org::send_ok(
        &app,
        &partner,
        "acceptInquiry",
        "AcceptInquiryInput",
        acceptance(&id),
        ACCEPT_SELECTION,
    )
    .await;
    let customer = &payload["customer"];
    assert_eq!(
        customer["fundingStage"], "SERIES_A",
        "the stage comes from the inquiry"
    );
    assert_eq!(payload["inquiry"]["accepted"], true);
    assert_eq!(payload["inquiry"]["customer"]["id"], customer["id"]);
    assert_eq!(org::customer_count(&app).await, customers_before + 1);

    // The customer is the partner's: it sees it in its own list.
    let own = app
        .query_as(
            partner_login(&matched),
            "{ customers(first: 100, filter: { search: \"Fjordlight\" }) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(own["customers"]["nodes"], json!([{ "id": customer["id"] }]));
    // Created through the createCustomer path: the same audit event.
    let trail = org::audit_trail(&app, &customer["id"]).await;
    assert_eq!(
        trail.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        vec!["customer.create"]
    );
    let trail = org::audit_trail(&app, &id).await;
    assert_eq!(trail[0].0, "inquiry.accept");

    let again = org::send(
        &app,
        &partner,
        "acceptInquiry",
        "AcceptInquiryInput",
        acceptance(&id),
        ACCEPT_SELECTION,
    )
    .await;
    assert_eq!(
        org::user_errors(&again, "acceptInquiry"),
        vec![("input.id".to_owned(), "ALREADY_ACCEPTED".to_owned())]
    );
    assert_eq!(org::customer_count(&app).await, customers_before + 1);
}

#[tokio::test]
async fn an_admin_accepts_an_inquiry_for_a_named_partner_with_the_same_validation_as_create_customer()
 {
    let app = TestApp::spawn().await;
    let (id, matched) = submitted_inquiry(&app).await;
    let admin = app.token_for(ADMIN).await;
    let customers_before = org::customer_count(&app).await;

    let missing = org::send(
        &app,
        &admin,
        "acceptInquiry",
        "AcceptInquiryInput",
        acceptance(&id),
        ACCEPT_SELECTION,
    )
    .await;
    assert_eq!(
        org::user_errors(&missing, "acceptInquiry"),
        vec![("input.partnerId".to_owned(), "PARTNER_REQUIRED".to_owned())]
    );

    // Route it to the other EU GenAI firm instead of the recommended one.
    let other = if matched == "Advanced Stack Consulting" {
        "Premier Cloud Partners"
    } else {
        "Advanced Stack Consulting"
    };
    let other_id = org::partner_named(&app, other).await;
    let mut invalid = acceptance(&id);
    invalid["partnerId"] = other_id.clone();
    invalid["awsAccountId"] = json!("12345");
    invalid["website"] = json!("fjordlight");
    let refused = org::send(
        &app,
        &admin,
        "acceptInquiry",
        "AcceptInquiryInput",
        invalid,
        ACCEPT_SELECTION,
    )
    .await;
    assert_eq!(
        org::user_errors(&refused, "acceptInquiry"),
        vec![
            ("input.website".to_owned(), "INVALID_WEBSITE".to_owned()),
            (
                "input.awsAccountId".to_owned(),
                "INVALID_AWS_ACCOUNT_ID".to_owned()
            ),
        ]
    );
    // A duplicate AWS account is refused like createCustomer refuses it.
    let taken = app
        .query_as(
            ADMIN,
            "{ customers(first: 1) { nodes { awsAccountId } } }",
            json!({}),
        )
        .await["customers"]["nodes"][0]["awsAccountId"]
        .clone();
    let mut duplicate = acceptance(&id);
    duplicate["partnerId"] = other_id.clone();
    duplicate["awsAccountId"] = taken;
    let refused = org::send(
        &app,
        &admin,
        "acceptInquiry",
        "AcceptInquiryInput",
        duplicate,
        ACCEPT_SELECTION,
    )
    .await;
    assert_eq!(
        org::user_errors(&refused, "acceptInquiry"),
        vec![(
            "input.awsAccountId".to_owned(),
            "DUPLICATE_AWS_ACCOUNT_ID".to_owned()
        )]
    );
    assert_eq!(
        org::customer_count(&app).await,
        customers_before,
        "nothing created"
    );

    let mut valid = acceptance(&id);
    valid["partnerId"] = other_id;
    let payload = org::send_ok(
        &app,
        &admin,
        "acceptInquiry",
        "AcceptInquiryInput",
        valid,
        ACCEPT_SELECTION,
    )
    .await;
    assert_eq!(payload["inquiry"]["matchedPartner"]["name"], other);
    // The firm that took it now sees the inquiry and its customer; the recommended one no longer does.
    let data = app
        .query_as(partner_login(other), INQUIRY, json!({ "id": id }))
        .await;
    assert_eq!(
        data["node"]["customer"]["legalName"],
        "Fjordlight Robotics AS"
    );
    let token = app.token_for(partner_login(&matched)).await;
    let response = app
        .graphql(Some(&token), INQUIRY, json!({ "id": id }))
        .await;
    assert_eq!(error_code(&response), Some("NOT_FOUND"));
}

#[tokio::test]
async fn only_admins_and_the_routed_partner_may_accept_an_inquiry() {
    let app = TestApp::spawn().await;
    let (id, matched) = submitted_inquiry(&app).await;
    for viewer in [VC_PORTFOLIO, FOUNDER, ANALYST, REVIEWER] {
        let token = app.token_for(viewer).await;
        let response = org::send(
            &app,
            &token,
            "acceptInquiry",
            "AcceptInquiryInput",
            acceptance(&id),
            ACCEPT_SELECTION,
        )
        .await;
        assert_eq!(
            error_code(&response),
            Some("FORBIDDEN"),
            "{viewer}: {response}"
        );
    }
    let other_partner = if matched == "Advanced Stack Consulting" {
        PARTNER_PREMIER
    } else {
        PARTNER_ADVANCED
    };
    let token = app.token_for(other_partner).await;
    let response = org::send(
        &app,
        &token,
        "acceptInquiry",
        "AcceptInquiryInput",
        acceptance(&id),
        ACCEPT_SELECTION,
    )
    .await;
    assert_eq!(error_code(&response), Some("NOT_FOUND"), "{response}");
    let response = app.graphql(None, "mutation($input: AcceptInquiryInput!) { acceptInquiry(input: $input) { userErrors { code } } }", json!({ "input": acceptance(&id) })).await;
    assert_eq!(error_code(&response), Some("UNAUTHENTICATED"));
}
