//! Building the application (database, schema, router) once, for `main` and for the tests alike, and serving it
//! with graceful shutdown.
//!
//! [`Application::build`] connects, migrates and loads demo data before it returns (the tests rely on that).
//! [`run`], used by `main`, starts listening at once instead and builds the application in the background,
//! retrying while the database is late or down; meanwhile a stand-in answers `/healthz` 200, `/readyz` 503 and
//! everything else 503.

use std::{
    future::Future,
    sync::{Arc, OnceLock},
    time::Duration,
};

use axum::{
    Router,
    extract::{Request, State},
    http::{StatusCode, header},
    routing::get,
};
use sea_orm::DatabaseConnection;

use crate::{
    auth::{Principal, token::TokenService},
    config::{Config, Secret},
    db::{self, DbMetrics},
    demo,
    error::AppError,
    events::EventBus,
    graphql::{
        self, AppSchema,
        limits::Protections,
        mutation::{InquiryLimiter, LoginLimiter},
        projection::ReadProjection,
    },
    http::{
        self, Ops,
        graphql::Guard,
        layers::{self, LayerSettings},
        ops::{self as ops_routes, NotReady},
    },
    ratelimit::Limiter,
    service::{Caller, account_cache::AccountCache},
};

/// What every request handler shares. Cloned once per request (axum's `State`), so it is one `Arc`: the token keys,
/// the schema and the limits are never copied on the request path.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub schema: AppSchema,
    pub db: DatabaseConnection,
    pub tokens: TokenService,
    pub playground: bool,
    pub db_metrics: Arc<DbMetrics>,
    pub events: EventBus,
    pub accounts: Arc<AccountCache>,
    /// Metrics and the shutdown flag, shared with the stand-in that answers while the application starts.
    pub ops: Arc<Ops>,
    /// Request limits and rate limiters of the GraphQL endpoint.
    pub guard: Arc<Guard>,
    pub metrics_token: Option<Secret>,
    pub database_max_connections: u32,
    layer_settings: LayerSettings,
}

impl Shared {
    /// The service-layer caller of a request authenticated as `principal`.
    pub fn caller(&self, principal: Principal, request_id: Option<String>) -> Caller {
        Caller {
            db: self.db.clone(),
            principal,
            request_id,
            events: self.events.clone(),
            db_metrics: self.db_metrics.clone(),
            accounts: self.accounts.clone(),
        }
    }
}

pub struct Application {
    pub state: AppState,
    pub config: Config,
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("demo data: {0:?}")]
    Demo(AppError),
    #[error("listen: {0}")]
    Io(#[from] std::io::Error),
}

/// What happened to the demo data set at start-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoData {
    Loaded,
    AlreadyPresent,
    Disabled,
}

impl Application {
    /// Connects, migrates and (in development, on an empty database) loads the demo data.
    pub async fn build(config: Config) -> Result<(Self, DemoData), StartupError> {
        Self::build_with(config, Arc::new(Ops::default())).await
    }

    async fn build_with(config: Config, ops: Arc<Ops>) -> Result<(Self, DemoData), StartupError> {
        let db_metrics = Arc::new(DbMetrics::default());
        let db = db::open(
            &config.database_url,
            config.database_max_connections,
            config.limits.statement_timeout,
            db_metrics.clone(),
        )
        .await?;
        db::migrate(&db).await?;
        let demo = if !config.demo_data {
            DemoData::Disabled
        } else if demo::load_if_empty(&db).await.map_err(StartupError::Demo)? {
            DemoData::Loaded
        } else {
            DemoData::AlreadyPresent
        };
        let tokens = TokenService::new(config.jwt.clone());
        let events = EventBus::start(&db, &config.database_url).await?;
        let accounts = AccountCache::start(&db, &config.database_url);
        let login_limiter = LoginLimiter(Limiter::new(
            config.login_attempts_per_ip_per_minute,
            Duration::from_secs(60),
        ));
        let mut builder = graphql::builder()
            .data(db.clone())
            .data(tokens.clone())
            .data(login_limiter)
            .data(InquiryLimiter(Limiter::new(
                config.inquiries_per_ip_per_minute,
                Duration::from_secs(60),
            )))
            .data(events.clone())
            .data(accounts.clone())
            .data(ReadProjection(config.read_projection))
            .extension(Protections {
                limits: config.limits.query,
                introspection_enabled: config.introspection,
                gate_anonymous: !config.is_development(),
            })
            .extension(graphql::input_text::InputText)
            .extension(graphql::variable_defaults::VariableDefaults)
            .extension(graphql::response_order::ResponseOrder)
            .extension(graphql::error_codes::ErrorCodes)
            .extension(graphql::cost::Cost {
                limit: config.limits.query.max_complexity,
            });
        if !config.introspection {
            builder = builder.disable_introspection().disable_suggestions();
        }
        let state = AppState(Arc::new(Shared {
            schema: builder.finish(),
            db,
            tokens,
            playground: config.introspection,
            db_metrics,
            events,
            accounts,
            ops,
            guard: Arc::new(Guard::new(config.limits.clone())),
            metrics_token: config.metrics_token.clone(),
            database_max_connections: config.database_max_connections,
            layer_settings: layer_settings(&config),
        }));
        Ok((Self { state, config }, demo))
    }

    pub fn router(&self) -> Router {
        router(self.state.clone())
    }

