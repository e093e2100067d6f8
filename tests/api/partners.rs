//! Partner and VC firm administration, imported track records, and the scrutiny a partner's close rate earns.

use chrono::Datelike;
use serde_json::{Value, json};

use crate::helpers::{org::*, *};

const TRACK_RECORD: &str = "query($id: ID!) { node(id: $id) { ... on Partner { name trackRecord { decided approved closeRate scrutiny } } } }";

async fn track_record_as(app: &TestApp, email: &str, partner: &Value) -> Value {
    app.query_as(email, TRACK_RECORD, json!({ "id": partner }))
        .await["node"]["trackRecord"]
        .clone()
}

async fn history_as(app: &TestApp, email: &str, partner: &Value, args: Value) -> Vec<Value> {
    let query = "query($id: ID!, $from: Date, $to: Date, $source: FundingSource) { node(id: $id) { ... on Partner {
      closeRateHistory(from: $from, to: $to, fundingSource: $source) { month fundingSource submitted approved rejected closeRate awardedUsd } } } }";
    let mut variables = args;
    variables["id"] = partner.clone();
    app.query_as(email, query, variables).await["node"]["closeRateHistory"]
        .as_array()
        .unwrap()
        .clone()
}

fn current_month() -> String {
    chrono::Utc::now().format("%Y-%m").to_string()
}

async fn import(app: &TestApp, token: &str, input: Value) -> Value {
    send(
        app,
        token,
        "importTrackRecord",
        "ImportTrackRecordInput",
        input,
        "partner { name }",
    )
    .await
}

fn month_import(partner: &Value, month: &str, figures: (i64, i64, i64, i64)) -> Value {
    let (submitted, approved, rejected, awarded_usd) = figures;
    json!({
        "partnerId": partner, "month": month, "fundingSource": "MIGRATION",
        "submitted": submitted, "approved": approved, "rejected": rejected, "awardedUsd": awarded_usd
    })
}

#[tokio::test]
async fn partner_and_vc_firm_administration_is_for_admins_only() {
    let app = TestApp::spawn().await;
    let premier = partner_named(&app, "Premier").await;
    let summit = vc_firm_named(&app, "Summit Peak Ventures").await;
    for email in [PARTNER_PREMIER, VC_PORTFOLIO, ANALYST, REVIEWER] {
        let token = app.login(email).await;
        let attempts = [
            send(&app, &token, "createPartner", "CreatePartnerInput",
                json!({ "name": "Rogue Partners", "tier": "PREMIER", "regions": [], "specialties": [] }), "partner { id }").await,
            send(&app, &token, "updatePartner", "UpdatePartnerInput",
                json!({ "id": premier, "tier": "SELECT" }), "partner { id }").await,
            send(&app, &token, "createVcFirm", "CreateVcFirmInput",
                json!({ "name": "Rogue Capital", "portfolioAccess": true, "reputation": "TIER_1" }), "vcFirm { id }").await,
            send(&app, &token, "updateVcFirm", "UpdateVcFirmInput",
                json!({ "id": summit, "portfolioAccess": false }), "vcFirm { id }").await,
            import(&app, &token, month_import(&premier, &current_month(), (1, 1, 0, 100))).await,
        ];
        for response in attempts {
            assert_eq!(
                error_code(&response),
                Some("FORBIDDEN"),
                "{email}: {response}"
            );
        }
    }
    let data = app
        .query_as(
            ADMIN,
            "query($id: ID!) { node(id: $id) { ... on Partner { tier } } }",
            json!({ "id": premier }),
        )
        .await;
    assert_eq!(data["node"]["tier"], "PREMIER");
}

