//! Live updates over a real WebSocket (`graphql-transport-ws`): delivery in order, row-level visibility, the
//! protocol's authentication close codes, and, on PostgreSQL, delivery across two server processes.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest},
};

use crate::{helpers::*, workflow_helpers::*};

pub(crate) type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

pub(crate) const EVENTS: &str = "subscription($id: ID) { opportunityEvents(opportunityId: $id) { status previousStatus opportunity { reference partner { name } } } }";

/// Serves the test application on a real socket and returns its address.
pub(crate) async fn serve(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let router = app.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await.ok() });
    address
}

pub(crate) async fn open(address: &str) -> Socket {
    let mut request = format!("ws://{address}/graphql/ws")
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (socket, response) = connect_async(request).await.expect("websocket connects");
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "graphql-transport-ws"
    );
    socket
}

pub(crate) async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .unwrap();
}

/// The next protocol message, skipping pings; `None` after `wait` without one.
pub(crate) async fn next(socket: &mut Socket, wait: Duration) -> Option<Message> {
    loop {
        match tokio::time::timeout(wait, socket.next()).await {
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            Ok(Some(Ok(message))) => return Some(message),
            _ => return None,
        }
    }
}

pub(crate) async fn subscribe(address: &str, token: &str, record: Option<&Value>) -> Socket {
    let mut socket = open(address).await;
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })).await;
    let ack = next(&mut socket, Duration::from_secs(5))
        .await
        .expect("connection_ack");
    assert_eq!(
        serde_json::from_str::<Value>(ack.to_text().unwrap()).unwrap()["type"],
        "connection_ack"
    );
    let variables = json!({ "id": record.map(|r| r["id"].clone()) });
    send(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": { "query": EVENTS, "variables": variables } })).await;
    // Let the subscription register before events are produced.
    tokio::time::sleep(Duration::from_millis(200)).await;
    socket
}

