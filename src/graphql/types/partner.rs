use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::partner;

use super::{
    enums::{FundingSource, OrderDirection, PartnerTier},
    opportunity::{
        OpportunityConnection, OpportunityFilter, OpportunityOrder, Owner,
        owned_opportunity_connection,
    },
    scalars::Date,
    track_record::{CloseRatePoint, TrackRecord},
};
use crate::{
    domain::values::Month,
    error::AppError,
    graphql::{
        context::{caller, loaders},
        ids::NodeType,
    },
    service::{pagination::PageRequest, partners::PartnerOrderField as Field, track_record},
};

pub struct Partner(pub partner::Model);

/// An AWS partner firm (Select, Advanced or Premier tier) that files records for its customers.
#[Object]
impl Partner {
    /// The firm's global ID.
    pub async fn id(&self) -> ID {
        NodeType::Partner.id(self.0.id)
    }
    /// The firm's name, unique among partner firms.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The firm's partner tier, which decides the funding sources it may file.
    async fn tier(&self) -> PartnerTier {
        self.0.tier.into()
    }
    /// Regions the firm works in (e.g. EU, US, APAC).
    async fn regions(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(loaders(ctx)?
            .partner_regions
            .load_one(self.0.id)
            .await?
            .unwrap_or_default())
    }
    /// What the firm is known for (e.g. GENAI, MIGRATION, DATA).
    async fn specialties(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(loaders(ctx)?
            .partner_specialties
            .load_one(self.0.id)
            .await?
            .unwrap_or_default())
    }
    /// The firm's close rate over the trailing 12 calendar months (the current month and the 11 before it, UTC) and
    /// the scrutiny it earns. Only the firm's own users and AWS-side staff may read it; anyone else gets `NOT_FOUND`.
    async fn track_record(&self, ctx: &Context<'_>) -> Result<TrackRecord> {
        let record = loaders(ctx)?
            .track_records
            .load_one(self.0.id)
            .await?
            .ok_or_else(|| AppError::NotFound.into_graphql())?;
        Ok(TrackRecord(record))
    }
    /// The firm's history month by month, oldest first, imported and live figures merged: records submitted in a
    /// month, and records approved or rejected in it. `from` and `to` name months (any date in the month),
    /// inclusive. With a `fundingSource`, one point per month for that source; without, one point per month summed
    /// over all sources (`fundingSource` null). Months without figures have no point. Visible like `trackRecord`.
    async fn close_rate_history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first month, named by any date in it.")] from: Option<Date>,
        #[graphql(desc = "The last month, named by any date in it.")] to: Option<Date>,
        #[graphql(desc = "Only this source; null sums all.")] funding_source: Option<FundingSource>,
    ) -> Result<Vec<CloseRatePoint>> {
        let points = track_record::history(
            caller(ctx)?,
            self.0.id,
            from.map(month_of),
            to.map(month_of),
            funding_source.map(Into::into),
        )
        .await?;
        Ok(points.into_iter().map(CloseRatePoint).collect())
    }
    /// The firm's records that the viewer may see: the same paging (`first`/`after`, `last`/`before`), filter and
    /// ordering as `Query.opportunities`.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    // Each GraphQL argument is a Rust parameter: a connection with a filter and an ordering has eight.
    #[allow(clippy::too_many_arguments)]
    async fn opportunities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items from the start or `after`, 1 to 100.")] first: Option<i32>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many items from the end or `before`, 1 to 100.")] last: Option<i32>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "What every returned item must match.")] filter: Option<OpportunityFilter>,
        #[graphql(desc = "Sort order (default: oldest first).")] order_by: Option<OpportunityOrder>,
    ) -> Result<OpportunityConnection> {
        let page = PageRequest::new(first, after, last, before);
        owned_opportunity_connection(ctx, Owner::Partner(self.0.id), filter, order_by, page).await
    }
    /// When the firm was created in acegate.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
    /// When the firm's details last changed.
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
}

/// The month a `Date` argument names.
fn month_of(date: Date) -> Month {
    use chrono::Datelike;
    Month {
        year: date.0.year(),
        month: date.0.month(),
    }
}

/// Narrows a list of partner firms; every condition given must hold.
#[derive(InputObject, Default)]
pub struct PartnerFilter {
    /// Firms of any of these tiers.
    pub tier: Option<Vec<PartnerTier>>,
    /// Partners working in this region.
    pub region: Option<String>,
    /// Partners with this specialty.
    pub specialty: Option<String>,
    /// Case-insensitive substring of the name.
    pub search: Option<String>,
    /// Firms changed after this instant, for delta sync.
    pub updated_after: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<PartnerFilter> for crate::service::partners::PartnerFilter {
    fn from(f: PartnerFilter) -> Self {
        Self {
            tiers: f
                .tier
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            region: f.region,
            specialty: f.specialty,
            search: f.search,
            updated_after: f.updated_after,
        }
    }
}

/// What a list of partner firms is sorted by.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum PartnerOrderField {
    /// The firm's name (the default).
    #[default]
    Name,
    /// When the firm was created.
    CreatedAt,
}

/// How a list of partner firms is sorted; firms that tie are ordered by ID, so pages stay stable.
#[derive(InputObject, Default)]
pub struct PartnerOrder {
    /// The value to sort by.
    pub field: PartnerOrderField,
    /// Ascending (the default) or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl PartnerOrder {
    pub fn into_service(self) -> (Field, crate::service::pagination::SortDirection) {
        let field = match self.field {
            PartnerOrderField::Name => Field::Name,
            PartnerOrderField::CreatedAt => Field::CreatedAt,
        };
        (field, self.direction.into())
    }
}
