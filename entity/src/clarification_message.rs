//! `clarification_messages`: the thread between reviewers and filers on an
//! opportunity.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "clarification_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub opportunity_id: i64,
    pub author_user_id: i64,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub created_at: DateTimeUtc,
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
        from = "Column::AuthorUserId",
        to = "super::user::Column::Id",
        on_delete = "Restrict"
    )]
    Author,
}

impl Related<super::opportunity::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Opportunity.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Author.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
