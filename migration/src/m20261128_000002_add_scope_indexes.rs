//! Indexes behind row-level scoping for partner firms ("the customers a firm works with": those it owns or filed a
//! record for). `(customer_id, partner_id)` answers "did this firm file for this customer" with an index-only probe,
//! which keeps PostgreSQL's generic plan for a page's attestations on per-row probes: without it the plan hashes all
//! of the firm's records (10,000 for the busiest firm of the benchmark data set, 15 ms a request). `(partner_id,
//! customer_id)` makes that hash, when a long scan such as a firm's customer list does want it, an index-only scan.

use sea_orm_migration::prelude::*;

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index(
                Opportunities::Table,
                &[Opportunities::CustomerId, Opportunities::PartnerId],
            ))
            .await?;
        manager
            .create_index(index(
                Opportunities::Table,
                &[Opportunities::PartnerId, Opportunities::CustomerId],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "idx_opportunities_customer_id_partner_id",
            "idx_opportunities_partner_id_customer_id",
        ] {
            manager
                .drop_index(
                    Index::drop()
                        .name(name)
                        .table(Opportunities::Table)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Opportunities {
    Table,
    CustomerId,
    PartnerId,
}
