//! Live record events for subscriptions. Each process fans events out to its subscribers through an in-process
//! broadcast channel. On PostgreSQL the events travel through `NOTIFY`/`LISTEN`, so every replica on the database
//! hears every replica's events (scale-out is stateless processes on one PostgreSQL); on SQLite, where there is
//! only one process, publishing goes straight to the channel.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use entity::enums::OpportunityStatus;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// The PostgreSQL channel all replicas listen on.
const CHANNEL: &str = "acegate_opportunity_events";
/// How many events a slow subscriber may fall behind before it misses some.
const BUFFER: usize = 1024;

/// A record changed status.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpportunityEvent {
    pub opportunity_id: i64,
    pub status: OpportunityStatus,
    pub previous_status: Option<OpportunityStatus>,
    pub at: DateTime<Utc>,
}

#[derive(Clone)]
pub struct EventBus {
    local: broadcast::Sender<OpportunityEvent>,
    backend: DbBackend,
    /// The listener task, stopped when the last clone of the bus goes.
    _listener: Option<Arc<AbortOnDrop>>,
}

/// A background task that ends with its owner (a listener of `NOTIFY`, here and in the account cache).
pub(crate) struct AbortOnDrop(pub(crate) tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl EventBus {
    /// Starts the bus for a database; on PostgreSQL this opens a dedicated `LISTEN` connection.
    pub async fn start(db: &DatabaseConnection, url: &str) -> Result<Self, sea_orm::DbErr> {
        let (local, _) = broadcast::channel(BUFFER);
        let backend = db.get_database_backend();
        let listener = match backend {
            DbBackend::Postgres => Some(Arc::new(AbortOnDrop(
                spawn_listener(url, local.clone()).await?,
            ))),
            _ => None,
        };
        Ok(Self {
            local,
            backend,
            _listener: listener,
        })
    }

    pub fn subscribe(&self) -> broadcast::Receiver<OpportunityEvent> {
        self.local.subscribe()
    }

    /// Publishes an event after its change committed.
    pub async fn publish(&self, db: &impl ConnectionTrait, event: OpportunityEvent) {
        match self.backend {
            DbBackend::Postgres => {
                let payload = match serde_json::to_string(&event) {
                    Ok(payload) => payload,
                    Err(err) => return tracing::error!(error = %err, "cannot encode an event"),
                };
                let statement = Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_notify($1, $2)",
                    [CHANNEL.into(), payload.into()],
                );
                // A lost live event is recoverable (clients refetch); a failed request after a commit is not.
                if let Err(err) = db.execute_raw(statement).await {
                    tracing::warn!(error = %err, "cannot publish an event");
                }
            }
            _ => {
                // No subscribers is not an error.
                let _ = self.local.send(event);
            }
        }
    }
}

async fn spawn_listener(
    url: &str,
    local: broadcast::Sender<OpportunityEvent>,
) -> Result<tokio::task::JoinHandle<()>, sea_orm::DbErr> {
    use sea_orm::sqlx::postgres::PgListener;
    let connect = |url: String| async move {
        let mut listener = PgListener::connect(&url).await?;
        listener.listen(CHANNEL).await?;
        Ok::<_, sea_orm::sqlx::Error>(listener)
    };
    let mut listener = connect(url.to_owned())
        .await
        .map_err(|e| sea_orm::DbErr::Custom(format!("LISTEN: {e}")))?;
    Ok(tokio::spawn(async move {
        loop {
            // `PgListener` reconnects by itself after a dropped connection; notifications sent meanwhile are lost.
            match listener.recv().await {
                Ok(notification) => {
                    match serde_json::from_str::<OpportunityEvent>(notification.payload()) {
                        Ok(event) => {
                            let _ = local.send(event);
                        }
                        Err(err) => tracing::warn!(error = %err, "ignoring a malformed event"),
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %err, "event listener failed; retrying");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                }
            }
        }
    }))
}
