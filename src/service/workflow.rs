//! The filer's side of a record's lifecycle: create (DRAFT), update, submit (with a dry run), withdraw, and reply to
//! a clarification. Every change is one transaction that checks the expected version, moves the status along an
//! arrow of DESIGN.md §7, bumps the version and writes its audit event.

use chrono::{DateTime, Utc};
use entity::{
    consumption_line, customer,
    enums::{AwsService, EngagementType, FundingSource, OpportunityStatus, SubmissionPath},
    funding_attestation, opportunity,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
    sea_query::{Expr, ExprTrait},
};
use serde::Serialize;
use serde_json::json;

use super::{
    Caller, audit, begin_write, customers, eligibility, idempotency, is_unique_violation,
    opportunities,
};
use crate::{
    auth::Actor,
    domain::{
        eligibility::Report,
        lifecycle::{self, Action, Field, Party},
        values::{self, Website},
        workload,
    },
    error::{AppError, AppResult, UserError},
    policy,
};

/// What a filer enters for a new record.
#[derive(Clone, Debug, Serialize)]
pub struct NewOpportunity {
    pub customer_id: i64,
    pub funding_source: FundingSource,
    pub engagement_type: EngagementType,
    pub workload_name: String,
    pub use_case: String,
    pub scope_of_work: String,
    pub consumption: Vec<(AwsService, i64)>,
    pub estimated_annual_deal_usd: i64,
    pub requested_amount_usd: i64,
    pub partner_reference: Option<String>,
}

/// A partial update: `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct OpportunityChanges {
    pub funding_source: Option<FundingSource>,
    pub engagement_type: Option<EngagementType>,
    pub workload_name: Option<String>,
    pub use_case: Option<String>,
    pub scope_of_work: Option<String>,
    pub consumption: Option<Vec<(AwsService, i64)>>,
    pub estimated_annual_deal_usd: Option<i64>,
    pub requested_amount_usd: Option<i64>,
    /// `Some(None)` clears the reference.
    pub partner_reference: Option<Option<String>>,
    pub customer_website: Option<String>,
}

/// How the caller stands to a record.
pub fn party(caller: &Caller, record: &opportunity::Model) -> Party {
    match caller.principal.actor {
        Actor::Partner { partner_id } if record.partner_id == Some(partner_id) => Party::Filer,
        Actor::Vc { vc_firm_id } if record.vc_firm_id == Some(vc_firm_id) => Party::Filer,
        Actor::Reviewer => Party::Reviewer,
        _ => Party::Other,
    }
}

/// Loads a record the caller may see and checks that it may take `action` on it now.
pub(super) async fn load_for(
    caller: &Caller,
    id: i64,
    action: Action,
    expected_version: Option<i32>,
) -> AppResult<opportunity::Model> {
    let record = opportunities::get(caller, id).await?;
    if !lifecycle::party_may(party(caller, &record), action) {
        return Err(AppError::Forbidden(format!(
            "your role cannot {} this record",
            action_name(action)
        )));
    }
    // A stale view is a conflict even when the record has moved on to a status where the action no longer applies:
    // the caller must reload before anything else can be said.
    if let Some(expected) = expected_version
        && expected != record.version
    {
        return Err(stale(record.version));
    }
    if lifecycle::next_status(record.status, action).is_none() {
        return Err(AppError::invalid(
            &["input", record_field(action)],
            "INVALID_TRANSITION",
            format!(
                "{} record cannot be {}",
                values::with_article(record.status.as_str()),
                action_past(action)
            ),
        ));
    }
    Ok(record)
}

/// The input field that names the record an action applies to.
fn record_field(action: Action) -> &'static str {
    match action {
        Action::IssueCredits => "opportunityId",
        _ => "id",
    }
}

fn stale(current: i32) -> AppError {
    AppError::Conflict(format!(
        "the record changed since you read it (it is now at version {current}); reload and retry"
    ))
}

pub(super) fn action_name(action: Action) -> &'static str {
    match action {
        Action::Update => "update",
        Action::Submit => "submit",
        Action::Withdraw => "withdraw",
        Action::Reply => "reply to",
        Action::StartReview => "start reviewing",
        Action::Decide(_) => "decide",
        Action::IssueCredits => "issue credits for",
    }
}

