//! Indexes behind the connection filters added for issue 5: delta sync (`updatedAfter`) on the partner and VC firm
//! directories, the audit trail by action (newest first), and inquiries by routed partner (newest first) and by
//! update time.

use sea_orm_migration::prelude::*;

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index(Partners::Table, &[Partners::UpdatedAt, Partners::Id]))
            .await?;
        manager
            .create_index(index(VcFirms::Table, &[VcFirms::UpdatedAt, VcFirms::Id]))
            .await?;
        manager
            .create_index(index(
                AuditEvents::Table,
                &[AuditEvents::Action, AuditEvents::CreatedAt, AuditEvents::Id],
            ))
            .await?;
        manager
            .create_index(index(
                Inquiries::Table,
                &[
                    Inquiries::MatchedPartnerId,
                    Inquiries::CreatedAt,
                    Inquiries::Id,
                ],
            ))
            .await?;
        manager
            .create_index(index(
                Inquiries::Table,
                &[Inquiries::UpdatedAt, Inquiries::Id],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, name) in [
            (Partners::Table.to_string(), "idx_partners_updated_at_id"),
            (VcFirms::Table.to_string(), "idx_vc_firms_updated_at_id"),
            (
                AuditEvents::Table.to_string(),
                "idx_audit_events_action_created_at_id",
            ),
            (
                Inquiries::Table.to_string(),
                "idx_inquiries_matched_partner_id_created_at_id",
            ),
            (Inquiries::Table.to_string(), "idx_inquiries_updated_at_id"),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Partners {
    Table,
    Id,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum VcFirms {
    Table,
    Id,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditEvents {
    Table,
    Id,
    Action,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Inquiries {
    Table,
    Id,
    MatchedPartnerId,
    CreatedAt,
    UpdatedAt,
}
