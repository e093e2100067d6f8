//! `Query.analytics`: every figure checked against an independent computation from the records an admin reads
//! through the `opportunities` connection, plus a hand-built scenario with known durations, on SQLite and PostgreSQL.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use entity::{
    credit_grant, customer,
    enums::{
        EngagementType, FundingSource, FundingStage, OpportunityStatus, PartnerTier, SubmissionPath,
    },
    opportunity, partner, user,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};

use crate::helpers::*;

const GROUPINGS: [&str; 6] = [
    "PARTNER",
    "PARTNER_TIER",
    "FUNDING_SOURCE",
    "FUNDING_STAGE",
    "COUNTRY",
    "MONTH",
];

/// One record as an admin reads it through the API.
#[derive(Clone, Debug)]
struct Record {
    status: String,
    source: String,
    submitted: Option<DateTime<Utc>>,
    decided: Option<DateTime<Utc>>,
    issued: Option<DateTime<Utc>>,
    awarded: i64,
    partner: Option<(String, String)>,
    country: String,
    stage: String,
    /// (face value, issued at, expires at)
    grant: Option<(i64, DateTime<Utc>, DateTime<Utc>)>,
}

fn time(value: &Value) -> Option<DateTime<Utc>> {
    value.as_str().map(|s| s.parse().expect("an RFC 3339 time"))
}

/// Every record the viewer may see, page by page (a page of 20 stays under the complexity limit).
async fn all_records(app: &TestApp, viewer: &str) -> Vec<Record> {
    let mut nodes: Vec<Value> = Vec::new();
    let mut after = Value::Null;
    let total = loop {
        let data = app
            .query_as(
                viewer,
                "query($after: String) { opportunities(first: 20, after: $after) { totalCount
                   pageInfo { hasNextPage endCursor }
                   nodes { status fundingSource submittedAt decidedAt issuedAt awardedAmountUsd
                     partner { name tier } customer { country fundingStage }
                     creditGrant { faceValueUsd issuedAt expiresAt } } } }",
                json!({ "after": after }),
            )
            .await;
        let page = &data["opportunities"];
        nodes.extend(page["nodes"].as_array().unwrap().iter().cloned());
        if !page["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break page["totalCount"].as_u64().unwrap() as usize;
        }
        after = page["pageInfo"]["endCursor"].clone();
    };
    assert_eq!(total, nodes.len(), "every record read once");
    nodes
        .iter()
        .map(|n| Record {
            status: n["status"].as_str().unwrap().to_owned(),
            source: n["fundingSource"].as_str().unwrap().to_owned(),
            submitted: time(&n["submittedAt"]),
            decided: time(&n["decidedAt"]),
            issued: time(&n["issuedAt"]),
            awarded: n["awardedAmountUsd"].as_i64().unwrap_or(0),
            partner: n["partner"].as_object().map(|p| {
                (
                    p["name"].as_str().unwrap().to_owned(),
                    p["tier"].as_str().unwrap().to_owned(),
                )
            }),
            country: n["customer"]["country"].as_str().unwrap().to_owned(),
            stage: n["customer"]["fundingStage"].as_str().unwrap().to_owned(),
            grant: n["creditGrant"].as_object().map(|g| {
                (
                    g["faceValueUsd"].as_i64().unwrap(),
                    time(&g["issuedAt"]).unwrap(),
                    time(&g["expiresAt"]).unwrap(),
                )
            }),
        })
        .collect()
}

fn month(at: DateTime<Utc>) -> String {
    at.format("%Y-%m").to_string()
}

/// The group of a record; `at` is the event's time, for MONTH.
fn key(record: &Record, group_by: &str, at: DateTime<Utc>) -> String {
    match group_by {
        "PARTNER" => record
            .partner
            .as_ref()
            .map_or("VC-filed".to_owned(), |(name, _)| name.clone()),
        "PARTNER_TIER" => record
            .partner
            .as_ref()
            .map_or("VC-filed".to_owned(), |(_, tier)| tier.clone()),
        "FUNDING_SOURCE" => record.source.clone(),
        "FUNDING_STAGE" => record.stage.clone(),
        "COUNTRY" => record.country.clone(),
        "MONTH" => month(at),
        other => panic!("unknown grouping {other}"),
    }
}

