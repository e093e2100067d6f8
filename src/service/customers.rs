//! Customers (the startups credits are filed for): scoped lookups, listing and credit totals.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{
    credit_grant, customer,
    enums::{FundingSource, FundingStage},
    opportunity,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    Select,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};

use super::{
    Caller, like_pattern,
    pagination::{Ordering, Page, PageRequest, SortDirection, SortKey, SortKeyKind, paginate},
    scope,
};
use crate::error::{AppError, AppResult};

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

/// Credits a customer holds: unexpired grants, plus the earlier self-serve credit unless a Portfolio grant has
/// superseded it (DESIGN.md §8).
pub fn total_credits_usd(
    customer: &customer::Model,
    grants: &[(credit_grant::Model, FundingSource)],
    now: DateTime<Utc>,
) -> i64 {
    let live: i64 = grants
        .iter()
        .filter(|(g, _)| g.expires_at > now)
        .map(|(g, _)| g.face_value_usd)
        .sum();
    let superseded = grants
        .iter()
        .any(|(_, source)| *source == FundingSource::ActivatePortfolio);
    live + if superseded {
        0
    } else {
        customer.self_serve_credit_usd
    }
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