    /// Serves until SIGINT/SIGTERM, then lets in-flight requests finish.
    pub async fn serve(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        let ops = self.state.ops.clone();
        let (drain, grace) = (self.config.shutdown_drain, self.config.shutdown_grace);
        let router = self.router();
        let headers = self.config.limits.header_read_timeout;
        serve_router(
            listener,
            router,
            ops,
            shutdown_signal(),
            drain,
            grace,
            headers,
        )
        .await
    }

    /// Serves until `shutdown` completes; then readiness fails, the listener closes and in-flight requests
    /// finish (for tests, which cannot send themselves a signal).
    pub async fn serve_until(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let ops = self.state.ops.clone();
        let (drain, grace) = (self.config.shutdown_drain, self.config.shutdown_grace);
        let router = self.router();
        let headers = self.config.limits.header_read_timeout;
        serve_router(listener, router, ops, shutdown, drain, grace, headers).await
    }
}

fn layer_settings(config: &Config) -> LayerSettings {
    LayerSettings {
        cors_origins: config.cors_origins.clone(),
        max_headers: config.limits.max_headers,
        max_header_bytes: config.limits.max_header_bytes,
    }
}

pub fn router(state: AppState) -> Router {
    let ops = state.ops.clone();
    let settings = state.layer_settings.clone();
    let routes = Router::new()
        .route(
            "/graphql",
            get(http::graphql::handler).post(http::graphql::handler),
        )
        .route("/graphql/ws", get(crate::ws::handler))
        .merge(crate::playground::routes())
        .route("/healthz", get(ops_routes::healthz))
        .route("/readyz", get(ops_routes::readyz))
        .route("/metrics", get(ops_routes::metrics))
        .with_state(state);
    layers::apply(routes, ops, &settings)
}

/// Listens at once and builds the application in the background, retrying (with back-off) while the database
/// is late or down; `on_ready` runs once it is built. Serves until SIGINT/SIGTERM.
pub async fn run(
    config: Config,
    listener: tokio::net::TcpListener,
    on_ready: impl FnOnce(&Application, DemoData) + Send + 'static,
) -> std::io::Result<()> {
    let ops = Arc::new(Ops::default());
    let slot: Arc<OnceLock<Router>> = Arc::new(OnceLock::new());
    let stand_in = layers::apply(
        Router::new()
            .route("/healthz", get(ops_routes::healthz))
            .route(
                "/readyz",
                get(|State(ops): State<Arc<Ops>>| async move {
                    ops_routes::not_ready_response(if ops.shutting_down() {
                        NotReady::ShuttingDown
                    } else {
                        NotReady::Starting
                    })
                }),
            )
            .fallback(|| async {
                let body = serde_json::json!({ "errors": [{
                    "message": "the service is starting: the database is not ready yet",
                    "extensions": { "code": "INTERNAL" },
                }] });
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [
                        (header::CONTENT_TYPE, "application/json"),
                        (header::RETRY_AFTER, "5"),
                    ],
                    body.to_string(),
                )
            })
            .with_state(ops.clone()),
        ops.clone(),
        &layer_settings(&config),
    );
    let (drain, grace) = (config.shutdown_drain, config.shutdown_grace);
    let header_read_timeout = config.limits.header_read_timeout;

    let booting = {
        let (slot, ops) = (slot.clone(), ops.clone());
        tokio::spawn(async move {
            let mut backoff = Duration::from_millis(500);
            loop {
                match Application::build_with(config.clone(), ops.clone()).await {
                    Ok((app, demo)) => {
                        on_ready(&app, demo);
                        let _ = slot.set(app.router());
                        tracing::info!("ready");
                        return;
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, retry_in_ms = backoff.as_millis() as u64, "start-up: database not ready");
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(Duration::from_secs(10));
                    }
                }
                if ops.shutting_down() {
                    return;
                }
            }
        })
    };

    let dispatch = {
        let slot = slot.clone();
        tower::service_fn(move |request: Request| {
            let router = slot.get().cloned().unwrap_or_else(|| stand_in.clone());
            tower::ServiceExt::oneshot(router, request)
        })
    };
    let router = Router::new().fallback_service(dispatch);
    let result = serve_router(
        listener,
        router,
        ops,
        shutdown_signal(),
        drain,
        grace,
        header_read_timeout,
    )
    .await;
    booting.abort();
    result
}

/// Serves `router` until `shutdown`; then fails readiness for `drain`, stops accepting connections and waits up
/// to `grace` for in-flight requests (and open subscriptions), then returns. Headers not in within
/// `header_read_timeout` close their connection.
async fn serve_router(
    listener: tokio::net::TcpListener,
    router: Router,
    ops: Arc<Ops>,
    shutdown: impl Future<Output = ()> + Send + 'static,
    drain: Duration,
    grace: Duration,
    header_read_timeout: Duration,
) -> std::io::Result<()> {
    let stopping = Arc::new(tokio::sync::Notify::new());
    let graceful = {
        let (ops, stopping) = (ops.clone(), stopping.clone());
        async move {
            shutdown.await;
            ops.begin_shutdown();
            tracing::info!(
                drain_ms = drain.as_millis() as u64,
                "shutting down: readiness fails; finishing in-flight requests"
            );
            tokio::time::sleep(drain).await;
            stopping.notify_one();
        }
    };
    tokio::select! {
        () = http::server::serve(listener, router, header_read_timeout, graceful) => {
            tracing::info!("stopped");
            Ok(())
        }
        _ = async {
            stopping.notified().await;
            tokio::time::sleep(grace).await;
        } => {
            tracing::warn!(grace_ms = grace.as_millis() as u64, "stopped with connections still open after the grace period");
            Ok(())
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
