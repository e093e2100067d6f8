//! PostgreSQL only: every inserted or deleted account row, and every update of a column that decides whether an
//! access token is honoured and as whom (role and organisation, disabled, tokens valid after), is announced on the
//! channel `acegate_account_changes` (the payload is the user id; a `TRUNCATE` sends `*`), when its transaction
//! commits. Sign-in counters and lock columns do not matter to a token and are not announced, so failed sign-ins do
//! not churn the servers' caches.
//! Each server keeps the accounts its requests authenticate as in memory and forgets one when it hears of a change,
//! whoever made it: another replica, a migration or an operator in `psql`. SQLite has no `NOTIFY`; there the server
//! keeps nothing and reads the account on every request.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
CREATE FUNCTION "acegate_notify_account_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('acegate_account_changes', '*');
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('acegate_account_changes', OLD."id"::text);
  ELSE
    PERFORM pg_notify('acegate_account_changes', NEW."id"::text);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "users_notify_account_change"
  AFTER INSERT OR DELETE
     OR UPDATE OF "id", "role", "partner_id", "vc_firm_id", "customer_id", "disabled_at", "tokens_valid_after"
  ON "users"
  FOR EACH ROW EXECUTE FUNCTION "acegate_notify_account_change"();
CREATE TRIGGER "users_notify_account_truncate" AFTER TRUNCATE ON "users"
  FOR EACH STATEMENT EXECUTE FUNCTION "acegate_notify_account_change"();
-- Fired in replication-role sessions too (logical replication apply, some bulk loaders), which skip ordinary
-- triggers; the servers trust their caches only while both triggers are enabled this way.
ALTER TABLE "users" ENABLE ALWAYS TRIGGER "users_notify_account_change";
ALTER TABLE "users" ENABLE ALWAYS TRIGGER "users_notify_account_truncate";
"#;

const DOWN: &str = r#"
DROP TRIGGER IF EXISTS "users_notify_account_truncate" ON "users";
DROP TRIGGER IF EXISTS "users_notify_account_change" ON "users";
DROP FUNCTION IF EXISTS "acegate_notify_account_change"();
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_on_postgres(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_on_postgres(manager, DOWN).await
    }
}

async fn run_on_postgres(manager: &SchemaManager<'_>, sql: &str) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    manager.get_connection().execute_unprepared(sql).await?;
    Ok(())
}
