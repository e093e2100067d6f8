//! Every tunable number of acegate in one place, named, so that an operator can see and change them together.
//! The business numbers are DESIGN.md's defaults (§4 funding sources, §5 checklist, §6 track record, §8 credits).

use entity::enums::{AwsService, FundingSource, FundingStage, PartnerTier};

/// argon2id memory cost in KiB (OWASP's minimum: 19 MiB).
pub const ARGON2_MEMORY_KIB: u32 = 19 * 1024;
/// argon2id passes.
pub const ARGON2_ITERATIONS: u32 = 2;
pub const ARGON2_PARALLELISM: u32 = 1;

/// Page size when a connection is asked for neither `first` nor `last`.
pub const DEFAULT_PAGE_SIZE: u64 = 50;
/// Largest page a connection returns.
pub const MAX_PAGE_SIZE: u64 = 100;

/// What one funding source allows (DESIGN.md §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FundingPolicy {
    pub min_amount_usd: i64,
    pub max_amount_usd: i64,
    /// The award when the reviewer approves without naming an amount; `None` means the requested amount.
    pub default_award_usd: Option<i64>,
    pub expiry_months: u32,
    /// Partner tiers that may file; `ACTIVATE_PORTFOLIO` may also be filed by a VC firm with Portfolio access.
    pub partner_tiers: &'static [PartnerTier],
}

const ADVANCED_AND_ABOVE: &[PartnerTier] = &[PartnerTier::Advanced, PartnerTier::Premier];
const ANY_TIER: &[PartnerTier] = &[
    PartnerTier::Select,
    PartnerTier::Advanced,
    PartnerTier::Premier,
];

pub fn funding(source: FundingSource) -> FundingPolicy {
    match source {
        FundingSource::ActivatePortfolio => FundingPolicy {
            min_amount_usd: 25_000,
            max_amount_usd: 100_000,
            default_award_usd: Some(100_000),
            expiry_months: 24,
            partner_tiers: ADVANCED_AND_ABOVE,
        },
        FundingSource::BuildForStartups => FundingPolicy {
            min_amount_usd: 1,
            max_amount_usd: 25_000,
            default_award_usd: Some(25_000),
            expiry_months: 12,
            partner_tiers: ANY_TIER,
        },
        FundingSource::GenaiPoc => FundingPolicy {
            min_amount_usd: 1,
            max_amount_usd: 25_000,
            default_award_usd: Some(25_000),
            expiry_months: 12,
            partner_tiers: ANY_TIER,
        },
        FundingSource::Migration => FundingPolicy {
            min_amount_usd: 1,
            max_amount_usd: 100_000,
            default_award_usd: None,
            expiry_months: 12,
            partner_tiers: ADVANCED_AND_ABOVE,
        },
    }
}

/// Total of the unexpired grants on one AWS account from this path (DESIGN.md §4 and "Decisions added later").
pub const CUSTOMER_CREDIT_CAP_USD: i64 = 150_000;

/// The largest amount of US dollars any input may carry (a round, a spend, a line, a request): far above any real
/// figure here, and below GraphQL's 32-bit `Int` limit, so that every amount the schema shows is an honest `Int`.
pub const MAX_USD_AMOUNT: i64 = 1_000_000_000;

/// The largest count an input may carry (engineers, months on AWS, records imported for one month and source).
pub const MAX_COUNT: i32 = 1_000_000;

/// The earliest close date of a funding round a VC firm may attest.
pub const EARLIEST_ROUND_CLOSE: chrono::NaiveDate =
    match chrono::NaiveDate::from_ymd_opt(1990, 1, 1) {
        Some(date) => date,
        None => panic!("1990-01-01 is a date"),
    };

/// Word-trigram Jaccard similarity at or above which two use cases describe the same workload.
pub const DUPLICATE_USE_CASE_SIMILARITY: f64 = 0.6;

/// Countries whose companies are not eligible (ISO 3166-1 alpha-2).
pub const SANCTIONED_COUNTRIES: &[&str] = &["CU", "IR", "KP", "SY"];

/// Plausible monthly AWS spend per stage (USD, inclusive): DESIGN.md §5. `None` for segments that are not startups.
pub fn spend_band(stage: FundingStage) -> Option<(i64, i64)> {
    match stage {
        FundingStage::PreSeed | FundingStage::Bootstrapped => Some((0, 2_000)),
        FundingStage::Seed => Some((500, 8_000)),
        FundingStage::SeriesA => Some((3_000, 15_000)),
        FundingStage::SeriesB => Some((10_000, 50_000)),
        FundingStage::SeriesCPlus => Some((25_000, 250_000)),
        FundingStage::Enterprise | FundingStage::PublicSector => None,
    }
}

