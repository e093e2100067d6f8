use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::partner;

use super::{
    enums::{OrderDirection, PartnerTier},
    opportunity::{OpportunityConnection, OpportunityFilter, opportunity_connection},
};
use crate::{
    graphql::{context::loaders, ids::NodeType},
    service::{pagination::PageRequest, partners::PartnerOrderField as Field},
};

/// An AWS partner firm (Select, Advanced or Premier tier) that files records for its customers.
pub struct Partner(pub partner::Model);

#[Object]
impl Partner {
    pub async fn id(&self) -> ID {
        NodeType::Partner.id(self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
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
    /// The firm's records that the viewer may see.
    async fn opportunities(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<OpportunityFilter>,
    ) -> Result<OpportunityConnection> {
        let mut filter = filter
            .map(|f| f.into_service())
            .transpose()?
            .unwrap_or_default();
        filter.partner_id = Some(self.0.id);
        opportunity_connection(ctx, filter, None, PageRequest::forward(first, after)).await
    }
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
}

#[derive(InputObject, Default)]
pub struct PartnerFilter {
    pub tier: Option<Vec<PartnerTier>>,
    /// Partners working in this region.
    pub region: Option<String>,
    /// Partners with this specialty.
    pub specialty: Option<String>,
    /// Case-insensitive substring of the name.
    pub search: Option<String>,
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
        }
    }
}

#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum PartnerOrderField {
    #[default]
    Name,
    CreatedAt,
}

#[derive(InputObject, Default)]
pub struct PartnerOrder {
    pub field: PartnerOrderField,
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
