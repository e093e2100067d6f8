//! Aggregates for analysts and partner portals (issue 5): approval rates, time from submission to decision and to
//! credits, credits issued and expiring per month, and the scrutiny distribution of partners.
//!
//! Every figure is computed by the database with `GROUP BY` over `opportunities` (joined to `partners` and
//! `customers` when the grouping needs them) or `credit_grants`; rows are never loaded to be counted in memory. The
//! one exception is the percentiles on SQLite, which has no `percentile_cont`: there the query returns one duration
//! per decided record, sorted, and [`percentile`] interpolates exactly as PostgreSQL's `percentile_cont` does, so
//! both backends give identical results.
//!
//! Who sees what: ADMIN, ANALYST and REVIEWER see every record; a PARTNER user the same figures over its own firm's
//! records only; anyone else is `FORBIDDEN`. Drafts never count (they have no submission, decision or grant), so the
//! reviewer's usual "everything but drafts" scope changes nothing here.
//!
//! Timestamps: SQLite stores them as RFC 3339 text in UTC (`2026-11-27T12:30:00.001500+00:00`), PostgreSQL as
//! `timestamptz`. Month buckets and durations are therefore built per backend (as in [`super::track_record`]).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use entity::{credit_grant, enums::OpportunityStatus, opportunity, partner};
use sea_orm::{
    ColumnTrait, Condition, DbBackend, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait, Select,
    sea_query::{Expr, ExprTrait, Func},
};

use super::Caller;
use crate::{
    auth::{Actor, Principal},
    domain::track_record::Scrutiny,
    error::{AppError, AppResult},
    policy,
};

/// What rows of [`approval_rates`] and [`decision_times`] are keyed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBy {
    /// The filing partner's name; records filed on the VC path are keyed [`VC_FILED`].
    Partner,
    /// The filing partner's current tier (`SELECT`, `ADVANCED`, `PREMIER`); VC-filed records: [`VC_FILED`].
    PartnerTier,
    /// The record's funding source, e.g. `ACTIVATE_PORTFOLIO`.
    FundingSource,
    /// The customer's current funding stage, e.g. `SERIES_A`.
    FundingStage,
    /// The customer's country (ISO 3166-1 alpha-2).
    Country,
    /// The UTC calendar month, `YYYY-MM`, of the event being counted: the submission for `submitted`, the decision
    /// for everything else.
    Month,
}

/// The key of the records filed by a VC firm when grouping by partner or partner tier: they have no partner.
pub const VC_FILED: &str = "VC-filed";

/// A half-open time range `[from, to)`; either end may be open. Checked: `from` must be before `to`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Range {
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
}

/// One end of a range as a client names it: an instant, or a whole UTC calendar day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    At(DateTime<Utc>),
    Day(NaiveDate),
}

impl Range {
    pub fn new(from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> AppResult<Self> {
        if let (Some(from), Some(to)) = (from, to)
            && from >= to
        {
            return Err(AppError::BadUserInput("`from` must be before `to`".into()));
        }
        Ok(Self { from, to })
    }

    /// The range between two bounds. A day as `from` starts the range at 00:00 UTC of that day; a day as `to`
    /// includes that whole day (the range ends at 00:00 UTC of the next), so `from: 2026-01-01, to: 2026-01-31` is
    /// January. An instant as `to` stays excluded.
    pub fn between(from: Option<Bound>, to: Option<Bound>) -> AppResult<Self> {
        let start = from.map(|bound| match bound {
            Bound::At(at) => at,
            Bound::Day(day) => day.and_time(NaiveTime::MIN).and_utc(),
        });
        let end = match to {
            None => None,
            Some(Bound::At(at)) => Some(at),
            Some(Bound::Day(day)) => Some(
                day.succ_opt()
                    .ok_or_else(|| AppError::BadUserInput("`to` is past the last date".into()))?
                    .and_time(NaiveTime::MIN)
                    .and_utc(),
            ),
        };
        Self::new(start, end)
    }

    /// `column` in the range (and so not null).
    fn contains(&self, column: impl ColumnTrait) -> Condition {
        Condition::all()
            .add(column.is_not_null())
            .add_option(self.from.map(|from| column.gte(from)))
            .add_option(self.to.map(|to| column.lt(to)))
    }
}

/// Whose records a caller's figures cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Coverage {
    Everything,
    /// The records filed by this partner firm.
    Partner(i64),
}

