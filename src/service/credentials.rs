//! Long-lived credentials: refresh tokens (rotated on every use; a reused one revokes its family) and API keys for
//! machine clients (shown once, stored as a hash). Revocations live in the database, so they survive restarts and
//! hold across replicas.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use entity::{api_key, refresh_token, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use super::{Caller, account_cache::AccountCache, accounts::Authenticated, audit, begin_write};
use crate::{
    auth::{
        Actor, AuthFailure, Principal,
        token::{TokenIssued, TokenService, hash_secret, random_secret},
    },
    domain::values,
    error::{AppError, AppResult},
    policy,
};

const REFRESH_PREFIX: &str = "rt_";
/// How every API key begins (`ak_<prefix>_<secret>`).
pub const API_KEY_PREFIX: &str = "ak_";

/// A new refresh token for `user_id`, in a new family (a sign-in) or continuing one (a rotation).
pub async fn issue_refresh_token(
    db: &impl ConnectionTrait,
    user_id: i64,
    family: Option<(String, DateTime<Utc>)>,
    ttl: std::time::Duration,
) -> AppResult<String> {
    let now = crate::time::now();
    let (family_id, family_expires_at) = family.unwrap_or_else(|| {
        let expires = now + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::days(7));
        (uuid::Uuid::new_v4().simple().to_string(), expires)
    });
    let secret = random_secret(REFRESH_PREFIX);
    refresh_token::ActiveModel {
        user_id: Set(user_id),
        family_id: Set(family_id),
        token_hash: Set(hash_secret(&secret)),
        created_at: Set(now),
        expires_at: Set(family_expires_at),
        family_expires_at: Set(family_expires_at),
        used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(secret)
}

pub struct Rotated {
    pub user: user::Model,
    pub access: TokenIssued,
    pub refresh_token: String,
}