#[tokio::test]
async fn an_admin_creates_a_partner_with_upper_case_deduplicated_regions_and_a_unique_name() {
    let app = TestApp::spawn().await;
    let token = app.login(ADMIN).await;
    let payload = send_ok(
        &app,
        &token,
        "createPartner",
        "CreatePartnerInput",
        json!({ "name": "Nordic Cloud Crew", "tier": "ADVANCED", "regions": ["eu", " EU ", "Us"], "specialties": ["genai", "Data", "GENAI"] }),
        "partner { id name tier regions specialties trackRecord { decided closeRate scrutiny } }",
    )
    .await;
    let partner = &payload["partner"];
    assert_eq!(partner["regions"], json!(["EU", "US"]));
    assert_eq!(partner["specialties"], json!(["DATA", "GENAI"]));
    assert_eq!(
        partner["trackRecord"],
        json!({ "decided": 0, "closeRate": null, "scrutiny": "EXTRA_SCRUTINY" }),
        "a new firm has a thin history"
    );
    assert_eq!(
        audit_trail(&app, &partner["id"]).await[0].0,
        "partner.create"
    );

    let duplicate = send(
        &app,
        &token,
        "createPartner",
        "CreatePartnerInput",
        json!({ "name": "Premier Cloud Partners", "tier": "SELECT", "regions": [], "specialties": [] }),
        "partner { id }",
    )
    .await;
    assert_eq!(
        user_errors(&duplicate, "createPartner"),
        vec![("input.name".to_owned(), "DUPLICATE_NAME".to_owned())]
    );
    let invalid = send(
        &app,
        &token,
        "createPartner",
        "CreatePartnerInput",
        json!({ "name": " ", "tier": "SELECT", "regions": [""], "specialties": ["x".repeat(65)] }),
        "partner { id }",
    )
    .await;
    assert_eq!(
        user_errors(&invalid, "createPartner"),
        vec![
            ("input.name".to_owned(), "REQUIRED".to_owned()),
            ("input.regions".to_owned(), "REQUIRED".to_owned()),
            ("input.specialties".to_owned(), "TOO_LONG".to_owned()),
        ]
    );
}

#[tokio::test]
async fn updating_a_partner_replaces_its_regions_and_changes_its_tier() {
    let app = TestApp::spawn().await;
    let token = app.login(ADMIN).await;
    let select = partner_named(&app, "Select Startup").await;
    let payload = send_ok(
        &app,
        &token,
        "updatePartner",
        "UpdatePartnerInput",
        json!({ "id": select, "tier": "ADVANCED", "regions": ["apac", "latam"] }),
        "partner { name tier regions specialties }",
    )
    .await;
    assert_eq!(
        payload["partner"],
        json!({ "name": "Select Startup Builders", "tier": "ADVANCED", "regions": ["APAC", "LATAM"], "specialties": ["SERVERLESS"] })
    );
    let (action, before, after) = &audit_trail(&app, &select).await[0];
    assert_eq!(action, "partner.update");
    assert_eq!(before, &json!({ "tier": "SELECT", "regions": ["US"] }));
    assert_eq!(
        after,
        &json!({ "tier": "ADVANCED", "regions": ["APAC", "LATAM"] })
    );

    let renamed = send(
        &app,
        &token,
        "updatePartner",
        "UpdatePartnerInput",
        json!({ "id": select, "name": "Premier Cloud Partners" }),
        "partner { id }",
    )
    .await;
    assert_eq!(
        user_errors(&renamed, "updatePartner"),
        vec![("input.name".to_owned(), "DUPLICATE_NAME".to_owned())]
    );
}

#[tokio::test]
async fn an_admin_creates_and_updates_vc_firms_with_unique_names() {
    let app = TestApp::spawn().await;
    let token = app.login(ADMIN).await;
    let created = send_ok(
        &app,
        &token,
        "createVcFirm",
        "CreateVcFirmInput",
        json!({ "name": "Fjord Seed Fund", "portfolioAccess": false, "reputation": "EMERGING" }),
        "vcFirm { id name portfolioAccess reputation }",
    )
    .await;
    let firm = &created["vcFirm"];
    assert_eq!(firm["reputation"], "EMERGING");

    let updated = send_ok(
        &app,
        &token,
        "updateVcFirm",
        "UpdateVcFirmInput",
        json!({ "id": firm["id"], "portfolioAccess": true, "reputation": "TIER_2" }),
        "vcFirm { name portfolioAccess reputation }",
    )
    .await;
    assert_eq!(
        updated["vcFirm"],
        json!({ "name": "Fjord Seed Fund", "portfolioAccess": true, "reputation": "TIER_2" })
    );
    let actions: Vec<String> = audit_trail(&app, &firm["id"])
        .await
        .into_iter()
        .map(|(a, _, _)| a)
        .collect();
    assert_eq!(actions, vec!["vc_firm.update", "vc_firm.create"]);

    let duplicate = send(
        &app,
        &token,
        "createVcFirm",
        "CreateVcFirmInput",
        json!({ "name": "Summit Peak Ventures", "portfolioAccess": true, "reputation": "TIER_1" }),
        "vcFirm { id }",
    )
    .await;
    assert_eq!(
        user_errors(&duplicate, "createVcFirm"),
        vec![("input.name".to_owned(), "DUPLICATE_NAME".to_owned())]
    );
    let renamed = send(
        &app,
        &token,
        "updateVcFirm",
        "UpdateVcFirmInput",
        json!({ "id": firm["id"], "name": "Seedling Collective" }),
        "vcFirm { id }",
    )
    .await;
    assert_eq!(
        user_errors(&renamed, "updateVcFirm"),
        vec![("input.name".to_owned(), "DUPLICATE_NAME".to_owned())]
    );
}

