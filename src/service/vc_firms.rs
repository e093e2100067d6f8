//! VC firms and their funding attestations. The firm directory is visible to every signed-in caller and managed by
//! admins; attestations are scoped (a VC firm never sees another firm's attestations) and written by VC users, always
//! as their own firm.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    customer,
    enums::{FundingStage, VcReputation},
    funding_attestation, vc_firm,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};

use super::{
    Caller,
    audit::{self, Subject},
    idempotency::{self, Claim},
    input::{Changes, FieldErrors},
    pagination::{Ordering, Page, PageRequest, SortDirection, SortKey, SortKeyKind, paginate},
    scope,
};
use crate::{
    auth::Actor,
    domain::values::{AwsAccountId, UsdAmount, text},
    error::{AppError, AppResult},
    policy,
};

fn by_name() -> Ordering<vc_firm::Entity> {
    Ordering {
        tag: "name",
        column: vc_firm::Column::Name,
        id_column: vc_firm::Column::Id,
        direction: SortDirection::Asc,
        key_of: |m| SortKey::Text(m.name.clone()),
        id_of: |m| m.id,
    }
}

/// Which VC firms to list; every given condition must hold.
#[derive(Clone, Debug, Default)]
pub struct VcFirmFilter {
    /// Case-insensitive substring of the name.
    pub search: Option<String>,
    pub portfolio_access: Option<bool>,
    pub reputations: Vec<VcReputation>,
    /// Firms changed after this instant, for delta sync.
    pub updated_after: Option<DateTime<Utc>>,
}

fn filtered(filter: &VcFirmFilter) -> Select<vc_firm::Entity> {
    let mut condition = Condition::all();
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        condition = condition.add(
            Expr::expr(Func::lower(Expr::col(vc_firm::Column::Name)))
                .like(LikeExpr::new(super::like_pattern(search)).escape('\\')),
        );
    }
    if let Some(access) = filter.portfolio_access {
        condition = condition.add(vc_firm::Column::PortfolioAccess.eq(access));
    }
    if !filter.reputations.is_empty() {
        condition =
            condition.add(vc_firm::Column::Reputation.is_in(filter.reputations.iter().copied()));
    }
    if let Some(at) = filter.updated_after {
        condition = condition.add(vc_firm::Column::UpdatedAt.gt(at));
    }
    vc_firm::Entity::find().filter(condition)
}

/// The firm directory (visible to every signed-in caller), by name.
pub async fn list(
    caller: &Caller,
    filter: &VcFirmFilter,
    page: &PageRequest,
) -> AppResult<Page<vc_firm::Model>> {
    paginate(
        &caller.db,
        filtered(filter),
        &by_name(),
        SortKeyKind::Text,
        page,
    )
    .await
}

pub async fn count(caller: &Caller, filter: &VcFirmFilter) -> AppResult<u64> {
    Ok(filtered(filter).count(&caller.db).await?)
}

