//! GraphQL mirrors of the stored enums; `remote` derives the conversions both ways so the lists cannot drift apart
//! silently (a missing variant fails to compile).

use async_graphql::Enum;
use entity::enums as stored;

#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "stored::Role")]
pub enum Role {
    Admin,
    Partner,
    Vc,
    Reviewer,
    Analyst,
    Founder,
}

#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "stored::PartnerTier")]
pub enum PartnerTier {
    Select,
    Advanced,
    Premier,
}

#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "stored::VcReputation")]
pub enum VcReputation {
    #[graphql(name = "TIER_1")]
    Tier1,
    #[graphql(name = "TIER_2")]
    Tier2,
    Emerging,
}

#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "stored::FundingStage")]
pub enum FundingStage {
    PreSeed,
    Seed,
    SeriesA,
    SeriesB,
    SeriesCPlus,
    Bootstrapped,
    Enterprise,
    PublicSector,
}

#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "stored::FundingSource")]
pub enum FundingSource {
    ActivatePortfolio,
    BuildForStartups,
    GenaiPoc,
    Migration,
}

#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "stored::EngagementType")]
pub enum EngagementType {
    Build,
    Migrate,
}

#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "stored::SubmissionPath")]
pub enum SubmissionPath {
    Partner,
    Vc,
}

#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "stored::OpportunityStatus")]
pub enum OpportunityStatus {
    Draft,
    Submitted,
    InReview,
    ActionRequired,
    Approved,
    Rejected,
    Withdrawn,
    CreditsIssued,
}

#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "stored::DecisionKind")]
pub enum DecisionKind {
    Approve,
    ApproveReduced,
    RequestClarification,
    Reject,
}

#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "stored::AwsService")]
pub enum AwsService {
    #[graphql(name = "EC2")]
    Ec2,
    Ecs,
    Eks,
    Fargate,
    Lambda,
    Rds,
    Aurora,
    Dynamodb,
    S3,
    Cloudfront,
    Bedrock,
    Sagemaker,
    Cloudwatch,
    Mediaconvert,
    Other,
}

/// Sort direction of a connection.
#[derive(Enum, Copy, Clone, Debug, Default, Eq, PartialEq)]
pub enum OrderDirection {
    #[default]
    Asc,
    Desc,
}

impl From<OrderDirection> for crate::service::pagination::SortDirection {
    fn from(direction: OrderDirection) -> Self {
        match direction {
            OrderDirection::Asc => Self::Asc,
            OrderDirection::Desc => Self::Desc,
        }
    }
}

/// The rows of the reviewer checklist (DESIGN.md §5).
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::domain::eligibility::CheckName")]
pub enum CheckName {
    RealCompany,
    EligibleSegment,
    EligibleJurisdiction,
    NotAwsCompetitor,
    AwsConsumingWorkload,
    PlausibleSpend,
    FundingEvidence,
    PartnerTrackRecord,
    SpendHistory,
    FilerRights,
    DistinctWorkload,
    MarketplaceShare,
}

#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::domain::eligibility::Outcome")]
pub enum CheckOutcome {
    Pass,
    Warn,
    Fail,
}

/// What the viewer can do to a record now (derived from the lifecycle and the viewer's role).
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum OpportunityAction {
    Update,
    Submit,
    Withdraw,
    Reply,
    StartReview,
    Decide,
    IssueCredits,
}

impl From<crate::domain::lifecycle::Action> for OpportunityAction {
    fn from(action: crate::domain::lifecycle::Action) -> Self {
        use crate::domain::lifecycle::Action as A;
        match action {
            A::Update => Self::Update,
            A::Submit => Self::Submit,
            A::Withdraw => Self::Withdraw,
            A::Reply => Self::Reply,
            A::StartReview => Self::StartReview,
            A::Decide(_) => Self::Decide,
            A::IssueCredits => Self::IssueCredits,
        }
    }
}
