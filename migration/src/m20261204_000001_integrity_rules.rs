//! Two rules of issue 13 that the database itself keeps, so that no code path and no race can break them:
//!
//! - An approval for $0 (a duplicate workload, or a customer at the credit cap) closes its record: it no longer holds
//!   the customer's one live slot for the funding source. The partial unique index behind "one live record per
//!   customer and funding source" leaves such records out.
//! - A VC firm holds at most one unrevoked attestation of one round, amount and close date for one company. Rows
//!   that already repeat one are revoked (never deleted) before the index is built, keeping the oldest; the revocation
//!   names no user and says why.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

const LIVE_OPPORTUNITY_INDEX: &str = "uq_opportunities_live_customer_funding_source";
const LIVE_ATTESTATION_INDEX: &str = "uq_funding_attestations_live_round";

/// The reason recorded on an attestation this migration revokes.
const DUPLICATE_REVOKED: &str = "Revoked when duplicate attestations were forbidden: it repeats an earlier attestation of the same round, amount and close date by the same firm.";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// One transaction on SQLite too: the index is dropped and rebuilt, and without a transaction (SQLite's default
    /// here) those statements run on different pooled connections and a failure between them leaves no index at all.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&format!(r#"DROP INDEX "{LIVE_OPPORTUNITY_INDEX}""#))
            .await?;
        db.execute_unprepared(&format!(
            r#"CREATE UNIQUE INDEX "{LIVE_OPPORTUNITY_INDEX}" ON "opportunities" ("customer_id", "funding_source") WHERE "status" IN ('SUBMITTED', 'IN_REVIEW', 'ACTION_REQUIRED') OR ("status" = 'APPROVED' AND ("awarded_amount_usd" IS NULL OR "awarded_amount_usd" <> 0))"#
        ))
        .await?;
        // Revoked now, by nobody (a migration, not a user: the reason says so), in each database's own timestamp
        // format (SQLite keeps RFC 3339 text, as the entities write it).
        let now = match manager.get_database_backend() {
            DbBackend::Sqlite => "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')",
            _ => "CURRENT_TIMESTAMP",
        };
        db.execute_unprepared(&format!(
            r#"UPDATE "funding_attestations" SET "revoked_at" = {now}, "revoked_by_user_id" = NULL, "revocation_reason" = '{DUPLICATE_REVOKED}' WHERE "revoked_at" IS NULL AND EXISTS (SELECT 1 FROM "funding_attestations" AS "earlier" WHERE "earlier"."revoked_at" IS NULL AND "earlier"."vc_firm_id" = "funding_attestations"."vc_firm_id" AND "earlier"."customer_id" = "funding_attestations"."customer_id" AND "earlier"."round" = "funding_attestations"."round" AND "earlier"."amount_usd" = "funding_attestations"."amount_usd" AND "earlier"."closed_on" = "funding_attestations"."closed_on" AND "earlier"."id" < "funding_attestations"."id")"#,
        ))
        .await?;
        db.execute_unprepared(&format!(
            r#"CREATE UNIQUE INDEX "{LIVE_ATTESTATION_INDEX}" ON "funding_attestations" ("vc_firm_id", "customer_id", "round", "amount_usd", "closed_on") WHERE "revoked_at" IS NULL"#
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&format!(r#"DROP INDEX "{LIVE_ATTESTATION_INDEX}""#))
            .await?;
        db.execute_unprepared(&format!(r#"DROP INDEX "{LIVE_OPPORTUNITY_INDEX}""#))
            .await?;
        db.execute_unprepared(&format!(
            r#"CREATE UNIQUE INDEX "{LIVE_OPPORTUNITY_INDEX}" ON "opportunities" ("customer_id", "funding_source") WHERE "status" IN ('SUBMITTED', 'IN_REVIEW', 'ACTION_REQUIRED', 'APPROVED')"#
        ))
        .await?;
        Ok(())
    }
}
