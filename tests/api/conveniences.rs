//! The small conveniences of issue 14: a record by its exact reference or its filer's reference, analytics ranges
//! given as dates, rounded analytics figures, `creditsByMonth` keyed `key`, the inquiries a founder submitted, and
//! nested connections paged and ordered like the top-level ones.

use chrono::{Duration, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::{helpers::*, workflow_helpers as flow};

// ---- exact lookup by reference -------------------------------------------------------------------------------------

const BY_REFERENCE: &str = "query($r: String!) { opportunityByReference(reference: $r) {
  reference status customer { legalName } } }";

const FILTERED: &str =
    "query($filter: OpportunityFilter) { opportunities(first: 100, filter: $filter) {
  totalCount nodes { reference partner { name } } } }";

/// `(totalCount, references)` of `opportunities` with `filter`, as `viewer` sees them.
async fn references(app: &TestApp, viewer: &str, filter: Value) -> (u64, Vec<String>) {
    let data = app
        .query_as(viewer, FILTERED, json!({ "filter": filter }))
        .await;
    let nodes = data["opportunities"]["nodes"].as_array().unwrap();
    (
        data["opportunities"]["totalCount"].as_u64().unwrap(),
        nodes
            .iter()
            .map(|n| n["reference"].as_str().unwrap().to_owned())
            .collect(),
    )
}

#[tokio::test]
async fn a_record_is_found_by_its_exact_reference_by_those_who_may_see_it_and_by_nobody_else() {
    let app = TestApp::spawn().await;
    // O1000015 is Northwind's Portfolio record, filed by the ADVANCED partner, SUBMITTED.
    for (viewer, typed) in [
        (PARTNER_ADVANCED, "O1000015"),
        (REVIEWER, " o1000015 "),
        (FOUNDER, "O1000015"),
        (VC_PORTFOLIO, "O1000015"),
    ] {
        let data = app
            .query_as(viewer, BY_REFERENCE, json!({ "r": typed }))
            .await;
        let record = &data["opportunityByReference"];
        assert_eq!(record["reference"], "O1000015", "{viewer}");
        assert_eq!(
            record["customer"]["legalName"], "Northwind Analytics Ltd",
            "{viewer}"
        );
    }
    // Invisible and missing look the same: null, no error.
    for (viewer, reference) in [
        (PARTNER_PREMIER, "O1000015"),
        (VC_EMERGING, "O1000015"),
        (ADMIN, "O9999999"),
        // A DRAFT (O1000016) is not in a reviewer's scope.
        (REVIEWER, "O1000016"),
    ] {
        let data = app
            .query_as(viewer, BY_REFERENCE, json!({ "r": reference }))
            .await;
        assert_eq!(
            data["opportunityByReference"],
            Value::Null,
            "{viewer} {reference}"
        );
    }

    // The filter is exact where `search` matches substrings.
    let (searched, _) = references(&app, ADMIN, json!({ "search": "O100001" })).await;
    assert!(searched > 1, "a substring matches several records");
    assert_eq!(
        references(&app, ADMIN, json!({ "reference": "O1000015" })).await,
        (1, vec!["O1000015".to_owned()])
    );
    assert_eq!(
        references(&app, ADMIN, json!({ "reference": "O100001" })).await,
        (0, vec![])
    );
    assert_eq!(
        references(&app, PARTNER_PREMIER, json!({ "reference": "O1000015" })).await,
        (0, vec![])
    );
}