fn coverage(principal: &Principal) -> AppResult<Coverage> {
    match principal.actor {
        Actor::Admin | Actor::Analyst | Actor::Reviewer => Ok(Coverage::Everything),
        Actor::Partner { partner_id } => Ok(Coverage::Partner(partner_id)),
        Actor::Vc { .. } | Actor::Founder { .. } => Err(AppError::Forbidden(
            "analytics are for AWS staff and partner firms".into(),
        )),
    }
}

/// `FORBIDDEN` unless the caller may run analytics at all, so that `Query.analytics` fails before any figure does.
pub fn authorize(caller: &Caller) -> AppResult<()> {
    coverage(&caller.principal).map(|_| ())
}

const APPROVED: [OpportunityStatus; 2] = [
    OpportunityStatus::Approved,
    OpportunityStatus::CreditsIssued,
];
const DECIDED: [OpportunityStatus; 3] = [
    OpportunityStatus::Approved,
    OpportunityStatus::CreditsIssued,
    OpportunityStatus::Rejected,
];

/// `"table"."column"`, for the backend-specific expressions written as SQL text.
fn qualified(table: &str, column: &str) -> String {
    format!(r#""{table}"."{column}""#)
}

/// The UTC calendar month of a timestamp column as `YYYY-MM`. The expression has no bound parameters, so that the
/// same text in `SELECT` and `GROUP BY` is the same expression to PostgreSQL.
fn month_of(backend: DbBackend, column: &str) -> AppResult<Expr> {
    match backend {
        // Stored in UTC as RFC 3339 text: the month is the first seven characters.
        DbBackend::Sqlite => Ok(Expr::cust(format!("substr({column}, 1, 7)"))),
        DbBackend::Postgres => Ok(Expr::cust(format!(
            "to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM')"
        ))),
        other => Err(unsupported(other)),
    }
}

fn unsupported(backend: DbBackend) -> AppError {
    AppError::Internal(format!("analytics are not implemented for {backend:?}"))
}

/// Microseconds from timestamp column `start` to `end` as a BIGINT (null when either is null), exact on both
/// backends: SQLite's `julianday` keeps milliseconds only and PostgreSQL keeps microseconds, so a `julianday`
/// difference and an `EXTRACT(EPOCH …)` difference of the same two instants need not be equal. Counting whole
/// microseconds on both sides makes them equal, and every later step (days, percentiles) is the same IEEE arithmetic.
fn micros_between(backend: DbBackend, start: &str, end: &str) -> AppResult<String> {
    match backend {
        DbBackend::Sqlite => Ok(format!(
            "({} - {})",
            sqlite_epoch_micros(end),
            sqlite_epoch_micros(start)
        )),
        DbBackend::Postgres => Ok(format!(
            "CAST(EXTRACT(EPOCH FROM ({end} - {start})) * 1000000 AS BIGINT)"
        )),
        other => Err(unsupported(other)),
    }
}

/// Microseconds since the Unix epoch of an RFC 3339 UTC text column (`2026-11-27T12:30:00.001500+00:00`, or with
/// `Z`, with or without a fraction): whole seconds from the first 19 characters, plus the fraction between them and
/// the offset.
fn sqlite_epoch_micros(column: &str) -> String {
    format!(
        "(CAST(strftime('%s', substr({column}, 1, 19)) AS INTEGER) * 1000000 \
         + CAST(ROUND(CAST('0' || substr({column}, 20, length({column}) - 19 \
           - CASE WHEN substr({column}, -1) = 'Z' THEN 1 ELSE 6 END) AS REAL) * 1000000) AS INTEGER))"
    )
}

const MICROS_PER_DAY: f64 = 86_400_000_000.0;

/// Days from microseconds, as PostgreSQL computes `CAST(µs AS DOUBLE PRECISION) / 86400000000` (both IEEE 754).
fn days(micros: i64) -> f64 {
    micros as f64 / MICROS_PER_DAY
}

/// The `p`-th percentile (0 ≤ p ≤ 1) of ascending `sorted` values by linear interpolation between the closest ranks,
/// exactly as PostgreSQL's `percentile_cont`: with n values, position h = p·(n − 1); the result is
/// `v[⌊h⌋] + (h − ⌊h⌋)·(v[⌈h⌉] − v[⌊h⌋])`. `None` for no values.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let position = p * last as f64;
    let (lower, upper) = (position.floor(), position.ceil());
    let low = *sorted.get(lower as usize)?;
    if upper > lower {
        let high = *sorted.get(upper as usize)?;
        Some(low + (position - lower) * (high - low))
    } else {
        Some(low)
    }
}

