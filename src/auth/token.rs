//! Tokens. Access tokens are JWTs: HS256 only (the algorithm is pinned, never read from the token), `exp nbf iss
//! aud sub` required, a key id in the header so that keys rotate (retired keys keep verifying for a while, only the
//! current key signs). Refresh tokens and API keys are opaque random strings stored only as SHA-256 hashes.

use std::{
    collections::HashMap,
    time::{SystemTime, UNIX_EPOCH},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::AuthFailure;
use crate::config::JwtConfig;

/// Seconds of clock skew tolerated between replicas.
const LEEWAY_SECONDS: u64 = 30;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iss: String,
    aud: String,
    exp: u64,
    nbf: u64,
    iat: u64,
    /// Issue time in milliseconds: revocations ("tokens before this instant are dead") need finer than seconds.
    ims: i64,
    /// Marks the token as an access token, so no other token kind signed with the same key is accepted here.
    typ: String,
}

const ACCESS_TOKEN_TYPE: &str = "access";

/// A verified access token: whose it is, when it was issued and when it expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifiedToken {
    pub user_id: i64,
    pub issued_at_ms: i64,
    /// The `exp` claim, in seconds since the epoch (verification allows `LEEWAY_SECONDS` past it).
    pub expires_at_s: i64,
}

pub struct TokenIssued {
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone)]
pub struct TokenService {
    config: JwtConfig,
    encoding: EncodingKey,
    decoding: HashMap<String, DecodingKey>,
    validation: Validation,
    /// `validation` without the expiry: tells a genuine but expired token from one that is also wrong otherwise.
    validation_past_expiry: Validation,
}

fn now_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl TokenService {
    pub fn new(config: JwtConfig) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.set_issuer(&[config.issuer.as_str()]);
        validation.set_audience(&[config.audience.as_str()]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        let mut decoding = HashMap::new();
        for (kid, secret) in &config.previous_keys {
            decoding.insert(
                kid.clone(),
                DecodingKey::from_secret(secret.expose().as_bytes()),
            );
        }
        decoding.insert(
            config.key_id.clone(),
            DecodingKey::from_secret(config.secret.expose().as_bytes()),
        );
        let mut validation_past_expiry = validation.clone();
        validation_past_expiry.validate_exp = false;
        Self {
            encoding: EncodingKey::from_secret(config.secret.expose().as_bytes()),
            decoding,
            validation,
            validation_past_expiry,
            config,
        }
    }

    pub fn refresh_token_ttl(&self) -> std::time::Duration {
        self.config.refresh_token_ttl
    }

    pub fn issue_access_token(&self, user_id: i64) -> Result<TokenIssued, crate::error::AppError> {
        let now = now_seconds();
        let exp = now + self.config.access_token_ttl.as_secs();
        let claims = Claims {
            sub: user_id.to_string(),
            iss: self.config.issuer.clone(),
            aud: self.config.audience.clone(),
            exp,
            nbf: now,
            iat: now,
            ims: crate::time::now().timestamp_millis(),
            typ: ACCESS_TOKEN_TYPE.into(),
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.config.key_id.clone());
        let token = jsonwebtoken::encode(&header, &claims, &self.encoding)
            .map_err(|e| crate::error::AppError::Internal(format!("token signing failed: {e}")))?;
        let expires_at =
            chrono::DateTime::from_timestamp(exp as i64, 0).unwrap_or_else(chrono::Utc::now);
        Ok(TokenIssued { token, expires_at })
    }

    /// Verifies signature, algorithm, key id and claims. `TokenExpired` only for a token that passes every other
    /// check (jsonwebtoken checks the signature first, then the claims, `exp` among the first: the claims are checked
    /// again without `exp` to be sure); any other failure is `TokenInvalid`, with no detail of which check failed.
    pub fn verify_access_token(&self, token: &str) -> Result<VerifiedToken, AuthFailure> {
        let invalid = AuthFailure::TokenInvalid;
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid)?;
        if header.alg != Algorithm::HS256 {
            return Err(invalid);
        }
        let key = self
            .decoding
            .get(header.kid.as_deref().ok_or(invalid)?)
            .ok_or(invalid)?;
        let data = match jsonwebtoken::decode::<Claims>(token, key, &self.validation) {
            Ok(data) => data,
            Err(err) if *err.kind() == jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                let genuine =
                    jsonwebtoken::decode::<Claims>(token, key, &self.validation_past_expiry)
                        .is_ok_and(|data| data.claims.typ == ACCESS_TOKEN_TYPE);
                return Err(if genuine {
                    AuthFailure::TokenExpired
                } else {
                    invalid
                });
            }
            Err(_) => return Err(invalid),
        };
        if data.claims.typ != ACCESS_TOKEN_TYPE {
            return Err(invalid);
        }
        Ok(VerifiedToken {
            user_id: data.claims.sub.parse().map_err(|_| invalid)?,
            issued_at_ms: data.claims.ims,
            expires_at_s: i64::try_from(data.claims.exp).map_err(|_| invalid)?,
        })
    }
}

