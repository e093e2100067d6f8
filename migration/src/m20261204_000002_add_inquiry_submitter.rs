//! Who submitted an inquiry: `inquiries.submitted_by_user_id`, the signed-in user who sent it (null when it came
//! anonymously), so that a founder can list the inquiries it submitted. Inquiries submitted before this migration
//! take their submitter from their `inquiry.submit` audit event, which has named it all along.

use sea_orm_migration::prelude::*;

use crate::helpers::index;

const INDEX: &str = "idx_inquiries_submitted_by_user_id_created_at_id";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // A column constraint, which SQLite accepts in ALTER TABLE ADD COLUMN (a table constraint it does not).
        db.execute_unprepared(
            r#"ALTER TABLE "inquiries" ADD COLUMN "submitted_by_user_id" bigint NULL CONSTRAINT "fk_inquiries_submitted_by_user_id" REFERENCES "users" ("id") ON DELETE RESTRICT"#,
        )
        .await?;
        db.execute_unprepared(
            r#"UPDATE "inquiries" SET "submitted_by_user_id" = (SELECT MIN("audit_events"."actor_user_id") FROM "audit_events" WHERE "audit_events"."action" = 'inquiry.submit' AND "audit_events"."subject_type" = 'Inquiry' AND "audit_events"."subject_id" = "inquiries"."id")"#,
        )
        .await?;
        manager
            .create_index(index(
                Inquiries::Table,
                &[
                    Inquiries::SubmittedByUserId,
                    Inquiries::CreatedAt,
                    Inquiries::Id,
                ],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Inquiries::Table).to_owned())
            .await?;
        manager
            .get_connection()
            .execute_unprepared(r#"ALTER TABLE "inquiries" DROP COLUMN "submitted_by_user_id""#)
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Inquiries {
    Table,
    SubmittedByUserId,
    CreatedAt,
    Id,
}
