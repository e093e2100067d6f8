use sea_orm::Iterable;
use serde_json::{Value, json};

use crate::helpers::TestApp;

#[test]
fn the_committed_schema_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql exists at the repository root");
    assert!(
        committed == acegate::graphql::sdl(),
        "schema.graphql has drifted from the code: run `cargo run -- export-schema` and commit the result"
    );
}

/// Every type with its fields and their arguments, input fields and enum values, with their descriptions.
const INTROSPECTION: &str = "{ __schema { types { kind name description
    fields(includeDeprecated: true) { name description args { name description } }
    inputFields { name description }
    enumValues(includeDeprecated: true) { name description } } } }";

/// The scalars of GraphQL itself, which need no description from this schema.
const BUILT_IN_SCALARS: &[&str] = &["String", "Int", "Float", "Boolean", "ID"];

/// The two descriptions async-graphql writes on the fields of every `…Edge` type, without a full stop; they are
/// the library's own words, which this schema cannot change short of replacing its connection types.
const LIBRARY_EDGE_FIELDS: &[(&str, &str)] = &[
    ("cursor", "A cursor for use in pagination"),
    ("node", "The item at the end of the edge"),
];

/// What is wrong with a description, if anything: missing, or not ending as a whole sentence does (a full stop,
/// question or exclamation mark, or a closing parenthesis after one), or with a backtick or parenthesis left open.
fn fault(description: &Value) -> Option<&'static str> {
    let text = description.as_str().map(str::trim).unwrap_or_default();
    if text.is_empty() {
        return Some("no description");
    }
    let ends_a_sentence = text.ends_with(['.', '?', '!'])
        || (text.ends_with(')') && text[..text.len() - 1].ends_with(['.', '?', '!']));
    if !ends_a_sentence {
        return Some("breaks off mid-sentence");
    }
    if text.matches('`').count() % 2 == 1 {
        return Some("unbalanced backticks");
    }
    // Parentheses outside code spans: `[from, to)` is code, not an open parenthesis.
    let mut depth = 0i32;
    for (i, prose) in text.split('`').enumerate() {
        if i % 2 == 1 {
            continue;
        }
        for c in prose.chars() {
            depth += match c {
                '(' => 1,
                ')' => -1,
                _ => 0,
            };
            if depth < 0 {
                return Some("unbalanced parentheses");
            }
        }
    }
    (depth != 0).then_some("unbalanced parentheses")
}

