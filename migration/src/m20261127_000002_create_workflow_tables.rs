//! Workflow tables: opportunities with their consumption lines, review
//! decisions, clarification messages and credit grants; inquiries; the audit
//! log.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{
    AWS_SERVICES, DECISION_KINDS, ENGAGEMENT_TYPES, FUNDING_SOURCES, FUNDING_STAGES,
    OPPORTUNITY_STATUSES, SUBMISSION_PATHS, check, check_one_of, fk, index, unique,
};

/// "One live record per customer and funding source". Partial indexes are not
/// expressible portably through the builder, so this is raw SQL (accepted
/// verbatim by both SQLite and PostgreSQL).
const LIVE_OPPORTUNITY_INDEX: &str = "uq_opportunities_live_customer_funding_source";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // opportunities
        manager
            .create_table(
                Table::create()
                    .table(Opportunities::Table)
                    .col(big_pk_auto(Opportunities::Id))
                    .col(string(Opportunities::Reference))
                    .col(string_null(Opportunities::PartnerReference))
                    .col(big_integer(Opportunities::CustomerId))
                    .col(big_integer_null(Opportunities::PartnerId))
                    .col(big_integer_null(Opportunities::VcFirmId))
                    .col(big_integer(Opportunities::FiledByUserId))
                    .col(string(Opportunities::SubmissionPath))
                    .col(string(Opportunities::FundingSource))
                    .col(string(Opportunities::EngagementType))
                    .col(string(Opportunities::WorkloadName))
                    .col(string(Opportunities::WorkloadKey))
                    .col(text(Opportunities::UseCase))
                    .col(text(Opportunities::ScopeOfWork))
                    .col(big_integer(Opportunities::EstimatedAnnualDealUsd))
                    .col(big_integer(Opportunities::RequestedAmountUsd))
                    .col(big_integer_null(Opportunities::AwardedAmountUsd))
                    .col(string(Opportunities::Status))
                    .col(integer(Opportunities::Version))
                    .col(timestamp_with_time_zone(Opportunities::CreatedAt))
                    .col(timestamp_with_time_zone(Opportunities::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Opportunities::SubmittedAt))
                    .col(timestamp_with_time_zone_null(Opportunities::DecidedAt))
                    .col(timestamp_with_time_zone_null(Opportunities::IssuedAt))
                    .foreign_key(&mut fk(
                        Opportunities::Table,
                        Opportunities::CustomerId,
                        Customers::Table,
                        Customers::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Opportunities::Table,
                        Opportunities::PartnerId,
                        Partners::Table,
                        Partners::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Opportunities::Table,
                        Opportunities::VcFirmId,
                        VcFirms::Table,
                        VcFirms::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Opportunities::Table,
                        Opportunities::FiledByUserId,
                        Users::Table,
                        Users::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .check(check(
                        Opportunities::Table,
                        "reference_prefix",
                        r#"substr("reference", 1, 1) = 'O'"#,
                    ))
                    .check(check(
                        Opportunities::Table,
                        "partner_reference_length",
                        r#""partner_reference" IS NULL OR length("partner_reference") <= 64"#,
                    ))
                    .check(check_one_of(
                        Opportunities::Table,
                        Opportunities::SubmissionPath,
                        SUBMISSION_PATHS,
                    ))
                    .check(check(
                        Opportunities::Table,
                        "filer_matches_path",
                        r#"("submission_path" = 'PARTNER' AND "partner_id" IS NOT NULL AND "vc_firm_id" IS NULL) OR ("submission_path" = 'VC' AND "vc_firm_id" IS NOT NULL AND "partner_id" IS NULL)"#,
                    ))
                    .check(check_one_of(
                        Opportunities::Table,
                        Opportunities::FundingSource,
                        FUNDING_SOURCES,
                    ))
                    .check(check_one_of(
                        Opportunities::Table,
                        Opportunities::EngagementType,
                        ENGAGEMENT_TYPES,
                    ))
                    .check(check_one_of(
                        Opportunities::Table,
                        Opportunities::Status,
                        OPPORTUNITY_STATUSES,
                    ))
                    .check(check(
                        Opportunities::Table,
                        "estimated_annual_deal_usd",
                        r#""estimated_annual_deal_usd" >= 0"#,
                    ))
                    .check(check(
                        Opportunities::Table,
                        "requested_amount_usd",
                        r#""requested_amount_usd" >= 0"#,
                    ))
                    .check(check(
                        Opportunities::Table,
                        "awarded_amount_usd",
                        r#""awarded_amount_usd" IS NULL OR "awarded_amount_usd" >= 0"#,
                    ))
                    .check(check(
                        Opportunities::Table,
                        "version",
                        r#""version" >= 1"#,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(Opportunities::Table, &[Opportunities::Reference]))
            .await?;
        manager
            .get_connection()
            .execute_unprepared(&format!(
                r#"CREATE UNIQUE INDEX "{LIVE_OPPORTUNITY_INDEX}" ON "opportunities" ("customer_id", "funding_source") WHERE "status" IN ('SUBMITTED', 'IN_REVIEW', 'ACTION_REQUIRED', 'APPROVED')"#
            ))
            .await?;
        for column in [
            Opportunities::PartnerId,
            Opportunities::VcFirmId,
            Opportunities::CustomerId,
            Opportunities::Status,
            Opportunities::FundingSource,
            Opportunities::CreatedAt,
            Opportunities::UpdatedAt,
            Opportunities::SubmittedAt,
            Opportunities::DecidedAt,
            Opportunities::RequestedAmountUsd,
        ] {
            manager
                .create_index(index(Opportunities::Table, &[column, Opportunities::Id]))
                .await?;
        }
        manager
            .create_index(index(Opportunities::Table, &[Opportunities::FiledByUserId]))
            .await?;

        // consumption_lines
        manager
            .create_table(
                Table::create()
                    .table(ConsumptionLines::Table)
                    .col(big_pk_auto(ConsumptionLines::Id))
                    .col(big_integer(ConsumptionLines::OpportunityId))
                    .col(integer(ConsumptionLines::Position))
                    .col(string(ConsumptionLines::Service))
                    .col(big_integer(ConsumptionLines::MonthlyUsd))
                    .foreign_key(&mut fk(
                        ConsumptionLines::Table,
                        ConsumptionLines::OpportunityId,
                        Opportunities::Table,
                        Opportunities::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .check(check_one_of(
                        ConsumptionLines::Table,
                        ConsumptionLines::Service,
                        AWS_SERVICES,
                    ))
                    .check(check(
                        ConsumptionLines::Table,
                        "monthly_usd",
                        r#""monthly_usd" >= 0"#,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                ConsumptionLines::Table,
                &[ConsumptionLines::OpportunityId, ConsumptionLines::Position],
            ))
            .await?;

        // review_decisions
        manager
            .create_table(
                Table::create()
                    .table(ReviewDecisions::Table)
                    .col(big_pk_auto(ReviewDecisions::Id))
                    .col(big_integer(ReviewDecisions::OpportunityId))
                    .col(big_integer(ReviewDecisions::ReviewerUserId))
                    .col(string(ReviewDecisions::Kind))
                    .col(big_integer_null(ReviewDecisions::AmountUsd))
                    .col(json_binary(ReviewDecisions::Reasons))
                    .col(text(ReviewDecisions::Comment))
                    .col(timestamp_with_time_zone(ReviewDecisions::DecidedAt))
                    .foreign_key(&mut fk(
                        ReviewDecisions::Table,
                        ReviewDecisions::OpportunityId,
                        Opportunities::Table,
                        Opportunities::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        ReviewDecisions::Table,
                        ReviewDecisions::ReviewerUserId,
                        Users::Table,
                        Users::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .check(check_one_of(
                        ReviewDecisions::Table,
                        ReviewDecisions::Kind,
                        DECISION_KINDS,
                    ))
                    .check(check(
                        ReviewDecisions::Table,
                        "amount_usd",
                        r#""amount_usd" IS NULL OR "amount_usd" >= 0"#,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                ReviewDecisions::Table,
                &[ReviewDecisions::OpportunityId, ReviewDecisions::Id],
            ))
            .await?;

        // clarification_messages
        manager
            .create_table(
                Table::create()
                    .table(ClarificationMessages::Table)
                    .col(big_pk_auto(ClarificationMessages::Id))
                    .col(big_integer(ClarificationMessages::OpportunityId))
                    .col(big_integer(ClarificationMessages::AuthorUserId))
                    .col(text(ClarificationMessages::Body))
                    .col(timestamp_with_time_zone(ClarificationMessages::CreatedAt))
                    .foreign_key(&mut fk(
                        ClarificationMessages::Table,
                        ClarificationMessages::OpportunityId,
                        Opportunities::Table,
                        Opportunities::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        ClarificationMessages::Table,
                        ClarificationMessages::AuthorUserId,
                        Users::Table,
                        Users::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                ClarificationMessages::Table,
                &[
                    ClarificationMessages::OpportunityId,
                    ClarificationMessages::Id,
                ],
            ))
            .await?;

        // credit_grants
        manager
            .create_table(
                Table::create()
                    .table(CreditGrants::Table)
                    .col(big_pk_auto(CreditGrants::Id))
                    .col(big_integer(CreditGrants::OpportunityId))
                    .col(big_integer(CreditGrants::CustomerId))
                    .col(string(CreditGrants::AwsAccountId))
                    .col(big_integer(CreditGrants::FaceValueUsd))
                    .col(timestamp_with_time_zone(CreditGrants::IssuedAt))
                    .col(timestamp_with_time_zone(CreditGrants::ExpiresAt))
                    .foreign_key(&mut fk(
                        CreditGrants::Table,
                        CreditGrants::OpportunityId,
                        Opportunities::Table,
                        Opportunities::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        CreditGrants::Table,
                        CreditGrants::CustomerId,
                        Customers::Table,
                        Customers::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .check(check(
                        CreditGrants::Table,
                        "aws_account_id_length",
                        r#"length("aws_account_id") = 12"#,
                    ))
                    .check(check(
                        CreditGrants::Table,
                        "face_value_usd",
                        r#""face_value_usd" >= 0"#,
                    ))
                    .check(check(
                        CreditGrants::Table,
                        "expires_after_issue",
                        r#""expires_at" > "issued_at""#,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(CreditGrants::Table, &[CreditGrants::OpportunityId]))
            .await?;
        for column in [
            CreditGrants::CustomerId,
            CreditGrants::ExpiresAt,
            CreditGrants::IssuedAt,
        ] {
            manager
                .create_index(index(CreditGrants::Table, &[column, CreditGrants::Id]))
                .await?;
        }

        // inquiries
        manager
            .create_table(
                Table::create()
                    .table(Inquiries::Table)
                    .col(big_pk_auto(Inquiries::Id))
                    .col(string(Inquiries::CompanyName))
                    .col(string(Inquiries::FundingStage))
                    .col(text(Inquiries::UseCase))
                    .col(string(Inquiries::Region))
                    .col(json_binary(Inquiries::Services))
                    .col(string(Inquiries::ContactEmail))
                    .col(big_integer_null(Inquiries::MatchedPartnerId))
                    .col(big_integer_null(Inquiries::CustomerId))
                    .col(timestamp_with_time_zone(Inquiries::CreatedAt))
                    .col(timestamp_with_time_zone(Inquiries::UpdatedAt))
                    .foreign_key(&mut fk(
                        Inquiries::Table,
                        Inquiries::MatchedPartnerId,
                        Partners::Table,
                        Partners::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Inquiries::Table,
                        Inquiries::CustomerId,
                        Customers::Table,
                        Customers::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .check(check_one_of(
                        Inquiries::Table,
                        Inquiries::FundingStage,
                        FUNDING_STAGES,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                Inquiries::Table,
                &[Inquiries::CreatedAt, Inquiries::Id],
            ))
            .await?;

        // audit_events
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(big_pk_auto(AuditEvents::Id))
                    .col(big_integer_null(AuditEvents::ActorUserId))
                    .col(string(AuditEvents::Action))
                    .col(string(AuditEvents::SubjectType))
                    .col(big_integer(AuditEvents::SubjectId))
                    .col(json_binary_null(AuditEvents::Before))
                    .col(json_binary_null(AuditEvents::After))
                    .col(string_null(AuditEvents::RequestId))
                    .col(timestamp_with_time_zone(AuditEvents::CreatedAt))
                    .foreign_key(&mut fk(
                        AuditEvents::Table,
                        AuditEvents::ActorUserId,
                        Users::Table,
                        Users::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                AuditEvents::Table,
                &[
                    AuditEvents::SubjectType,
                    AuditEvents::SubjectId,
                    AuditEvents::Id,
                ],
            ))
            .await?;
        for column in [AuditEvents::CreatedAt, AuditEvents::ActorUserId] {
            manager
                .create_index(index(AuditEvents::Table, &[column, AuditEvents::Id]))
                .await?;
        }

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Reverse creation order; dropping a table drops its indexes,
        // including the raw partial one.
        drop_table(manager, AuditEvents::Table).await?;
        drop_table(manager, Inquiries::Table).await?;
        drop_table(manager, CreditGrants::Table).await?;
        drop_table(manager, ClarificationMessages::Table).await?;
        drop_table(manager, ReviewDecisions::Table).await?;
        drop_table(manager, ConsumptionLines::Table).await?;
        drop_table(manager, Opportunities::Table).await
    }
}

async fn drop_table<T: Iden + 'static>(manager: &SchemaManager<'_>, table: T) -> Result<(), DbErr> {
    manager
        .drop_table(Table::drop().table(table).to_owned())
        .await
}

// Tables created by m20261127_000001 (only the columns referenced here).

#[derive(DeriveIden, Clone, Copy)]
enum Partners {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum VcFirms {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
}

// Tables created here.

#[derive(DeriveIden, Clone, Copy)]
enum Opportunities {
    Table,
    Id,
    Reference,
    PartnerReference,
    CustomerId,
    PartnerId,
    VcFirmId,
    FiledByUserId,
    SubmissionPath,
    FundingSource,
    EngagementType,
    WorkloadName,
    WorkloadKey,
    UseCase,
    ScopeOfWork,
    EstimatedAnnualDealUsd,
    RequestedAmountUsd,
    AwardedAmountUsd,
    Status,
    Version,
    CreatedAt,
    UpdatedAt,
    SubmittedAt,
    DecidedAt,
    IssuedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ConsumptionLines {
    Table,
    Id,
    OpportunityId,
    Position,
    Service,
    MonthlyUsd,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReviewDecisions {
    Table,
    Id,
    OpportunityId,
    ReviewerUserId,
    Kind,
    AmountUsd,
    Reasons,
    Comment,
    DecidedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ClarificationMessages {
    Table,
    Id,
    OpportunityId,
    AuthorUserId,
    Body,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum CreditGrants {
    Table,
    Id,
    OpportunityId,
    CustomerId,
    AwsAccountId,
    FaceValueUsd,
    IssuedAt,
    ExpiresAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Inquiries {
    Table,
    Id,
    CompanyName,
    FundingStage,
    UseCase,
    Region,
    Services,
    ContactEmail,
    MatchedPartnerId,
    CustomerId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditEvents {
    Table,
    Id,
    ActorUserId,
    Action,
    SubjectType,
    SubjectId,
    Before,
    After,
    RequestId,
    CreatedAt,
}
