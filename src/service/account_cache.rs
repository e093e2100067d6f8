//! What a token-authenticated request needs of its account (the principal, whether the account is disabled, since
//! when its tokens count), kept in memory so that a request does not read its account row. That read was a
//! statement, a pool checkout and sqlx's ping on check-in: a third of a by-id request's cost (bench/RESULTS.md).
//!
//! The cache is only trusted while it is told of every change. On PostgreSQL a trigger on `users` (migration
//! `m20261128_000004`) sends `NOTIFY` for every inserted, updated or deleted row, on commit, and every replica
//! listens on a connection of its own; a change made through this process is also forgotten here right after its
//! commit, so that this process never answers from the old row once the change's response is out. While the
//! listening connection is down, and always on SQLite (no `NOTIFY`; another process, such as a second server on
//! the same file, could change a row unseen), the cache keeps nothing and every request reads its account.
//!
//! A lookup that raced a change must not store the row it read before the change: each entry is stored under the
//! generation seen before its read, and every change or loss of the connection starts a new generation.

use std::{
    num::NonZeroUsize,
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use entity::user;
use lru::LruCache;
use sea_orm::{DatabaseConnection, DbBackend, sqlx::postgres::PgListener};

use crate::auth::{Principal, token::VerifiedToken};

/// The channel of the `users` trigger. The payload is a user id; anything else means "forget everything".
pub const CHANNEL: &str = "acegate_account_changes";
/// Accounts kept; the least recently used go first. An entry is a few dozen bytes.
const CAPACITY: usize = 10_000;
/// Pause before listening again after the connection failed.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// The columns of an account row that decide whether one of its access tokens is honoured, and as whom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccountState {
    /// `None` when the row violates its role binding: no token of it is honoured.
    principal: Option<Principal>,
    disabled: bool,
    tokens_valid_after_ms: Option<i64>,
}

impl AccountState {
    pub fn of(user: &user::Model) -> Self {
        Self {
            principal: Principal::from_user(user),
            disabled: user.disabled_at.is_some(),
            tokens_valid_after_ms: user.tokens_valid_after.map(|at| at.timestamp_millis()),
        }
    }

    /// The principal behind `token`, or `None` when the account is disabled or its tokens were revoked after this
    /// one was issued.
    pub fn principal_for(&self, token: &VerifiedToken) -> Option<Principal> {
        if self.disabled {
            return None;
        }
        if self
            .tokens_valid_after_ms
            .is_some_and(|valid_after| token.issued_at_ms <= valid_after)
        {
            return None;
        }
        self.principal
    }
}

/// The generation a lookup started in; its row may be stored only if no change arrived meanwhile.
#[derive(Clone, Copy, Debug)]
pub struct Ticket(u64);

pub struct AccountCache {
    inner: Mutex<Inner>,
    /// Whether changes are being heard; without it nothing is stored or served.
    live: AtomicBool,
    listener: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

struct Inner {
    entries: LruCache<i64, AccountState>,
    generation: u64,
}

impl AccountCache {
    /// A cache that keeps nothing until [`AccountCache::start`] has it listen.
    pub fn new() -> Self {
        Self {
            inner: Mutex::new(Inner {
                entries: LruCache::new(NonZeroUsize::new(CAPACITY).expect("non-zero")),
                generation: 0,
            }),
            live: AtomicBool::new(false),
            listener: Mutex::new(None),
        }
    }

    /// A cache for `db`: on PostgreSQL it listens for account changes on a connection of its own (opened in the
    /// background, retried until it succeeds); on any other database it stays empty.
    pub fn start(db: &DatabaseConnection, url: &str) -> Arc<Self> {
        let cache = Arc::new(Self::new());
        if db.get_database_backend() == DbBackend::Postgres {
            let task = tokio::spawn(listen(Arc::downgrade(&cache), url.to_owned()));
            *lock(&cache.listener) = Some(task);
        }
        cache
    }

    /// Whether account changes are being heard, so that accounts are kept.
    pub fn is_live(&self) -> bool {
        self.live.load(Ordering::Acquire)
    }

    pub fn get(&self, user_id: i64) -> Option<AccountState> {
        if !self.is_live() {
            return None;
        }
        lock(&self.inner).entries.get(&user_id).copied()
    }

    /// Taken before reading an account row; `None` while changes are not being heard (the row is then not kept).
    pub fn ticket(&self) -> Option<Ticket> {
        let inner = lock(&self.inner);
        self.live
            .load(Ordering::Acquire)
            .then_some(Ticket(inner.generation))
    }

    /// Keeps a row read under `ticket`, unless a change arrived since the ticket was taken.
    pub fn store(&self, ticket: Ticket, user_id: i64, state: AccountState) {
        let mut inner = lock(&self.inner);
        if inner.generation == ticket.0 && self.live.load(Ordering::Acquire) {
            inner.entries.put(user_id, state);
        }
    }

