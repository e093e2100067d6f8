//! The service layer: every database query lives here, scoped by the caller's principal.
//!
//! Resolvers call these functions and never build queries themselves. Functions that take only a database handle
//! load rows *by reference* from a parent the caller could already see (a record's customer, a decision's reviewer);
//! functions that take a [`Caller`] answer the caller's own questions and apply [`scope`].

pub mod accounts;
pub mod audit;
pub mod customers;
pub mod opportunities;
pub mod pagination;
pub mod partners;
pub mod scope;
pub mod vc_firms;

use std::{collections::HashMap, hash::Hash};

use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::{auth::Principal, error::AppResult};

/// A signed-in caller and the database it reads through.
#[derive(Clone)]
pub struct Caller {
    pub db: DatabaseConnection,
    pub principal: Principal,
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
