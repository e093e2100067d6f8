//! `Query.analytics`: aggregates for analysts (and partner portals, over their own firm's records). The figures and
//! their exact definitions are in `service::analytics`; these types name them for clients.

use async_graphql::{Context, Enum, Object, Result};
use chrono::{DateTime, Utc};

use super::{scalars::UsdTotal, track_record::Scrutiny};
use crate::{
    graphql::context::caller,
    service::analytics::{self as service, Range},
};

/// What analytics rows are keyed by.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum AnalyticsGroupBy {
    /// The filing partner firm's name; records filed on the VC path are keyed `VC-filed`.
    Partner,
    /// The filing firm's tier; VC-filed records are keyed `VC-filed`.
    PartnerTier,
    /// The record's funding source.
    FundingSource,
    /// The customer's current funding stage.
    FundingStage,
    /// The customer's country (ISO 3166-1 alpha-2).
    Country,
    /// The UTC calendar month (`YYYY-MM`) of the event counted: the submission for `submitted`, the decision for
    /// the rest.
    Month,
}

impl From<AnalyticsGroupBy> for service::GroupBy {
    fn from(group_by: AnalyticsGroupBy) -> Self {
        match group_by {
            AnalyticsGroupBy::Partner => Self::Partner,
            AnalyticsGroupBy::PartnerTier => Self::PartnerTier,
            AnalyticsGroupBy::FundingSource => Self::FundingSource,
            AnalyticsGroupBy::FundingStage => Self::FundingStage,
            AnalyticsGroupBy::Country => Self::Country,
            AnalyticsGroupBy::Month => Self::Month,
        }
    }
}

pub struct Analytics;

/// Aggregates over opportunity records and credit grants. ADMIN, ANALYST and REVIEWER see every record; a PARTNER
/// user the same figures over its own firm's records; anyone else is `FORBIDDEN`. Ranges are half-open,
/// `[from, to)`, either end optional; `from` must be before `to` (`BAD_USER_INPUT` otherwise). Rows are sorted by
/// key (or month) ascending.
#[Object]
impl Analytics {
    /// Submissions, final decisions and awarded dollars per group: `submitted` counts records whose (first)
    /// submission is in the range; `approved` (APPROVED or CREDITS_ISSUED), `rejected` and `awardedUsd` count
    /// records whose final decision is in the range.
    async fn approval_rates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the rows are keyed by.")] group_by: AnalyticsGroupBy,
        #[graphql(desc = "Start of the range, inclusive.")] from: Option<DateTime<Utc>>,
        #[graphql(desc = "End of the range, exclusive.")] to: Option<DateTime<Utc>>,
    ) -> Result<Vec<ApprovalRateRow>> {
        let range = Range::new(from, to)?;
        let rows = service::approval_rates(caller(ctx)?, group_by.into(), range).await?;
        Ok(rows.into_iter().map(ApprovalRateRow).collect())
    }

    /// How long records finally decided (approved, credits issued or rejected) in the range took, per group, in
    /// days: from the first submission to the decision (p50, p90, max), and to the credits for those issued. The
    /// percentiles interpolate linearly between the closest ranks (PostgreSQL's `percentile_cont`).
    async fn decision_times(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the rows are keyed by.")] group_by: AnalyticsGroupBy,
        #[graphql(desc = "Start of the range, inclusive.")] from: Option<DateTime<Utc>>,
        #[graphql(desc = "End of the range, exclusive.")] to: Option<DateTime<Utc>>,
    ) -> Result<Vec<DurationRow>> {
        let range = Range::new(from, to)?;
        let rows = service::decision_times(caller(ctx)?, group_by.into(), range).await?;
        Ok(rows.into_iter().map(DurationRow).collect())
    }

    /// Credit grants per UTC calendar month: issued in the month, and expiring in it.
    async fn credits_by_month(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Start of the range, inclusive.")] from: Option<DateTime<Utc>>,
        #[graphql(desc = "End of the range, exclusive.")] to: Option<DateTime<Utc>>,
    ) -> Result<Vec<CreditMonthRow>> {
        let range = Range::new(from, to)?;
        let rows = service::credits_by_month(caller(ctx)?, range).await?;
        Ok(rows.into_iter().map(CreditMonthRow).collect())
    }

    /// How many partner firms earn each scrutiny now (trailing 12-month track record), every scrutiny listed. A
    /// partner user sees its own firm only.
    async fn scrutiny_distribution(&self, ctx: &Context<'_>) -> Result<Vec<ScrutinyCount>> {
        let rows = service::scrutiny_distribution(caller(ctx)?).await?;
        Ok(rows
            .into_iter()
            .map(|(scrutiny, partners)| ScrutinyCount {
                scrutiny: scrutiny.into(),
                partners,
            })
            .collect())
    }
}