fn action_past(action: Action) -> &'static str {
    match action {
        Action::Update => "edited",
        Action::Submit => "submitted",
        Action::Withdraw => "withdrawn",
        Action::Reply => "answered",
        Action::StartReview => "taken into review",
        Action::Decide(_) => "decided",
        Action::IssueCredits => "issued credits",
    }
}

/// Tells subscribers about a committed status change (or a new record, with no previous status).
pub(super) async fn announce(
    caller: &Caller,
    before: Option<&opportunity::Model>,
    after: &opportunity::Model,
) {
    if before.is_some_and(|b| b.status == after.status) {
        return;
    }
    let event = crate::events::OpportunityEvent {
        opportunity_id: after.id,
        status: after.status,
        previous_status: before.map(|b| b.status),
        at: after.updated_at,
    };
    caller.events.publish(&caller.db, event).await;
}

/// Moves a record along one arrow, guarded by its version: the row changes only if nobody changed it since it
/// was read. `changes` carries the other columns that move with the status.
pub(super) async fn advance(
    txn: &impl ConnectionTrait,
    record: &opportunity::Model,
    to: OpportunityStatus,
    mut changes: opportunity::ActiveModel,
    now: DateTime<Utc>,
) -> AppResult<opportunity::Model> {
    changes.status = Set(to);
    changes.updated_at = Set(now);
    let result = opportunity::Entity::update_many()
        .set(changes)
        .col_expr(
            opportunity::Column::Version,
            Expr::col(opportunity::Column::Version).add(1),
        )
        .filter(opportunity::Column::Id.eq(record.id))
        .filter(opportunity::Column::Version.eq(record.version))
        .exec(txn)
        .await;
    let result = match result {
        Err(err) if is_unique_violation(&err) => {
            return Err(live_record_exists(record.funding_source));
        }
        other => other?,
    };
    if result.rows_affected == 0 {
        let current = opportunity::Entity::find_by_id(record.id)
            .one(txn)
            .await?
            .map(|r| r.version)
            .unwrap_or(0);
        return Err(stale(current));
    }
    opportunity::Entity::find_by_id(record.id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)
}

fn live_record_exists(source: FundingSource) -> AppError {
    AppError::invalid(
        &["input", "fundingSource"],
        "LIVE_RECORD_EXISTS",
        format!(
            "the customer already has a live {} record; withdraw or finish it first",
            source.as_str()
        ),
    )
}

pub(super) fn snapshot(record: &opportunity::Model) -> serde_json::Value {
    json!({ "status": record.status.as_str(), "version": record.version, "awardedAmountUsd": record.awarded_amount_usd })
}

/// The rules of the funding source that do not depend on anything but the record itself (DESIGN.md §4).
fn source_rules(
    source: FundingSource,
    engagement: EngagementType,
    requested: i64,
    consumption: &[(AwsService, i64)],
) -> Vec<UserError> {
    let policy = policy::funding(source);
    let mut errors = Vec::new();
    if requested < policy.min_amount_usd || requested > policy.max_amount_usd {
        errors.push(UserError::new(
            &["input", "requestedAmountUsd"],
            "AMOUNT_OUT_OF_RANGE",
            format!(
                "{} requests must be between {} and {}",
                source.as_str(),
                values::UsdAmount::parse(policy.min_amount_usd)
                    .map(|a| a.to_string())
                    .unwrap_or_default(),
                values::UsdAmount::parse(policy.max_amount_usd)
                    .map(|a| a.to_string())
                    .unwrap_or_default()
            ),
        ));
    }
    if source == FundingSource::Migration && engagement != EngagementType::Migrate {
        errors.push(UserError::new(
            &["input", "engagementType"],
            "MIGRATE_REQUIRED",
            "MIGRATION funding needs engagement type MIGRATE",
        ));
    }
    if source == FundingSource::GenaiPoc
        && !consumption
            .iter()
            .any(|(s, _)| matches!(s, AwsService::Bedrock | AwsService::Sagemaker))
    {
        errors.push(UserError::new(
            &["input", "projectedConsumption"],
            "GENAI_SERVICE_REQUIRED",
            "a GENAI_POC projection must include BEDROCK or SAGEMAKER",
        ));
    }
    errors
}

