//! Operations endpoints: `/healthz` (the process answers), `/readyz` (the database answers, its migrations are
//! applied, and shutdown has not begun), `/metrics` (Prometheus text format).

use std::time::Duration;

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use crate::{app::AppState, metrics::Snapshot};

/// A readiness probe must answer quickly even when the database hangs.
const READINESS_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn healthz() -> &'static str {
    "ok"
}

/// Why the process should not get traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotReady {
    ShuttingDown,
    Starting,
    DatabaseUnreachable,
    MigrationsPending,
}

impl NotReady {
    pub fn reason(self) -> &'static str {
        match self {
            NotReady::ShuttingDown => "shutting down",
            NotReady::Starting => "starting: waiting for the database",
            NotReady::DatabaseUnreachable => "database unreachable",
            NotReady::MigrationsPending => "database migrations not applied",
        }
    }
}

/// Whether the application may take traffic now.
pub async fn readiness(state: &AppState) -> Result<(), NotReady> {
    if state.ops.shutting_down() {
        return Err(NotReady::ShuttingDown);
    }
    match tokio::time::timeout(READINESS_TIMEOUT, applied_migrations(&state.db)).await {
        Ok(Ok(applied)) if applied >= Migrator::migrations().len() as i64 => Ok(()),
        Ok(Ok(_)) => Err(NotReady::MigrationsPending),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness: database check failed");
            // The migrations table is missing on a reachable database that was never migrated.
            match state.db.execute_unprepared("SELECT 1").await {
                Ok(_) => Err(NotReady::MigrationsPending),
                Err(_) => Err(NotReady::DatabaseUnreachable),
            }
        }
        Err(_) => Err(NotReady::DatabaseUnreachable),
    }
}

/// How many migrations the database records as applied (one query: it answers "reachable" too).
async fn applied_migrations(db: &DatabaseConnection) -> Result<i64, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COUNT(*) AS applied FROM seaql_migrations",
        ))
        .await?
        .ok_or_else(|| sea_orm::DbErr::Custom("no row".into()))?;
    row.try_get::<i64>("", "applied")
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    match readiness(&state).await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(not_ready) => not_ready_response(not_ready),
    }
}

pub fn not_ready_response(not_ready: NotReady) -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, not_ready.reason()).into_response()
}

pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !metrics_authorized(&state, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let ready = readiness(&state).await.is_ok();
    let pool = match state.db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = state.db.get_postgres_connection_pool();
            Some((pool.size(), pool.num_idle()))
        }
        DbBackend::Sqlite => {
            let pool = state.db.get_sqlite_connection_pool();
            Some((pool.size(), pool.num_idle()))
        }
        _ => None,
    };
    let snapshot = Snapshot {
        db_statements: state.db_metrics.statements(),
        db_failed_statements: state.db_metrics.failed(),
        pool,
        pool_max: state.database_max_connections,
        ready,
    };
    exposition(state.ops.metrics.render(&snapshot))
}

fn metrics_authorized(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(token) = &state.metrics_token else {
        return true;
    };
    let expected = format!("Bearer {}", token.expose());
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|given| constant_time_eq(given.as_bytes(), expected.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn exposition(text: String) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}
