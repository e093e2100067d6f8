//! Filing and reviewing opportunity records.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};

use crate::{
    domain::lifecycle,
    error::{AppError, UserError, payload_parts},
    graphql::{
        context::caller,
        ids::{self, NodeType},
        types::{
            enums::{
                AwsService, CheckName, CheckOutcome, DecisionKind, EngagementType, FundingSource,
                OpportunityStatus,
            },
            opportunity::{CheckResult, CreditGrant, EligibilityReport, Opportunity},
        },
    },
    service::{
        review::{self, Decision},
        workflow::{self, NewOpportunity, OpportunityChanges, Submission},
    },
};

/// One line of projected consumption: an AWS service and its monthly spend.
#[derive(InputObject, Clone)]
pub struct ConsumptionLineInput {
    /// The AWS service.
    pub service: AwsService,
    /// Projected monthly spend on the service, in whole US dollars.
    pub monthly_usd: i64,
}

fn lines(input: Vec<ConsumptionLineInput>) -> Vec<(entity::enums::AwsService, i64)> {
    input
        .into_iter()
        .map(|l| (l.service.into(), l.monthly_usd))
        .collect()
}

/// A new DRAFT record, for a customer the filer works with.
#[derive(InputObject)]
pub struct CreateOpportunityInput {
    /// The customer the credits are for.
    pub customer_id: ID,
    /// The credit programme to file against; the filer's tier (or VC firm's access) must allow it.
    pub funding_source: FundingSource,
    /// Whether the work builds a new workload or migrates one; MIGRATION needs MIGRATE.
    pub engagement_type: EngagementType,
    /// The name of the funded workload, at most 200 characters.
    pub workload_name: String,
    /// The free text a reviewer reads, at most 10,000 characters.
    pub use_case: String,
    /// What the filer will do for the customer, at most 10,000 characters.
    pub scope_of_work: String,
    /// The AWS services the workload is projected to use, 1 to 30 lines.
    pub projected_consumption: Vec<ConsumptionLineInput>,
    /// Estimated annual deal size after credits, in whole US dollars.
    pub estimated_annual_deal_usd: i64,
    /// The credits requested, in whole US dollars, within the funding source's range.
    pub requested_amount_usd: i64,
    /// The filer's own CRM reference (up to 64 characters).
    pub partner_reference: Option<String>,
    /// A retry with the same key and input returns the first record; another input with the key is a CONFLICT.
    pub idempotency_key: Option<String>,
}

/// A partial update: omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateOpportunityInput {
    /// The record to edit.
    pub id: ID,
    /// The record's `version` as last read; another version is a `CONFLICT`.
    pub expected_version: i32,
    /// A new funding source (DRAFT only).
    pub funding_source: Option<FundingSource>,
    /// A new engagement type (DRAFT only).
    pub engagement_type: Option<EngagementType>,
    /// A new workload name, at most 200 characters (DRAFT only).
    pub workload_name: Option<String>,
    /// A new use case, at most 10,000 characters.
    pub use_case: Option<String>,
    /// A new scope of work, at most 10,000 characters.
    pub scope_of_work: Option<String>,
    /// New projected consumption, 1 to 30 lines, replacing all the lines.
    pub projected_consumption: Option<Vec<ConsumptionLineInput>>,
    /// A new estimated annual deal size, in whole US dollars.
    pub estimated_annual_deal_usd: Option<i64>,
    /// A new requested amount, in whole US dollars, within the funding source's range.
    pub requested_amount_usd: Option<i64>,
    /// A new CRM reference of the filer, up to 64 characters; null clears it (DRAFT only).
    pub partner_reference: MaybeUndefined<String>,
    /// The customer's website, which a clarification may ask to correct.
    pub customer_website: Option<String>,
}

/// A DRAFT to submit for review.
#[derive(InputObject)]
pub struct SubmitOpportunityInput {
    /// The record to submit.
    pub id: ID,
    /// The record's `version` as last read; another version is a `CONFLICT`.
    pub expected_version: i32,
    /// Check everything and return the eligibility report and userErrors, changing nothing.
    pub dry_run: Option<bool>,
}

/// A record its filer takes back.
#[derive(InputObject)]
pub struct WithdrawOpportunityInput {
    /// The record to withdraw.
    pub id: ID,
    /// The record's `version` as last read; another version is a `CONFLICT`.
    pub expected_version: i32,
}

/// The filer's answer to a clarification request.
#[derive(InputObject)]
pub struct ReplyToClarificationInput {
    /// The record in ACTION_REQUIRED.
    pub id: ID,
    /// The record's `version` as last read; another version is a `CONFLICT`.
    pub expected_version: i32,
    /// The answer to the reviewer's question; the record goes back to SUBMITTED.
    pub body: String,
}

/// A SUBMITTED record a reviewer takes into review.
#[derive(InputObject)]
pub struct StartReviewInput {
    /// The record to review.
    pub id: ID,
    /// The record's `version` as last read; another version is a `CONFLICT`.
    pub expected_version: i32,
}