#[tokio::test]
async fn a_filers_reference_finds_that_firms_record_and_never_another_filers_content() {
    let app = TestApp::spawn().await;
    // The ADVANCED partner's CRM reference of O1000015 is SF-0042; the PREMIER firm happens to use the same number
    // in its own CRM, for a draft of its own.
    let premier = app.token_for(PARTNER_PREMIER).await;
    let record = flow::NewRecord {
        customer: flow::customer_id(&app, "Tidepool").await,
        source: "BUILD_FOR_STARTUPS",
        engagement: "BUILD",
        workload: "Fleet telemetry",
        use_case: "Tidepool's underwater robots upload dive telemetry to Lambda functions that store it in DynamoDB for the operators' dashboards.",
        lines: json!([{ "service": "LAMBDA", "monthlyUsd": 300 }, { "service": "DYNAMODB", "monthlyUsd": 200 }]),
        requested: 10_000,
    };
    let mut input = record.input();
    input["partnerReference"] = json!("SF-0042");
    let payload = flow::mutate(
        &app,
        &premier,
        "createOpportunity",
        "CreateOpportunityInput",
        input,
        &flow::record_selection(),
    )
    .await;
    let premier_draft = flow::ok_record(&payload)["reference"]
        .as_str()
        .unwrap()
        .to_owned();

    let by_reference = json!({ "partnerReference": "SF-0042" });
    // Each firm matches its own record only.
    assert_eq!(
        references(&app, PARTNER_ADVANCED, by_reference.clone()).await,
        (1, vec!["O1000015".to_owned()])
    );
    assert_eq!(
        references(&app, PARTNER_PREMIER, by_reference.clone()).await,
        (1, vec![premier_draft.clone()])
    );
    // Staff see both and name the firm they mean with `partnerId`.
    let (count, mut both) = references(&app, ADMIN, by_reference.clone()).await;
    both.sort();
    assert_eq!(
        (count, both),
        (2, vec!["O1000015".to_owned(), premier_draft])
    );
    let advanced = org::partner_named(&app, "Advanced Stack").await;
    assert_eq!(
        references(
            &app,
            ADMIN,
            json!({ "partnerReference": "SF-0042", "partnerId": advanced })
        )
        .await,
        (1, vec!["O1000015".to_owned()])
    );
    // Exact: neither a prefix nor another case matches.
    for near in ["SF-004", "sf-0042"] {
        assert_eq!(
            references(&app, ADMIN, json!({ "partnerReference": near })).await,
            (0, vec![]),
            "{near}"
        );
    }
    // The filer's reference is content: the VC firm that attests Northwind sees O1000015's status, and cannot find
    // it by the reference it may not read; the founder reads its records whole.
    assert_eq!(
        references(&app, VC_PORTFOLIO, json!({ "reference": "O1000015" })).await,
        (1, vec!["O1000015".to_owned()])
    );
    assert_eq!(
        references(&app, VC_PORTFOLIO, by_reference.clone()).await,
        (0, vec![])
    );
    assert_eq!(
        references(&app, FOUNDER, by_reference).await,
        (1, vec!["O1000015".to_owned()])
    );
}

// ---- analytics ranges, precision and keys --------------------------------------------------------------------------

const RANGES: &str = "query($from: DateTime, $to: DateTime) { analytics {
  approvalRates(groupBy: MONTH, from: $from, to: $to) { key submitted decided approvalRate awardedUsd }
  decisionTimes(groupBy: FUNDING_SOURCE, from: $from, to: $to) { key count p50Days p90Days maxDays toCreditP50Days }
  creditsByMonth(from: $from, to: $to) { key issuedUsd grants expiringUsd } } }";

async fn analytics(app: &TestApp, from: &str, to: &str) -> Value {
    app.query_as(ANALYST, RANGES, json!({ "from": from, "to": to }))
        .await["analytics"]
        .clone()
}

