//! Fixed-window rate limits kept in process memory, per key (a client IP, a principal). Each replica limits its own
//! share of the traffic; nothing here must survive a restart.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

pub struct Limiter {
    limit: u32,
    window: Duration,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

/// Refused: retry after this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exceeded {
    pub retry_after_secs: u64,
}

/// Above this many tracked keys, expired windows are swept so memory stays bounded.
const SWEEP_ABOVE: usize = 10_000;

impl Limiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one hit for `key`.
    pub fn check(&self, key: &str) -> Result<(), Exceeded> {
        self.hit(key).map(|_| ())
    }

    /// The most hits a key gets per window.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Counts one hit for `key` and tells what is left of its window, for `RateLimit-*` response headers.
    pub fn hit(&self, key: &str) -> Result<Quota, Exceeded> {
        let now = Instant::now();
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() > SWEEP_ABOVE {
            windows.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = windows.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.limit {
            let left = self.window.saturating_sub(now.duration_since(entry.0));
            return Err(Exceeded {
                retry_after_secs: left.as_secs().max(1),
            });
        }
        entry.1 += 1;
        let left = self.window.saturating_sub(now.duration_since(entry.0));
        Ok(Quota {
            limit: self.limit,
            remaining: self.limit - entry.1,
            reset_secs: left.as_secs().max(1),
        })
    }
}

/// Allowed: what is left of the key's current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the window starts afresh.
    pub reset_secs: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_refused_after_its_limit_within_the_window_and_others_are_not() {
        let limiter = Limiter::new(2, Duration::from_secs(60));
        assert!(limiter.check("a").is_ok() && limiter.check("a").is_ok());
        let refused = limiter.check("a").unwrap_err();
        assert!(refused.retry_after_secs >= 1 && refused.retry_after_secs <= 60);
        assert!(limiter.check("b").is_ok());
    }

    #[test]
    fn a_hit_reports_the_remaining_quota() {
        let limiter = Limiter::new(3, Duration::from_secs(60));
        let quota = limiter.hit("a").unwrap();
        assert_eq!((quota.limit, quota.remaining), (3, 2));
        assert!(quota.reset_secs >= 1 && quota.reset_secs <= 60);
        assert_eq!(limiter.hit("a").unwrap().remaining, 1);
        assert_eq!(limiter.hit("a").unwrap().remaining, 0);
        assert!(limiter.hit("a").is_err());
    }

    #[test]
    fn the_window_resets() {
        let limiter = Limiter::new(1, Duration::from_millis(20));
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_err());
        std::thread::sleep(Duration::from_millis(25));
        assert!(limiter.check("a").is_ok());
    }
}