/// `CAST(SUM(CASE WHEN <condition> THEN <value> ELSE 0 END) AS BIGINT)`: PostgreSQL sums BIGINT into NUMERIC.
fn sum_if(condition: Expr, value: impl Into<Expr>) -> Expr {
    Func::cast_as(
        Func::sum(Expr::case(condition, value.into()).finally(0)),
        "BIGINT",
    )
    .into()
}

fn count_rows() -> Expr {
    Func::cast_as(Func::count(Expr::cust("*")), "BIGINT").into()
}

/// Which timestamp a row's month is taken from when grouping by month.
#[derive(Clone, Copy)]
enum Event {
    Submitted,
    Decided,
}

/// The records of the caller's coverage, joined to what `group_by` needs, and the key expression (a nullable text
/// column: null is the VC path's missing partner).
fn keyed_records(
    backend: DbBackend,
    coverage: Coverage,
    group_by: GroupBy,
    event: Event,
) -> AppResult<(Select<opportunity::Entity>, Expr)> {
    let mut select = opportunity::Entity::find();
    if let Coverage::Partner(partner_id) = coverage {
        select = select.filter(opportunity::Column::PartnerId.eq(partner_id));
    }
    let key = match group_by {
        GroupBy::Partner | GroupBy::PartnerTier => {
            select = select.join(JoinType::LeftJoin, opportunity::Relation::Partner.def());
            let column = match group_by {
                GroupBy::Partner => partner::Column::Name,
                _ => partner::Column::Tier,
            };
            Expr::col((partner::Entity, column))
        }
        GroupBy::FundingStage | GroupBy::Country => {
            select = select.join(JoinType::InnerJoin, opportunity::Relation::Customer.def());
            let column = match group_by {
                GroupBy::FundingStage => entity::customer::Column::FundingStage,
                _ => entity::customer::Column::Country,
            };
            Expr::col((entity::customer::Entity, column))
        }
        GroupBy::FundingSource => {
            Expr::col((opportunity::Entity, opportunity::Column::FundingSource))
        }
        GroupBy::Month => {
            let column = match event {
                Event::Submitted => "submitted_at",
                Event::Decided => "decided_at",
            };
            month_of(backend, &qualified("opportunities", column))?
        }
    };
    Ok((select.select_only().expr(key.clone()), key))
}

fn key_name(key: Option<String>) -> String {
    key.unwrap_or_else(|| VC_FILED.to_owned())
}

// ---- approval rates ------------------------------------------------------------------------------------------------

