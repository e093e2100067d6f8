//! `Query.partnerMatches`: partner firms ranked for a company, with the reasons.

use async_graphql::{InputObject, SimpleObject};

use super::{
    enums::{AwsService, FundingSource, FundingStage},
    partner::Partner,
};
use crate::service::routing as service;

/// A company looking for a partner.
#[derive(InputObject)]
pub struct PartnerMatchInput {
    /// The company's region, one of EU, UK, US, APAC and LATAM.
    pub region: String,
    /// The funding source the company needs; firms whose tier may not file it are never returned.
    pub funding_source: FundingSource,
    /// Enterprises and the public sector are not eligible for Activate credits (`BAD_USER_INPUT`).
    pub funding_stage: FundingStage,
    /// The AWS services the company needs, at least one.
    pub services: Vec<AwsService>,
}

impl From<PartnerMatchInput> for service::MatchRequest {
    fn from(input: PartnerMatchInput) -> Self {
        Self {
            region: input.region,
            funding_source: input.funding_source.into(),
            funding_stage: input.funding_stage.into(),
            services: input.services.into_iter().map(Into::into).collect(),
        }
    }
}

/// One ranked partner firm.
#[derive(SimpleObject)]
pub struct PartnerMatch {
    /// The partner firm.
    pub partner: Partner,
    /// In [0, 1]: region 0.30, specialty coverage 0.35, close rate on the funding source 0.25, ±0.10 for a
    /// FAST_TRACK or EXTRA_SCRUTINY firm (defaults; see the operator's policy). Higher is better.
    pub score: f64,
    /// One sentence per part of the score. Exact close rates only for viewers who may read the firm's track record.
    pub reasons: Vec<String>,
}

impl From<service::PartnerMatch> for PartnerMatch {
    fn from(found: service::PartnerMatch) -> Self {
        Self {
            partner: Partner(found.partner),
            score: found.score,
            reasons: found.reasons,
        }
    }
}
