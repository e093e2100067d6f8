use async_graphql::{Context, ID, Object, Result};
use entity::user;

use super::{customer::Customer, dangling, enums::Role, partner::Partner, vc_firm::VcFirm};
use crate::graphql::{context::loaders, ids::NodeType};

/// A person (or machine client) who signs in. Password hashes and other secrets are never fields.
pub struct User(pub user::Model);

#[Object]
impl User {
    pub async fn id(&self) -> ID {
        NodeType::User.id(self.0.id)
    }
    async fn email(&self) -> &str {
        &self.0.email
    }
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
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
    async fn disabled(&self) -> bool {
        self.0.disabled_at.is_some()
    }
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
}
