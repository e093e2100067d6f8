//! `track_record_months`: a partner's historical results per month and
//! funding source, imported by an admin. Unique per (partner_id, month,
//! funding_source).

use sea_orm::entity::prelude::*;

use crate::enums::FundingSource;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "track_record_months")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub partner_id: i64,
    /// "YYYY-MM".
    pub month: String,
    pub funding_source: FundingSource,
    pub submitted: i32,
    pub approved: i32,
    pub rejected: i32,
    pub awarded_usd: i64,
    pub imported_by_user_id: Option<i64>,
    pub imported_at: DateTimeUtc,
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
        belongs_to = "super::user::Entity",
        from = "Column::ImportedByUserId",
        to = "super::user::Column::Id",
        on_delete = "Restrict"
    )]
    ImportedBy,
}

impl Related<super::partner::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Partner.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ImportedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
