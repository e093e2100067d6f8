//! GraphQL subscriptions over WebSocket (`graphql-transport-ws`, and the legacy `graphql-ws`) at `/graphql/ws`.
//!
//! The client authenticates in `connection_init` with `{"Authorization": "Bearer <token>"}` (or `ApiKey <key>`).
//! As the protocol asks, a rejected `connection_init` closes with 4403 (its reason text starts with the
//! [`AuthFailure`] reason: `TOKEN_EXPIRED: …`) and a subscription before the handshake with 4401 (async-graphql
//! closes with 1002 and 1011 there, so those frames are rewritten).
//!
//! The connection then lives only as long as its session: the credential is verified again before every event
//! goes out and on a timer (at least every `subscription_recheck`, and at the token's expiry), and the socket
//! closes with 4401 when it no longer verifies, 4403 when it verifies for a changed principal
//! ([`session`]). Each `subscribe` is admitted first ([`operations`]): rate-limited like an HTTP request of the
//! same principal, and capped per connection.

mod operations;
mod session;

use std::sync::{Arc, OnceLock};

use async_graphql::{
    Data,
    http::{ALL_WEBSOCKET_PROTOCOLS, WebSocket as GraphQLWebSocket, WebSocketProtocols, WsMessage},
};
use axum::{
    extract::{
        State, WebSocketUpgrade,
        ws::{CloseFrame, Message, WebSocket},
    },
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use futures_util::{SinkExt, StreamExt, future};
use tokio::{sync::mpsc, time::Instant};

use self::{
    operations::{Admission, Envelope, Operations, starts_operation},
    session::{Ending, Session},
};
use crate::{
    app::AppState,
    auth::AuthFailure,
    graphql::{error_codes::RequestId, loaders::Loaders},
    service,
};

const INIT_REJECTED: &str = "Forbidden";
const HANDSHAKE_INCOMPLETE: &str = "The handshake is not completed.";

pub async fn handler(
    State(state): State<AppState>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let protocol = headers
        .get("sec-websocket-protocol")
        .and_then(|v| v.to_str().ok())
        .and_then(|list| {
            list.split(',')
                .find_map(|p| p.trim().parse::<WebSocketProtocols>().ok())
        });
    let Some(protocol) = protocol else {
        return (
            StatusCode::BAD_REQUEST,
            "use the graphql-transport-ws subprotocol",
        )
            .into_response();
    };
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve(socket, state, protocol, request_id))
}

/// Reads the credential from the `connection_init` payload.
fn authorization(payload: &serde_json::Value) -> Option<String> {
    ["Authorization", "authorization"]
        .iter()
        .find_map(|key| payload.get(key).and_then(|v| v.as_str()))
        .map(str::to_owned)
        .or_else(|| {
            payload
                .get("token")
                .and_then(|v| v.as_str())
                .map(|t| format!("Bearer {t}"))
        })
}

/// How many refusals may wait to be sent before the connection stops reading the client's messages.
const REFUSALS_QUEUED: usize = 16;

