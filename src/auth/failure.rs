//! Why a request is not authenticated: `extensions.reason` next to `code: "UNAUTHENTICATED"` (and in a WebSocket's
//! close reason), so that a developer can tell an expired token from a malformed one or a revoked key.
//!
//! A reason says what is wrong with the credential that was presented, never anything about the account behind it:
//! every failed sign-in is `INVALID_CREDENTIALS` (unknown email, wrong password, back-off, lock, disabled account
//! alike), every access token whose account no longer honours it is `SESSION_ENDED` (logout, revoked, disabled,
//! deleted alike), and an API key is `API_KEY_REVOKED` or `API_KEY_EXPIRED` only once its whole secret has matched:
//! whoever guesses learns nothing but `API_KEY_INVALID`.

/// The reason a credential was refused (or none was given where one is needed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthFailure {
    /// No credential, where the operation needs one.
    AuthenticationRequired,
    /// The `Authorization` header is not `Bearer <access token>` or `ApiKey <API key>`: another scheme (`Basic`),
    /// no scheme at all, bytes that are not text, an API key sent as `Bearer`, an access token sent as `ApiKey`.
    WrongScheme,
    /// The bearer value is not an access token of this deployment: not a JWT, a bad signature, another algorithm,
    /// key id, issuer, audience or token type, not yet valid, or a refresh token.
    TokenInvalid,
    /// A genuine access token of this deployment, past its expiry.
    TokenExpired,
    /// A genuine access token (or API key) that its account no longer honours: logout, a password or role change,
    /// a disabled or deleted account. One reason for all, so that it tells nothing about the account.
    SessionEnded,
    /// Not a key of this deployment: an unknown prefix or a wrong secret.
    ApiKeyInvalid,
    /// The key's secret matched, but the key was revoked.
    ApiKeyRevoked,
    /// The key's secret matched, but the key is past its expiry.
    ApiKeyExpired,
    /// `login` refused: whatever the cause, the same reason, message and work.
    InvalidCredentials,
    /// `refreshToken` got an unknown refresh token, one whose sign-in reached its absolute lifetime, or one of an
    /// account that cannot sign in.
    RefreshTokenInvalid,
    /// `refreshToken` got a refresh token that was already exchanged: its whole sign-in has just been ended.
    RefreshTokenReused,
}

impl AuthFailure {
    pub const ALL: [AuthFailure; 11] = [
        AuthFailure::AuthenticationRequired,
        AuthFailure::WrongScheme,
        AuthFailure::TokenInvalid,
        AuthFailure::TokenExpired,
        AuthFailure::SessionEnded,
        AuthFailure::ApiKeyInvalid,
        AuthFailure::ApiKeyRevoked,
        AuthFailure::ApiKeyExpired,
        AuthFailure::InvalidCredentials,
        AuthFailure::RefreshTokenInvalid,
        AuthFailure::RefreshTokenReused,
    ];

    /// The stable machine-readable reason, `extensions.reason`.
    pub fn reason(self) -> &'static str {
        match self {
            AuthFailure::AuthenticationRequired => "AUTHENTICATION_REQUIRED",
            AuthFailure::WrongScheme => "WRONG_SCHEME",
            AuthFailure::TokenInvalid => "TOKEN_INVALID",
            AuthFailure::TokenExpired => "TOKEN_EXPIRED",
            AuthFailure::SessionEnded => "SESSION_ENDED",
            AuthFailure::ApiKeyInvalid => "API_KEY_INVALID",
            AuthFailure::ApiKeyRevoked => "API_KEY_REVOKED",
            AuthFailure::ApiKeyExpired => "API_KEY_EXPIRED",
            AuthFailure::InvalidCredentials => "INVALID_CREDENTIALS",
            AuthFailure::RefreshTokenInvalid => "REFRESH_TOKEN_INVALID",
            AuthFailure::RefreshTokenReused => "REFRESH_TOKEN_REUSED",
        }
    }

    /// The error's message: what to do about it, in words that tell nothing about any account.
    pub fn message(self) -> &'static str {
        match self {
            AuthFailure::AuthenticationRequired => "authentication required",
            AuthFailure::WrongScheme => {
                "send the credential as `Authorization: Bearer <access token>` or `Authorization: ApiKey <API key>`"
            }
            AuthFailure::TokenInvalid => "the access token is not valid; sign in again",
            AuthFailure::TokenExpired => {
                "the access token has expired; exchange the refresh token or sign in again"
            }
            AuthFailure::SessionEnded => "this session has ended; sign in again",
            AuthFailure::ApiKeyInvalid => "the API key is not valid",
            AuthFailure::ApiKeyRevoked => "the API key has been revoked",
            AuthFailure::ApiKeyExpired => "the API key has expired",
            AuthFailure::InvalidCredentials => {
                "the email or password is not right, or the account cannot sign in now"
            }
            AuthFailure::RefreshTokenInvalid => "the refresh token is not valid; sign in again",
            AuthFailure::RefreshTokenReused => {
                "the refresh token was already used, so its sign-in has ended; sign in again"
            }
        }
    }

    /// Whether a bearer access token was presented and refused: RFC 6750's `error="invalid_token"`.
    pub fn is_invalid_token(self) -> bool {
        matches!(
            self,
            AuthFailure::TokenInvalid | AuthFailure::TokenExpired | AuthFailure::SessionEnded
        )
    }

    /// The reason text of a WebSocket close frame (at most 123 bytes): the reason, then the message.
    pub fn close_reason(self) -> String {
        format!("{}: {}", self.reason(), self.message())
    }

    /// The failure whose [`close_reason`](Self::close_reason) `text` is.
    pub fn from_close_reason(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|failure| failure.close_reason() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_close_reason_fits_a_close_frame_and_reads_back() {
        for failure in AuthFailure::ALL {
            let text = failure.close_reason();
            assert!(text.len() <= 123, "{text}");
            assert_eq!(AuthFailure::from_close_reason(&text), Some(failure));
        }
        assert_eq!(AuthFailure::from_close_reason("Forbidden"), None);
    }
}
