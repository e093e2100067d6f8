//! Connection filters added for issue 5: VC firm search, delta sync on the firm directories, audit events by action,
//! actor and time, inquiries; `totalCount` always agrees with the filtered, scoped rows.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::helpers::*;

/// `(totalCount, node names)` of a connection query whose nodes have a `name`-like field.
async fn names(
    app: &TestApp,
    viewer: &str,
    query: &str,
    connection: &str,
    field: &str,
    vars: Value,
) -> (u64, Vec<String>) {
    let data = app.query_as(viewer, query, vars).await;
    let nodes = data[connection]["nodes"].as_array().unwrap();
    (
        data[connection]["totalCount"].as_u64().unwrap(),
        nodes
            .iter()
            .map(|n| n[field].as_str().unwrap().to_owned())
            .collect(),
    )
}

#[tokio::test]
async fn vc_firms_filter_by_name_access_reputation_and_update_time() {
    let app = TestApp::spawn().await;
    let query = "query($filter: VcFirmFilter) { vcFirms(first: 100, filter: $filter) { totalCount nodes { name } } }";
    let run = |filter: Value| {
        names(
            &app,
            PARTNER_SELECT,
            query,
            "vcFirms",
            "name",
            json!({ "filter": filter }),
        )
    };
    assert_eq!(
        run(json!({ "search": "peak" })).await,
        (1, vec!["Summit Peak Ventures".to_owned()])
    );
    assert_eq!(
        run(json!({ "portfolioAccess": true })).await,
        (
            2,
            vec![
                "Harbour Lane Capital".to_owned(),
                "Summit Peak Ventures".to_owned()
            ]
        )
    );
    assert_eq!(
        run(json!({ "reputation": ["EMERGING"] })).await,
        (1, vec!["Seedling Collective".to_owned()])
    );
    assert_eq!(
        run(json!({ "search": "100%_" })).await,
        (0, vec![]),
        "wildcards are literal"
    );
    let future = (Utc::now() + Duration::minutes(5)).to_rfc3339();
    assert_eq!(run(json!({ "updatedAfter": future })).await, (0, vec![]));
}

#[tokio::test]
async fn partners_filter_by_update_time_for_delta_sync() {
    let app = TestApp::spawn().await;
    let query = "query($filter: PartnerFilter) { partners(first: 100, filter: $filter) { totalCount nodes { name } } }";
    let since = (Utc::now() - Duration::seconds(1)).to_rfc3339();
    let (before, _) = names(
        &app,
        ADMIN,
        query,
        "partners",
        "name",
        json!({ "filter": { "updatedAfter": since } }),
    )
    .await;
    let admin = app.token_for(ADMIN).await;
    let id = crate::helpers::org::partner_named(&app, "Fresh Orbit").await;
    crate::helpers::org::send_ok(
        &app,
        &admin,
        "updatePartner",
        "UpdatePartnerInput",
        json!({ "id": id, "tier": "PREMIER" }),
        "partner { id }",
    )
    .await;
    let (after, changed) = names(
        &app,
        ADMIN,
        query,
        "partners",
        "name",
        json!({ "filter": { "updatedAfter": since } }),
    )
    .await;
    assert_eq!(after, before + 1);
    assert!(
        changed.contains(&"Fresh Orbit Labs".to_owned()),
        "{changed:?}"
    );
}

#[tokio::test]
async fn audit_events_filter_by_action_actor_subject_type_and_time_within_the_viewers_scope() {
    let app = TestApp::spawn().await;
    let query = "query($filter: AuditEventFilter) { auditEvents(first: 100, filter: $filter) {
        totalCount nodes { action subjectType at actor { email } } } }";
    let run = |viewer: &'static str, filter: Value| {
        let app = &app;
        async move {
            let data = app
                .query_as(viewer, query, json!({ "filter": filter }))
                .await;
            let nodes = data["auditEvents"]["nodes"].as_array().unwrap().clone();
            (
                data["auditEvents"]["totalCount"].as_u64().unwrap() as usize,
                nodes,
            )
        }
    };
    let (total, submits) = run(ADMIN, json!({ "action": ["opportunity.submit"] })).await;
    assert!(total > 0 && total == submits.len());
    assert!(submits.iter().all(|e| e["action"] == "opportunity.submit"));

    let (_, all) = run(ADMIN, json!({})).await;
    let (total, of_type) = run(ADMIN, json!({ "subjectType": "FundingAttestation" })).await;
    assert_eq!(
        total,
        all.iter()
            .filter(|e| e["subjectType"] == "FundingAttestation")
            .count()
    );
    assert!(
        of_type
            .iter()
            .all(|e| e["subjectType"] == "FundingAttestation")
    );

    let reviewer_id =
        app.query_as(REVIEWER, "{ viewer { id } }", json!({})).await["viewer"]["id"].clone();
    let (total, by_reviewer) = run(ADMIN, json!({ "actorId": reviewer_id })).await;
    assert!(total > 0);
    assert!(by_reviewer.iter().all(|e| e["actor"]["email"] == REVIEWER));

    // A time window: the demo trail spans months; the last 30 days are a strict subset.
    let since = (Utc::now() - Duration::days(30)).to_rfc3339();
    let (everything, _) = run(ADMIN, json!({})).await;
    let (recent, nodes) = run(ADMIN, json!({ "createdAfter": since })).await;
    assert!(
        recent > 0 && recent < everything,
        "{recent} of {everything}"
    );
    let cutoff: chrono::DateTime<Utc> = since.parse().unwrap();
    assert!(nodes.iter().all(|e| {
        e["at"]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<Utc>>()
            .unwrap()
            > cutoff
    }));
    let (older, _) = run(ADMIN, json!({ "createdBefore": since })).await;
    assert_eq!(recent + older, everything);

    // A partner sees only the events it caused, whatever the filter.
    let (own, nodes) = run(
        PARTNER_ADVANCED,
        json!({ "action": ["opportunity.submit"] }),
    )
    .await;
    assert_eq!(own, nodes.len());
    assert!(
        nodes
            .iter()
            .all(|e| e["actor"]["email"] == PARTNER_ADVANCED)
    );
}

#[tokio::test]
async fn inquiries_filter_by_acceptance_region_and_name() {
    let app = TestApp::spawn().await;
    let query = "query($filter: InquiryFilter) { inquiries(first: 100, filter: $filter) { totalCount nodes { companyName } } }";
    let run = |filter: Value| {
        names(
            &app,
            ANALYST,
            query,
            "inquiries",
            "companyName",
            json!({ "filter": filter }),
        )
    };
    let (all, _) = run(json!({})).await;
    assert!(all >= 2);
    assert_eq!(run(json!({ "accepted": true })).await, (0, vec![]));
    assert_eq!(run(json!({ "accepted": false })).await.0, all);
    assert_eq!(
        run(json!({ "region": ["apac"] })).await,
        (1, vec!["Saffron Health Tech Pvt Ltd".to_owned()])
    );
    assert_eq!(
        run(json!({ "search": "orchard" })).await,
        (1, vec!["Orchard Vision Ltd".to_owned()])
    );
    assert_eq!(
        run(json!({ "fundingStage": ["SEED"] })).await.1,
        vec!["Orchard Vision Ltd".to_owned()]
    );
}
