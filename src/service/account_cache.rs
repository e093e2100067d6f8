//! What a token-authenticated request needs of its account (the principal, whether the account is disabled, since
//! when its tokens count), kept in memory so that a request does not read its account row. That read was a
//! statement, a pool checkout and sqlx's ping on check-in: a third of a by-id request's cost (bench/RESULTS.md).
//!
//! The cache is only trusted while it is provably told of every change. On PostgreSQL a trigger on `users`
//! (migration `m20261128_000004`) sends `NOTIFY` when a row is inserted or deleted, or when a column that decides
//! about tokens changes, on commit; every replica listens on a connection of its own. A change made through this
//! process is also forgotten here right after its commit, so that this process never answers from the old row once
//! the change's response is out.
//!
//! Proof that changes are heard is a heartbeat: every few seconds each replica sends a notification on the same
//! channel, only while both triggers are enabled for every session (`ENABLE ALWAYS`, so that replication-role
//! sessions fire them too), carrying a fingerprint of the triggers and their function (catalog row versions). A
//! listening connection that silently stopped delivering (a dropped NAT mapping, a half-open socket after a
//! failover, a pooler that swallows `NOTIFY`) or a trigger that was dropped or disabled stops the heartbeats, and a
//! within 15 s the cache serves nothing and reads every account again; when heartbeats resume it starts empty.
//! A trigger disabled and enabled again between two heartbeats (even inside one transaction) changes the
//! fingerprint, and the next heartbeat empties the cache too. While nothing is heard, and always on SQLite (no
//! `NOTIFY`; another process, such as a second server on the same file, could change a row unseen), every request
//! reads its account.
//!
//! A lookup that raced a change must not store the row it read before the change: each entry is stored under the
//! generation seen before its read, and every change or gap in hearing starts a new generation.

