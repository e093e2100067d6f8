//! Process metrics, exposed at `/metrics` in the Prometheus text format (version 0.0.4). Hand-written: a few
//! counters and one histogram do not justify a metrics framework.

use std::{
    collections::BTreeMap,
    fmt::Write,
    sync::{
        Mutex,
        atomic::{AtomicI64, AtomicU64, Ordering},
    },
    time::Duration,
};

/// Upper bounds (seconds) of the GraphQL latency histogram's buckets.
const LATENCY_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// Distinct operation names kept as labels; the rest are counted as `other`, so that clients cannot grow the
/// exposition without bound.
const MAX_OPERATION_LABELS: usize = 200;
const MAX_OPERATION_NAME_CHARS: usize = 64;

/// How a GraphQL request ended, as a metric label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Executed without errors.
    Ok,
    /// Executed; the response carries errors (e.g. `NOT_FOUND`, `FORBIDDEN`).
    Error,
    /// Refused before execution: parse or validation errors, limits, the anonymous gate.
    Rejected,
    Timeout,
    RateLimited,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Error => "error",
            Outcome::Rejected => "rejected",
            Outcome::Timeout => "timeout",
            Outcome::RateLimited => "rate_limited",
        }
    }
}

/// Which limiter refused a request.
#[derive(Clone, Copy, Debug)]
pub enum RateLimitScope {
    Principal,
    AnonymousIp,
}

#[derive(Default)]
struct Histogram {
    buckets: [u64; LATENCY_BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, Outcome), u64>>,
    latency: Mutex<Histogram>,
    responses: Mutex<BTreeMap<u16, u64>>,
    rate_limited_principal: AtomicU64,
    rate_limited_ip: AtomicU64,
    in_flight: AtomicI64,
}

/// Figures read at scrape time from elsewhere (the database layer, the pool, the lifecycle).
pub struct Snapshot {
    pub db_statements: u64,
    pub db_failed_statements: u64,
    /// `(open, idle)` connections of the pool, when the pool is up.
    pub pool: Option<(u32, usize)>,
    pub pool_max: u32,
    pub ready: bool,
}

impl Metrics {
    /// Counts one GraphQL request by operation name and outcome. The name is `anonymous` for an operation without
    /// one, and `unknown` (`None`) when the request was refused before its document was read.
    pub fn record_graphql(&self, operation: Option<&str>, outcome: Outcome, elapsed: Duration) {
        let name = match operation {
            None => "unknown",
            Some(name) if name.chars().count() <= MAX_OPERATION_NAME_CHARS => name,
            Some(_) => "other",
        };
        {
            let mut requests = lock(&self.requests);
            let key = (name.to_owned(), outcome);
            let known = requests.keys().any(|(n, _)| n == name);
            let distinct = || {
                let mut names: Vec<&String> = requests.keys().map(|(n, _)| n).collect();
                names.dedup();
                names.len()
            };
            let key = if known || distinct() < MAX_OPERATION_LABELS {
                key
            } else {
                ("other".to_owned(), outcome)
            };
            *requests.entry(key).or_default() += 1;
        }
        let seconds = elapsed.as_secs_f64();
        let mut latency = lock(&self.latency);
        for (bucket, bound) in latency.buckets.iter_mut().zip(LATENCY_BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        latency.count += 1;
        latency.sum += seconds;
    }

    pub fn record_response(&self, status: u16) {
        *lock(&self.responses).entry(status).or_default() += 1;
    }

    pub fn record_rate_limited(&self, scope: RateLimitScope) {
        match scope {
            RateLimitScope::Principal => &self.rate_limited_principal,
            RateLimitScope::AnonymousIp => &self.rate_limited_ip,
        }
        .fetch_add(1, Ordering::Relaxed);
    }

    pub fn request_started(&self) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
    }

