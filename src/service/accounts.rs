//! User accounts: signing in, turning a verified token back into a principal, and scoped user lookups.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use entity::user;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

use super::{
    Caller,
    account_cache::{AccountCache, AccountState},
    credentials, scope,
};
use crate::{
    auth::{
        AuthFailure, Principal, password,
        token::{TokenIssued, TokenService, VerifiedToken},
    },
    error::{AppError, AppResult},
    policy,
};

/// Emails are unique regardless of case; this is the form the unique index holds.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub struct SignedIn {
    pub user: user::Model,
    pub access: TokenIssued,
    pub refresh_token: String,
}

/// The one reply for every failed sign-in, whatever the cause, so that it reveals nothing about the account.
fn sign_in_refused() -> AppError {
    AppError::Unauthenticated(AuthFailure::InvalidCredentials)
}

/// Verifies an email and password and opens a session (an access token and a new refresh-token family).
///
/// Unknown accounts, wrong passwords, accounts in back-off, locked and disabled accounts all cost the same argon2
/// work and get the same reply. Wrong passwords count towards back-off (after `LOGIN_BACKOFF_AFTER_FAILURES`) and a
/// lock (at `LOGIN_LOCK_AFTER_FAILURES`, until an admin unlocks the account).
pub async fn login(
    db: &DatabaseConnection,
    tokens: &TokenService,
    email: &str,
    password: &str,
) -> AppResult<SignedIn> {
    let now = crate::time::now();
    let user = user::Entity::find()
        .filter(user::Column::EmailNormalized.eq(normalize_email(email)))
        .one(db)
        .await?;
    let backing_off = user.as_ref().is_some_and(|u| {
        let wait = policy::login_backoff_seconds(u.failed_login_count);
        wait > 0
            && u.last_failed_login_at
                .is_some_and(|at| (now - at).num_seconds() < wait)
    });
    // In back-off the password is not even checked (so guessing gains nothing), but the work is still done.
    let stored_hash = user
        .as_ref()
        .filter(|_| !backing_off)
        .map(|u| u.password_hash.clone());
    let verified = password::verify(password.to_owned(), stored_hash).await?;
    let Some(user) = user else {
        return Err(sign_in_refused());
    };
    if backing_off {
        return Err(sign_in_refused());
    }
    if !verified {
        record_failure(db, user.id, now).await?;
        return Err(sign_in_refused());
    }
    if user.disabled_at.is_some() || user.locked_at.is_some() {
        return Err(sign_in_refused());
    }
    if Principal::from_user(&user).is_none() {
        return Err(AppError::Internal(format!(
            "user {} violates its role binding",
            user.id
        )));
    }
    let tx = super::begin_write(db).await?;
    if user.failed_login_count != 0 {
        user::ActiveModel {
            id: Set(user.id),
            failed_login_count: Set(0),
            ..Default::default()
        }
        .update(&tx.txn)
        .await?;
    }
    let refresh_token =
        credentials::issue_refresh_token(&tx.txn, user.id, None, tokens.refresh_token_ttl())
            .await?;
    tx.commit().await?;
    let access = tokens.issue_access_token(user.id)?;
    Ok(SignedIn {
        user,
        access,
        refresh_token,
    })
}

/// Counts a failed sign-in. The increment happens in the database (not read-modify-write), so that guesses sent in
/// parallel each count and the lock is reached after `LOGIN_LOCK_AFTER_FAILURES` guesses however they are sent.
async fn record_failure(
    db: &DatabaseConnection,
    user_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    user::Entity::update_many()
        .col_expr(
            user::Column::FailedLoginCount,
            Expr::col(user::Column::FailedLoginCount).add(1),
        )
        .col_expr(user::Column::LastFailedLoginAt, Expr::value(now))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    let locked = user::Entity::update_many()
        .col_expr(user::Column::LockedAt, Expr::value(now))
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::LockedAt.is_null())
        .filter(user::Column::FailedLoginCount.gte(policy::LOGIN_LOCK_AFTER_FAILURES))
        .exec(db)
        .await?;
    if locked.rows_affected > 0 {
        tracing::warn!(user_id, "account locked after repeated failed sign-ins");
    }
    Ok(())
}

/// The principal behind a verified access token, or `None` when the account is gone, disabled, or its tokens were
/// revoked after this one was issued. Read from `accounts` when it holds the account, else from the database.
pub async fn principal_for(
    db: &DatabaseConnection,
    accounts: &AccountCache,
    token: VerifiedToken,
) -> AppResult<Option<Principal>> {
    if let Some(state) = accounts.get(token.user_id) {
        return Ok(state.principal_for(&token));
    }
    let ticket = accounts.ticket();
    let Some(user) = user::Entity::find_by_id(token.user_id).one(db).await? else {
        return Ok(None);
    };
    let state = AccountState::of(&user);
    if let Some(ticket) = ticket {
        accounts.store(ticket, user.id, state);
    }
    Ok(state.principal_for(&token))
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

/// A credential that verified: who it acts as, and until when it may (`None`: until revoked).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Authenticated {
    pub principal: Principal,
    pub expires_at: Option<DateTime<Utc>>,
}

/// The principal behind an `Authorization` value (`Bearer <access token>` or `ApiKey <key>`), or why the credential
/// does not verify. Shared by HTTP requests and WebSocket `connection_init`.
pub async fn principal_for_authorization(
    db: &DatabaseConnection,
    tokens: &TokenService,
    accounts: &AccountCache,
    value: &str,
) -> AppResult<Result<Principal, AuthFailure>> {
    Ok(authenticate(db, tokens, accounts, value)
        .await?
        .map(|authenticated| authenticated.principal))
}

/// Verifies an `Authorization` value as [`principal_for_authorization`] does, and also tells when the credential
/// expires, for a connection that must end then (a WebSocket re-checks its credential with this on every event).
/// `Err` is a failure to check (the database); `Ok(Err(_))` a credential that does not verify, and why.
pub async fn authenticate(
    db: &DatabaseConnection,
    tokens: &TokenService,
    accounts: &AccountCache,
    value: &str,
) -> AppResult<Result<Authenticated, AuthFailure>> {
    let value = value.trim();
    let (scheme, credential) = value
        .split_once(' ')
        .map_or((value, ""), |(scheme, credential)| {
            (scheme, credential.trim())
        });
    if scheme.eq_ignore_ascii_case("bearer") {
        // An API key sent as a bearer token: a mix-up of schemes, not a bad token.
        if credential.starts_with(credentials::API_KEY_PREFIX) {
            return Ok(Err(AuthFailure::WrongScheme));
        }
        let token = match tokens.verify_access_token(credential) {
            Ok(token) => token,
            Err(failure) => return Ok(Err(failure)),
        };
        let expires_at = DateTime::from_timestamp(token.expires_at_s, 0);
        Ok(principal_for(db, accounts, token)
            .await?
            .map(|principal| Authenticated {
                principal,
                expires_at,
            })
            .ok_or(AuthFailure::SessionEnded))
    } else if scheme.eq_ignore_ascii_case("apikey") {
        // An access token (a JWT: three dot-separated parts) sent as an API key.
        if !credential.starts_with(credentials::API_KEY_PREFIX)
            && credential.split('.').count() == 3
        {
            return Ok(Err(AuthFailure::WrongScheme));
        }
        credentials::authenticate_api_key(db, credential).await
    } else {
        Ok(Err(AuthFailure::WrongScheme))
    }
}
