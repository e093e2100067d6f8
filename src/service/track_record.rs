//! Partner track records (DESIGN.md §6): per partner, calendar month and funding source, the records submitted,
//! approved and rejected and the dollars awarded. Two sources are merged by addition:
//!
//! - **imported** months (`track_record_months`), the history from before acegate that an admin loads; and
//! - **live** figures computed from the `opportunities` table with SQL `GROUP BY` (never by loading records):
//!   a record filed by the partner counts as *submitted* in the UTC month of its `submitted_at`; as *approved* in
//!   the UTC month of its `decided_at` when its status is APPROVED or CREDITS_ISSUED (and its `awarded_amount_usd`
//!   counts as awarded there); as *rejected* in the month of its `decided_at` when its status is REJECTED. A record
//!   in ACTION_REQUIRED (or back in review) may carry a `decided_at` from the clarification request, but it is not
//!   decided. Records filed on the VC path do not count for any partner.
//!
//! Months are calendar months in UTC, written `YYYY-MM` like the imported ones, so both sources bucket alike.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use entity::{
    enums::{FundingSource, OpportunityStatus},
    opportunity, partner, track_record_month,
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
    sea_query::{Expr, ExprTrait, Func, OnConflict},
};

use super::{
    Caller,
    audit::{self, Subject},
    input::{self, FieldErrors},
};
use crate::{
    auth::{Actor, Principal},
    domain::{
        track_record::TrackRecord,
        values::{Month, UsdAmount},
    },
    error::{AppError, AppResult},
    policy,
};

/// The first and last month of the track-record window at `as_of`: the `policy::TRACK_RECORD_MONTHS` calendar
/// months (UTC) that end with the month of `as_of` — with 12 months and `as_of` in 2026-11, 2025-12 through
/// 2026-11. The current month is in the window and the same month a year earlier is not.
pub fn window(as_of: DateTime<Utc>) -> (Month, Month) {
    let last = Month::of(as_of);
    (
        last.minus(policy::TRACK_RECORD_MONTHS.saturating_sub(1)),
        last,
    )
}

