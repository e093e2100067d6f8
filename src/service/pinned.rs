//! One pooled connection held for a few reads in a row. Each statement through [`DatabaseConnection`] checks a
//! connection out of sqlx's pool and back, and sqlx pings every connection it takes back (one more round trip, 12 %
//! of the server's CPU on a by-id request; bench/RESULTS.md). SeaORM keeps a connection only inside a transaction,
//! which costs a `BEGIN` and a `COMMIT`; this keeps one without either, for reads that run back to back.
//!
//! It runs SeaORM's statements through sqlx the way SeaORM itself does (same binding, same row type), counts them in
//! the same metrics, and gives the connection back when dropped. Only reads: it refuses to execute a write.

use std::sync::Arc;

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, ExecResult, QueryResult, RuntimeErr,
    Statement,
    error::ConnAcquireErr,
    sqlx::{self, Postgres, Sqlite, pool::PoolConnection},
};
use sea_query_sqlx::SqlxValues;
use tokio::sync::Mutex;

use super::Caller;
use crate::{db::DbMetrics, error::AppResult};

enum Held {
    Postgres(PoolConnection<Postgres>),
    Sqlite(PoolConnection<Sqlite>),
}

pub struct Pinned {
    backend: DbBackend,
    held: Mutex<Held>,
    metrics: Arc<DbMetrics>,
}

impl Pinned {
    /// A connection of the caller's database, counted in its metrics.
    pub async fn for_caller(caller: &Caller) -> AppResult<Self> {
        Ok(Self::acquire(&caller.db, caller.db_metrics.clone()).await?)
    }

    /// `db` must be a real SQLite or PostgreSQL pool, not SeaORM's mock or proxy connection (acegate builds neither):
    /// the pool accessors below panic on anything else.
    pub async fn acquire(db: &DatabaseConnection, metrics: Arc<DbMetrics>) -> Result<Self, DbErr> {
        let backend = db.get_database_backend();
        let held = match backend {
            DbBackend::Postgres => Held::Postgres(
                db.get_postgres_connection_pool()
                    .acquire()
                    .await
                    .map_err(acquire_error)?,
            ),
            DbBackend::Sqlite => Held::Sqlite(
                db.get_sqlite_connection_pool()
                    .acquire()
                    .await
                    .map_err(acquire_error)?,
            ),
            other => {
                return Err(DbErr::BackendNotSupported {
                    db: other.as_str(),
                    ctx: "Pinned",
                });
            }
        };
        Ok(Self {
            backend,
            held: Mutex::new(held),
            metrics,
        })
    }

    /// Every row, or with `first_only` the first only (as SeaORM's `one`, which stops reading there).
    async fn fetch(
        &self,
        statement: Statement,
        first_only: bool,
    ) -> Result<Vec<QueryResult>, DbErr> {
        let values = SqlxValues(statement.values.unwrap_or(sea_orm::Values(Vec::new())));
        let sql = sqlx::AssertSqlSafe(statement.sql);
        // The same steps for either backend; the connection types differ, so the query is built per arm.
        macro_rules! run_on {
            ($conn:expr) => {{
                let query = sqlx::query_with(sql, values);
                if first_only {
                    (query.fetch_optional(&mut **$conn).await)
                        .map(|row| row.into_iter().map(QueryResult::from).collect())
                } else {
                    (query.fetch_all(&mut **$conn).await)
                        .map(|rows| rows.into_iter().map(QueryResult::from).collect())
                }
            }};
        }
        let mut held = self.held.lock().await;
        let rows: Result<Vec<QueryResult>, sqlx::Error> = match &mut *held {
            Held::Postgres(conn) => run_on!(conn),
            Held::Sqlite(conn) => run_on!(conn),
        };
        self.metrics.count(rows.is_err());
        rows.map_err(|err| DbErr::Query(RuntimeErr::SqlxError(Arc::new(err))))
    }
}

fn acquire_error(err: sqlx::Error) -> DbErr {
    match err {
        sqlx::Error::PoolTimedOut => DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
        sqlx::Error::PoolClosed => DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed),
        other => DbErr::Conn(RuntimeErr::SqlxError(Arc::new(other))),
    }
}

fn read_only() -> DbErr {
    DbErr::Custom("a pinned connection only reads".into())
}

#[async_trait::async_trait]
impl ConnectionTrait for Pinned {
    fn get_database_backend(&self) -> DbBackend {
        self.backend
    }

    async fn execute_raw(&self, _: Statement) -> Result<ExecResult, DbErr> {
        Err(read_only())
    }

    async fn execute_unprepared(&self, _: &str) -> Result<ExecResult, DbErr> {
        Err(read_only())
    }

    async fn query_one_raw(&self, statement: Statement) -> Result<Option<QueryResult>, DbErr> {
        Ok(self.fetch(statement, true).await?.into_iter().next())
    }

    async fn query_all_raw(&self, statement: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.fetch(statement, false).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_run_on_the_held_connection_are_counted_and_writes_are_refused() {
        let metrics = Arc::new(DbMetrics::default());
        let db = crate::db::open(
            "sqlite::memory:",
            1,
            std::time::Duration::from_secs(5),
            metrics.clone(),
        )
        .await
        .unwrap();
        let pinned = Pinned::acquire(&db, metrics.clone()).await.unwrap();
        let select = |sql: &str| Statement::from_string(DbBackend::Sqlite, sql);

        let rows = pinned
            .query_all_raw(select("SELECT 1 UNION SELECT 2"))
            .await
            .unwrap();
        assert_eq!(rows.len(), 2);
        let one = pinned
            .query_one_raw(select("SELECT 7 AS seven"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(one.try_get::<i64>("", "seven").unwrap(), 7);
        assert!(
            pinned
                .query_all_raw(select("SELECT * FROM missing"))
                .await
                .is_err()
        );
        assert_eq!((metrics.statements(), metrics.failed()), (3, 1));

        assert!(
            pinned
                .execute_unprepared("CREATE TABLE t (x)")
                .await
                .is_err()
        );
        assert!(
            pinned
                .execute_raw(select("CREATE TABLE t (x)"))
                .await
                .is_err()
        );
        assert_eq!(metrics.statements(), 3, "a refused write sends nothing");
    }
}
