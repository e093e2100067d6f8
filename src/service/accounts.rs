//! User accounts: signing in, turning a verified token back into a principal, and scoped user lookups.

use std::collections::HashMap;

use entity::user;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::{Caller, scope};
use crate::{
    auth::{
        Principal, password,
        token::{TokenIssued, TokenService, VerifiedToken},
    },
    error::{AppError, AppResult},
};

/// Emails are unique regardless of case; this is the form the unique index holds.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub struct SignedIn {
    pub user: user::Model,
    pub access: TokenIssued,
}

/// The one reply for every failed sign-in, whatever the cause, so that it reveals nothing about the account.
fn sign_in_refused() -> AppError {
    AppError::Unauthenticated
}

/// Verifies an email and password. Unknown accounts cost the same argon2 work as known ones.
pub async fn login(
    db: &DatabaseConnection,
    tokens: &TokenService,
    email: &str,
    password: &str,
) -> AppResult<SignedIn> {
    let user = user::Entity::find()
        .filter(user::Column::EmailNormalized.eq(normalize_email(email)))
        .one(db)
        .await?;
    let verified = password::verify(
        password.to_owned(),
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await?;
    let user = match user {
        Some(user) if verified && user.disabled_at.is_none() && user.locked_at.is_none() => user,
        _ => return Err(sign_in_refused()),
    };
    if Principal::from_user(&user).is_none() {
        return Err(AppError::Internal(format!(
            "user {} violates its role binding",
            user.id
        )));
    }
    let access = tokens.issue_access_token(user.id)?;
    Ok(SignedIn { user, access })
}

/// The principal behind a verified access token, or `None` when the account is gone, disabled, or its tokens were
/// revoked after this one was issued.
pub async fn principal_for(
    db: &DatabaseConnection,
    token: VerifiedToken,
) -> AppResult<Option<Principal>> {
    let Some(user) = user::Entity::find_by_id(token.user_id).one(db).await? else {
        return Ok(None);
    };
    if user.disabled_at.is_some() {
        return Ok(None);
    }
    if let Some(valid_after) = user.tokens_valid_after
        && (token.issued_at as i64) < valid_after.timestamp()
    {
        return Ok(None);
    }
    Ok(Principal::from_user(&user))
}

/// A user the caller may see; `NOT_FOUND` otherwise.
pub async fn get(caller: &Caller, id: i64) -> AppResult<user::Model> {
    user::Entity::find_by_id(id)
        .filter(scope::users(&caller.principal))
        .one(&caller.db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Users by id, for references from rows the caller already sees (who filed, decided, attested).
pub async fn load_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, user::Model>> {
    super::rows_by_id::<user::Entity>(db, user::Column::Id, ids, |m| m.id).await
}