fn check_consumption(lines: &[(AwsService, i64)], errors: &mut Vec<UserError>) {
    if lines.is_empty() || lines.len() > policy::MAX_CONSUMPTION_LINES {
        errors.push(UserError::new(
            &["input", "projectedConsumption"],
            "INVALID_CONSUMPTION",
            format!(
                "project between 1 and {} consumption lines",
                policy::MAX_CONSUMPTION_LINES
            ),
        ));
    }
    let mut all_valid = true;
    for (i, (_, usd)) in lines.iter().enumerate() {
        if let Err(invalid) = values::UsdAmount::parse(*usd) {
            all_valid = false;
            let index = i.to_string();
            errors.push(UserError::new(
                &["input", "projectedConsumption", &index, "monthlyUsd"],
                invalid.code,
                invalid.message,
            ));
        }
    }
    if all_valid
        && values::UsdAmount::parse(values::sum_usd(lines.iter().map(|(_, usd)| *usd))).is_err()
    {
        errors.push(UserError::new(
            &["input", "projectedConsumption"],
            "AMOUNT_OUT_OF_RANGE",
            format!(
                "the projected monthly total is at most {}",
                values::UsdAmount::MAX
            ),
        ));
    }
}

fn check_text(value: &str, field: &str, max: usize, errors: &mut Vec<UserError>) -> String {
    match values::text(value, max) {
        Ok(text) => text,
        Err(invalid) => {
            errors.push(UserError::new(
                &["input", field],
                invalid.code,
                invalid.message,
            ));
            String::new()
        }
    }
}

fn check_usd(value: i64, field: &str, errors: &mut Vec<UserError>) {
    if let Err(invalid) = values::UsdAmount::parse(value) {
        errors.push(UserError::new(
            &["input", field],
            invalid.code,
            invalid.message,
        ));
    }
}

fn check_partner_reference(value: Option<&str>, errors: &mut Vec<UserError>) -> Option<String> {
    let value = value.map(str::trim).filter(|v| !v.is_empty())?;
    if value.chars().count() > policy::MAX_PARTNER_REFERENCE_CHARS {
        errors.push(UserError::new(
            &["input", "partnerReference"],
            "TOO_LONG",
            format!("at most {} characters", policy::MAX_PARTNER_REFERENCE_CHARS),
        ));
    }
    Some(value.to_owned())
}

/// Who files: the caller's partner firm, or its VC firm on the Portfolio VC path.
enum Filer {
    Partner(i64),
    Vc(i64),
}

/// Checks that the caller may file this source for this customer, before anything is written.
async fn filer_for(caller: &Caller, customer_id: i64, source: FundingSource) -> AppResult<Filer> {
    match caller.principal.actor {
        Actor::Partner { partner_id } => {
            // A partner files only for customers it works with; anyone else's is invisible to it.
            customers::get(caller, customer_id).await?;
            let firm = entity::partner::Entity::find_by_id(partner_id)
                .one(&caller.db)
                .await?
                .ok_or_else(|| AppError::Internal(format!("partner {partner_id} missing")))?;
            if !policy::funding(source).partner_tiers.contains(&firm.tier) {
                return Err(AppError::invalid(
                    &["input", "fundingSource"],
                    "FILER_RIGHTS",
                    format!(
                        "partners of tier {} may not file {}",
                        firm.tier.as_str(),
                        source.as_str()
                    ),
                ));
            }
            Ok(Filer::Partner(partner_id))
        }
        Actor::Vc { vc_firm_id } => {
            customers::get(caller, customer_id).await?;
            let firm = entity::vc_firm::Entity::find_by_id(vc_firm_id)
                .one(&caller.db)
                .await?
                .ok_or_else(|| AppError::Internal(format!("VC firm {vc_firm_id} missing")))?;
            let attested = funding_attestation::Entity::find()
                .filter(funding_attestation::Column::VcFirmId.eq(vc_firm_id))
                .filter(funding_attestation::Column::CustomerId.eq(customer_id))
                .filter(funding_attestation::Column::RevokedAt.is_null())
                .count(&caller.db)
                .await?
                > 0;
            let refusal = if source != FundingSource::ActivatePortfolio {
                Some("a VC firm may only file ACTIVATE_PORTFOLIO records".to_owned())
            } else if !firm.portfolio_access {
                Some(format!("{} has no Portfolio Sub-Program access", firm.name))
            } else if !attested {
                Some(format!(
                    "{} has no live attestation for this company",
                    firm.name
                ))
            } else {
                None
            };
            match refusal {
                Some(message) => Err(AppError::invalid(
                    &["input", "fundingSource"],
                    "FILER_RIGHTS",
                    message,
                )),
                None => Ok(Filer::Vc(vc_firm_id)),
            }
        }
        _ => Err(AppError::Forbidden(
            "only partner and VC users file records".into(),
        )),
    }
}

