//! Creating and updating customers: who may, what is validated, and that a refused change writes nothing.

use serde_json::{Value, json};

use crate::helpers::{org::*, *};

const FIELDS: &str =
    "id legalName website awsAccountId country incorporated fundingStage engineerCount monthsOnAws
  monthlyAwsSpendUsd marketplaceSpendShare competesWithAws selfServeCreditUsd createdAt updatedAt";

fn new_customer() -> Value {
    json!({
        "legalName": "Aurora Borealis Labs Ltd",
        "website": "https://aurora-labs.example.com",
        "awsAccountId": "123456789012",
        "country": "gb",
        "incorporated": true,
        "fundingStage": "SEED",
        "engineerCount": 6,
        "monthsOnAws": 4,
        "monthlyAwsSpendUsd": 1500,
        "marketplaceSpendShare": 0.1,
        "competesWithAws": false
    })
}

fn with(mut input: Value, field: &str, value: Value) -> Value {
    input[field] = value;
    input
}

async fn create(app: &TestApp, token: &str, input: Value) -> Value {
    send(
        app,
        token,
        "createCustomer",
        "CreateCustomerInput",
        input,
        &format!("customer {{ {FIELDS} }}"),
    )
    .await
}

async fn update(app: &TestApp, token: &str, input: Value) -> Value {
    send(
        app,
        token,
        "updateCustomer",
        "UpdateCustomerInput",
        input,
        &format!("customer {{ {FIELDS} }}"),
    )
    .await
}

async fn customer(app: &TestApp, id: &Value) -> Value {
    app.query_as(
        ADMIN,
        &format!("query($id: ID!) {{ node(id: $id) {{ ... on Customer {{ {FIELDS} }} }} }}"),
        json!({ "id": id }),
    )
    .await["node"]
        .clone()
}

#[tokio::test]
async fn a_partner_creates_a_customer_that_its_firm_then_works_with() {
    let app = TestApp::spawn().await;
    let token = app.login(PARTNER_SELECT).await;
    let before = customer_count(&app).await;
    let response = create(&app, &token, new_customer()).await;
    assert!(response.get("errors").is_none(), "{response}");
    let created = &response["data"]["createCustomer"];
    assert_eq!(created["userErrors"], json!([]));
    let created = &created["customer"];
    assert_eq!(created["country"], "GB", "countries are stored upper-case");
    assert_eq!(
        created["selfServeCreditUsd"], 0,
        "self-serve credit defaults to 0"
    );
    assert_eq!(created["awsAccountId"], "123456789012");
    assert_eq!(customer_count(&app).await, before + 1);

    // The creating firm sees it; another firm does not.
    let query = "query($id: ID!) { node(id: $id) { id } }";
    let mine = app
        .graphql(Some(&token), query, json!({ "id": created["id"] }))
        .await;
    assert_eq!(mine["data"]["node"]["id"], created["id"]);
    let other = app.login(PARTNER_PREMIER).await;
    let theirs = app
        .graphql(Some(&other), query, json!({ "id": created["id"] }))
        .await;
    assert_eq!(error_code(&theirs), Some("NOT_FOUND"));

    let trail = audit_trail(&app, &created["id"]).await;
    assert_eq!(trail.len(), 1);
    let (action, before, after) = &trail[0];
    assert_eq!(action, "customer.create");
    assert!(before.is_null());
    assert_eq!(after["legalName"], "Aurora Borealis Labs Ltd");
}

