//! GraphQL mirrors of the stored enums; `remote` derives the conversions both ways so the lists cannot drift apart
//! silently (a missing variant fails to compile).

use async_graphql::Enum;
use entity::enums as stored;

/// What a user is: it decides which operations the user may call and which objects it may read.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "stored::Role")]
pub enum Role {
    /// An operator: manages users, API keys, partner firms and VC firms.
    Admin,
    /// A user of one partner firm: works with the firm's customers and files and follows the firm's records.
    Partner,
    /// A user of one VC firm: attests the funding of companies and, with Portfolio access, files ACTIVATE_PORTFOLIO
    /// records for the companies its firm attested.
    Vc,
    /// An AWS-side reviewer: reads every submitted record, reviews and decides it and issues credits, never editing
    /// a record's content.
    Reviewer,
    /// An internal analyst: reads everything except secrets and runs the aggregates of `analytics`.
    Analyst,
    /// A user of one customer company: reads its own company and its records, decisions and credits.
    Founder,
}

/// The AWS Partner Network tier of a partner firm, which decides the funding sources the firm may file.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "stored::PartnerTier")]
pub enum PartnerTier {
    /// The entry tier: may file BUILD_FOR_STARTUPS and GENAI_POC records.
    Select,
    /// May file every funding source, ACTIVATE_PORTFOLIO and MIGRATION included.
    Advanced,
    /// The top tier: may file every funding source, ACTIVATE_PORTFOLIO and MIGRATION included.
    Premier,
}

/// The standing of a VC firm, which the checklist weighs on the records the firm files itself.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "stored::VcReputation")]
pub enum VcReputation {
    /// A leading firm: its own filings pass PARTNER_TRACK_RECORD.
    #[graphql(name = "TIER_1")]
    Tier1,
    /// An established firm: its own filings pass PARTNER_TRACK_RECORD.
    #[graphql(name = "TIER_2")]
    Tier2,
    /// A young firm: its own filings get a WARN on PARTNER_TRACK_RECORD (extra scrutiny).
    Emerging,
}

/// A company's funding stage, also the round of a funding attestation. Each startup stage has a band of plausible
/// monthly AWS spend that PLAUSIBLE_SPEND compares the projection with.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "stored::FundingStage")]
pub enum FundingStage {
    /// Before any institutional round; plausible monthly AWS spend $0 to $2,000.
    PreSeed,
    /// A seed round closed; plausible monthly AWS spend $500 to $8,000.
    Seed,
    /// A Series A round closed; plausible monthly AWS spend $3,000 to $15,000.
    SeriesA,
    /// A Series B round closed; plausible monthly AWS spend $10,000 to $50,000.
    SeriesB,
    /// A Series C or later round closed; plausible monthly AWS spend $25,000 to $250,000.
    SeriesCPlus,
    /// Self-funded, without institutional investors; plausible monthly AWS spend $0 to $2,000.
    Bootstrapped,
    /// An established enterprise, not a startup: it buys through private pricing, so ELIGIBLE_SEGMENT fails.
    Enterprise,
    /// A public-sector body, not a startup: it buys through private pricing, so ELIGIBLE_SEGMENT fails.
    PublicSector,
}

/// The credit programme a record is filed against; each has its own amount range, filers, credit expiry and rules.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "stored::FundingSource")]
pub enum FundingSource {
    /// Activate Portfolio: requests from $25,000 to $100,000, credits expire after 24 months. An ADVANCED or PREMIER
    /// partner files it, or a VC firm with Portfolio access that attested the customer; it needs funding evidence
    /// (FUNDING_EVIDENCE).
    ActivatePortfolio,
    /// Build for Startups: requests up to $25,000, credits expire after 12 months; a partner of any tier may file it.
    BuildForStartups,
    /// Generative-AI proof of concept: requests up to $25,000, credits expire after 12 months; a partner of any tier
    /// may file it, and its projected consumption must include BEDROCK or SAGEMAKER.
    GenaiPoc,
    /// Migration: requests up to $100,000, credits expire after 12 months; an ADVANCED or PREMIER partner files it,
    /// with engagement type MIGRATE.
    Migration,
}

