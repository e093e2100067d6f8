//! Closed value sets stored as text columns.
//!
//! Every enum is stored as its SCREAMING_SNAKE string (`string_value`), serialises
//! to the same string through serde, and returns it from `as_str()`. The
//! migrations add a CHECK constraint listing the same values on every column
//! that holds one of these enums, so keep both in step when adding a variant
//! (a new variant needs a migration that widens the CHECK).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Who a user is: decides which API surface and which rows they can reach.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    #[sea_orm(string_value = "PARTNER")]
    Partner,
    #[sea_orm(string_value = "VC")]
    Vc,
    #[sea_orm(string_value = "REVIEWER")]
    Reviewer,
    #[sea_orm(string_value = "ANALYST")]
    Analyst,
    #[sea_orm(string_value = "FOUNDER")]
    Founder,
}

impl Role {
    /// The stored (and serialised) string of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Admin => "ADMIN",
            Self::Partner => "PARTNER",
            Self::Vc => "VC",
            Self::Reviewer => "REVIEWER",
            Self::Analyst => "ANALYST",
            Self::Founder => "FOUNDER",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// AWS Partner Network tier of a consulting partner.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PartnerTier {
    #[sea_orm(string_value = "SELECT")]
    Select,
    #[sea_orm(string_value = "ADVANCED")]
    Advanced,
    #[sea_orm(string_value = "PREMIER")]
    Premier,
}

impl PartnerTier {
    /// The stored (and serialised) string of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Select => "SELECT",
            Self::Advanced => "ADVANCED",
            Self::Premier => "PREMIER",
        }
    }
}

impl std::fmt::Display for PartnerTier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reputation tier of a venture-capital firm.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VcReputation {
    #[sea_orm(string_value = "TIER_1")]
    #[serde(rename = "TIER_1")]
    Tier1,
    #[sea_orm(string_value = "TIER_2")]
    #[serde(rename = "TIER_2")]
    Tier2,
    #[sea_orm(string_value = "EMERGING")]
    Emerging,
}

impl VcReputation {
    /// The stored (and serialised) string of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Tier1 => "TIER_1",
            Self::Tier2 => "TIER_2",
            Self::Emerging => "EMERGING",
        }
    }
}

impl std::fmt::Display for VcReputation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Funding stage of a customer (also the round of a funding attestation).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FundingStage {
    #[sea_orm(string_value = "PRE_SEED")]
    PreSeed,
    #[sea_orm(string_value = "SEED")]
    Seed,
    #[sea_orm(string_value = "SERIES_A")]
    SeriesA,
    #[sea_orm(string_value = "SERIES_B")]
    SeriesB,
    #[sea_orm(string_value = "SERIES_C_PLUS")]
    SeriesCPlus,
    #[sea_orm(string_value = "BOOTSTRAPPED")]
    Bootstrapped,
    #[sea_orm(string_value = "ENTERPRISE")]
    Enterprise,
    #[sea_orm(string_value = "PUBLIC_SECTOR")]
    PublicSector,
}

impl FundingStage {
    /// The stored (and serialised) string of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::PreSeed => "PRE_SEED",
            Self::Seed => "SEED",
            Self::SeriesA => "SERIES_A",
            Self::SeriesB => "SERIES_B",
            Self::SeriesCPlus => "SERIES_C_PLUS",
            Self::Bootstrapped => "BOOTSTRAPPED",
            Self::Enterprise => "ENTERPRISE",
            Self::PublicSector => "PUBLIC_SECTOR",
        }
    }
}

impl std::fmt::Display for FundingStage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Credit programme an opportunity draws from.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FundingSource {
    #[sea_orm(string_value = "ACTIVATE_PORTFOLIO")]
    ActivatePortfolio,
    #[sea_orm(string_value = "BUILD_FOR_STARTUPS")]
    BuildForStartups,
    #[sea_orm(string_value = "GENAI_POC")]
    GenaiPoc,
    #[sea_orm(string_value = "MIGRATION")]
    Migration,
}

impl FundingSource {
    /// The stored (and serialised) string of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::ActivatePortfolio => "ACTIVATE_PORTFOLIO",
            Self::BuildForStartups => "BUILD_FOR_STARTUPS",
            Self::GenaiPoc => "GENAI_POC",
            Self::Migration => "MIGRATION",
        }
    }
}

