use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{clarification_message, credit_grant, opportunity, review_decision};

use super::{
    customer::Customer,
    dangling,
    enums::{
        AwsService, CheckName, CheckOutcome, DecisionKind, EngagementType, FundingSource,
        OpportunityAction, OpportunityStatus, OrderDirection, SubmissionPath,
    },
    partner::Partner,
    user::User,
    vc_firm::VcFirm,
};
use crate::{
    domain::lifecycle,
    error::AppError,
    graphql::{
        connection::{ConnectionTotals, PagedConnection, connection},
        context::{caller, loaders},
        ids::{self, NodeType},
    },
    service::{
        eligibility,
        opportunities::{self as service, OpportunityOrderField as Field},
        pagination::{PageRequest, SortDirection},
        scope, workflow,
    },
};

/// A partner-filed (or VC-filed) request for AWS credits for one customer, against one funding source.
pub struct Opportunity(pub opportunity::Model);

/// The fields of a record's content (`scope::opportunity_content`): a viewer with the status view only (a VC firm
/// on the records of a company it attests but did not file for) gets `FORBIDDEN` on each. The read fast path
/// leaves a selection with any of them to these resolvers.
pub(crate) const CONTENT_FIELDS: &[&str] = &[
    "partnerReference",
    "filedBy",
    "engagementType",
    "workloadName",
    "useCase",
    "scopeOfWork",
    "projectedConsumption",
    "projectedMonthlyUsd",
    "estimatedAnnualDealUsd",
    "eligibility",
    "decisions",
    "messages",
];

impl Opportunity {
    /// `FORBIDDEN` unless the viewer may read this record's content, not only its status.
    fn content(&self, ctx: &Context<'_>) -> Result<()> {
        if scope::may_read_content(&caller(ctx)?.principal, &self.0) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "a VC firm sees the status of the records of a company it attests, not their content".into(),
            )
            .into())
        }
    }
}

