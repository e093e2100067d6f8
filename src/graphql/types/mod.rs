//! GraphQL object types. Each wraps a stored row and lists its fields explicitly, so that a new column (a hash, a
//! secret) is never exposed by accident.

pub mod analytics;
pub mod audit;
pub mod customer;
pub mod enums;
pub mod inquiry;
pub mod opportunity;
pub mod partner;
pub mod routing;
pub mod scalars;
pub mod track_record;
pub mod user;
pub mod vc_firm;

use crate::error::AppError;

/// A reference guaranteed by a foreign key did not load: the database is inconsistent, not the request.
pub(crate) fn dangling(what: &str, id: i64) -> async_graphql::Error {
    AppError::Internal(format!("{what} {id} referenced but missing")).into_graphql()
}
