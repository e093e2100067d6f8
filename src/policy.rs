//! Every tunable number of acegate in one place, named, so that an operator can see and change them together.
//! The business numbers are DESIGN.md's defaults (§4 funding sources, §5 checklist, §6 track record, §8 credits).

use entity::enums::{FundingSource, FundingStage, PartnerTier};

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

/// Total of a customer's unexpired grants from this path (DESIGN.md §4).
pub const CUSTOMER_CREDIT_CAP_USD: i64 = 150_000;

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
