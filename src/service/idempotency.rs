//! Idempotency keys: a retried request with the same key and the same input returns the first result; the same key
//! with another input is a `CONFLICT`.
//!
//! The key row is inserted first, inside the request's transaction. Concurrent requests with one key then race on
//! the unique index: one commits, the others fail the insert, roll back, and replay the winner's result.

use entity::idempotency_key;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use super::{Caller, is_unique_violation};
use crate::error::{AppError, AppResult};

/// Fingerprint of a request's input: any serializable value, hashed from its JSON form.
pub fn fingerprint(input: &impl serde::Serialize) -> String {
    let json = serde_json::to_vec(input).unwrap_or_default();
    format!("{:x}", Sha256::digest(json))
}

/// The outcome of claiming a key.
pub enum Claim {
    /// The key is new: go ahead, then [`complete`] it in the same transaction.
    Fresh(i64),
    /// The key was used before with the same input: this is the subject it produced.
    Replay(i64),
}

fn validate(key: &str) -> AppResult<&str> {
    let key = key.trim();
    if key.is_empty() || key.len() > 200 {
        return Err(AppError::invalid(
            &["input", "idempotencyKey"],
            "INVALID_IDEMPOTENCY_KEY",
            "the idempotency key must be 1 to 200 characters",
        ));
    }
    Ok(key)
}

/// Looks the key up; a replay or conflict is answered from the stored row.
pub async fn find(
    db: &impl ConnectionTrait,
    caller: &Caller,
    scope: &str,
    key: &str,
    hash: &str,
) -> AppResult<Option<i64>> {
    let key = validate(key)?;
    let existing = idempotency_key::Entity::find()
        .filter(idempotency_key::Column::UserId.eq(caller.principal.user_id))
        .filter(idempotency_key::Column::Scope.eq(scope))
        .filter(idempotency_key::Column::Key.eq(key))
        .one(db)
        .await?;
    match existing {
        None => Ok(None),
        Some(row) if row.request_hash != hash => Err(AppError::Conflict(
            "this idempotency key was already used with a different input".into(),
        )),
        Some(row) => row.subject_id.map(Some).ok_or_else(|| {
            AppError::Conflict(
                "a request with this idempotency key is still in progress; retry shortly".into(),
            )
        }),
    }
}

/// Claims the key inside the transaction `txn`. A unique violation means a concurrent request with the same key
/// won: the caller rolls back and calls [`find`] on a fresh connection to replay it.
pub async fn claim(
    txn: &impl ConnectionTrait,
    caller: &Caller,
    scope: &str,
    key: &str,
    hash: &str,
) -> AppResult<Claim> {
    if let Some(subject) = find(txn, caller, scope, key, hash).await? {
        return Ok(Claim::Replay(subject));
    }
    let inserted = idempotency_key::ActiveModel {
        user_id: Set(caller.principal.user_id),
        scope: Set(scope.to_owned()),
        key: Set(validate(key)?.to_owned()),
        request_hash: Set(hash.to_owned()),
        subject_id: Set(None),
        created_at: Set(crate::time::now()),
        ..Default::default()
    }
    .insert(txn)
    .await;
    match inserted {
        Ok(row) => Ok(Claim::Fresh(row.id)),
        Err(err) if is_unique_violation(&err) => Err(AppError::Conflict(RACE.into())),
        Err(err) => Err(err.into()),
    }
}

/// Marker message of a lost race, so that the caller can tell it from a real conflict and replay.
pub const RACE: &str = "a concurrent request with this idempotency key is in progress";

/// Records the subject the claimed key produced.
pub async fn complete(txn: &impl ConnectionTrait, claim_id: i64, subject_id: i64) -> AppResult<()> {
    idempotency_key::ActiveModel {
        id: Set(claim_id),
        subject_id: Set(Some(subject_id)),
        ..Default::default()
    }
    .update(txn)
    .await?;
    Ok(())
}
