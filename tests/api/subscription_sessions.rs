//! A live subscription lives only as long as the session that opened it (logout, a disabled user, a move to another
//! firm, a changed principal, an expired token), and its `subscribe` messages are operations like HTTP requests:
//! rate-limited per principal and capped per connection.

use std::time::Duration;

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::{
    helpers::*,
    subscriptions::{EVENTS, Socket, event, next, open, send, serve, subscribe},
    workflow_helpers::*,
};

/// How the socket closed — `(code, reason)` — or, as the error, what came instead (an event, or nothing in time).
async fn ending(socket: &mut Socket, wait: Duration) -> Result<(u16, String), String> {
    match next(socket, wait).await {
        Some(Message::Close(Some(frame))) => Ok((frame.code.into(), frame.reason.to_string())),
        Some(other) => Err(format!("instead of a close: {other:?}")),
        None => Err("nothing arrived".into()),
    }
}

/// The close reasons of a session that no longer holds: the `extensions.reason` an HTTP request would get, then its
/// message.
const SESSION_ENDED: &str = "SESSION_ENDED: this session has ended; sign in again";
const TOKEN_EXPIRED: &str =
    "TOKEN_EXPIRED: the access token has expired; exchange the refresh token or sign in again";

fn ended(code: u16, reason: &str) -> Result<(u16, String), String> {
    Ok((code, reason.to_owned()))
}

/// The next protocol message as JSON; `Null` when none arrives in time.
async fn message(socket: &mut Socket) -> Value {
    match next(socket, Duration::from_secs(5)).await {
        Some(Message::Text(text)) => serde_json::from_str(&text).unwrap(),
        other => panic!("expected a protocol message, got {other:?}"),
    }
}

/// Opens a connection signed in with `token`, past the handshake, with no subscription yet.
async fn connect(address: &str, token: &str) -> Socket {
    let mut socket = open(address).await;
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })).await;
    assert_eq!(message(&mut socket).await["type"], "connection_ack");
    socket
}

async fn start(socket: &mut Socket, id: &str, record: Option<&Value>) {
    let variables = json!({ "id": record.map(|r| r["id"].clone()) });
    send(
        socket,
        json!({ "id": id, "type": "subscribe", "payload": { "query": EVENTS, "variables": variables } }),
    )
    .await;
}

async fn viewer_id(app: &TestApp, email: &str) -> Value {
    app.query_as(email, "{ viewer { id } }", json!({})).await["viewer"]["id"].clone()
}

async fn update_user(app: &TestApp, input: Value) {
    let admin = app.token_for(ADMIN).await;
    let response = app
        .graphql(
            Some(&admin),
            "mutation($i: UpdateUserInput!) { updateUser(input: $i) { user { id } userErrors { code } } }",
            json!({ "i": input }),
        )
        .await;
    assert_eq!(
        response["data"]["updateUser"]["userErrors"],
        json!([]),
        "{response}"
    );
}

/// A partner watching all its records, and one of those records, still SUBMITTED.
async fn watching_partner(app: &TestApp, address: &str) -> (Socket, String, Value) {
    let token = app.login(PARTNER_ADVANCED).await;
    let socket = subscribe(address, &token, None).await;
    (socket, token, record_by_reference(app, "O1000015").await)
}

/// Makes an event the partner's subscription would announce.
async fn announce(app: &TestApp, record: &Value) {
    start_review(app, &app.token_for(REVIEWER).await, record).await;
}

#[tokio::test]
async fn a_subscription_ends_with_4401_at_logout_and_receives_no_later_event() {
    let app = TestApp::spawn().await;
    let address = serve(&app).await;
    let (mut socket, token, record) = watching_partner(&app, &address).await;

    let logout = app
        .graphql(Some(&token), "mutation { logout }", json!({}))
        .await;
    assert_eq!(logout["data"]["logout"], true, "{logout}");
    announce(&app, &record).await;

    assert_eq!(
        ending(&mut socket, Duration::from_secs(5)).await,
        ended(4401, SESSION_ENDED)
    );
}

