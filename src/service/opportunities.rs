//! Opportunity records and what hangs off them (consumption lines, decisions, messages, grants): scoped lookups
//! and listing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{
    clarification_message, consumption_line, credit_grant, customer,
    enums::{FundingSource, OpportunityStatus},
    funding_attestation, opportunity, partner, review_decision, vc_firm,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QueryResult, QuerySelect, QueryTrait, Select,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};

use super::{
    Caller, like_pattern,
    pagination::{
        Ordering, Page, PageRequest, SortDirection, SortKey, SortKeyKind, keyset, paginate,
    },
    positional, scope,
};
use crate::error::{AppError, AppResult};

#[derive(Clone, Debug, Default)]
pub struct OpportunityFilter {
    pub statuses: Vec<OpportunityStatus>,
    pub funding_sources: Vec<FundingSource>,
    pub partner_id: Option<i64>,
    pub vc_firm_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub submitted_after: Option<DateTime<Utc>>,
    pub submitted_before: Option<DateTime<Utc>>,
    pub updated_after: Option<DateTime<Utc>>,
    /// Case-insensitive substring of the reference, the filer's own reference or the workload name.
    pub search: Option<String>,
    /// Exactly this reference (`O1000015`).
    pub reference: Option<Reference>,
    /// Exactly this filer's reference, matched on the records whose content the caller may read (the filer's
    /// reference is content: a VC firm's status view of another filer's record does not show it).
    pub partner_reference: Option<String>,
}

/// A record's reference as a client types it, parsed: surrounding blanks dropped and the `O` upper-cased, so that
/// ` o1000015 ` finds `O1000015`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference(String);

impl Reference {
    pub fn parse(text: &str) -> Self {
        Self(text.trim().to_uppercase())
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OpportunityOrderField {
    #[default]
    CreatedAt,
    UpdatedAt,
    RequestedAmount,
    Reference,
}

fn ordering(
    field: OpportunityOrderField,
    direction: SortDirection,
) -> (Ordering<opportunity::Entity>, SortKeyKind) {
    use opportunity::Column as C;
    let (tag, column, key_of, kind): (_, _, fn(&opportunity::Model) -> SortKey, _) = match field {
        OpportunityOrderField::CreatedAt => (
            "createdAt",
            C::CreatedAt,
            |m| SortKey::Time(m.created_at),
            SortKeyKind::Time,
        ),
        OpportunityOrderField::UpdatedAt => (
            "updatedAt",
            C::UpdatedAt,
            |m| SortKey::Time(m.updated_at),
            SortKeyKind::Time,
        ),
        OpportunityOrderField::RequestedAmount => (
            "requestedAmountUsd",
            C::RequestedAmountUsd,
            |m| SortKey::Int(m.requested_amount_usd),
            SortKeyKind::Int,
        ),
        OpportunityOrderField::Reference => (
            "reference",
            C::Reference,
            |m| SortKey::Text(m.reference.clone()),
            SortKeyKind::Text,
        ),
    };
    (
        Ordering {
            tag,
            column,
            id_column: C::Id,
            direction,
            key_of,
            id_of: |m| m.id,
        },
        kind,
    )
}

fn filtered(caller: &Caller, filter: &OpportunityFilter) -> Select<opportunity::Entity> {
    use opportunity::Column as C;
    let mut condition = Condition::all().add(scope::opportunities(&caller.principal));
    if !filter.statuses.is_empty() {
        condition = condition.add(C::Status.is_in(filter.statuses.iter().copied()));
    }
    if !filter.funding_sources.is_empty() {
        condition = condition.add(C::FundingSource.is_in(filter.funding_sources.iter().copied()));
    }
    if let Some(id) = filter.partner_id {
        condition = condition.add(C::PartnerId.eq(id));
    }
    if let Some(id) = filter.vc_firm_id {
        condition = condition.add(C::VcFirmId.eq(id));
    }
    if let Some(id) = filter.customer_id {
        condition = condition.add(C::CustomerId.eq(id));
    }
    if let Some(at) = filter.submitted_after {
        condition = condition.add(C::SubmittedAt.gt(at));
    }
    if let Some(at) = filter.submitted_before {
        condition = condition.add(C::SubmittedAt.lt(at));
    }
    if let Some(at) = filter.updated_after {
        condition = condition.add(C::UpdatedAt.gt(at));
    }
    if let Some(Reference(reference)) = &filter.reference {
        condition = condition.add(C::Reference.eq(reference.as_str()));
    }
    if let Some(partner_reference) = &filter.partner_reference {
        condition = condition
            .add(C::PartnerReference.eq(partner_reference.trim()))
            .add(scope::opportunity_content(&caller.principal));
    }
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let pattern = like_pattern(search);
        let matches = |column: C| {
            Expr::expr(Func::lower(Expr::col((opportunity::Entity, column))))
                .like(LikeExpr::new(pattern.clone()).escape('\\'))
        };
        // The filer's reference and the workload name are content: matching them on a record the caller sees the
        // status of only would let it probe that content one search at a time.
        condition = condition.add(
            Condition::any().add(matches(C::Reference)).add(
                Condition::all()
                    .add(scope::opportunity_content(&caller.principal))
                    .add(
                        Condition::any()
                            .add(matches(C::PartnerReference))
                            .add(matches(C::WorkloadName)),
                    ),
            ),
        );
    }
    opportunity::Entity::find().filter(condition)
}

pub async fn list(
    caller: &Caller,
    filter: &OpportunityFilter,
    field: OpportunityOrderField,
    direction: SortDirection,
    page: &PageRequest,
) -> AppResult<Page<opportunity::Model>> {
    let (ordering, kind) = ordering(field, direction);
    paginate(&caller.db, filtered(caller, filter), &ordering, kind, page).await
}

/// A record with the customer it is for and the partner or VC firm that filed it (one of the two, by path).
pub type RecordWithParties = (
    opportunity::Model,
    customer::Model,
    Option<partner::Model>,
    Option<vc_firm::Model>,
);

/// What a joined read fetches beyond the record, its customer and its partner. Each costs on every request: the long
/// free texts (`use_case`, `scope_of_work`) are most of a record's bytes, and every extra join adds to PostgreSQL's
/// planning (about 0.3 ms for the VC firm's, on a plan of about 1 ms), so a page that does not show them skips them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Extras {
    /// Without it, `use_case` and `scope_of_work` read as empty strings.
    pub long_texts: bool,
    /// Without it, the record's VC firm is `None` even on the VC-filed path.
    pub vc_firm: bool,
}