    /// An account changed (after its commit): its entry goes, and lookups in flight keep what they read to
    /// themselves.
    pub fn forget(&self, user_id: i64) {
        let mut inner = lock(&self.inner);
        inner.generation += 1;
        inner.entries.pop(&user_id);
    }

    fn forget_all(&self) {
        let mut inner = lock(&self.inner);
        inner.generation += 1;
        inner.entries.clear();
    }

    /// Changes are heard from now on (called once `LISTEN` is in place) or no longer (the connection is gone).
    fn set_live(&self, live: bool) {
        // Whatever was kept before may have missed a change made while nobody listened.
        self.forget_all();
        self.live.store(live, Ordering::Release);
    }

    fn on_notification(&self, payload: &str) {
        match payload.parse::<i64>() {
            Ok(user_id) => self.forget(user_id),
            Err(_) => self.forget_all(),
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        lock(&self.inner).entries.len()
    }
}

impl Default for AccountCache {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for AccountCache {
    fn drop(&mut self) {
        if let Some(task) = lock(&self.listener).take() {
            task.abort();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section leaves the data consistent, so a panic elsewhere does not spoil it.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Listens for account changes for as long as the cache exists, reconnecting after a failure. The task holds only
/// a weak reference, so that dropping the application stops it.
async fn listen(cache: std::sync::Weak<AccountCache>, url: String) {
    loop {
        match PgListener::connect(&url).await {
            Ok(mut listener) => match listener.listen(CHANNEL).await {
                Ok(()) => {
                    let Some(live) = cache.upgrade() else { return };
                    live.set_live(true);
                    drop(live);
                    // `try_recv` answers `None` when the connection was lost (`recv` would reconnect silently and
                    // hide the notifications missed meanwhile).
                    let lost = loop {
                        match listener.try_recv().await {
                            Ok(Some(notification)) => match cache.upgrade() {
                                Some(cache) => cache.on_notification(notification.payload()),
                                None => return,
                            },
                            Ok(None) => break "connection lost".to_owned(),
                            Err(err) => break err.to_string(),
                        }
                    };
                    let Some(dark) = cache.upgrade() else { return };
                    dark.set_live(false);
                    tracing::warn!(error = %lost, "account change listener stopped; reconnecting");
                }
                Err(err) => {
                    tracing::warn!(error = %err, "cannot LISTEN for account changes; retrying")
                }
            },
            Err(err) => {
                tracing::warn!(error = %err, "cannot connect to listen for account changes; retrying")
            }
        }
        if cache.strong_count() == 0 {
            return;
        }
        tokio::time::sleep(RECONNECT_AFTER).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Actor;

    fn state(disabled: bool, tokens_valid_after_ms: Option<i64>) -> AccountState {
        AccountState {
            principal: Some(Principal {
                user_id: 7,
                actor: Actor::Partner { partner_id: 3 },
            }),
            disabled,
            tokens_valid_after_ms,
        }
    }

    fn token(issued_at_ms: i64) -> VerifiedToken {
        VerifiedToken {
            user_id: 7,
            issued_at_ms,
        }
    }

    #[test]
    fn a_token_is_honoured_only_for_an_enabled_account_and_after_its_revocation() {
        assert!(state(false, None).principal_for(&token(10)).is_some());
        assert!(state(true, None).principal_for(&token(10)).is_none());
        assert!(state(false, Some(10)).principal_for(&token(10)).is_none());
        assert!(state(false, Some(10)).principal_for(&token(11)).is_some());
    }

    #[test]
    fn nothing_is_kept_or_served_while_changes_are_not_heard() {
        let cache = AccountCache::new();
        assert!(cache.ticket().is_none());
        cache.set_live(true);
        let ticket = cache.ticket().unwrap();
        cache.store(ticket, 7, state(false, None));
        assert_eq!(cache.get(7), Some(state(false, None)));
        cache.set_live(false);
        assert_eq!(cache.get(7), None);
        assert!(cache.ticket().is_none());
        cache.set_live(true);
        assert_eq!(cache.get(7), None, "what was kept before the gap is gone");
    }

    #[test]
    fn a_row_read_before_a_change_is_not_kept() {
        let cache = AccountCache::new();
        cache.set_live(true);
        let before_change = cache.ticket().unwrap();
        cache.forget(7);
        cache.store(before_change, 7, state(false, None));
        assert_eq!(cache.get(7), None);
        let after_change = cache.ticket().unwrap();
        cache.store(after_change, 7, state(true, None));
        assert_eq!(cache.get(7), Some(state(true, None)));
    }

    #[test]
    fn a_notification_forgets_its_account_or_everything() {
        let cache = AccountCache::new();
        cache.set_live(true);
        for id in [7, 8] {
            let ticket = cache.ticket().unwrap();
            cache.store(ticket, id, state(false, None));
        }
        cache.on_notification("7");
        assert_eq!((cache.get(7), cache.len()), (None, 1));
        cache.on_notification("*");
        assert_eq!(cache.len(), 0);
    }
}