/// The next event's `(reference, previousStatus, status)`, or `None` if none arrives in time.
pub(crate) async fn event(socket: &mut Socket) -> Option<(String, String, String)> {
    let message = next(socket, Duration::from_secs(5)).await?;
    let value: Value = serde_json::from_str(message.to_text().ok()?).ok()?;
    assert_eq!(value["type"], "next", "{value}");
    let event = &value["payload"]["data"]["opportunityEvents"];
    Some((
        event["opportunity"]["reference"].as_str()?.to_owned(),
        event["previousStatus"].as_str().unwrap_or("").to_owned(),
        event["status"].as_str()?.to_owned(),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filer_receives_its_records_status_changes_in_order_and_other_partners_receive_nothing() {
    let app = TestApp::spawn().await;
    let address = serve(&app).await;
    let reviewer = app.token_for(REVIEWER).await;
    let portfolio = record_by_reference(&app, "O1000015").await;

    let mut filer = subscribe(&address, &app.token_for(PARTNER_ADVANCED).await, None).await;
    let mut one_record = subscribe(
        &address,
        &app.token_for(PARTNER_ADVANCED).await,
        Some(&portfolio),
    )
    .await;
    let mut other_partner = subscribe(&address, &app.token_for(PARTNER_SELECT).await, None).await;

    let in_review = start_review(&app, &reviewer, &portfolio).await;
    ok_record(
        &decide(
            &app,
            &reviewer,
            &in_review,
            json!({ "decision": "APPROVE" }),
        )
        .await,
    );

    let expected = vec![
        (
            "O1000015".to_owned(),
            "SUBMITTED".to_owned(),
            "IN_REVIEW".to_owned(),
        ),
        (
            "O1000015".to_owned(),
            "IN_REVIEW".to_owned(),
            "APPROVED".to_owned(),
        ),
    ];
    for socket in [&mut filer, &mut one_record] {
        assert_eq!(
            vec![event(socket).await.unwrap(), event(socket).await.unwrap()],
            expected
        );
    }
    // The select partner's first event is its own record's, never the other firm's.
    let own = create(
        &app,
        &app.token_for(PARTNER_SELECT).await,
        &NewRecord {
            customer: customer_id(&app, "Cactus").await,
            source: "BUILD_FOR_STARTUPS",
            engagement: "BUILD",
            workload: "Sentinel",
            use_case: "A record of the select partner's own, created after the other firm's decision was announced.",
            lines: json!([{ "service": "LAMBDA", "monthlyUsd": 100 }]),
            requested: 1_000,
        },
    )
    .await;
    let (reference, previous, status) = event(&mut other_partner)
        .await
        .expect("its own record's creation");
    assert_eq!(
        (reference.as_str(), previous.as_str(), status.as_str()),
        (own["reference"].as_str().unwrap(), "", "DRAFT")
    );
}

#[tokio::test]
async fn subscribing_to_a_record_the_viewer_may_not_see_is_not_found() {
    let app = TestApp::spawn().await;
    let address = serve(&app).await;
    let portfolio = record_by_reference(&app, "O1000015").await;
    let mut socket = subscribe(
        &address,
        &app.token_for(PARTNER_SELECT).await,
        Some(&portfolio),
    )
    .await;
    let message = next(&mut socket, Duration::from_secs(5)).await.unwrap();
    let value: Value = serde_json::from_str(message.to_text().unwrap()).unwrap();
    // An execution error, so a `next` carrying `errors` (a validation error would be an `error` message).
    assert_eq!(value["type"], "next", "{value}");
    assert!(value["payload"]["data"].is_null());
    assert_eq!(
        value["payload"]["errors"][0]["extensions"]["code"],
        "NOT_FOUND"
    );
}

pub(crate) fn close_code(message: Option<Message>) -> Option<u16> {
    match message {
        Some(Message::Close(Some(frame))) => Some(frame.code.into()),
        _ => None,
    }
}

#[tokio::test]
async fn the_websocket_closes_with_4403_for_a_bad_credential_and_4401_for_a_subscription_before_the_handshake()
 {
    let app = TestApp::spawn().await;
    let address = serve(&app).await;

    for payload in [
        json!({}),
        json!({ "Authorization": "Bearer not-a-token" }),
        json!({ "Authorization": "ApiKey ak_nope_nope" }),
    ] {
        let mut socket = open(&address).await;
        send(
            &mut socket,
            json!({ "type": "connection_init", "payload": payload }),
        )
        .await;
        assert_eq!(
            close_code(next(&mut socket, Duration::from_secs(5)).await),
            Some(4403),
            "{payload}"
        );
    }

    let mut socket = open(&address).await;
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": EVENTS } }),
    )
    .await;
    assert_eq!(
        close_code(next(&mut socket, Duration::from_secs(5)).await),
        Some(4401)
    );
}

/// Starts the real binary on a database and waits until it is ready; killed when dropped.
struct Server {
    child: std::process::Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_server(database_url: &str) -> Server {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let address = format!("127.0.0.1:{port}");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_acegate"))
        .env("ACEGATE_DATABASE_URL", database_url)
        .env("ACEGATE_LISTEN", &address)
        .env("ACEGATE_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the acegate binary starts");
    // Owned from here on, so that a failed start still kills the process.
    let server = Server { child, address };
    let address = server.address.clone();
    for _ in 0..100 {
        if let Ok(mut stream) = tokio::net::TcpStream::connect(&address).await {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            stream.write_all(b"GET /readyz HTTP/1.0\r\n\r\n").await.ok();
            let mut reply = String::new();
            stream.read_to_string(&mut reply).await.ok();
            if reply.starts_with("HTTP/1.0 200") || reply.starts_with("HTTP/1.1 200") {
                return server;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("acegate did not become ready on {address}");
}

async fn http_graphql(address: &str, token: Option<&str>, query: &str, variables: Value) -> Value {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = json!({ "query": query, "variables": variables }).to_string();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "POST /graphql HTTP/1.0\r\nHost: {address}\r\nContent-Type: application/json\r\nAccept: application/json\r\n{auth}Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await.unwrap();
    let json = reply
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .unwrap_or_default();
    serde_json::from_str(json).unwrap_or_else(|_| panic!("not JSON: {reply}"))
}

async fn sign_in(address: &str, email: &str) -> String {
    let login = "mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }";
    let response = http_graphql(address, None, login, json!({ "e": email, "p": PASSWORD })).await;
    response["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{response}"))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_a_decision_made_through_one_process_is_delivered_by_another() {
    if std::env::var("TEST_DATABASE_URL")
        .map(|u| u.is_empty())
        .unwrap_or(true)
    {
        eprintln!("skipped: needs TEST_DATABASE_URL (two processes share one PostgreSQL database)");
        return;
    }
    let url = fresh_durable_database().await;
    let first = start_server(&url).await;
    let second = start_server(&url).await;

    let partner = sign_in(&second.address, PARTNER_ADVANCED).await;
    let mut watcher = subscribe(&second.address, &partner, None).await;
    let mut outsider = subscribe(
        &second.address,
        &sign_in(&second.address, PARTNER_SELECT).await,
        None,
    )
    .await;

    let reviewer = sign_in(&first.address, REVIEWER).await;
    let found = http_graphql(
        &first.address,
        Some(&reviewer),
        "{ opportunities(first: 1, filter: { search: \"O1000015\" }) { nodes { id version } } }",
        json!({}),
    )
    .await;
    let record = found["data"]["opportunities"]["nodes"][0].clone();
    let started = http_graphql(
        &first.address,
        Some(&reviewer),
        "mutation($i: StartReviewInput!) { startReview(input: $i) { opportunity { status } } }",
        json!({ "i": { "id": record["id"], "expectedVersion": record["version"] } }),
    )
    .await;
    assert_eq!(
        started["data"]["startReview"]["opportunity"]["status"], "IN_REVIEW",
        "{started}"
    );

    assert_eq!(
        event(&mut watcher).await,
        Some(("O1000015".into(), "SUBMITTED".into(), "IN_REVIEW".into()))
    );
    assert_eq!(
        event(&mut outsider).await,
        None,
        "another partner's record is never announced to it"
    );
    drop((first, second));
}