impl Extras {
    pub fn union(self, other: Extras) -> Extras {
        Extras {
            long_texts: self.long_texts || other.long_texts,
            vc_firm: self.vc_firm || other.vc_firm,
        }
    }
}

/// [`list`] with each record's customer and filer (partner or VC firm) joined in the same statement: a page in one
/// round trip. The customer and filer of a record the caller sees are visible with it, as through the loaders.
pub async fn list_with_parties(
    caller: &Caller,
    db: &impl ConnectionTrait,
    filter: &OpportunityFilter,
    field: OpportunityOrderField,
    direction: SortDirection,
    page: &PageRequest,
    extras: Extras,
) -> AppResult<Page<RecordWithParties>> {
    let (ordering, kind) = ordering(field, direction);
    let (select, shape) = keyset(filtered(caller, filter), &ordering, kind, page)?;
    let rows = with_parties(db, select, extras).await?;
    Ok(shape.into_page(rows, &ordering, |(record, _, _, _)| record))
}

/// [`get`] with the record's customer and filer, in one statement.
pub async fn get_with_parties(
    caller: &Caller,
    db: &impl ConnectionTrait,
    id: i64,
    extras: Extras,
) -> AppResult<RecordWithParties> {
    let select =
        opportunity::Entity::find_by_id(id).filter(scope::opportunities(&caller.principal));
    with_parties(db, select, extras)
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)
}

/// Runs a select of records joined to their customer and filer (see [`parties_select`]).
async fn with_parties(
    db: &impl ConnectionTrait,
    select: Select<opportunity::Entity>,
    extras: Extras,
) -> AppResult<Vec<RecordWithParties>> {
    let statement = parties_select(select, extras).build(db.get_database_backend());
    let rows = db.query_all_raw(statement).await?;
    Ok(positional::decode_all(rows, |row, at| {
        decode_parties(row, at, extras)
    })?)
}

/// `select` of records joined to their customer (always present: a foreign key), partner and, with
/// `extras.vc_firm`, VC firm (whichever filed it), each entity's columns in [`positional`] order.
fn parties_select(
    select: Select<opportunity::Entity>,
    extras: Extras,
) -> Select<opportunity::Entity> {
    use opportunity::Column as C;
    use positional::{self as p, select as columns};
    let select = p::opportunity::COLUMNS
        .iter()
        .fold(select.select_only(), |select, &column| {
            if !extras.long_texts && matches!(column, C::UseCase | C::ScopeOfWork) {
                // Keeps the position, so that the row decodes the same way.
                select.expr(Expr::cust("''"))
            } else {
                select.column(column)
            }
        })
        .inner_join(customer::Entity)
        .left_join(partner::Entity);
    let select = columns(columns(select, p::customer::COLUMNS), p::partner::COLUMNS);
    if extras.vc_firm {
        columns(select.left_join(vc_firm::Entity), p::vc_firm::COLUMNS)
    } else {
        select
    }
}

