//! What a resolver can take from the request: the signed-in caller and its loaders.

use async_graphql::{Context, Result};

use super::loaders::Loaders;
use crate::{auth::AuthFailure, error::AppError, service::Caller};

/// The signed-in caller, or `UNAUTHENTICATED` (`AUTHENTICATION_REQUIRED`: over HTTP a credential that does not
/// verify is refused before anything runs, so a resolver without a caller means none was sent).
pub fn caller<'a>(ctx: &Context<'a>) -> Result<&'a Caller> {
    ctx.data_opt::<Caller>().ok_or_else(|| {
        AppError::Unauthenticated(AuthFailure::AuthenticationRequired).into_graphql()
    })
}

/// The request's loaders; they exist exactly when a caller is signed in.
pub fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a Loaders> {
    ctx.data_opt::<Loaders>().ok_or_else(|| {
        AppError::Unauthenticated(AuthFailure::AuthenticationRequired).into_graphql()
    })
}
