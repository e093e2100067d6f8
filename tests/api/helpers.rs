//! Spawning a test application and talking GraphQL to it.

use acegate::{
    app::{AppState, Application},
    config::Config,
};
use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use tower::ServiceExt;

pub const PASSWORD: &str = "demo-password";
pub const ADMIN: &str = "admin@acegate.example.com";
pub const REVIEWER: &str = "reviewer@acegate.example.com";
pub const ANALYST: &str = "analyst@acegate.example.com";
pub const PARTNER_PREMIER: &str = "partner-premier@acegate.example.com";
pub const PARTNER_ADVANCED: &str = "partner-advanced@acegate.example.com";
pub const PARTNER_SELECT: &str = "partner-select@acegate.example.com";
pub const VC_PORTFOLIO: &str = "vc-portfolio@acegate.example.com";
pub const VC_EMERGING: &str = "vc-emerging@acegate.example.com";
pub const FOUNDER: &str = "founder@acegate.example.com";

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
}

/// A fresh database URL: in-memory SQLite, or a new PostgreSQL database when `TEST_DATABASE_URL` names a server.
async fn fresh_database() -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = format!("acegate_test_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(&admin_url)
                .await
                .expect("TEST_DATABASE_URL is reachable");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            admin.close().await.ok();
            let base = admin_url
                .rsplit_once('/')
                .map(|(base, _)| base)
                .unwrap_or(&admin_url);
            format!("{base}/{name}")
        }
        _ => "sqlite::memory:".to_owned(),
    }
}

pub fn config_for(database_url: &str, extra: &[(&str, &str)]) -> Config {
    let mut vars = vec![("ACEGATE_DATABASE_URL".to_owned(), database_url.to_owned())];
    vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Config::from_vars(vars).expect("test configuration is valid")
}

impl TestApp {
    /// A development-mode application with the demo data set.
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    pub async fn spawn_with(extra: &[(&str, &str)]) -> Self {
        let database_url = fresh_database().await;
        let (app, _) = Application::build(config_for(&database_url, extra))
            .await
            .expect("application builds");
        Self {
            router: app.router(),
            state: app.state,
        }
    }

    pub async fn request(&self, request: Request<Body>) -> (StatusCode, Value) {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
        (status, body)
    }

    /// POSTs a GraphQL operation, with a bearer token when given.
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut builder =
            Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = json!({ "query": query, "variables": variables });
        let (_, value) = self
            .request(builder.body(Body::from(body.to_string())).unwrap())
            .await;
        value
    }

    /// Signs in through the API and returns the access token.
    pub async fn login(&self, email: &str) -> String {
        let response = self
            .graphql(
                None,
                "mutation($email: String!, $password: String!) { login(input: { email: $email, password: $password }) { accessToken } }",
                json!({ "email": email, "password": PASSWORD }),
            )
            .await;
        response["data"]["login"]["accessToken"]
            .as_str()
            .unwrap_or_else(|| panic!("login as {email} failed: {response}"))
            .to_owned()
    }

    /// Runs a query as the given demo user and returns `data`, failing the test on any error.
    pub async fn query_as(&self, email: &str, query: &str, variables: Value) -> Value {
        let token = self.login(email).await;
        let response = self.graphql(Some(&token), query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {response}"
        );
        response["data"].clone()
    }

    pub fn statements(&self) -> u64 {
        self.state.db_metrics.statements()
    }

    pub fn db(&self) -> &sea_orm::DatabaseConnection {
        &self.state.db
    }
}

/// The `extensions.code` of the first error of a response.
pub fn error_code(response: &Value) -> Option<&str> {
    response["errors"][0]["extensions"]["code"].as_str()
}