pub async fn get(caller: &Caller, id: i64) -> AppResult<vc_firm::Model> {
    vc_firm::Entity::find_by_id(id)
        .one(&caller.db)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn load_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, vc_firm::Model>> {
    super::rows_by_id::<vc_firm::Entity>(db, vc_firm::Column::Id, ids, |m| m.id).await
}

fn attestations_of_firm(caller: &Caller, vc_firm_id: i64) -> Select<funding_attestation::Entity> {
    funding_attestation::Entity::find().filter(
        Condition::all()
            .add(scope::attestations(&caller.principal))
            .add(funding_attestation::Column::VcFirmId.eq(vc_firm_id)),
    )
}

fn newest_first() -> Ordering<funding_attestation::Entity> {
    Ordering {
        tag: "attestedAt",
        column: funding_attestation::Column::AttestedAt,
        id_column: funding_attestation::Column::Id,
        direction: SortDirection::Desc,
        key_of: |m| SortKey::Time(m.attested_at),
        id_of: |m| m.id,
    }
}

/// A firm's attestations that the caller may see, newest first.
pub async fn attestations(
    caller: &Caller,
    vc_firm_id: i64,
    page: &PageRequest,
) -> AppResult<Page<funding_attestation::Model>> {
    paginate(
        &caller.db,
        attestations_of_firm(caller, vc_firm_id),
        &newest_first(),
        SortKeyKind::Time,
        page,
    )
    .await
}

pub async fn count_attestations(caller: &Caller, vc_firm_id: i64) -> AppResult<u64> {
    Ok(attestations_of_firm(caller, vc_firm_id)
        .count(&caller.db)
        .await?)
}

/// The attestations of the given customers that the caller may see, oldest first.
pub async fn attestations_by_customer(
    caller: &Caller,
    customer_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<funding_attestation::Model>>> {
    let rows = visible_attestations_of(caller, customer_ids)
        .all(&caller.db)
        .await?;
    Ok(super::group_by(rows, |row| row.customer_id))
}

/// The attestations of the given customers that the caller may see, oldest first, as a select to run or extend.
fn visible_attestations_of(
    caller: &Caller,
    customer_ids: &[i64],
) -> Select<funding_attestation::Entity> {
    funding_attestation::Entity::find()
        .filter(scope::attestations(&caller.principal))
        .filter(funding_attestation::Column::CustomerId.is_in(customer_ids.iter().copied()))
        .order_by_asc(funding_attestation::Column::Id)
}

/// An attestation the caller may see, with the VC firm that made it.
pub type AttestationWithFirm = (funding_attestation::Model, vc_firm::Model);

/// [`attestations_by_customer`] with each attestation's VC firm joined in the same statement (a firm referenced by a
/// visible attestation is visible; the foreign key guarantees it exists), for reads that show both.
pub async fn attestations_with_firms_by_customer(
    caller: &Caller,
    db: &impl ConnectionTrait,
    customer_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<AttestationWithFirm>>> {
    use super::positional::{self as p, select as columns};
    let select = visible_attestations_of(caller, customer_ids)
        .select_only()
        .inner_join(vc_firm::Entity);
    let select = columns(
        columns(select, p::funding_attestation::COLUMNS),
        p::vc_firm::COLUMNS,
    );
    let statement = select.build(db.get_database_backend());
    let rows = db.query_all_raw(statement).await?;
    let rows = p::decode_all(rows, |row, at| {
        Ok((
            p::funding_attestation::decode(row, at)?,
            p::vc_firm::decode(row, at)?,
        ))
    })?;
    Ok(super::group_by(rows, |(row, _)| row.customer_id))
}

pub async fn get_attestation(caller: &Caller, id: i64) -> AppResult<funding_attestation::Model> {
    funding_attestation::Entity::find_by_id(id)
        .filter(scope::attestations(&caller.principal))
        .one(&caller.db)
        .await?
        .ok_or(AppError::NotFound)
}

// ---- firms (ADMIN) -------------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
pub struct NewVcFirm {
    pub name: String,
    pub portfolio_access: bool,
    pub reputation: VcReputation,
}

/// A partial update: absent fields keep their value.
#[derive(Clone, Debug, Default)]
pub struct VcFirmChanges {
    pub name: Option<String>,
    pub portfolio_access: Option<bool>,
    pub reputation: Option<VcReputation>,
}

fn admin_only(caller: &Caller, what: &str) -> AppResult<()> {
    if caller.principal.actor == Actor::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!("only admins may {what}")))
    }
}

/// Firm names are unique.
fn duplicate_name(err: sea_orm::DbErr) -> AppError {
    if super::is_unique_violation(&err) {
        AppError::invalid(
            &["input", "name"],
            "DUPLICATE_NAME",
            "a VC firm with this name already exists",
        )
    } else {
        err.into()
    }
}

fn firm_json(firm: &vc_firm::Model) -> serde_json::Value {
    serde_json::json!({
        "name": firm.name,
        "portfolioAccess": firm.portfolio_access,
        "reputation": firm.reputation.as_str(),
    })
}

