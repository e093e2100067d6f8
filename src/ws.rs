//! GraphQL subscriptions over WebSocket (`graphql-transport-ws`, and the legacy `graphql-ws`) at `/graphql/ws`.
//!
//! The client authenticates in `connection_init` with `{"Authorization": "Bearer <token>"}` (or `ApiKey <key>`).
//! As the protocol asks, a rejected `connection_init` closes with 4403 and a subscription before the handshake
//! with 4401 (async-graphql closes with 1002 and 1011 there, so those frames are rewritten).

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

use crate::{app::AppState, graphql::loaders::Loaders, service};

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

async fn serve(
    socket: WebSocket,
    state: AppState,
    protocol: WebSocketProtocols,
    request_id: Option<String>,
) {
    let (mut sink, stream) = socket.split();
    let input = stream
        .take_while(|message| future::ready(message.is_ok()))
        .filter_map(|message| {
            future::ready(match message {
                Ok(Message::Text(text)) => Some(text.as_bytes().to_vec()),
                Ok(Message::Binary(bytes)) => Some(bytes.to_vec()),
                _ => None,
            })
        });
    let init_state = state.clone();
    let on_init = move |payload: serde_json::Value| async move {
        let rejected = || async_graphql::Error::new(INIT_REJECTED);
        let value = authorization(&payload).ok_or_else(rejected)?;
        let principal = service::accounts::principal_for_authorization(
            &init_state.db,
            &init_state.tokens,
            &init_state.accounts,
            &value,
        )
        .await
        .map_err(|_| rejected())?
        .ok_or_else(rejected)?;
        let caller = init_state.caller(principal, request_id);
        let mut data = Data::default();
        data.insert(Loaders::new(&caller));
        data.insert(caller);
        Ok(data)
    };
    let outgoing = GraphQLWebSocket::new(state.schema.clone(), input, protocol)
        .on_connection_init(on_init)
        .map(|message| match message {
            WsMessage::Text(text) => Message::Text(text.into()),
            WsMessage::Close(1002, reason) if reason == INIT_REJECTED => close(4403, "Forbidden"),
            WsMessage::Close(1011, reason) if reason == HANDSHAKE_INCOMPLETE => {
                close(4401, "Unauthorized")
            }
            WsMessage::Close(code, reason) => close(code, &reason),
        });
    futures_util::pin_mut!(outgoing);
    while let Some(message) = outgoing.next().await {
        if sink.send(message).await.is_err() {
            break;
        }
    }
}

fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.to_owned().into(),
    }))
}