async fn serve(
    socket: WebSocket,
    state: AppState,
    protocol: WebSocketProtocols,
    request_id: Option<String>,
) {
    // Errors sent on this connection carry its request id, as HTTP errors carry theirs.
    let connection_id = request_id
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let (mut sink, stream) = socket.split();
    let session: Arc<OnceLock<Session>> = Arc::default();
    let operations = Arc::new(Operations::new(
        protocol,
        state.guard.limits.max_subscriptions_per_connection,
        connection_id.clone(),
    ));
    // Refusals take this side channel to the sink. It is bounded and awaited, so a client that floods refused
    // operations is simply read more slowly.
    let (refusals, mut refused) = mpsc::channel::<Message>(REFUSALS_QUEUED);
    let input = {
        let (session, operations, state) = (session.clone(), operations.clone(), state.clone());
        stream
            .take_while(|message| future::ready(message.is_ok()))
            .filter_map(|message| {
                future::ready(match message {
                    Ok(Message::Text(text)) => Some(text.as_bytes().to_vec()),
                    Ok(Message::Binary(bytes)) => Some(bytes.to_vec()),
                    _ => None,
                })
            })
            .filter_map(move |bytes| {
                let principal = session.get().map(Session::principal);
                let admission = operations.admit(&bytes, principal, &state);
                let refusals = refusals.clone();
                let (session, state) = (session.clone(), state.clone());
                async move {
                    let answer = match admission {
                        // An operation runs as the connection's principal: only while its session still holds (a
                        // query or mutation sent after logout must not run, not only have its answer withheld).
                        Admission::Forward if starts_operation(&bytes) => match session.get() {
                            Some(session) => match session.check(&state).await {
                                Ok(()) => return Some(bytes),
                                Err(ending) => ended(ending),
                            },
                            None => return Some(bytes),
                        },
                        Admission::Forward => return Some(bytes),
                        Admission::Refuse(text) => Message::Text(text.into()),
                        Admission::Close(code, reason) => close(code, reason),
                    };
                    // Fails only once the connection is over.
                    let _ = refusals.send(answer).await;
                    None
                }
            })
    };
    let init_state = state.clone();
    let init_session = session.clone();
    let on_init = move |payload: serde_json::Value| async move {
        // The close reason says why (`TOKEN_EXPIRED: …`), as `extensions.reason` does over HTTP.
        let refused = |failure: AuthFailure| async_graphql::Error::new(failure.close_reason());
        let value =
            authorization(&payload).ok_or_else(|| refused(AuthFailure::AuthenticationRequired))?;
        let signed_in = service::accounts::authenticate(
            &init_state.db,
            &init_state.tokens,
            &init_state.accounts,
            &value,
        )
        .await
        .map_err(|_| async_graphql::Error::new(INIT_REJECTED))?
        .map_err(refused)?;
        let caller = init_state.caller(signed_in.principal, request_id);
        // async-graphql runs this once per connection (a second `connection_init` closes it with 4429).
        let _ = init_session.set(Session::new(value, signed_in));
        let mut data = Data::default();
        data.insert(Loaders::new(&caller));
        data.insert(caller);
        data.insert(RequestId(connection_id));
        Ok(data)
    };
    let outgoing = GraphQLWebSocket::new(state.schema.clone(), input, protocol)
        .on_connection_init(on_init)
        .map(|message| match message {
            WsMessage::Text(text) => Message::Text(text.into()),
            WsMessage::Close(1002, reason)
                if reason == INIT_REJECTED || AuthFailure::from_close_reason(&reason).is_some() =>
            {
                close(4403, &reason)
            }
            WsMessage::Close(1011, reason) if reason == HANDSHAKE_INCOMPLETE => {
                close(4401, "Unauthorized")
            }
            WsMessage::Close(code, reason) => close(code, &reason),
        });
    futures_util::pin_mut!(outgoing);
    let recheck = state.guard.limits.subscription_recheck;
    // When the session is checked next without an event; none before the handshake.
    let mut next_check: Option<Instant> = None;
    loop {
        let message = tokio::select! {
            message = outgoing.next() => match message {
                Some(message) => message,
                None => break,
            },
            Some(refusal) = refused.recv() => refusal,
            () = until(next_check) => {
                let Some(session) = session.get() else {
                    next_check = None;
                    continue;
                };
                match session.check(&state).await {
                    Ok(()) => {
                        next_check = Some(session.next_check(recheck));
                        continue;
                    }
                    Err(ending) => ended(ending),
                }
            },
        };
        let envelope = match &message {
            Message::Text(text) => Envelope::of(text.as_bytes()),
            _ => None,
        };
        let message = match (envelope, session.get()) {
            (Some(Envelope { kind, .. }), Some(session)) if kind == "connection_ack" => {
                next_check = Some(session.next_check(recheck));
                message
            }
            // An event (`data` in the legacy protocol) goes out only while its session holds.
            (Some(Envelope { kind, .. }), Some(session)) if kind == "next" || kind == "data" => {
                match session.check(&state).await {
                    Ok(()) => message,
                    Err(ending) => ended(ending),
                }
            }
            (Some(Envelope { kind, id: Some(id) }), _) if kind == "complete" => {
                operations.completed(&id);
                message
            }
            _ => message,
        };
        let closing = matches!(message, Message::Close(_));
        if sink.send(message).await.is_err() || closing {
            break;
        }
    }
}

/// Resolves at `at`; never without one.
async fn until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => future::pending().await,
    }
}

/// The close frame of a connection whose session ended.
fn ended(ending: Ending) -> Message {
    tracing::info!(
        code = ending.code,
        reason = &*ending.reason,
        "closing a WebSocket: its session no longer holds"
    );
    close(ending.code, &ending.reason)
}

fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.to_owned().into(),
    }))
}