fn in_range(at: DateTime<Utc>, from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> bool {
    from.is_none_or(|from| at >= from) && to.is_none_or(|to| at < to)
}

fn is_approved(record: &Record) -> bool {
    matches!(record.status.as_str(), "APPROVED" | "CREDITS_ISSUED")
}

fn is_decided(record: &Record) -> bool {
    is_approved(record) || record.status == "REJECTED"
}

/// key -> (submitted, approved, rejected, awardedUsd)
fn expected_approval_rates(
    records: &[Record],
    group_by: &str,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> BTreeMap<String, (i64, i64, i64, i64)> {
    let mut rows: BTreeMap<String, (i64, i64, i64, i64)> = BTreeMap::new();
    for record in records {
        if let Some(at) = record.submitted.filter(|&at| in_range(at, from, to)) {
            rows.entry(key(record, group_by, at)).or_default().0 += 1;
        }
        if let Some(at) = record.decided.filter(|&at| in_range(at, from, to))
            && is_decided(record)
        {
            let row = rows.entry(key(record, group_by, at)).or_default();
            if is_approved(record) {
                row.1 += 1;
                row.3 += record.awarded;
            } else {
                row.2 += 1;
            }
        }
    }
    rows
}

fn days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_microseconds().unwrap() as f64 / 86_400_000_000.0
}

/// Linear interpolation between the two closest ranks of ascending values (the definition of SQL's
/// `percentile_cont`).
fn interpolated(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = p * (sorted.len() - 1) as f64;
    let (below, above) = (rank.floor() as usize, rank.ceil() as usize);
    Some(sorted[below] + (rank - below as f64) * (sorted[above] - sorted[below]))
}

/// key -> (count, p50, p90, max, toCreditP50)
type Durations = BTreeMap<String, (i64, Option<f64>, Option<f64>, Option<f64>, Option<f64>)>;

fn expected_decision_times(
    records: &[Record],
    group_by: &str,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> Durations {
    let mut groups: BTreeMap<String, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for record in records.iter().filter(|r| is_decided(r)) {
        let (Some(submitted), Some(decided)) = (record.submitted, record.decided) else {
            continue;
        };
        if !in_range(decided, from, to) {
            continue;
        }
        let group = groups.entry(key(record, group_by, decided)).or_default();
        group.0.push(days_between(submitted, decided));
        if let Some(issued) = record.issued {
            group.1.push(days_between(submitted, issued));
        }
    }
    groups
        .into_iter()
        .map(|(key, (mut decisions, mut credits))| {
            decisions.sort_by(|a, b| a.partial_cmp(b).unwrap());
            credits.sort_by(|a, b| a.partial_cmp(b).unwrap());
            (
                key,
                (
                    decisions.len() as i64,
                    interpolated(&decisions, 0.5),
                    interpolated(&decisions, 0.9),
                    decisions.last().copied(),
                    interpolated(&credits, 0.5),
                ),
            )
        })
        .collect()
}

/// month -> (issuedUsd, grants, expiringUsd)
fn expected_credits(
    records: &[Record],
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> BTreeMap<String, (i64, i64, i64)> {
    let mut months: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    for (face, issued, expires) in records.iter().filter_map(|r| r.grant) {
        if in_range(issued, from, to) {
            let row = months.entry(month(issued)).or_default();
            row.0 += face;
            row.1 += 1;
        }
        if in_range(expires, from, to) {
            months.entry(month(expires)).or_default().2 += face;
        }
    }
    months
}

const APPROVAL_RATES: &str = "query($groupBy: AnalyticsGroupBy!, $from: DateTime, $to: DateTime) {
  analytics { approvalRates(groupBy: $groupBy, from: $from, to: $to) {
    key submitted decided approved rejected approvalRate awardedUsd } } }";

const DECISION_TIMES: &str = "query($groupBy: AnalyticsGroupBy!, $from: DateTime, $to: DateTime) {
  analytics { decisionTimes(groupBy: $groupBy, from: $from, to: $to) {
    key count p50Days p90Days maxDays toCreditP50Days } } }";

const CREDITS_BY_MONTH: &str = "query($from: DateTime, $to: DateTime) {
  analytics { creditsByMonth(from: $from, to: $to) { month issuedUsd grants expiringUsd } } }";

