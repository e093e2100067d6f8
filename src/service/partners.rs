//! Partner firms. The directory (name, tier, regions, specialties) is visible to every signed-in caller, as AWS's
//! own Partner Finder is public; a firm's records and track record are scoped elsewhere.

use std::collections::HashMap;

use entity::{enums::PartnerTier, partner, partner_region, partner_specialty};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
    sea_query::{Expr, ExprTrait, Func, LikeExpr, Query},
};

use super::{
    Caller, like_pattern,
    pagination::{Ordering, Page, PageRequest, SortDirection, SortKey, SortKeyKind, paginate},
};
use crate::error::{AppError, AppResult};

#[derive(Clone, Debug, Default)]
pub struct PartnerFilter {
    pub tiers: Vec<PartnerTier>,
    pub region: Option<String>,
    pub specialty: Option<String>,
    pub search: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PartnerOrderField {
    #[default]
    Name,
    CreatedAt,
}

fn ordering(
    field: PartnerOrderField,
    direction: SortDirection,
) -> (Ordering<partner::Entity>, SortKeyKind) {
    let (tag, column, key_of, kind): (_, _, fn(&partner::Model) -> SortKey, _) = match field {
        PartnerOrderField::Name => (
            "name",
            partner::Column::Name,
            |m| SortKey::Text(m.name.clone()),
            SortKeyKind::Text,
        ),
        PartnerOrderField::CreatedAt => (
            "createdAt",
            partner::Column::CreatedAt,
            |m| SortKey::Time(m.created_at),
            SortKeyKind::Time,
        ),
    };
    (
        Ordering {
            tag,
            column,
            id_column: partner::Column::Id,
            direction,
            key_of,
            id_of: |m| m.id,
        },
        kind,
    )
}

fn filtered(filter: &PartnerFilter) -> Select<partner::Entity> {
    let mut condition = Condition::all();
    if !filter.tiers.is_empty() {
        condition = condition.add(partner::Column::Tier.is_in(filter.tiers.iter().copied()));
    }
    if let Some(region) = filter.region.as_deref() {
        condition = condition.add(
            partner::Column::Id.in_subquery(
                Query::select()
                    .column(partner_region::Column::PartnerId)
                    .from(partner_region::Entity)
                    .and_where(partner_region::Column::Region.eq(region.trim().to_uppercase()))
                    .to_owned(),
            ),
        );
    }
    if let Some(specialty) = filter.specialty.as_deref() {
        condition = condition.add(
            partner::Column::Id.in_subquery(
                Query::select()
                    .column(partner_specialty::Column::PartnerId)
                    .from(partner_specialty::Entity)
                    .and_where(
                        partner_specialty::Column::Specialty.eq(specialty.trim().to_uppercase()),
                    )
                    .to_owned(),
            ),
        );
    }
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        condition = condition.add(
            Expr::expr(Func::lower(Expr::col(partner::Column::Name)))
                .like(LikeExpr::new(like_pattern(search)).escape('\\')),
        );
    }
    partner::Entity::find().filter(condition)
}

pub async fn list(
    caller: &Caller,
    filter: &PartnerFilter,
    field: PartnerOrderField,
    direction: SortDirection,
    page: &PageRequest,
) -> AppResult<Page<partner::Model>> {
    let (ordering, kind) = ordering(field, direction);
    paginate(&caller.db, filtered(filter), &ordering, kind, page).await
}

pub async fn count(caller: &Caller, filter: &PartnerFilter) -> AppResult<u64> {
    Ok(filtered(filter).count(&caller.db).await?)
}

pub async fn get(caller: &Caller, id: i64) -> AppResult<partner::Model> {
    partner::Entity::find_by_id(id)
        .one(&caller.db)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn load_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, partner::Model>> {
    super::rows_by_id::<partner::Entity>(db, partner::Column::Id, ids, |m| m.id).await
}

/// Regions of the given partners, alphabetically.
pub async fn regions(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, Vec<String>>> {
    let rows: Vec<(i64, String)> = partner_region::Entity::find()
        .select_only()
        .column(partner_region::Column::PartnerId)
        .column(partner_region::Column::Region)
        .filter(partner_region::Column::PartnerId.is_in(ids.iter().copied()))
        .order_by_asc(partner_region::Column::Region)
        .into_tuple()
        .all(db)
        .await?;
    Ok(labels_by_partner(rows))
}

/// Specialties of the given partners, alphabetically.
pub async fn specialties(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, Vec<String>>> {
    let rows: Vec<(i64, String)> = partner_specialty::Entity::find()
        .select_only()
        .column(partner_specialty::Column::PartnerId)
        .column(partner_specialty::Column::Specialty)
        .filter(partner_specialty::Column::PartnerId.is_in(ids.iter().copied()))
        .order_by_asc(partner_specialty::Column::Specialty)
        .into_tuple()
        .all(db)
        .await?;
    Ok(labels_by_partner(rows))
}

fn labels_by_partner(rows: Vec<(i64, String)>) -> HashMap<i64, Vec<String>> {
    super::group_by(rows, |(id, _)| *id)
        .into_iter()
        .map(|(id, pairs)| (id, pairs.into_iter().map(|(_, label)| label).collect()))
        .collect()
}