use std::{
    num::NonZeroUsize,
    sync::{
        Arc, Mutex, MutexGuard, OnceLock, Weak,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use entity::user;
use lru::LruCache;
use sea_orm::{
    DatabaseConnection, DbBackend,
    sqlx::{self, PgPool, postgres::PgListener},
};
use tokio::sync::Notify;

use crate::{
    auth::{Principal, token::VerifiedToken},
    events::AbortOnDrop,
};

/// The channel of the `users` trigger. The payload is a user id, a heartbeat, or anything else for "forget
/// everything".
const CHANNEL: &str = "acegate_account_changes";
/// A heartbeat's payload: this prefix, then the triggers' fingerprint.
const HEARTBEAT: &str = "heartbeat:";
/// How often each replica sends a heartbeat.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(5);
/// How long after the last heartbeat heard the cache is still trusted: three heartbeats, so that one late or lost
/// heartbeat (a busy pool) does not empty the cache.
const HEARD_WITHIN: Duration = Duration::from_secs(15);
/// With no notification at all for this long the listening connection is presumed dead (heartbeats come every 5 s)
/// and is replaced.
const SILENT_AT_MOST: Duration = Duration::from_secs(30);
/// Accounts kept; the least recently used go first. An entry is a few dozen bytes.
const CAPACITY: usize = 10_000;
/// Pause before listening again after the connection failed.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);
/// Sends a heartbeat only while both triggers are enabled for every session; its payload fingerprints them and
/// their function by catalog row (oid and xmin), so that any drop, re-creation, disabling or re-enabling shows.
const SEND_HEARTBEAT: &str = "\
    SELECT pg_notify($1, $2 || string_agg(t.oid::text || '.' || t.xmin::text || '.' || p.oid::text || '.' \
        || p.xmin::text, ',' ORDER BY t.tgname)) \
    FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid \
    WHERE t.tgrelid = 'users'::regclass AND t.tgenabled = 'A' \
      AND t.tgname IN ('users_notify_account_change', 'users_notify_account_truncate') \
    HAVING count(*) = 2";

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
    /// Whether the listening connection is up.
    listening: AtomicBool,
    /// When the last heartbeat was heard, in milliseconds since `started` (0: never).
    heard_at_ms: AtomicU64,
    /// The triggers' fingerprint carried by the last heartbeat.
    fingerprint: Mutex<String>,
    started: Instant,
    /// The listener and the heartbeat sender, stopped when the cache goes.
    tasks: OnceLock<[AbortOnDrop; 2]>,
}

struct Inner {
    entries: LruCache<i64, AccountState>,
    generation: u64,
}

impl AccountCache {
    /// A cache that keeps nothing until [`AccountCache::start`] has it listen.
    fn new() -> Self {
        Self {
            inner: Mutex::new(Inner {
                entries: LruCache::new(NonZeroUsize::new(CAPACITY).expect("non-zero")),
                generation: 0,
            }),
            listening: AtomicBool::new(false),
            heard_at_ms: AtomicU64::new(0),
            fingerprint: Mutex::new(String::new()),
            started: Instant::now(),
            tasks: OnceLock::new(),
        }
    }

    /// A cache for `db`: on PostgreSQL it listens for account changes on a connection of its own (opened in the
    /// background, retried until it succeeds) and sends heartbeats through `db`'s pool; on any other database it
    /// stays empty.
    pub fn start(db: &DatabaseConnection, url: &str) -> Arc<Self> {
        let cache = Arc::new(Self::new());
        if db.get_database_backend() == DbBackend::Postgres {
            let listening = Arc::new(Notify::new());
            let tasks = [
                AbortOnDrop(tokio::spawn(listen(
                    Arc::downgrade(&cache),
                    url.to_owned(),
                    listening.clone(),
                ))),
                AbortOnDrop(tokio::spawn(send_heartbeats(
                    db.get_postgres_connection_pool().clone(),
                    listening,
                ))),
            ];
            // Set once, on a cache nobody else holds yet.
            let _ = cache.tasks.set(tasks);
        }
        cache
    }

    /// Whether account changes are being heard, so that accounts are kept: the listening connection is up and a
    /// heartbeat arrived recently.
    pub fn is_trusted(&self) -> bool {
        self.hearing_at(self.now_ms())
    }

    fn hearing_at(&self, now_ms: u64) -> bool {
        let heard = self.heard_at_ms.load(Ordering::Acquire);
        self.listening.load(Ordering::Acquire)
            && heard != 0
            && now_ms.saturating_sub(heard) <= HEARD_WITHIN.as_millis() as u64
    }

    fn now_ms(&self) -> u64 {
        // Never 0, which means "never heard".
        self.started.elapsed().as_millis() as u64 + 1
    }

    pub fn get(&self, user_id: i64) -> Option<AccountState> {
        if !self.is_trusted() {
            return None;
        }
        lock(&self.inner).entries.get(&user_id).copied()
    }

    /// Taken before reading an account row; `None` while changes are not being heard (the row is then not kept).
    pub fn ticket(&self) -> Option<Ticket> {
        let inner = lock(&self.inner);
        self.is_trusted().then_some(Ticket(inner.generation))
    }

    /// Keeps a row read under `ticket`, unless a change arrived since the ticket was taken.
    pub fn store(&self, ticket: Ticket, user_id: i64, state: AccountState) {
        let mut inner = lock(&self.inner);
        if inner.generation == ticket.0 && self.is_trusted() {
            inner.entries.put(user_id, state);
        }
    }

    /// An account changed (after its commit, or when the commit's outcome is unknown): its entry goes, and lookups
    /// in flight keep what they read to themselves.
    fn forget(&self, user_id: i64) {
        let mut inner = lock(&self.inner);
        inner.generation += 1;
        inner.entries.pop(&user_id);
    }

    fn forget_all(&self) {
        let mut inner = lock(&self.inner);
        inner.generation += 1;
        inner.entries.clear();
    }

    /// The listening connection is up (called once `LISTEN` is in place) or gone.
    fn set_listening(&self, listening: bool) {
        // Whatever was kept before may have missed a change made while nobody listened; and only a heartbeat heard
        // on this connection proves that it delivers.
        self.listening.store(listening, Ordering::Release);
        self.heard_at_ms.store(0, Ordering::Release);
        self.forget_all();
    }

    fn on_notification(&self, payload: &str) {
        if let Some(fingerprint) = payload.strip_prefix(HEARTBEAT) {
            self.heard(self.now_ms(), fingerprint);
        } else if let Ok(user_id) = payload.parse::<i64>() {
            self.forget(user_id);
        } else {
            self.forget_all();
        }
    }

    fn heard(&self, now_ms: u64, fingerprint: &str) {
        let mut last = lock(&self.fingerprint);
        if !self.hearing_at(now_ms) || *last != fingerprint {
            // After a gap, or with the triggers changed in between (disabled for a while, re-created), changes may
            // have been missed: start empty.
            self.forget_all();
            fingerprint.clone_into(&mut last);
        }
        self.heard_at_ms.store(now_ms, Ordering::Release);
    }

    /// A guard that forgets `user_id` when dropped: created before a change's commit, it forgets after the commit
    /// returns, whatever it returned, and also when the request is cancelled while waiting for it.
    pub fn forget_when_done(self: &Arc<Self>, user_id: i64) -> ForgetOnDrop {
        ForgetOnDrop {
            cache: self.clone(),
            user_id,
        }
    }

    /// Whether the listening connection is up (a heartbeat may not have been heard yet).
    pub fn is_listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        lock(&self.inner).entries.len()
    }
}

