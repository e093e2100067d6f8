//! Relay connections built from a service [`Page`], with a `totalCount` that is only counted when asked for.

use std::{future::Future, pin::Pin, sync::Arc};

use async_graphql::{
    Object, OutputType, Result,
    connection::{Connection, Edge, EmptyFields},
};

use crate::{error::AppResult, service::pagination::Page};

type CountFuture = Pin<Box<dyn Future<Output = AppResult<u64>> + Send>>;

/// The extra fields every connection has.
pub struct ConnectionTotals {
    count: Arc<dyn Fn() -> CountFuture + Send + Sync>,
}

impl ConnectionTotals {
    pub fn new<F, Fut>(count: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = AppResult<u64>> + Send + 'static,
    {
        Self {
            count: Arc::new(move || Box::pin(count())),
        }
    }
}

#[Object]
impl ConnectionTotals {
    /// Number of items the filter matches that the viewer may see, on all pages.
    async fn total_count(&self) -> Result<i64> {
        Ok((self.count)().await? as i64)
    }
}

pub type PagedConnection<N> = Connection<String, N, ConnectionTotals, EmptyFields>;

pub fn connection<M, N: OutputType>(
    page: Page<M>,
    wrap: impl Fn(M) -> N,
    totals: ConnectionTotals,
) -> PagedConnection<N> {
    let mut connection =
        Connection::with_additional_fields(page.has_previous_page, page.has_next_page, totals);
    connection.edges.extend(
        page.rows
            .into_iter()
            .map(|(cursor, row)| Edge::new(cursor, wrap(row))),
    );
    connection
}