#[tokio::test]
async fn analytics_ranges_take_a_date_from_its_first_instant_through_its_whole_last_day() {
    let app = TestApp::spawn().await;
    let today = Utc::now().date_naive();
    let day = |ago: i64| today - Duration::days(ago);
    let instant = |day: NaiveDate| format!("{day}T00:00:00Z");
    // Wide enough to hold submissions, decisions, grants and expiries of the demo data.
    let (first, last) = (day(400), today + Duration::days(800));

    let by_dates = analytics(&app, &first.to_string(), &last.to_string()).await;
    let by_instants = analytics(&app, &instant(first), &instant(last + Duration::days(1))).await;
    assert_eq!(by_dates, by_instants);
    assert!(
        !by_dates["approvalRates"].as_array().unwrap().is_empty()
            && !by_dates["creditsByMonth"].as_array().unwrap().is_empty(),
        "the range holds figures: {by_dates}"
    );
    // A narrower window, as literals in the query text too: a date as `to` includes that day.
    let literal = format!(
        "{{ analytics {{ approvalRates(groupBy: MONTH, from: \"{}\", to: \"{}\") {{ key submitted decided }} }} }}",
        day(60),
        day(3)
    );
    let instants = format!(
        "{{ analytics {{ approvalRates(groupBy: MONTH, from: \"{}\", to: \"{}\") {{ key submitted decided }} }} }}",
        instant(day(60)),
        instant(day(2))
    );
    assert_eq!(
        app.query_as(ANALYST, &literal, json!({})).await,
        app.query_as(ANALYST, &instants, json!({})).await
    );
    // One day is a valid range; a `to` day before the `from` day is not.
    app.query_as(
        ANALYST,
        RANGES,
        json!({ "from": day(3).to_string(), "to": day(3).to_string() }),
    )
    .await;
    let token = app.token_for(ANALYST).await;
    let reversed = app
        .graphql(
            Some(&token),
            RANGES,
            json!({ "from": day(2).to_string(), "to": day(3).to_string() }),
        )
        .await;
    assert_eq!(error_code(&reversed), Some("BAD_USER_INPUT"), "{reversed}");
}

#[tokio::test]
async fn a_malformed_analytics_date_is_bad_user_input_naming_the_argument() {
    let app = TestApp::spawn().await;
    let token = app.token_for(ANALYST).await;
    for (from, to, named) in [
        ("2026-13-01", "2026-12-31", "`from`"),
        ("2026-01-01", "31/12/2026", "`to`"),
        ("yesterday", "2026-12-31", "`from`"),
        ("2026-02-30", "2026-12-31", "`from`"),
    ] {
        let response = app
            .graphql(Some(&token), RANGES, json!({ "from": from, "to": to }))
            .await;
        assert_eq!(
            error_code(&response),
            Some("BAD_USER_INPUT"),
            "{from}..{to}: {response}"
        );
        let message = response["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains(named) && message.contains("2026-01-01"),
            "{message}"
        );
    }
}

fn has_at_most(value: f64, decimals: i32) -> bool {
    let scale = 10f64.powi(decimals);
    ((value * scale).round() / scale - value).abs() < 1e-12
}

#[tokio::test]
async fn analytics_rates_have_four_decimals_and_day_counts_one() {
    let app = TestApp::spawn().await;
    let data = app
        .query_as(
            ADMIN,
            "{ analytics {
                rates: approvalRates(groupBy: PARTNER) { key approved decided approvalRate }
                tiers: approvalRates(groupBy: PARTNER_TIER) { key approved decided approvalRate }
                times: decisionTimes(groupBy: PARTNER) { key p50Days p90Days maxDays toCreditP50Days }
                stages: decisionTimes(groupBy: FUNDING_STAGE) { key p50Days p90Days maxDays toCreditP50Days } } }",
            json!({}),
        )
        .await;
    let analytics = &data["analytics"];
    let mut rates_to_round = 0;
    for row in analytics["rates"]
        .as_array()
        .unwrap()
        .iter()
        .chain(analytics["tiers"].as_array().unwrap())
    {
        let (approved, decided) = (
            row["approved"].as_f64().unwrap(),
            row["decided"].as_f64().unwrap(),
        );
        let Some(rate) = row["approvalRate"].as_f64() else {
            continue;
        };
        let exact = approved / decided;
        assert!(has_at_most(rate, 4), "{row}");
        assert!((rate - exact).abs() <= 0.00005 + 1e-12, "{row}");
        if !has_at_most(exact, 4) {
            rates_to_round += 1;
        }
    }
    assert!(
        rates_to_round > 0,
        "the demo data has a rate like 2/3: {analytics}"
    );
    let mut days = 0;
    for row in analytics["times"]
        .as_array()
        .unwrap()
        .iter()
        .chain(analytics["stages"].as_array().unwrap())
    {
        for field in ["p50Days", "p90Days", "maxDays", "toCreditP50Days"] {
            if let Some(value) = row[field].as_f64() {
                assert!(has_at_most(value, 1), "{field} of {row}");
                days += 1;
            }
        }
    }
    assert!(days > 0, "{analytics}");
}