pub struct ForgetOnDrop {
    cache: Arc<AccountCache>,
    user_id: i64,
}

impl Drop for ForgetOnDrop {
    fn drop(&mut self) {
        self.cache.forget(self.user_id);
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
async fn listen(cache: Weak<AccountCache>, url: String, listening: Arc<Notify>) {
    // However this task ends (the cache dropped, a panic), the cache stops trusting what it keeps.
    let _dark_on_exit = DarkOnDrop(cache.clone());
    loop {
        match subscribe(&url).await {
            Ok(mut listener) => {
                let Some(live) = cache.upgrade() else { return };
                live.set_listening(true);
                drop(live);
                // A heartbeat now, rather than at the next tick, so that the cache is trusted without waiting.
                listening.notify_one();
                // `try_recv` answers `None` when the connection was lost (`recv` would reconnect silently and hide
                // the notifications missed meanwhile).
                let lost = loop {
                    match tokio::time::timeout(SILENT_AT_MOST, listener.try_recv()).await {
                        Ok(Ok(Some(notification))) => match cache.upgrade() {
                            Some(cache) => cache.on_notification(notification.payload()),
                            None => return,
                        },
                        Ok(Ok(None)) => break "connection lost".to_owned(),
                        Ok(Err(err)) => break err.to_string(),
                        Err(_) => {
                            break "no notification, not even a heartbeat, for 30 s".to_owned();
                        }
                    }
                };
                let Some(dark) = cache.upgrade() else { return };
                dark.set_listening(false);
                tracing::warn!(error = %lost, "account change listener stopped; reconnecting");
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for account changes; retrying")
            }
        }
        if cache.strong_count() == 0 {
            return;
        }
        tokio::time::sleep(RECONNECT_AFTER).await;
    }
}

async fn subscribe(url: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    // A lost connection must surface at once (as `Ok(None)`), not after reconnect attempts made inside `try_recv`.
    listener.eager_reconnect(false);
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

struct DarkOnDrop(Weak<AccountCache>);

impl Drop for DarkOnDrop {
    fn drop(&mut self) {
        if let Some(cache) = self.0.upgrade() {
            cache.set_listening(false);
        }
    }
}

/// Sends a heartbeat every [`HEARTBEAT_EVERY`], and at once when `listening` is signalled. Through sqlx's pool
/// directly: it is housekeeping, not a statement of a request (`acegate_db_statements_total` does not count it).
async fn send_heartbeats(pool: PgPool, listening: Arc<Notify>) {
    let mut sending = true;
    loop {
        match sqlx::query(SEND_HEARTBEAT)
            .bind(CHANNEL)
            .bind(HEARTBEAT)
            .execute(&pool)
            .await
        {
            Ok(done) => {
                let triggers_enabled = done.rows_affected() == 1;
                if triggers_enabled != sending {
                    if triggers_enabled {
                        tracing::info!("account change triggers enabled: accounts are kept again");
                    } else {
                        tracing::error!(
                            "account change triggers missing or not ENABLE ALWAYS: every request reads its account"
                        );
                    }
                    sending = triggers_enabled;
                }
            }
            Err(sqlx::Error::PoolClosed) => return,
            Err(err) => tracing::warn!(error = %err, "cannot send an account cache heartbeat"),
        }
        tokio::select! {
            _ = tokio::time::sleep(HEARTBEAT_EVERY) => {}
            _ = listening.notified() => {}
        }
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
                credential: crate::auth::Credential::Session,
            }),
            disabled,
            tokens_valid_after_ms,
        }
    }