impl std::fmt::Display for FundingSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether the funded work builds something new or migrates an existing workload.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EngagementType {
    #[sea_orm(string_value = "BUILD")]
    Build,
    #[sea_orm(string_value = "MIGRATE")]
    Migrate,
}

impl EngagementType {
    /// The stored (and serialised) string of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Build => "BUILD",
            Self::Migrate => "MIGRATE",
        }
    }
}

impl std::fmt::Display for EngagementType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who filed an opportunity: a consulting partner or a VC firm.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SubmissionPath {
    #[sea_orm(string_value = "PARTNER")]
    Partner,
    #[sea_orm(string_value = "VC")]
    Vc,
}

impl SubmissionPath {
    /// The stored (and serialised) string of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Partner => "PARTNER",
            Self::Vc => "VC",
        }
    }
}

impl std::fmt::Display for SubmissionPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lifecycle state of an opportunity.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OpportunityStatus {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "SUBMITTED")]
    Submitted,
    #[sea_orm(string_value = "IN_REVIEW")]
    InReview,
    #[sea_orm(string_value = "ACTION_REQUIRED")]
    ActionRequired,
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
    #[sea_orm(string_value = "WITHDRAWN")]
    Withdrawn,
    #[sea_orm(string_value = "CREDITS_ISSUED")]
    CreditsIssued,
}

impl OpportunityStatus {
    /// The stored (and serialised) string of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Draft => "DRAFT",
            Self::Submitted => "SUBMITTED",
            Self::InReview => "IN_REVIEW",
            Self::ActionRequired => "ACTION_REQUIRED",
            Self::Approved => "APPROVED",
            Self::Rejected => "REJECTED",
            Self::Withdrawn => "WITHDRAWN",
            Self::CreditsIssued => "CREDITS_ISSUED",
        }
    }
}

impl std::fmt::Display for OpportunityStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a reviewer decided on an opportunity.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DecisionKind {
    #[sea_orm(string_value = "APPROVE")]
    Approve,
    #[sea_orm(string_value = "APPROVE_REDUCED")]
    ApproveReduced,
    #[sea_orm(string_value = "REQUEST_CLARIFICATION")]
    RequestClarification,
    #[sea_orm(string_value = "REJECT")]
    Reject,
}

impl DecisionKind {
    /// The stored (and serialised) string of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Approve => "APPROVE",
            Self::ApproveReduced => "APPROVE_REDUCED",
            Self::RequestClarification => "REQUEST_CLARIFICATION",
            Self::Reject => "REJECT",
        }
    }
}

impl std::fmt::Display for DecisionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// AWS service named on a consumption line or an inquiry.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AwsService {
    #[sea_orm(string_value = "EC2")]
    Ec2,
    #[sea_orm(string_value = "ECS")]
    Ecs,
    #[sea_orm(string_value = "EKS")]
    Eks,
    #[sea_orm(string_value = "FARGATE")]
    Fargate,
    #[sea_orm(string_value = "LAMBDA")]
    Lambda,
    #[sea_orm(string_value = "RDS")]
    Rds,
    #[sea_orm(string_value = "AURORA")]
    Aurora,
    #[sea_orm(string_value = "DYNAMODB")]
    Dynamodb,
    #[sea_orm(string_value = "S3")]
    S3,
    #[sea_orm(string_value = "CLOUDFRONT")]
    Cloudfront,
    #[sea_orm(string_value = "BEDROCK")]
    Bedrock,
    #[sea_orm(string_value = "SAGEMAKER")]
    Sagemaker,
    #[sea_orm(string_value = "CLOUDWATCH")]
    Cloudwatch,
    #[sea_orm(string_value = "MEDIACONVERT")]
    Mediaconvert,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

impl AwsService {
    /// The stored (and serialised) string of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Ec2 => "EC2",
            Self::Ecs => "ECS",
            Self::Eks => "EKS",
            Self::Fargate => "FARGATE",
            Self::Lambda => "LAMBDA",
            Self::Rds => "RDS",
            Self::Aurora => "AURORA",
            Self::Dynamodb => "DYNAMODB",
            Self::S3 => "S3",
            Self::Cloudfront => "CLOUDFRONT",
            Self::Bedrock => "BEDROCK",
            Self::Sagemaker => "SAGEMAKER",
            Self::Cloudwatch => "CLOUDWATCH",
            Self::Mediaconvert => "MEDIACONVERT",
            Self::Other => "OTHER",
        }
    }
}

impl std::fmt::Display for AwsService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
