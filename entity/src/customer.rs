//! `customers`: the startups or companies that receive credits.

use sea_orm::entity::prelude::*;

use crate::enums::FundingStage;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "customers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub legal_name: String,
    pub website: String,
    /// 12 characters.
    #[sea_orm(unique)]
    pub aws_account_id: String,
    /// ISO 3166-1 alpha-2, 2 characters.
    pub country: String,
    pub incorporated: bool,
    pub funding_stage: FundingStage,
    pub engineer_count: i32,
    pub months_on_aws: i32,
    pub monthly_aws_spend_usd: i64,
    /// Between 0 and 1.
    #[sea_orm(column_type = "Double")]
    pub marketplace_spend_share: f64,
    pub competes_with_aws: bool,
    pub self_serve_credit_usd: i64,
    /// The partner firm that works with this customer.
    pub owner_partner_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::partner::Entity",
        from = "Column::OwnerPartnerId",
        to = "super::partner::Column::Id",
        on_delete = "Restrict"
    )]
    OwnerPartner,
    /// Founder accounts of this customer.
    #[sea_orm(has_many = "super::user::Entity")]
    User,
    #[sea_orm(has_many = "super::funding_attestation::Entity")]
    FundingAttestation,
    #[sea_orm(has_many = "super::opportunity::Entity")]
    Opportunity,
    #[sea_orm(has_many = "super::credit_grant::Entity")]
    CreditGrant,
    #[sea_orm(has_many = "super::inquiry::Entity")]
    Inquiry,
}

impl Related<super::partner::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OwnerPartner.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl Related<super::funding_attestation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::FundingAttestation.def()
    }
}

impl Related<super::opportunity::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Opportunity.def()
    }
}

impl Related<super::credit_grant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CreditGrant.def()
    }
}

impl Related<super::inquiry::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Inquiry.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
