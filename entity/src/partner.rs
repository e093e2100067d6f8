//! `partners`: AWS consulting partner firms that file opportunities.

use sea_orm::entity::prelude::*;

use crate::enums::PartnerTier;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "partners")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub name: String,
    pub tier: PartnerTier,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::user::Entity")]
    User,
    #[sea_orm(has_many = "super::partner_region::Entity")]
    PartnerRegion,
    #[sea_orm(has_many = "super::partner_specialty::Entity")]
    PartnerSpecialty,
    #[sea_orm(has_many = "super::track_record_month::Entity")]
    TrackRecordMonth,
    /// Customers this partner works with (`customers.owner_partner_id`).
    #[sea_orm(has_many = "super::customer::Entity")]
    Customer,
    #[sea_orm(has_many = "super::opportunity::Entity")]
    Opportunity,
    /// Inquiries matched to this partner (`inquiries.matched_partner_id`).
    #[sea_orm(has_many = "super::inquiry::Entity")]
    Inquiry,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl Related<super::partner_region::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::PartnerRegion.def()
    }
}

impl Related<super::partner_specialty::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::PartnerSpecialty.def()
    }
}

impl Related<super::track_record_month::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TrackRecordMonth.def()
    }
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl Related<super::opportunity::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Opportunity.def()
    }
}

impl Related<super::inquiry::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Inquiry.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
