//! `opportunities`: a credit request filed by a partner or a VC firm for a
//! customer. At most one live record (SUBMITTED, IN_REVIEW, ACTION_REQUIRED
//! or APPROVED) per (customer_id, funding_source), enforced by a partial
//! unique index.

use sea_orm::entity::prelude::*;

use crate::enums::{EngagementType, FundingSource, OpportunityStatus, SubmissionPath};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "opportunities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Public reference; starts with 'O'.
    #[sea_orm(unique)]
    pub reference: String,
    /// The filer's own reference, at most 64 characters.
    pub partner_reference: Option<String>,
    pub customer_id: i64,
    /// Set iff `submission_path` is PARTNER.
    pub partner_id: Option<i64>,
    /// Set iff `submission_path` is VC.
    pub vc_firm_id: Option<i64>,
    pub filed_by_user_id: i64,
    pub submission_path: SubmissionPath,
    pub funding_source: FundingSource,
    pub engagement_type: EngagementType,
    pub workload_name: String,
    /// Normalised `workload_name`.
    pub workload_key: String,
    #[sea_orm(column_type = "Text")]
    pub use_case: String,
    #[sea_orm(column_type = "Text")]
    pub scope_of_work: String,
    pub estimated_annual_deal_usd: i64,
    pub requested_amount_usd: i64,
    pub awarded_amount_usd: Option<i64>,
    pub status: OpportunityStatus,
    /// Optimistic-concurrency version, starts at 1.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub decided_at: Option<DateTimeUtc>,
    pub issued_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::customer::Entity",
        from = "Column::CustomerId",
        to = "super::customer::Column::Id",
        on_delete = "Restrict"
    )]
    Customer,
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
        belongs_to = "super::user::Entity",
        from = "Column::FiledByUserId",
        to = "super::user::Column::Id",
        on_delete = "Restrict"
    )]
    FiledBy,
    #[sea_orm(has_many = "super::consumption_line::Entity")]
    ConsumptionLine,
    #[sea_orm(has_many = "super::review_decision::Entity")]
    ReviewDecision,
    #[sea_orm(has_many = "super::clarification_message::Entity")]
    ClarificationMessage,
    #[sea_orm(has_one = "super::credit_grant::Entity")]
    CreditGrant,
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
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

/// The filing user.
impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::FiledBy.def()
    }
}

impl Related<super::consumption_line::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ConsumptionLine.def()
    }
}

impl Related<super::review_decision::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ReviewDecision.def()
    }
}

impl Related<super::clarification_message::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ClarificationMessage.def()
    }
}

impl Related<super::credit_grant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CreditGrant.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
