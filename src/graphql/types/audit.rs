use async_graphql::{Context, ID, Json, Object, Result};
use chrono::{DateTime, Utc};
use entity::audit_event;

use super::{dangling, user::User};
use crate::graphql::{context::loaders, ids::NodeType};

pub struct AuditEvent(pub audit_event::Model);

/// One state change: who did what to which object, with the state before and after (append-only).
#[Object]
impl AuditEvent {
    /// The event's global ID.
    pub async fn id(&self) -> ID {
        NodeType::AuditEvent.id(self.0.id)
    }
    /// Who made the change; null for system actions.
    async fn actor(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let Some(id) = self.0.actor_user_id else {
            return Ok(None);
        };
        Ok(Some(User(
            loaders(ctx)?
                .users
                .load_one(id)
                .await?
                .ok_or_else(|| dangling("user", id))?,
        )))
    }
    /// What was done, e.g. `opportunity.submit`.
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// The type of the changed object, e.g. `Opportunity`.
    async fn subject_type(&self) -> &str {
        &self.0.subject_type
    }
    /// The global ID of the changed object.
    async fn subject_id(&self) -> Option<ID> {
        NodeType::from_name(&self.0.subject_type).map(|kind| kind.id(self.0.subject_id))
    }
    /// The changed object's relevant state before the change, as JSON; null where there is none, e.g. on creation.
    async fn before(&self) -> Option<Json<serde_json::Value>> {
        self.0.before.clone().map(Json)
    }
    /// The changed object's relevant state after the change, as JSON; null where there is none.
    async fn after(&self) -> Option<Json<serde_json::Value>> {
        self.0.after.clone().map(Json)
    }
    /// When the change was committed.
    async fn at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Narrows the audit trail; every condition given must hold.
#[derive(async_graphql::InputObject, Default)]
pub struct AuditEventFilter {
    /// Events whose action is one of these, e.g. `opportunity.submit`, `customer.update`.
    pub action: Option<Vec<String>>,
    /// Events caused by this user.
    pub actor_id: Option<ID>,
    /// Events about objects of this type, e.g. `Opportunity`.
    pub subject_type: Option<String>,
    /// Events after this instant (the trail is append-only, so this is the delta-sync filter).
    pub created_after: Option<DateTime<Utc>>,
    /// Events before this instant.
    pub created_before: Option<DateTime<Utc>>,
}

impl AuditEventFilter {
    /// The service filter; `subject` comes from the connection's `subjectId` argument.
    pub fn into_service(
        self,
        subject: Option<crate::service::audit::Subject>,
    ) -> Result<crate::service::audit::AuditFilter, crate::error::AppError> {
        Ok(crate::service::audit::AuditFilter {
            subject,
            subject_type: self.subject_type,
            actions: self.action.unwrap_or_default(),
            actor_user_id: self
                .actor_id
                .map(|id| crate::graphql::ids::expect(&id, NodeType::User, "filter.actorId"))
                .transpose()?,
            created_after: self.created_after,
            created_before: self.created_before,
        })
    }
}
