//! The audit trail: read access, scoped.

use entity::audit_event;
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, Select};

use super::{
    Caller,
    pagination::{Ordering, Page, PageRequest, SortDirection, SortKey, SortKeyKind, paginate},
    scope,
};
use crate::error::{AppError, AppResult};

/// What an audit event is about: the kind of object and its row id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    pub kind: &'static str,
    pub id: i64,
}

fn filtered(caller: &Caller, subject: Option<&Subject>) -> Select<audit_event::Entity> {
    let mut condition = Condition::all().add(scope::audit_events(&caller.principal));
    if let Some(subject) = subject {
        condition = condition
            .add(audit_event::Column::SubjectType.eq(subject.kind))
            .add(audit_event::Column::SubjectId.eq(subject.id));
    }
    audit_event::Entity::find().filter(condition)
}

fn newest_first() -> Ordering<audit_event::Entity> {
    Ordering {
        tag: "createdAt",
        column: audit_event::Column::CreatedAt,
        id_column: audit_event::Column::Id,
        direction: SortDirection::Desc,
        key_of: |m| SortKey::Time(m.created_at),
        id_of: |m| m.id,
    }
}

/// Audit events newest first, optionally about one subject.
pub async fn list(
    caller: &Caller,
    subject: Option<&Subject>,
    page: &PageRequest,
) -> AppResult<Page<audit_event::Model>> {
    paginate(
        &caller.db,
        filtered(caller, subject),
        &newest_first(),
        SortKeyKind::Time,
        page,
    )
    .await
}

pub async fn count(caller: &Caller, subject: Option<&Subject>) -> AppResult<u64> {
    Ok(filtered(caller, subject).count(&caller.db).await?)
}

pub async fn get(caller: &Caller, id: i64) -> AppResult<audit_event::Model> {
    audit_event::Entity::find_by_id(id)
        .filter(scope::audit_events(&caller.principal))
        .one(&caller.db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Appends an audit event, inside the caller's transaction so that the event exists exactly when the change does.
pub async fn record(
    db: &impl sea_orm::ConnectionTrait,
    caller: &Caller,
    action: &str,
    subject: Subject,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> AppResult<()> {
    use sea_orm::{ActiveModelTrait, Set};
    audit_event::ActiveModel {
        actor_user_id: Set(Some(caller.principal.user_id)),
        action: Set(action.to_owned()),
        subject_type: Set(subject.kind.to_owned()),
        subject_id: Set(subject.id),
        before: Set(before),
        after: Set(after),
        request_id: Set(caller.request_id.clone()),
        created_at: Set(crate::time::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