async fn replace_consumption(
    txn: &impl ConnectionTrait,
    record_id: i64,
    lines: &[(AwsService, i64)],
) -> AppResult<()> {
    consumption_line::Entity::delete_many()
        .filter(consumption_line::Column::OpportunityId.eq(record_id))
        .exec(txn)
        .await?;
    if lines.is_empty() {
        return Ok(());
    }
    let rows =
        lines
            .iter()
            .enumerate()
            .map(|(position, (service, usd))| consumption_line::ActiveModel {
                opportunity_id: Set(record_id),
                position: Set(position as i32),
                service: Set(*service),
                monthly_usd: Set(*usd),
                ..Default::default()
            });
    consumption_line::Entity::insert_many(rows)
        .exec(txn)
        .await?;
    Ok(())
}

/// Human references continue ACE's style: `O` and seven or more digits, derived from the row id.
fn reference_for(id: i64) -> String {
    format!("O{}", 1_000_000 + id)
}

/// Creates a DRAFT. With an idempotency key, a retry with the same input returns the first record and one with
/// another input is a `CONFLICT`.
pub async fn create(
    caller: &Caller,
    input: NewOpportunity,
    idempotency_key: Option<&str>,
) -> AppResult<opportunity::Model> {
    let mut errors = Vec::new();
    let workload_name = check_text(
        &input.workload_name,
        "workloadName",
        policy::MAX_SHORT_TEXT_CHARS,
        &mut errors,
    );
    let use_case = check_text(
        &input.use_case,
        "useCase",
        policy::MAX_USE_CASE_CHARS,
        &mut errors,
    );
    let scope_of_work = check_text(
        &input.scope_of_work,
        "scopeOfWork",
        policy::MAX_USE_CASE_CHARS,
        &mut errors,
    );
    check_consumption(&input.consumption, &mut errors);
    check_usd(
        input.estimated_annual_deal_usd,
        "estimatedAnnualDealUsd",
        &mut errors,
    );
    let partner_reference =
        check_partner_reference(input.partner_reference.as_deref(), &mut errors);
    errors.extend(source_rules(
        input.funding_source,
        input.engagement_type,
        input.requested_amount_usd,
        &input.consumption,
    ));

    let hash = idempotency::fingerprint(&input);
    if let Some(key) = idempotency_key
        && let Some(existing) =
            idempotency::find(&caller.db, caller, "createOpportunity", key, &hash).await?
    {
        return opportunities::get(caller, existing).await;
    }
    let filer = filer_for(caller, input.customer_id, input.funding_source).await?;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }

    let attempt = async {
        let tx = begin_write(&caller.db).await?;
        let claim = match idempotency_key {
            Some(key) => {
                match idempotency::claim(&tx.txn, caller, "createOpportunity", key, &hash).await? {
                    idempotency::Claim::Replay(id) => return Ok(Err(id)),
                    idempotency::Claim::Fresh(claim) => Some(claim),
                }
            }
            None => None,
        };
        let now = crate::time::now();
        let (partner_id, vc_firm_id, path) = match filer {
            Filer::Partner(id) => (Some(id), None, SubmissionPath::Partner),
            Filer::Vc(id) => (None, Some(id), SubmissionPath::Vc),
        };
        let inserted = opportunity::ActiveModel {
            reference: Set(format!("O-{}", uuid::Uuid::new_v4().simple())),
            partner_reference: Set(partner_reference.clone()),
            customer_id: Set(input.customer_id),
            partner_id: Set(partner_id),
            vc_firm_id: Set(vc_firm_id),
            filed_by_user_id: Set(caller.principal.user_id),
            submission_path: Set(path),
            funding_source: Set(input.funding_source),
            engagement_type: Set(input.engagement_type),
            workload_key: Set(workload::normalize_name(&workload_name)),
            workload_name: Set(workload_name.clone()),
            use_case: Set(use_case.clone()),
            scope_of_work: Set(scope_of_work.clone()),
            estimated_annual_deal_usd: Set(input.estimated_annual_deal_usd),
            requested_amount_usd: Set(input.requested_amount_usd),
            awarded_amount_usd: Set(None),
            status: Set(OpportunityStatus::Draft),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            submitted_at: Set(None),
            decided_at: Set(None),
            issued_at: Set(None),
            ..Default::default()
        }
        .insert(&tx.txn)
        .await?;
        let record = opportunity::ActiveModel {
            id: Set(inserted.id),
            reference: Set(reference_for(inserted.id)),
            ..Default::default()
        }
        .update(&tx.txn)
        .await?;
        replace_consumption(&tx.txn, record.id, &input.consumption).await?;
        audit::record(
            &tx.txn,
            caller,
            "opportunity.create",
            audit::Subject { kind: "Opportunity", id: record.id },
            None,
            Some(json!({ "status": "DRAFT", "version": 1, "reference": record.reference, "fundingSource": record.funding_source.as_str(), "requestedAmountUsd": record.requested_amount_usd })),
        )
        .await?;
        if let Some(claim) = claim {
            idempotency::complete(&tx.txn, claim, record.id).await?;
        }
        tx.commit().await?;
        announce(caller, None, &record).await;
        Ok::<_, AppError>(Ok(record))
    };
    match attempt.await {
        Ok(Ok(record)) => Ok(record),
        Ok(Err(replayed)) => opportunities::get(caller, replayed).await,
        Err(AppError::Conflict(message)) if message == idempotency::RACE => {
            let key = idempotency_key.unwrap_or_default();
            match idempotency::find(&caller.db, caller, "createOpportunity", key, &hash).await? {
                Some(id) => opportunities::get(caller, id).await,
                None => Err(AppError::Conflict(message)),
            }
        }
        Err(other) => Err(other),
    }
}

