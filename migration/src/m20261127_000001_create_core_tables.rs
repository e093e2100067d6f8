//! Core tables: partners (with regions, specialties and track record),
//! VC firms, customers, users and funding attestations.
//!
//! Order matters for foreign keys: users reference partners, VC firms and
//! customers; track records and attestations reference users.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{
    FUNDING_SOURCES, FUNDING_STAGES, PARTNER_TIERS, ROLES, VC_REPUTATIONS, check, check_one_of, fk,
    index, unique,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // partners
        manager
            .create_table(
                Table::create()
                    .table(Partners::Table)
                    .col(big_pk_auto(Partners::Id))
                    .col(string(Partners::Name))
                    .col(string(Partners::Tier))
                    .col(timestamp_with_time_zone(Partners::CreatedAt))
                    .col(timestamp_with_time_zone(Partners::UpdatedAt))
                    .check(check_one_of(Partners::Table, Partners::Tier, PARTNER_TIERS))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(Partners::Table, &[Partners::Name]))
            .await?;
        manager
            .create_index(index(Partners::Table, &[Partners::Tier, Partners::Id]))
            .await?;
        manager
            .create_index(index(Partners::Table, &[Partners::CreatedAt, Partners::Id]))
            .await?;

        // partner_regions
        manager
            .create_table(
                Table::create()
                    .table(PartnerRegions::Table)
                    .col(big_integer(PartnerRegions::PartnerId))
                    .col(string(PartnerRegions::Region))
                    .primary_key(
                        Index::create()
                            .col(PartnerRegions::PartnerId)
                            .col(PartnerRegions::Region),
                    )
                    .foreign_key(&mut fk(
                        PartnerRegions::Table,
                        PartnerRegions::PartnerId,
                        Partners::Table,
                        Partners::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                PartnerRegions::Table,
                &[PartnerRegions::Region, PartnerRegions::PartnerId],
            ))
            .await?;

        // partner_specialties
        manager
            .create_table(
                Table::create()
                    .table(PartnerSpecialties::Table)
                    .col(big_integer(PartnerSpecialties::PartnerId))
                    .col(string(PartnerSpecialties::Specialty))
                    .primary_key(
                        Index::create()
                            .col(PartnerSpecialties::PartnerId)
                            .col(PartnerSpecialties::Specialty),
                    )
                    .foreign_key(&mut fk(
                        PartnerSpecialties::Table,
                        PartnerSpecialties::PartnerId,
                        Partners::Table,
                        Partners::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                PartnerSpecialties::Table,
                &[PartnerSpecialties::Specialty, PartnerSpecialties::PartnerId],
            ))
            .await?;

        // vc_firms
        manager
            .create_table(
                Table::create()
                    .table(VcFirms::Table)
                    .col(big_pk_auto(VcFirms::Id))
                    .col(string(VcFirms::Name))
                    .col(boolean(VcFirms::PortfolioAccess))
                    .col(string(VcFirms::Reputation))
                    .col(timestamp_with_time_zone(VcFirms::CreatedAt))
                    .col(timestamp_with_time_zone(VcFirms::UpdatedAt))
                    .check(check_one_of(
                        VcFirms::Table,
                        VcFirms::Reputation,
                        VC_REPUTATIONS,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(VcFirms::Table, &[VcFirms::Name]))
            .await?;

        // customers
        manager
            .create_table(
                Table::create()
                    .table(Customers::Table)
                    .col(big_pk_auto(Customers::Id))
                    .col(string(Customers::LegalName))
                    .col(string(Customers::Website))
                    .col(string(Customers::AwsAccountId))
                    .col(string(Customers::Country))
                    .col(boolean(Customers::Incorporated))
                    .col(string(Customers::FundingStage))
                    .col(integer(Customers::EngineerCount))
                    .col(integer(Customers::MonthsOnAws))
                    .col(big_integer(Customers::MonthlyAwsSpendUsd))
                    .col(double(Customers::MarketplaceSpendShare))
                    .col(boolean(Customers::CompetesWithAws))
                    .col(big_integer(Customers::SelfServeCreditUsd))
                    .col(big_integer_null(Customers::OwnerPartnerId))
                    .col(timestamp_with_time_zone(Customers::CreatedAt))
                    .col(timestamp_with_time_zone(Customers::UpdatedAt))
                    .foreign_key(&mut fk(
                        Customers::Table,
                        Customers::OwnerPartnerId,
                        Partners::Table,
                        Partners::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .check(check(
                        Customers::Table,
                        "aws_account_id_length",
                        r#"length("aws_account_id") = 12"#,
                    ))
                    .check(check(
                        Customers::Table,
                        "country_length",
                        r#"length("country") = 2"#,
                    ))
                    .check(check_one_of(
                        Customers::Table,
                        Customers::FundingStage,
                        FUNDING_STAGES,
                    ))
                    .check(check(
                        Customers::Table,
                        "engineer_count",
                        r#""engineer_count" >= 0"#,
                    ))
                    .check(check(
                        Customers::Table,
                        "months_on_aws",
                        r#""months_on_aws" >= 0"#,
                    ))
                    .check(check(
                        Customers::Table,
                        "monthly_aws_spend_usd",
                        r#""monthly_aws_spend_usd" >= 0"#,
                    ))
                    .check(check(
                        Customers::Table,
                        "marketplace_spend_share",
                        r#""marketplace_spend_share" >= 0 AND "marketplace_spend_share" <= 1"#,
                    ))
                    .check(check(
                        Customers::Table,
                        "self_serve_credit_usd",
                        r#""self_serve_credit_usd" >= 0"#,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(Customers::Table, &[Customers::AwsAccountId]))
            .await?;
        for columns in [
            [Customers::LegalName, Customers::Id],
            [Customers::CreatedAt, Customers::Id],
            [Customers::UpdatedAt, Customers::Id],
            [Customers::OwnerPartnerId, Customers::Id],
            [Customers::Country, Customers::Id],
            [Customers::FundingStage, Customers::Id],
        ] {
            manager
                .create_index(index(Customers::Table, &columns))
                .await?;
        }

        // users
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(big_pk_auto(Users::Id))
                    .col(string(Users::Email))
                    .col(string(Users::EmailNormalized))
                    .col(string(Users::DisplayName))
                    .col(string(Users::Role))
                    .col(big_integer_null(Users::PartnerId))
                    .col(big_integer_null(Users::VcFirmId))
                    .col(big_integer_null(Users::CustomerId))
                    .col(string(Users::PasswordHash))
                    .col(timestamp_with_time_zone_null(Users::DisabledAt))
                    .col(integer(Users::FailedLoginCount).default(0))
                    .col(timestamp_with_time_zone_null(Users::LastFailedLoginAt))
                    .col(timestamp_with_time_zone_null(Users::LockedAt))
                    .col(timestamp_with_time_zone_null(Users::TokensValidAfter))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .foreign_key(&mut fk(
                        Users::Table,
                        Users::PartnerId,
                        Partners::Table,
                        Partners::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Users::Table,
                        Users::VcFirmId,
                        VcFirms::Table,
                        VcFirms::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Users::Table,
                        Users::CustomerId,
                        Customers::Table,
                        Customers::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .check(check_one_of(Users::Table, Users::Role, ROLES))
                    .check(check(
                        Users::Table,
                        "partner_id_iff_partner",
                        r#"("role" = 'PARTNER' AND "partner_id" IS NOT NULL) OR ("role" <> 'PARTNER' AND "partner_id" IS NULL)"#,
                    ))
                    .check(check(
                        Users::Table,
                        "vc_firm_id_iff_vc",
                        r#"("role" = 'VC' AND "vc_firm_id" IS NOT NULL) OR ("role" <> 'VC' AND "vc_firm_id" IS NULL)"#,
                    ))
                    .check(check(
                        Users::Table,
                        "customer_id_iff_founder",
                        r#"("role" = 'FOUNDER' AND "customer_id" IS NOT NULL) OR ("role" <> 'FOUNDER' AND "customer_id" IS NULL)"#,
                    ))
                    .check(check(
                        Users::Table,
                        "failed_login_count",
                        r#""failed_login_count" >= 0"#,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(Users::Table, &[Users::EmailNormalized]))
            .await?;
        for column in [Users::PartnerId, Users::VcFirmId, Users::CustomerId] {
            manager.create_index(index(Users::Table, &[column])).await?;
        }

        // track_record_months
        manager
            .create_table(
                Table::create()
                    .table(TrackRecordMonths::Table)
                    .col(big_pk_auto(TrackRecordMonths::Id))
                    .col(big_integer(TrackRecordMonths::PartnerId))
                    .col(string(TrackRecordMonths::Month))
                    .col(string(TrackRecordMonths::FundingSource))
                    .col(integer(TrackRecordMonths::Submitted))
                    .col(integer(TrackRecordMonths::Approved))
                    .col(integer(TrackRecordMonths::Rejected))
                    .col(big_integer(TrackRecordMonths::AwardedUsd))
                    .col(big_integer_null(TrackRecordMonths::ImportedByUserId))
                    .col(timestamp_with_time_zone(TrackRecordMonths::ImportedAt))
                    .foreign_key(&mut fk(
                        TrackRecordMonths::Table,
                        TrackRecordMonths::PartnerId,
                        Partners::Table,
                        Partners::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        TrackRecordMonths::Table,
                        TrackRecordMonths::ImportedByUserId,
                        Users::Table,
                        Users::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .check(check(
                        TrackRecordMonths::Table,
                        "month_format",
                        r#"length("month") = 7 AND substr("month", 5, 1) = '-'"#,
                    ))
                    .check(check_one_of(
                        TrackRecordMonths::Table,
                        TrackRecordMonths::FundingSource,
                        FUNDING_SOURCES,
                    ))
                    .check(check(
                        TrackRecordMonths::Table,
                        "counts",
                        r#""submitted" >= 0 AND "approved" >= 0 AND "rejected" >= 0"#,
                    ))
                    .check(check(
                        TrackRecordMonths::Table,
                        "awarded_usd",
                        r#""awarded_usd" >= 0"#,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                TrackRecordMonths::Table,
                &[
                    TrackRecordMonths::PartnerId,
                    TrackRecordMonths::Month,
                    TrackRecordMonths::FundingSource,
                ],
            ))
            .await?;

        // funding_attestations
        manager
            .create_table(
                Table::create()
                    .table(FundingAttestations::Table)
                    .col(big_pk_auto(FundingAttestations::Id))
                    .col(big_integer(FundingAttestations::VcFirmId))
                    .col(big_integer(FundingAttestations::CustomerId))
                    .col(string(FundingAttestations::Round))
                    .col(big_integer(FundingAttestations::AmountUsd))
                    .col(date(FundingAttestations::ClosedOn))
                    .col(big_integer(FundingAttestations::AttestedByUserId))
                    .col(timestamp_with_time_zone(FundingAttestations::AttestedAt))
                    .col(timestamp_with_time_zone_null(
                        FundingAttestations::RevokedAt,
                    ))
                    .col(text_null(FundingAttestations::RevocationReason))
                    .col(big_integer_null(FundingAttestations::RevokedByUserId))
                    .foreign_key(&mut fk(
                        FundingAttestations::Table,
                        FundingAttestations::VcFirmId,
                        VcFirms::Table,
                        VcFirms::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        FundingAttestations::Table,
                        FundingAttestations::CustomerId,
                        Customers::Table,
                        Customers::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        FundingAttestations::Table,
                        FundingAttestations::AttestedByUserId,
                        Users::Table,
                        Users::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        FundingAttestations::Table,
                        FundingAttestations::RevokedByUserId,
                        Users::Table,
                        Users::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .check(check_one_of(
                        FundingAttestations::Table,
                        FundingAttestations::Round,
                        FUNDING_STAGES,
                    ))
                    .check(check(
                        FundingAttestations::Table,
                        "amount_usd",
                        r#""amount_usd" > 0"#,
                    ))
                    .to_owned(),
            )
            .await?;
        for column in [
            FundingAttestations::CustomerId,
            FundingAttestations::VcFirmId,
        ] {
            manager
                .create_index(index(
                    FundingAttestations::Table,
                    &[column, FundingAttestations::Id],
                ))
                .await?;
        }
        // A firm's attestations are listed newest first.
        manager
            .create_index(index(
                FundingAttestations::Table,
                &[
                    FundingAttestations::VcFirmId,
                    FundingAttestations::AttestedAt,
                    FundingAttestations::Id,
                ],
            ))
            .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Reverse creation order; dropping a table drops its indexes.
        drop_table(manager, FundingAttestations::Table).await?;
        drop_table(manager, TrackRecordMonths::Table).await?;
        drop_table(manager, Users::Table).await?;
        drop_table(manager, Customers::Table).await?;
        drop_table(manager, VcFirms::Table).await?;
        drop_table(manager, PartnerSpecialties::Table).await?;
        drop_table(manager, PartnerRegions::Table).await?;
        drop_table(manager, Partners::Table).await
    }
}

async fn drop_table<T: Iden + 'static>(manager: &SchemaManager<'_>, table: T) -> Result<(), DbErr> {
    manager
        .drop_table(Table::drop().table(table).to_owned())
        .await
}

#[derive(DeriveIden, Clone, Copy)]
enum Partners {
    Table,
    Id,
    Name,
    Tier,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PartnerRegions {
    Table,
    PartnerId,
    Region,
}

#[derive(DeriveIden, Clone, Copy)]
enum PartnerSpecialties {
    Table,
    PartnerId,
    Specialty,
}

#[derive(DeriveIden, Clone, Copy)]
enum VcFirms {
    Table,
    Id,
    Name,
    PortfolioAccess,
    Reputation,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Customers {
    Table,
    Id,
    LegalName,
    Website,
    AwsAccountId,
    Country,
    Incorporated,
    FundingStage,
    EngineerCount,
    MonthsOnAws,
    MonthlyAwsSpendUsd,
    MarketplaceSpendShare,
    CompetesWithAws,
    SelfServeCreditUsd,
    OwnerPartnerId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
    Email,
    EmailNormalized,
    DisplayName,
    Role,
    PartnerId,
    VcFirmId,
    CustomerId,
    PasswordHash,
    DisabledAt,
    FailedLoginCount,
    LastFailedLoginAt,
    LockedAt,
    TokensValidAfter,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TrackRecordMonths {
    Table,
    Id,
    PartnerId,
    Month,
    FundingSource,
    Submitted,
    Approved,
    Rejected,
    AwardedUsd,
    ImportedByUserId,
    ImportedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum FundingAttestations {
    Table,
    Id,
    VcFirmId,
    CustomerId,
    Round,
    AmountUsd,
    ClosedOn,
    AttestedByUserId,
    AttestedAt,
    RevokedAt,
    RevocationReason,
    RevokedByUserId,
}