#[tokio::test]
async fn credits_by_month_rows_are_keyed_key_like_the_other_reports_and_month_is_deprecated() {
    let app = TestApp::spawn().await;
    let data = app
        .query_as(
            ANALYST,
            "{ analytics { creditsByMonth { key month issuedUsd } } }",
            json!({}),
        )
        .await;
    let rows = data["analytics"]["creditsByMonth"].as_array().unwrap();
    assert!(!rows.is_empty());
    for row in rows {
        assert_eq!(row["key"], row["month"], "{row}");
        let key = row["key"].as_str().unwrap();
        assert!(
            key.len() == 7 && NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d").is_ok(),
            "{key}"
        );
    }
    let introspected = app
        .query_as(
            ANALYST,
            "{ __type(name: \"CreditMonthRow\") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }",
            json!({}),
        )
        .await;
    let fields = introspected["__type"]["fields"].as_array().unwrap();
    let field = |name: &str| fields.iter().find(|f| f["name"] == name).unwrap().clone();
    assert_eq!(field("key")["isDeprecated"], false);
    assert_eq!(field("month")["isDeprecated"], true);
    assert!(
        field("month")["deprecationReason"]
            .as_str()
            .unwrap()
            .contains("key")
    );
}

// ---- inquiries a founder submitted ---------------------------------------------------------------------------------

const SUBMIT_INQUIRY: &str =
    "mutation($input: SubmitInquiryInput!) { submitInquiry(input: $input) {
  inquiry { id companyName } userErrors { field code message } } }";

fn inquiry(company: &str) -> Value {
    json!({
        "companyName": company,
        "fundingStage": "SERIES_A",
        "useCase": "A forecasting service for grid operators that needs managed training and inference.",
        "region": "UK",
        "services": ["SAGEMAKER", "S3"],
        "contactEmail": "olivia@northwind-analytics.example.com",
    })
}

async fn submit_inquiry(app: &TestApp, token: Option<&str>, company: &str) -> Value {
    let response = app
        .graphql(token, SUBMIT_INQUIRY, json!({ "input": inquiry(company) }))
        .await;
    let payload = &response["data"]["submitInquiry"];
    assert_eq!(payload["userErrors"], json!([]), "{response}");
    payload["inquiry"]["id"].clone()
}

/// The ids of the inquiries `viewer` lists, with their `totalCount`.
async fn listed_inquiries(app: &TestApp, viewer: &str) -> (u64, Vec<Value>) {
    let data = app
        .query_as(
            viewer,
            "{ inquiries(first: 100) { totalCount nodes { id } } }",
            json!({}),
        )
        .await;
    (
        data["inquiries"]["totalCount"].as_u64().unwrap(),
        data["inquiries"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].clone())
            .collect(),
    )
}

/// Creates a FOUNDER user of `customer` through the API and returns its email.
async fn founder_of(app: &TestApp, customer: &Value, email: &str) -> String {
    let admin = app.token_for(ADMIN).await;
    org::send_ok(
        app,
        &admin,
        "createUser",
        "CreateUserInput",
        json!({ "email": email, "password": PASSWORD, "displayName": "A founder", "role": "FOUNDER",
                "customerId": customer }),
        "user { id }",
    )
    .await;
    email.to_owned()
}

const INQUIRY_NODE: &str =
    "query($id: ID!) { node(id: $id) { ... on Inquiry { companyName contactEmail } } }";

