//! `users`: every person who can sign in. A PARTNER user belongs to exactly
//! one partner firm, a VC user to one VC firm, a FOUNDER to one customer
//! (enforced by CHECK constraints); other roles belong to none.

use sea_orm::entity::prelude::*;

use crate::enums::Role;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// As entered by the user.
    pub email: String,
    /// Lower-cased email; the unique sign-in key.
    #[sea_orm(unique)]
    pub email_normalized: String,
    pub display_name: String,
    pub role: Role,
    /// Set iff `role` is PARTNER.
    pub partner_id: Option<i64>,
    /// Set iff `role` is VC.
    pub vc_firm_id: Option<i64>,
    /// Set iff `role` is FOUNDER.
    pub customer_id: Option<i64>,
    pub password_hash: String,
    pub disabled_at: Option<DateTimeUtc>,
    #[sea_orm(default_value = 0)]
    pub failed_login_count: i32,
    pub last_failed_login_at: Option<DateTimeUtc>,
    pub locked_at: Option<DateTimeUtc>,
    /// Access tokens issued before this instant are no longer accepted.
    pub tokens_valid_after: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::partner::Entity",
        from = "Column::PartnerId",
        to = "super::partner::Column::Id",
        on_delete = "Restrict"
    )]
    Partner,
    #[sea_orm(
        belongs_to = "super::vc_firm::Entity",
        from = "Column::VcFirmId",
        to = "super::vc_firm::Column::Id",
        on_delete = "Restrict"
    )]
    VcFirm,
    #[sea_orm(
        belongs_to = "super::customer::Entity",
        from = "Column::CustomerId",
        to = "super::customer::Column::Id",
        on_delete = "Restrict"
    )]
    Customer,
    #[sea_orm(has_many = "super::refresh_token::Entity")]
    RefreshToken,
    #[sea_orm(has_many = "super::api_key::Entity")]
    ApiKey,
    #[sea_orm(has_many = "super::idempotency_key::Entity")]
    IdempotencyKey,
}

impl Related<super::partner::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Partner.def()
    }
}

impl Related<super::vc_firm::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::VcFirm.def()
    }
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl Related<super::refresh_token::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RefreshToken.def()
    }
}

impl Related<super::api_key::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApiKey.def()
    }
}

impl Related<super::idempotency_key::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IdempotencyKey.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