/// A projection above this multiple of the band's top is a FAIL rather than a WARN.
pub const PADDING_FAIL_MULTIPLE: i64 = 2;

/// Months on AWS from which the spend history is established.
pub const ESTABLISHED_SPEND_HISTORY_MONTHS: i32 = 12;

/// Share of spend through AWS Marketplace from which only a small portion is credit-eligible.
pub const MARKETPLACE_SHARE_WARN: f64 = 0.5;

/// Track record window and thresholds (DESIGN.md §6).
pub const TRACK_RECORD_MONTHS: u32 = 12;
pub const FAST_TRACK_MIN_DECIDED: i64 = 10;
pub const FAST_TRACK_MIN_CLOSE_RATE: f64 = 0.7;
pub const EXTRA_SCRUTINY_BELOW_DECIDED: i64 = 5;
pub const EXTRA_SCRUTINY_BELOW_CLOSE_RATE: f64 = 0.4;

/// Reminder windows for expiring grants (DESIGN.md §8); `expiringCreditGrants(withinDays:)` accepts up to the largest.
pub const MAX_EXPIRY_WINDOW_DAYS: i64 = 366;

/// Longest free-text fields, so that one request cannot store megabytes.
pub const MAX_USE_CASE_CHARS: usize = 10_000;
pub const MAX_SHORT_TEXT_CHARS: usize = 200;
/// Reasons given for an action (e.g. revoking an attestation).
pub const MAX_REASON_CHARS: usize = 2_000;
/// Regions and specialties a partner firm may list, and the length of each label.
pub const MAX_PARTNER_LABELS: usize = 50;
pub const MAX_PARTNER_LABEL_CHARS: usize = 64;
pub const MAX_PARTNER_REFERENCE_CHARS: usize = 64;
pub const MAX_CONSUMPTION_LINES: usize = 30;

/// Failed sign-ins after which an account is slowed down: each further attempt waits twice as long as the last.
pub const LOGIN_BACKOFF_AFTER_FAILURES: i32 = 5;
/// The first back-off, and the longest.
pub const LOGIN_BACKOFF_BASE_SECONDS: i64 = 1;
pub const LOGIN_BACKOFF_MAX_SECONDS: i64 = 15 * 60;
/// Failed sign-ins after which an account is locked until an admin unlocks it.
pub const LOGIN_LOCK_AFTER_FAILURES: i32 = 100;
/// Sign-in attempts per client IP per minute, across all accounts.
pub const LOGIN_ATTEMPTS_PER_IP_PER_MINUTE: u32 = 30;

/// How long an account must wait after `failures` failed sign-ins; zero below the threshold.
pub fn login_backoff_seconds(failures: i32) -> i64 {
    if failures < LOGIN_BACKOFF_AFTER_FAILURES {
        return 0;
    }
    let doublings = (failures - LOGIN_BACKOFF_AFTER_FAILURES).min(30) as u32;
    (LOGIN_BACKOFF_BASE_SECONDS << doublings).min(LOGIN_BACKOFF_MAX_SECONDS)
}

/// Password length bounds (NIST SP 800-63B: at least 8; we ask for 12, and cap the work argon2 is given).
pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 256;

// ---- partner routing and inquiries (DESIGN.md §1 steps 1–2) ------------------------------------------------------

/// Region codes that partner firms work in and that inquiries and match requests name.
pub const REGIONS: &[&str] = &["EU", "UK", "US", "APAC", "LATAM"];

/// The partner specialty an AWS service calls for, for a funding source; `None` for services no specialty stands
/// out for (storage, CDN, monitoring). EC2 alone says little, except on a migration, where it is the lift and shift.
pub fn specialty_for(service: AwsService, source: FundingSource) -> Option<&'static str> {
    use AwsService::*;
    match service {
        Bedrock | Sagemaker => Some("GENAI"),
        Eks | Ecs | Fargate => Some("CONTAINERS"),
        Lambda => Some("SERVERLESS"),
        Rds | Aurora | Dynamodb => Some("DATA"),
        Mediaconvert => Some("MEDIA"),
        Ec2 if source == FundingSource::Migration => Some("MIGRATION"),
        Ec2 | S3 | Cloudfront | Cloudwatch | Other => None,
    }
}