#[tokio::test]
async fn a_founder_sees_the_inquiries_it_submitted_and_another_founder_none_of_them() {
    let app = TestApp::spawn().await;
    let founder = app.token_for(FOUNDER).await;
    let (before, _) = listed_inquiries(&app, FOUNDER).await;
    let first = submit_inquiry(&app, Some(&founder), "Northwind Forecasting").await;
    let second = submit_inquiry(&app, Some(&founder), "Northwind Grid").await;
    let anonymous = submit_inquiry(&app, None, "Someone Else Ltd").await;

    let (count, ids) = listed_inquiries(&app, FOUNDER).await;
    assert_eq!(count, before + 2);
    assert!(ids.contains(&first) && ids.contains(&second), "{ids:?}");
    assert!(!ids.contains(&anonymous));
    let data = app
        .query_as(FOUNDER, INQUIRY_NODE, json!({ "id": first }))
        .await;
    assert_eq!(data["node"]["companyName"], "Northwind Forecasting");

    // Another company's founder sees none of them, listed or by id.
    let lumen = flow::customer_id(&app, "Lumen").await;
    let other = founder_of(&app, &lumen, "founder@lumenledger.example.com").await;
    let (count, ids) = listed_inquiries(&app, &other).await;
    assert_eq!((count, ids), (0, vec![]));
    let token = app.token_for(&other).await;
    for id in [&first, &second, &anonymous] {
        let response = app
            .graphql(Some(&token), INQUIRY_NODE, json!({ "id": id }))
            .await;
        assert_eq!(error_code(&response), Some("NOT_FOUND"), "{response}");
    }
}

#[tokio::test]
async fn the_founders_of_the_company_an_inquiry_became_see_it_and_a_submitting_partner_cannot_accept_it()
 {
    let app = TestApp::spawn().await;
    // A SELECT partner passes an inquiry on for a company; it is routed to another firm.
    let select = app.token_for(PARTNER_SELECT).await;
    let id = submit_inquiry(&app, Some(&select), "Gridwise Energy Ltd").await;
    let (_, ids) = listed_inquiries(&app, PARTNER_SELECT).await;
    assert!(ids.contains(&id), "the submitter sees it");
    let accept = |partner: Option<&Value>| {
        let mut input = json!({
            "id": id, "legalName": "Gridwise Energy Ltd", "website": "https://gridwise.example.com",
            "awsAccountId": "555000333444", "country": "GB", "incorporated": true, "engineerCount": 12,
            "monthsOnAws": 9, "monthlyAwsSpendUsd": 4000, "marketplaceSpendShare": 0.0, "competesWithAws": false,
        });
        if let Some(partner) = partner {
            input["partnerId"] = partner.clone();
        }
        input
    };
    let refused = org::send(
        &app,
        &select,
        "acceptInquiry",
        "AcceptInquiryInput",
        accept(None),
        "customer { id }",
    )
    .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");

    let admin = app.token_for(ADMIN).await;
    let advanced = org::partner_named(&app, "Advanced Stack").await;
    let accepted = org::send_ok(
        &app,
        &admin,
        "acceptInquiry",
        "AcceptInquiryInput",
        accept(Some(&advanced)),
        "customer { id }",
    )
    .await;
    let founder = founder_of(
        &app,
        &accepted["customer"]["id"],
        "ceo@gridwise.example.com",
    )
    .await;
    let (count, ids) = listed_inquiries(&app, &founder).await;
    assert_eq!((count, ids), (1, vec![id.clone()]));
    // The submitter still sees its inquiry, but not the customer another firm now works with.
    let query = "query($id: ID!) { node(id: $id) { ... on Inquiry { accepted customer { legalName awsAccountId } } } }";
    let seen = app.graphql(Some(&select), query, json!({ "id": id })).await;
    assert_eq!(seen["data"]["node"]["accepted"], true, "{seen}");
    assert_eq!(seen["data"]["node"]["customer"], Value::Null, "{seen}");
    assert_eq!(error_code(&seen), Some("NOT_FOUND"), "{seen}");
    let founders_token = app.token_for(&founder).await;
    let seen = app
        .graphql(Some(&founders_token), query, json!({ "id": id }))
        .await;
    assert_eq!(
        seen["data"]["node"]["customer"]["legalName"], "Gridwise Energy Ltd",
        "{seen}"
    );
    // The demo founder's company is another one.
    let (_, ids) = listed_inquiries(&app, FOUNDER).await;
    assert!(ids.is_empty(), "{ids:?}");
}

