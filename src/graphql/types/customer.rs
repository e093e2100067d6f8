use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};
use entity::customer;

use super::{
    enums::{FundingStage, OrderDirection},
    opportunity::{
        CreditGrant, OpportunityConnection, OpportunityFilter, OpportunityOrder, Owner,
        owned_opportunity_connection,
    },
    vc_firm::FundingAttestation,
};
use crate::{
    graphql::{context::loaders, ids::NodeType},
    service::{
        customers::{self as service, CustomerOrderField as Field},
        pagination::{PageRequest, SortDirection},
    },
};

pub struct Customer(pub customer::Model);

/// A startup that credits are filed for. Credits attach to its 12-digit AWS account ID.
#[Object]
impl Customer {
    /// The customer's global ID.
    pub async fn id(&self) -> ID {
        NodeType::Customer.id(self.0.id)
    }
    /// The company's registered legal name.
    async fn legal_name(&self) -> &str {
        &self.0.legal_name
    }
    /// The company's website, an http(s) URL.
    async fn website(&self) -> &str {
        &self.0.website
    }
    /// The company's AWS account ID, exactly 12 digits, which credits attach to.
    async fn aws_account_id(&self) -> &str {
        &self.0.aws_account_id
    }
    /// The company's country, as an ISO 3166-1 alpha-2 code.
    async fn country(&self) -> &str {
        &self.0.country
    }
    /// Whether the company is incorporated; REAL_COMPANY fails when it is not.
    async fn incorporated(&self) -> bool {
        self.0.incorporated
    }
    /// The company's current funding stage.
    async fn funding_stage(&self) -> FundingStage {
        self.0.funding_stage.into()
    }
    /// How many engineers the company employs.
    async fn engineer_count(&self) -> i32 {
        self.0.engineer_count
    }
    /// How many months the company has run on AWS; SPEND_HISTORY passes from 12.
    async fn months_on_aws(&self) -> i32 {
        self.0.months_on_aws
    }
    /// The company's current monthly AWS spend, in whole US dollars.
    async fn monthly_aws_spend_usd(&self) -> i64 {
        self.0.monthly_aws_spend_usd
    }
    /// Share of AWS spend billed through AWS Marketplace, 0 to 1.
    async fn marketplace_spend_share(&self) -> f64 {
        self.0.marketplace_spend_share
    }
    /// Whether the company's product competes with AWS; NOT_AWS_COMPETITOR fails when it does.
    async fn competes_with_aws(&self) -> bool {
        self.0.competes_with_aws
    }
    /// Self-serve credit received earlier (e.g. the $5K Founders tier); superseded by a Portfolio award.
    async fn self_serve_credit_usd(&self) -> i64 {
        self.0.self_serve_credit_usd
    }
    /// Funding attestations by VC firms that the viewer may see, oldest first.
    async fn attestations(&self, ctx: &Context<'_>) -> Result<Vec<FundingAttestation>> {
        let rows = loaders(ctx)?
            .attestations_by_customer
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(FundingAttestation).collect())
    }
    /// The customer's records that the viewer may see: the same paging (`first`/`after`, `last`/`before`), filter and
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
        owned_opportunity_connection(ctx, Owner::Customer(self.0.id), filter, order_by, page).await
    }
    /// Credit grants of the records the viewer may see, oldest first.
    async fn credit_grants(&self, ctx: &Context<'_>) -> Result<Vec<CreditGrant>> {
        let grants = loaders(ctx)?
            .grants_by_customer
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(grants
            .into_iter()
            .map(|(grant, _)| CreditGrant(grant))
            .collect())
    }
    /// Unexpired credits of the grants the viewer may see, plus the self-serve credit unless a Portfolio award
    /// superseded it.
    async fn total_credits_usd(&self, ctx: &Context<'_>) -> Result<i64> {
        let grants = loaders(ctx)?
            .grants_by_customer
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(service::total_credits_usd(
            &self.0,
            &grants,
            crate::time::now(),
        ))
    }
    /// When the customer was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the customer's details last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Narrows a list of customers; every condition given must hold.
#[derive(InputObject, Default)]
pub struct CustomerFilter {
    /// Case-insensitive substring of the legal name, or an exact AWS account ID.
    pub search: Option<String>,
    /// Customers in any of these countries (ISO 3166-1 alpha-2 codes, in any case).
    pub country: Option<Vec<String>>,
    /// Customers at any of these funding stages.
    pub funding_stage: Option<Vec<FundingStage>>,
    /// Customers created after this instant (exclusive).
    pub created_after: Option<DateTime<Utc>>,
    /// Customers changed after this instant, for delta sync.
    pub updated_after: Option<DateTime<Utc>>,
}

impl From<CustomerFilter> for service::CustomerFilter {
    fn from(f: CustomerFilter) -> Self {
        Self {
            search: f.search,
            countries: f.country.unwrap_or_default(),
            funding_stages: f
                .funding_stage
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            created_after: f.created_after,
            updated_after: f.updated_after,
        }
    }
}

/// What a list of customers is sorted by.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum CustomerOrderField {
    /// The legal name.
    LegalName,
    /// When the customer was created (the default).
    #[default]
    CreatedAt,
    /// When the customer's details last changed.
    UpdatedAt,
}

/// How a list of customers is sorted; customers that tie are ordered by ID, so pages stay stable.
#[derive(InputObject, Default)]
pub struct CustomerOrder {
    /// The value to sort by.
    pub field: CustomerOrderField,
    /// Ascending (the default) or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl CustomerOrder {
    pub fn into_service(self) -> (Field, SortDirection) {
        let field = match self.field {
            CustomerOrderField::LegalName => Field::LegalName,
            CustomerOrderField::CreatedAt => Field::CreatedAt,
            CustomerOrderField::UpdatedAt => Field::UpdatedAt,
        };
        (field, self.direction.into())
    }
}

pub struct CustomerLookup(pub crate::service::vc_firms::CustomerLookup);

/// What a VC learns of a company before attesting it: its ID and legal name, nothing else.
#[Object]
impl CustomerLookup {
    /// The customer's global ID, to name it in `attestFunding`.
    async fn id(&self) -> ID {
        NodeType::Customer.id(self.0.id)
    }
    /// The company's registered legal name.
    async fn legal_name(&self) -> &str {
        &self.0.legal_name
    }
}