/// Submissions and final decisions of one group in a range.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApprovalRateRow {
    pub key: String,
    /// Records whose `submitted_at` is in the range (the first submission; whatever became of the record since,
    /// withdrawn included).
    pub submitted: i64,
    /// Records approved (APPROVED or CREDITS_ISSUED) whose `decided_at` is in the range.
    pub approved: i64,
    /// Records REJECTED whose `decided_at` is in the range.
    pub rejected: i64,
    /// Sum of `awarded_amount_usd` of the approved records counted here.
    pub awarded_usd: i64,
}

impl ApprovalRateRow {
    /// approved + rejected. A clarification request is not a decision: a record waiting in ACTION_REQUIRED (or
    /// back in review) is not counted even though it carries the request's `decided_at`.
    pub fn decided(&self) -> i64 {
        self.approved + self.rejected
    }

    /// approved / decided, rounded to [`policy::ANALYTICS_RATE_DECIMALS`] places; `None` when nothing was decided.
    pub fn approval_rate(&self) -> Option<f64> {
        let decided = self.decided();
        (decided > 0).then(|| {
            rounded(
                self.approved as f64 / decided as f64,
                policy::ANALYTICS_RATE_DECIMALS,
            )
        })
    }
}

/// Approval rates per group, keys ascending: one grouped query for the submissions, one for the decisions, merged by
/// key (a group with only submissions or only decisions in the range has zeros for the rest).
pub async fn approval_rates(
    caller: &Caller,
    group_by: GroupBy,
    range: Range,
) -> AppResult<Vec<ApprovalRateRow>> {
    let coverage = coverage(&caller.principal)?;
    let backend = caller.db.get_database_backend();
    let (select, key) = keyed_records(backend, coverage, group_by, Event::Submitted)?;
    let submitted: Vec<(Option<String>, i64)> = select
        .expr(count_rows())
        .filter(range.contains(opportunity::Column::SubmittedAt))
        .group_by(key)
        .into_tuple()
        .all(&caller.db)
        .await?;

    let (select, key) = keyed_records(backend, coverage, group_by, Event::Decided)?;
    let approved = || Expr::col((opportunity::Entity, opportunity::Column::Status)).is_in(APPROVED);
    let decided: Vec<(Option<String>, i64, i64, i64)> = select
        .expr(sum_if(approved(), Expr::val(1)))
        .expr(sum_if(
            Expr::col((opportunity::Entity, opportunity::Column::Status))
                .eq(OpportunityStatus::Rejected),
            Expr::val(1),
        ))
        .expr(sum_if(
            approved(),
            Func::coalesce([
                Expr::col((opportunity::Entity, opportunity::Column::AwardedAmountUsd)),
                Expr::val(0),
            ]),
        ))
        .filter(opportunity::Column::Status.is_in(DECIDED))
        .filter(range.contains(opportunity::Column::DecidedAt))
        .group_by(key)
        .into_tuple()
        .all(&caller.db)
        .await?;

    fn entry(
        rows: &mut BTreeMap<String, ApprovalRateRow>,
        key: Option<String>,
    ) -> &mut ApprovalRateRow {
        let key = key_name(key);
        rows.entry(key.clone()).or_insert_with(|| ApprovalRateRow {
            key,
            ..Default::default()
        })
    }
    let mut rows: BTreeMap<String, ApprovalRateRow> = BTreeMap::new();
    for (key, count) in submitted {
        entry(&mut rows, key).submitted += count;
    }
    for (key, approved, rejected, awarded_usd) in decided {
        let row = entry(&mut rows, key);
        row.approved = row.approved.saturating_add(approved);
        row.rejected = row.rejected.saturating_add(rejected);
        row.awarded_usd = row.awarded_usd.saturating_add(awarded_usd);
    }
    Ok(rows.into_values().collect())
}

// ---- decision times ------------------------------------------------------------------------------------------------

/// key, count, p50, p90, max, p50 to credit: one group as PostgreSQL aggregates it.
type PercentileRow = (
    Option<String>,
    i64,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
);