// ---- nested connections --------------------------------------------------------------------------------------------

/// `(references, cursors, hasPreviousPage, hasNextPage)` of a page of records.
fn page_of(connection: &Value) -> (Vec<String>, Vec<String>, bool, bool) {
    let edges = connection["edges"].as_array().unwrap();
    (
        edges
            .iter()
            .map(|e| e["node"]["reference"].as_str().unwrap().to_owned())
            .collect(),
        edges
            .iter()
            .map(|e| e["cursor"].as_str().unwrap().to_owned())
            .collect(),
        connection["pageInfo"]["hasPreviousPage"].as_bool().unwrap(),
        connection["pageInfo"]["hasNextPage"].as_bool().unwrap(),
    )
}

const PAGE: &str =
    "totalCount pageInfo { hasPreviousPage hasNextPage } edges { cursor node { reference } }";

#[tokio::test]
async fn nested_record_connections_page_backward_and_order_exactly_like_the_top_level_one() {
    let app = TestApp::spawn().await;
    let northwind = flow::customer_id(&app, "Northwind").await;
    let advanced = org::partner_named(&app, "Advanced Stack").await;
    for (owner, kind, filter_field) in [
        (&northwind, "Customer", "customerId"),
        (&advanced, "Partner", "partnerId"),
    ] {
        for order in [
            json!({ "field": "REFERENCE", "direction": "DESC" }),
            json!({ "field": "REQUESTED_AMOUNT_USD", "direction": "ASC" }),
        ] {
            let query = format!(
                "query($id: ID!, $filter: OpportunityFilter, $order: OpportunityOrder, $first: Int, $after: String,
                         $last: Int, $before: String) {{
                   node(id: $id) {{ ... on {kind} {{ opportunities(first: $first, after: $after, last: $last,
                     before: $before, orderBy: $order) {{ {PAGE} }} }} }}
                   opportunities(first: $first, after: $after, last: $last, before: $before, filter: $filter,
                     orderBy: $order) {{ {PAGE} }} }}"
            );
            let mut vars = json!({ "id": owner, "filter": { filter_field: owner }, "order": order, "last": 1 });
            let mut walked = Vec::new();
            loop {
                let data = app.query_as(ADMIN, &query, vars.clone()).await;
                let (nested, top) = (&data["node"]["opportunities"], &data["opportunities"]);
                assert_eq!(nested, top, "{kind} {order}");
                let (references, cursors, has_previous, _) = page_of(nested);
                walked.splice(0..0, references);
                if !has_previous {
                    break;
                }
                vars["before"] = json!(cursors[0]);
            }
            // Backward from the end, one at a time, visits what one forward page shows, in the same order.
            let mut forward = json!({ "id": owner, "filter": { filter_field: owner }, "order": order, "first": 100 });
            let data = app.query_as(ADMIN, &query, forward.take()).await;
            let (all, _, _, _) = page_of(&data["node"]["opportunities"]);
            assert!(all.len() >= 2, "{kind} has records to page: {all:?}");
            assert_eq!(walked, all, "{kind} {order}");
        }
    }
}

