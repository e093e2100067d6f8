//! VC firms and their funding attestations. The firm directory is visible to every signed-in caller; attestations
//! are scoped (a VC firm never sees another firm's attestations).

use std::collections::HashMap;

use entity::{funding_attestation, vc_firm};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    Select,
};

use super::{
    Caller,
    pagination::{Ordering, Page, PageRequest, SortDirection, SortKey, SortKeyKind, paginate},
    scope,
};
use crate::error::{AppError, AppResult};

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

pub async fn list(caller: &Caller, page: &PageRequest) -> AppResult<Page<vc_firm::Model>> {
    paginate(
        &caller.db,
        vc_firm::Entity::find(),
        &by_name(),
        SortKeyKind::Text,
        page,
    )
    .await
}

pub async fn count(caller: &Caller) -> AppResult<u64> {
    Ok(vc_firm::Entity::find().count(&caller.db).await?)
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
    let rows = funding_attestation::Entity::find()
        .filter(scope::attestations(&caller.principal))
        .filter(funding_attestation::Column::CustomerId.is_in(customer_ids.iter().copied()))
        .order_by_asc(funding_attestation::Column::Id)
        .all(&caller.db)
        .await?;
    Ok(super::group_by(rows, |row| row.customer_id))
}

pub async fn get_attestation(caller: &Caller, id: i64) -> AppResult<funding_attestation::Model> {
    funding_attestation::Entity::find_by_id(id)
        .filter(scope::attestations(&caller.principal))
        .one(&caller.db)
        .await?
        .ok_or(AppError::NotFound)
}