/// `value` rounded to `decimals` places, halves away from zero: the precision analytics report figures at.
fn rounded(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// How long the decided records of one group took, in days, rounded to [`policy::ANALYTICS_DAYS_DECIMALS`] places
/// (computed exactly, rounded last).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DurationRow {
    pub key: String,
    /// Records finally decided (approved, credits issued or rejected) with `decided_at` in the range.
    pub count: i64,
    /// Median and 90th percentile of the days from `submitted_at` (the first submission, so clarification rounds
    /// count) to `decided_at`, by linear interpolation ([`percentile`]); `None` only for an empty group.
    pub p50_days: Option<f64>,
    pub p90_days: Option<f64>,
    pub max_days: Option<f64>,
    /// Median of the days from `submitted_at` to `issued_at` over those of the records that have credits issued;
    /// `None` when none has.
    pub to_credit_p50_days: Option<f64>,
}

impl DurationRow {
    /// A group's figures, from exact day counts.
    fn new(key: String, count: i64, [p50, p90, max, to_credit_p50]: [Option<f64>; 4]) -> Self {
        let days =
            |value: Option<f64>| value.map(|days| rounded(days, policy::ANALYTICS_DAYS_DECIMALS));
        Self {
            key,
            count,
            p50_days: days(p50),
            p90_days: days(p90),
            max_days: days(max),
            to_credit_p50_days: days(to_credit_p50),
        }
    }
}

/// Decision times per group, keys ascending. On PostgreSQL one grouped query with `percentile_cont`; on SQLite one
/// query returning each record's key and durations (two numbers per decided record), with the same percentiles
/// computed here.
pub async fn decision_times(
    caller: &Caller,
    group_by: GroupBy,
    range: Range,
) -> AppResult<Vec<DurationRow>> {
    let coverage = coverage(&caller.principal)?;
    let backend = caller.db.get_database_backend();
    let (select, key) = keyed_records(backend, coverage, group_by, Event::Decided)?;
    let column = |name| qualified("opportunities", name);
    let to_decision = micros_between(backend, &column("submitted_at"), &column("decided_at"))?;
    let to_credit = micros_between(backend, &column("submitted_at"), &column("issued_at"))?;
    let select = select
        .filter(opportunity::Column::Status.is_in(DECIDED))
        .filter(opportunity::Column::SubmittedAt.is_not_null())
        .filter(range.contains(opportunity::Column::DecidedAt));

    match backend {
        DbBackend::Postgres => {
            let days = |micros: &str| {
                format!(
                    "CAST({micros} AS DOUBLE PRECISION) / CAST(86400000000 AS DOUBLE PRECISION)"
                )
            };
            let (decision, credit) = (days(&to_decision), days(&to_credit));
            let rows: Vec<PercentileRow> = select
                .expr(count_rows())
                .expr(Expr::cust(format!(
                    "percentile_cont(0.5) WITHIN GROUP (ORDER BY {decision})"
                )))
                .expr(Expr::cust(format!(
                    "percentile_cont(0.9) WITHIN GROUP (ORDER BY {decision})"
                )))
                .expr(Expr::cust(format!("MAX({decision})")))
                .expr(Expr::cust(format!(
                    "percentile_cont(0.5) WITHIN GROUP (ORDER BY {credit})"
                )))
                .group_by(key)
                .into_tuple()
                .all(&caller.db)
                .await?;
            let mut rows: Vec<DurationRow> = rows
                .into_iter()
                .map(|(key, count, p50, p90, max, credit_p50)| {
                    DurationRow::new(key_name(key), count, [p50, p90, max, credit_p50])
                })
                .collect();
            rows.sort_by(|a, b| a.key.cmp(&b.key));
            Ok(rows)
        }
        DbBackend::Sqlite => {
            let durations: Vec<(Option<String>, i64, Option<i64>)> = select
                .expr(Expr::cust(to_decision.clone()))
                .expr(Expr::cust(to_credit))
                .order_by(key, sea_orm::Order::Asc)
                .order_by(Expr::cust(to_decision), sea_orm::Order::Asc)
                .into_tuple()
                .all(&caller.db)
                .await?;
            let mut groups: BTreeMap<String, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
            for (key, decision, credit) in durations {
                let (decisions, credits) = groups.entry(key_name(key)).or_default();
                decisions.push(days(decision));
                credits.extend(credit.map(days));
            }
            Ok(groups
                .into_iter()
                .map(|(key, (mut decisions, mut credits))| {
                    // The query sorted each group's decision durations; sorting again costs a pass and keeps the
                    // percentiles right should two SQL keys ever share a name. The credit durations follow the
                    // decision order and need their own sort.
                    decisions.sort_by(f64::total_cmp);
                    credits.sort_by(f64::total_cmp);
                    DurationRow::new(
                        key,
                        decisions.len() as i64,
                        [
                            percentile(&decisions, 0.5),
                            percentile(&decisions, 0.9),
                            decisions.last().copied(),
                            percentile(&credits, 0.5),
                        ],
                    )
                })
                .collect())
        }
        other => Err(unsupported(other)),
    }
}