/// Creates a VC firm. ADMIN only.
pub async fn create_firm(caller: &Caller, input: NewVcFirm) -> AppResult<vc_firm::Model> {
    admin_only(caller, "create VC firms")?;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", text(&input.name, policy::MAX_SHORT_TEXT_CHARS));
    errors.finish()?;
    let name = name.ok_or_else(|| AppError::Internal("a parsed name is missing".into()))?;
    let now = crate::time::now();
    let tx = super::begin_write(&caller.db).await?;
    let firm = vc_firm::ActiveModel {
        name: Set(name),
        portfolio_access: Set(input.portfolio_access),
        reputation: Set(input.reputation),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await
    .map_err(duplicate_name)?;
    audit::record(
        &tx.txn,
        caller,
        "vc_firm.create",
        Subject {
            kind: "VcFirm",
            id: firm.id,
        },
        None,
        Some(firm_json(&firm)),
    )
    .await?;
    tx.commit().await?;
    Ok(firm)
}

/// Renames a firm, grants or withdraws Portfolio access, or changes its reputation. ADMIN only. Only changed fields
/// are written and audited; an update that changes nothing writes nothing.
pub async fn update_firm(
    caller: &Caller,
    id: i64,
    changes: VcFirmChanges,
) -> AppResult<vc_firm::Model> {
    admin_only(caller, "update VC firms")?;
    let mut errors = FieldErrors::default();
    let name = errors.check_opt("name", changes.name, |raw| {
        text(&raw, policy::MAX_SHORT_TEXT_CHARS)
    });
    errors.finish()?;

    let tx = super::begin_write(&caller.db).await?;
    let current = vc_firm::Entity::find_by_id(id)
        .lock_exclusive()
        .one(&tx.txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut diff = Changes::default();
    let mut row: vc_firm::ActiveModel = current.clone().into();
    if let Some(v) = diff.field("name", &current.name, name) {
        row.name = Set(v);
    }
    if let Some(v) = diff.field(
        "portfolioAccess",
        &current.portfolio_access,
        changes.portfolio_access,
    ) {
        row.portfolio_access = Set(v);
    }
    if let Some(v) = diff.field("reputation", &current.reputation, changes.reputation) {
        row.reputation = Set(v);
    }
    if diff.is_empty() {
        return Ok(current);
    }
    row.updated_at = Set(crate::time::now());
    let updated = row.update(&tx.txn).await.map_err(duplicate_name)?;
    let (before, after) = diff.into_audit();
    audit::record(
        &tx.txn,
        caller,
        "vc_firm.update",
        Subject { kind: "VcFirm", id },
        before,
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(updated)
}

// ---- attestations (VC) ---------------------------------------------------------------------------------------------

/// The VC firm of a VC caller; any other role may never attest or revoke.
fn own_firm(caller: &Caller, what: &str) -> AppResult<i64> {
    match caller.principal.actor {
        Actor::Vc { vc_firm_id } => Ok(vc_firm_id),
        _ => Err(AppError::Forbidden(format!("only VC firms may {what}"))),
    }
}

/// A funding attestation as the VC's client sent it. The customer is named by exactly one of its ID and its AWS
/// account ID. There is no firm: a VC always attests as its own firm.
#[derive(Clone, Debug)]
pub struct NewAttestation {
    pub customer_id: Option<i64>,
    pub aws_account_id: Option<String>,
    pub round: FundingStage,
    pub amount_usd: i64,
    pub closed_on: NaiveDate,
    pub idempotency_key: Option<String>,
}

/// What an idempotency key remembers of an attestation: the request after the customer is resolved, so that naming
/// the same company by ID or by AWS account ID is the same request.
#[derive(serde::Serialize)]
struct AttestationFingerprint {
    customer_id: i64,
    round: FundingStage,
    amount_usd: i64,
    closed_on: NaiveDate,
}

const ATTEST_SCOPE: &str = "attestFunding";

/// A firm attests one round of a company once: the same round, amount and close date again would count the same
/// money twice as funding evidence.
fn duplicate_attestation() -> AppError {
    AppError::invalid(
        &["input"],
        "DUPLICATE_ATTESTATION",
        "your firm already attests this company's round with the same amount and close date",
    )
}

/// Rounds a VC can attest: startup funding stages, not the enterprise or public-sector segments.
fn is_startup_round(round: FundingStage) -> bool {
    !matches!(round, FundingStage::Enterprise | FundingStage::PublicSector)
}

/// Attests that a customer closed a funding round, as the caller's own VC firm. VC only (`FORBIDDEN` otherwise).
///
/// Any company may be attested, so the customer is looked up unscoped (`NOT_FOUND` when it does not exist). With an
/// idempotency key, a retry with the same input returns the first attestation and another input is a `CONFLICT`.
pub async fn attest(
    caller: &Caller,
    input: NewAttestation,
) -> AppResult<funding_attestation::Model> {
    let vc_firm_id = own_firm(caller, "attest funding")?;
    let mut errors = FieldErrors::default();
    let aws_account_id = match (input.customer_id, input.aws_account_id.as_deref()) {
        (Some(_), None) => None,
        (None, Some(raw)) => errors.check("awsAccountId", AwsAccountId::parse(raw)),
        _ => {
            errors.add(
                "customerId",
                "CUSTOMER_REFERENCE_REQUIRED",
                "name the customer by exactly one of customerId and awsAccountId",
            );
            None
        }
    };
    if input.amount_usd <= 0 {
        errors.add(
            "amountUsd",
            "NON_POSITIVE_AMOUNT",
            "the round's amount must be a positive number of US dollars",
        );
    } else {
        errors.check("amountUsd", UsdAmount::parse(input.amount_usd));
    }
    let earliest = policy::EARLIEST_ROUND_CLOSE;
    if input.closed_on < earliest {
        errors.add(
            "closedOn",
            "CLOSED_ON_OUT_OF_RANGE",
            format!("a round attested here closed on {earliest} or later"),
        );
    }
    if input.closed_on > crate::time::now().date_naive() {
        errors.add(
            "closedOn",
            "CLOSED_IN_FUTURE",
            "a round cannot be attested before it closes",
        );
    }
    if !is_startup_round(input.round) {
        errors.add(
            "round",
            "NOT_A_STARTUP_ROUND",
            "only startup funding rounds can be attested, not enterprise or public-sector segments",
        );
    }
    errors.finish()?;

    let customer = match (input.customer_id, aws_account_id) {
        (Some(id), _) => customer::Entity::find_by_id(id).one(&caller.db).await?,
        (None, Some(account)) => {
            customer::Entity::find()
                .filter(customer::Column::AwsAccountId.eq(account.into_inner()))
                .one(&caller.db)
                .await?
        }
        (None, None) => None,
    }
    .ok_or(AppError::NotFound)?;

    let key = input.idempotency_key.as_deref();
    let hash = idempotency::fingerprint(&AttestationFingerprint {
        customer_id: customer.id,
        round: input.round,
        amount_usd: input.amount_usd,
        closed_on: input.closed_on,
    });

    let tx = super::begin_write(&caller.db).await?;
    let claim = match key {
        None => None,
        Some(key) => match idempotency::claim(&tx.txn, caller, ATTEST_SCOPE, key, &hash).await {
            Ok(Claim::Fresh(claim)) => Some(claim),
            Ok(Claim::Replay(id)) => {
                tx.txn.rollback().await?;
                return get_attestation(caller, id).await;
            }
            Err(AppError::Conflict(message)) if message == idempotency::RACE => {
                // A concurrent request with this key committed first: replay its result.
                tx.txn.rollback().await?;
                let id = idempotency::find(&caller.db, caller, ATTEST_SCOPE, key, &hash)
                    .await?
                    .ok_or(AppError::Conflict(message))?;
                return get_attestation(caller, id).await;
            }
            Err(other) => return Err(other),
        },
    };

    let created = funding_attestation::ActiveModel {
        vc_firm_id: Set(vc_firm_id),
        customer_id: Set(customer.id),
        round: Set(input.round),
        amount_usd: Set(input.amount_usd),
        closed_on: Set(input.closed_on),
        attested_by_user_id: Set(caller.principal.user_id),
        attested_at: Set(crate::time::now()),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await
    // The partial unique index on the firm's unrevoked rounds refuses a twin, a concurrent one included.
    .map_err(|err| {
        if super::is_unique_violation(&err) {
            duplicate_attestation()
        } else {
            err.into()
        }
    })?;
    if let Some(claim) = claim {
        idempotency::complete(&tx.txn, claim, created.id).await?;
    }
    audit::record(
        &tx.txn,
        caller,
        "attestation.create",
        Subject {
            kind: "FundingAttestation",
            id: created.id,
        },
        None,
        Some(serde_json::json!({
            "vcFirmId": vc_firm_id,
            "customerId": customer.id,
            "round": input.round.as_str(),
            "amountUsd": input.amount_usd,
            "closedOn": input.closed_on,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

/// Revokes one of the caller's firm's attestations with a reason. The row is kept (revoked, never deleted).
/// VC only (`FORBIDDEN` otherwise); another firm's attestation is `NOT_FOUND`; a revoked one is `ALREADY_REVOKED`.
pub async fn revoke_attestation(
    caller: &Caller,
    id: i64,
    reason: &str,
) -> AppResult<funding_attestation::Model> {
    own_firm(caller, "revoke attestations")?;
    let mut errors = FieldErrors::default();
    let reason = errors.check("reason", text(reason, policy::MAX_REASON_CHARS));
    errors.finish()?;
    let reason = reason.ok_or_else(|| AppError::Internal("a parsed reason is missing".into()))?;

    let tx = super::begin_write(&caller.db).await?;
    let current = funding_attestation::Entity::find_by_id(id)
        .filter(scope::attestations(&caller.principal))
        .lock_exclusive()
        .one(&tx.txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if current.revoked_at.is_some() {
        return Err(AppError::invalid(
            &["input", "id"],
            "ALREADY_REVOKED",
            "this attestation is already revoked",
        ));
    }
    let now = crate::time::now();
    let mut row: funding_attestation::ActiveModel = current.into();
    row.revoked_at = Set(Some(now));
    row.revocation_reason = Set(Some(reason.clone()));
    row.revoked_by_user_id = Set(Some(caller.principal.user_id));
    let revoked = row.update(&tx.txn).await?;
    audit::record(
        &tx.txn,
        caller,
        "attestation.revoke",
        Subject {
            kind: "FundingAttestation",
            id,
        },
        Some(serde_json::json!({ "revokedAt": null })),
        Some(serde_json::json!({ "revokedAt": now, "revocationReason": reason })),
    )
    .await?;
    tx.commit().await?;
    Ok(revoked)
}

/// What a VC learns of a company before attesting it: its ID and legal name, nothing else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerLookup {
    pub id: i64,
    pub legal_name: String,
}

/// Finds a company by its exact AWS account ID, for a VC's back office about to attest it (VC and ADMIN only).
/// `None` when no customer has that account; a malformed account ID is `BAD_USER_INPUT`.
pub async fn lookup_customer(
    caller: &Caller,
    aws_account_id: &str,
) -> AppResult<Option<CustomerLookup>> {
    if !matches!(caller.principal.actor, Actor::Vc { .. } | Actor::Admin) {
        return Err(AppError::Forbidden(
            "only VC firms and admins may look customers up by AWS account ID".into(),
        ));
    }
    let account = AwsAccountId::parse(aws_account_id)
        .map_err(|invalid| AppError::BadUserInput(invalid.message))?;
    let found: Option<(i64, String)> = customer::Entity::find()
        .select_only()
        .column(customer::Column::Id)
        .column(customer::Column::LegalName)
        .filter(customer::Column::AwsAccountId.eq(account.into_inner()))
        .into_tuple()
        .one(&caller.db)
        .await?;
    Ok(found.map(|(id, legal_name)| CustomerLookup { id, legal_name }))
}
