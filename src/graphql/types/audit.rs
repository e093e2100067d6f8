use async_graphql::{Context, ID, Json, Object, Result};
use chrono::{DateTime, Utc};
use entity::audit_event;

use super::{dangling, user::User};
use crate::graphql::{context::loaders, ids::NodeType};

/// One state change: who did what to which object, with the state before and after (append-only).
pub struct AuditEvent(pub audit_event::Model);

#[Object]
impl AuditEvent {
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
    async fn before(&self) -> Option<Json<serde_json::Value>> {
        self.0.before.clone().map(Json)
    }
    async fn after(&self) -> Option<Json<serde_json::Value>> {
        self.0.after.clone().map(Json)
    }
    async fn at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
