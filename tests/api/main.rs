//! The API test suite: every test drives the real router in-process, signed in through `login` like a client, on
//! a fresh database of its own (SQLite in memory, or PostgreSQL when `TEST_DATABASE_URL` is set).

mod helpers;

mod auth;
mod connections;
mod health;
mod loaders;
mod schema;
mod scoping;
