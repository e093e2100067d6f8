//! An index behind row-level scoping for partner firms ("the customers a firm works with": those it owns or filed a
//! record for). `(customer_id, partner_id)` answers "did this firm file a record for this customer" with one
//! index-only probe per row checked. Without it PostgreSQL's generic plan for a page's attestations hashes every
//! record of the firm instead (10,000 for the busiest firm of the benchmark data set: 15 ms a request).
//!
//! Deliberately not `(partner_id, customer_id)` as well: it makes that hash look cheap enough for the generic plan to
//! choose it again (2.7 ms instead of 0.2 ms a page; bench/RESULTS.md).

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
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_opportunities_customer_id_partner_id")
                    .table(Opportunities::Table)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Opportunities {
    Table,
    CustomerId,
    PartnerId,
}