#[tokio::test]
async fn a_vc_firms_attestations_page_backward_like_every_connection() {
    let app = TestApp::spawn().await;
    let summit = org::vc_firm_named(&app, "Summit Peak Ventures").await;
    let query = "query($id: ID!, $first: Int, $last: Int, $before: String) { node(id: $id) { ... on VcFirm {
      attestations(first: $first, last: $last, before: $before) {
        pageInfo { hasPreviousPage hasNextPage } edges { cursor node { id } } } } } }";
    let ids = |data: &Value| -> Vec<Value> {
        data["node"]["attestations"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["id"].clone())
            .collect()
    };
    let all = app
        .query_as(ADMIN, query, json!({ "id": summit, "first": 100 }))
        .await;
    let all = ids(&all);
    assert!(all.len() >= 3, "{all:?}");
    let last_two = app
        .query_as(ADMIN, query, json!({ "id": summit, "last": 2 }))
        .await;
    assert_eq!(ids(&last_two), all[all.len() - 2..].to_vec());
    assert_eq!(
        last_two["node"]["attestations"]["pageInfo"]["hasPreviousPage"],
        true
    );
    let before = last_two["node"]["attestations"]["edges"][0]["cursor"].clone();
    let earlier = app
        .query_as(
            ADMIN,
            query,
            json!({ "id": summit, "last": 100, "before": before }),
        )
        .await;
    assert_eq!(ids(&earlier), all[..all.len() - 2].to_vec());
}

// ---- the README's attest example -----------------------------------------------------------------------------------

/// The JSON bodies of the README's commands sent with the VC back office's API key, in order.
fn readme_api_key_bodies() -> Vec<Value> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    readme
        .split(r#"-H "authorization: ApiKey $KEY" -d '"#)
        .skip(1)
        .map(|rest| {
            let body = &rest[..rest.find('\'').expect("the body's closing quote")];
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
        })
        .collect()
}

#[tokio::test]
async fn the_readme_attest_example_attests_a_demo_company_whose_portfolio_record_then_passes_funding_evidence()
 {
    let app = TestApp::spawn().await;
    let vc = app.token_for(VC_PORTFOLIO).await;
    let key = org::send_ok(
        &app,
        &vc,
        "createApiKey",
        "CreateApiKeyInput",
        json!({ "name": "back office" }),
        "secret",
    )
    .await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let with_key = |body: Value| {
        let app = &app;
        let key = key.clone();
        async move {
            let request = axum::http::Request::post("/graphql")
                .header("content-type", "application/json")
                .header("authorization", format!("ApiKey {key}"))
                .body(axum::body::Body::from(body.to_string()))
                .unwrap();
            let (_, response) = app.request(request).await;
            assert!(response.get("errors").is_none(), "{response}");
            response["data"].clone()
        }
    };

    let bodies = readme_api_key_bodies();
    assert_eq!(
        bodies.len(),
        2,
        "the lookup and the attestation: {bodies:?}"
    );
    let lookup = with_key(bodies[0].clone()).await;
    let company = &lookup["customerLookup"];
    assert_eq!(
        company["legalName"], "Carioca Freight Tech Ltda",
        "{lookup}"
    );
    let attested = with_key(bodies[1].clone()).await;
    let payload = &attested["attestFunding"];
    assert_eq!(payload["userErrors"], json!([]), "{attested}");
    assert_eq!(payload["attestation"]["round"], "SERIES_A");
    // Sent again (a retry), it is the same attestation.
    let again = with_key(bodies[1].clone()).await;
    assert_eq!(
        again["attestFunding"]["attestation"]["id"],
        payload["attestation"]["id"]
    );

    // The firm files the company's Portfolio record on the VC path; the checklist finds its attestation.
    let record = flow::NewRecord {
        customer: company["id"].clone(),
        source: "ACTIVATE_PORTFOLIO",
        engagement: "BUILD",
        workload: "Fleet analytics platform",
        use_case: "Carioca Freight Tech builds a fleet analytics platform: telemetry from 1,200 trucks streams into EKS services that score fuel use and driver safety, with the results kept in Aurora for the carriers' dashboards.",
        lines: json!([{ "service": "EKS", "monthlyUsd": 3200 }, { "service": "AURORA", "monthlyUsd": 1500 }]),
        requested: 100_000,
    };
    let filed = flow::create(&app, &vc, &record).await;
    let evidence = flow::check(&filed, "FUNDING_EVIDENCE");
    assert_eq!(evidence["outcome"], "PASS", "{evidence}");
    let failed: Vec<&Value> = filed["eligibility"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["outcome"] == "FAIL")
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(filed["eligibility"]["recommendedDecision"], "APPROVE");
}