#[tokio::test]
async fn a_subscription_ends_with_4401_when_an_admin_disables_its_user() {
    let app = TestApp::spawn().await;
    let address = serve(&app).await;
    let (mut socket, _, record) = watching_partner(&app, &address).await;

    let id = viewer_id(&app, PARTNER_ADVANCED).await;
    update_user(&app, json!({ "id": id, "disabled": true })).await;
    announce(&app, &record).await;

    assert_eq!(
        ending(&mut socket, Duration::from_secs(5)).await,
        ended(4401, SESSION_ENDED)
    );
}

#[tokio::test]
async fn a_subscription_ends_with_4401_when_its_user_moves_to_another_firm() {
    let app = TestApp::spawn().await;
    let address = serve(&app).await;
    let (mut socket, _, record) = watching_partner(&app, &address).await;

    let id = viewer_id(&app, PARTNER_ADVANCED).await;
    let other_firm = app
        .query_as(PARTNER_SELECT, "{ viewer { partner { id } } }", json!({}))
        .await["viewer"]["partner"]["id"]
        .clone();
    // A move ends the user's sessions, so the old token no longer verifies at all.
    update_user(
        &app,
        json!({ "id": id, "role": "PARTNER", "partnerId": other_firm }),
    )
    .await;
    announce(&app, &record).await;

    assert_eq!(
        ending(&mut socket, Duration::from_secs(5)).await,
        ended(4401, SESSION_ENDED)
    );
}

#[tokio::test]
async fn a_subscription_ends_with_4403_when_its_principal_changes_while_its_token_still_verifies() {
    let app = TestApp::spawn().await;
    let address = serve(&app).await;
    let (mut socket, _, record) = watching_partner(&app, &address).await;

    // A change made in the database directly (an operator's fix) revokes no token; the account cache forgets the
    // row all the same.
    app.db()
        .execute_unprepared(&format!(
            "UPDATE users SET partner_id = (SELECT partner_id FROM users WHERE email_normalized = '{PARTNER_SELECT}') \
             WHERE email_normalized = '{PARTNER_ADVANCED}'"
        ))
        .await
        .unwrap();
    announce(&app, &record).await;

    assert_eq!(
        ending(&mut socket, Duration::from_secs(5)).await,
        ended(4403, "principal changed")
    );
}

#[tokio::test]
async fn a_subscription_ends_with_4401_when_its_access_token_expires_without_any_event() {
    let app = TestApp::spawn_with(&[("ACEGATE_ACCESS_TOKEN_TTL_SECONDS", "2")]).await;
    let address = serve(&app).await;
    let (mut socket, _, _) = watching_partner(&app, &address).await;

    assert_eq!(
        ending(&mut socket, Duration::from_secs(5)).await,
        ended(4401, TOKEN_EXPIRED)
    );
}

#[tokio::test]
async fn an_idle_subscription_is_rechecked_on_a_timer_and_delivers_while_its_session_holds() {
    let app = TestApp::spawn_with(&[("ACEGATE_SUBSCRIPTION_RECHECK_SECONDS", "1")]).await;
    let address = serve(&app).await;
    let (mut socket, token, record) = watching_partner(&app, &address).await;

    // Several checks pass while the session holds, and events keep coming.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    announce(&app, &record).await;
    assert_eq!(
        event(&mut socket).await,
        Some(("O1000015".into(), "SUBMITTED".into(), "IN_REVIEW".into()))
    );

    // With no event to trigger a check, the timer notices the logout.
    let logout = app
        .graphql(Some(&token), "mutation { logout }", json!({}))
        .await;
    assert_eq!(logout["data"]["logout"], true, "{logout}");
    assert_eq!(
        ending(&mut socket, Duration::from_secs(3)).await,
        ended(4401, SESSION_ENDED)
    );
}

