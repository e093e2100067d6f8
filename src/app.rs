//! Building the application (database, schema, router) once, for `main` and for the tests alike, and serving it.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use async_graphql::{ErrorExtensions, ParseRequestError};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::{
    Json, Router,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};

use crate::{
    auth::token::TokenService,
    config::Config,
    db::{self, DbMetrics},
    demo,
    error::AppError,
    graphql::{
        self, AppSchema,
        loaders::Loaders,
        mutation::{ClientIp, LoginLimiter},
    },
    ratelimit::Limiter,
    service::{self, Caller},
};

#[derive(Clone)]
pub struct AppState {
    pub schema: AppSchema,
    pub db: DatabaseConnection,
    pub tokens: TokenService,
    pub playground: bool,
    pub db_metrics: Arc<DbMetrics>,
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
        let db_metrics = Arc::new(DbMetrics::default());
        let db = db::connect(
            &config.database_url,
            config.database_max_connections,
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
        let login_limiter = LoginLimiter(Limiter::new(
            config.login_attempts_per_ip_per_minute,
            Duration::from_secs(60),
        ));
        let mut builder = graphql::builder()
            .data(db.clone())
            .data(tokens.clone())
            .data(login_limiter);
        if !config.introspection {
            builder = builder.disable_introspection().disable_suggestions();
        }
        let state = AppState {
            schema: builder.finish(),
            db,
            tokens,
            playground: config.introspection,
            db_metrics,
        };
        Ok((Self { state, config }, demo))
    }

    pub fn router(&self) -> Router {
        router(self.state.clone())
    }

    /// Serves until SIGINT/SIGTERM, then lets in-flight requests finish.
    pub async fn serve(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        let router = self.router();
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/graphql", get(graphql_handler).post(graphql_handler))
        .route("/", get(playground))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
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
    tracing::info!("shutting down: finishing in-flight requests");
}

/// A request body that is not a GraphQL request: a typed error, never the parser's internals.
pub struct BadGraphQLRequest(ParseRequestError);

impl From<ParseRequestError> for BadGraphQLRequest {
    fn from(err: ParseRequestError) -> Self {
        Self(err)
    }
}

impl IntoResponse for BadGraphQLRequest {
    fn into_response(self) -> Response {
        let (status, message) = match self.0 {
            ParseRequestError::PayloadTooLarge => {
                (StatusCode::PAYLOAD_TOO_LARGE, "request body too large")
            }
            ParseRequestError::UnsupportedBatch => (
                StatusCode::BAD_REQUEST,
                "batched requests are not supported",
            ),
            _ => (
                StatusCode::BAD_REQUEST,
                "the request is not a valid GraphQL request",
            ),
        };
        let body = serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": "BAD_REQUEST" } }] });
        (status, Json(body)).into_response()
    }
}

/// Extracts the caller from `Authorization`. No header is an anonymous request; a header that does not verify is
/// refused outright rather than silently treated as anonymous.
/// Extracts the caller from `Authorization`: `Bearer <access token>` or `ApiKey <key>`. No header is an anonymous
/// request; a credential that does not verify is refused outright rather than silently treated as anonymous.
async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Option<Caller>, AppError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| AppError::Unauthenticated)?;
    let (scheme, credential) = value.split_once(' ').ok_or(AppError::Unauthenticated)?;
    let principal = if scheme.eq_ignore_ascii_case("bearer") {
        let token = state
            .tokens
            .verify_access_token(credential.trim())
            .ok_or(AppError::Unauthenticated)?;
        service::accounts::principal_for(&state.db, token).await?
    } else if scheme.eq_ignore_ascii_case("apikey") {
        service::credentials::principal_for_api_key(&state.db, credential).await?
    } else {
        None
    };
    let principal = principal.ok_or(AppError::Unauthenticated)?;
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Ok(Some(Caller {
        db: state.db.clone(),
        principal,
        request_id,
    }))
}

fn client_ip(request: &axum::extract::Request) -> ClientIp {
    let ip = request
        .extensions()
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    ClientIp(ip)
}

async fn graphql_handler(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> Response {
    use axum::extract::FromRequest;
    let ip = client_ip(&request);
    let headers = request.headers().clone();
    let request = match GraphQLRequest::<BadGraphQLRequest>::from_request(request, &state).await {
        Ok(request) => request,
        Err(rejection) => return rejection.into_response(),
    };
    let mut request = request.into_inner().data(ip);
    match authenticate(&state, &headers).await {
        Ok(Some(caller)) => {
            request = request.data(Loaders::new(&caller)).data(caller);
        }
        Ok(None) => {}
        Err(err) => {
            let code = err.code();
            let error = async_graphql::Error::new(err.message())
                .extend_with(|_, ext| ext.set("code", code))
                .into_server_error(async_graphql::Pos::default());
            return GraphQLResponse::from(async_graphql::Response::from_errors(vec![error]))
                .into_response();
        }
    }
    GraphQLResponse::from(state.schema.execute(request).await).into_response()
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.execute_unprepared("SELECT 1").await {
        Ok(_) => (StatusCode::OK, "ready"),
        Err(err) => {
            tracing::warn!(error = %err, "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

async fn playground(State(state): State<AppState>) -> Response {
    if !state.playground {
        return StatusCode::NOT_FOUND.into_response();
    }
    Html(PLAYGROUND_HTML).into_response()
}

const PLAYGROUND_HTML: &str = include_str!("playground.html");