fn range_vars(from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> Value {
    json!({ "from": from.map(|t| t.to_rfc3339()), "to": to.map(|t| t.to_rfc3339()) })
}

async fn approval_rates(
    app: &TestApp,
    viewer: &str,
    group_by: &str,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> BTreeMap<String, (i64, i64, i64, i64)> {
    let mut vars = range_vars(from, to);
    vars["groupBy"] = json!(group_by);
    let data = app.query_as(viewer, APPROVAL_RATES, vars).await;
    let rows = data["analytics"]["approvalRates"].as_array().unwrap();
    let keys: Vec<&str> = rows.iter().map(|r| r["key"].as_str().unwrap()).collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(keys, sorted, "rows are sorted by key");
    rows.iter()
        .map(|r| {
            let (approved, rejected) = (
                r["approved"].as_i64().unwrap(),
                r["rejected"].as_i64().unwrap(),
            );
            assert_eq!(r["decided"].as_i64().unwrap(), approved + rejected, "{r}");
            let rate = r["approvalRate"].as_f64();
            if approved + rejected == 0 {
                assert_eq!(rate, None, "{r}");
            } else {
                // Rounded to 4 decimal places.
                let exact = approved as f64 / (approved + rejected) as f64;
                assert_eq!(rate, Some((exact * 1e4).round() / 1e4), "{r}");
            }
            (
                r["key"].as_str().unwrap().to_owned(),
                (
                    r["submitted"].as_i64().unwrap(),
                    approved,
                    rejected,
                    r["awardedUsd"].as_i64().unwrap(),
                ),
            )
        })
        .collect()
}

async fn decision_times(
    app: &TestApp,
    viewer: &str,
    group_by: &str,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> Durations {
    let mut vars = range_vars(from, to);
    vars["groupBy"] = json!(group_by);
    let data = app.query_as(viewer, DECISION_TIMES, vars).await;
    data["analytics"]["decisionTimes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_owned(),
                (
                    r["count"].as_i64().unwrap(),
                    r["p50Days"].as_f64(),
                    r["p90Days"].as_f64(),
                    r["maxDays"].as_f64(),
                    r["toCreditP50Days"].as_f64(),
                ),
            )
        })
        .collect()
}

async fn credits_by_month(
    app: &TestApp,
    viewer: &str,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> BTreeMap<String, (i64, i64, i64)> {
    let data = app
        .query_as(viewer, CREDITS_BY_MONTH, range_vars(from, to))
        .await;
    data["analytics"]["creditsByMonth"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["month"].as_str().unwrap().to_owned(),
                (
                    r["issuedUsd"].as_i64().unwrap(),
                    r["grants"].as_i64().unwrap(),
                    r["expiringUsd"].as_i64().unwrap(),
                ),
            )
        })
        .collect()
}

/// Durations are the exact ones (the same instants, the same definition) rounded to a tenth of a day: each is a
/// multiple of 0.1 at most half a tenth from the exact figure.
fn assert_durations_match(actual: &Durations, expected: &Durations, context: &str) {
    assert_eq!(
        actual.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "{context}"
    );
    let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => {
            ((a * 10.0).round() / 10.0 - a).abs() < 1e-12 && (a - b).abs() <= 0.05 + 1e-9
        }
        (None, None) => true,
        _ => false,
    };
    for (key, (count, p50, p90, max, credit)) in expected {
        let got = actual[key];
        assert_eq!(got.0, *count, "{context} {key}: count");
        for (name, a, b) in [
            ("p50", got.1, *p50),
            ("p90", got.2, *p90),
            ("max", got.3, *max),
            ("toCreditP50", got.4, *credit),
        ] {
            assert!(
                close(a, b),
                "{context} {key} {name}: got {a:?}, expected {b:?}"
            );
        }
    }
}