async fn revoke_family(
    db: &impl ConnectionTrait,
    family_id: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    refresh_token::Entity::update_many()
        .set(refresh_token::ActiveModel {
            revoked_at: Set(Some(now)),
            ..Default::default()
        })
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Exchanges a refresh token for a new access token and a new refresh token. A token that was already used (or
/// revoked) is a sign of theft: the whole family is revoked and the caller must sign in again.
pub async fn rotate(
    db: &DatabaseConnection,
    tokens: &TokenService,
    accounts: &Arc<AccountCache>,
    presented: &str,
) -> AppResult<Rotated> {
    let now = crate::time::now();
    let Some(stored) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash_secret(presented.trim())))
        .one(db)
        .await?
    else {
        return Err(AppError::Unauthenticated(AuthFailure::RefreshTokenInvalid));
    };
    let tx = begin_write(db).await?;
    // Claim the token: only one request can flip `used_at`, so a concurrent replay loses and counts as reuse.
    let claimed = refresh_token::Entity::update_many()
        .set(refresh_token::ActiveModel {
            used_at: Set(Some(now)),
            ..Default::default()
        })
        .filter(refresh_token::Column::Id.eq(stored.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&tx.txn)
        .await?
        .rows_affected
        == 1;
    if !claimed {
        // Whoever holds the stolen token may also hold access tokens from it: end them all.
        revoke_family(&tx.txn, &stored.family_id, now).await?;
        user::ActiveModel {
            id: Set(stored.user_id),
            tokens_valid_after: Set(Some(now)),
            ..Default::default()
        }
        .update(&tx.txn)
        .await?;
        let forget = accounts.forget_when_done(stored.user_id);
        tx.commit().await?;
        drop(forget);
        tracing::warn!(
            user_id = stored.user_id,
            "refresh token reused: family revoked"
        );
        // Used before (or claimed by a concurrent request since it was read): a replay. Revoked without ever being
        // used: its sign-in ended (logout, a password change, a disabled account, a replay of another token of it).
        let replayed = stored.used_at.is_some() || stored.revoked_at.is_none();
        return Err(AppError::Unauthenticated(if replayed {
            AuthFailure::RefreshTokenReused
        } else {
            AuthFailure::SessionEnded
        }));
    }
    let user = user::Entity::find_by_id(stored.user_id)
        .one(&tx.txn)
        .await?;
    let usable = stored.family_expires_at > now
        && user
            .as_ref()
            .is_some_and(|u| u.disabled_at.is_none() && u.locked_at.is_none());
    let Some(user) = user.filter(|_| usable) else {
        return Err(AppError::Unauthenticated(AuthFailure::RefreshTokenInvalid));
    };
    let refresh_token = issue_refresh_token(
        &tx.txn,
        user.id,
        Some((stored.family_id, stored.family_expires_at)),
        tokens.refresh_token_ttl(),
    )
    .await?;
    let access = tokens.issue_access_token(user.id)?;
    tx.commit().await?;
    Ok(Rotated {
        user,
        access,
        refresh_token,
    })
}

/// Revokes every refresh token of a user and every access token issued until now. The caller holds
/// `AccountCache::forget_when_done` across its commit, so that this process stops honouring the tokens at once.
pub async fn revoke_sessions(
    db: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    refresh_token::Entity::update_many()
        .set(refresh_token::ActiveModel {
            revoked_at: Set(Some(now)),
            ..Default::default()
        })
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    user::ActiveModel {
        id: Set(user_id),
        tokens_valid_after: Set(Some(now)),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Signs the caller out everywhere: its refresh tokens and its access tokens stop working at once.
pub async fn logout(caller: &Caller) -> AppResult<()> {
    caller.principal.require_session()?;
    let tx = begin_write(&caller.db).await?;
    let now = crate::time::now();
    revoke_sessions(&tx.txn, caller.principal.user_id, now).await?;
    audit::record(
        &tx.txn,
        caller,
        "user.logout",
        audit::Subject {
            kind: "User",
            id: caller.principal.user_id,
        },
        None,
        None,
    )
    .await?;
    let _forget = caller.accounts.forget_when_done(caller.principal.user_id);
    tx.commit().await?;
    Ok(())
}

pub struct NewApiKey {
    pub key: api_key::Model,
    /// Shown once; only its hash is stored.
    pub secret: String,
}

/// Creates an API key acting as the caller (its role and scope).
pub async fn create_api_key(
    caller: &Caller,
    name: &str,
    expires_at: Option<DateTime<Utc>>,
) -> AppResult<NewApiKey> {
    caller.principal.require_session()?;
    let name = values::text(name, policy::MAX_SHORT_TEXT_CHARS)
        .map_err(|invalid| AppError::invalid(&["input", "name"], invalid.code, invalid.message))?;
    let now = crate::time::now();
    if expires_at.is_some_and(|at| at <= now) {
        return Err(AppError::invalid(
            &["input", "expiresAt"],
            "IN_THE_PAST",
            "the expiry must be in the future",
        ));
    }
    // `ak_<prefix>_<secret>`: the prefix finds the row, the whole string is hashed and compared.
    let prefix = random_secret("")[..12].replace(['-', '_'], "x");
    let secret = format!("{API_KEY_PREFIX}{prefix}_{}", random_secret(""));
    let tx = begin_write(&caller.db).await?;
    let key = api_key::ActiveModel {
        user_id: Set(caller.principal.user_id),
        name: Set(name),
        prefix: Set(prefix),
        secret_hash: Set(hash_secret(&secret)),
        created_at: Set(now),
        expires_at: Set(expires_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    audit::record(
        &tx.txn,
        caller,
        "api_key.create",
        audit::Subject {
            kind: "ApiKey",
            id: key.id,
        },
        None,
        Some(serde_json::json!({ "name": key.name, "prefix": key.prefix })),
    )
    .await?;
    tx.commit().await?;
    Ok(NewApiKey { key, secret })
}

/// Revokes an API key: its owner or an admin may. Anyone else gets `NOT_FOUND`.
pub async fn revoke_api_key(caller: &Caller, id: i64) -> AppResult<api_key::Model> {
    caller.principal.require_session()?;
    let key = get_api_key(caller, id).await?;
    if key.revoked_at.is_some() {
        return Err(AppError::invalid(
            &["input", "id"],
            "ALREADY_REVOKED",
            "this API key is already revoked",
        ));
    }
    let tx = begin_write(&caller.db).await?;
    let revoked = api_key::ActiveModel {
        id: Set(id),
        revoked_at: Set(Some(crate::time::now())),
        ..Default::default()
    }
    .update(&tx.txn)
    .await?;
    audit::record(
        &tx.txn,
        caller,
        "api_key.revoke",
        audit::Subject { kind: "ApiKey", id },
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(revoked)
}

pub async fn get_api_key(caller: &Caller, id: i64) -> AppResult<api_key::Model> {
    let key = api_key::Entity::find_by_id(id)
        .one(&caller.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if key.user_id == caller.principal.user_id || matches!(caller.principal.actor, Actor::Admin) {
        Ok(key)
    } else {
        Err(AppError::NotFound)
    }
}

/// The API keys of a user, newest first: visible to the user itself and to admins.
pub async fn api_keys_of(caller: &Caller, user_id: i64) -> AppResult<Vec<api_key::Model>> {
    if user_id != caller.principal.user_id && !matches!(caller.principal.actor, Actor::Admin) {
        return Ok(Vec::new());
    }
    Ok(api_key::Entity::find()
        .filter(api_key::Column::UserId.eq(user_id))
        .order_by_desc(api_key::Column::Id)
        .all(&caller.db)
        .await?)
}

/// Revokes every API key of a user (when the user is disabled).
pub async fn revoke_api_keys(
    db: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    api_key::Entity::update_many()
        .set(api_key::ActiveModel {
            revoked_at: Set(Some(now)),
            ..Default::default()
        })
        .filter(api_key::Column::UserId.eq(user_id))
        .filter(api_key::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// How often `last_used_at` is written for a busy key: often enough to be useful, rarely enough not to turn every
/// read into a write.
const LAST_USED_RESOLUTION_SECONDS: i64 = 60;

/// The principal behind an `ApiKey` credential and the key's expiry, or why it is refused. Whether the key is
/// revoked or expired is told only once the whole secret matched; before that every failure is `ApiKeyInvalid`.
pub async fn authenticate_api_key(
    db: &DatabaseConnection,
    presented: &str,
) -> AppResult<Result<Authenticated, AuthFailure>> {
    let presented = presented.trim();
    let Some(prefix) = presented
        .strip_prefix(API_KEY_PREFIX)
        .and_then(|rest| rest.split_once('_'))
        .map(|(p, _)| p)
    else {
        return Ok(Err(AuthFailure::ApiKeyInvalid));
    };
    let Some((key, user)) = api_key::Entity::find()
        .find_also_related(user::Entity)
        .filter(api_key::Column::Prefix.eq(prefix))
        .one(db)
        .await?
    else {
        return Ok(Err(AuthFailure::ApiKeyInvalid));
    };
    let now = crate::time::now();
    let matches = constant_time_eq(
        key.secret_hash.as_bytes(),
        hash_secret(presented).as_bytes(),
    );
    if !matches {
        return Ok(Err(AuthFailure::ApiKeyInvalid));
    }
    if key.revoked_at.is_some() {
        return Ok(Err(AuthFailure::ApiKeyRevoked));
    }
    if key.expires_at.is_some_and(|at| at <= now) {
        return Ok(Err(AuthFailure::ApiKeyExpired));
    }
    let Some(principal) = user
        .filter(|user| user.disabled_at.is_none())
        .and_then(|user| Principal::from_user(&user))
    else {
        return Ok(Err(AuthFailure::SessionEnded));
    };
    if key
        .last_used_at
        .is_none_or(|at| (now - at).num_seconds() >= LAST_USED_RESOLUTION_SECONDS)
    {
        api_key::ActiveModel {
            id: Set(key.id),
            last_used_at: Set(Some(now)),
            ..Default::default()
        }
        .update(db)
        .await?;
    }
    Ok(Ok(Authenticated {
        principal: principal.with_api_key(),
        expires_at: key.expires_at,
    }))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