/// A partner-filed (or VC-filed) request for AWS credits for one customer, against one funding source.
///
/// A VC firm sees the records of a company it attests (while the attestation stands) as a status view: reference,
/// status, funding source, amounts requested and awarded, dates and the filing firm. Their content (filer's
/// reference, filing user, engagement type, workload, use case, scope of work, consumption, deal size, eligibility,
/// decisions, messages) is null for it, with a `FORBIDDEN` error at the field's path, so that a list mixing such
/// records with its own keeps them all; it reads the content of the records it filed itself.
#[Object]
impl Opportunity {
    /// The record's global ID.
    pub async fn id(&self) -> ID {
        NodeType::Opportunity.id(self.0.id)
    }
    /// Human reference, `O` followed by digits, as ACE's own IDs.
    async fn reference(&self) -> &str {
        &self.0.reference
    }
    /// The filer's own CRM reference. Content: not in a VC firm's status view.
    async fn partner_reference(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        self.content(ctx)?;
        Ok(self.0.partner_reference.as_deref())
    }
    /// The customer the credits are for.
    async fn customer(&self, ctx: &Context<'_>) -> Result<Customer> {
        let id = self.0.customer_id;
        Ok(Customer(
            loaders(ctx)?
                .customers
                .load_one(id)
                .await?
                .ok_or_else(|| dangling("customer", id))?,
        ))
    }
    /// The filing partner firm; null on the VC-filed path.
    async fn partner(&self, ctx: &Context<'_>) -> Result<Option<Partner>> {
        let Some(id) = self.0.partner_id else {
            return Ok(None);
        };
        Ok(Some(Partner(
            loaders(ctx)?
                .partners
                .load_one(id)
                .await?
                .ok_or_else(|| dangling("partner", id))?,
        )))
    }
    /// The filing VC firm on the VC-filed path; null otherwise.
    async fn vc_firm(&self, ctx: &Context<'_>) -> Result<Option<VcFirm>> {
        let Some(id) = self.0.vc_firm_id else {
            return Ok(None);
        };
        Ok(Some(VcFirm(
            loaders(ctx)?
                .vc_firms
                .load_one(id)
                .await?
                .ok_or_else(|| dangling("VC firm", id))?,
        )))
    }
    /// The user who created the record. Content: not in a VC firm's status view.
    async fn filed_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        self.content(ctx)?;
        let id = self.0.filed_by_user_id;
        Ok(Some(User(
            loaders(ctx)?
                .users
                .load_one(id)
                .await?
                .ok_or_else(|| dangling("user", id))?,
        )))
    }
    /// Whether a partner firm or a VC firm filed the record.
    async fn submission_path(&self) -> SubmissionPath {
        self.0.submission_path.into()
    }
    /// The credit programme the record is filed against.
    async fn funding_source(&self) -> FundingSource {
        self.0.funding_source.into()
    }
    /// Whether the work builds a new workload or migrates one. Content: not in a VC firm's status view.
    async fn engagement_type(&self, ctx: &Context<'_>) -> Result<Option<EngagementType>> {
        self.content(ctx)?;
        Ok(Some(self.0.engagement_type.into()))
    }
    /// The name of the funded workload; two records of a customer whose names differ only in case and punctuation
    /// describe the same workload (DISTINCT_WORKLOAD). Content: not in a VC firm's status view.
    async fn workload_name(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        self.content(ctx)?;
        Ok(Some(&self.0.workload_name))
    }
    /// The free text a reviewer reads. Content: not in a VC firm's status view.
    async fn use_case(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        self.content(ctx)?;
        Ok(Some(&self.0.use_case))
    }
    /// What the filer will do for the customer. Content: not in a VC firm's status view.
    async fn scope_of_work(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        self.content(ctx)?;
        Ok(Some(&self.0.scope_of_work))
    }
    /// The AWS services the workload is projected to use, each with its monthly spend. Content: not in a VC firm's
    /// status view.
    async fn projected_consumption(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<Vec<ConsumptionLine>>> {
        self.content(ctx)?;
        let lines = loaders(ctx)?
            .consumption_lines
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(Some(
            lines
                .into_iter()
                .map(|l| ConsumptionLine {
                    service: l.service.into(),
                    monthly_usd: l.monthly_usd,
                })
                .collect(),
        ))
    }
    /// Sum of the projected consumption lines.
    async fn projected_monthly_usd(&self, ctx: &Context<'_>) -> Result<Option<i64>> {
        self.content(ctx)?;
        let lines = loaders(ctx)?
            .consumption_lines
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(Some(crate::domain::values::sum_usd(
            lines.iter().map(|l| l.monthly_usd),
        )))
    }
    /// Estimated annual deal size after credits.
    async fn estimated_annual_deal_usd(&self, ctx: &Context<'_>) -> Result<Option<i64>> {
        self.content(ctx)?;
        Ok(Some(self.0.estimated_annual_deal_usd))
    }
    /// The credits requested, in whole US dollars, within the funding source's range.
    async fn requested_amount_usd(&self) -> i64 {
        self.0.requested_amount_usd
    }
    /// Set once the record is approved. 0 when a duplicate workload or the credit cap left nothing to award: such a
    /// record is closed (no `ISSUE_CREDITS`) and no longer holds its customer's slot for the funding source.
    async fn awarded_amount_usd(&self) -> Option<i64> {
        self.0.awarded_amount_usd
    }
    /// Where the record stands in its lifecycle.
    async fn status(&self) -> OpportunityStatus {
        self.0.status.into()
    }
    /// Incremented by every change; pass it back as `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// What the viewer can do to this record now, derived from its status and the viewer's role, so that a portal
    /// never re-implements the lifecycle.
    async fn available_actions(&self, ctx: &Context<'_>) -> Result<Vec<OpportunityAction>> {
        let party = workflow::party(caller(ctx)?, &self.0);
        Ok(
            lifecycle::available_on(self.0.status, self.0.awarded_amount_usd, party)
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }
    /// The reviewer checklist, computed now: one row per check with the reason, and a recommendation.
    /// Visible to the filer and to AWS staff: it weighs facts (track records, other records of the customer) that
    /// other viewers of the record may not see.
    async fn eligibility(&self, ctx: &Context<'_>) -> Result<Option<EligibilityReport>> {
        let caller = caller(ctx)?;
        if !caller.principal.is_staff()
            && workflow::party(caller, &self.0) != lifecycle::Party::Filer
        {
            return Err(AppError::Forbidden(
                "the eligibility report is for the filer and AWS staff".into(),
            )
            .into());
        }
        let lines = loaders(ctx)?
            .consumption_lines
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let consumption: Vec<_> = lines.iter().map(|l| (l.service, l.monthly_usd)).collect();
        let report = eligibility::evaluate(
            &caller.db,
            eligibility::Candidate {
                record: &self.0,
                consumption: &consumption,
                audience: eligibility::Audience::Viewer(&caller.principal),
            },
            crate::time::now(),
        )
        .await?;
        Ok(Some(EligibilityReport::from(report)))
    }
    /// The review decisions, oldest first.
    async fn decisions(&self, ctx: &Context<'_>) -> Result<Option<Vec<ReviewDecision>>> {
        self.content(ctx)?;
        let rows = loaders(ctx)?
            .decisions
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(Some(rows.into_iter().map(ReviewDecision).collect()))
    }
    /// The clarification thread between reviewer and filer, oldest first.
    async fn messages(&self, ctx: &Context<'_>) -> Result<Option<Vec<ClarificationMessage>>> {
        self.content(ctx)?;
        let rows = loaders(ctx)?
            .messages
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(Some(rows.into_iter().map(ClarificationMessage).collect()))
    }
    /// The credits issued for the record; null until its status is CREDITS_ISSUED.
    async fn credit_grant(&self, ctx: &Context<'_>) -> Result<Option<CreditGrant>> {
        Ok(loaders(ctx)?
            .grant_by_opportunity
            .load_one(self.0.id)
            .await?
            .map(CreditGrant))
    }
    /// When the record was created as a DRAFT.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the record last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// When the filer submitted the record (a reply to a clarification does not change it); null if never submitted.
    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.0.submitted_at
    }
    /// When the reviewer approved or rejected the record (a clarification request is not a decision); null before.
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided_at
    }
    /// When the credits were issued; null before.
    async fn issued_at(&self) -> Option<DateTime<Utc>> {
        self.0.issued_at
    }
}

