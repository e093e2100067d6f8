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
    /// Access tokens by email, so that `query_as` signs in once per user rather than once per query.
    tokens: std::sync::Mutex<std::collections::HashMap<String, String>>,
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

/// A fresh database that outlives one application, for restart tests: a SQLite file, or a new PostgreSQL
/// database when `TEST_DATABASE_URL` is set.
pub async fn fresh_durable_database() -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => fresh_database().await,
        _ => {
            let path = std::env::temp_dir()
                .join(format!("acegate-test-{}.db", uuid::Uuid::new_v4().simple()));
            format!("sqlite://{}", path.display())
        }
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
        Self::spawn_on(&fresh_database().await, extra).await
    }

    /// An application on an existing database (a restart when the database was used before).
    pub async fn spawn_on(database_url: &str, extra: &[(&str, &str)]) -> Self {
        let (app, _) = Application::build(config_for(database_url, extra))
            .await
            .expect("application builds");
        Self {
            router: app.router(),
            state: app.state,
            tokens: Default::default(),
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
        let token = self.token_for(email).await;
        let response = self.graphql(Some(&token), query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {response}"
        );
        response["data"].clone()
    }

    /// An access token for the user, signing in on first use only.
    pub async fn token_for(&self, email: &str) -> String {
        if let Some(token) = self.tokens.lock().unwrap().get(email) {
            return token.clone();
        }
        let token = self.login(email).await;
        self.tokens
            .lock()
            .unwrap()
            .insert(email.to_owned(), token.clone());
        token
    }

    /// Whether this application keeps the accounts it authenticates (it does on PostgreSQL, once it has heard a
    /// heartbeat on its account-change listener: this waits for that).
    pub async fn keeps_accounts(&self) -> bool {
        if self.db().get_database_backend() != sea_orm::DbBackend::Postgres {
            return false;
        }
        for _ in 0..500 {
            if self.state.accounts.is_trusted() {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("no account-change heartbeat heard within 10 s");
    }

    /// Signs in for a test that counts statements: from here on every request with the token costs the same for its
    /// account (read each time, or kept in memory since the request made here).
    pub async fn login_for_counting(&self, email: &str) -> String {
        let token = self.login(email).await;
        self.keeps_accounts().await;
        let response = self
            .graphql(Some(&token), "{ viewer { id } }", json!({}))
            .await;
        assert!(response.get("errors").is_none(), "{response}");
        token
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

/// Helpers of the organisation-side tests (customers, VC firms and attestations, partners and track records), in
/// their own namespace so that they never collide with other helpers imported by glob.
pub mod org {
    use serde_json::{Value, json};

    use super::{ADMIN, TestApp};

    /// Runs `mutation { <field>(input: $input) { <selection> userErrors { field code message } } }` and returns the
    /// whole response (data and errors).
    pub async fn send(
        app: &TestApp,
        token: &str,
        field: &str,
        input_type: &str,
        input: Value,
        selection: &str,
    ) -> Value {
        let query = format!(
            "mutation($input: {input_type}!) {{ {field}(input: $input) {{ {selection} userErrors {{ field code message }} }} }}"
        );
        app.graphql(Some(token), &query, json!({ "input": input }))
            .await
    }

    /// The payload of a mutation that must succeed: no GraphQL errors and no userErrors.
    pub async fn send_ok(
        app: &TestApp,
        token: &str,
        field: &str,
        input_type: &str,
        input: Value,
        selection: &str,
    ) -> Value {
        let response = send(app, token, field, input_type, input, selection).await;
        assert!(
            response.get("errors").is_none(),
            "{field} failed: {response}"
        );
        let payload = response["data"][field].clone();
        assert_eq!(
            payload["userErrors"],
            json!([]),
            "{field} userErrors: {payload}"
        );
        payload
    }

    /// `(field path joined with '.', code)` of every userError of a mutation's payload.
    pub fn user_errors(response: &Value, field: &str) -> Vec<(String, String)> {
        response["data"][field]["userErrors"]
            .as_array()
            .unwrap_or_else(|| panic!("no payload in {response}"))
            .iter()
            .map(|e| {
                let path = e["field"]
                    .as_array()
                    .map(|p| {
                        p.iter()
                            .map(|s| s.as_str().unwrap_or_default())
                            .collect::<Vec<_>>()
                            .join(".")
                    })
                    .unwrap_or_default();
                (path, e["code"].as_str().unwrap_or_default().to_owned())
            })
            .collect()
    }

    /// The global ID of the one node of `connection` whose name matches `search`, as seen by an admin.
    async fn find_one(app: &TestApp, connection: &str, name_field: &str, search: &str) -> Value {
        let query = format!(
            "query($q: String) {{ {connection}(first: 2, filter: {{ search: $q }}) {{ nodes {{ id {name_field} }} }} }}"
        );
        let data = app.query_as(ADMIN, &query, json!({ "q": search })).await;
        let nodes = data[connection]["nodes"].as_array().unwrap();
        assert_eq!(
            nodes.len(),
            1,
            "exactly one {connection} node matches {search}: {nodes:?}"
        );
        nodes[0]["id"].clone()
    }

    pub async fn customer_named(app: &TestApp, search: &str) -> Value {
        find_one(app, "customers", "legalName", search).await
    }

    pub async fn partner_named(app: &TestApp, search: &str) -> Value {
        find_one(app, "partners", "name", search).await
    }

    /// The global ID of the VC firm with exactly this name.
    pub async fn vc_firm_named(app: &TestApp, name: &str) -> Value {
        let data = app
            .query_as(
                ADMIN,
                "{ vcFirms(first: 100) { nodes { id name } } }",
                json!({}),
            )
            .await;
        data["vcFirms"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("no VC firm {name}"))["id"]
            .clone()
    }

    /// How many customers exist, as an admin counts them.
    pub async fn customer_count(app: &TestApp) -> i64 {
        app.query_as(ADMIN, "{ customers { totalCount } }", json!({}))
            .await["customers"]["totalCount"]
            .as_i64()
            .unwrap()
    }

    /// The attestations of one customer, oldest first, as an admin sees them.
    pub async fn attestations_of(app: &TestApp, customer: &Value) -> Vec<Value> {
        let data = app
            .query_as(
                ADMIN,
                "query($id: ID!) { node(id: $id) { ... on Customer { attestations { id round amountUsd closedOn revokedAt revocationReason vcFirm { name } } } } }",
                json!({ "id": customer }),
            )
            .await;
        data["node"]["attestations"].as_array().unwrap().clone()
    }

    /// The audit events about one object, newest first: `(action, before, after)`.
    pub async fn audit_trail(app: &TestApp, subject: &Value) -> Vec<(String, Value, Value)> {
        let data = app
            .query_as(
                ADMIN,
                "query($id: ID) { auditEvents(first: 100, subjectId: $id) { nodes { action before after } } }",
                json!({ "id": subject }),
            )
            .await;
        data["auditEvents"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["action"].as_str().unwrap().to_owned(),
                    e["before"].clone(),
                    e["after"].clone(),
                )
            })
            .collect()
    }
}