// ---- credits by month ----------------------------------------------------------------------------------------------

/// One UTC calendar month of credit grants.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreditMonthRow {
    /// `YYYY-MM`.
    pub month: String,
    /// Face value of the grants issued in the month (`issued_at` in the month and the range).
    pub issued_usd: i64,
    /// Number of those grants.
    pub grants: i64,
    /// Face value of the grants whose `expires_at` falls in the month (and the range), whenever they were issued.
    pub expiring_usd: i64,
}

fn grants_of(coverage: Coverage) -> Select<credit_grant::Entity> {
    let select = credit_grant::Entity::find();
    match coverage {
        Coverage::Everything => select,
        Coverage::Partner(partner_id) => select
            .join(
                JoinType::InnerJoin,
                credit_grant::Relation::Opportunity.def(),
            )
            .filter(opportunity::Column::PartnerId.eq(partner_id)),
    }
}

/// Grants issued and expiring per month, months ascending; a month appears when it has either.
pub async fn credits_by_month(caller: &Caller, range: Range) -> AppResult<Vec<CreditMonthRow>> {
    let coverage = coverage(&caller.principal)?;
    let backend = caller.db.get_database_backend();
    let face_value: Expr = Func::cast_as(
        Func::sum(Expr::col((
            credit_grant::Entity,
            credit_grant::Column::FaceValueUsd,
        ))),
        "BIGINT",
    )
    .into();

    let issued_month = month_of(backend, &qualified("credit_grants", "issued_at"))?;
    let issued: Vec<(String, i64, i64)> = grants_of(coverage)
        .select_only()
        .expr(issued_month.clone())
        .expr(face_value.clone())
        .expr(count_rows())
        .filter(range.contains(credit_grant::Column::IssuedAt))
        .group_by(issued_month)
        .into_tuple()
        .all(&caller.db)
        .await?;

    let expiry_month = month_of(backend, &qualified("credit_grants", "expires_at"))?;
    let expiring: Vec<(String, i64)> = grants_of(coverage)
        .select_only()
        .expr(expiry_month.clone())
        .expr(face_value)
        .filter(range.contains(credit_grant::Column::ExpiresAt))
        .group_by(expiry_month)
        .into_tuple()
        .all(&caller.db)
        .await?;

    let mut months: BTreeMap<String, CreditMonthRow> = BTreeMap::new();
    fn entry(months: &mut BTreeMap<String, CreditMonthRow>, month: String) -> &mut CreditMonthRow {
        months
            .entry(month.clone())
            .or_insert_with(|| CreditMonthRow {
                month,
                ..Default::default()
            })
    }
    for (month, usd, grants) in issued {
        let row = entry(&mut months, month);
        row.issued_usd = row.issued_usd.saturating_add(usd);
        row.grants = row.grants.saturating_add(grants);
    }
    for (month, usd) in expiring {
        let row = entry(&mut months, month);
        row.expiring_usd = row.expiring_usd.saturating_add(usd);
    }
    Ok(months.into_values().collect())
}