/// A new opaque secret: `prefix` followed by 32 random bytes, base64url.
pub fn random_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// SHA-256 of an opaque secret, hex. The secrets carry 256 bits of entropy, so a fast hash is enough (and keeps
/// argon2 off the request path of every API-key call).
pub fn hash_secret(secret: &str) -> String {
    format!("{:x}", Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use std::time::Duration;

    fn config(secret: &str, kid: &str, aud: &str) -> JwtConfig {
        JwtConfig {
            secret: Secret::new(secret),
            key_id: kid.into(),
            previous_keys: Vec::new(),
            refresh_token_ttl: Duration::from_secs(3600),
            issuer: "acegate".into(),
            audience: aud.into(),
            access_token_ttl: Duration::from_secs(900),
        }
    }

    const SECRET: &str = "0123456789abcdef0123456789abcdef";
    const NEXT: &str = "fedcba9876543210fedcba9876543210";

    #[test]
    fn a_token_round_trips_to_its_user() {
        let tokens = TokenService::new(config(SECRET, "k1", "acegate-api"));
        let issued = tokens.issue_access_token(42).unwrap();
        assert_eq!(
            tokens.verify_access_token(&issued.token).unwrap().user_id,
            42
        );
    }

    #[test]
    fn a_token_for_another_audience_or_key_is_refused() {
        let ours = TokenService::new(config(SECRET, "k1", "acegate-api"));
        let foreign_aud = TokenService::new(config(SECRET, "k1", "someone-else"))
            .issue_access_token(1)
            .unwrap();
        assert!(ours.verify_access_token(&foreign_aud.token).is_err());
        let foreign_key = TokenService::new(config(NEXT, "k1", "acegate-api"))
            .issue_access_token(1)
            .unwrap();
        assert!(ours.verify_access_token(&foreign_key.token).is_err());
    }

    #[test]
    fn during_a_rotation_the_retired_key_still_verifies_and_only_the_new_key_signs() {
        let before = TokenService::new(config(SECRET, "k1", "acegate-api"));
        let old_token = before.issue_access_token(7).unwrap().token;
        let mut rotated = config(NEXT, "k2", "acegate-api");
        rotated.previous_keys = vec![("k1".into(), Secret::new(SECRET))];
        let after = TokenService::new(rotated);
        assert_eq!(after.verify_access_token(&old_token).unwrap().user_id, 7);
        let new_token = after.issue_access_token(8).unwrap().token;
        assert_eq!(
            jsonwebtoken::decode_header(&new_token)
                .unwrap()
                .kid
                .as_deref(),
            Some("k2")
        );
        assert!(before.verify_access_token(&new_token).is_err());
        // Once the retired key is dropped from the ring, its tokens stop verifying.
        let retired = TokenService::new(config(NEXT, "k2", "acegate-api"));
        assert!(retired.verify_access_token(&old_token).is_err());
    }

    #[test]
    fn an_unsigned_token_is_refused() {
        let tokens = TokenService::new(config(SECRET, "k1", "acegate-api"));
        let issued = tokens.issue_access_token(7).unwrap();
        let payload = issued.token.split('.').nth(1).unwrap();
        // {"alg":"none","kid":"k1"}
        let none_header = "eyJhbGciOiJub25lIiwia2lkIjoiazEifQ";
        assert!(
            tokens
                .verify_access_token(&format!("{none_header}.{payload}."))
                .is_err()
        );
    }

    /// A token signed with `secret`, for the test's own claims.
    fn signed(secret: &str, aud: &str, exp: u64, typ: &str) -> String {
        let claims = Claims {
            sub: "7".into(),
            iss: "acegate".into(),
            aud: aud.into(),
            exp,
            nbf: exp - 900,
            iat: exp - 900,
            ims: 0,
            typ: typ.into(),
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("k1".into());
        jsonwebtoken::encode(
            &header,
            &claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    }

    #[test]
    fn only_a_token_that_is_right_in_every_other_way_is_expired() {
        let tokens = TokenService::new(config(SECRET, "k1", "acegate-api"));
        let past = now_seconds() - 3600;
        let verdict = |token: String| tokens.verify_access_token(&token).err();
        assert_eq!(
            verdict(signed(SECRET, "acegate-api", past, "access")),
            Some(AuthFailure::TokenExpired)
        );
        for wrong in [
            signed(NEXT, "acegate-api", past, "access"),
            signed(SECRET, "someone-else", past, "access"),
            signed(SECRET, "acegate-api", past, "refresh"),
            signed(SECRET, "acegate-api", now_seconds() + 600, "refresh"),
        ] {
            assert_eq!(verdict(wrong), Some(AuthFailure::TokenInvalid));
        }
        // Within the tolerated clock skew a token still verifies.
        assert!(verdict(signed(SECRET, "acegate-api", now_seconds() - 5, "access")).is_none());
    }

    #[test]
    fn secrets_are_random_and_hashes_stable() {
        let (a, b) = (random_secret("rt_"), random_secret("rt_"));
        assert!(a.starts_with("rt_") && a != b && a.len() > 40);
        assert_eq!(hash_secret(&a), hash_secret(&a));
        assert_ne!(hash_secret(&a), hash_secret(&b));
    }
}