/// A reviewer's decision on a record in review.
#[derive(InputObject)]
pub struct DecideOpportunityInput {
    /// The record in IN_REVIEW.
    pub id: ID,
    /// The record's `version` as last read; another version is a `CONFLICT`.
    pub expected_version: i32,
    /// What the reviewer decides.
    pub decision: DecisionKind,
    /// The reduced award, for APPROVE_REDUCED.
    pub amount_usd: Option<i64>,
    /// The checks a rejection (or any decision) rests on.
    pub reasons: Option<Vec<CheckName>>,
    /// The reviewer's note; for REQUEST_CLARIFICATION, the question to the filer.
    pub comment: Option<String>,
}

/// An APPROVED record whose credits to issue.
#[derive(InputObject)]
pub struct IssueCreditsInput {
    /// The APPROVED record.
    pub opportunity_id: ID,
    /// The version of the record the reviewer saw; when given, a record changed since is a `CONFLICT`.
    pub expected_version: Option<i32>,
    /// A retry with the same key and input returns the first grant; the key with another input is a `CONFLICT`.
    pub idempotency_key: Option<String>,
}

/// The result of a change to a record.
#[derive(SimpleObject)]
pub struct OpportunityPayload {
    /// The record after the change; a refused or dry-run submission returns it unchanged, other refused changes null.
    pub opportunity: Option<Opportunity>,
    /// Why the input was refused, one entry per problem; when any is present, nothing changed.
    pub user_errors: Vec<UserError>,
    /// What the submission would do; set only by `submitOpportunity` with `dryRun: true` on a record that may be submitted now, and null when the record cannot be submitted at all (not a DRAFT, or a stale `expectedVersion`).
    pub dry_run: Option<SubmissionPreview>,
}

/// The outcome a submission would have, computed as a real submission computes it.
#[derive(SimpleObject)]
pub struct SubmissionPreview {
    /// Whether the submission would be accepted; when it would not, `userErrors` say why.
    pub would_submit: bool,
    /// The status the record would reach: SUBMITTED when accepted, its current status when refused.
    pub status_after: OpportunityStatus,
    /// The checks that would pass with a warning, for the reviewer to weigh.
    pub warnings: Vec<CheckResult>,
    /// The checks that would fail; those that block a submission are also in `userErrors`.
    pub failures: Vec<CheckResult>,
    /// The decision the filer's own eligibility report recommends (weighing only what the filer may read, so the reviewer's may differ).
    pub recommended_decision: DecisionKind,
    /// The amount the filer's own eligibility report recommends, in whole US dollars.
    pub recommended_amount_usd: i64,
}

impl SubmissionPreview {
    fn of(submission: &Submission) -> Self {
        let report = EligibilityReport::from(submission.report.clone());
        let would_submit = submission.errors.is_empty();
        let status_after = if would_submit {
            lifecycle::next_status(submission.record.status, lifecycle::Action::Submit)
                .unwrap_or(submission.record.status)
        } else {
            submission.record.status
        };
        let (warnings, failures) = report
            .checks
            .into_iter()
            .filter(|c| c.outcome != CheckOutcome::Pass)
            .partition(|c| c.outcome == CheckOutcome::Warn);
        Self {
            would_submit,
            status_after: status_after.into(),
            warnings,
            failures,
            recommended_decision: report.recommended_decision,
            recommended_amount_usd: report.recommended_amount_usd,
        }
    }
}

/// The result of `issueCredits`.
#[derive(SimpleObject)]
pub struct IssueCreditsPayload {
    /// The grant issued; null when the input was refused.
    pub credit_grant: Option<CreditGrant>,
    /// Why the input was refused, one entry per problem; when any is present, nothing changed.
    pub user_errors: Vec<UserError>,
}

fn record_payload(
    result: Result<entity::opportunity::Model, AppError>,
) -> Result<OpportunityPayload> {
    let (record, user_errors) = payload_parts(result)?;
    Ok(OpportunityPayload {
        opportunity: record.map(Opportunity),
        user_errors,
        dry_run: None,
    })
}

/// A submission always returns the record, so that a refused or dry-run submission still shows its eligibility;
/// a dry run also says what the submission would do.
fn submission_payload(
    result: Result<Submission, AppError>,
    dry_run: bool,
) -> Result<OpportunityPayload> {
    match payload_parts(result)? {
        (Some(submission), _) => Ok(OpportunityPayload {
            dry_run: dry_run.then(|| SubmissionPreview::of(&submission)),
            opportunity: Some(Opportunity(submission.record)),
            user_errors: submission.errors,
        }),
        (None, user_errors) => Ok(OpportunityPayload {
            opportunity: None,
            user_errors,
            dry_run: None,
        }),
    }
}

fn record_id(id: &ID, field: &str) -> Result<i64> {
    Ok(ids::expect(id, NodeType::Opportunity, field)?)
}

