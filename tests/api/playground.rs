//! The playground: the page and its assets come from this origin (nothing remote, no inline script) and only
//! where the playground is on; every saved operation the page ships runs without errors as the demo user it names.

use axum::{
    body::Body,
    http::{HeaderMap, Request, StatusCode, header},
};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::helpers::*;

async fn get(app: &TestApp, uri: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let response = app
        .router
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .expect("router answers");
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.expect("body").to_bytes().to_vec();
    (parts.status, parts.headers, bytes)
}

fn header_of(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(&name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("{name} is set"))
}

/// The values of every `src="…"`, `href="…"` and `data-playground="…"` attribute of the page.
fn urls_in(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for attribute in [" src=\"", " href=\"", " data-playground=\""] {
        for rest in html.split(attribute).skip(1) {
            urls.push(rest.split('"').next().unwrap().to_owned());
        }
    }
    urls
}

/// The page's data file exactly as the page loads it: the URL named by the page.
async fn served_data(app: &TestApp) -> Value {
    let (_, _, page) = get(app, "/").await;
    let page = String::from_utf8(page).unwrap();
    let url = page
        .split("data-playground=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page names its data file")
        .to_owned();
    let (status, _, body) = get(app, &url).await;
    assert_eq!(status, StatusCode::OK);
    let data: Value = serde_json::from_slice(&body).expect("the data file is JSON");
    assert_eq!(data["demoPassword"], PASSWORD);
    data
}

/// The saved operations exactly as the page loads them.
async fn served_examples(app: &TestApp) -> Vec<Value> {
    served_data(app).await["examples"]
        .as_array()
        .expect("examples")
        .clone()
}

/// One of the panel's own operations, sent as the page sends it: the whole session document and the name.
async fn panel_operation(
    app: &TestApp,
    data: &Value,
    token: Option<&str>,
    name: &str,
    variables: Value,
) -> Value {
    let mut builder = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let body =
        json!({ "query": data["sessionDocument"], "operationName": name, "variables": variables });
    app.request(builder.body(Body::from(body.to_string())).unwrap())
        .await
        .1
}

