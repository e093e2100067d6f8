//! The API test suite: every test drives the real router in-process, signed in through `login` like a client, on
//! a fresh database of its own (SQLite in memory, or PostgreSQL when `TEST_DATABASE_URL` is set).

mod helpers;
mod workflow_helpers;

mod attestations;
mod auth;
mod concurrency;
mod connections;
mod credentials;
mod customers;
mod health;
mod loaders;
mod partners;
mod reference_cases;
mod schema;
mod scoping;
mod workflow;