/// `decided_at`, `submitted_at`: the UTC calendar month of a timestamp column of `opportunities`, as `YYYY-MM`.
/// SQLite stores timestamps as RFC 3339 text in UTC (`2026-11-27T12:30:00.001500+00:00`), PostgreSQL as
/// `timestamptz`.
fn month_of(backend: DbBackend, column: opportunity::Column) -> AppResult<Expr> {
    let name = sea_orm::IdenStatic::as_str(&column);
    match backend {
        DbBackend::Sqlite => Ok(Expr::cust(format!(r#"substr("{name}", 1, 7)"#))),
        DbBackend::Postgres => Ok(Expr::cust(format!(
            r#"to_char("{name}" AT TIME ZONE 'UTC', 'YYYY-MM')"#
        ))),
        other => Err(AppError::Internal(format!(
            "track records are not implemented for {other:?}"
        ))),
    }
}

const APPROVED: [OpportunityStatus; 2] = [
    OpportunityStatus::Approved,
    OpportunityStatus::CreditsIssued,
];

/// `SUM(CASE WHEN <condition> THEN <value> ELSE 0 END)` as a BIGINT on both backends (PostgreSQL sums a BIGINT
/// column into NUMERIC otherwise).
fn sum_if(condition: Expr, value: impl Into<Expr>) -> Expr {
    Func::cast_as(
        Func::sum(Expr::case(condition, value.into()).finally(0)),
        "BIGINT",
    )
    .into()
}

fn bigint_sum(column: track_record_month::Column) -> Expr {
    Func::cast_as(Func::sum(Expr::col(column)), "BIGINT").into()
}

/// Who may read a partner's track record and close-rate history: the firm's own users and AWS-side staff.
pub fn may_see(principal: &Principal, partner_id: i64) -> bool {
    match principal.actor {
        Actor::Admin | Actor::Analyst | Actor::Reviewer => true,
        Actor::Partner { partner_id: own } => own == partner_id,
        Actor::Vc { .. } | Actor::Founder { .. } => false,
    }
}

/// The track record of one partner at `as_of`, over [`window`].
pub async fn track_record(
    db: &impl ConnectionTrait,
    partner_id: i64,
    as_of: DateTime<Utc>,
) -> AppResult<TrackRecord> {
    Ok(track_records(db, &[partner_id], as_of)
        .await?
        .remove(&partner_id)
        .unwrap_or_default())
}

/// The track records of several partners at `as_of`, over [`window`], in two grouped queries whatever their
/// number. Every requested id has an entry (zero when the partner has no history). Live decisions after `as_of`
/// are left out; an imported month in the window counts whole.
pub async fn track_records(
    db: &impl ConnectionTrait,
    partner_ids: &[i64],
    as_of: DateTime<Utc>,
) -> AppResult<HashMap<i64, TrackRecord>> {
    track_records_for(db, partner_ids, as_of, None).await
}

/// [`track_records`] counting only the records of one funding source when `source` is given (partner routing ranks
/// firms by their close rate on the source a company needs).
pub async fn track_records_for(
    db: &impl ConnectionTrait,
    partner_ids: &[i64],
    as_of: DateTime<Utc>,
    source: Option<FundingSource>,
) -> AppResult<HashMap<i64, TrackRecord>> {
    let mut records: HashMap<i64, TrackRecord> = partner_ids
        .iter()
        .map(|&id| (id, TrackRecord::default()))
        .collect();
    if partner_ids.is_empty() {
        return Ok(records);
    }
    let (first, last) = window(as_of);
    let (first, last) = (first.to_string(), last.to_string());

    let imported: Vec<(i64, i64, i64)> = track_record_month::Entity::find()
        .select_only()
        .column(track_record_month::Column::PartnerId)
        .expr(bigint_sum(track_record_month::Column::Approved))
        .expr(bigint_sum(track_record_month::Column::Rejected))
        .filter(track_record_month::Column::PartnerId.is_in(partner_ids.iter().copied()))
        .filter(track_record_month::Column::Month.gte(first.as_str()))
        .filter(track_record_month::Column::Month.lte(last.as_str()))
        .apply_if(source, |q, source| {
            q.filter(track_record_month::Column::FundingSource.eq(source))
        })
        .group_by(track_record_month::Column::PartnerId)
        .into_tuple()
        .all(db)
        .await?;

    let decided_month = month_of(db.get_database_backend(), opportunity::Column::DecidedAt)?;
    let live: Vec<(Option<i64>, i64, i64)> = opportunity::Entity::find()
        .select_only()
        .column(opportunity::Column::PartnerId)
        .expr(sum_if(
            Expr::col(opportunity::Column::Status).is_in(APPROVED),
            Expr::val(1),
        ))
        .expr(sum_if(
            Expr::col(opportunity::Column::Status).eq(OpportunityStatus::Rejected),
            Expr::val(1),
        ))
        .filter(opportunity::Column::PartnerId.is_in(partner_ids.iter().copied()))
        .filter(decided_filter(decided_month, &first, &last, as_of))
        .apply_if(source, |q, source| {
            q.filter(opportunity::Column::FundingSource.eq(source))
        })
        .group_by(opportunity::Column::PartnerId)
        .into_tuple()
        .all(db)
        .await?;

    for (partner_id, approved, rejected) in imported
        .into_iter()
        .chain(live.into_iter().filter_map(|(id, a, r)| Some((id?, a, r))))
    {
        if let Some(record) = records.get_mut(&partner_id) {
            record.approved = record.approved.saturating_add(approved);
            record.decided = record.decided.saturating_add(approved + rejected);
        }
    }
    Ok(records)
}

/// Final decisions (approved, credits issued, rejected) whose month is in `[first, last]`, up to `as_of`.
fn decided_filter(
    decided_month: Expr,
    first: &str,
    last: &str,
    as_of: DateTime<Utc>,
) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(
            opportunity::Column::Status
                .is_in(APPROVED.into_iter().chain([OpportunityStatus::Rejected])),
        )
        .add(opportunity::Column::DecidedAt.is_not_null())
        .add(opportunity::Column::DecidedAt.lte(as_of))
        .add(decided_month.clone().gte(first))
        .add(decided_month.lte(last))
}

/// The track records of the partners the caller may see at the current time (see [`may_see`]); the others are
/// left out, so a resolver answers them with `NOT_FOUND`. The batch behind the `trackRecord` DataLoader.
pub async fn visible_track_records(
    caller: &Caller,
    partner_ids: &[i64],
) -> AppResult<HashMap<i64, TrackRecord>> {
    let visible: Vec<i64> = partner_ids
        .iter()
        .copied()
        .filter(|&id| may_see(&caller.principal, id))
        .collect();
    track_records(&caller.db, &visible, crate::time::now()).await
}

/// One month of a partner's history, for one funding source or (`funding_source: None`) summed over all of them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CloseRatePoint {
    pub month: String,
    pub funding_source: Option<FundingSource>,
    pub submitted: i64,
    pub approved: i64,
    pub rejected: i64,
    pub awarded_usd: i64,
}

impl CloseRatePoint {
    /// approved / (approved + rejected) in this month; `None` when nothing was decided.
    pub fn close_rate(&self) -> Option<f64> {
        TrackRecord {
            decided: self.approved + self.rejected,
            approved: self.approved,
        }
        .close_rate()
    }

    fn add(&mut self, other: &CloseRatePoint) {
        self.submitted = self.submitted.saturating_add(other.submitted);
        self.approved = self.approved.saturating_add(other.approved);
        self.rejected = self.rejected.saturating_add(other.rejected);
        self.awarded_usd = self.awarded_usd.saturating_add(other.awarded_usd);
    }
}

/// A partner's month-by-month history, imported and live merged, oldest month first, between `from` and `to`
/// inclusive (either open-ended when `None`).
///
/// With a `source`, one point per month with any figure for that source. Without one, one point per month with
/// any figure, summed over all funding sources, with `funding_source: None` ("all sources"). Months without any
/// submission or decision have no point.
pub async fn close_rate_history(
    db: &impl ConnectionTrait,
    partner_id: i64,
    from: Option<Month>,
    to: Option<Month>,
    source: Option<FundingSource>,
) -> AppResult<Vec<CloseRatePoint>> {
    let (from, to) = (from.map(|m| m.to_string()), to.map(|m| m.to_string()));
    let backend = db.get_database_backend();
    let in_range = |month: Expr| {
        let mut condition = sea_orm::Condition::all();
        if let Some(from) = &from {
            condition = condition.add(month.clone().gte(from.as_str()));
        }
        if let Some(to) = &to {
            condition = condition.add(month.lte(to.as_str()));
        }
        condition
    };
    let of_source = |column: Expr| match source {
        Some(source) => sea_orm::Condition::all().add(column.eq(source)),
        None => sea_orm::Condition::all(),
    };
    // Keyed by month, then by the source's name: a stable order for clients.
    let mut months: BTreeMap<(String, &'static str), CloseRatePoint> = BTreeMap::new();
    let mut merge = |month: String, source: FundingSource, point: CloseRatePoint| {
        months
            .entry((month.clone(), source.as_str()))
            .or_insert_with(|| CloseRatePoint {
                month,
                funding_source: Some(source),
                ..Default::default()
            })
            .add(&point);
    };

    let imported = track_record_month::Entity::find()
        .filter(track_record_month::Column::PartnerId.eq(partner_id))
        .filter(in_range(Expr::col(track_record_month::Column::Month)))
        .filter(of_source(Expr::col(
            track_record_month::Column::FundingSource,
        )))
        .all(db)
        .await?;
    for row in imported {
        merge(
            row.month,
            row.funding_source,
            CloseRatePoint {
                submitted: row.submitted.into(),
                approved: row.approved.into(),
                rejected: row.rejected.into(),
                awarded_usd: row.awarded_usd,
                ..Default::default()
            },
        );
    }

    let submitted_month = month_of(backend, opportunity::Column::SubmittedAt)?;
    let submitted: Vec<(String, FundingSource, i64)> = opportunity::Entity::find()
        .select_only()
        .expr(submitted_month.clone())
        .column(opportunity::Column::FundingSource)
        .expr(Func::cast_as(
            Func::count(Expr::col(opportunity::Column::Id)),
            "BIGINT",
        ))
        .filter(opportunity::Column::PartnerId.eq(partner_id))
        .filter(opportunity::Column::SubmittedAt.is_not_null())
        .filter(in_range(submitted_month.clone()))
        .filter(of_source(Expr::col(opportunity::Column::FundingSource)))
        .group_by(submitted_month)
        .group_by(opportunity::Column::FundingSource)
        .into_tuple()
        .all(db)
        .await?;
    for (month, source, count) in submitted {
        merge(
            month,
            source,
            CloseRatePoint {
                submitted: count,
                ..Default::default()
            },
        );
    }

    let decided_month = month_of(backend, opportunity::Column::DecidedAt)?;
    let approved = || Expr::col(opportunity::Column::Status).is_in(APPROVED);
    let decided: Vec<(String, FundingSource, i64, i64, i64)> = opportunity::Entity::find()
        .select_only()
        .expr(decided_month.clone())
        .column(opportunity::Column::FundingSource)
        .expr(sum_if(approved(), Expr::val(1)))
        .expr(sum_if(
            Expr::col(opportunity::Column::Status).eq(OpportunityStatus::Rejected),
            Expr::val(1),
        ))
        .expr(sum_if(
            approved(),
            Func::coalesce([
                Expr::col(opportunity::Column::AwardedAmountUsd),
                Expr::val(0),
            ]),
        ))
        .filter(opportunity::Column::PartnerId.eq(partner_id))
        .filter(
            opportunity::Column::Status
                .is_in(APPROVED.into_iter().chain([OpportunityStatus::Rejected])),
        )
        .filter(opportunity::Column::DecidedAt.is_not_null())
        .filter(in_range(decided_month.clone()))
        .filter(of_source(Expr::col(opportunity::Column::FundingSource)))
        .group_by(decided_month)
        .group_by(opportunity::Column::FundingSource)
        .into_tuple()
        .all(db)
        .await?;
    for (month, source, approved, rejected, awarded_usd) in decided {
        merge(
            month,
            source,
            CloseRatePoint {
                approved,
                rejected,
                awarded_usd,
                ..Default::default()
            },
        );
    }

    let per_source = months.into_values();
    if source.is_some() {
        return Ok(per_source.collect());
    }
    let mut summed: BTreeMap<String, CloseRatePoint> = BTreeMap::new();
    for point in per_source {
        summed
            .entry(point.month.clone())
            .or_insert_with(|| CloseRatePoint {
                month: point.month.clone(),
                funding_source: None,
                ..Default::default()
            })
            .add(&point);
    }
    Ok(summed.into_values().collect())
}

/// [`close_rate_history`] for a caller: `NOT_FOUND` unless the caller may see the partner's track record
/// ([`may_see`]) and the partner exists.
pub async fn history(
    caller: &Caller,
    partner_id: i64,
    from: Option<Month>,
    to: Option<Month>,
    source: Option<FundingSource>,
) -> AppResult<Vec<CloseRatePoint>> {
    if !may_see(&caller.principal, partner_id) {
        return Err(AppError::NotFound);
    }
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(AppError::BadUserInput("`from` is after `to`".into()));
    }
    close_rate_history(&caller.db, partner_id, from, to, source).await
}

// ---- import ----------------------------------------------------------------------------------------------------

/// One month of a partner's history from before acegate, as the admin sent it.
#[derive(Clone, Debug)]
pub struct MonthImport {
    pub partner_id: i64,
    pub month: String,
    pub funding_source: FundingSource,
    pub submitted: i32,
    pub approved: i32,
    pub rejected: i32,
    pub awarded_usd: i64,
}

fn figures_json(row: &track_record_month::Model) -> serde_json::Value {
    serde_json::json!({
        "month": row.month,
        "fundingSource": row.funding_source.as_str(),
        "submitted": row.submitted,
        "approved": row.approved,
        "rejected": row.rejected,
        "awardedUsd": row.awarded_usd,
    })
}

/// Imports (or re-imports, replacing) one month of a partner's history for one funding source. ADMIN only.
/// Counts are non-negative, approved + rejected cannot exceed submitted, and the month cannot be after the
/// current one. Returns the partner.
pub async fn import(caller: &Caller, input: MonthImport) -> AppResult<partner::Model> {
    if caller.principal.actor != Actor::Admin {
        return Err(AppError::Forbidden(
            "only admins may import track records".into(),
        ));
    }
    let mut errors = FieldErrors::default();
    let month = errors.check("month", Month::parse(&input.month));
    if let Some(month) = month
        && month > Month::of(crate::time::now())
    {
        errors.add(
            "month",
            "MONTH_IN_FUTURE",
            "a track record month cannot be after the current month",
        );
    }
    let submitted = errors.check("submitted", input::count(input.submitted));
    let approved = errors.check("approved", input::count(input.approved));
    let rejected = errors.check("rejected", input::count(input.rejected));
    let awarded = errors.check("awardedUsd", UsdAmount::parse(input.awarded_usd));
    if let (Some(submitted), Some(approved), Some(rejected)) = (submitted, approved, rejected)
        && i64::from(approved) + i64::from(rejected) > i64::from(submitted)
    {
        errors.add(
            "submitted",
            "DECIDED_EXCEEDS_SUBMITTED",
            "approved plus rejected cannot exceed submitted",
        );
    }
    errors.finish()?;
    let (Some(month), Some(submitted), Some(approved), Some(rejected), Some(awarded)) =
        (month, submitted, approved, rejected, awarded)
    else {
        return Err(AppError::Internal(
            "a parsed import field is missing".into(),
        ));
    };
    let month = month.to_string();

    let tx = super::begin_write(&caller.db).await?;
    let partner = partner::Entity::find_by_id(input.partner_id)
        .one(&tx.txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let previous = track_record_month::Entity::find()
        .filter(track_record_month::Column::PartnerId.eq(partner.id))
        .filter(track_record_month::Column::Month.eq(month.as_str()))
        .filter(track_record_month::Column::FundingSource.eq(input.funding_source))
        .one(&tx.txn)
        .await?;
    let row = track_record_month::ActiveModel {
        partner_id: Set(partner.id),
        month: Set(month.clone()),
        funding_source: Set(input.funding_source),
        submitted: Set(submitted),
        approved: Set(approved),
        rejected: Set(rejected),
        awarded_usd: Set(awarded.value()),
        imported_by_user_id: Set(Some(caller.principal.user_id)),
        imported_at: Set(crate::time::now()),
        ..Default::default()
    };
    // An upsert rather than insert-or-update, so that two concurrent imports of one month cannot both insert.
    track_record_month::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                track_record_month::Column::PartnerId,
                track_record_month::Column::Month,
                track_record_month::Column::FundingSource,
            ])
            .update_columns([
                track_record_month::Column::Submitted,
                track_record_month::Column::Approved,
                track_record_month::Column::Rejected,
                track_record_month::Column::AwardedUsd,
                track_record_month::Column::ImportedByUserId,
                track_record_month::Column::ImportedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(&tx.txn)
        .await?;
    let stored = track_record_month::Entity::find()
        .filter(track_record_month::Column::PartnerId.eq(partner.id))
        .filter(track_record_month::Column::Month.eq(month.as_str()))
        .filter(track_record_month::Column::FundingSource.eq(input.funding_source))
        .one(&tx.txn)
        .await?
        .ok_or_else(|| AppError::Internal("the imported month did not persist".into()))?;
    audit::record(
        &tx.txn,
        caller,
        "track_record.import",
        Subject {
            kind: "Partner",
            id: partner.id,
        },
        previous.as_ref().map(figures_json),
        Some(figures_json(&stored)),
    )
    .await?;
    tx.commit().await?;
    Ok(partner)
}