/// Applies a partial update to a DRAFT (anything) or an ACTION_REQUIRED record (what a clarification may touch).
pub async fn update(
    caller: &Caller,
    id: i64,
    expected_version: i32,
    changes: OpportunityChanges,
) -> AppResult<opportunity::Model> {
    let record = load_for(caller, id, Action::Update, Some(expected_version)).await?;
    let mut errors = Vec::new();
    let touched: [(bool, Field, &str); 10] = [
        (
            changes.funding_source.is_some(),
            Field::FundingSource,
            "fundingSource",
        ),
        (
            changes.engagement_type.is_some(),
            Field::EngagementType,
            "engagementType",
        ),
        (
            changes.workload_name.is_some(),
            Field::WorkloadName,
            "workloadName",
        ),
        (changes.use_case.is_some(), Field::UseCase, "useCase"),
        (
            changes.scope_of_work.is_some(),
            Field::ScopeOfWork,
            "scopeOfWork",
        ),
        (
            changes.consumption.is_some(),
            Field::ProjectedConsumption,
            "projectedConsumption",
        ),
        (
            changes.estimated_annual_deal_usd.is_some(),
            Field::EstimatedAnnualDeal,
            "estimatedAnnualDealUsd",
        ),
        (
            changes.requested_amount_usd.is_some(),
            Field::RequestedAmount,
            "requestedAmountUsd",
        ),
        (
            changes.partner_reference.is_some(),
            Field::PartnerReference,
            "partnerReference",
        ),
        (
            changes.customer_website.is_some(),
            Field::CustomerWebsite,
            "customerWebsite",
        ),
    ];
    for (present, field, name) in touched {
        if present && !lifecycle::editable(record.status, field) {
            errors.push(UserError::new(
                &["input", name],
                "NOT_EDITABLE",
                format!(
                    "{name} cannot change while the record is {}",
                    record.status.as_str()
                ),
            ));
        }
    }

    let mut active: opportunity::ActiveModel = Default::default();
    if let Some(name) = &changes.workload_name {
        let name = check_text(
            name,
            "workloadName",
            policy::MAX_SHORT_TEXT_CHARS,
            &mut errors,
        );
        active.workload_key = Set(workload::normalize_name(&name));
        active.workload_name = Set(name);
    }
    if let Some(text) = &changes.use_case {
        active.use_case = Set(check_text(
            text,
            "useCase",
            policy::MAX_USE_CASE_CHARS,
            &mut errors,
        ));
    }
    if let Some(text) = &changes.scope_of_work {
        active.scope_of_work = Set(check_text(
            text,
            "scopeOfWork",
            policy::MAX_USE_CASE_CHARS,
            &mut errors,
        ));
    }
    if let Some(lines) = &changes.consumption {
        check_consumption(lines, &mut errors);
    }
    if let Some(usd) = changes.estimated_annual_deal_usd {
        check_usd(usd, "estimatedAnnualDealUsd", &mut errors);
        active.estimated_annual_deal_usd = Set(usd);
    }
    if let Some(usd) = changes.requested_amount_usd {
        active.requested_amount_usd = Set(usd);
    }
    if let Some(source) = changes.funding_source {
        active.funding_source = Set(source);
    }
    if let Some(engagement) = changes.engagement_type {
        active.engagement_type = Set(engagement);
    }
    if let Some(reference) = &changes.partner_reference {
        active.partner_reference = Set(check_partner_reference(reference.as_deref(), &mut errors));
    }
    let website = match changes.customer_website.as_deref().map(Website::parse) {
        None => None,
        Some(Ok(website)) => Some(website.into_inner()),
        Some(Err(invalid)) => {
            errors.push(UserError::new(
                &["input", "customerWebsite"],
                invalid.code,
                invalid.message,
            ));
            None
        }
    };

    let source = changes.funding_source.unwrap_or(record.funding_source);
    let current_lines;
    let lines: &[(AwsService, i64)] = match &changes.consumption {
        Some(lines) => lines,
        None => {
            current_lines = eligibility::consumption_of(&caller.db, record.id).await?;
            &current_lines
        }
    };
    errors.extend(source_rules(
        source,
        changes.engagement_type.unwrap_or(record.engagement_type),
        changes
            .requested_amount_usd
            .unwrap_or(record.requested_amount_usd),
        lines,
    ));
    if changes.funding_source.is_some() {
        filer_for(caller, record.customer_id, source).await?;
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }

    let tx = begin_write(&caller.db).await?;
    let now = crate::time::now();
    // The website is a fact of the customer that the checklist reads: it changes under the same rules (and locks, in
    // the same order: the customer, then its records) as `updateCustomer`.
    let siblings = match &website {
        Some(_) => {
            let customer =
                customers::row(&tx.txn, record.customer_id, customers::Lock::Exclusive).await?;
            let open =
                customers::facts_may_change(&tx.txn, &customer, &["customerWebsite"]).await?;
            Some((customer.website, open))
        }
        None => None,
    };
    let updated = advance(&tx.txn, &record, record.status, active, now).await?;
    if let Some(lines) = &changes.consumption {
        replace_consumption(&tx.txn, record.id, lines).await?;
    }
    if let (Some(website), Some((before, open))) = (website, siblings) {
        let others: Vec<_> = open.into_iter().filter(|r| r.id != record.id).collect();
        customers::bump_open_records(&tx.txn, caller, &others, now).await?;
        customer::ActiveModel {
            id: Set(record.customer_id),
            website: Set(website.clone()),
            updated_at: Set(now),
            ..Default::default()
        }
        .update(&tx.txn)
        .await?;
        // The customer row changed too: it gets its own event, as every change does.
        audit::record(
            &tx.txn,
            caller,
            "customer.update",
            audit::Subject {
                kind: "Customer",
                id: record.customer_id,
            },
            Some(json!({ "website": before })),
            Some(json!({ "website": website })),
        )
        .await?;
    }
    audit::record(
        &tx.txn,
        caller,
        "opportunity.update",
        audit::Subject {
            kind: "Opportunity",
            id: record.id,
        },
        Some(snapshot(&record)),
        Some(snapshot(&updated)),
    )
    .await?;
    tx.commit().await?;
    Ok(updated)
}