#[tokio::test]
async fn subscribe_messages_count_against_the_principals_rate_limit_shared_with_http() {
    let app = TestApp::spawn_with(&[("ACEGATE_RATE_LIMIT_PER_PRINCIPAL_PER_MINUTE", "3")]).await;
    let address = serve(&app).await;
    let token = app.login(PARTNER_ADVANCED).await;
    let mut socket = connect(&address, &token).await;

    for id in ["1", "2", "3", "4"] {
        start(&mut socket, id, None).await;
    }
    let refused = message(&mut socket).await;
    assert_eq!(
        (&refused["type"], &refused["id"]),
        (&json!("error"), &json!("4")),
        "{refused}"
    );
    let error = &refused["payload"][0];
    assert_eq!(error["extensions"]["code"], "RATE_LIMITED", "{refused}");
    assert!(error["extensions"]["retryAfter"].as_u64().unwrap() >= 1);

    // The same budget as HTTP: it is spent for this principal's requests too.
    let response = app
        .graphql(Some(&token), "{ viewer { id } }", json!({}))
        .await;
    assert_eq!(error_code(&response), Some("RATE_LIMITED"), "{response}");
}

#[tokio::test]
async fn one_connection_holds_at_most_the_configured_number_of_subscriptions() {
    let app = TestApp::spawn_with(&[("ACEGATE_MAX_SUBSCRIPTIONS_PER_CONNECTION", "2")]).await;
    let address = serve(&app).await;
    let mut socket = connect(&address, &app.login(PARTNER_SELECT).await).await;

    for id in ["1", "2", "3"] {
        start(&mut socket, id, None).await;
    }
    let refused = message(&mut socket).await;
    assert_eq!(
        (&refused["type"], &refused["id"]),
        (&json!("error"), &json!("3")),
        "{refused}"
    );
    assert_eq!(
        refused["payload"][0]["extensions"]["code"], "RATE_LIMITED",
        "{refused}"
    );

    // Completing one frees its place: the next subscription runs (to a NOT_FOUND, for a record it may not see).
    send(&mut socket, json!({ "id": "1", "type": "complete" })).await;
    assert_eq!(
        message(&mut socket).await,
        json!({ "type": "complete", "id": "1" })
    );
    let hidden = record_by_reference(&app, "O1000015").await;
    start(&mut socket, "4", Some(&hidden)).await;
    let admitted = message(&mut socket).await;
    assert_eq!(
        (&admitted["type"], &admitted["id"]),
        (&json!("next"), &json!("4")),
        "{admitted}"
    );
    assert_eq!(
        admitted["payload"]["errors"][0]["extensions"]["code"],
        "NOT_FOUND"
    );
}

#[tokio::test]
async fn a_second_subscription_under_an_open_id_closes_the_connection_with_4409() {
    let app = TestApp::spawn().await;
    let address = serve(&app).await;
    let mut socket = connect(&address, &app.login(PARTNER_SELECT).await).await;

    start(&mut socket, "1", None).await;
    start(&mut socket, "1", None).await;
    assert_eq!(
        ending(&mut socket, Duration::from_secs(5)).await,
        ended(4409, "Subscriber for this id already exists")
    );
}

#[tokio::test]
async fn no_operation_runs_over_a_connection_whose_session_ended() {
    let app = TestApp::spawn().await;
    let address = serve(&app).await;
    let token = app.login(PARTNER_ADVANCED).await;
    let mut socket = connect(&address, &token).await;
    let logout = app
        .graphql(Some(&token), "mutation { logout }", json!({}))
        .await;
    assert_eq!(logout["data"]["logout"], true, "{logout}");

    // A mutation sent over the socket would run as the connection's principal: it is not run at all (not merely
    // answered with a closed socket).
    send(
        &mut socket,
        json!({ "id": "m", "type": "subscribe", "payload": { "query": r#"mutation { createCustomer(input: {
            legalName: "Ghost Session Ltd", website: "https://ghost.example.com", awsAccountId: "320000000001",
            country: "GB", incorporated: true, fundingStage: SEED, engineerCount: 3, monthsOnAws: 2,
            monthlyAwsSpendUsd: 900, marketplaceSpendShare: 0, competesWithAws: false }) { customer { id } } }"# } }),
    )
    .await;
    assert_eq!(
        ending(&mut socket, Duration::from_secs(5)).await,
        ended(4401, SESSION_ENDED)
    );
    let created = app
        .query_as(
            ADMIN,
            "{ customers(filter: { search: \"Ghost Session\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(created["customers"]["totalCount"], 0, "{created}");
}