    fn token(issued_at_ms: i64) -> VerifiedToken {
        VerifiedToken {
            user_id: 7,
            issued_at_ms,
            expires_at_s: i64::MAX,
        }
    }

    #[test]
    fn a_token_is_honoured_only_for_an_enabled_account_and_after_its_revocation() {
        assert!(state(false, None).principal_for(&token(10)).is_some());
        assert!(state(true, None).principal_for(&token(10)).is_none());
        assert!(state(false, Some(10)).principal_for(&token(10)).is_none());
        assert!(state(false, Some(10)).principal_for(&token(11)).is_some());
    }

    const FINGERPRINT: &str = "1.1.1.1,2.2.1.1";

    /// A cache whose listener is up and has just heard a heartbeat.
    fn hearing() -> AccountCache {
        let cache = AccountCache::new();
        cache.set_listening(true);
        cache.on_notification(&format!("{HEARTBEAT}{FINGERPRINT}"));
        cache
    }

    #[test]
    fn nothing_is_kept_or_served_until_a_heartbeat_is_heard() {
        let cache = AccountCache::new();
        cache.set_listening(true);
        assert!(cache.ticket().is_none(), "listening, but no heartbeat yet");
        cache.on_notification(&format!("{HEARTBEAT}{FINGERPRINT}"));
        let ticket = cache.ticket().unwrap();
        cache.store(ticket, 7, state(false, None));
        assert_eq!(cache.get(7), Some(state(false, None)));
        cache.set_listening(false);
        assert_eq!(cache.get(7), None);
        assert!(cache.ticket().is_none());
        cache.set_listening(true);
        cache.on_notification(&format!("{HEARTBEAT}{FINGERPRINT}"));
        assert_eq!(cache.get(7), None, "what was kept before the gap is gone");
    }

    #[test]
    fn without_a_recent_heartbeat_nothing_is_served_and_a_late_one_starts_empty() {
        let cache = hearing();
        let ticket = cache.ticket().unwrap();
        cache.store(ticket, 7, state(false, None));
        let heard = cache.heard_at_ms.load(Ordering::Acquire);
        let window = HEARD_WITHIN.as_millis() as u64;
        assert!(cache.hearing_at(heard + window));
        assert!(!cache.hearing_at(heard + window + 1));
        let fingerprint = FINGERPRINT;
        cache.heard(heard + window + 1, fingerprint);
        assert_eq!(
            cache.len(),
            0,
            "a change may have been missed during the gap"
        );
        cache.heard(heard + window + 2, fingerprint);
        let ticket = cache.ticket().unwrap();
        cache.store(ticket, 7, state(false, None));
        cache.heard(heard + window + 3, fingerprint);
        assert_eq!(cache.len(), 1, "heartbeats in time keep what is kept");
        cache.heard(heard + window + 4, "1.9.1.1,2.2.1.1");
        assert_eq!(
            cache.len(),
            0,
            "a trigger changed between heartbeats (disabled for a while)"
        );
    }

    #[test]
    fn a_row_read_before_a_change_is_not_kept() {
        let cache = hearing();
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
        let cache = hearing();
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