/// The outcome of a submission: the record (unchanged on a dry run or a refusal), its checklist, and what refused it.
pub struct Submission {
    pub record: opportunity::Model,
    pub report: Report,
    pub errors: Vec<UserError>,
}

/// Inside a submission's transaction: the customer's facts are those the checklist just read. The customer is
/// locked (as `updateCustomer` locks it first), so no change can commit between here and the submission; one that
/// committed since the checklist read the facts is a `CONFLICT`, and the client submits again on the new facts.
async fn facts_unchanged_since(
    txn: &impl ConnectionTrait,
    read: &customer::Model,
) -> AppResult<()> {
    let now = customers::row(txn, read.id, customers::Lock::Exclusive).await?;
    if now.updated_at != read.updated_at {
        return Err(AppError::Conflict(
            "the customer's facts changed while the record was being submitted: reload it and submit again".into(),
        ));
    }
    Ok(())
}

/// Everything that refuses a submission (or a resubmission): source rules, the blocking checks, the live slot.
async fn submission_errors(
    caller: &Caller,
    record: &opportunity::Model,
) -> AppResult<(Report, Vec<UserError>)> {
    let lines = eligibility::consumption_of(&caller.db, record.id).await?;
    let report = eligibility::evaluate(
        &caller.db,
        // The report goes back to the filer: it weighs what the filer may read.
        eligibility::Candidate {
            record,
            consumption: &lines,
            audience: eligibility::Audience::Viewer(&caller.principal),
        },
        crate::time::now(),
    )
    .await?;
    // Nothing in a submission's input is at fault: each error points at the record's field to fix, as a path into
    // the payload's `opportunity` (`["opportunity", "customer", "country"]`).
    let mut errors: Vec<UserError> = source_rules(
        record.funding_source,
        record.engagement_type,
        record.requested_amount_usd,
        &lines,
    )
    .into_iter()
    .map(on_the_record)
    .collect();
    errors.extend(report.blocking_failures().map(|check| {
        let field: Vec<&str> = ["opportunity"]
            .into_iter()
            .chain(check.check.field().iter().copied())
            .collect();
        UserError::new(&field, check.check.as_str(), check.detail.clone())
    }));
    let live_elsewhere = opportunity::Entity::find()
        .filter(opportunity::Column::CustomerId.eq(record.customer_id))
        .filter(opportunity::Column::FundingSource.eq(record.funding_source))
        .filter(opportunity::Column::Status.is_in(lifecycle::LIVE))
        // The same rule as the partial unique index behind it: an approval for $0 closed its record.
        .filter(
            Condition::any()
                .add(opportunity::Column::Status.ne(OpportunityStatus::Approved))
                .add(opportunity::Column::AwardedAmountUsd.is_null())
                .add(opportunity::Column::AwardedAmountUsd.ne(0)),
        )
        .filter(opportunity::Column::Id.ne(record.id))
        .count(&caller.db)
        .await?
        > 0;
    if live_elsewhere && let AppError::Validation(e) = live_record_exists(record.funding_source) {
        errors.extend(e.into_iter().map(on_the_record));
    }
    Ok((report, errors))
}

