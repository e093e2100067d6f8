//! The audit trail: read access, scoped.

use chrono::{DateTime, Utc};
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

/// Which audit events to list; every given condition must hold.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Events about this one object.
    pub subject: Option<Subject>,
    /// Events about objects of this type, e.g. `Opportunity`.
    pub subject_type: Option<String>,
    /// Events whose action is one of these, e.g. `opportunity.submit`.
    pub actions: Vec<String>,
    /// Events caused by this user.
    pub actor_user_id: Option<i64>,
    /// Events after this instant (delta sync: the trail is append-only, so nothing is ever updated).
    pub created_after: Option<DateTime<Utc>>,
    /// Events before this instant.
    pub created_before: Option<DateTime<Utc>>,
}

fn filtered(caller: &Caller, filter: &AuditFilter) -> Select<audit_event::Entity> {
    let mut condition = Condition::all().add(scope::audit_events(&caller.principal));
    if let Some(subject) = &filter.subject {
        condition = condition
            .add(audit_event::Column::SubjectType.eq(subject.kind))
            .add(audit_event::Column::SubjectId.eq(subject.id));
    }
    if let Some(kind) = &filter.subject_type {
        condition = condition.add(audit_event::Column::SubjectType.eq(kind.trim()));
    }
    if !filter.actions.is_empty() {
        condition = condition.add(
            audit_event::Column::Action.is_in(filter.actions.iter().map(|a| a.trim().to_owned())),
        );
    }
    if let Some(actor) = filter.actor_user_id {
        condition = condition.add(audit_event::Column::ActorUserId.eq(actor));
    }
    if let Some(at) = filter.created_after {
        condition = condition.add(audit_event::Column::CreatedAt.gt(at));
    }
    if let Some(at) = filter.created_before {
        condition = condition.add(audit_event::Column::CreatedAt.lt(at));
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

/// Audit events newest first, filtered.
pub async fn list(
    caller: &Caller,
    filter: &AuditFilter,
    page: &PageRequest,
) -> AppResult<Page<audit_event::Model>> {
    paginate(
        &caller.db,
        filtered(caller, filter),
        &newest_first(),
        SortKeyKind::Time,
        page,
    )
    .await
}

pub async fn count(caller: &Caller, filter: &AuditFilter) -> AppResult<u64> {
    Ok(filtered(caller, filter).count(&caller.db).await?)
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
    append(
        db,
        Some(caller.principal.user_id),
        caller.request_id.clone(),
        action,
        subject,
        before,
        after,
    )
    .await
}

/// [`record`] for a change made by an anonymous caller (a public mutation such as `submitInquiry`): no actor.
pub async fn record_anonymous(
    db: &impl sea_orm::ConnectionTrait,
    action: &str,
    subject: Subject,
    after: Option<serde_json::Value>,
) -> AppResult<()> {
    append(db, None, None, action, subject, None, after).await
}

async fn append(
    db: &impl sea_orm::ConnectionTrait,
    actor_user_id: Option<i64>,
    request_id: Option<String>,
    action: &str,
    subject: Subject,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> AppResult<()> {
    use sea_orm::{ActiveModelTrait, Set};
    audit_event::ActiveModel {
        actor_user_id: Set(actor_user_id),
        action: Set(action.to_owned()),
        subject_type: Set(subject.kind.to_owned()),
        subject_id: Set(subject.id),
        before: Set(before),
        after: Set(after),
        request_id: Set(request_id),
        created_at: Set(crate::time::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