/// What the funded work does with the customer's workload.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "stored::EngagementType")]
pub enum EngagementType {
    /// Builds a new workload on AWS.
    Build,
    /// Moves an existing workload to AWS; MIGRATION records need it.
    Migrate,
}

/// Who filed a record.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "stored::SubmissionPath")]
pub enum SubmissionPath {
    /// A partner firm, for a customer it works with.
    Partner,
    /// A VC firm with Portfolio access, for a company it attested (ACTIVATE_PORTFOLIO only).
    Vc,
}

/// Where a record stands in its lifecycle: DRAFT, SUBMITTED, IN_REVIEW, then APPROVED and CREDITS_ISSUED or
/// REJECTED, with ACTION_REQUIRED for a clarification and WITHDRAWN for a record its filer took back.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "stored::OpportunityStatus")]
pub enum OpportunityStatus {
    /// Being written by the filer: everything may be edited, and nothing is filed yet.
    Draft,
    /// Filed and waiting for a reviewer; nothing may be edited (withdraw instead).
    Submitted,
    /// Taken into review by a reviewer; nothing may be edited.
    InReview,
    /// The reviewer asked the filer a question: the filer may edit what a clarification touches, and its reply
    /// resubmits the record.
    ActionRequired,
    /// Approved for `awardedAmountUsd`; the credits are issued next, unless the award is $0.
    Approved,
    /// Rejected by the reviewer; final.
    Rejected,
    /// Taken back by the filer; final.
    Withdrawn,
    /// The credits were issued to the customer's AWS account; final.
    CreditsIssued,
}

/// What a reviewer decided on a record, or what the checklist recommends.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "stored::DecisionKind")]
pub enum DecisionKind {
    /// Approve the requested amount (at most the funding source's maximum).
    Approve,
    /// Approve a smaller amount than requested, within the funding source's range.
    ApproveReduced,
    /// Ask the filer a question; the record goes to ACTION_REQUIRED.
    RequestClarification,
    /// Reject the record, naming the checks the rejection rests on.
    Reject,
}

/// An AWS service, on a line of projected consumption or in an inquiry.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "stored::AwsService")]
pub enum AwsService {
    /// Amazon EC2 virtual machines.
    #[graphql(name = "EC2")]
    Ec2,
    /// Amazon Elastic Container Service.
    Ecs,
    /// Amazon Elastic Kubernetes Service.
    Eks,
    /// AWS Fargate serverless containers.
    Fargate,
    /// AWS Lambda functions.
    Lambda,
    /// Amazon RDS managed relational databases.
    Rds,
    /// Amazon Aurora databases.
    Aurora,
    /// Amazon DynamoDB key-value and document databases.
    Dynamodb,
    /// Amazon S3 object storage; a projection of only S3 and CLOUDFRONT is static hosting and fails
    /// AWS_CONSUMING_WORKLOAD.
    S3,
    /// Amazon CloudFront content delivery; a projection of only S3 and CLOUDFRONT is static hosting and fails
    /// AWS_CONSUMING_WORKLOAD.
    Cloudfront,
    /// Amazon Bedrock foundation models; a GENAI_POC projection needs it or SAGEMAKER.
    Bedrock,
    /// Amazon SageMaker machine learning; a GENAI_POC projection needs it or BEDROCK.
    Sagemaker,
    /// Amazon CloudWatch monitoring.
    Cloudwatch,
    /// AWS Elemental MediaConvert video transcoding.
    Mediaconvert,
    /// Any other AWS service.
    Other,
}