/// The checklist of a record: every check with its outcome and the sentence that explains it.
#[derive(SimpleObject)]
pub struct EligibilityReport {
    /// One row per check, in checklist order; FUNDING_EVIDENCE appears on ACTIVATE_PORTFOLIO records only.
    pub checks: Vec<CheckResult>,
    /// The decision the checks add up to; the reviewer decides.
    pub recommended_decision: DecisionKind,
    /// The award the checks recommend, in whole US dollars; 0 with REJECT.
    pub recommended_amount_usd: i64,
}

/// One check of the checklist, with its outcome and the reason.
#[derive(SimpleObject)]
pub struct CheckResult {
    /// Which check this row is.
    pub check: CheckName,
    /// Whether the record passes the check, passes it with a warning, or fails it.
    pub outcome: CheckOutcome,
    /// One sentence that says why, with the facts the check weighed.
    pub detail: String,
}

impl From<crate::domain::eligibility::Report> for EligibilityReport {
    fn from(report: crate::domain::eligibility::Report) -> Self {
        Self {
            checks: report
                .checks
                .into_iter()
                .map(|c| CheckResult {
                    check: c.check.into(),
                    outcome: c.outcome.into(),
                    detail: c.detail,
                })
                .collect(),
            recommended_decision: report.recommended_decision.into(),
            recommended_amount_usd: report.recommended_amount_usd,
        }
    }
}

/// One AWS service of the projected consumption, with its monthly spend.
#[derive(SimpleObject)]
pub struct ConsumptionLine {
    /// The AWS service.
    pub service: AwsService,
    /// Projected monthly spend on the service, in whole US dollars.
    pub monthly_usd: i64,
}

pub struct ReviewDecision(pub review_decision::Model);