/// A record rule's error, moved from the edit's input (`["input", "requestedAmountUsd"]`) to the same field of the
/// record a submission returns (`["opportunity", "requestedAmountUsd"]`).
fn on_the_record(mut error: UserError) -> UserError {
    if let Some(field) = error.field.as_mut()
        && field.first().is_some_and(|f| f == "input")
    {
        field[0] = "opportunity".into();
    }
    error
}

/// Submits a DRAFT for review. A hard checklist failure (jurisdiction, competitor, segment, filer rights) refuses
/// it with the check named and nothing filed. `dry_run` answers the same without changing anything.
pub async fn submit(
    caller: &Caller,
    id: i64,
    expected_version: i32,
    dry_run: bool,
) -> AppResult<Submission> {
    let record = load_for(caller, id, Action::Submit, Some(expected_version)).await?;
    let facts = customers::row(&caller.db, record.customer_id, customers::Lock::None).await?;
    let (report, errors) = submission_errors(caller, &record).await?;
    if dry_run || !errors.is_empty() {
        return Ok(Submission {
            record,
            report,
            errors,
        });
    }
    let tx = begin_write(&caller.db).await?;
    facts_unchanged_since(&tx.txn, &facts).await?;
    let now = crate::time::now();
    let changes = opportunity::ActiveModel {
        submitted_at: Set(Some(now)),
        ..Default::default()
    };
    let submitted = advance(&tx.txn, &record, OpportunityStatus::Submitted, changes, now).await?;
    audit::record(
        &tx.txn,
        caller,
        "opportunity.submit",
        audit::Subject {
            kind: "Opportunity",
            id,
        },
        Some(snapshot(&record)),
        Some(snapshot(&submitted)),
    )
    .await?;
    tx.commit().await?;
    announce(caller, Some(&record), &submitted).await;
    Ok(Submission {
        record: submitted,
        report,
        errors,
    })
}