#[tokio::test]
async fn each_invalid_customer_field_is_its_own_user_error_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let token = app.login(PARTNER_ADVANCED).await;
    let before = customer_count(&app).await;
    let cases = [
        ("legalName", json!("   "), "REQUIRED"),
        ("legalName", json!("x".repeat(201)), "TOO_LONG"),
        (
            "website",
            json!("ftp://aurora.example.com"),
            "INVALID_WEBSITE",
        ),
        (
            "website",
            json!("aurora-labs.example.com"),
            "INVALID_WEBSITE",
        ),
        (
            "awsAccountId",
            json!("12345678901"),
            "INVALID_AWS_ACCOUNT_ID",
        ),
        (
            "awsAccountId",
            json!("12345678901a"),
            "INVALID_AWS_ACCOUNT_ID",
        ),
        ("country", json!("UK"), "INVALID_COUNTRY"),
        ("engineerCount", json!(-1), "NEGATIVE_COUNT"),
        ("monthsOnAws", json!(-3), "NEGATIVE_COUNT"),
        ("monthlyAwsSpendUsd", json!(-100), "NEGATIVE_AMOUNT"),
        ("marketplaceSpendShare", json!(1.5), "INVALID_SHARE"),
        ("marketplaceSpendShare", json!(-0.1), "INVALID_SHARE"),
        ("selfServeCreditUsd", json!(-5000), "NEGATIVE_AMOUNT"),
    ];
    for (field, value, code) in cases {
        let response = create(&app, &token, with(new_customer(), field, value.clone())).await;
        assert!(response.get("errors").is_none(), "{response}");
        assert!(response["data"]["createCustomer"]["customer"].is_null());
        assert_eq!(
            user_errors(&response, "createCustomer"),
            vec![(format!("input.{field}"), code.to_owned())],
            "{field} = {value}"
        );
    }
    assert_eq!(customer_count(&app).await, before, "nothing was written");
}

#[tokio::test]
async fn all_field_errors_of_one_input_are_reported_together() {
    let app = TestApp::spawn().await;
    let token = app.login(ADMIN).await;
    let mut input = new_customer();
    input["website"] = json!("not a url");
    input["awsAccountId"] = json!("42");
    input["country"] = json!("XX");
    let response = create(&app, &token, input).await;
    let mut codes = user_errors(&response, "createCustomer");
    codes.sort();
    assert_eq!(
        codes,
        vec![
            (
                "input.awsAccountId".to_owned(),
                "INVALID_AWS_ACCOUNT_ID".to_owned()
            ),
            ("input.country".to_owned(), "INVALID_COUNTRY".to_owned()),
            ("input.website".to_owned(), "INVALID_WEBSITE".to_owned()),
        ]
    );
}

#[tokio::test]
async fn a_duplicate_aws_account_id_is_a_user_error_on_create_and_on_update() {
    let app = TestApp::spawn().await;
    let token = app.login(ADMIN).await;
    let northwind = customer_named(&app, "Northwind").await;
    let northwind_account = customer(&app, &northwind).await["awsAccountId"].clone();
    let before = customer_count(&app).await;

    let response = create(
        &app,
        &token,
        with(new_customer(), "awsAccountId", northwind_account.clone()),
    )
    .await;
    assert_eq!(
        user_errors(&response, "createCustomer"),
        vec![(
            "input.awsAccountId".to_owned(),
            "DUPLICATE_AWS_ACCOUNT_ID".to_owned()
        )]
    );
    assert_eq!(customer_count(&app).await, before);

    let cactus = customer_named(&app, "Cactus").await;
    let cactus_before = customer(&app, &cactus).await;
    let response = update(
        &app,
        &token,
        json!({ "id": cactus, "awsAccountId": northwind_account, "legalName": "Cactus Renamed LLC" }),
    )
    .await;
    assert_eq!(
        user_errors(&response, "updateCustomer"),
        vec![(
            "input.awsAccountId".to_owned(),
            "DUPLICATE_AWS_ACCOUNT_ID".to_owned()
        )]
    );
    assert_eq!(
        customer(&app, &cactus).await,
        cactus_before,
        "the rename in the same input was not written either"
    );
    assert!(
        audit_trail(&app, &cactus)
            .await
            .iter()
            .all(|(action, _, _)| action != "customer.update")
    );
}

#[tokio::test]
async fn an_update_changes_only_the_given_fields_bumps_updated_at_and_audits_the_change() {
    let app = TestApp::spawn().await;
    // A customer of Advanced Stack Consulting with no record under review (those freeze its facts).
    let token = app.login(PARTNER_ADVANCED).await;
    let created = create(&app, &token, new_customer()).await;
    let northwind = created["data"]["createCustomer"]["customer"]["id"].clone();
    let before = customer(&app, &northwind).await;
    let response = update(
        &app,
        &token,
        json!({ "id": northwind, "website": "https://northwind.example.com", "engineerCount": before["engineerCount"] }),
    )
    .await;
    assert!(response.get("errors").is_none(), "{response}");
    assert_eq!(response["data"]["updateCustomer"]["userErrors"], json!([]));
    let after = customer(&app, &northwind).await;
    assert_eq!(after["website"], "https://northwind.example.com");
    assert!(after["updatedAt"].as_str().unwrap() > before["updatedAt"].as_str().unwrap());
    for field in [
        "legalName",
        "awsAccountId",
        "country",
        "engineerCount",
        "monthlyAwsSpendUsd",
        "createdAt",
    ] {
        assert_eq!(after[field], before[field], "{field} is unchanged");
    }

    let trail = audit_trail(&app, &northwind).await;
    let (action, old, new) = &trail[0];
    assert_eq!(action, "customer.update");
    assert_eq!(
        old,
        &json!({ "website": before["website"] }),
        "only the changed field is audited"
    );
    assert_eq!(new, &json!({ "website": "https://northwind.example.com" }));
}