/// A reviewer's decision on a record (append-only).
#[Object]
impl ReviewDecision {
    /// The decision's global ID.
    pub async fn id(&self) -> ID {
        NodeType::ReviewDecision.id(self.0.id)
    }
    /// What the reviewer decided.
    async fn kind(&self) -> DecisionKind {
        self.0.kind.into()
    }
    /// The awarded amount for approvals.
    async fn amount_usd(&self) -> Option<i64> {
        self.0.amount_usd
    }
    /// The checklist rows the reviewer cites.
    async fn reasons(&self) -> Result<Vec<CheckName>> {
        let names: Vec<crate::domain::eligibility::CheckName> =
            serde_json::from_value(self.0.reasons.clone()).map_err(|e| {
                AppError::Internal(format!(
                    "decision {} has unreadable reasons: {e}",
                    self.0.id
                ))
            })?;
        Ok(names.into_iter().map(Into::into).collect())
    }
    /// The reviewer's note (for REQUEST_CLARIFICATION, the question), followed by any note acegate added, e.g. why
    /// the award was trimmed.
    async fn comment(&self) -> &str {
        &self.0.comment
    }
    /// The reviewer who decided.
    async fn reviewer(&self, ctx: &Context<'_>) -> Result<User> {
        let id = self.0.reviewer_user_id;
        Ok(User(
            loaders(ctx)?
                .users
                .load_one(id)
                .await?
                .ok_or_else(|| dangling("user", id))?,
        ))
    }
    /// When the decision was made.
    async fn decided_at(&self) -> DateTime<Utc> {
        self.0.decided_at
    }
}

pub struct ClarificationMessage(pub clarification_message::Model);

/// One message of the clarification thread between reviewer and filer (append-only).
#[Object]
impl ClarificationMessage {
    /// Who wrote the message: the reviewer asking, or a user of the filer answering.
    async fn author(&self, ctx: &Context<'_>) -> Result<User> {
        let id = self.0.author_user_id;
        Ok(User(
            loaders(ctx)?
                .users
                .load_one(id)
                .await?
                .ok_or_else(|| dangling("user", id))?,
        ))
    }
    /// The message text.
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// When the message was written.
    async fn at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

pub struct CreditGrant(pub credit_grant::Model);

/// Credits issued to a customer's AWS account from an approved record. Bound to that account; never moved,
/// extended or split.
#[Object]
impl CreditGrant {
    /// The grant's global ID.
    pub async fn id(&self) -> ID {
        NodeType::CreditGrant.id(self.0.id)
    }
    /// The approved record the credits were issued for.
    async fn opportunity(&self, ctx: &Context<'_>) -> Result<Opportunity> {
        let id = self.0.opportunity_id;
        Ok(Opportunity(
            loaders(ctx)?
                .opportunities
                .load_one(id)
                .await?
                .ok_or_else(|| dangling("record", id))?,
        ))
    }
    /// The customer that holds the credits.
    async fn customer(&self, ctx: &Context<'_>) -> Result<Customer> {
        let id = self.0.customer_id;
        Ok(Customer(
            loaders(ctx)?
                .customers
                .load_one(id)
                .await?
                .ok_or_else(|| dangling("customer", id))?,
        ))
    }
    /// The 12-digit AWS account the credits are bound to.
    async fn aws_account_id(&self) -> &str {
        &self.0.aws_account_id
    }
    /// The credits granted, in whole US dollars: the record's award.
    async fn face_value_usd(&self) -> i64 {
        self.0.face_value_usd
    }
    /// When the credits were issued.
    async fn issued_at(&self) -> DateTime<Utc> {
        self.0.issued_at
    }
    /// When the credits expire: 24 months after issue for ACTIVATE_PORTFOLIO, 12 months for the other sources.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }
}

/// Narrows a list of records; every condition given must hold.
#[derive(InputObject, Default)]
pub struct OpportunityFilter {
    /// Records in any of these statuses.
    pub status: Option<Vec<OpportunityStatus>>,
    /// Records against any of these funding sources.
    pub funding_source: Option<Vec<FundingSource>>,
    /// Records filed by this partner firm.
    pub partner_id: Option<ID>,
    /// Records filed by this VC firm (the VC-filed path).
    pub vc_firm_id: Option<ID>,
    /// Records of this customer.
    pub customer_id: Option<ID>,
    /// Records submitted after this instant (exclusive).
    pub submitted_after: Option<DateTime<Utc>>,
    /// Records submitted before this instant (exclusive).
    pub submitted_before: Option<DateTime<Utc>>,
    /// Records changed after this instant, for delta sync.
    pub updated_after: Option<DateTime<Utc>>,
    /// Case-insensitive substring of the reference, the filer's reference or the workload name.
    pub search: Option<String>,
    /// Exactly this reference, e.g. `O1000015` (blanks around it and the case of the `O` do not matter).
    pub reference: Option<String>,
    /// Exactly this filer's own CRM reference (`partnerReference`, case-sensitive). Each filing firm numbers its
    /// own records, so two firms' records may share one: a PARTNER or VC user matches its own firm's records; AWS
    /// staff name the firm with `partnerId` (or `vcFirmId`) to get that firm's record. Only records whose content
    /// the viewer may read match (a VC firm's status view of another filer's record does not).
    pub partner_reference: Option<String>,
}

impl OpportunityFilter {
    pub fn into_service(self) -> Result<service::OpportunityFilter, AppError> {
        let id =
            |id: Option<ID>, kind, field| id.map(|id| ids::expect(&id, kind, field)).transpose();
        Ok(service::OpportunityFilter {
            statuses: self
                .status
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            funding_sources: self
                .funding_source
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            partner_id: id(self.partner_id, NodeType::Partner, "filter.partnerId")?,
            vc_firm_id: id(self.vc_firm_id, NodeType::VcFirm, "filter.vcFirmId")?,
            customer_id: id(self.customer_id, NodeType::Customer, "filter.customerId")?,
            submitted_after: self.submitted_after,
            submitted_before: self.submitted_before,
            updated_after: self.updated_after,
            search: self.search,
            reference: self.reference.as_deref().map(service::Reference::parse),
            partner_reference: self.partner_reference,
        })
    }
}

/// What a list of records is sorted by.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum OpportunityOrderField {
    /// When the record was created (the default).
    #[default]
    CreatedAt,
    /// When the record last changed.
    UpdatedAt,
    /// The requested amount.
    RequestedAmountUsd,
    /// The human reference, compared as text.
    Reference,
}

