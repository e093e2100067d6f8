use async_graphql::{Context, ID, Object, Result};
use entity::{api_key, user};

use super::{customer::Customer, dangling, enums::Role, partner::Partner, vc_firm::VcFirm};
use crate::{
    graphql::{
        context::{caller, loaders},
        ids::NodeType,
    },
    service,
};

pub struct User(pub user::Model);

/// A person (or machine client) who signs in. Password hashes and other secrets are never fields.
#[Object]
impl User {
    /// The user's global ID.
    pub async fn id(&self) -> ID {
        NodeType::User.id(self.0.id)
    }
    /// In full for the user's own organisation and AWS staff; masked (`s***@example.com`) for anyone else who meets
    /// the user through a record, e.g. a founder reading who reviewed its application.
    async fn email(&self, ctx: &Context<'_>) -> Result<String> {
        // Without a signed-in caller the only way to reach a user is the sign-in payload: the user itself.
        let full = ctx
            .data_opt::<service::Caller>()
            .is_none_or(|c| service::scope::may_see_user(&c.principal, &self.0));
        if full {
            return Ok(self.0.email.clone());
        }
        Ok(match self.0.email.split_once('@') {
            Some((local, domain)) => format!("{}***@{domain}", local.chars().next().unwrap_or('*')),
            None => "***".into(),
        })
    }
    /// The name shown for the user.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    /// What the user is, which decides what it may do and see.
    async fn role(&self) -> Role {
        self.0.role.into()
    }
    /// The partner firm a PARTNER user belongs to.
    async fn partner(&self, ctx: &Context<'_>) -> Result<Option<Partner>> {
        let Some(id) = self.0.partner_id else {
            return Ok(None);
        };
        let row = loaders(ctx)?
            .partners
            .load_one(id)
            .await?
            .ok_or_else(|| dangling("partner", id))?;
        Ok(Some(Partner(row)))
    }
    /// The VC firm a VC user belongs to.
    async fn vc_firm(&self, ctx: &Context<'_>) -> Result<Option<VcFirm>> {
        let Some(id) = self.0.vc_firm_id else {
            return Ok(None);
        };
        let row = loaders(ctx)?
            .vc_firms
            .load_one(id)
            .await?
            .ok_or_else(|| dangling("VC firm", id))?;
        Ok(Some(VcFirm(row)))
    }
    /// The company a FOUNDER user belongs to.
    async fn customer(&self, ctx: &Context<'_>) -> Result<Option<Customer>> {
        let Some(id) = self.0.customer_id else {
            return Ok(None);
        };
        let row = loaders(ctx)?
            .customers
            .load_one(id)
            .await?
            .ok_or_else(|| dangling("customer", id))?;
        Ok(Some(Customer(row)))
    }
    /// Whether an admin disabled the user: it cannot sign in, and its sessions and API keys no longer work.
    async fn disabled(&self) -> bool {
        self.0.disabled_at.is_some()
    }
    /// When the user was created.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
    /// The user's API keys, newest first; visible to the user itself and to admins (empty otherwise).
    async fn api_keys(&self, ctx: &Context<'_>) -> Result<Vec<ApiKey>> {
        let keys = service::credentials::api_keys_of(caller(ctx)?, self.0.id).await?;
        Ok(keys.into_iter().map(ApiKey).collect())
    }
}

pub struct ApiKey(pub api_key::Model);

/// A machine client's credential. Acts as its user, with that user's role and scope; the secret itself is only
/// ever shown once, at creation.
#[Object]
impl ApiKey {
    /// The key's global ID.
    pub async fn id(&self) -> ID {
        NodeType::ApiKey.id(self.0.id)
    }
    /// The name its owner gave the key, to tell what uses it.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The public part of the key (`ak_<prefix>_…`), to tell keys apart.
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }
    /// When the key was created.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
    /// When the key stops working; null when it never expires.
    async fn expires_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.expires_at
    }
    /// When the key last authenticated a request, to within a minute; null if never used.
    async fn last_used_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.last_used_at
    }
    /// When the key was revoked; null while it is valid.
    async fn revoked_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.revoked_at
    }
}
