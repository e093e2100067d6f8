//! `consumption_lines`: expected monthly spend per AWS service on an
//! opportunity, ordered by `position` (unique per opportunity).

use sea_orm::entity::prelude::*;

use crate::enums::AwsService;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "consumption_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub opportunity_id: i64,
    pub position: i32,
    pub service: AwsService,
    pub monthly_usd: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::opportunity::Entity",
        from = "Column::OpportunityId",
        to = "super::opportunity::Column::Id",
        on_delete = "Cascade"
    )]
    Opportunity,
}

impl Related<super::opportunity::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Opportunity.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