#[derive(Default)]
pub struct OpportunityMutation;

#[Object]
impl OpportunityMutation {
    /// Creates a DRAFT record for a customer the filer works with.
    async fn create_opportunity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record to create.")] input: CreateOpportunityInput,
    ) -> Result<OpportunityPayload> {
        let caller = caller(ctx)?;
        let new = NewOpportunity {
            customer_id: ids::expect(&input.customer_id, NodeType::Customer, "input.customerId")?,
            funding_source: input.funding_source.into(),
            engagement_type: input.engagement_type.into(),
            workload_name: input.workload_name,
            use_case: input.use_case,
            scope_of_work: input.scope_of_work,
            consumption: lines(input.projected_consumption),
            estimated_annual_deal_usd: input.estimated_annual_deal_usd,
            requested_amount_usd: input.requested_amount_usd,
            partner_reference: input.partner_reference,
        };
        record_payload(workflow::create(caller, new, input.idempotency_key.as_deref()).await)
    }

    /// Edits a DRAFT (anything) or an ACTION_REQUIRED record (what a clarification may touch).
    async fn update_opportunity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record and the fields to change.")] input: UpdateOpportunityInput,
    ) -> Result<OpportunityPayload> {
        let caller = caller(ctx)?;
        let id = record_id(&input.id, "input.id")?;
        let changes = OpportunityChanges {
            funding_source: input.funding_source.map(Into::into),
            engagement_type: input.engagement_type.map(Into::into),
            workload_name: input.workload_name,
            use_case: input.use_case,
            scope_of_work: input.scope_of_work,
            consumption: input.projected_consumption.map(lines),
            estimated_annual_deal_usd: input.estimated_annual_deal_usd,
            requested_amount_usd: input.requested_amount_usd,
            partner_reference: match input.partner_reference {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(v) => Some(Some(v)),
            },
            customer_website: input.customer_website,
        };
        record_payload(workflow::update(caller, id, input.expected_version, changes).await)
    }

    /// Submits a DRAFT for review; `dryRun` only checks. A hard checklist failure refuses it, naming the check.
    async fn submit_opportunity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record to submit.")] input: SubmitOpportunityInput,
    ) -> Result<OpportunityPayload> {
        let caller = caller(ctx)?;
        let id = record_id(&input.id, "input.id")?;
        let dry_run = input.dry_run.unwrap_or(false);
        submission_payload(
            workflow::submit(caller, id, input.expected_version, dry_run).await,
            dry_run,
        )
    }

    /// Withdraws a DRAFT, SUBMITTED or ACTION_REQUIRED record; final.
    async fn withdraw_opportunity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record to withdraw.")] input: WithdrawOpportunityInput,
    ) -> Result<OpportunityPayload> {
        let caller = caller(ctx)?;
        let id = record_id(&input.id, "input.id")?;
        record_payload(workflow::withdraw(caller, id, input.expected_version).await)
    }

    /// Answers a clarification request and resubmits the record.
    async fn reply_to_clarification(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record and the answer.")] input: ReplyToClarificationInput,
    ) -> Result<OpportunityPayload> {
        let caller = caller(ctx)?;
        let id = record_id(&input.id, "input.id")?;
        submission_payload(
            workflow::reply(caller, id, input.expected_version, &input.body).await,
            false,
        )
    }

    /// REVIEWER: takes a SUBMITTED record into review.
    async fn start_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record to review.")] input: StartReviewInput,
    ) -> Result<OpportunityPayload> {
        let caller = caller(ctx)?;
        let id = record_id(&input.id, "input.id")?;
        record_payload(review::start_review(caller, id, input.expected_version).await)
    }

    /// REVIEWER: approves (in full or reduced), asks for clarification, or rejects.
    async fn decide_opportunity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record and the decision.")] input: DecideOpportunityInput,
    ) -> Result<OpportunityPayload> {
        let caller = caller(ctx)?;
        let id = record_id(&input.id, "input.id")?;
        let decision = Decision {
            kind: input.decision.into(),
            amount_usd: input.amount_usd,
            reasons: input
                .reasons
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            comment: input.comment,
        };
        record_payload(review::decide(caller, id, input.expected_version, decision).await)
    }

    /// REVIEWER: issues the awarded credits of an APPROVED record to the customer's AWS account.
    async fn issue_credits(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record whose credits to issue.")] input: IssueCreditsInput,
    ) -> Result<IssueCreditsPayload> {
        let caller = caller(ctx)?;
        let id = record_id(&input.opportunity_id, "input.opportunityId")?;
        let (grant, user_errors) = payload_parts(
            review::issue_credits(
                caller,
                id,
                input.expected_version,
                input.idempotency_key.as_deref(),
            )
            .await,
        )?;
        Ok(IssueCreditsPayload {
            credit_grant: grant.map(CreditGrant),
            user_errors,
        })
    }
}
