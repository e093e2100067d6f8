//! The write side of the schema.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::types::user::User;
use crate::{auth::token::TokenService, error::UserError, service};

#[derive(Default)]
pub struct Mutation;

#[derive(InputObject)]
pub struct LoginInput {
    pub email: String,
    pub password: String,
}

/// The result of signing in: a bearer access token for the `Authorization` header.
#[derive(SimpleObject)]
pub struct AuthPayload {
    pub access_token: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub user: Option<User>,
    pub user_errors: Vec<UserError>,
}

#[Object]
impl Mutation {
    /// Signs in with email and password. Any failure is one generic `UNAUTHENTICATED` error, whether the account
    /// is unknown or the password wrong.
    async fn login(&self, ctx: &Context<'_>, input: LoginInput) -> Result<AuthPayload> {
        let db = ctx.data::<sea_orm::DatabaseConnection>()?;
        let tokens = ctx.data::<TokenService>()?;
        let signed_in = service::accounts::login(db, tokens, &input.email, &input.password).await?;
        Ok(AuthPayload {
            access_token: Some(signed_in.access.token),
            expires_at: Some(signed_in.access.expires_at),
            user: Some(User(signed_in.user)),
            user_errors: Vec::new(),
        })
    }
}
