//! The HTTP face of acegate: GraphQL over HTTP (content negotiation, status codes, GET for queries only, JSON
//! bodies only), the request limits and rate limits, the layers every response passes through (request id,
//! security headers, CORS, header caps, logs, metrics), the operations endpoints and the accept loop with its
//! connection timeouts.

pub mod graphql;
pub mod layers;
pub mod negotiate;
pub mod ops;
pub mod server;

use std::sync::atomic::{AtomicBool, Ordering};

use crate::metrics::Metrics;

/// Process-wide operational state, shared by the application and by the stand-in router that answers while the
/// database is not ready yet: the metrics, and whether shutdown has begun.
#[derive(Default)]
pub struct Ops {
    pub metrics: Metrics,
    shutting_down: AtomicBool,
}

impl Ops {
    /// From now on readiness fails, so that load balancers stop routing here; requests are still served.
    pub fn begin_shutdown(&self) {
        self.shutting_down.store(true, Ordering::Release);
    }

    pub fn shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::Acquire)
    }
}

/// The request's id (from a well-formed `x-request-id` header, or a fresh UUID), put in the request extensions
/// by [`layers::request_id`].
#[derive(Clone, Debug)]
pub struct RequestId(pub String);
