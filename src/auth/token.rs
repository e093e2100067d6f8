//! JWT access tokens: HS256 only (the algorithm is pinned, never read from the token), with `exp nbf iss aud sub`
//! required and a key id in the header so that keys can rotate.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

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
    /// Marks the token as an access token, so no other token kind signed with the same key is accepted here.
    typ: String,
}

const ACCESS_TOKEN_TYPE: &str = "access";

/// A verified access token: whose it is and when it was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifiedToken {
    pub user_id: i64,
    pub issued_at: u64,
}

pub struct TokenIssued {
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone)]
pub struct TokenService {
    config: JwtConfig,
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

fn now_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl TokenService {
    pub fn new(config: JwtConfig) -> Self {
        let secret = config.secret.expose().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.set_issuer(&[config.issuer.as_str()]);
        validation.set_audience(&[config.audience.as_str()]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            config,
        }
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

    /// Verifies signature, algorithm, key id and claims. Any failure is just `None`: the caller answers with one
    /// generic `UNAUTHENTICATED` whatever the reason.
    pub fn verify_access_token(&self, token: &str) -> Option<VerifiedToken> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        if header.alg != Algorithm::HS256
            || header.kid.as_deref() != Some(self.config.key_id.as_str())
        {
            return None;
        }
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        if data.claims.typ != ACCESS_TOKEN_TYPE {
            return None;
        }
        Some(VerifiedToken {
            user_id: data.claims.sub.parse().ok()?,
            issued_at: data.claims.iat,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use std::time::Duration;

    fn config(secret: &str, aud: &str) -> JwtConfig {
        JwtConfig {
            secret: Secret::new(secret),
            key_id: "k1".into(),
            issuer: "acegate".into(),
            audience: aud.into(),
            access_token_ttl: Duration::from_secs(900),
        }
    }

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn a_token_round_trips_to_its_user() {
        let tokens = TokenService::new(config(SECRET, "acegate-api"));
        let issued = tokens.issue_access_token(42).unwrap();
        assert_eq!(
            tokens.verify_access_token(&issued.token).unwrap().user_id,
            42
        );
    }

    #[test]
    fn a_token_for_another_audience_or_key_is_refused() {
        let ours = TokenService::new(config(SECRET, "acegate-api"));
        let foreign_aud = TokenService::new(config(SECRET, "someone-else"))
            .issue_access_token(1)
            .unwrap();
        assert!(ours.verify_access_token(&foreign_aud.token).is_none());
        let foreign_key =
            TokenService::new(config("another-secret-of-enough-length!!", "acegate-api"))
                .issue_access_token(1)
                .unwrap();
        assert!(ours.verify_access_token(&foreign_key.token).is_none());
    }

    #[test]
    fn an_unsigned_token_is_refused() {
        let tokens = TokenService::new(config(SECRET, "acegate-api"));
        let issued = tokens.issue_access_token(7).unwrap();
        let mut parts = issued.token.split('.');
        let (_, payload) = (parts.next(), parts.next().unwrap());
        // {"alg":"none","kid":"k1"}
        let none_header = "eyJhbGciOiJub25lIiwia2lkIjoiazEifQ";
        assert!(
            tokens
                .verify_access_token(&format!("{none_header}.{payload}."))
                .is_none()
        );
    }
}
