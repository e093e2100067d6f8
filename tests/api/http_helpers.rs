//! Raw HTTP exchanges with the router, for the transport, limit and operations tests: the status, the headers and
//! the body of each response.

use std::net::SocketAddr;

use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{HeaderMap, Request, StatusCode, header, request::Builder},
};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::helpers::TestApp;

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `extensions.code` of the first error.
    pub fn code(&self) -> Option<&str> {
        self.body["errors"][0]["extensions"]["code"].as_str()
    }
}

pub async fn send(app: &TestApp, request: Request<Body>) -> Reply {
    let response = app
        .router
        .clone()
        .oneshot(request)
        .await
        .expect("router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
        text,
    }
}

/// `POST /graphql` with a JSON content type.
pub fn post() -> Builder {
    Request::post("/graphql").header(header::CONTENT_TYPE, "application/json")
}

/// A JSON GraphQL body.
pub fn body(query: &str, variables: Value) -> Body {
    Body::from(json!({ "query": query, "variables": variables }).to_string())
}

/// Posts a query, optionally signed in.
pub async fn post_query(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Reply {
    let mut builder = post();
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    send(app, builder.body(body(query, variables)).unwrap()).await
}

/// As if the request came over a socket from this address (per-IP limits).
pub fn from_ip(builder: Builder, ip: [u8; 4]) -> Builder {
    builder.extension(ConnectInfo(SocketAddr::from((ip, 40_000))))
}
