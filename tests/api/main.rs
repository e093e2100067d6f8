//! The API test suite: every test drives the real router in-process, signed in through `login` like a client, on
//! a fresh database of its own (SQLite in memory, or PostgreSQL when `TEST_DATABASE_URL` is set).

mod helpers;
mod http_helpers;
mod workflow_helpers;

mod analytics;
mod attestations;
mod auth;
mod auth_reasons;
mod cli;
mod concurrency;
mod connections;
mod conveniences;
mod conventions;
mod cost;
mod credentials;
mod customers;
mod filters;
mod hardening;
mod health;
mod http;
mod integrity;
mod limits;
mod loaders;
mod partners;
mod playground;
mod projection;
mod reference_cases;
mod routing;
mod schema;
mod scoping;
mod subscription_sessions;
mod subscriptions;
mod workflow;