/// The record and parties of a row of [`parties_select`], from column `*at` on.
fn decode_parties(
    row: &QueryResult,
    at: &mut usize,
    extras: Extras,
) -> Result<RecordWithParties, DbErr> {
    use positional as p;
    Ok((
        p::opportunity::decode(row, at)?,
        p::customer::decode(row, at)?,
        p::partner::decode_optional(row, at)?,
        if extras.vc_firm {
            p::vc_firm::decode_optional(row, at)?
        } else {
            None
        },
    ))
}

/// [`get_with_parties`] and the attestations of the record's customer that the caller may see (oldest first, as
/// `vc_firms::attestations_with_firms_by_customer` reads them), in one statement: the attestations are left-joined,
/// one row each, or one row without any.
pub async fn get_with_parties_and_attestations(
    caller: &Caller,
    db: &impl ConnectionTrait,
    id: i64,
    extras: Extras,
) -> AppResult<(RecordWithParties, Vec<super::vc_firms::AttestationWithFirm>)> {
    use positional::{self as p, select as columns};
    use sea_orm::sea_query::{Alias, JoinType};
    // The record's own filer may be a VC firm too (`extras.vc_firm`): the attestations' firms get a name of their own.
    let firms = Alias::new("attestation_vc_firms");
    let mut select = parties_select(
        opportunity::Entity::find_by_id(id).filter(scope::opportunities(&caller.principal)),
        extras,
    );
    QueryTrait::query(&mut select)
        .join(
            JoinType::LeftJoin,
            funding_attestation::Entity,
            Condition::all()
                .add(
                    Expr::col((
                        funding_attestation::Entity,
                        funding_attestation::Column::CustomerId,
                    ))
                    .equals((opportunity::Entity, opportunity::Column::CustomerId)),
                )
                .add(scope::attestations(&caller.principal)),
        )
        .join_as(
            JoinType::LeftJoin,
            vc_firm::Entity,
            firms.clone(),
            Expr::col((firms.clone(), vc_firm::Column::Id)).equals((
                funding_attestation::Entity,
                funding_attestation::Column::VcFirmId,
            )),
        );
    let select = p::vc_firm::COLUMNS.iter().fold(
        columns(select, p::funding_attestation::COLUMNS),
        |select, &column| select.expr(Expr::col((firms.clone(), column))),
    );
    let statement = select
        .order_by_asc(funding_attestation::Column::Id)
        .build(db.get_database_backend());
    let rows = db.query_all_raw(statement).await?;
    let Some(first) = rows.first() else {
        return Err(AppError::NotFound);
    };
    let mut attestations_at = 0;
    let record = decode_parties(first, &mut attestations_at, extras)?;
    let mut attestations = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut at = attestations_at;
        if let Some(attestation) = p::funding_attestation::decode_optional(row, &mut at)? {
            attestations.push((attestation, p::vc_firm::decode(row, &mut at)?));
        }
    }
    Ok((record, attestations))
}

pub async fn count(
    caller: &Caller,
    db: &impl ConnectionTrait,
    filter: &OpportunityFilter,
) -> AppResult<u64> {
    Ok(filtered(caller, filter).count(db).await?)
}