pub struct ApprovalRateRow(service::ApprovalRateRow);

/// Submissions and final decisions of one group of records.
#[Object]
impl ApprovalRateRow {
    /// The group, as `groupBy` names it: a firm's name, a tier, a funding source, a stage, a country or a month.
    async fn key(&self) -> &str {
        &self.0.key
    }
    /// Records first submitted in the range.
    async fn submitted(&self) -> i64 {
        self.0.submitted
    }
    /// approved + rejected: records finally decided in the range (a clarification request is not a decision).
    async fn decided(&self) -> i64 {
        self.0.decided()
    }
    /// Approved (APPROVED or CREDITS_ISSUED) with the decision in the range.
    async fn approved(&self) -> i64 {
        self.0.approved
    }
    /// Rejected with the decision in the range.
    async fn rejected(&self) -> i64 {
        self.0.rejected
    }
    /// approved / decided; null when nothing was decided.
    async fn approval_rate(&self) -> Option<f64> {
        self.0.approval_rate()
    }
    /// Sum of the awarded amounts of the approved records counted here.
    async fn awarded_usd(&self) -> UsdTotal {
        UsdTotal(self.0.awarded_usd)
    }
}

pub struct DurationRow(service::DurationRow);

/// How long the records of one group took from first submission to decision and to credits.
#[Object]
impl DurationRow {
    /// The group, as `groupBy` names it: a firm's name, a tier, a funding source, a stage, a country or a month.
    async fn key(&self) -> &str {
        &self.0.key
    }
    /// Records finally decided in the range.
    async fn count(&self) -> i64 {
        self.0.count
    }
    /// Median days from first submission to decision.
    async fn p50_days(&self) -> Option<f64> {
        self.0.p50_days
    }
    /// 90th percentile of the days from first submission to decision.
    async fn p90_days(&self) -> Option<f64> {
        self.0.p90_days
    }
    /// The most days from first submission to decision.
    async fn max_days(&self) -> Option<f64> {
        self.0.max_days
    }
    /// Median days from first submission to credits issued, over the records counted here that have credits; null
    /// when none has.
    async fn to_credit_p50_days(&self) -> Option<f64> {
        self.0.to_credit_p50_days
    }
}

pub struct CreditMonthRow(service::CreditMonthRow);

/// The credit grants issued and expiring in one calendar month.
#[Object]
impl CreditMonthRow {
    /// The calendar month (UTC), `YYYY-MM`.
    async fn month(&self) -> &str {
        &self.0.month
    }
    /// Face value of the grants issued in the month.
    async fn issued_usd(&self) -> UsdTotal {
        UsdTotal(self.0.issued_usd)
    }
    /// Number of grants issued in the month.
    async fn grants(&self) -> i64 {
        self.0.grants
    }
    /// Face value of the grants that expire in the month, whenever issued.
    async fn expiring_usd(&self) -> UsdTotal {
        UsdTotal(self.0.expiring_usd)
    }
}

/// How many partner firms earn one scrutiny now.
#[derive(async_graphql::SimpleObject)]
pub struct ScrutinyCount {
    /// The scrutiny counted.
    pub scrutiny: Scrutiny,
    /// Partner firms with this scrutiny now.
    pub partners: i64,
}
