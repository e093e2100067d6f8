//! `Query.analytics`: aggregates for analysts (and partner portals, over their own firm's records). The figures and
//! their exact definitions are in `service::analytics`; these types name them for clients.

use std::borrow::Cow;

use async_graphql::{
    Context, Enum, InputType, InputValueError, InputValueResult, Object, Result, Value, registry,
};
use chrono::{DateTime, NaiveDate, Utc};

use super::{scalars::UsdTotal, track_record::Scrutiny};
use crate::{
    error::{AppError, AppResult},
    graphql::context::caller,
    service::analytics::{self as service, Bound, Range},
};

/// A `from` or `to` argument of the analytics fields. The contract types it `DateTime` (so that clients' variables
/// declared `DateTime` keep working), and it takes a date-only `YYYY-MM-DD` as well as an RFC 3339 date-time. A
/// string that is neither is kept as malformed, so that the field refuses it as `BAD_USER_INPUT` naming the
/// argument, instead of failing the argument's parsing without a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeArgument {
    Bound(Bound),
    Malformed,
}

impl RangeArgument {
    fn parse_text(text: &str) -> Self {
        if let Ok(at) = text.parse::<DateTime<Utc>>() {
            Self::Bound(Bound::At(at))
        } else if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Self::Bound(Bound::Day(day))
        } else {
            Self::Malformed
        }
    }

    fn bound(self, name: &str) -> AppResult<Bound> {
        match self {
            Self::Bound(bound) => Ok(bound),
            Self::Malformed => Err(AppError::BadUserInput(format!(
                "`{name}` must be a date (2026-01-01) or an RFC 3339 date-time (2026-01-01T00:00:00Z)"
            ))),
        }
    }
}

impl InputType for RangeArgument {
    type RawValueType = Self;

    fn type_name() -> Cow<'static, str> {
        <DateTime<Utc> as InputType>::type_name()
    }

    // Registered as the contract's `DateTime` scalar itself, so the schema has one `DateTime`.
    fn create_type_info(registry: &mut registry::Registry) -> String {
        <DateTime<Utc> as InputType>::create_type_info(registry)
    }

    fn parse(value: Option<Value>) -> InputValueResult<Self> {
        match value {
            Some(Value::String(text)) => Ok(Self::parse_text(&text)),
            Some(other) => Err(InputValueError::expected_type(other)),
            None => Err(InputValueError::expected_type(Value::Null)),
        }
    }

    fn to_value(&self) -> Value {
        match self {
            Self::Bound(Bound::At(at)) => Value::String(at.to_rfc3339()),
            Self::Bound(Bound::Day(day)) => Value::String(day.format("%Y-%m-%d").to_string()),
            Self::Malformed => Value::Null,
        }
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }
}

/// The range the `from` and `to` arguments name ([`Range::between`]).
fn range(from: Option<RangeArgument>, to: Option<RangeArgument>) -> AppResult<Range> {
    Range::between(
        from.map(|from| from.bound("from")).transpose()?,
        to.map(|to| to.bound("to")).transpose()?,
    )
}

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
/// `[from, to)`, either end optional; `from` must be before `to` (`BAD_USER_INPUT` otherwise). `from` and `to` take
/// an RFC 3339 date-time or a date (`2026-01-01`, UTC): a date as `from` starts at 00:00 UTC, a date as `to`
/// includes that whole day (`from: "2026-01-01", to: "2026-01-31"` is January); anything else is `BAD_USER_INPUT`.
/// Rates are rounded to 4 decimal places and day counts to 1. Rows are sorted by key ascending.
#[Object]
impl Analytics {
    /// Submissions, final decisions and awarded dollars per group: `submitted` counts records whose (first)
    /// submission is in the range; `approved` (APPROVED or CREDITS_ISSUED), `rejected` and `awardedUsd` count
    /// records whose final decision is in the range.
    async fn approval_rates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the rows are keyed by.")] group_by: AnalyticsGroupBy,
        #[graphql(
            desc = "Start of the range, included: an RFC 3339 date-time, or a date (`2026-01-01`) for 00:00 UTC of that day."
        )]
        from: Option<RangeArgument>,
        #[graphql(
            desc = "End of the range, excluded: an RFC 3339 date-time, or a date (`2026-01-31`) to include that whole day (UTC)."
        )]
        to: Option<RangeArgument>,
    ) -> Result<Vec<ApprovalRateRow>> {
        let range = range(from, to)?;
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
        #[graphql(
            desc = "Start of the range, included: an RFC 3339 date-time, or a date (`2026-01-01`) for 00:00 UTC of that day."
        )]
        from: Option<RangeArgument>,
        #[graphql(
            desc = "End of the range, excluded: an RFC 3339 date-time, or a date (`2026-01-31`) to include that whole day (UTC)."
        )]
        to: Option<RangeArgument>,
    ) -> Result<Vec<DurationRow>> {
        let range = range(from, to)?;
        let rows = service::decision_times(caller(ctx)?, group_by.into(), range).await?;
        Ok(rows.into_iter().map(DurationRow).collect())
    }

    /// Credit grants per UTC calendar month: issued in the month, and expiring in it.
    async fn credits_by_month(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Start of the range, included: an RFC 3339 date-time, or a date (`2026-01-01`) for 00:00 UTC of that day."
        )]
        from: Option<RangeArgument>,
        #[graphql(
            desc = "End of the range, excluded: an RFC 3339 date-time, or a date (`2026-01-31`) to include that whole day (UTC)."
        )]
        to: Option<RangeArgument>,
    ) -> Result<Vec<CreditMonthRow>> {
        let range = range(from, to)?;
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
    /// approved / decided, rounded to 4 decimal places (2 of 3 is 0.6667); null when nothing was decided.
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
    /// Median days from first submission to decision, rounded to 1 decimal place (a tenth of a day is 2.4 hours).
    async fn p50_days(&self) -> Option<f64> {
        self.0.p50_days
    }
    /// 90th percentile of the days from first submission to decision, rounded to 1 decimal place.
    async fn p90_days(&self) -> Option<f64> {
        self.0.p90_days
    }
    /// Longest time from first submission to decision, in days rounded to 1 decimal place.
    async fn max_days(&self) -> Option<f64> {
        self.0.max_days
    }
    /// Median days from first submission to credits issued, over the records counted here that have credits,
    /// rounded to 1 decimal place; null when none has.
    async fn to_credit_p50_days(&self) -> Option<f64> {
        self.0.to_credit_p50_days
    }
}

pub struct CreditMonthRow(service::CreditMonthRow);

/// The credit grants issued and expiring in one calendar month.
#[Object]
impl CreditMonthRow {
    /// The UTC calendar month, `YYYY-MM`: the row's key, named like the key of the other analytics rows.
    async fn key(&self) -> &str {
        &self.0.month
    }
    /// `YYYY-MM` (UTC), the same as `key`.
    #[graphql(deprecation = "Use `key`, as on the other analytics rows.")]
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