/// The specialties a company needs, sorted: those its services call for, and MIGRATION on a migration whatever the
/// services (moving a workload is the expertise being funded).
pub fn needed_specialties(source: FundingSource, services: &[AwsService]) -> Vec<&'static str> {
    let mut needed: Vec<&'static str> = services
        .iter()
        .filter_map(|&service| specialty_for(service, source))
        .chain((source == FundingSource::Migration).then_some("MIGRATION"))
        .collect();
    needed.sort_unstable();
    needed.dedup();
    needed
}

/// How a partner's match score is made (each part in [0, 1] times its weight; the sum is clamped to [0, 1]):
/// working in the company's region, the share of the needed specialties the firm has, and its close rate on the
/// funding source over the track-record window. The weights and the bonus add up to 1, so a perfect match scores 1.
pub const MATCH_WEIGHT_REGION: f64 = 0.30;
pub const MATCH_WEIGHT_SPECIALTY: f64 = 0.35;
pub const MATCH_WEIGHT_CLOSE_RATE: f64 = 0.25;
/// Added for a FAST_TRACK partner; subtracted for one under EXTRA_SCRUTINY (DESIGN.md §6).
pub const MATCH_FAST_TRACK_BONUS: f64 = 0.10;
pub const MATCH_EXTRA_SCRUTINY_PENALTY: f64 = 0.10;
/// The close rate counted for a partner with no decided record on the funding source in the window: an unknown
/// partner earns nothing for a history it does not have.
pub const MATCH_CLOSE_RATE_WITHOUT_HISTORY: f64 = 0.0;
/// Close rates from which a reason calls a partner's history strong, and below which weak (for viewers who may not
/// see the exact figure).
pub const MATCH_STRONG_CLOSE_RATE: f64 = 0.7;
pub const MATCH_WEAK_CLOSE_RATE: f64 = 0.4;
/// The close rate a viewer who may not see a firm's track record is scored with, in place of the firm's own: the
/// middle of its band (strong 0.7–1, moderate 0.4–0.7, weak 0–0.4). An exact rate in the score would let a
/// competitor subtract the public parts (region, specialties, scrutiny) and read the rate back.
pub const MATCH_BANDED_CLOSE_RATE_STRONG: f64 = 0.85;
pub const MATCH_BANDED_CLOSE_RATE_MODERATE: f64 = 0.55;
pub const MATCH_BANDED_CLOSE_RATE_WEAK: f64 = 0.2;
/// Decimals of a score shown to such a viewer (four for the others).
pub const MATCH_BANDED_SCORE_DECIMALS: i32 = 2;
/// Decimal places of the rates `analytics` reports (`approvalRate`): 2/3 reads 0.6667.
pub const ANALYTICS_RATE_DECIMALS: i32 = 4;
/// Decimal places of the day counts `analytics` reports (`p50Days` and the others): a tenth of a day is 2.4 hours.
pub const ANALYTICS_DAYS_DECIMALS: i32 = 1;
/// Matches returned when `first` is not given.
pub const DEFAULT_PARTNER_MATCHES: u64 = 5;

/// An inquiry's use case is one sentence or a short paragraph, not a document.
pub const MAX_INQUIRY_USE_CASE_CHARS: usize = 1_000;
/// Inquiries per client IP per minute: `submitInquiry` is open to anonymous callers.
pub const INQUIRIES_PER_IP_PER_MINUTE: u32 = 10;

/// The funding source an inquiry is routed for (an inquiry names its stage and services, not a source): a startup
/// with institutional funding (SEED and later) for Activate Portfolio; otherwise a generative-AI POC when it needs
/// BEDROCK or SAGEMAKER, else Build for Startups. `None` for enterprises and the public sector, which use private
/// pricing rather than Activate credits (the ELIGIBLE_SEGMENT check of DESIGN.md §5).
pub fn inquiry_funding_source(
    stage: FundingStage,
    services: &[AwsService],
) -> Option<FundingSource> {
    use FundingStage::*;
    match stage {
        Seed | SeriesA | SeriesB | SeriesCPlus => Some(FundingSource::ActivatePortfolio),
        PreSeed | Bootstrapped
            if services
                .iter()
                .any(|s| matches!(s, AwsService::Bedrock | AwsService::Sagemaker)) =>
        {
            Some(FundingSource::GenaiPoc)
        }
        PreSeed | Bootstrapped => Some(FundingSource::BuildForStartups),
        Enterprise | PublicSector => None,
    }
}