#[tokio::test]
async fn approval_rates_match_an_independent_count_of_the_records_for_every_grouping_and_range() {
    let app = TestApp::spawn().await;
    let records = all_records(&app, ADMIN).await;
    let now = Utc::now();
    let ranges = [
        (None, None),
        (
            Some(now - Duration::days(120)),
            Some(now - Duration::days(5)),
        ),
        (Some(now - Duration::days(30)), None),
    ];
    for group_by in GROUPINGS {
        for (from, to) in ranges {
            let expected = expected_approval_rates(&records, group_by, from, to);
            assert!(
                !expected.is_empty() || from.is_some(),
                "the demo data has figures"
            );
            for viewer in [ADMIN, ANALYST, REVIEWER] {
                let actual = approval_rates(&app, viewer, group_by, from, to).await;
                assert_eq!(
                    actual, expected,
                    "{viewer} by {group_by} in {from:?}..{to:?}"
                );
            }
        }
    }
    // The VC path is its own group.
    let by_partner = expected_approval_rates(&records, "PARTNER", None, None);
    assert!(by_partner.contains_key("VC-filed"), "{by_partner:?}");
}

#[tokio::test]
async fn decision_times_and_credits_by_month_match_an_independent_computation() {
    let app = TestApp::spawn().await;
    let records = all_records(&app, ADMIN).await;
    let now = Utc::now();
    for group_by in GROUPINGS {
        for (from, to) in [(None, None), (Some(now - Duration::days(60)), Some(now))] {
            let expected = expected_decision_times(&records, group_by, from, to);
            let actual = decision_times(&app, ANALYST, group_by, from, to).await;
            assert_durations_match(
                &actual,
                &expected,
                &format!("by {group_by} in {from:?}..{to:?}"),
            );
        }
    }
    let by_source = expected_decision_times(&records, "FUNDING_SOURCE", None, None);
    assert!(
        by_source.values().any(|row| row.4.is_some()),
        "some decided records have credits"
    );

    let in_a_year = Some(now + Duration::days(400));
    for (from, to) in [(None, None), (Some(now - Duration::days(200)), in_a_year)] {
        let expected = expected_credits(&records, from, to);
        assert!(!expected.is_empty(), "the demo data has grants");
        assert_eq!(credits_by_month(&app, ANALYST, from, to).await, expected);
    }
}

#[tokio::test]
async fn a_partner_sees_the_same_figures_over_its_own_firm_only() {
    let app = TestApp::spawn().await;
    let everything = all_records(&app, ADMIN).await;
    let own: Vec<Record> = everything
        .iter()
        .filter(|r| {
            r.partner
                .as_ref()
                .is_some_and(|(name, _)| name == "Premier Cloud Partners")
        })
        .cloned()
        .collect();
    assert!(!own.is_empty() && own.len() < everything.len());
    // The partner's own view of its records agrees with the admin's.
    assert_eq!(all_records(&app, PARTNER_PREMIER).await.len(), own.len());

    for group_by in GROUPINGS {
        let expected = expected_approval_rates(&own, group_by, None, None);
        assert_eq!(
            approval_rates(&app, PARTNER_PREMIER, group_by, None, None).await,
            expected,
            "by {group_by}"
        );
        assert_durations_match(
            &decision_times(&app, PARTNER_PREMIER, group_by, None, None).await,
            &expected_decision_times(&own, group_by, None, None),
            group_by,
        );
    }
    let by_partner = approval_rates(&app, PARTNER_PREMIER, "PARTNER", None, None).await;
    assert_eq!(
        by_partner.keys().collect::<Vec<_>>(),
        vec!["Premier Cloud Partners"]
    );
    assert_eq!(
        credits_by_month(&app, PARTNER_PREMIER, None, None).await,
        expected_credits(&own, None, None)
    );

    let data = app
        .query_as(
            PARTNER_PREMIER,
            "{ analytics { scrutinyDistribution { scrutiny partners } } viewer { partner { trackRecord { scrutiny } } } }",
            json!({}),
        )
        .await;
    let own_scrutiny = data["viewer"]["partner"]["trackRecord"]["scrutiny"].clone();
    for row in data["analytics"]["scrutinyDistribution"]
        .as_array()
        .unwrap()
    {
        let expected = if row["scrutiny"] == own_scrutiny {
            1
        } else {
            0
        };
        assert_eq!(row["partners"], expected, "{row}");
    }
}

