//! Customers (the startups credits are filed for): scoped lookups, listing, credit totals, and creating and
//! updating them (partners for their own firm, admins for anyone).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{
    credit_grant, customer,
    enums::{FundingSource, FundingStage, OpportunityStatus},
    opportunity,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};

use super::{
    Caller,
    audit::{self, Subject},
    input::{self, Changes, FieldErrors},
    like_pattern,
    pagination::{Ordering, Page, PageRequest, SortDirection, SortKey, SortKeyKind, paginate},
    scope,
};
use crate::{
    auth::Actor,
    domain::{
        lifecycle,
        values::{AwsAccountId, CountryCode, Share, UsdAmount, Website, sum_usd, text},
    },
    error::{AppError, AppResult},
    policy,
};

#[derive(Clone, Debug, Default)]
pub struct CustomerFilter {
    /// Case-insensitive substring of the legal name, or an exact AWS account ID.
    pub search: Option<String>,
    pub countries: Vec<String>,
    pub funding_stages: Vec<FundingStage>,
    pub created_after: Option<DateTime<Utc>>,
    pub updated_after: Option<DateTime<Utc>>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CustomerOrderField {
    LegalName,
    #[default]
    CreatedAt,
    UpdatedAt,
}

fn ordering(
    field: CustomerOrderField,
    direction: SortDirection,
) -> (Ordering<customer::Entity>, SortKeyKind) {
    let (tag, column, key_of, kind): (_, _, fn(&customer::Model) -> SortKey, _) = match field {
        CustomerOrderField::LegalName => (
            "legalName",
            customer::Column::LegalName,
            |m| SortKey::Text(m.legal_name.clone()),
            SortKeyKind::Text,
        ),
        CustomerOrderField::CreatedAt => (
            "createdAt",
            customer::Column::CreatedAt,
            |m| SortKey::Time(m.created_at),
            SortKeyKind::Time,
        ),
        CustomerOrderField::UpdatedAt => (
            "updatedAt",
            customer::Column::UpdatedAt,
            |m| SortKey::Time(m.updated_at),
            SortKeyKind::Time,
        ),
    };
    (
        Ordering {
            tag,
            column,
            id_column: customer::Column::Id,
            direction,
            key_of,
            id_of: |m| m.id,
        },
        kind,
    )
}

fn filtered(caller: &Caller, filter: &CustomerFilter) -> Select<customer::Entity> {
    let mut condition = Condition::all().add(scope::customers(&caller.principal));
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        condition = condition.add(
            Condition::any()
                .add(
                    Expr::expr(Func::lower(Expr::col(customer::Column::LegalName)))
                        .like(LikeExpr::new(like_pattern(search)).escape('\\')),
                )
                .add(customer::Column::AwsAccountId.eq(search)),
        );
    }
    if !filter.countries.is_empty() {
        condition = condition.add(
            customer::Column::Country.is_in(filter.countries.iter().map(|c| c.to_uppercase())),
        );
    }
    if !filter.funding_stages.is_empty() {
        condition = condition
            .add(customer::Column::FundingStage.is_in(filter.funding_stages.iter().copied()));
    }
    if let Some(after) = filter.created_after {
        condition = condition.add(customer::Column::CreatedAt.gt(after));
    }
    if let Some(after) = filter.updated_after {
        condition = condition.add(customer::Column::UpdatedAt.gt(after));
    }
    customer::Entity::find().filter(condition)
}

pub async fn list(
    caller: &Caller,
    filter: &CustomerFilter,
    field: CustomerOrderField,
    direction: SortDirection,
    page: &PageRequest,
) -> AppResult<Page<customer::Model>> {
    let (ordering, kind) = ordering(field, direction);
    paginate(&caller.db, filtered(caller, filter), &ordering, kind, page).await
}

pub async fn count(caller: &Caller, filter: &CustomerFilter) -> AppResult<u64> {
    Ok(filtered(caller, filter).count(&caller.db).await?)
}