/// Limits and protections of the HTTP endpoint (API.md "Limits and protections"): the defaults of the
/// `ACEGATE_*` variables that override them.
pub mod limits {
    /// Largest request body (`ACEGATE_MAX_BODY_BYTES`): HTTP 413 above it.
    pub const MAX_BODY_BYTES: usize = 1024 * 1024;
    /// Longest query text in characters (`ACEGATE_MAX_QUERY_CHARS`).
    pub const MAX_QUERY_CHARS: usize = 15_000;
    /// Most lexical tokens in a query text (`ACEGATE_MAX_QUERY_TOKENS`).
    pub const MAX_QUERY_TOKENS: usize = 1_000;
    /// Deepest field nesting (`ACEGATE_MAX_DEPTH`); introspection is exempt where it is enabled.
    pub const MAX_DEPTH: usize = 10;
    /// Most aliases per operation (`ACEGATE_MAX_ALIASES`).
    pub const MAX_ALIASES: usize = 15;
    /// Most directives per operation (`ACEGATE_MAX_DIRECTIVES`).
    pub const MAX_DIRECTIVES: usize = 50;
    /// Highest complexity (`ACEGATE_MAX_COMPLEXITY`): each field costs 1 plus its children, and a connection
    /// costs its page size (`first`/`last`, default 50) times its children. 5,000 lets a page of 100 records carry
    /// 50 fields (a portal's pipeline page of 50 with customer, attestations and partner costs 1,300), while nested
    /// connections (100 partners × 50 records each) stay out.
    pub const MAX_COMPLEXITY: usize = 5_000;
    /// Deepest bracket nesting of a query text, checked before it is parsed so that the parser never recurses far.
    pub const MAX_QUERY_NESTING: usize = 64;
    /// Whole-request deadline (`ACEGATE_REQUEST_TIMEOUT_MS`): `TIMEOUT`, and the transaction rolls back.
    pub const REQUEST_TIMEOUT_MS: u64 = 10_000;
    /// PostgreSQL `statement_timeout`, SQLite's busy timeout (`ACEGATE_DATABASE_STATEMENT_TIMEOUT_MS`): a statement
    /// cancelled by it is `TIMEOUT`.
    pub const DATABASE_STATEMENT_TIMEOUT_MS: u64 = 5_000;
    /// Longest time a client may take to send a request's headers, and longest a kept-alive connection may sit
    /// idle before its next request (`ACEGATE_HEADER_READ_TIMEOUT_SECONDS`): the connection is closed.
    pub const HEADER_READ_TIMEOUT_SECONDS: u64 = 10;
    /// Longest time a client may take to send a request's body, from the moment the handler starts reading it
    /// (`ACEGATE_BODY_READ_TIMEOUT_SECONDS`): HTTP 408 and the connection is closed.
    pub const BODY_READ_TIMEOUT_SECONDS: u64 = 30;
    /// GraphQL requests per signed-in principal per minute (`ACEGATE_RATE_LIMIT_PER_PRINCIPAL_PER_MINUTE`).
    pub const REQUESTS_PER_PRINCIPAL_PER_MINUTE: u32 = 600;
    /// Anonymous GraphQL requests per client IP per minute (`ACEGATE_RATE_LIMIT_PER_IP_PER_MINUTE`).
    pub const ANONYMOUS_REQUESTS_PER_IP_PER_MINUTE: u32 = 300;
    /// Live subscriptions one WebSocket connection may hold at once (`ACEGATE_MAX_SUBSCRIPTIONS_PER_CONNECTION`):
    /// a client application needs a handful; each one costs a visibility read per event.
    pub const MAX_SUBSCRIPTIONS_PER_CONNECTION: usize = 50;
    /// How often an open WebSocket re-checks its credential while no event arrives
    /// (`ACEGATE_SUBSCRIPTION_RECHECK_SECONDS`); every event is checked anyway, and the socket closes at the
    /// token's expiry regardless.
    pub const SUBSCRIPTION_RECHECK_SECONDS: u64 = 30;
    /// Most request headers (`ACEGATE_MAX_HEADERS`): HTTP 431 above it.
    pub const MAX_HEADERS: usize = 64;
    /// Largest total size of the request headers, names and values (`ACEGATE_MAX_HEADER_BYTES`): HTTP 431.
    pub const MAX_HEADER_BYTES: usize = 16 * 1024;
    /// After SIGTERM, how long readiness fails while the process still serves, so that load balancers stop
    /// sending traffic (`ACEGATE_SHUTDOWN_DRAIN_SECONDS`; production default, development uses 0).
    pub const SHUTDOWN_DRAIN_SECONDS: u64 = 5;
    /// Longest wait for in-flight requests (and open subscriptions) after that (`ACEGATE_SHUTDOWN_GRACE_SECONDS`).
    pub const SHUTDOWN_GRACE_SECONDS: u64 = 30;
}