#[tokio::test]
async fn the_scrutiny_distribution_counts_every_partner_once() {
    let app = TestApp::spawn().await;
    let partners = app
        .query_as(
            ADMIN,
            "{ partners(first: 100) { nodes { trackRecord { scrutiny } } } }",
            json!({}),
        )
        .await;
    let mut expected: BTreeMap<String, i64> = ["FAST_TRACK", "NORMAL", "EXTRA_SCRUTINY"]
        .into_iter()
        .map(|s| (s.to_owned(), 0))
        .collect();
    for node in partners["partners"]["nodes"].as_array().unwrap() {
        *expected
            .get_mut(node["trackRecord"]["scrutiny"].as_str().unwrap())
            .unwrap() += 1;
    }
    let data = app
        .query_as(
            ANALYST,
            "{ analytics { scrutinyDistribution { scrutiny partners } } }",
            json!({}),
        )
        .await;
    let rows = data["analytics"]["scrutinyDistribution"]
        .as_array()
        .unwrap();
    assert_eq!(
        rows.iter()
            .map(|r| r["scrutiny"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["FAST_TRACK", "NORMAL", "EXTRA_SCRUTINY"]
    );
    let actual: BTreeMap<String, i64> = rows
        .iter()
        .map(|r| {
            (
                r["scrutiny"].as_str().unwrap().to_owned(),
                r["partners"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(actual, expected);
    assert!(
        expected.values().filter(|&&n| n > 0).count() >= 2,
        "the demo firms differ: {expected:?}"
    );
}

#[tokio::test]
async fn analytics_are_forbidden_to_vc_firms_and_founders_and_need_a_sign_in() {
    let app = TestApp::spawn().await;
    for viewer in [VC_PORTFOLIO, FOUNDER] {
        let token = app.token_for(viewer).await;
        let response = app
            .graphql(
                Some(&token),
                "{ analytics { scrutinyDistribution { partners } } }",
                json!({}),
            )
            .await;
        assert_eq!(
            error_code(&response),
            Some("FORBIDDEN"),
            "{viewer}: {response}"
        );
    }
    let response = app
        .graphql(
            None,
            "{ analytics { scrutinyDistribution { partners } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&response), Some("UNAUTHENTICATED"), "{response}");
}

#[tokio::test]
async fn a_range_that_does_not_start_before_it_ends_is_bad_user_input() {
    let app = TestApp::spawn().await;
    let token = app.token_for(ANALYST).await;
    let at = "2026-03-01T00:00:00Z";
    for (query, vars) in [
        (
            APPROVAL_RATES,
            json!({ "groupBy": "MONTH", "from": at, "to": at }),
        ),
        (
            DECISION_TIMES,
            json!({ "groupBy": "PARTNER", "from": "2026-04-01T00:00:00Z", "to": at }),
        ),
        (
            CREDITS_BY_MONTH,
            json!({ "from": "2026-04-01T00:00:00Z", "to": at }),
        ),
    ] {
        let response = app.graphql(Some(&token), query, vars).await;
        assert_eq!(error_code(&response), Some("BAD_USER_INPUT"), "{response}");
    }
}

// ---- a hand-built scenario with known durations ------------------------------------------------------------------

struct Scenario {
    partner: partner::Model,
    customer: customer::Model,
    filer: i64,
    next: u32,
}

impl Scenario {
    async fn new(app: &TestApp) -> Self {
        let db = app.db();
        let now = Utc::now();
        let partner = partner::ActiveModel {
            name: Set("Tempo Cloud Partners".into()),
            tier: Set(PartnerTier::Advanced),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        let customer = customer::ActiveModel {
            legal_name: Set("Kiwi Telemetry Ltd".into()),
            website: Set("https://kiwi-telemetry.example.com".into()),
            aws_account_id: Set("990000000001".into()),
            country: Set("NZ".into()),
            incorporated: Set(true),
            funding_stage: Set(FundingStage::Seed),
            engineer_count: Set(6),
            months_on_aws: Set(8),
            monthly_aws_spend_usd: Set(3_000),
            marketplace_spend_share: Set(0.0),
            competes_with_aws: Set(false),
            self_serve_credit_usd: Set(0),
            owner_partner_id: Set(Some(partner.id)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        let filer = user::Entity::find()
            .filter(user::Column::Email.eq(ADMIN))
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .id;
        Self {
            partner,
            customer,
            filer,
            next: 1,
        }
    }

    /// Inserts a record with the given lifecycle timestamps (and a grant when `grant` is given).
    async fn record(
        &mut self,
        app: &TestApp,
        status: OpportunityStatus,
        source: FundingSource,
        times: (DateTime<Utc>, Option<DateTime<Utc>>, Option<DateTime<Utc>>),
        awarded: Option<i64>,
        grant: Option<(i64, DateTime<Utc>)>,
    ) {
        let (submitted, decided, issued) = times;
        let db = app.db();
        let record = opportunity::ActiveModel {
            reference: Set(format!("O99000{:02}", self.next)),
            partner_reference: Set(None),
            customer_id: Set(self.customer.id),
            partner_id: Set(Some(self.partner.id)),
            vc_firm_id: Set(None),
            filed_by_user_id: Set(self.filer),
            submission_path: Set(SubmissionPath::Partner),
            funding_source: Set(source),
            engagement_type: Set(if source == FundingSource::Migration {
                EngagementType::Migrate
            } else {
                EngagementType::Build
            }),
            workload_name: Set(format!("Workload {}", self.next)),
            workload_key: Set(format!("workload {}", self.next)),
            use_case: Set("Telemetry ingestion for orchard sensors.".into()),
            scope_of_work: Set("Build and operate the pipeline.".into()),
            estimated_annual_deal_usd: Set(50_000),
            requested_amount_usd: Set(25_000),
            awarded_amount_usd: Set(awarded),
            status: Set(status),
            version: Set(3),
            created_at: Set(submitted - Duration::days(1)),
            updated_at: Set(issued.or(decided).unwrap_or(submitted)),
            submitted_at: Set(Some(submitted)),
            decided_at: Set(decided),
            issued_at: Set(issued),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        self.next += 1;
        if let Some((face, expires)) = grant {
            credit_grant::ActiveModel {
                opportunity_id: Set(record.id),
                customer_id: Set(self.customer.id),
                aws_account_id: Set(self.customer.aws_account_id.clone()),
                face_value_usd: Set(face),
                issued_at: Set(issued.unwrap()),
                expires_at: Set(expires),
                ..Default::default()
            }
            .insert(db)
            .await
            .unwrap();
        }
    }
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

#[tokio::test]
async fn decision_times_of_a_known_scenario_are_the_exact_percentiles_rounded_to_a_tenth_of_a_day()
{
    use FundingSource::*;
    use OpportunityStatus::*;
    let app = TestApp::spawn().await;
    let mut scenario = Scenario::new(&app).await;
    let day = Duration::days(1);
    let submitted = |hours: i64| at("2020-03-01T09:00:00.123456Z") + Duration::hours(hours);
    let s = (0..8).map(submitted).collect::<Vec<_>>();
    // Decided in March 2020 after 2 days and 300 µs, 4, 10, 12.5 and 30 days; two have credits after 6 and 15.
    let d = [
        s[0] + day * 2 + Duration::microseconds(300),
        s[1] + day * 4,
        s[2] + day * 10,
        s[3] + day * 12 + Duration::hours(12),
        s[4] + day * 30,
    ];
    scenario
        .record(
            &app,
            Rejected,
            BuildForStartups,
            (s[0], Some(d[0]), None),
            None,
            None,
        )
        .await;
    scenario
        .record(
            &app,
            CreditsIssued,
            GenaiPoc,
            (s[1], Some(d[1]), Some(s[1] + day * 6)),
            Some(20_000),
            Some((20_000, s[1] + day * 6 + Duration::days(365))),
        )
        .await;
    scenario
        .record(
            &app,
            Rejected,
            BuildForStartups,
            (s[2], Some(d[2]), None),
            None,
            None,
        )
        .await;
    scenario
        .record(
            &app,
            CreditsIssued,
            Migration,
            (s[3], Some(d[3]), Some(s[3] + day * 15)),
            Some(50_000),
            // An artificially short grant, so that one expires inside the range.
            Some((50_000, at("2020-04-15T00:00:00Z"))),
        )
        .await;
    scenario
        .record(
            &app,
            Approved,
            ActivatePortfolio,
            (s[4], Some(d[4]), None),
            Some(100_000),
            None,
        )
        .await;
    // A clarification request carries a decided_at but is not a decision.
    scenario
        .record(
            &app,
            ActionRequired,
            BuildForStartups,
            (s[5], Some(s[5] + day), None),
            None,
            None,
        )
        .await;
    // Decided exactly at the end of the range: outside it (the range is half-open).
    scenario
        .record(
            &app,
            Rejected,
            Migration,
            (s[6], Some(at("2020-04-01T00:00:00Z")), None),
            None,
            None,
        )
        .await;
    scenario
        .record(&app, Submitted, GenaiPoc, (s[7], None, None), None, None)
        .await;

    let (from, to) = (
        Some(at("2020-03-01T00:00:00Z")),
        Some(at("2020-04-01T00:00:00Z")),
    );
    let days = |d: Duration| d.num_microseconds().unwrap() as f64 / 86_400_000_000.0;
    let sorted = [
        days(day * 2 + Duration::microseconds(300)),
        4.0,
        10.0,
        12.5,
        30.0,
    ];
    assert_ne!(sorted[0], 2.0, "the 300 µs are visible in days");
    let p90 = 12.5 + 0.6 * (30.0 - 12.5);
    for group_by in [
        "PARTNER",
        "PARTNER_TIER",
        "COUNTRY",
        "FUNDING_STAGE",
        "MONTH",
    ] {
        let rows = decision_times(&app, ADMIN, group_by, from, to).await;
        let expected_key = match group_by {
            "PARTNER" => "Tempo Cloud Partners",
            "PARTNER_TIER" => "ADVANCED",
            "COUNTRY" => "NZ",
            "FUNDING_STAGE" => "SEED",
            _ => "2020-03",
        };
        let expected: Durations = [(
            expected_key.to_owned(),
            (5, Some(10.0), Some(p90), Some(30.0), Some(10.5)),
        )]
        .into();
        assert_durations_match(&rows, &expected, group_by);
    }
    // A median of two values, one of them the odd one, computed exactly and reported to a tenth of a day.
    let by_source = decision_times(&app, ADMIN, "FUNDING_SOURCE", from, to).await;
    let build = by_source["BUILD_FOR_STARTUPS"];
    assert_eq!(build.0, 2);
    assert!(
        (build.1.unwrap() - ((sorted[0] + 10.0) / 2.0 * 10.0).round() / 10.0).abs() < 1e-12,
        "{build:?}"
    );
    assert_eq!(build.3, Some(10.0));
    assert_eq!(build.4, None, "no rejected record has credits");
    assert_eq!(
        by_source["ACTIVATE_PORTFOLIO"],
        (1, Some(30.0), Some(30.0), Some(30.0), None)
    );

    let rates = approval_rates(&app, ADMIN, "PARTNER", from, to).await;
    assert_eq!(
        rates,
        [("Tempo Cloud Partners".to_owned(), (8, 3, 2, 170_000))].into()
    );
    let by_month =
        approval_rates(&app, ADMIN, "MONTH", None, Some(at("2020-05-01T00:00:00Z"))).await;
    assert_eq!(
        by_month,
        [
            ("2020-03".to_owned(), (8, 3, 2, 170_000)),
            ("2020-04".to_owned(), (0, 0, 1, 0)),
        ]
        .into()
    );

    let credits = credits_by_month(&app, ADMIN, from, Some(at("2020-05-01T00:00:00Z"))).await;
    assert_eq!(
        credits,
        [
            ("2020-03".to_owned(), (70_000, 2, 0)),
            ("2020-04".to_owned(), (0, 0, 50_000)),
        ]
        .into()
    );
}
