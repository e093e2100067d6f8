//! Why a credential is refused: `extensions.reason` next to `code: "UNAUTHENTICATED"` on HTTP refusals and
//! resolver errors, and the same reason at the start of a WebSocket close reason. A reason tells what is wrong with
//! the credential presented and nothing about the account: every failed sign-in reads the same, byte for byte.

use std::time::Duration;

use axum::http::{StatusCode, header};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::{
    credentials::{create_key, refresh, session, sql},
    helpers::*,
    http_helpers::{Reply, body, post, send},
    subscriptions::{next, open, send as send_ws, serve},
};

const VIEWER: &str = "{ viewer { id } }";
const LOGIN: &str = "mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken refreshToken } }";
const REVOKE_KEY: &str =
    "mutation($id: ID!) { revokeApiKey(input: { id: $id }) { userErrors { code } } }";

/// The signing secret, key id, issuer and audience of a development (test) deployment.
const DEVELOPMENT_SECRET: &str = "acegate-development-secret-do-not-use-in-production";

/// An access token signed like the deployment's own, with `exp` an hour ago (well past the 30 s of tolerated
/// skew), or signed with another secret when `secret` says so.
fn expired_token(secret: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let exp = now - 3600;
    let claims = json!({
        "sub": "1", "iss": "acegate", "aud": "acegate-api", "exp": exp, "nbf": exp - 900, "iat": exp - 900,
        "ims": (exp - 900) * 1000, "typ": "access",
    });
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some("k1".into());
    jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

/// `{ viewer { id } }` with this `Authorization` value, answered as `application/graphql-response+json` (so that a
/// refusal has its 401 and `WWW-Authenticate`).
async fn with_authorization(app: &TestApp, authorization: &str) -> Reply {
    let request = post()
        .header(header::ACCEPT, "application/graphql-response+json")
        .header(header::AUTHORIZATION, authorization)
        .body(body(VIEWER, json!({})))
        .unwrap();
    send(app, request).await
}

fn message(reply: &Reply) -> &str {
    reply.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
}

fn reason(response: &Value) -> Option<&str> {
    response["errors"][0]["extensions"]["reason"].as_str()
}

/// A refusal before anything ran: `UNAUTHENTICATED` with `reason`, 401, no `data`, and the bearer challenge.
#[track_caller]
fn assert_refused(reply: &Reply, expected: &str, challenge: &str) {
    let context = format!("{expected}: {}", reply.text);
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{context}");
    assert_eq!(reply.code(), Some("UNAUTHENTICATED"), "{context}");
    assert_eq!(reason(&reply.body), Some(expected), "{context}");
    assert!(reply.body.get("data").is_none(), "{context}");
    assert_eq!(
        reply.header("www-authenticate"),
        Some(challenge),
        "{context}"
    );
}

const INVALID_TOKEN: &str = "Bearer error=\"invalid_token\"";

#[tokio::test]
async fn an_expired_access_token_is_told_apart_from_an_invalid_one() {
    let app = TestApp::spawn().await;
    let (access, refresh_token) = session(&app, ANALYST).await;

    let expired = with_authorization(
        &app,
        &format!("Bearer {}", expired_token(DEVELOPMENT_SECRET)),
    )
    .await;
    assert_refused(&expired, "TOKEN_EXPIRED", INVALID_TOKEN);
    assert!(message(&expired).contains("expired"), "{}", expired.text);

    // Signature first: an expired token signed by anyone else is not "expired", it is not ours.
    let tampered = format!("{}x", &access[..access.len() - 1]);
    let foreign_expired = expired_token("an-entirely-different-secret-0123456789");
    for token in [
        foreign_expired.as_str(),
        tampered.as_str(),
        "not-a-jwt",
        "",
        // A refresh token is not an access token.
        refresh_token.as_str(),
    ] {
        let reply = with_authorization(&app, &format!("Bearer {token}")).await;
        assert_refused(&reply, "TOKEN_INVALID", INVALID_TOKEN);
    }

    // With `application/json` the refusal is a 200 carrying the same code and reason.
    let response = app
        .graphql(Some(&expired_token(DEVELOPMENT_SECRET)), VIEWER, json!({}))
        .await;
    assert_eq!(error_code(&response), Some("UNAUTHENTICATED"));
    assert_eq!(reason(&response), Some("TOKEN_EXPIRED"));
}

#[tokio::test]
async fn a_credential_sent_with_the_wrong_scheme_is_wrong_scheme() {
    let app = TestApp::spawn().await;
    let access = app.token_for(VC_PORTFOLIO).await;
    let key = create_key(&app, &access, json!({ "name": "back office" })).await;
    let secret = key["secret"].as_str().unwrap();
    for authorization in [
        format!("Bearer {secret}"),
        format!("ApiKey {access}"),
        "Basic dXNlcjpwYXNzd29yZA==".to_owned(),
        format!("Token {access}"),
        // The token without any scheme.
        access.clone(),
    ] {
        let reply = with_authorization(&app, &authorization).await;
        assert_refused(&reply, "WRONG_SCHEME", "Bearer");
        assert!(
            message(&reply).contains("Authorization: Bearer"),
            "{}",
            reply.text
        );
    }
    // The key works with its own scheme, and the token with its own.
    let reply = with_authorization(&app, &format!("ApiKey {secret}")).await;
    assert!(
        reply.body["data"]["viewer"]["id"].is_string(),
        "{}",
        reply.text
    );
    let reply = with_authorization(&app, &format!("Bearer {access}")).await;
    assert!(
        reply.body["data"]["viewer"]["id"].is_string(),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn an_api_key_is_revoked_or_expired_only_to_whoever_holds_its_whole_secret() {
    let app = TestApp::spawn().await;
    let access = app.token_for(VC_PORTFOLIO).await;
    let revoked = create_key(&app, &access, json!({ "name": "revoked" })).await;
    let expiring = create_key(
        &app,
        &access,
        json!({ "name": "expiring", "expiresAt": "2099-01-01T00:00:00Z" }),
    )
    .await;
    let secret = |key: &Value| key["secret"].as_str().unwrap().to_owned();
    let wrong = |key: &Value| {
        let secret = secret(key);
        format!(
            "{}{}",
            &secret[..secret.len() - 1],
            if secret.ends_with('A') { 'B' } else { 'A' }
        )
    };

    for authorization in [
        format!("ApiKey {}", wrong(&revoked)),
        format!("ApiKey ak_{}_nope", "unknownprefx"),
        "ApiKey not-a-key".to_owned(),
        "ApiKey".to_owned(),
    ] {
        let reply = with_authorization(&app, &authorization).await;
        assert_refused(&reply, "API_KEY_INVALID", "Bearer");
    }

    revoke_key(&app, &access, &revoked).await;
    sql(
        &app,
        "UPDATE api_keys SET expires_at = created_at WHERE name = 'expiring'",
    )
    .await;

    let reply = with_authorization(&app, &format!("ApiKey {}", secret(&revoked))).await;
    assert_refused(&reply, "API_KEY_REVOKED", "Bearer");
    let reply = with_authorization(&app, &format!("ApiKey {}", secret(&expiring))).await;
    assert_refused(&reply, "API_KEY_EXPIRED", "Bearer");
    // Without the whole secret, a revoked or expired key is just not a key.
    for key in [&revoked, &expiring] {
        let reply = with_authorization(&app, &format!("ApiKey {}", wrong(key))).await;
        assert_refused(&reply, "API_KEY_INVALID", "Bearer");
    }
}

#[tokio::test]
async fn a_session_that_ended_says_so_whatever_ended_it() {
    let app = TestApp::spawn().await;
    // Where accounts are kept (PostgreSQL), the first requests are answered from memory until the change.
    app.keeps_accounts().await;
    let (access, refresh_token) = session(&app, REVIEWER).await;
    let (disabled_access, _) = session(&app, PARTNER_SELECT).await;
    for token in [&access, &disabled_access] {
        assert!(app.graphql(Some(token), VIEWER, json!({})).await["data"]["viewer"].is_object());
    }

    let response = app
        .graphql(Some(&access), "mutation { logout }", json!({}))
        .await;
    assert_eq!(response["data"]["logout"], true, "{response}");
    let admin = app.token_for(ADMIN).await;
    let id = app.query_as(PARTNER_SELECT, VIEWER, json!({})).await["viewer"]["id"].clone();
    let response = app
        .graphql(
            Some(&admin),
            "mutation($i: UpdateUserInput!) { updateUser(input: $i) { userErrors { code } } }",
            json!({ "i": { "id": id, "disabled": true } }),
        )
        .await;
    assert_eq!(
        response["data"]["updateUser"]["userErrors"],
        json!([]),
        "{response}"
    );

    // Logged out and disabled read the same: the session is over, nothing more.
    let logged_out = with_authorization(&app, &format!("Bearer {access}")).await;
    assert_refused(&logged_out, "SESSION_ENDED", INVALID_TOKEN);
    let disabled = with_authorization(&app, &format!("Bearer {disabled_access}")).await;
    assert_refused(&disabled, "SESSION_ENDED", INVALID_TOKEN);
    assert_eq!(
        without_request_id(&logged_out.body),
        without_request_id(&disabled.body)
    );

    // The refresh token of the ended sign-in was revoked, never used: its session ended too.
    let response = refresh(&app, &refresh_token).await;
    assert_eq!(error_code(&response), Some("UNAUTHENTICATED"));
    assert_eq!(reason(&response), Some("SESSION_ENDED"), "{response}");
}

#[tokio::test]
async fn refresh_tokens_say_whether_they_are_unknown_reused_or_past_their_sign_in() {
    let app = TestApp::spawn().await;
    let response = refresh(&app, "rt_not-a-token").await;
    assert_eq!(error_code(&response), Some("UNAUTHENTICATED"));
    assert_eq!(
        reason(&response),
        Some("REFRESH_TOKEN_INVALID"),
        "{response}"
    );
    assert!(response["data"].is_null());

    let (_, first) = session(&app, PARTNER_SELECT).await;
    let rotated = refresh(&app, &first).await;
    let second = rotated["data"]["refreshToken"]["refreshToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{rotated}"))
        .to_owned();
    let reused = refresh(&app, &first).await;
    assert_eq!(error_code(&reused), Some("UNAUTHENTICATED"));
    assert_eq!(reason(&reused), Some("REFRESH_TOKEN_REUSED"), "{reused}");
    // The reuse ended the whole sign-in: the newer token of it was revoked, not used.
    let response = refresh(&app, &second).await;
    assert_eq!(reason(&response), Some("SESSION_ENDED"), "{response}");

    let (_, old) = session(&app, ANALYST).await;
    sql(
        &app,
        "UPDATE refresh_tokens SET family_expires_at = created_at",
    )
    .await;
    let response = refresh(&app, &old).await;
    assert_eq!(
        reason(&response),
        Some("REFRESH_TOKEN_INVALID"),
        "{response}"
    );
}

#[tokio::test]
async fn every_refused_sign_in_reads_the_same_byte_for_byte() {
    let app = TestApp::spawn().await;
    // Each refused for another cause: in back-off, locked and disabled with the right password.
    sql(
        &app,
        &format!(
            "UPDATE users SET failed_login_count = 20, last_failed_login_at = CURRENT_TIMESTAMP \
             WHERE email_normalized = '{REVIEWER}'"
        ),
    )
    .await;
    sql(
        &app,
        &format!(
            "UPDATE users SET locked_at = CURRENT_TIMESTAMP WHERE email_normalized = '{ANALYST}'"
        ),
    )
    .await;
    sql(&app, &format!("UPDATE users SET disabled_at = CURRENT_TIMESTAMP WHERE email_normalized = '{PARTNER_SELECT}'")).await;

    let mut replies = Vec::new();
    for (email, password) in [
        ("nobody@example.com", "not-the-password"),
        (ADMIN, "not-the-password"),
        (REVIEWER, PASSWORD),
        (ANALYST, PASSWORD),
        (PARTNER_SELECT, PASSWORD),
    ] {
        let request = post()
            .body(body(LOGIN, json!({ "e": email, "p": password })))
            .unwrap();
        let reply = send(&app, request).await;
        assert_eq!(
            reply.code(),
            Some("UNAUTHENTICATED"),
            "{email}: {}",
            reply.text
        );
        assert_eq!(reason(&reply.body), Some("INVALID_CREDENTIALS"), "{email}");
        let request_id = reply.body["errors"][0]["extensions"]["requestId"]
            .as_str()
            .unwrap()
            .to_owned();
        replies.push((email, reply.status, reply.text.replace(&request_id, "…")));
    }
    let (_, status, text) = &replies[0];
    for (email, other_status, other_text) in &replies[1..] {
        assert_eq!((other_status, other_text), (status, text), "{email}");
    }
}

#[tokio::test]
async fn a_field_that_needs_a_caller_asks_for_authentication() {
    let app = TestApp::spawn().await;
    let response = app
        .graphql(None, "{ opportunities { totalCount } }", json!({}))
        .await;
    assert_eq!(error_code(&response), Some("UNAUTHENTICATED"));
    assert_eq!(
        reason(&response),
        Some("AUTHENTICATION_REQUIRED"),
        "{response}"
    );
    assert_eq!(response["errors"][0]["message"], "authentication required");
}

/// How the socket closed, `(code, reason)`; panics if something else (or nothing) came.
async fn closed(socket: &mut crate::subscriptions::Socket, wait: Duration) -> (u16, String) {
    match next(socket, wait).await {
        Some(Message::Close(Some(frame))) => (frame.code.into(), frame.reason.to_string()),
        other => panic!("expected a close frame, got {other:?}"),
    }
}

#[tokio::test]
async fn a_websocket_closes_with_the_reason_its_credential_was_refused() {
    let app = TestApp::spawn_with(&[("ACEGATE_SUBSCRIPTION_RECHECK_SECONDS", "1")]).await;
    let address = serve(&app).await;
    for (payload, expected) in [
        (json!({}), "AUTHENTICATION_REQUIRED"),
        (
            json!({ "Authorization": format!("Bearer {}", expired_token(DEVELOPMENT_SECRET)) }),
            "TOKEN_EXPIRED",
        ),
        (
            json!({ "Authorization": "Bearer not-a-token" }),
            "TOKEN_INVALID",
        ),
        (
            json!({ "Authorization": "Basic dXNlcjpwYXNzd29yZA==" }),
            "WRONG_SCHEME",
        ),
        (
            json!({ "Authorization": "ApiKey ak_nope_nope" }),
            "API_KEY_INVALID",
        ),
    ] {
        let mut socket = open(&address).await;
        send_ws(
            &mut socket,
            json!({ "type": "connection_init", "payload": payload }),
        )
        .await;
        let (code, text) = closed(&mut socket, Duration::from_secs(5)).await;
        assert_eq!(code, 4403, "{payload}");
        assert!(
            text.starts_with(&format!("{expected}: ")),
            "{payload}: {text}"
        );
    }

    // A key revoked while its connection is open ends the connection, and the close says so.
    let access = app.token_for(VC_PORTFOLIO).await;
    let key = create_key(&app, &access, json!({ "name": "live feed" })).await;
    let mut socket = open(&address).await;
    send_ws(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "Authorization": format!("ApiKey {}", key["secret"].as_str().unwrap()) } }),
    )
    .await;
    match next(&mut socket, Duration::from_secs(5)).await {
        Some(Message::Text(text)) => assert!(text.contains("connection_ack"), "{text}"),
        other => panic!("expected connection_ack, got {other:?}"),
    }
    revoke_key(&app, &access, &key).await;
    let (code, text) = closed(&mut socket, Duration::from_secs(5)).await;
    assert_eq!(code, 4401);
    assert!(text.starts_with("API_KEY_REVOKED: "), "{text}");
}

/// Revokes an API key as its owner.
async fn revoke_key(app: &TestApp, access: &str, key: &Value) {
    let response = app
        .graphql(
            Some(access),
            REVOKE_KEY,
            json!({ "id": key["apiKey"]["id"] }),
        )
        .await;
    assert_eq!(
        response["data"]["revokeApiKey"]["userErrors"],
        json!([]),
        "{response}"
    );
}

fn without_request_id(body: &Value) -> Value {
    let mut body = body.clone();
    if let Some(extensions) = body["errors"][0]["extensions"].as_object_mut() {
        extensions.remove("requestId");
    }
    body
}
