//! Partner firms. The directory (name, tier, regions, specialties) is visible to every signed-in caller, as AWS's
//! own Partner Finder is public; a firm's records and track record are scoped elsewhere. Admins create and update
//! firms (tier changes, regions, specialties).

use std::collections::HashMap;

use entity::{enums::PartnerTier, partner, partner_region, partner_specialty};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
    sea_query::{Expr, ExprTrait, Func, LikeExpr, Query},
};

use super::{
    Caller,
    audit::{self, Subject},
    input::{Changes, FieldErrors},
    like_pattern,
    pagination::{Ordering, Page, PageRequest, SortDirection, SortKey, SortKeyKind, paginate},
};
use crate::{
    auth::Actor,
    domain::values::{Invalid, text},
    error::{AppError, AppResult},
    policy,
};

#[derive(Clone, Debug, Default)]
pub struct PartnerFilter {
    pub tiers: Vec<PartnerTier>,
    pub region: Option<String>,
    pub specialty: Option<String>,
    pub search: Option<String>,
    /// Firms changed after this instant, for delta sync.
    pub updated_after: Option<chrono::DateTime<chrono::Utc>>,
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
    if let Some(at) = filter.updated_after {
        condition = condition.add(partner::Column::UpdatedAt.gt(at));
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

// ---- writes (ADMIN) ------------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
pub struct NewPartner {
    pub name: String,
    pub tier: PartnerTier,
    pub regions: Vec<String>,
    pub specialties: Vec<String>,
}

/// A partial update: absent fields keep their value; a given region or specialty list replaces the whole set.
#[derive(Clone, Debug, Default)]
pub struct PartnerChanges {
    pub name: Option<String>,
    pub tier: Option<PartnerTier>,
    pub regions: Option<Vec<String>>,
    pub specialties: Option<Vec<String>>,
}

fn admin_only(caller: &Caller, what: &str) -> AppResult<()> {
    if caller.principal.actor == Actor::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!("only admins may {what}")))
    }
}

/// Region or specialty labels: trimmed, upper-case, de-duplicated and sorted (they are sets), each non-blank and
/// short, and not too many.
fn labels(raw: Vec<String>) -> Result<Vec<String>, Invalid> {
    if raw.len() > policy::MAX_PARTNER_LABELS {
        return Err(Invalid {
            code: "TOO_MANY",
            message: format!("at most {} entries", policy::MAX_PARTNER_LABELS),
        });
    }
    let mut labels = raw
        .iter()
        .map(|label| text(label, policy::MAX_PARTNER_LABEL_CHARS).map(|l| l.to_uppercase()))
        .collect::<Result<Vec<_>, _>>()?;
    labels.sort();
    labels.dedup();
    Ok(labels)
}

/// Partner names are unique.
fn duplicate_name(err: sea_orm::DbErr) -> AppError {
    if super::is_unique_violation(&err) {
        AppError::invalid(
            &["input", "name"],
            "DUPLICATE_NAME",
            "a partner firm with this name already exists",
        )
    } else {
        err.into()
    }
}

/// Replaces a partner's regions and specialties (when given) inside the caller's transaction.
async fn replace_labels(
    txn: &impl ConnectionTrait,
    partner_id: i64,
    regions: Option<&[String]>,
    specialties: Option<&[String]>,
) -> AppResult<()> {
    if let Some(regions) = regions {
        partner_region::Entity::delete_many()
            .filter(partner_region::Column::PartnerId.eq(partner_id))
            .exec(txn)
            .await?;
        if !regions.is_empty() {
            partner_region::Entity::insert_many(regions.iter().map(|region| {
                partner_region::ActiveModel {
                    partner_id: Set(partner_id),
                    region: Set(region.clone()),
                }
            }))
            .exec_without_returning(txn)
            .await?;
        }
    }
    if let Some(specialties) = specialties {
        partner_specialty::Entity::delete_many()
            .filter(partner_specialty::Column::PartnerId.eq(partner_id))
            .exec(txn)
            .await?;
        if !specialties.is_empty() {
            partner_specialty::Entity::insert_many(specialties.iter().map(|specialty| {
                partner_specialty::ActiveModel {
                    partner_id: Set(partner_id),
                    specialty: Set(specialty.clone()),
                }
            }))
            .exec_without_returning(txn)
            .await?;
        }
    }
    Ok(())
}

/// Creates a partner firm with its regions and specialties. ADMIN only.
pub async fn create(caller: &Caller, input: NewPartner) -> AppResult<partner::Model> {
    admin_only(caller, "create partner firms")?;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", text(&input.name, policy::MAX_SHORT_TEXT_CHARS));
    let regions = errors.check("regions", labels(input.regions));
    let specialties = errors.check("specialties", labels(input.specialties));
    errors.finish()?;
    let (Some(name), Some(regions), Some(specialties)) = (name, regions, specialties) else {
        return Err(AppError::Internal(
            "a parsed partner field is missing".into(),
        ));
    };

    let now = crate::time::now();
    let tx = super::begin_write(&caller.db).await?;
    let firm = partner::ActiveModel {
        name: Set(name),
        tier: Set(input.tier),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await
    .map_err(duplicate_name)?;
    replace_labels(&tx.txn, firm.id, Some(&regions), Some(&specialties)).await?;
    audit::record(
        &tx.txn,
        caller,
        "partner.create",
        Subject {
            kind: "Partner",
            id: firm.id,
        },
        None,
        Some(serde_json::json!({
            "name": firm.name,
            "tier": firm.tier.as_str(),
            "regions": regions,
            "specialties": specialties,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(firm)
}

/// Renames a partner firm, changes its tier, or replaces its regions or specialties. ADMIN only. Only changed fields
/// are written and audited; an update that changes nothing writes nothing.
pub async fn update(
    caller: &Caller,
    id: i64,
    changes: PartnerChanges,
) -> AppResult<partner::Model> {
    admin_only(caller, "update partner firms")?;
    let mut errors = FieldErrors::default();
    let name = errors.check_opt("name", changes.name, |raw| {
        text(&raw, policy::MAX_SHORT_TEXT_CHARS)
    });
    let regions = errors.check_opt("regions", changes.regions, labels);
    let specialties = errors.check_opt("specialties", changes.specialties, labels);
    errors.finish()?;

    let tx = super::begin_write(&caller.db).await?;
    let current = partner::Entity::find_by_id(id)
        .lock_exclusive()
        .one(&tx.txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let current_regions = self::regions(&tx.txn, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    let current_specialties = self::specialties(&tx.txn, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();

    let mut diff = Changes::default();
    let mut row: partner::ActiveModel = current.clone().into();
    if let Some(v) = diff.field("name", &current.name, name) {
        row.name = Set(v);
    }
    if let Some(v) = diff.field("tier", &current.tier, changes.tier) {
        row.tier = Set(v);
    }
    let regions = diff.field("regions", &current_regions, regions);
    let specialties = diff.field("specialties", &current_specialties, specialties);
    if diff.is_empty() {
        return Ok(current);
    }
    row.updated_at = Set(crate::time::now());
    let updated = row.update(&tx.txn).await.map_err(duplicate_name)?;
    replace_labels(&tx.txn, id, regions.as_deref(), specialties.as_deref()).await?;
    let (before, after) = diff.into_audit();
    audit::record(
        &tx.txn,
        caller,
        "partner.update",
        Subject {
            kind: "Partner",
            id,
        },
        before,
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(updated)
}
