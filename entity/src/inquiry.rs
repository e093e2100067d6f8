//! `inquiries`: inbound requests from companies looking for a partner.

use sea_orm::entity::prelude::*;

use crate::enums::FundingStage;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "inquiries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub company_name: String,
    pub funding_stage: FundingStage,
    #[sea_orm(column_type = "Text")]
    pub use_case: String,
    pub region: String,
    /// JSON array of `AwsService` strings.
    #[sea_orm(column_type = "JsonBinary")]
    pub services: Json,
    pub contact_email: String,
    pub matched_partner_id: Option<i64>,
    /// Set when the inquiry is accepted and becomes a customer.
    pub customer_id: Option<i64>,
    /// The signed-in user who submitted it; `None` for an anonymous inquiry.
    pub submitted_by_user_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::partner::Entity",
        from = "Column::MatchedPartnerId",
        to = "super::partner::Column::Id",
        on_delete = "Restrict"
    )]
    MatchedPartner,
    #[sea_orm(
        belongs_to = "super::customer::Entity",
        from = "Column::CustomerId",
        to = "super::customer::Column::Id",
        on_delete = "Restrict"
    )]
    Customer,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::SubmittedByUserId",
        to = "super::user::Column::Id",
        on_delete = "Restrict"
    )]
    SubmittedBy,
}

impl Related<super::partner::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MatchedPartner.def()
    }
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
