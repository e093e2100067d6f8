//! `funding_attestations`: a VC firm's statement that a customer closed a
//! funding round. Revocable (never deleted).

use sea_orm::entity::prelude::*;

use crate::enums::FundingStage;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "funding_attestations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub vc_firm_id: i64,
    pub customer_id: i64,
    pub round: FundingStage,
    /// Greater than 0.
    pub amount_usd: i64,
    pub closed_on: Date,
    pub attested_by_user_id: i64,
    pub attested_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub revocation_reason: Option<String>,
    pub revoked_by_user_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
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
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::AttestedByUserId",
        to = "super::user::Column::Id",
        on_delete = "Restrict"
    )]
    AttestedBy,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::RevokedByUserId",
        to = "super::user::Column::Id",
        on_delete = "Restrict"
    )]
    RevokedBy,
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

/// The attesting user; use `Relation::RevokedBy` for the revoker.
impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AttestedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
