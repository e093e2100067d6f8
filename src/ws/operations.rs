//! The operations a client starts on a connection, admitted before async-graphql sees them. Every `subscribe`
//! counts against its principal's rate limit, the same budget as its HTTP requests; a connection holds at most
//! `max_subscriptions_per_connection` at once; and, as `graphql-transport-ws` asks, an id already in use closes
//! the connection with 4409 (async-graphql would silently replace the first subscription).
//!
//! A refused operation gets an `error` message for its id with `extensions.code = RATE_LIMITED`: clients fail that
//! one operation and keep the connection and its other subscriptions (a close would end them all and make clients
//! reconnect at once).

use std::{collections::HashSet, sync::Mutex};

use async_graphql::http::WebSocketProtocols;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    app::AppState, auth::Principal, error::AppError, metrics::RateLimitScope, ratelimit::Exceeded,
};

/// The part of a protocol message that says what it is and which operation it belongs to.
#[derive(Deserialize)]
pub struct Envelope {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Option<String>,
}

impl Envelope {
    /// `None` for anything that is not a protocol message; async-graphql answers those itself.
    pub fn of(message: &[u8]) -> Option<Self> {
        serde_json::from_slice(message).ok()
    }
}

/// What becomes of a client message.
pub enum Admission {
    /// Handed on to async-graphql.
    Forward,
    /// Answered here instead, with this protocol message.
    Refuse(String),
    /// The connection closes, with this code and reason.
    Close(u16, &'static str),
}

pub struct Operations {
    protocol: WebSocketProtocols,
    max_open: usize,
    /// Ids of the subscriptions async-graphql runs; an id leaves when its `complete` goes out.
    open: Mutex<HashSet<String>>,
    /// The connection's request id, which every refusal carries.
    request_id: String,
}

impl Operations {
    pub fn new(protocol: WebSocketProtocols, max_open: usize, request_id: String) -> Self {
        Self {
            protocol,
            max_open,
            open: Mutex::new(HashSet::new()),
            request_id,
        }
    }

    /// Decides on a client message. Before the handshake there is no principal yet, and async-graphql refuses a
    /// subscription itself.
    pub fn admit(
        &self,
        message: &[u8],
        principal: Option<Principal>,
        state: &AppState,
    ) -> Admission {
        let (Some(principal), Some(envelope)) = (principal, Envelope::of(message)) else {
            return Admission::Forward;
        };
        let Some(id) = envelope.id.filter(|_| is_start(&envelope.kind)) else {
            return Admission::Forward;
        };
        if let Err(Exceeded { retry_after_secs }) = state.guard.hit_principal(principal.user_id) {
            state
                .ops
                .metrics
                .record_rate_limited(RateLimitScope::Principal);
            let message = AppError::RateLimited { retry_after_secs }.message();
            return Admission::Refuse(self.error(
                &id,
                message,
                json!({ "code": "RATE_LIMITED", "retryAfter": retry_after_secs }),
            ));
        }
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if open.contains(&id) {
            return match self.protocol {
                WebSocketProtocols::GraphQLWS => {
                    Admission::Close(4409, "Subscriber for this id already exists")
                }
                // The legacy protocol has no such rule: the new subscription replaces the old one.
                WebSocketProtocols::SubscriptionsTransportWS => Admission::Forward,
            };
        }
        if open.len() >= self.max_open {
            let message = format!(
                "too many subscriptions on this connection (at most {}): complete one first",
                self.max_open
            );
            return Admission::Refuse(self.error(&id, message, json!({ "code": "RATE_LIMITED" })));
        }
        open.insert(id);
        Admission::Forward
    }

    /// Notes that an operation ended (its `complete` went out), freeing its id and its place.
    pub fn completed(&self, id: &str) {
        self.open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
    }

    /// An `error` message for one operation, in the connection's protocol: `graphql-transport-ws` carries a list
    /// of errors, the legacy protocol one error.
    fn error(&self, id: &str, message: String, mut extensions: Value) -> String {
        extensions["requestId"] = self.request_id.clone().into();
        let error = json!({ "message": message, "extensions": extensions });
        let payload = match self.protocol {
            WebSocketProtocols::GraphQLWS => json!([error]),
            WebSocketProtocols::SubscriptionsTransportWS => error,
        };
        json!({ "id": id, "type": "error", "payload": payload }).to_string()
    }
}

/// Whether a client message starts an operation (`subscribe`, or the legacy `start`).
pub fn starts_operation(message: &[u8]) -> bool {
    Envelope::of(message).is_some_and(|envelope| is_start(&envelope.kind))
}

/// `subscribe` in `graphql-transport-ws`, `start` in the legacy protocol (async-graphql takes either in both).
fn is_start(kind: &str) -> bool {
    kind == "subscribe" || kind == "start"
}
