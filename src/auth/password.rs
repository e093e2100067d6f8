//! argon2id password hashing. Hashing is deliberately slow, so it always runs on the blocking thread pool, never on
//! the async executor that serves other requests.

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::{SaltString, rand_core::OsRng},
};

use crate::{error::AppError, policy};

fn hasher() -> Argon2<'static> {
    let params = Params::new(
        policy::ARGON2_MEMORY_KIB,
        policy::ARGON2_ITERATIONS,
        policy::ARGON2_PARALLELISM,
        None,
    )
    .expect("argon2 parameters in policy are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string (`$argon2id$v=19$m=…`).
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(format!("password hashing task failed: {e}")))?
}

/// Verifies a password against a stored PHC hash. With `None` (an unknown account) it still does the full work
/// against a fixed hash, so that unknown accounts and wrong passwords take the same time.
pub async fn verify(password: String, stored_hash: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let known = stored_hash.is_some();
        let stored = stored_hash.unwrap_or_else(|| DUMMY_HASH.clone());
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| AppError::Internal(format!("stored password hash is malformed: {e}")))?;
        let matches = hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(known && matches)
    })
    .await
    .map_err(|e| AppError::Internal(format!("password verification task failed: {e}")))?
}

static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(b"acegate-timing-equaliser", &salt)
        .expect("hashing a constant succeeds")
        .to_string()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_own_password_only() {
        let stored = hash("correct horse".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2"));
        assert!(
            verify("correct horse".into(), Some(stored.clone()))
                .await
                .unwrap()
        );
        assert!(!verify("wrong horse".into(), Some(stored)).await.unwrap());
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        assert!(
            !verify("acegate-timing-equaliser".into(), None)
                .await
                .unwrap()
        );
    }
}