#[tokio::test]
async fn an_invalid_update_is_a_user_error_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let northwind = customer_named(&app, "Northwind").await;
    let before = customer(&app, &northwind).await;
    let token = app.login(PARTNER_ADVANCED).await;
    let response = update(
        &app,
        &token,
        json!({ "id": northwind, "legalName": "Northwind Two Ltd", "marketplaceSpendShare": 2.0, "country": "ZZ" }),
    )
    .await;
    let mut codes = user_errors(&response, "updateCustomer");
    codes.sort();
    assert_eq!(
        codes,
        vec![
            ("input.country".to_owned(), "INVALID_COUNTRY".to_owned()),
            (
                "input.marketplaceSpendShare".to_owned(),
                "INVALID_SHARE".to_owned()
            ),
        ]
    );
    assert_eq!(customer(&app, &northwind).await, before);
}

#[tokio::test]
async fn a_partner_cannot_update_another_partners_customer() {
    let app = TestApp::spawn().await;
    // Northwind belongs to Advanced Stack Consulting, Cactus Commerce to Select Startup Builders.
    let northwind = customer_named(&app, "Northwind").await;
    let cactus = customer_named(&app, "Cactus").await;
    let before = customer(&app, &northwind).await;
    let select = app.login(PARTNER_SELECT).await;
    let response = update(
        &app,
        &select,
        json!({ "id": northwind, "legalName": "Hijacked Ltd" }),
    )
    .await;
    assert_eq!(error_code(&response), Some("NOT_FOUND"));
    assert_eq!(customer(&app, &northwind).await, before);

    let advanced = app.login(PARTNER_ADVANCED).await;
    let response = update(
        &app,
        &advanced,
        json!({ "id": cactus, "engineerCount": 99 }),
    )
    .await;
    assert_eq!(error_code(&response), Some("NOT_FOUND"));

    // Its own customer it may update.
    let response = update(&app, &select, json!({ "id": cactus, "engineerCount": 12 })).await;
    assert_eq!(
        response["data"]["updateCustomer"]["customer"]["engineerCount"],
        12
    );
}

#[tokio::test]
async fn analysts_reviewers_vcs_and_founders_cannot_create_or_update_customers() {
    let app = TestApp::spawn().await;
    let northwind = customer_named(&app, "Northwind").await;
    let before = customer_count(&app).await;
    for email in [ANALYST, REVIEWER, VC_PORTFOLIO, FOUNDER] {
        let token = app.login(email).await;
        let response = create(&app, &token, new_customer()).await;
        assert_eq!(error_code(&response), Some("FORBIDDEN"), "{email} creates");
        let response = update(&app, &token, json!({ "id": northwind, "engineerCount": 1 })).await;
        assert_eq!(error_code(&response), Some("FORBIDDEN"), "{email} updates");
    }
    assert_eq!(customer_count(&app).await, before);
}

#[tokio::test]
async fn an_admin_may_update_any_customer_and_a_wrong_id_is_bad_user_input() {
    let app = TestApp::spawn().await;
    let token = app.login(ADMIN).await;
    let cactus = customer_named(&app, "Cactus").await;
    let response = update(
        &app,
        &token,
        json!({ "id": cactus, "fundingStage": "SERIES_A" }),
    )
    .await;
    assert_eq!(
        response["data"]["updateCustomer"]["customer"]["fundingStage"],
        "SERIES_A"
    );

    let partner = partner_named(&app, "Premier").await;
    let response = update(&app, &token, json!({ "id": partner, "engineerCount": 1 })).await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"));
}
