//! Schema migrations for acegate. The schema runs unchanged on SQLite and
//! PostgreSQL; on PostgreSQL a trigger also announces account changes
//! (`m20261128_000004`).
//!
//! ```no_run
//! # use sea_orm_migration::{DbErr, sea_orm::DatabaseConnection};
//! # async fn run(db: &DatabaseConnection) -> Result<(), DbErr> {
//! use migration::{Migrator, MigratorTrait};
//! Migrator::up(db, None).await?; // apply every pending migration
//! # Ok(())
//! # }
//! ```

pub use sea_orm_migration::MigratorTrait;
use sea_orm_migration::prelude::*;

mod helpers;
mod m20261127_000001_create_core_tables;
mod m20261127_000002_create_workflow_tables;
mod m20261127_000003_create_credential_tables;
mod m20261128_000001_add_filter_indexes;
mod m20261128_000002_add_scope_indexes;
mod m20261128_000003_add_partner_pipeline_index;
mod m20261128_000004_notify_account_changes;
mod m20261204_000001_integrity_rules;
mod m20261204_000002_add_inquiry_submitter;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_core_tables::Migration),
            Box::new(m20261127_000002_create_workflow_tables::Migration),
            Box::new(m20261127_000003_create_credential_tables::Migration),
            Box::new(m20261128_000001_add_filter_indexes::Migration),
            Box::new(m20261128_000002_add_scope_indexes::Migration),
            Box::new(m20261128_000003_add_partner_pipeline_index::Migration),
            Box::new(m20261128_000004_notify_account_changes::Migration),
            Box::new(m20261204_000001_integrity_rules::Migration),
            Box::new(m20261204_000002_add_inquiry_submitter::Migration),
        ]
    }
}
