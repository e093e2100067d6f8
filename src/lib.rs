//! acegate: the GraphQL system of record for partner-filed AWS credits.

/// Building the router and serving it.
pub mod app;
/// Passwords, access tokens and the request's principal.
pub mod auth;
/// Typed configuration from `ACEGATE_*` variables.
pub mod config;
/// Opening and migrating the database.
pub mod db;
/// The demo data set loaded in development.
pub mod demo;
/// Domain values and pure rules.
pub mod domain;
/// The one error type and its mapping to GraphQL.
pub mod error;
/// Live record events: in process, or across replicas through PostgreSQL NOTIFY.
pub mod events;
/// Schema, types and thin resolvers.
pub mod graphql;
/// GraphQL over HTTP, request limits, response layers and the operations endpoints.
pub mod http;
/// Prometheus metrics.
pub mod metrics;
/// The GraphiQL playground and its embedded assets (development).
pub mod playground;
/// Every tunable number in one place.
pub mod policy;
/// In-memory rate limits.
pub mod ratelimit;
/// Every database query, scoped by principal.
pub mod service;
/// The clock.
pub mod time;
/// GraphQL subscriptions over WebSocket.
pub mod ws;
