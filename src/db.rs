//! Opening the database (SQLite or PostgreSQL, chosen by the URL) and bringing its schema up to date.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// Counters of the statements this process sent, for `/metrics` and for tests that pin the number of statements a
/// request costs.
#[derive(Debug, Default)]
pub struct DbMetrics {
    statements: AtomicU64,
    failed: AtomicU64,
}

impl DbMetrics {
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }
    pub fn failed(&self) -> u64 {
        self.failed.load(Ordering::Relaxed)
    }
    /// Counts one statement sent.
    pub fn count(&self, failed: bool) {
        self.statements.fetch_add(1, Ordering::Relaxed);
        if failed {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Opens a pool with the default statement timeout (see [`open`]).
pub async fn connect(
    url: &str,
    max_connections: u32,
    metrics: Arc<DbMetrics>,
) -> Result<DatabaseConnection, DbErr> {
    let timeout = Duration::from_millis(crate::policy::limits::DATABASE_STATEMENT_TIMEOUT_MS);
    open(url, max_connections, timeout, metrics).await
}

/// Opens a pool. SQLite gets WAL with full synchronous writes (an acknowledged write survives a crash), foreign
/// keys on, and a busy timeout of `statement_timeout` so that concurrent writers queue instead of failing.
/// PostgreSQL gets `statement_timeout`, so that no statement outlives a request by much. A statement either
/// cancels is `AppError::Timeout`.
pub async fn open(
    url: &str,
    max_connections: u32,
    statement_timeout: Duration,
    metrics: Arc<DbMetrics>,
) -> Result<DatabaseConnection, DbErr> {
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let mut options = ConnectOptions::new(url.to_owned());
    options
        // An in-memory SQLite database exists per connection, so it must be exactly one.
        .max_connections(if in_memory { 1 } else { max_connections })
        .min_connections(if in_memory { 1 } else { 0 })
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        // Ping a pooled connection before handing it out only when it sat idle long enough to have been dropped by
        // the server or the network; pinging on every checkout (the default) is one more round trip per statement.
        .test_before_acquire_if_idle_for(Duration::from_secs(5))
        .sqlx_logging(false)
        .statement_timeout(statement_timeout)
        .map_sqlx_sqlite_opts(move |opts| {
            let opts = opts
                .create_if_missing(true)
                .foreign_keys(true)
                .synchronous(SqliteSynchronous::Full)
                // SQLite has no statement timeout; a lock wait is the one wait it can cut short.
                .busy_timeout(statement_timeout);
            if in_memory {
                opts
            } else {
                opts.journal_mode(SqliteJournalMode::Wal)
            }
        });
    if in_memory {
        // Idle eviction would drop the only connection and with it the whole database.
        options
            .idle_timeout(None::<Duration>)
            .max_lifetime(None::<Duration>);
    }
    let mut db = Database::connect(options).await?;
    db.set_metric_callback(move |info| metrics.count(info.failed));
    Ok(db)
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}
