//! Inquiries: a company looking for a partner, the partner it was routed to, and the customer it became.

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};
use entity::inquiry;
use sea_orm::DatabaseConnection;

use super::{
    customer::Customer,
    dangling,
    enums::{AwsService, FundingStage},
    partner::Partner,
};
use crate::{
    error::AppError,
    graphql::{
        ids::{self, NodeType},
        loaders::Loaders,
    },
    service::{inquiries as service, partners},
};

pub struct Inquiry(pub inquiry::Model);

/// A company's request for a partner (name, stage, use case, region, services, contact), routed to the best-matching
/// partner firm. Visible to ADMIN, ANALYST and REVIEWER, to the users of the firm it is routed to, to the user who
/// submitted it signed in, and to the founders of the company it became.
#[Object]
impl Inquiry {
    /// The inquiry's global ID.
    pub async fn id(&self) -> ID {
        NodeType::Inquiry.id(self.0.id)
    }
    /// The company's name as the submitter gave it.
    async fn company_name(&self) -> &str {
        &self.0.company_name
    }
    /// The company's funding stage.
    async fn funding_stage(&self) -> FundingStage {
        self.0.funding_stage.into()
    }
    /// The company's use case in a sentence.
    async fn use_case(&self) -> &str {
        &self.0.use_case
    }
    /// The company's region, one of EU, UK, US, APAC and LATAM.
    async fn region(&self) -> &str {
        &self.0.region
    }
    /// The AWS services the company needs.
    async fn services(&self) -> Vec<AwsService> {
        service::services(&self.0)
            .into_iter()
            .map(Into::into)
            .collect()
    }
    /// Where to reach the company.
    async fn contact_email(&self) -> &str {
        &self.0.contact_email
    }
    /// The partner firm the inquiry is routed to: the best match when it was submitted, then the firm that accepted
    /// it. Null when no firm may file the funding source the company needs. Also shown to an anonymous submitter,
    /// who may read the firm's directory fields that need no sign-in (id, name, tier).
    async fn matched_partner(&self, ctx: &Context<'_>) -> Result<Option<Partner>> {
        let Some(id) = self.0.matched_partner_id else {
            return Ok(None);
        };
        let firm = match ctx.data_opt::<Loaders>() {
            Some(loaders) => loaders.partners.load_one(id).await?,
            None => partners::load_by_ids(ctx.data::<DatabaseConnection>()?, &[id])
                .await?
                .remove(&id),
        };
        Ok(Some(Partner(firm.ok_or_else(|| dangling("partner", id))?)))
    }
    /// The customer created when the inquiry was accepted; null before. Null with `NOT_FOUND` for a viewer who
    /// sees the inquiry but not the customer (whoever submitted it, once another firm took it on).
    async fn customer(&self, ctx: &Context<'_>) -> Result<Option<Customer>> {
        let (Some(id), Some(loaders)) = (self.0.customer_id, ctx.data_opt::<Loaders>()) else {
            return Ok(None);
        };
        match loaders.visible_customers.load_one(id).await? {
            Some(customer) => Ok(Some(Customer(customer))),
            None => Err(AppError::NotFound.into()),
        }
    }
    /// Whether the inquiry was accepted (its customer exists).
    async fn accepted(&self) -> bool {
        self.0.customer_id.is_some()
    }
    /// When the inquiry was submitted.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the inquiry last changed (submitted or accepted).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Narrows a list of inquiries; every condition given must hold.
#[derive(InputObject, Default)]
pub struct InquiryFilter {
    /// Case-insensitive substring of the company name.
    pub search: Option<String>,
    /// Inquiries from any of these regions.
    pub region: Option<Vec<String>>,
    /// Inquiries of companies at any of these funding stages.
    pub funding_stage: Option<Vec<FundingStage>>,
    /// Accepted inquiries (true) or those still waiting (false).
    pub accepted: Option<bool>,
    /// Inquiries routed to this partner firm.
    pub matched_partner_id: Option<ID>,
    /// Inquiries submitted after this instant (exclusive).
    pub created_after: Option<DateTime<Utc>>,
    /// Inquiries changed (submitted or accepted) after this instant, for delta sync.
    pub updated_after: Option<DateTime<Utc>>,
}

impl InquiryFilter {
    pub fn into_service(self) -> Result<service::InquiryFilter, AppError> {
        Ok(service::InquiryFilter {
            search: self.search,
            regions: self.region.unwrap_or_default(),
            funding_stages: self
                .funding_stage
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            accepted: self.accepted,
            matched_partner_id: self
                .matched_partner_id
                .map(|id| ids::expect(&id, NodeType::Partner, "filter.matchedPartnerId"))
                .transpose()?,
            created_after: self.created_after,
            updated_after: self.updated_after,
        })
    }
}
