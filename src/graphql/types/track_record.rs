//! A partner's track record (DESIGN.md §6) as clients see it: the close rate over the trailing months, the scrutiny
//! it earns, and the month-by-month history behind it.

use async_graphql::{Enum, Object};

use super::{enums::FundingSource, scalars::UsdTotal};
use crate::{domain::track_record as domain, service::track_record as service};

/// How closely a reviewer looks at a partner's next record, from its trailing close rate.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::domain::track_record::Scrutiny")]
pub enum Scrutiny {
    /// By default, at least 10 decided records with a close rate of 0.7 or more.
    FastTrack,
    /// Neither FAST_TRACK nor EXTRA_SCRUTINY: the usual review.
    Normal,
    /// By default, fewer than 5 decided records (a thin history), or a close rate under 0.4.
    ExtraScrutiny,
}

pub struct TrackRecord(pub domain::TrackRecord);

/// Decisions on a partner's records over the trailing 12 calendar months (the current month and the 11 before it,
/// UTC), imported history and live decisions merged.
#[Object]
impl TrackRecord {
    /// Records approved or rejected in the window.
    async fn decided(&self) -> i64 {
        self.0.decided
    }
    /// Records approved in the window.
    async fn approved(&self) -> i64 {
        self.0.approved
    }
    /// approved / decided; null before the first decision.
    async fn close_rate(&self) -> Option<f64> {
        self.0.close_rate()
    }
    /// How closely a reviewer looks at the firm's next record, from this window.
    async fn scrutiny(&self) -> Scrutiny {
        self.0.scrutiny().into()
    }
}

pub struct CloseRatePoint(pub service::CloseRatePoint);

/// One month of a partner's history: records submitted in the month, and records decided in it.
#[Object]
impl CloseRatePoint {
    /// The calendar month (UTC), `YYYY-MM`.
    async fn month(&self) -> &str {
        &self.0.month
    }
    /// The funding source; null when the point sums all of them.
    async fn funding_source(&self) -> Option<FundingSource> {
        self.0.funding_source.map(Into::into)
    }
    /// Records submitted in the month.
    async fn submitted(&self) -> i64 {
        self.0.submitted
    }
    /// Records approved in the month.
    async fn approved(&self) -> i64 {
        self.0.approved
    }
    /// Records rejected in the month.
    async fn rejected(&self) -> i64 {
        self.0.rejected
    }
    /// approved / (approved + rejected) in the month; null when nothing was decided.
    async fn close_rate(&self) -> Option<f64> {
        self.0.close_rate()
    }
    /// Dollars awarded on the records approved in the month.
    async fn awarded_usd(&self) -> UsdTotal {
        UsdTotal(self.0.awarded_usd)
    }
}