/// Withdraws a record that is not yet decided.
pub async fn withdraw(
    caller: &Caller,
    id: i64,
    expected_version: i32,
) -> AppResult<opportunity::Model> {
    move_only(
        caller,
        id,
        expected_version,
        Action::Withdraw,
        "opportunity.withdraw",
    )
    .await
}

/// An arrow that changes nothing but the status: check, move, audit, in one transaction.
pub(super) async fn move_only(
    caller: &Caller,
    id: i64,
    expected_version: i32,
    action: Action,
    audit_action: &str,
) -> AppResult<opportunity::Model> {
    let record = load_for(caller, id, action, Some(expected_version)).await?;
    let to = lifecycle::next_status(record.status, action)
        .ok_or_else(|| AppError::Internal("load_for admitted an action without an arrow".into()))?;
    let tx = begin_write(&caller.db).await?;
    let moved = advance(&tx.txn, &record, to, Default::default(), crate::time::now()).await?;
    let subject = audit::Subject {
        kind: "Opportunity",
        id,
    };
    audit::record(
        &tx.txn,
        caller,
        audit_action,
        subject,
        Some(snapshot(&record)),
        Some(snapshot(&moved)),
    )
    .await?;
    tx.commit().await?;
    announce(caller, Some(&record), &moved).await;
    Ok(moved)
}

/// Answers the reviewer's question and resubmits: ACTION_REQUIRED → SUBMITTED, with the answer on the thread.
pub async fn reply(
    caller: &Caller,
    id: i64,
    expected_version: i32,
    body: &str,
) -> AppResult<Submission> {
    let record = load_for(caller, id, Action::Reply, Some(expected_version)).await?;
    let body = values::text(body, policy::MAX_USE_CASE_CHARS)
        .map_err(|invalid| AppError::invalid(&["input", "body"], invalid.code, invalid.message))?;
    let facts = customers::row(&caller.db, record.customer_id, customers::Lock::None).await?;
    let (report, errors) = submission_errors(caller, &record).await?;
    if !errors.is_empty() {
        return Ok(Submission {
            record,
            report,
            errors,
        });
    }
    let tx = begin_write(&caller.db).await?;
    facts_unchanged_since(&tx.txn, &facts).await?;
    let now = crate::time::now();
    let resubmitted = advance(
        &tx.txn,
        &record,
        OpportunityStatus::Submitted,
        Default::default(),
        now,
    )
    .await?;
    entity::clarification_message::ActiveModel {
        opportunity_id: Set(id),
        author_user_id: Set(caller.principal.user_id),
        body: Set(body),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    audit::record(
        &tx.txn,
        caller,
        "opportunity.reply",
        audit::Subject {
            kind: "Opportunity",
            id,
        },
        Some(snapshot(&record)),
        Some(snapshot(&resubmitted)),
    )
    .await?;
    tx.commit().await?;
    announce(caller, Some(&record), &resubmitted).await;
    Ok(Submission {
        record: resubmitted,
        report,
        errors,
    })
}
