//! The clock. Timestamps are UTC and truncated to microseconds, the precision PostgreSQL stores, so that a value
//! written and read back compares equal (cursors depend on it).

use chrono::{DateTime, SubsecRound, Utc};

pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