/// One customer the caller may see; `NOT_FOUND` otherwise.
pub async fn get(caller: &Caller, id: i64) -> AppResult<customer::Model> {
    customer::Entity::find_by_id(id)
        .filter(scope::customers(&caller.principal))
        .one(&caller.db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Batch load by id, for references from rows the caller already sees.
pub async fn load_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, customer::Model>> {
    super::rows_by_id::<customer::Entity>(db, customer::Column::Id, ids, |m| m.id).await
}

/// The given customers that the caller may see; others are absent.
pub async fn visible_by_ids(
    caller: &Caller,
    ids: &[i64],
) -> AppResult<HashMap<i64, customer::Model>> {
    let rows = customer::Entity::find()
        .filter(scope::customers(&caller.principal))
        .filter(customer::Column::Id.is_in(ids.iter().copied()))
        .all(&caller.db)
        .await?;
    Ok(rows.into_iter().map(|row| (row.id, row)).collect())
}

/// Credits a customer holds: unexpired grants, plus the earlier self-serve credit unless a Portfolio grant has
/// superseded it (DESIGN.md §8).
pub fn total_credits_usd(
    customer: &customer::Model,
    grants: &[(credit_grant::Model, FundingSource)],
    now: DateTime<Utc>,
) -> i64 {
    let live = grants
        .iter()
        .filter(|(g, _)| g.expires_at > now)
        .map(|(g, _)| g.face_value_usd);
    let superseded = grants
        .iter()
        .any(|(_, source)| *source == FundingSource::ActivatePortfolio);
    let self_serve = if superseded {
        0
    } else {
        customer.self_serve_credit_usd
    };
    sum_usd(live.chain([self_serve]))
}

/// The grants of the given customers that the caller may see (those of records it sees), each with the funding
/// source of its record, oldest first.
pub async fn grants_by_customer(
    caller: &Caller,
    customer_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<(credit_grant::Model, FundingSource)>>> {
    let rows = credit_grant::Entity::find()
        .find_also_related(opportunity::Entity)
        .filter(credit_grant::Column::CustomerId.is_in(customer_ids.iter().copied()))
        .filter(scope::opportunities(&caller.principal))
        .order_by_asc(credit_grant::Column::Id)
        .all(&caller.db)
        .await?;
    let with_source = rows
        .into_iter()
        .map(|(grant, record)| match record {
            Some(record) => Ok((grant, record.funding_source)),
            None => Err(AppError::Internal(format!(
                "grant {} has no record",
                grant.id
            ))),
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(super::group_by(with_source, |(grant, _)| grant.customer_id))
}

// ---- writes --------------------------------------------------------------------------------------------------------

/// A new customer as the client sent it; [`create`] parses every field.
#[derive(Clone, Debug)]
pub struct NewCustomer {
    pub legal_name: String,
    pub website: String,
    pub aws_account_id: String,
    pub country: String,
    pub incorporated: bool,
    pub funding_stage: FundingStage,
    pub engineer_count: i32,
    pub months_on_aws: i32,
    pub monthly_aws_spend_usd: i64,
    pub marketplace_spend_share: f64,
    pub competes_with_aws: bool,
    /// Defaults to 0.
    pub self_serve_credit_usd: Option<i64>,
}

/// A partial update: absent fields keep their value.
#[derive(Clone, Debug, Default)]
pub struct CustomerChanges {
    pub legal_name: Option<String>,
    pub website: Option<String>,
    pub aws_account_id: Option<String>,
    pub country: Option<String>,
    pub incorporated: Option<bool>,
    pub funding_stage: Option<FundingStage>,
    pub engineer_count: Option<i32>,
    pub months_on_aws: Option<i32>,
    pub monthly_aws_spend_usd: Option<i64>,
    pub marketplace_spend_share: Option<f64>,
    pub competes_with_aws: Option<bool>,
    pub self_serve_credit_usd: Option<i64>,
}

/// Partners create and update the customers they work with; admins any. Everyone else: `FORBIDDEN`.
fn may_write(caller: &Caller) -> AppResult<()> {
    match caller.principal.actor {
        Actor::Admin | Actor::Partner { .. } => Ok(()),
        _ => Err(AppError::Forbidden(
            "only partners and admins may create or update customers".into(),
        )),
    }
}

/// Every field of an update parsed, each one `None` when absent; all field errors are collected first.
fn parse_changes(input: CustomerChanges) -> AppResult<CustomerChanges> {
    let mut errors = FieldErrors::default();
    let usd = |raw: i64| UsdAmount::parse(raw).map(UsdAmount::value);
    let parsed = CustomerChanges {
        legal_name: errors.check_opt("legalName", input.legal_name, |raw| {
            text(&raw, policy::MAX_SHORT_TEXT_CHARS)
        }),
        website: errors.check_opt("website", input.website, |raw| {
            Website::parse(&raw).map(Website::into_inner)
        }),
        aws_account_id: errors.check_opt("awsAccountId", input.aws_account_id, |raw| {
            AwsAccountId::parse(&raw).map(AwsAccountId::into_inner)
        }),
        country: errors.check_opt("country", input.country, |raw| {
            CountryCode::parse(&raw).map(CountryCode::into_inner)
        }),
        incorporated: input.incorporated,
        funding_stage: input.funding_stage,
        engineer_count: errors.check_opt("engineerCount", input.engineer_count, input::count),
        months_on_aws: errors.check_opt("monthsOnAws", input.months_on_aws, input::count),
        monthly_aws_spend_usd: errors.check_opt(
            "monthlyAwsSpendUsd",
            input.monthly_aws_spend_usd,
            usd,
        ),
        marketplace_spend_share: errors.check_opt(
            "marketplaceSpendShare",
            input.marketplace_spend_share,
            |raw| Share::parse(raw).map(Share::value),
        ),
        competes_with_aws: input.competes_with_aws,
        self_serve_credit_usd: errors.check_opt(
            "selfServeCreditUsd",
            input.self_serve_credit_usd,
            usd,
        ),
    };
    errors.finish()?;
    Ok(parsed)
}

/// A unique violation on write can only be the AWS account ID: credits attach to it, so two customers never share
/// one.
fn duplicate_account(err: sea_orm::DbErr) -> AppError {
    if super::is_unique_violation(&err) {
        AppError::invalid(
            &["input", "awsAccountId"],
            "DUPLICATE_AWS_ACCOUNT_ID",
            "another customer already has this AWS account ID",
        )
    } else {
        err.into()
    }
}

/// The customer's fields as audit JSON, keyed by their GraphQL names.
fn audit_json(c: &customer::Model) -> serde_json::Value {
    serde_json::json!({
        "legalName": c.legal_name,
        "website": c.website,
        "awsAccountId": c.aws_account_id,
        "country": c.country,
        "incorporated": c.incorporated,
        "fundingStage": c.funding_stage.as_str(),
        "engineerCount": c.engineer_count,
        "monthsOnAws": c.months_on_aws,
        "monthlyAwsSpendUsd": c.monthly_aws_spend_usd,
        "marketplaceSpendShare": c.marketplace_spend_share,
        "competesWithAws": c.competes_with_aws,
        "selfServeCreditUsd": c.self_serve_credit_usd,
        "ownerPartnerId": c.owner_partner_id,
    })
}

/// Whether [`row`] locks the customer for the rest of its transaction.
pub(crate) enum Lock {
    None,
    /// `FOR UPDATE` on PostgreSQL; SQLite serializes its writers already.
    Exclusive,
}

/// A customer row for a write path, unscoped (the caller has already been shown to work on one of its records).
pub(crate) async fn row(
    db: &impl ConnectionTrait,
    id: i64,
    lock: Lock,
) -> AppResult<customer::Model> {
    let select = customer::Entity::find_by_id(id);
    let select = match lock {
        Lock::None => select,
        Lock::Exclusive => select.lock_exclusive(),
    };
    select
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(format!("customer {id} is missing")))
}

/// The customer's records a reviewer is deciding (or has decided) on the facts as filed.
const FACTS_FROZEN: [OpportunityStatus; 3] = [
    OpportunityStatus::Submitted,
    OpportunityStatus::InReview,
    OpportunityStatus::Approved,
];

/// Refuses a change of the customer's facts (the input fields `fields`) while a record of it is under review, and a
/// new AWS account ID once credits were issued to the current one. The customer row must be locked already; this
/// locks its records too (so that a concurrent submission waits for this change, or this change sees the
/// submission) and returns those open to edits (DRAFT, ACTION_REQUIRED), whose checklist now reads other facts.
pub(crate) async fn facts_may_change(
    txn: &impl ConnectionTrait,
    current: &customer::Model,
    fields: &[&str],
) -> AppResult<Vec<opportunity::Model>> {
    let records = opportunity::Entity::find()
        .filter(opportunity::Column::CustomerId.eq(current.id))
        .order_by_asc(opportunity::Column::Id)
        .lock_exclusive()
        .all(txn)
        .await?;
    let mut errors = FieldErrors::default();
    let under_review = |r: &&opportunity::Model| {
        FACTS_FROZEN.contains(&r.status)
            && !lifecycle::closed_without_award(r.status, r.awarded_amount_usd)
    };
    if let Some(frozen) = records.iter().find(under_review) {
        for field in fields {
            errors.add(
                field,
                "RECORD_UNDER_REVIEW",
                format!(
                    "record {} is {}: the reviewer decides on the customer's facts as filed; they can change once \
                     it is decided, sent back for clarification or withdrawn",
                    frozen.reference,
                    frozen.status.as_str()
                ),
            );
        }
    }
    if fields.contains(&"awsAccountId") {
        let granted = credit_grant::Entity::find()
            .filter(
                Condition::any()
                    .add(credit_grant::Column::CustomerId.eq(current.id))
                    .add(credit_grant::Column::AwsAccountId.eq(current.aws_account_id.as_str())),
            )
            .count(txn)
            .await?;
        if granted > 0 {
            errors.add(
                "awsAccountId",
                "ACCOUNT_HAS_GRANTS",
                "credits were issued to this AWS account; grants are bound to it, so the account ID cannot change",
            );
        }
    }
    errors.finish()?;
    Ok(records
        .into_iter()
        .filter(|r| {
            matches!(
                r.status,
                OpportunityStatus::Draft | OpportunityStatus::ActionRequired
            )
        })
        .collect())
}

/// Moves the version of the records whose checklist reads the changed facts, so that an edit or a resubmission
/// made against the old facts is a `CONFLICT` and the filer reloads.
pub(crate) async fn bump_open_records(
    txn: &impl ConnectionTrait,
    caller: &Caller,
    records: &[opportunity::Model],
    now: DateTime<Utc>,
) -> AppResult<()> {
    for record in records {
        let mut row: opportunity::ActiveModel = record.clone().into();
        row.version = Set(record.version + 1);
        row.updated_at = Set(now);
        row.update(txn).await?;
        audit::record(
            txn,
            caller,
            "opportunity.customer_changed",
            Subject {
                kind: "Opportunity",
                id: record.id,
            },
            Some(serde_json::json!({ "version": record.version })),
            Some(serde_json::json!({ "version": record.version + 1 })),
        )
        .await?;
    }
    Ok(())
}

/// Creates a customer. A partner's customer is owned by its firm (and so visible to it); an admin's has no owner.
pub async fn create(caller: &Caller, input: NewCustomer) -> AppResult<customer::Model> {
    may_write(caller)?;
    let owner_partner_id = match caller.principal.actor {
        Actor::Partner { partner_id } => Some(partner_id),
        _ => None,
    };
    let row = new_row(input, owner_partner_id)?;
    let tx = super::begin_write(&caller.db).await?;
    let created = insert(&tx.txn, caller, row).await?;
    tx.commit().await?;
    Ok(created)
}

/// Parses every field of a new customer (all field errors at once, addressed `["input", <field>]`) into the row to
/// insert. Shared with accepting an inquiry, which creates its customer with the same rules.
pub(crate) fn new_row(
    input: NewCustomer,
    owner_partner_id: Option<i64>,
) -> AppResult<customer::ActiveModel> {
    let parsed = parse_changes(CustomerChanges {
        legal_name: Some(input.legal_name),
        website: Some(input.website),
        aws_account_id: Some(input.aws_account_id),
        country: Some(input.country),
        incorporated: Some(input.incorporated),
        funding_stage: Some(input.funding_stage),
        engineer_count: Some(input.engineer_count),
        months_on_aws: Some(input.months_on_aws),
        monthly_aws_spend_usd: Some(input.monthly_aws_spend_usd),
        marketplace_spend_share: Some(input.marketplace_spend_share),
        competes_with_aws: Some(input.competes_with_aws),
        self_serve_credit_usd: Some(input.self_serve_credit_usd.unwrap_or(0)),
    })?;
    let now = crate::time::now();
    // Every field is present in a create, so each parsed value is `Some`; `Set` of a default would be a bug.
    let required = || AppError::Internal("a parsed customer field is missing".into());
    Ok(customer::ActiveModel {
        legal_name: Set(parsed.legal_name.ok_or_else(required)?),
        website: Set(parsed.website.ok_or_else(required)?),
        aws_account_id: Set(parsed.aws_account_id.ok_or_else(required)?),
        country: Set(parsed.country.ok_or_else(required)?),
        incorporated: Set(parsed.incorporated.ok_or_else(required)?),
        funding_stage: Set(parsed.funding_stage.ok_or_else(required)?),
        engineer_count: Set(parsed.engineer_count.ok_or_else(required)?),
        months_on_aws: Set(parsed.months_on_aws.ok_or_else(required)?),
        monthly_aws_spend_usd: Set(parsed.monthly_aws_spend_usd.ok_or_else(required)?),
        marketplace_spend_share: Set(parsed.marketplace_spend_share.ok_or_else(required)?),
        competes_with_aws: Set(parsed.competes_with_aws.ok_or_else(required)?),
        self_serve_credit_usd: Set(parsed.self_serve_credit_usd.ok_or_else(required)?),
        owner_partner_id: Set(owner_partner_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
}

/// Inserts a parsed customer inside the caller's transaction and records its `customer.create` audit event.
pub(crate) async fn insert(
    txn: &impl ConnectionTrait,
    caller: &Caller,
    row: customer::ActiveModel,
) -> AppResult<customer::Model> {
    let created = row.insert(txn).await.map_err(duplicate_account)?;
    audit::record(
        txn,
        caller,
        "customer.create",
        Subject {
            kind: "Customer",
            id: created.id,
        },
        None,
        Some(audit_json(&created)),
    )
    .await?;
    Ok(created)
}

/// Updates the given fields of a customer the caller may see (`NOT_FOUND` otherwise). Only fields whose value
/// changes are written and audited; an update that changes nothing writes nothing and returns the customer as is.
pub async fn update(
    caller: &Caller,
    id: i64,
    changes: CustomerChanges,
) -> AppResult<customer::Model> {
    may_write(caller)?;
    let parsed = parse_changes(changes)?;

    let tx = super::begin_write(&caller.db).await?;
    let current = customer::Entity::find_by_id(id)
        .filter(scope::customers(&caller.principal))
        .lock_exclusive()
        .one(&tx.txn)
        .await?
        .ok_or(AppError::NotFound)?;

    let mut diff = Changes::default();
    let mut row: customer::ActiveModel = current.clone().into();
    if let Some(v) = diff.field("legalName", &current.legal_name, parsed.legal_name) {
        row.legal_name = Set(v);
    }
    if let Some(v) = diff.field("website", &current.website, parsed.website) {
        row.website = Set(v);
    }
    if let Some(v) = diff.field(
        "awsAccountId",
        &current.aws_account_id,
        parsed.aws_account_id,
    ) {
        row.aws_account_id = Set(v);
    }
    if let Some(v) = diff.field("country", &current.country, parsed.country) {
        row.country = Set(v);
    }
    if let Some(v) = diff.field("incorporated", &current.incorporated, parsed.incorporated) {
        row.incorporated = Set(v);
    }
    if let Some(v) = diff.field("fundingStage", &current.funding_stage, parsed.funding_stage) {
        row.funding_stage = Set(v);
    }
    if let Some(v) = diff.field(
        "engineerCount",
        &current.engineer_count,
        parsed.engineer_count,
    ) {
        row.engineer_count = Set(v);
    }
    if let Some(v) = diff.field("monthsOnAws", &current.months_on_aws, parsed.months_on_aws) {
        row.months_on_aws = Set(v);
    }
    if let Some(v) = diff.field(
        "monthlyAwsSpendUsd",
        &current.monthly_aws_spend_usd,
        parsed.monthly_aws_spend_usd,
    ) {
        row.monthly_aws_spend_usd = Set(v);
    }
    if let Some(v) = diff.field(
        "marketplaceSpendShare",
        &current.marketplace_spend_share,
        parsed.marketplace_spend_share,
    ) {
        row.marketplace_spend_share = Set(v);
    }
    if let Some(v) = diff.field(
        "competesWithAws",
        &current.competes_with_aws,
        parsed.competes_with_aws,
    ) {
        row.competes_with_aws = Set(v);
    }
    if let Some(v) = diff.field(
        "selfServeCreditUsd",
        &current.self_serve_credit_usd,
        parsed.self_serve_credit_usd,
    ) {
        row.self_serve_credit_usd = Set(v);
    }
    if diff.is_empty() {
        return Ok(current);
    }
    let now = crate::time::now();
    let changed: Vec<&str> = diff.fields().collect();
    let open_records = facts_may_change(&tx.txn, &current, &changed).await?;
    row.updated_at = Set(now);
    let updated = row.update(&tx.txn).await.map_err(duplicate_account)?;
    bump_open_records(&tx.txn, caller, &open_records, now).await?;
    let (before, after) = diff.into_audit();
    audit::record(
        &tx.txn,
        caller,
        "customer.update",
        Subject {
            kind: "Customer",
            id,
        },
        before,
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(updated)
}
