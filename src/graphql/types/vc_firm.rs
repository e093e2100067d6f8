use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::{funding_attestation, vc_firm};

use super::{
    customer::Customer,
    dangling,
    enums::{FundingStage, VcReputation},
    scalars::Date,
    user::User,
};
use crate::{
    auth::Actor,
    error::AppError,
    graphql::{
        connection::{ConnectionTotals, PagedConnection, connection},
        context::{caller, loaders},
        ids::NodeType,
    },
    service::{pagination::PageRequest, vc_firms as service},
};

pub struct VcFirm(pub vc_firm::Model);

/// A venture firm that attests the funding of its portfolio companies.
#[Object]
impl VcFirm {
    /// The firm's global ID.
    pub async fn id(&self) -> ID {
        NodeType::VcFirm.id(self.0.id)
    }
    /// The firm's name, unique among VC firms.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Whether the firm is in the Activate Portfolio Sub-Program (may file Portfolio records itself).
    async fn portfolio_access(&self) -> bool {
        self.0.portfolio_access
    }
    /// The firm's standing, which the checklist weighs on the records it files itself.
    async fn reputation(&self) -> VcReputation {
        self.0.reputation.into()
    }
    /// The firm's attestations that the viewer may see, newest first; paged forward (`first`/`after`) or backward
    /// (`last`/`before`) like every connection.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn attestations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items from the start or `after`, 1 to 100.")] first: Option<i32>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many items from the end or `before`, 1 to 100.")] last: Option<i32>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
    ) -> Result<PagedConnection<FundingAttestation>> {
        let caller = caller(ctx)?.clone();
        let firm = self.0.id;
        let request = PageRequest::new(first, after, last, before);
        let page = service::attestations(&caller, firm, &request).await?;
        let totals = ConnectionTotals::new(move || {
            let caller = caller.clone();
            async move { service::count_attestations(&caller, firm).await }
        });
        Ok(connection(page, FundingAttestation, totals))
    }
    /// When the firm was created in acegate.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

pub struct FundingAttestation(pub funding_attestation::Model);

/// A VC firm's statement that a customer closed a funding round. Revoked, never deleted.
#[Object]
impl FundingAttestation {
    /// The attestation's global ID.
    pub async fn id(&self) -> ID {
        NodeType::FundingAttestation.id(self.0.id)
    }
    /// The VC firm that attests the round.
    async fn vc_firm(&self, ctx: &Context<'_>) -> Result<VcFirm> {
        let id = self.0.vc_firm_id;
        Ok(VcFirm(
            loaders(ctx)?
                .vc_firms
                .load_one(id)
                .await?
                .ok_or_else(|| dangling("VC firm", id))?,
        ))
    }
    /// The company attested. Null (with `NOT_FOUND`) where the viewer no longer sees it: a VC firm's revoked
    /// attestation of a company it neither attests otherwise nor filed for.
    async fn customer(&self, ctx: &Context<'_>) -> Result<Option<Customer>> {
        let id = self.0.customer_id;
        // The firm's live attestation is its view of the company; a revoked one is only its own history.
        if self.0.revoked_at.is_some() && matches!(caller(ctx)?.principal.actor, Actor::Vc { .. }) {
            return match loaders(ctx)?.visible_customers.load_one(id).await? {
                Some(customer) => Ok(Some(Customer(customer))),
                None => Err(AppError::NotFound.into()),
            };
        }
        Ok(Some(Customer(
            loaders(ctx)?
                .customers
                .load_one(id)
                .await?
                .ok_or_else(|| dangling("customer", id))?,
        )))
    }
    /// The funding round closed, as a funding stage.
    async fn round(&self) -> FundingStage {
        self.0.round.into()
    }
    /// The amount raised in the round, in whole US dollars.
    async fn amount_usd(&self) -> i64 {
        self.0.amount_usd
    }
    /// The day the round closed.
    async fn closed_on(&self) -> Date {
        Date(self.0.closed_on)
    }
    /// The user of the VC firm who attested the round.
    async fn attested_by(&self, ctx: &Context<'_>) -> Result<User> {
        let id = self.0.attested_by_user_id;
        Ok(User(
            loaders(ctx)?
                .users
                .load_one(id)
                .await?
                .ok_or_else(|| dangling("user", id))?,
        ))
    }
    /// When the attestation was made.
    async fn attested_at(&self) -> DateTime<Utc> {
        self.0.attested_at
    }
    /// When the attestation was revoked; null while it stands.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
    /// Why the attestation was revoked; null while it stands.
    async fn revocation_reason(&self) -> Option<&str> {
        self.0.revocation_reason.as_deref()
    }
}

/// Narrows a list of VC firms; every condition given must hold.
#[derive(async_graphql::InputObject, Default)]
pub struct VcFirmFilter {
    /// Case-insensitive substring of the name.
    pub search: Option<String>,
    /// Firms in (true) or outside (false) the Activate Portfolio Sub-Program.
    pub portfolio_access: Option<bool>,
    /// Firms of any of these reputations.
    pub reputation: Option<Vec<VcReputation>>,
    /// Firms changed after this instant, for delta sync.
    pub updated_after: Option<DateTime<Utc>>,
}

impl From<VcFirmFilter> for service::VcFirmFilter {
    fn from(f: VcFirmFilter) -> Self {
        Self {
            search: f.search,
            portfolio_access: f.portfolio_access,
            reputations: f
                .reputation
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            updated_after: f.updated_after,
        }
    }
}