    pub fn request_finished(&self) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
    }

    /// The whole exposition.
    pub fn render(&self, snapshot: &Snapshot) -> String {
        let mut out = String::with_capacity(4096);
        header(
            &mut out,
            "acegate_graphql_requests_total",
            "counter",
            "GraphQL requests by operation name and outcome.",
        );
        for ((operation, outcome), count) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "acegate_graphql_requests_total{{operation=\"{}\",outcome=\"{}\"}} {count}",
                escape(operation),
                outcome.label()
            );
        }
        header(
            &mut out,
            "acegate_graphql_request_duration_seconds",
            "histogram",
            "Time to answer a GraphQL request, from its arrival to its response.",
        );
        {
            let latency = lock(&self.latency);
            for (count, bound) in latency.buckets.iter().zip(LATENCY_BUCKETS) {
                let _ = writeln!(
                    out,
                    "acegate_graphql_request_duration_seconds_bucket{{le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "acegate_graphql_request_duration_seconds_bucket{{le=\"+Inf\"}} {}",
                latency.count
            );
            let _ = writeln!(
                out,
                "acegate_graphql_request_duration_seconds_sum {}",
                latency.sum
            );
            let _ = writeln!(
                out,
                "acegate_graphql_request_duration_seconds_count {}",
                latency.count
            );
        }
        header(
            &mut out,
            "acegate_http_responses_total",
            "counter",
            "HTTP responses by status code, all routes.",
        );
        for (status, count) in lock(&self.responses).iter() {
            let _ = writeln!(
                out,
                "acegate_http_responses_total{{status=\"{status}\"}} {count}"
            );
        }
        header(
            &mut out,
            "acegate_http_requests_in_flight",
            "gauge",
            "HTTP requests being served.",
        );
        let _ = writeln!(
            out,
            "acegate_http_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        header(
            &mut out,
            "acegate_rate_limited_total",
            "counter",
            "Requests refused with 429 by the rate limits, by limiter.",
        );
        let _ = writeln!(
            out,
            "acegate_rate_limited_total{{scope=\"principal\"}} {}",
            self.rate_limited_principal.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "acegate_rate_limited_total{{scope=\"anonymous_ip\"}} {}",
            self.rate_limited_ip.load(Ordering::Relaxed)
        );
        header(
            &mut out,
            "acegate_db_statements_total",
            "counter",
            "SQL statements sent to the database.",
        );
        let _ = writeln!(
            out,
            "acegate_db_statements_total {}",
            snapshot.db_statements
        );
        header(
            &mut out,
            "acegate_db_statement_failures_total",
            "counter",
            "SQL statements that failed.",
        );
        let _ = writeln!(
            out,
            "acegate_db_statement_failures_total {}",
            snapshot.db_failed_statements
        );
        header(
            &mut out,
            "acegate_db_pool_connections",
            "gauge",
            "Database pool connections by state (open, idle, max).",
        );
        if let Some((open, idle)) = snapshot.pool {
            let _ = writeln!(out, "acegate_db_pool_connections{{state=\"open\"}} {open}");
            let _ = writeln!(out, "acegate_db_pool_connections{{state=\"idle\"}} {idle}");
        }
        let _ = writeln!(
            out,
            "acegate_db_pool_connections{{state=\"max\"}} {}",
            snapshot.pool_max
        );
        header(
            &mut out,
            "acegate_ready",
            "gauge",
            "1 when the process accepts traffic (database reachable, migrations applied, not shutting down).",
        );
        let _ = writeln!(out, "acegate_ready {}", u8::from(snapshot.ready));
        out
    }
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// Escapes a label value (backslash, double quote, newline), as the text format requires.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Snapshot {
        Snapshot {
            db_statements: 7,
            db_failed_statements: 1,
            pool: Some((2, 1)),
            pool_max: 16,
            ready: true,
        }
    }

    #[test]
    fn requests_are_counted_by_operation_and_outcome_with_a_latency_histogram() {
        let metrics = Metrics::default();
        metrics.record_graphql(Some("Pipeline"), Outcome::Ok, Duration::from_millis(20));
        metrics.record_graphql(Some("Pipeline"), Outcome::Ok, Duration::from_millis(200));
        metrics.record_graphql(
            Some("anonymous"),
            Outcome::Rejected,
            Duration::from_millis(1),
        );
        metrics.record_graphql(None, Outcome::RateLimited, Duration::from_millis(1));
        let text = metrics.render(&snapshot());
        assert!(
            text.contains(r#"acegate_graphql_requests_total{operation="Pipeline",outcome="ok"} 2"#)
        );
        assert!(text.contains(
            r#"acegate_graphql_requests_total{operation="anonymous",outcome="rejected"} 1"#
        ));
        assert!(text.contains(r#"acegate_graphql_request_duration_seconds_bucket{le="0.025"} 3"#));
        assert!(text.contains(
            r#"acegate_graphql_requests_total{operation="unknown",outcome="rate_limited"} 1"#
        ));
        assert!(text.contains(r#"acegate_graphql_request_duration_seconds_bucket{le="+Inf"} 4"#));
        assert!(text.contains("acegate_db_statements_total 7"));
        assert!(text.contains(r#"acegate_db_pool_connections{state="idle"} 1"#));
    }

    #[test]
    fn operation_labels_are_bounded() {
        let metrics = Metrics::default();
        for i in 0..(MAX_OPERATION_LABELS + 50) {
            metrics.record_graphql(Some(&format!("Op{i}")), Outcome::Ok, Duration::ZERO);
        }
        let text = metrics.render(&snapshot());
        let series = text
            .lines()
            .filter(|l| l.starts_with("acegate_graphql_requests_total{"))
            .count();
        assert_eq!(series, MAX_OPERATION_LABELS + 1);
        assert!(text.contains(r#"operation="other",outcome="ok"} 50"#));
    }
}