/// How a list of records is sorted; records that tie are ordered by ID, so pages stay stable.
#[derive(InputObject, Default)]
pub struct OpportunityOrder {
    /// The value to sort by.
    pub field: OpportunityOrderField,
    /// Ascending (the default) or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl OpportunityOrder {
    pub fn into_service(self) -> (Field, SortDirection) {
        let field = match self.field {
            OpportunityOrderField::CreatedAt => Field::CreatedAt,
            OpportunityOrderField::UpdatedAt => Field::UpdatedAt,
            OpportunityOrderField::RequestedAmountUsd => Field::RequestedAmount,
            OpportunityOrderField::Reference => Field::Reference,
        };
        (field, self.direction.into())
    }
}

pub type OpportunityConnection = PagedConnection<Opportunity>;

/// Whose records a nested `opportunities` connection lists.
pub enum Owner {
    Customer(i64),
    Partner(i64),
}

/// A nested `opportunities` connection (`Customer.opportunities`, `Partner.opportunities`): the owner's records
/// that the caller may see, paged, filtered and ordered as `Query.opportunities` with the owner's ID in the filter
/// (in place of any the client gave).
pub async fn owned_opportunity_connection(
    ctx: &Context<'_>,
    owner: Owner,
    filter: Option<OpportunityFilter>,
    order: Option<OpportunityOrder>,
    page: PageRequest,
) -> Result<OpportunityConnection> {
    let mut filter = filter
        .map(|f| f.into_service())
        .transpose()?
        .unwrap_or_default();
    match owner {
        Owner::Customer(id) => filter.customer_id = Some(id),
        Owner::Partner(id) => filter.partner_id = Some(id),
    }
    opportunity_connection(ctx, filter, order, page).await
}

/// The records matching `filter` that the caller may see, as a connection.
pub async fn opportunity_connection(
    ctx: &Context<'_>,
    filter: service::OpportunityFilter,
    order: Option<OpportunityOrder>,
    page: PageRequest,
) -> Result<OpportunityConnection> {
    let caller = caller(ctx)?.clone();
    let (field, direction) = order.unwrap_or_default().into_service();
    let rows = service::list(&caller, &filter, field, direction, &page).await?;
    let totals = ConnectionTotals::new(move || {
        let (caller, filter) = (caller.clone(), filter.clone());
        async move { service::count(&caller, &caller.db, &filter).await }
    });
    Ok(connection(rows, Opportunity, totals))
}
