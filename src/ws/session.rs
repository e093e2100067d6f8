//! The credential a WebSocket connection signed in with, verified again while the connection lives: a live
//! subscription ends with the session that opened it (logout, a disabled account, a new role or organisation, a
//! revoked key, an expired token).

use std::{borrow::Cow, time::Duration};

use tokio::time::Instant;

use crate::{
    app::AppState,
    auth::{AuthFailure, Credential, Principal},
    service::accounts::{self, Authenticated},
};

/// How a connection whose session no longer holds is closed: a WebSocket close code and its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ending {
    pub code: u16,
    pub reason: Cow<'static, str>,
}

impl Ending {
    /// The protocol's "unauthorized" (4401): the credential no longer verifies, and the reason text says why
    /// (`TOKEN_EXPIRED: …`, `SESSION_ENDED: …`, `API_KEY_REVOKED: …`, as `extensions.reason` would over HTTP); the
    /// client should sign in again.
    fn refused(failure: AuthFailure) -> Self {
        Self {
            code: 4401,
            reason: Cow::Owned(failure.close_reason()),
        }
    }
}

/// The protocol's "forbidden" (4403): the credential still verifies, but for someone else than it did.
const CHANGED: Ending = Ending {
    code: 4403,
    reason: Cow::Borrowed("principal changed"),
};
/// The credential cannot be checked (the database is unreachable): nothing is delivered unchecked, and the client
/// reconnects once the server is healthy again.
const UNVERIFIABLE: Ending = Ending {
    code: 1011,
    reason: Cow::Borrowed("cannot verify the session"),
};

pub struct Session {
    /// The `Authorization` value of `connection_init`, verified again exactly as an HTTP request's would be.
    authorization: String,
    signed_in: Authenticated,
}

impl Session {
    pub fn new(authorization: String, signed_in: Authenticated) -> Self {
        Self {
            authorization,
            signed_in,
        }
    }

    pub fn principal(&self) -> Principal {
        self.signed_in.principal
    }

    /// Verifies the credential again (through the account cache where it holds the account, else the database).
    /// `Err` tells how to close the connection: the credential no longer verifies, or verifies for a principal
    /// other than the one the connection's subscriptions were opened for.
    pub async fn check(&self, state: &AppState) -> Result<(), Ending> {
        // Verification tolerates some clock skew past `exp`; a connection ends at `exp` itself.
        if self.expired() {
            return Err(Ending::refused(match self.signed_in.principal.credential {
                Credential::Session => AuthFailure::TokenExpired,
                Credential::ApiKey => AuthFailure::ApiKeyExpired,
            }));
        }
        // Bounded like a request: events wait for the check, and a stuck check must not hold them forever.
        let now = tokio::time::timeout(
            state.guard.limits.request_timeout,
            accounts::authenticate(
                &state.db,
                &state.tokens,
                &state.accounts,
                &self.authorization,
            ),
        )
        .await;
        match now {
            Ok(Ok(Ok(now))) if now.principal == self.signed_in.principal => Ok(()),
            Ok(Ok(Ok(_))) => Err(CHANGED),
            Ok(Ok(Err(failure))) => Err(Ending::refused(failure)),
            Ok(Err(err)) => {
                tracing::warn!(error = ?err, "cannot verify a WebSocket session");
                Err(UNVERIFIABLE)
            }
            Err(_) => {
                tracing::warn!("verifying a WebSocket session timed out");
                Err(UNVERIFIABLE)
            }
        }
    }

    /// When to check again while no event arrives: after `every`, or at the credential's expiry if that is sooner.
    pub fn next_check(&self, every: Duration) -> Instant {
        let left = self
            .signed_in
            .expires_at
            .map(|at| (at - crate::time::now()).to_std().unwrap_or(Duration::ZERO));
        Instant::now() + left.map_or(every, |left| left.min(every))
    }

    fn expired(&self) -> bool {
        self.signed_in
            .expires_at
            .is_some_and(|at| crate::time::now() >= at)
    }
}