#[tokio::test]
async fn the_demo_partners_scrutiny_follows_their_trailing_close_rate() {
    let app = TestApp::spawn().await;
    let advanced = track_record_as(&app, ADMIN, &partner_named(&app, "Advanced Stack").await).await;
    assert_eq!(advanced["scrutiny"], "FAST_TRACK", "{advanced}");
    assert!(advanced["decided"].as_i64().unwrap() >= 10);
    assert!(advanced["closeRate"].as_f64().unwrap() >= 0.7);

    let orbit = track_record_as(&app, ADMIN, &partner_named(&app, "Fresh Orbit").await).await;
    assert_eq!(
        orbit,
        json!({ "decided": 3, "approved": 2, "closeRate": 2.0 / 3.0, "scrutiny": "EXTRA_SCRUTINY" }),
        "a thin history"
    );

    // QuickLaunch's window holds 9 imported decisions (3 approved) and the live rejection of the Nimbus record; the
    // rejection imported for the month a year ago has left the window.
    let quicklaunch = track_record_as(&app, ADMIN, &partner_named(&app, "QuickLaunch").await).await;
    assert_eq!(
        quicklaunch,
        json!({ "decided": 10, "approved": 3, "closeRate": 0.3, "scrutiny": "EXTRA_SCRUTINY" }),
        "a low close rate"
    );

    let premier = track_record_as(&app, ADMIN, &partner_named(&app, "Premier").await).await;
    assert_eq!(premier["scrutiny"], "NORMAL", "{premier}");
}

