//! The service layer: every database query lives here, scoped by the caller's principal.
//!
//! Resolvers call these functions and never build queries themselves. Functions that take only a database handle
//! load rows *by reference* from a parent the caller could already see (a record's customer, a decision's reviewer);
//! functions that take a [`Caller`] answer the caller's own questions and apply [`scope`].

pub mod account_cache;
pub mod accounts;
pub mod analytics;
pub mod audit;
pub mod credentials;
pub mod customers;
pub mod eligibility;
pub mod idempotency;
pub mod input;
pub mod inquiries;
pub mod opportunities;
pub mod pagination;
pub mod partners;
pub mod pinned;
mod positional;
pub mod review;
pub mod routing;
pub mod scope;
pub mod track_record;
pub mod users;
pub mod vc_firms;
pub mod workflow;

use std::{collections::HashMap, hash::Hash};

use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::{auth::Principal, error::AppResult};

/// A signed-in caller and the database it reads through.
#[derive(Clone)]
pub struct Caller {
    pub db: DatabaseConnection,
    pub principal: Principal,
    /// The request's id, recorded on the audit events it causes.
    pub request_id: Option<String>,
    /// Where committed status changes are announced to subscribers.
    pub events: crate::events::EventBus,
    /// The statement counters of `db`, which [`pinned::Pinned`] keeps too.
    pub db_metrics: std::sync::Arc<crate::db::DbMetrics>,
    /// The accounts this process keeps; a service that changes an account forgets it here once its commit returns
    /// (`forget_when_done`).
    pub accounts: std::sync::Arc<account_cache::AccountCache>,
}

/// Whether a database error is a unique-constraint violation (a lost race or a duplicate), as opposed to a fault.
pub fn is_unique_violation(err: &sea_orm::DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Text search patterns are matched literally: `%` and `_` typed by a user are not wildcards.
pub fn like_pattern(needle: &str) -> String {
    let escaped = needle
        .trim()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{}%", escaped.to_lowercase())
}

/// Rows of one table by primary key, keyed by it: the batch behind every by-id DataLoader.
pub async fn rows_by_id<E: EntityTrait>(
    db: &impl ConnectionTrait,
    id_column: E::Column,
    ids: &[i64],
    id_of: fn(&E::Model) -> i64,
) -> AppResult<HashMap<i64, E::Model>> {
    let rows = E::find()
        .filter(id_column.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|row| (id_of(&row), row)).collect())
}

/// Groups rows by a key, keeping their order within each group.
pub fn group_by<K: Hash + Eq, V>(
    rows: impl IntoIterator<Item = V>,
    key: impl Fn(&V) -> K,
) -> HashMap<K, Vec<V>> {
    let mut grouped: HashMap<K, Vec<V>> = HashMap::new();
    for row in rows {
        grouped.entry(key(&row)).or_default().push(row);
    }
    grouped
}

/// A write transaction. On SQLite, writers in this process also take one lock: a deferred SQLite transaction that
/// reads and then writes fails with `SQLITE_BUSY` instead of waiting when another writer got there first, so
/// writers queue here instead. PostgreSQL needs no such lock.
pub struct WriteTx {
    pub txn: sea_orm::DatabaseTransaction,
    _sqlite_writer: Option<tokio::sync::MutexGuard<'static, ()>>,
}

static SQLITE_WRITER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub async fn begin_write(db: &DatabaseConnection) -> AppResult<WriteTx> {
    use sea_orm::TransactionTrait;
    let guard = match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => Some(SQLITE_WRITER.lock().await),
        _ => None,
    };
    let txn = db.begin().await?;
    Ok(WriteTx {
        txn,
        _sqlite_writer: guard,
    })
}

impl WriteTx {
    pub async fn commit(self) -> AppResult<()> {
        self.txn.commit().await?;
        Ok(())
    }
}