/// One record the caller may see; `NOT_FOUND` otherwise.
pub async fn get(caller: &Caller, id: i64) -> AppResult<opportunity::Model> {
    opportunity::Entity::find_by_id(id)
        .filter(scope::opportunities(&caller.principal))
        .one(&caller.db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The record with this reference, if the caller may see it: `None` when none has it and when the caller may not
/// see the one that does, alike.
pub async fn find_by_reference(
    caller: &Caller,
    reference: &Reference,
) -> AppResult<Option<opportunity::Model>> {
    Ok(opportunity::Entity::find()
        .filter(opportunity::Column::Reference.eq(reference.0.as_str()))
        .filter(scope::opportunities(&caller.principal))
        .one(&caller.db)
        .await?)
}

/// Records by id, for references from rows the caller already sees (a grant's record).
pub async fn load_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, opportunity::Model>> {
    super::rows_by_id::<opportunity::Entity>(db, opportunity::Column::Id, ids, |m| m.id).await
}

/// Projected consumption lines of the given records, in their entered order.
pub async fn consumption_lines(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, Vec<consumption_line::Model>>> {
    let rows = consumption_line::Entity::find()
        .filter(consumption_line::Column::OpportunityId.is_in(ids.iter().copied()))
        .order_by_asc(consumption_line::Column::OpportunityId)
        .order_by_asc(consumption_line::Column::Position)
        .all(db)
        .await?;
    Ok(super::group_by(rows, |r| r.opportunity_id))
}

/// Review decisions of the given records, oldest first (the log is append-only).
pub async fn decisions(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, Vec<review_decision::Model>>> {
    let rows = review_decision::Entity::find()
        .filter(review_decision::Column::OpportunityId.is_in(ids.iter().copied()))
        .order_by_asc(review_decision::Column::Id)
        .all(db)
        .await?;
    Ok(super::group_by(rows, |r| r.opportunity_id))
}

/// Clarification threads of the given records, oldest first.
pub async fn messages(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, Vec<clarification_message::Model>>> {
    let rows = clarification_message::Entity::find()
        .filter(clarification_message::Column::OpportunityId.is_in(ids.iter().copied()))
        .order_by_asc(clarification_message::Column::Id)
        .all(db)
        .await?;
    Ok(super::group_by(rows, |r| r.opportunity_id))
}

/// The credit grant of each given record that has one.
pub async fn grants(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, credit_grant::Model>> {
    let rows = credit_grant::Entity::find()
        .filter(credit_grant::Column::OpportunityId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|g| (g.opportunity_id, g)).collect())
}

/// A review decision the caller may see (through its record).
pub async fn get_decision(caller: &Caller, id: i64) -> AppResult<review_decision::Model> {
    let (decision, record) = review_decision::Entity::find_by_id(id)
        .find_also_related(opportunity::Entity)
        .filter(scope::opportunities(&caller.principal))
        .filter(scope::opportunity_content(&caller.principal))
        .one(&caller.db)
        .await?
        .ok_or(AppError::NotFound)?;
    record.ok_or(AppError::NotFound)?;
    Ok(decision)
}

/// A credit grant the caller may see (through its record).
pub async fn get_grant(caller: &Caller, id: i64) -> AppResult<credit_grant::Model> {
    let (grant, record) = credit_grant::Entity::find_by_id(id)
        .find_also_related(opportunity::Entity)
        .filter(scope::opportunities(&caller.principal))
        .one(&caller.db)
        .await?
        .ok_or(AppError::NotFound)?;
    record.ok_or(AppError::NotFound)?;
    Ok(grant)
}

fn expiring(caller: &Caller, within_days: i64) -> AppResult<Select<credit_grant::Entity>> {
    if !(1..=crate::policy::MAX_EXPIRY_WINDOW_DAYS).contains(&within_days) {
        return Err(AppError::BadUserInput(format!(
            "`withinDays` must be between 1 and {}",
            crate::policy::MAX_EXPIRY_WINDOW_DAYS
        )));
    }
    let now = crate::time::now();
    Ok(credit_grant::Entity::find()
        .inner_join(opportunity::Entity)
        .filter(scope::opportunities(&caller.principal))
        .filter(credit_grant::Column::ExpiresAt.gt(now))
        .filter(credit_grant::Column::ExpiresAt.lte(now + chrono::Duration::days(within_days))))
}

fn soonest_first() -> Ordering<credit_grant::Entity> {
    Ordering {
        tag: "expiresAt",
        column: credit_grant::Column::ExpiresAt,
        id_column: credit_grant::Column::Id,
        direction: SortDirection::Asc,
        key_of: |m| SortKey::Time(m.expires_at),
        id_of: |m| m.id,
    }
}

/// Unexpired grants the caller may see that expire within `within_days`, soonest first: for portals that remind
/// their customers (DESIGN.md §8).
pub async fn expiring_grants(
    caller: &Caller,
    within_days: i64,
    page: &PageRequest,
) -> AppResult<Page<credit_grant::Model>> {
    paginate(
        &caller.db,
        expiring(caller, within_days)?,
        &soonest_first(),
        SortKeyKind::Time,
        page,
    )
    .await
}

pub async fn count_expiring_grants(caller: &Caller, within_days: i64) -> AppResult<u64> {
    Ok(expiring(caller, within_days)?.count(&caller.db).await?)
}