/// The schema's types with their fields, arguments, input fields and enum values, read through the API.
async fn schema_types(app: &TestApp) -> Vec<Value> {
    let response = app.graphql(None, INTROSPECTION, json!({})).await;
    assert!(response.get("errors").is_none(), "{response}");
    response["data"]["__schema"]["types"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Every type, field, argument, input field and enum value among `types`, as `(kind, coordinate, description)`
/// (`Type`, `Type.field`, `Type.field(argument)`, `Type.VALUE`): not the introspection types, the built-in scalars
/// when they have no description, nor the library's own words on the fields of edges.
fn described(types: &[Value]) -> Vec<(&'static str, String, Value)> {
    let mut all = Vec::new();
    let name_of = |value: &Value| value["name"].as_str().unwrap_or_default().to_owned();
    let list = |value: &Value| value.as_array().cloned().unwrap_or_default();
    for ty in types {
        let name = name_of(ty);
        if name.starts_with("__")
            || (BUILT_IN_SCALARS.contains(&name.as_str()) && ty["description"].is_null())
        {
            continue;
        }
        all.push(("type", name.clone(), ty["description"].clone()));
        for field in list(&ty["fields"]) {
            let field_name = name_of(&field);
            let library_words = LIBRARY_EDGE_FIELDS.iter().any(|&(f, d)| {
                name.ends_with("Edge") && field_name == f && field["description"] == d
            });
            if !library_words {
                let coordinate = format!("{name}.{field_name}");
                all.push(("field", coordinate, field["description"].clone()));
            }
            for arg in list(&field["args"]) {
                let coordinate = format!("{name}.{field_name}({})", name_of(&arg));
                all.push(("argument", coordinate, arg["description"].clone()));
            }
        }
        for input in list(&ty["inputFields"]) {
            let coordinate = format!("{name}.{}", name_of(&input));
            all.push(("input field", coordinate, input["description"].clone()));
        }
        for value in list(&ty["enumValues"]) {
            let coordinate = format!("{name}.{}", name_of(&value));
            all.push(("enum value", coordinate, value["description"].clone()));
        }
    }
    all
}

#[tokio::test]
async fn every_type_field_argument_and_enum_value_is_described_in_whole_sentences() {
    let app = TestApp::spawn().await;
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    let mut listing = Vec::new();
    for (kind, coordinate, description) in described(&schema_types(&app).await) {
        if let Some(fault) = fault(&description) {
            *counts.entry(kind).or_default() += 1;
            listing.push(format!("  {kind} {coordinate}: {fault}"));
        }
    }
    assert!(
        listing.is_empty(),
        "{} descriptions missing or broken ({counts:?}); give each a `///` doc comment (arguments: \
         `#[graphql(desc = \"...\")]`) of whole sentences:\n{}",
        listing.len(),
        listing.join("\n")
    );
}

/// 25000 as "25,000".
fn grouped(number: impl ToString) -> String {
    let digits = number.to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// 25000 as "$25,000".
fn usd(amount: i64) -> String {
    format!("${}", grouped(amount))
}

/// The numbers the schema quotes from the policy (amount ranges, expiries, spend bands, thresholds, limits) are the
/// policy's own, so that a change of policy cannot leave the docs behind: each coordinate's description contains the
/// text made from the policy's constant.
#[tokio::test]
async fn the_numbers_the_schema_quotes_are_the_policys() {
    use acegate::policy::{self, funding};
    use entity::enums::{FundingSource, FundingStage};

    let app = TestApp::spawn().await;
    let descriptions: std::collections::HashMap<String, String> =
        described(&schema_types(&app).await)
            .into_iter()
            .map(|(_, coordinate, d)| (coordinate, d.as_str().unwrap_or_default().to_owned()))
            .collect();
    let (page, max_page) = (policy::DEFAULT_PAGE_SIZE, policy::MAX_PAGE_SIZE);
    let (short, long) = (policy::MAX_SHORT_TEXT_CHARS, policy::MAX_USE_CASE_CHARS);
    let (min_password, max_password) = (policy::MIN_PASSWORD_CHARS, policy::MAX_PASSWORD_CHARS);
    let max_usd = grouped(policy::MAX_USD_AMOUNT);
    let regions = policy::REGIONS;
    let (last_region, other_regions) = regions.split_last().expect("regions");
    let regions = format!("one of {} and {last_region}", other_regions.join(", "));
    let mut quoted: Vec<(&str, String)> = vec![
        (
            "CheckName.SPEND_HISTORY",
            format!(
                "{} or more months on AWS",
                policy::ESTABLISHED_SPEND_HISTORY_MONTHS
            ),
        ),
        (
            "Customer.monthsOnAws",
            format!("passes from {}", policy::ESTABLISHED_SPEND_HISTORY_MONTHS),
        ),
        (
            "CheckName.PLAUSIBLE_SPEND",
            format!("above {} times its top", policy::PADDING_FAIL_MULTIPLE),
        ),
        (
            "CheckName.DISTINCT_WORKLOAD",
            format!("{} or more", policy::DUPLICATE_USE_CASE_SIMILARITY),
        ),
        (
            "CheckName.MARKETPLACE_SHARE",
            format!("{}% or more", policy::MARKETPLACE_SHARE_WARN * 100.0),
        ),
        (
            "Scrutiny.FAST_TRACK",
            format!("at least {} decided", policy::FAST_TRACK_MIN_DECIDED),
        ),
        (
            "Scrutiny.FAST_TRACK",
            format!("{} or more", policy::FAST_TRACK_MIN_CLOSE_RATE),
        ),
        (
            "Scrutiny.EXTRA_SCRUTINY",
            format!(
                "fewer than {} decided",
                policy::EXTRA_SCRUTINY_BELOW_DECIDED
            ),
        ),
        (
            "Scrutiny.EXTRA_SCRUTINY",
            format!("under {}", policy::EXTRA_SCRUTINY_BELOW_CLOSE_RATE),
        ),
        (
            "TrackRecord",
            format!("trailing {} calendar months", policy::TRACK_RECORD_MONTHS),
        ),
        (
            "Partner.trackRecord",
            format!("trailing {} calendar months", policy::TRACK_RECORD_MONTHS),
        ),
        (
            "OpportunityConnection",
            format!("{page} when neither is given, at most {max_page}"),
        ),
        ("Query.opportunities(first)", format!("1 to {max_page}")),
        ("Query.opportunities(last)", format!("1 to {max_page}")),
        ("Query.nodes(ids)", format!("at most {max_page}")),
        (
            "Query.partnerMatches(first)",
            format!("{} by default", policy::DEFAULT_PARTNER_MATCHES),
        ),
        (
            "Query.expiringCreditGrants(withinDays)",
            format!("1 to {}", policy::MAX_EXPIRY_WINDOW_DAYS),
        ),
        (
            "ApprovalRateRow.approvalRate",
            format!(
                "rounded to {} decimal place",
                policy::ANALYTICS_RATE_DECIMALS
            ),
        ),
        (
            "DurationRow.p50Days",
            format!(
                "rounded to {} decimal place",
                policy::ANALYTICS_DAYS_DECIMALS
            ),
        ),
        (
            "DurationRow.maxDays",
            format!(
                "rounded to {} decimal place",
                policy::ANALYTICS_DAYS_DECIMALS
            ),
        ),
        ("PartnerMatchInput.region", regions.clone()),
        ("SubmitInquiryInput.region", regions.clone()),
        ("Inquiry.region", regions),
        (
            "CreateUserInput.password",
            format!("{min_password} to {max_password} characters"),
        ),
        (
            "ResetPasswordInput.newPassword",
            format!("{min_password} to {max_password} characters"),
        ),
        (
            "ChangePasswordInput.newPassword",
            format!("{min_password} to {max_password} characters"),
        ),
        (
            "CreateCustomerInput.legalName",
            format!("at most {} characters", grouped(short)),
        ),
        (
            "CreateOpportunityInput.workloadName",
            format!("at most {} characters", grouped(short)),
        ),
        (
            "CreateOpportunityInput.useCase",
            format!("at most {} characters", grouped(long)),
        ),
        (
            "CreateOpportunityInput.scopeOfWork",
            format!("at most {} characters", grouped(long)),
        ),
        (
            "CreateOpportunityInput.projectedConsumption",
            format!("1 to {} lines", policy::MAX_CONSUMPTION_LINES),
        ),
        (
            "CreateOpportunityInput.partnerReference",
            format!("up to {}", policy::MAX_PARTNER_REFERENCE_CHARS),
        ),
        (
            "CreateCustomerInput.engineerCount",
            format!("0 to {}", grouped(policy::MAX_COUNT)),
        ),
        (
            "CreateCustomerInput.monthlyAwsSpendUsd",
            format!("at most {max_usd}"),
        ),
        ("AttestFundingInput.amountUsd", format!("at most {max_usd}")),
        ("UsdTotal", format!("at most ${max_usd}")),
        (
            "AttestFundingInput.closedOn",
            format!("before {}", policy::EARLIEST_ROUND_CLOSE),
        ),
        (
            "SubmitInquiryInput.useCase",
            format!("at most {}", grouped(policy::MAX_INQUIRY_USE_CASE_CHARS)),
        ),
        (
            "PartnerMatch.score",
            format!("region {:.2}", policy::MATCH_WEIGHT_REGION),
        ),
        (
            "PartnerMatch.score",
            format!("specialty coverage {:.2}", policy::MATCH_WEIGHT_SPECIALTY),
        ),
        (
            "PartnerMatch.score",
            format!("funding source {:.2}", policy::MATCH_WEIGHT_CLOSE_RATE),
        ),
        (
            "PartnerMatch.score",
            format!("±{:.2}", policy::MATCH_FAST_TRACK_BONUS),
        ),
        (
            "PartnerMatch.score",
            format!("±{:.2}", policy::MATCH_EXTRA_SCRUTINY_PENALTY),
        ),
    ];
    let sources: Vec<String> = FundingSource::iter()
        .map(|s| format!("FundingSource.{}", s.as_str()))
        .collect();
    for (source, coordinate) in FundingSource::iter().zip(&sources) {
        let rule = funding(source);
        let range = match rule.min_amount_usd {
            1 => format!("up to {}", usd(rule.max_amount_usd)),
            min => format!("from {} to {}", usd(min), usd(rule.max_amount_usd)),
        };
        quoted.push((coordinate, range));
        quoted.push((
            coordinate,
            format!("expire after {} months", rule.expiry_months),
        ));
        quoted.push((
            "CreditGrant.expiresAt",
            format!("{} months", rule.expiry_months),
        ));
    }
    let stages: Vec<(String, (i64, i64))> = FundingStage::iter()
        .filter_map(|s| {
            Some((
                format!("FundingStage.{}", s.as_str()),
                policy::spend_band(s)?,
            ))
        })
        .collect();
    for (coordinate, (low, top)) in &stages {
        quoted.push((coordinate, format!("spend {} to {}", usd(*low), usd(*top))));
    }
    for country in policy::SANCTIONED_COUNTRIES {
        quoted.push(("CheckName.ELIGIBLE_JURISDICTION", country.to_string()));
    }

    let wrong: Vec<String> = quoted
        .iter()
        .filter(|(coordinate, text)| {
            !descriptions
                .get(*coordinate)
                .is_some_and(|d| d.contains(text.as_str()))
        })
        .map(|(coordinate, text)| {
            let description = descriptions
                .get(*coordinate)
                .map_or("(no such coordinate)", String::as_str);
            format!("  {coordinate} should say `{text}`: {description}")
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "descriptions that misquote the policy:\n{}",
        wrong.join("\n")
    );
}