// ---- scrutiny distribution ---------------------------------------------------------------------------------------

/// How many partner firms earn each scrutiny now, from their track records (DESIGN.md §6): every scrutiny in the
/// order FAST_TRACK, NORMAL, EXTRA_SCRUTINY, zeros included. A partner user counts its own firm only.
pub async fn scrutiny_distribution(caller: &Caller) -> AppResult<Vec<(Scrutiny, i64)>> {
    let partner_ids: Vec<i64> = match coverage(&caller.principal)? {
        Coverage::Partner(partner_id) => vec![partner_id],
        Coverage::Everything => {
            partner::Entity::find()
                .select_only()
                .column(partner::Column::Id)
                .into_tuple()
                .all(&caller.db)
                .await?
        }
    };
    let records =
        super::track_record::track_records(&caller.db, &partner_ids, crate::time::now()).await?;
    Ok([
        Scrutiny::FastTrack,
        Scrutiny::Normal,
        Scrutiny::ExtraScrutiny,
    ]
    .into_iter()
    .map(|scrutiny| {
        let partners = records
            .values()
            .filter(|record| record.scrutiny() == scrutiny)
            .count();
        (scrutiny, partners as i64)
    })
    .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_between_the_closest_ranks_like_percentile_cont() {
        let values = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&values, 0.5), Some(2.5));
        // Position 0.9 · 3 = 2.7: seven tenths of the way from the third value to the fourth.
        let p90 = percentile(&values, 0.9).unwrap();
        assert!((p90 - 3.7).abs() < 1e-12, "{p90}");
        assert_eq!(percentile(&values, 0.0), Some(1.0));
        assert_eq!(percentile(&values, 1.0), Some(4.0));
        assert_eq!(percentile(&[7.5], 0.9), Some(7.5));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn a_day_starts_a_range_at_midnight_and_ends_it_with_the_whole_day() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let day = |s: &str| Bound::Day(s.parse::<NaiveDate>().unwrap());
        let january = Range::between(Some(day("2026-01-01")), Some(day("2026-01-31"))).unwrap();
        assert_eq!(
            january,
            Range::new(
                Some(at("2026-01-01T00:00:00Z")),
                Some(at("2026-02-01T00:00:00Z"))
            )
            .unwrap()
        );
        let one_day = Range::between(Some(day("2026-03-05")), Some(day("2026-03-05"))).unwrap();
        assert_eq!(one_day.to, Some(at("2026-03-06T00:00:00Z")));
        let instant = Range::between(
            Some(day("2026-03-05")),
            Some(Bound::At(at("2026-03-05T12:00:00Z"))),
        );
        assert_eq!(instant.unwrap().to, Some(at("2026-03-05T12:00:00Z")));
        assert!(Range::between(Some(day("2026-03-06")), Some(day("2026-03-05"))).is_err());
        assert!(Range::between(None, Some(Bound::Day(NaiveDate::MAX))).is_err());
    }

    #[test]
    fn a_range_must_start_before_it_ends() {
        let at = |s: &str| Some(s.parse::<DateTime<Utc>>().unwrap());
        assert!(Range::new(at("2026-01-01T00:00:00Z"), at("2026-02-01T00:00:00Z")).is_ok());
        assert!(Range::new(at("2026-02-01T00:00:00Z"), at("2026-02-01T00:00:00Z")).is_err());
        assert!(Range::new(None, at("2026-02-01T00:00:00Z")).is_ok());
    }
}
