//! `vc_firms`: venture-capital firms that attest funding and file
//! opportunities for their portfolio.

use sea_orm::entity::prelude::*;

use crate::enums::VcReputation;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "vc_firms")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub name: String,
    pub portfolio_access: bool,
    pub reputation: VcReputation,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::user::Entity")]
    User,
    #[sea_orm(has_many = "super::funding_attestation::Entity")]
    FundingAttestation,
    #[sea_orm(has_many = "super::opportunity::Entity")]
    Opportunity,
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

impl ActiveModelBehavior for ActiveModel {}