#[tokio::test]
async fn the_playground_page_loads_every_asset_from_this_origin_under_a_strict_csp() {
    let app = TestApp::spawn().await;
    let (status, headers, body) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(header_of(&headers, header::CONTENT_TYPE).starts_with("text/html"));
    let csp = header_of(&headers, header::CONTENT_SECURITY_POLICY);
    let script_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .expect("script-src is set");
    assert_eq!(
        script_src, "script-src 'self'",
        "no inline or remote script"
    );
    assert!(csp.contains("connect-src 'self'") && csp.contains("frame-ancestors 'none'"));

    let html = String::from_utf8(body).unwrap();
    assert_eq!(
        html.matches("<script").count(),
        html.matches("<script defer src=").count(),
        "every script is a file"
    );
    // Everything but the empty `data:` favicon (which spares the browser a request for /favicon.ico).
    let urls: Vec<String> = urls_in(&html)
        .into_iter()
        .filter(|url| url != "data:,")
        .collect();
    assert_eq!(urls.len(), 7, "{urls:?}");
    for url in &urls {
        assert!(
            url.starts_with("/playground/assets/"),
            "{url} is served here"
        );
        let (status, headers, body) = get(&app, url).await;
        assert_eq!(status, StatusCode::OK, "{url}");
        assert!(!body.is_empty(), "{url}");
        let path = url.split('?').next().unwrap();
        let expected = match path.rsplit('.').next() {
            Some("js") => "text/javascript",
            Some("css") => "text/css",
            Some("json") => "application/json",
            other => panic!("unexpected asset type {other:?}"),
        };
        assert!(
            header_of(&headers, header::CONTENT_TYPE).starts_with(expected),
            "{url}"
        );
        assert_eq!(
            header_of(&headers, header::CACHE_CONTROL),
            "public, max-age=31536000, immutable",
            "{url} is versioned, so it is cached for good"
        );
        // The same file under another version must be revalidated, never cached for good.
        let (_, headers, _) = get(&app, &format!("{path}?v=0")).await;
        assert_eq!(header_of(&headers, header::CACHE_CONTROL), "no-cache");
    }
    for license in ["LICENSE-graphiql.txt", "LICENSE-react.txt"] {
        let (status, _, body) = get(&app, &format!("/playground/assets/{license}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(String::from_utf8(body).unwrap().contains("MIT License"));
    }
    let (status, _, _) = get(&app, "/playground/assets/nothing-here.js").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_playground_and_its_assets_are_not_served_when_introspection_is_off() {
    let app = TestApp::spawn_with(&[("ACEGATE_INTROSPECTION", "false")]).await;
    for uri in [
        "/",
        "/playground/assets/playground.js",
        "/playground/assets/graphiql-3.9.0.min.js",
        "/playground/assets/playground.json",
    ] {
        let (status, _, _) = get(&app, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn every_saved_operation_runs_as_its_demo_user_without_errors() {
    let app = TestApp::spawn().await;
    let examples = served_examples(&app).await;
    let names: Vec<&str> = examples
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "SignIn",
            "PartnerPipeline",
            "ReviewerQueue",
            "ApprovalRatesByTier",
            "LondonReferenceCase",
            "LiveStatusChanges"
        ]
    );
    let mut results = std::collections::HashMap::new();
    for example in &examples {
        let (name, query) = (
            example["name"].as_str().unwrap(),
            example["query"].as_str().unwrap(),
        );
        let token = match example["login"].as_str() {
            Some(login) => Some(app.token_for(login).await),
            None => None,
        };
        let response = app.graphql(token.as_deref(), query, json!({})).await;
        if query.contains("\nsubscription ") {
            // HTTP cannot carry a subscription. The transport's refusal comes after validation, so it being the only
            // error shows the document is valid; ci/playground-check.sh runs it over WebSocket in the browser.
            let errors = response["errors"].as_array().expect("refused over HTTP");
            assert_eq!(errors.len(), 1, "{name}: {response}");
            assert!(
                errors[0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("not supported"),
                "{name}: {response}"
            );
            continue;
        }
        assert!(
            response.get("errors").is_none(),
            "{name} answered errors: {response}"
        );
        assert!(response["data"].is_object(), "{name}: {response}");
        results.insert(name.to_owned(), response["data"].clone());
    }

    // Signing in by hand returns a token.
    assert!(results["SignIn"]["login"]["accessToken"].is_string());

    // The partner's pipeline: its own firm's open records, each with a reference.
    let pipeline = &results["PartnerPipeline"];
    assert_eq!(pipeline["viewer"]["partner"]["tier"], "ADVANCED");
    let records = pipeline["opportunities"]["nodes"].as_array().unwrap();
    assert!(!records.is_empty());
    assert!(
        records
            .iter()
            .all(|r| r["reference"].as_str().unwrap().starts_with("O100"))
    );
    assert!(records.iter().any(|r| {
        r["reference"] == "O1000016"
            && r["availableActions"]
                .as_array()
                .unwrap()
                .contains(&json!("SUBMIT"))
    }));

    // The reviewer's queue: submitted and in-review records with their checklist.
    let queue = results["ReviewerQueue"]["opportunities"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        queue
            .iter()
            .all(|r| ["SUBMITTED", "IN_REVIEW"].contains(&r["status"].as_str().unwrap()))
    );
    let portfolio = queue
        .iter()
        .find(|r| r["reference"] == "O1000015")
        .expect("O1000015 waits for review");
    assert!(
        !portfolio["eligibility"]["checks"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(!portfolio["availableActions"].as_array().unwrap().is_empty());

    // Approval rates by partner tier.
    let rows = results["ApprovalRatesByTier"]["analytics"]["approvalRates"]
        .as_array()
        .unwrap()
        .clone();
    assert!(!rows.is_empty());
    for row in &rows {
        assert!(
            ["SELECT", "ADVANCED", "PREMIER", "VC-filed"].contains(&row["key"].as_str().unwrap()),
            "{row}"
        );
    }

    // The London reference case: the Portfolio record and its GenAI POC, for the same attested customer.
    let london = &results["LondonReferenceCase"];
    let portfolio = &london["portfolio"]["nodes"][0];
    let genai = &london["genaiPoc"]["nodes"][0];
    assert_eq!(
        (
            &portfolio["reference"],
            &portfolio["status"],
            &portfolio["fundingSource"]
        ),
        (
            &json!("O1000015"),
            &json!("SUBMITTED"),
            &json!("ACTIVATE_PORTFOLIO")
        )
    );
    assert_eq!(
        (
            &genai["reference"],
            &genai["status"],
            &genai["fundingSource"]
        ),
        (&json!("O1000016"), &json!("DRAFT"), &json!("GENAI_POC"))
    );
    let customer = &portfolio["customer"];
    assert_eq!(customer["legalName"], "Northwind Analytics Ltd");
    assert_eq!(customer["country"], "GB");
    assert_eq!(genai["customer"]["legalName"], "Northwind Analytics Ltd");
    assert_eq!(
        customer["attestations"][0]["vcFirm"]["reputation"],
        "TIER_1"
    );
    assert!(customer["totalCreditsUsd"].is_number() && customer["creditGrants"].is_array());
}

/// An account that is not a demo login.
const ANA: &str = "ana@analysts.example.com";

async fn viewer(app: &TestApp, token: &str) -> Value {
    app.graphql(Some(token), "{ viewer { email } }", json!({}))
        .await
}

#[tokio::test]
async fn the_panel_signs_in_any_account_by_email_and_password_refreshes_and_signs_out() {
    let app = TestApp::spawn().await;
    let data = served_data(&app).await;
    // An account that is not a demo login: made by the admin with its own password.
    let made = app
        .graphql(
            Some(&app.token_for(ADMIN).await),
            "mutation($i: CreateUserInput!) { createUser(input: $i) { user { email } userErrors { code } } }",
            json!({ "i": { "email": ANA, "password": "a-long-enough-password", "displayName": "Ana", "role": "ANALYST" } }),
        )
        .await;
    assert_eq!(made["data"]["createUser"]["user"]["email"], ANA, "{made}");

    // A wrong password: the message the panel shows, and no token.
    let wrong = panel_operation(
        &app,
        &data,
        None,
        "PlaygroundSignIn",
        json!({ "email": ANA, "password": PASSWORD }),
    )
    .await;
    assert_eq!(error_code(&wrong), Some("UNAUTHENTICATED"), "{wrong}");
    assert!(
        wrong["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    assert!(wrong["data"].is_null(), "{wrong}");

    let signed_in = panel_operation(
        &app,
        &data,
        None,
        "PlaygroundSignIn",
        json!({ "email": ANA, "password": "a-long-enough-password" }),
    )
    .await;
    let login = &signed_in["data"]["login"];
    assert_eq!(
        login["user"],
        json!({ "displayName": "Ana", "role": "ANALYST" })
    );
    let (access, refresh) = (
        login["accessToken"].as_str().expect("an access token"),
        login["refreshToken"].as_str().expect("a refresh token"),
    );
    assert!(
        login["expiresAt"].is_string(),
        "the panel schedules its refresh from expiresAt"
    );
    // The panel's own operations are results like any other: they show their cost.
    assert!(
        signed_in["extensions"]["cost"]["requested"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert_eq!(viewer(&app, access).await["data"]["viewer"]["email"], ANA);

    let refreshed = panel_operation(
        &app,
        &data,
        None,
        "PlaygroundRefresh",
        json!({ "refreshToken": refresh }),
    )
    .await;
    let renewed = &refreshed["data"]["refreshToken"];
    let new_access = renewed["accessToken"].as_str().expect("a new access token");
    assert_ne!(
        renewed["refreshToken"].as_str().unwrap(),
        refresh,
        "rotated"
    );
    assert!(renewed["expiresAt"].is_string());
    assert_eq!(
        viewer(&app, new_access).await["data"]["viewer"]["email"],
        ANA
    );

    let signed_out = panel_operation(
        &app,
        &data,
        Some(new_access),
        "PlaygroundSignOut",
        json!({}),
    )
    .await;
    assert_eq!(signed_out["data"]["logout"], true, "{signed_out}");
    let after = viewer(&app, new_access).await;
    assert_eq!(error_code(&after), Some("UNAUTHENTICATED"), "{after}");
    let again = panel_operation(
        &app,
        &data,
        None,
        "PlaygroundRefresh",
        json!({ "refreshToken": renewed["refreshToken"] }),
    )
    .await;
    assert!(
        again["data"]["refreshToken"]["accessToken"].is_null(),
        "{again}"
    );
}