#[tokio::test]
async fn close_rate_history_merges_imported_months_with_live_figures() {
    let app = TestApp::spawn().await;
    let quicklaunch = partner_named(&app, "QuickLaunch").await;
    // Imported Build for Startups history: 10 submitted, 3 approved, 7 rejected over 12 months; live: the Nimbus
    // record, submitted and rejected about two months ago.
    let points = history_as(
        &app,
        ADMIN,
        &quicklaunch,
        json!({ "source": "BUILD_FOR_STARTUPS" }),
    )
    .await;
    let total = |key: &str| points.iter().map(|p| p[key].as_i64().unwrap()).sum::<i64>();
    assert_eq!(
        (total("submitted"), total("approved"), total("rejected")),
        (11, 3, 8)
    );
    assert!(
        points
            .iter()
            .all(|p| p["fundingSource"] == "BUILD_FOR_STARTUPS")
    );
    let months: Vec<&str> = points
        .iter()
        .map(|p| p["month"].as_str().unwrap())
        .collect();
    assert!(
        months.windows(2).all(|w| w[0] < w[1]),
        "oldest first, one point per month: {months:?}"
    );

    let nimbus_month =
        (chrono::Utc::now() - chrono::Duration::days(55) - chrono::Duration::hours(6))
            .format("%Y-%m")
            .to_string();
    let live = points
        .iter()
        .find(|p| p["month"] == nimbus_month.as_str())
        .unwrap();
    assert!(live["rejected"].as_i64().unwrap() >= 1);

    // Without a source, one point per month summed over sources, equal to the sum of the per-source histories.
    let advanced = partner_named(&app, "Advanced Stack").await;
    let all = history_as(&app, ADMIN, &advanced, json!({})).await;
    assert!(all.iter().all(|p| p["fundingSource"].is_null()));
    let mut per_source: std::collections::BTreeMap<String, (i64, i64, i64, i64)> =
        Default::default();
    for source in [
        "ACTIVATE_PORTFOLIO",
        "BUILD_FOR_STARTUPS",
        "GENAI_POC",
        "MIGRATION",
    ] {
        for p in history_as(&app, ADMIN, &advanced, json!({ "source": source })).await {
            let entry = per_source
                .entry(p["month"].as_str().unwrap().to_owned())
                .or_default();
            entry.0 += p["submitted"].as_i64().unwrap();
            entry.1 += p["approved"].as_i64().unwrap();
            entry.2 += p["rejected"].as_i64().unwrap();
            entry.3 += p["awardedUsd"].as_i64().unwrap();
        }
    }
    let summed: std::collections::BTreeMap<String, (i64, i64, i64, i64)> = all
        .iter()
        .map(|p| {
            (
                p["month"].as_str().unwrap().to_owned(),
                (
                    p["submitted"].as_i64().unwrap(),
                    p["approved"].as_i64().unwrap(),
                    p["rejected"].as_i64().unwrap(),
                    p["awardedUsd"].as_i64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(summed, per_source);

    // The trailing window of the history holds exactly the track record's decisions.
    let first_day = |months_back: u32| {
        let now = chrono::Utc::now().date_naive();
        let start = now.with_day0(0).unwrap();
        start
            .checked_sub_months(chrono::Months::new(months_back))
            .unwrap()
            .format("%Y-%m-%d")
            .to_string()
    };
    let window = history_as(
        &app,
        ADMIN,
        &advanced,
        json!({ "from": first_day(11), "to": first_day(0) }),
    )
    .await;
    assert!(window.len() <= 12);
    let decided: i64 = window
        .iter()
        .map(|p| p["approved"].as_i64().unwrap() + p["rejected"].as_i64().unwrap())
        .sum();
    let approved: i64 = window.iter().map(|p| p["approved"].as_i64().unwrap()).sum();
    let record = track_record_as(&app, ADMIN, &advanced).await;
    assert_eq!(
        (decided, approved),
        (
            record["decided"].as_i64().unwrap(),
            record["approved"].as_i64().unwrap()
        )
    );
}

#[tokio::test]
async fn an_imported_month_flips_a_partners_scrutiny_and_a_reimport_replaces_it() {
    let app = TestApp::spawn().await;
    let token = app.login(ADMIN).await;
    let orbit = partner_named(&app, "Fresh Orbit").await;
    let month = current_month();

    let response = import(
        &app,
        &token,
        month_import(&orbit, &month, (10, 9, 1, 400_000)),
    )
    .await;
    assert_eq!(
        response["data"]["importTrackRecord"]["userErrors"],
        json!([]),
        "{response}"
    );
    assert_eq!(
        response["data"]["importTrackRecord"]["partner"]["name"],
        "Fresh Orbit Labs"
    );
    let record = track_record_as(&app, ADMIN, &orbit).await;
    assert_eq!(
        (record["decided"].clone(), record["scrutiny"].clone()),
        (json!(13), json!("FAST_TRACK"))
    );

    // Importing the same month again replaces it rather than adding to it.
    let response = import(
        &app,
        &token,
        month_import(&orbit, &month, (2, 2, 0, 50_000)),
    )
    .await;
    assert_eq!(
        response["data"]["importTrackRecord"]["userErrors"],
        json!([])
    );
    let record = track_record_as(&app, ADMIN, &orbit).await;
    assert_eq!(
        record,
        json!({ "decided": 5, "approved": 4, "closeRate": 0.8, "scrutiny": "NORMAL" })
    );
    let points = history_as(&app, ADMIN, &orbit, json!({ "source": "MIGRATION" })).await;
    assert_eq!(
        points,
        vec![
            json!({ "month": month, "fundingSource": "MIGRATION", "submitted": 2, "approved": 2, "rejected": 0, "closeRate": 1.0, "awardedUsd": 50_000 })
        ]
    );

    let trail = audit_trail(&app, &orbit).await;
    let (action, before, after) = &trail[0];
    assert_eq!(action, "track_record.import");
    assert_eq!(before["approved"], 9);
    assert_eq!(after["approved"], 2);
}

#[tokio::test]
async fn an_invalid_import_is_a_user_error_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let token = app.login(ADMIN).await;
    let orbit = partner_named(&app, "Fresh Orbit").await;
    let before = history_as(&app, ADMIN, &orbit, json!({})).await;
    let next_year = format!(
        "{}-01",
        chrono::Utc::now()
            .format("%Y")
            .to_string()
            .parse::<i32>()
            .unwrap()
            + 1
    );
    let cases = [
        (
            month_import(&orbit, "2026-13", (1, 1, 0, 0)),
            vec![("input.month", "INVALID_MONTH")],
        ),
        (
            month_import(&orbit, "March 2025", (1, 1, 0, 0)),
            vec![("input.month", "INVALID_MONTH")],
        ),
        (
            month_import(&orbit, &next_year, (1, 1, 0, 0)),
            vec![("input.month", "MONTH_IN_FUTURE")],
        ),
        (
            month_import(&orbit, "2025-03", (-1, 0, -2, -5)),
            vec![
                ("input.submitted", "NEGATIVE_COUNT"),
                ("input.rejected", "NEGATIVE_COUNT"),
                ("input.awardedUsd", "NEGATIVE_AMOUNT"),
            ],
        ),
        (
            month_import(&orbit, "2025-03", (3, 2, 2, 0)),
            vec![("input.submitted", "DECIDED_EXCEEDS_SUBMITTED")],
        ),
    ];
    for (input, expected) in cases {
        let response = import(&app, &token, input.clone()).await;
        let expected: Vec<(String, String)> = expected
            .into_iter()
            .map(|(f, c)| (f.to_owned(), c.to_owned()))
            .collect();
        assert_eq!(
            user_errors(&response, "importTrackRecord"),
            expected,
            "{input}"
        );
    }
    assert_eq!(
        history_as(&app, ADMIN, &orbit, json!({})).await,
        before,
        "nothing was written"
    );

    let unknown = acegate::graphql::ids::NodeType::Partner
        .id(999_999)
        .to_string();
    let response = import(
        &app,
        &token,
        month_import(&json!(unknown), "2025-03", (1, 1, 0, 0)),
    )
    .await;
    assert_eq!(error_code(&response), Some("NOT_FOUND"));
}

#[tokio::test]
async fn a_partners_track_record_is_visible_only_to_its_own_users_and_staff() {
    let app = TestApp::spawn().await;
    let advanced = partner_named(&app, "Advanced Stack").await;
    for email in [PARTNER_ADVANCED, ADMIN, ANALYST, REVIEWER] {
        let record = track_record_as(&app, email, &advanced).await;
        assert_eq!(record["scrutiny"], "FAST_TRACK", "{email}");
        assert!(
            !history_as(&app, email, &advanced, json!({}))
                .await
                .is_empty()
        );
    }
    for email in [PARTNER_SELECT, VC_PORTFOLIO, FOUNDER] {
        let token = app.login(email).await;
        for field in ["trackRecord { scrutiny }", "closeRateHistory { month }"] {
            let response = app
                .graphql(
                    Some(&token),
                    &format!(
                        "query($id: ID!) {{ node(id: $id) {{ ... on Partner {{ {field} }} }} }}"
                    ),
                    json!({ "id": advanced }),
                )
                .await;
            assert_eq!(
                error_code(&response),
                Some("NOT_FOUND"),
                "{email} reads {field}"
            );
        }
        // The directory fields stay public.
        let directory = app
            .graphql(
                Some(&token),
                "query($id: ID!) { node(id: $id) { ... on Partner { name tier } } }",
                json!({ "id": advanced }),
            )
            .await;
        assert_eq!(
            directory["data"]["node"]["name"], "Advanced Stack Consulting",
            "{email}"
        );
    }
}

#[tokio::test]
async fn track_records_of_a_page_of_partners_load_in_one_batch() {
    let app = TestApp::spawn().await;
    let token = app.login_for_counting(ADMIN).await;
    let query = "query($first: Int!) { partners(first: $first) { nodes { name trackRecord { scrutiny } } } }";
    let mut costs = Vec::new();
    for first in [1, 6] {
        let before = app.statements();
        let response = app
            .graphql(Some(&token), query, json!({ "first": first }))
            .await;
        assert!(response.get("errors").is_none(), "{response}");
        costs.push(app.statements() - before);
    }
    assert_eq!(
        costs[0], costs[1],
        "statements for 1 and 6 partners: {costs:?}"
    );
}