/// Sort direction of a connection.
#[derive(Enum, Copy, Clone, Debug, Default, Eq, PartialEq)]
pub enum OrderDirection {
    /// Ascending: the smallest, earliest or alphabetically first value first.
    #[default]
    Asc,
    /// Descending: the largest, latest or alphabetically last value first.
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

/// The checks of the reviewer checklist, one row each in an eligibility report.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::domain::eligibility::CheckName")]
pub enum CheckName {
    /// PASS for an incorporated company with a funding signal (an attestation or an institutional round), WARN for one
    /// without, FAIL for a company that is not incorporated.
    RealCompany,
    /// PASS for a startup stage; FAIL for ENTERPRISE and PUBLIC_SECTOR, which buy through private pricing (the FAIL
    /// refuses submission).
    EligibleSegment,
    /// FAIL when the customer's country is sanctioned (CU, IR, KP or SY), which refuses submission; PASS otherwise.
    EligibleJurisdiction,
    /// FAIL when the customer's product competes with AWS, which refuses submission; PASS otherwise.
    NotAwsCompetitor,
    /// PASS when compute, data or managed services are projected; WARN for a thin use case; FAIL for no projection
    /// or only static hosting (S3 and CloudFront).
    AwsConsumingWorkload,
    /// The projected monthly spend against the band of the customer's funding stage: PASS within or below the band,
    /// WARN above its top (reads as padding) or where no band applies, FAIL above 2 times its top.
    PlausibleSpend,
    /// ACTIVATE_PORTFOLIO records only: PASS with a live attestation from a VC firm with Portfolio access, WARN for a
    /// SEED or later stage without one, FAIL for a company without institutional funding.
    FundingEvidence,
    /// The filer's standing: PASS for a FAST_TRACK or NORMAL partner, WARN for a thin history, FAIL for a low close
    /// rate; on a VC-filed record, WARN for an EMERGING firm and PASS otherwise.
    PartnerTrackRecord,
    /// PASS with 12 or more months on AWS, WARN with fewer.
    SpendHistory,
    /// Whether the filer may file the funding source (a partner by its tier; a VC firm only ACTIVATE_PORTFOLIO, with
    /// Portfolio access, for a company it attested); a FAIL refuses submission.
    FilerRights,
    /// FAIL when another live or approved record of the customer describes the same workload (workload names that
    /// differ only in case and punctuation, or use cases with a word-trigram Jaccard similarity of 0.6 or more);
    /// approving it next to an approved twin awards $0.
    DistinctWorkload,
    /// WARN when 50% or more of the customer's AWS spend goes through AWS Marketplace (only a small portion is
    /// credit-eligible); PASS otherwise.
    MarketplaceShare,
}

/// The outcome of one check of the reviewer checklist.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::domain::eligibility::Outcome")]
pub enum CheckOutcome {
    /// The check is met.
    Pass,
    /// Met with a doubt the reviewer should weigh.
    Warn,
    /// Not met; on ELIGIBLE_SEGMENT, ELIGIBLE_JURISDICTION, NOT_AWS_COMPETITOR or FILER_RIGHTS it refuses submission.
    Fail,
}

/// What the viewer can do to a record now (derived from the lifecycle and the viewer's role).
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum OpportunityAction {
    /// Edit the record with `updateOpportunity` (the filer, in DRAFT or ACTION_REQUIRED).
    Update,
    /// Submit the DRAFT with `submitOpportunity` (the filer).
    Submit,
    /// Withdraw the record with `withdrawOpportunity` (the filer, in DRAFT, SUBMITTED or ACTION_REQUIRED).
    Withdraw,
    /// Answer the reviewer's question with `replyToClarification` (the filer, in ACTION_REQUIRED).
    Reply,
    /// Take the SUBMITTED record into review with `startReview` (a reviewer).
    StartReview,
    /// Decide on the record with `decideOpportunity` (a reviewer, in IN_REVIEW).
    Decide,
    /// Issue the awarded credits with `issueCredits` (a reviewer, on an APPROVED record with an award above $0).
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
