//! `review_decisions`: each decision a reviewer took on an opportunity.

use sea_orm::entity::prelude::*;

use crate::enums::DecisionKind;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "review_decisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub opportunity_id: i64,
    pub reviewer_user_id: i64,
    pub kind: DecisionKind,
    pub amount_usd: Option<i64>,
    /// JSON array of check-name strings.
    #[sea_orm(column_type = "JsonBinary")]
    pub reasons: Json,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    pub decided_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::opportunity::Entity",
        from = "Column::OpportunityId",
        to = "super::opportunity::Column::Id",
        on_delete = "Restrict"
    )]
    Opportunity,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::ReviewerUserId",
        to = "super::user::Column::Id",
        on_delete = "Restrict"
    )]
    Reviewer,
}

impl Related<super::opportunity::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Opportunity.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Reviewer.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
