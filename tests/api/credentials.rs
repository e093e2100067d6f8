//! Accounts and credentials: refresh-token rotation and reuse detection, logout, disabling, API keys, back-off and
//! lock, key rotation, revocations that survive a restart, and the accounts kept in memory (forgotten on every
//! change, by every replica; never trusted without the trigger).

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::helpers::*;

const LOGIN: &str = "mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken refreshToken expiresAt } }";
const REFRESH: &str = "mutation($t: String!) { refreshToken(input: { refreshToken: $t }) { accessToken refreshToken } }";
const VIEWER: &str = "{ viewer { email role } }";

pub(crate) async fn session(app: &TestApp, email: &str) -> (String, String) {
    let response = app
        .graphql(None, LOGIN, json!({ "e": email, "p": PASSWORD }))
        .await;
    let login = &response["data"]["login"];
    (
        login["accessToken"].as_str().unwrap().to_owned(),
        login["refreshToken"].as_str().unwrap().to_owned(),
    )
}

pub(crate) async fn refresh(app: &TestApp, token: &str) -> Value {
    app.graphql(None, REFRESH, json!({ "t": token })).await
}

async fn viewer_ok(app: &TestApp, authorization: Option<&str>) -> bool {
    app.graphql(authorization, VIEWER, json!({})).await["data"]["viewer"]["email"].is_string()
}

pub(crate) async fn sql(app: &TestApp, statement: &str) {
    let db = app.db();
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        statement.to_owned(),
    ))
    .await
    .unwrap();
}

async fn login_code(app: &TestApp, email: &str, password: &str) -> Option<String> {
    let response = app
        .graphql(None, LOGIN, json!({ "e": email, "p": password }))
        .await;
    error_code(&response).map(str::to_owned)
}

#[tokio::test]
async fn a_refresh_token_rotates_into_a_new_pair_and_cannot_be_used_twice() {
    let app = TestApp::spawn().await;
    // Where accounts are kept (PostgreSQL), the requests below are answered from memory until the change.
    app.keeps_accounts().await;
    let (_, first) = session(&app, PARTNER_SELECT).await;
    let rotated = refresh(&app, &first).await;
    let second = rotated["data"]["refreshToken"]["refreshToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let access = rotated["data"]["refreshToken"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(first, second);
    assert!(viewer_ok(&app, Some(&access)).await);

    // Reusing the rotated token is theft: refused, and the whole family (the newer token too) is revoked.
    assert_eq!(
        error_code(&refresh(&app, &first).await),
        Some("UNAUTHENTICATED")
    );
    assert_eq!(
        error_code(&refresh(&app, &second).await),
        Some("UNAUTHENTICATED")
    );
    assert!(
        !viewer_ok(&app, Some(&access)).await,
        "the family's access tokens end too"
    );
    // Another sign-in is another family and still works.
    let (_, other) = session(&app, PARTNER_SELECT).await;
    assert!(refresh(&app, &other).await["data"]["refreshToken"]["accessToken"].is_string());
}

#[tokio::test]
async fn a_refresh_token_is_not_an_access_token_and_garbage_is_refused() {
    let app = TestApp::spawn().await;
    let (_, refresh_token) = session(&app, ANALYST).await;
    let response = app.graphql(Some(&refresh_token), VIEWER, json!({})).await;
    assert_eq!(error_code(&response), Some("UNAUTHENTICATED"));
    assert_eq!(
        error_code(&refresh(&app, "rt_not-a-token").await),
        Some("UNAUTHENTICATED")
    );
}

#[tokio::test]
async fn a_refresh_token_family_expires_after_its_absolute_lifetime() {
    let app = TestApp::spawn().await;
    let (_, token) = session(&app, ANALYST).await;
    sql(
        &app,
        "UPDATE refresh_tokens SET family_expires_at = created_at",
    )
    .await;
    assert_eq!(
        error_code(&refresh(&app, &token).await),
        Some("UNAUTHENTICATED")
    );
}

#[tokio::test]
async fn logout_kills_the_callers_access_and_refresh_tokens_at_once() {
    let app = TestApp::spawn().await;
    // Where accounts are kept (PostgreSQL), the requests below are answered from memory until the change.
    app.keeps_accounts().await;
    let (access, refresh_token) = session(&app, REVIEWER).await;
    assert!(viewer_ok(&app, Some(&access)).await);
    let response = app
        .graphql(Some(&access), "mutation { logout }", json!({}))
        .await;
    assert_eq!(response["data"]["logout"], true);
    assert!(!viewer_ok(&app, Some(&access)).await);
    assert_eq!(
        error_code(&refresh(&app, &refresh_token).await),
        Some("UNAUTHENTICATED")
    );
    let (fresh, _) = session(&app, REVIEWER).await;
    assert!(
        viewer_ok(&app, Some(&fresh)).await,
        "signing in again works"
    );
}

/// Polls `condition` for up to ten seconds (two heartbeats).
async fn eventually(mut condition: impl AsyncFnMut() -> bool) -> bool {
    for _ in 0..500 {
        if condition().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test]
async fn an_account_change_reaches_every_replica_whoever_makes_it() {
    let url = fresh_durable_database().await;
    let (a, b) = (
        TestApp::spawn_on(&url, &[]).await,
        TestApp::spawn_on(&url, &[]).await,
    );
    let kept = b.keeps_accounts().await;
    a.keeps_accounts().await;

    // Replica b answers a token from memory once it has read its account (where it keeps accounts).
    let (access, _) = session(&a, PARTNER_SELECT).await;
    assert!(viewer_ok(&b, Some(&access)).await);
    let before = b.statements();
    assert!(viewer_ok(&b, Some(&access)).await);
    let account_reads = b.statements() - before - 1; // `viewer` itself is one statement
    assert_eq!(account_reads, if kept { 0 } else { 1 });

    // A logout on replica a: a refuses the token at once, b as soon as it hears of it (at once where it keeps
    // nothing: it reads the account).
    a.graphql(Some(&access), "mutation { logout }", json!({}))
        .await;
    assert!(!viewer_ok(&a, Some(&access)).await);
    if kept {
        assert!(eventually(async || !viewer_ok(&b, Some(&access)).await).await);
    } else {
        assert!(!viewer_ok(&b, Some(&access)).await);
    }

    // A change made outside acegate (an operator in psql) reaches both.
    let (access, _) = session(&a, PARTNER_SELECT).await;
    assert!(viewer_ok(&a, Some(&access)).await && viewer_ok(&b, Some(&access)).await);
    let email = PARTNER_SELECT;
    sql(
        &a,
        &format!(
            "UPDATE users SET disabled_at = CURRENT_TIMESTAMP WHERE email_normalized = '{email}'"
        ),
    )
    .await;
    for replica in [&a, &b] {
        assert!(eventually(async || !viewer_ok(replica, Some(&access)).await).await);
    }
    sql(
        &a,
        &format!("UPDATE users SET disabled_at = NULL WHERE email_normalized = '{email}'"),
    )
    .await;
    for replica in [&a, &b] {
        assert!(
            eventually(async || viewer_ok(replica, Some(&access)).await).await,
            "enabled again, the unrevoked token works again"
        );
    }
}

/// Whether `app` runs on PostgreSQL, where accounts are kept in memory.
fn on_postgres(app: &TestApp) -> bool {
    app.db().get_database_backend() == sea_orm::DbBackend::Postgres
}

const DISABLE_TRIGGER: &str = "ALTER TABLE users DISABLE TRIGGER users_notify_account_change";

#[tokio::test]
async fn a_change_made_through_a_server_is_forgotten_by_it_before_it_answers() {
    let app = TestApp::spawn().await;
    if !on_postgres(&app) {
        return; // SQLite keeps no account: every request reads it (the tests above).
    }
    app.keeps_accounts().await;
    let (logged_out, _) = session(&app, REVIEWER).await;
    let (disabled, _) = session(&app, PARTNER_SELECT).await;
    let (reset, _) = session(&app, ANALYST).await;
    let (reused, first_refresh) = session(&app, FOUNDER).await;
    for token in [&logged_out, &disabled, &reset, &reused] {
        assert!(viewer_ok(&app, Some(token)).await, "kept from here on");
    }
    // From here no notification arrives and no heartbeat is sent; the cache keeps trusting what it holds for up to
    // 15 s after the last heartbeat it heard, so only the server's own forgetting can end these tokens.
    sql(&app, DISABLE_TRIGGER).await;

    app.graphql(Some(&logged_out), "mutation { logout }", json!({}))
        .await;
    assert!(!viewer_ok(&app, Some(&logged_out)).await, "logout");
    assert!(
        app.state.accounts.is_trusted(),
        "refused by the forget, not because the cache stopped trusting itself"
    );

    let id = user_id_of(&app, PARTNER_SELECT).await;
    update_user(&app, json!({ "id": id, "disabled": true })).await;
    assert!(!viewer_ok(&app, Some(&disabled)).await, "disabled");
    assert!(
        app.state.accounts.is_trusted(),
        "refused by the forget, not because the cache stopped trusting itself"
    );

    let id = user_id_of(&app, ANALYST).await;
    let admin = app.token_for(ADMIN).await;
    let response = app
        .graphql(
            Some(&admin),
            "mutation($i: ResetPasswordInput!) { resetPassword(input: $i) { userErrors { code } } }",
            json!({ "i": { "id": id, "newPassword": "a-brand-new-password" } }),
        )
        .await;
    assert_eq!(
        response["data"]["resetPassword"]["userErrors"],
        json!([]),
        "{response}"
    );
    assert!(!viewer_ok(&app, Some(&reset)).await, "password reset");
    assert!(
        app.state.accounts.is_trusted(),
        "refused by the forget, not because the cache stopped trusting itself"
    );

    // The founder's refresh token is used twice: theft, and the whole sign-in ends.
    refresh(&app, &first_refresh).await;
    refresh(&app, &first_refresh).await;
    assert!(
        !viewer_ok(&app, Some(&reused)).await,
        "refresh token reused"
    );
    assert!(
        app.state.accounts.is_trusted(),
        "refused by the forget, not because the cache stopped trusting itself"
    );
}

#[tokio::test]
async fn without_the_trigger_no_account_is_kept_and_every_request_reads_its_account() {
    let url = fresh_durable_database().await;
    let migrated = TestApp::spawn_on(&url, &[]).await;
    if !on_postgres(&migrated) {
        return;
    }
    sql(&migrated, DISABLE_TRIGGER).await;
    let app = TestApp::spawn_on(&url, &[]).await;
    let token = app.login(PARTNER_SELECT).await;
    // Once the listener is connected it asks for a heartbeat at once; none is sent while the trigger is disabled.
    assert!(eventually(async || app.state.accounts.is_listening()).await);
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert!(!app.state.accounts.is_trusted());
    for _ in 0..2 {
        let before = app.statements();
        assert!(viewer_ok(&app, Some(&token)).await);
        assert_eq!(app.statements() - before, 2, "the account, then `viewer`");
    }
    sql(&app, &format!("UPDATE users SET disabled_at = CURRENT_TIMESTAMP WHERE email_normalized = '{PARTNER_SELECT}'")).await;
    assert!(
        !viewer_ok(&app, Some(&token)).await,
        "an unannounced change counts at once"
    );
}

#[tokio::test]
async fn a_change_made_while_the_trigger_was_briefly_disabled_still_reaches_the_other_replica() {
    let url = fresh_durable_database().await;
    let (a, b) = (
        TestApp::spawn_on(&url, &[]).await,
        TestApp::spawn_on(&url, &[]).await,
    );
    if !on_postgres(&a) {
        return;
    }
    b.keeps_accounts().await;
    let (access, _) = session(&a, PARTNER_SELECT).await;
    assert!(viewer_ok(&b, Some(&access)).await, "kept by b from here on");
    // No notification for this change, and the trigger is enabled again before any heartbeat could miss it: only
    // the triggers' changed fingerprint in the next heartbeat tells b to start over.
    a.db()
        .execute_unprepared(&format!(
            "BEGIN; {DISABLE_TRIGGER}; \
             UPDATE users SET disabled_at = CURRENT_TIMESTAMP WHERE email_normalized = '{PARTNER_SELECT}'; \
             ALTER TABLE users ENABLE ALWAYS TRIGGER users_notify_account_change; COMMIT"
        ))
        .await
        .unwrap();
    assert!(
        eventually(async || !viewer_ok(&b, Some(&access)).await).await,
        "refused at the next heartbeat"
    );
    assert!(b.keeps_accounts().await, "and accounts are kept again");
}

/// A user's global ID, read directly (the user may be unable to sign in).
async fn user_id_of(app: &TestApp, email: &str) -> Value {
    let sql = format!("SELECT id FROM users WHERE email_normalized = '{email}'");
    let row = app
        .db()
        .query_one_raw(Statement::from_string(app.db().get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    let id: i64 = row.try_get("", "id").unwrap();
    json!(acegate::graphql::ids::NodeType::User.id(id).0)
}

async fn user_id(app: &TestApp, email: &str) -> Value {
    let token = app.login(email).await;
    app.graphql(Some(&token), "{ viewer { id } }", json!({}))
        .await["data"]["viewer"]["id"]
        .clone()
}

async fn update_user(app: &TestApp, input: Value) -> Value {
    let admin = app.token_for(ADMIN).await;
    let response = app
        .graphql(Some(&admin), "mutation($i: UpdateUserInput!) { updateUser(input: $i) { user { disabled } userErrors { code } } }", json!({ "i": input }))
        .await;
    assert!(response.get("errors").is_none(), "{response}");
    response["data"]["updateUser"].clone()
}

pub(crate) async fn create_key(app: &TestApp, access: &str, input: Value) -> Value {
    let response = app
        .graphql(Some(access), "mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret apiKey { id name prefix expiresAt lastUsedAt revokedAt } userErrors { field code } } }", json!({ "i": input }))
        .await;
    assert!(response.get("errors").is_none(), "{response}");
    response["data"]["createApiKey"].clone()
}

fn api_key(secret: &str) -> String {
    // The helper sends `Bearer <x>`; API keys use their own scheme, so build the header value by hand.
    secret.to_owned()
}

async fn viewer_with_key(app: &TestApp, secret: &str) -> Value {
    use axum::{body::Body, http::Request};
    let body = json!({ "query": VIEWER }).to_string();
    let request = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("authorization", format!("ApiKey {}", api_key(secret)))
        .body(Body::from(body))
        .unwrap();
    app.request(request).await.1
}

#[tokio::test]
async fn disabling_a_user_kills_its_tokens_and_api_keys_at_once_and_enabling_lets_it_sign_in_again()
{
    let app = TestApp::spawn().await;
    // Where accounts are kept (PostgreSQL), the requests below are answered from memory until the change.
    app.keeps_accounts().await;
    let (access, refresh_token) = session(&app, VC_PORTFOLIO).await;
    assert!(viewer_ok(&app, Some(&access)).await);
    let key = create_key(&app, &access, json!({ "name": "back office" })).await;
    let secret = key["secret"].as_str().unwrap().to_owned();
    assert_eq!(
        viewer_with_key(&app, &secret).await["data"]["viewer"]["role"],
        "VC"
    );

    let id = user_id(&app, VC_PORTFOLIO).await;
    assert_eq!(
        update_user(&app, json!({ "id": id, "disabled": true })).await["user"]["disabled"],
        true
    );
    assert!(!viewer_ok(&app, Some(&access)).await);
    assert_eq!(
        error_code(&refresh(&app, &refresh_token).await),
        Some("UNAUTHENTICATED")
    );
    assert_eq!(
        error_code(&viewer_with_key(&app, &secret).await),
        Some("UNAUTHENTICATED")
    );
    assert_eq!(
        login_code(&app, VC_PORTFOLIO, PASSWORD).await.as_deref(),
        Some("UNAUTHENTICATED")
    );

    update_user(&app, json!({ "id": id, "disabled": false })).await;
    assert_eq!(login_code(&app, VC_PORTFOLIO, PASSWORD).await, None);
    assert_eq!(
        error_code(&viewer_with_key(&app, &secret).await),
        Some("UNAUTHENTICATED"),
        "revoked keys stay revoked"
    );
}

#[tokio::test]
async fn an_api_key_acts_as_its_user_is_shown_once_and_can_be_revoked() {
    let app = TestApp::spawn().await;
    let access = app.token_for(VC_PORTFOLIO).await;
    let created = create_key(&app, &access, json!({ "name": "attestation sync" })).await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    let prefix = created["apiKey"]["prefix"].as_str().unwrap();
    assert!(secret.starts_with(&format!("ak_{prefix}_")));

    let seen = viewer_with_key(&app, &secret).await;
    assert_eq!(
        seen["data"]["viewer"],
        json!({ "email": VC_PORTFOLIO, "role": "VC" })
    );
    let listed = app
        .graphql(
            Some(&access),
            "{ viewer { apiKeys { name prefix lastUsedAt revokedAt } } }",
            json!({}),
        )
        .await;
    let keys = listed["data"]["viewer"]["apiKeys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert!(keys[0]["lastUsedAt"].is_string(), "use is recorded");
    assert!(
        !listed.to_string().contains(&secret),
        "the secret is never shown again"
    );

    // Another user (not an admin) cannot revoke it: it does not exist for them.
    let other = app.token_for(VC_EMERGING).await;
    let revoke = "mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { revokedAt } userErrors { code } } }";
    let refused = app
        .graphql(
            Some(&other),
            revoke,
            json!({ "id": created["apiKey"]["id"] }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("NOT_FOUND"));
    let revoked = app
        .graphql(
            Some(&access),
            revoke,
            json!({ "id": created["apiKey"]["id"] }),
        )
        .await;
    assert!(revoked["data"]["revokeApiKey"]["apiKey"]["revokedAt"].is_string());
    assert_eq!(
        error_code(&viewer_with_key(&app, &secret).await),
        Some("UNAUTHENTICATED")
    );
}

#[tokio::test]
async fn an_expired_or_forged_api_key_is_refused() {
    let app = TestApp::spawn().await;
    let access = app.token_for(ANALYST).await;
    let past = create_key(
        &app,
        &access,
        json!({ "name": "old", "expiresAt": "2020-01-01T00:00:00Z" }),
    )
    .await;
    assert_eq!(past["userErrors"][0]["code"], "IN_THE_PAST");
    let created = create_key(
        &app,
        &access,
        json!({ "name": "soon", "expiresAt": "2099-01-01T00:00:00Z" }),
    )
    .await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(viewer_with_key(&app, &secret).await["data"]["viewer"].is_object());
    sql(&app, "UPDATE api_keys SET expires_at = created_at").await;
    assert_eq!(
        error_code(&viewer_with_key(&app, &secret).await),
        Some("UNAUTHENTICATED")
    );
    let forged = format!("{}x", &secret[..secret.len() - 1]);
    assert_eq!(
        error_code(&viewer_with_key(&app, &forged).await),
        Some("UNAUTHENTICATED")
    );
}

#[tokio::test]
async fn repeated_failures_slow_an_account_down_and_a_hundred_lock_it_until_an_admin_unlocks_it() {
    let app = TestApp::spawn().await;
    for _ in 0..5 {
        assert_eq!(
            login_code(&app, FOUNDER, "wrong-password").await.as_deref(),
            Some("UNAUTHENTICATED")
        );
    }
    // In back-off even the right password is refused, with the same reply.
    assert_eq!(
        login_code(&app, FOUNDER, PASSWORD).await.as_deref(),
        Some("UNAUTHENTICATED")
    );
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(
        login_code(&app, FOUNDER, PASSWORD).await,
        None,
        "after the back-off the right password works"
    );

    sql(&app, "UPDATE users SET failed_login_count = 99, last_failed_login_at = NULL WHERE email_normalized = 'founder@acegate.example.com'").await;
    assert_eq!(
        login_code(&app, FOUNDER, "wrong-password").await.as_deref(),
        Some("UNAUTHENTICATED")
    );
    sql(&app, "UPDATE users SET last_failed_login_at = NULL WHERE email_normalized = 'founder@acegate.example.com'").await;
    assert_eq!(
        login_code(&app, FOUNDER, PASSWORD).await.as_deref(),
        Some("UNAUTHENTICATED"),
        "locked"
    );
    let founder_id = user_id_of(&app, FOUNDER).await;
    update_user(&app, json!({ "id": founder_id, "unlock": true })).await;
    assert_eq!(login_code(&app, FOUNDER, PASSWORD).await, None);
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_client_address() {
    let app = TestApp::spawn_with(&[("ACEGATE_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE", "3")]).await;
    for _ in 0..3 {
        assert_eq!(
            login_code(&app, "nobody@example.com", "x").await.as_deref(),
            Some("UNAUTHENTICATED")
        );
    }
    let response = app
        .graphql(None, LOGIN, json!({ "e": ADMIN, "p": PASSWORD }))
        .await;
    assert_eq!(error_code(&response), Some("RATE_LIMITED"));
    assert!(
        response["errors"][0]["extensions"]["retryAfter"]
            .as_u64()
            .unwrap()
            >= 1
    );
}

#[tokio::test]
async fn a_token_signed_with_a_retired_key_verifies_during_rotation_and_not_after() {
    let old_secret = "the-old-signing-secret-0123456789abcdef";
    let new_secret = "the-new-signing-secret-0123456789abcdef";
    let before = TestApp::spawn_with(&[
        ("ACEGATE_JWT_SECRET", old_secret),
        ("ACEGATE_JWT_KEY_ID", "2026-01"),
    ])
    .await;
    let old_token = before.login(ADMIN).await;

    let previous = format!("2026-01:{old_secret}");
    let during = TestApp::spawn_with(&[
        ("ACEGATE_JWT_SECRET", new_secret),
        ("ACEGATE_JWT_KEY_ID", "2026-02"),
        ("ACEGATE_JWT_PREVIOUS_KEYS", &previous),
    ])
    .await;
    assert!(
        viewer_ok(&during, Some(&old_token)).await,
        "the retired key still verifies"
    );
    let new_token = during.login(ADMIN).await;
    assert!(viewer_ok(&during, Some(&new_token)).await);
    assert!(
        !viewer_ok(&before, Some(&new_token)).await,
        "only the new key signs"
    );

    let after = TestApp::spawn_with(&[
        ("ACEGATE_JWT_SECRET", new_secret),
        ("ACEGATE_JWT_KEY_ID", "2026-02"),
    ])
    .await;
    assert!(
        !viewer_ok(&after, Some(&old_token)).await,
        "dropped from the ring, the old key is dead"
    );
}

#[tokio::test]
async fn a_token_from_another_issuer_is_refused() {
    let app = TestApp::spawn().await;
    let other = TestApp::spawn_with(&[("ACEGATE_JWT_ISSUER", "someone-else")]).await;
    let foreign = other.login(ADMIN).await;
    assert!(!viewer_ok(&app, Some(&foreign)).await);
}

#[tokio::test]
async fn revocations_survive_a_restart_on_the_same_database() {
    let url = fresh_durable_database().await;
    let (access, refresh_token, key_secret) = {
        let app = TestApp::spawn_on(&url, &[]).await;
        let (access, refresh_token) = session(&app, PARTNER_PREMIER).await;
        let key = create_key(&app, &access, json!({ "name": "crm" })).await;
        let secret = key["secret"].as_str().unwrap().to_owned();
        let revoke =
            "mutation($id: ID!) { revokeApiKey(input: { id: $id }) { userErrors { code } } }";
        app.graphql(Some(&access), revoke, json!({ "id": key["apiKey"]["id"] }))
            .await;
        app.graphql(Some(&access), "mutation { logout }", json!({}))
            .await;
        app.db().clone().close().await.ok();
        (access, refresh_token, secret)
    };
    let restarted = TestApp::spawn_on(&url, &[]).await;
    assert!(!viewer_ok(&restarted, Some(&access)).await);
    assert_eq!(
        error_code(&refresh(&restarted, &refresh_token).await),
        Some("UNAUTHENTICATED")
    );
    assert_eq!(
        error_code(&viewer_with_key(&restarted, &key_secret).await),
        Some("UNAUTHENTICATED")
    );
    assert_eq!(
        login_code(&restarted, PARTNER_PREMIER, PASSWORD).await,
        None,
        "the account itself still works"
    );
}

#[tokio::test]
async fn secrets_never_appear_in_the_audit_trail() {
    let app = TestApp::spawn().await;
    let access = app.token_for(ADMIN).await;
    let created = create_key(&app, &access, json!({ "name": "audit check" })).await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    app.graphql(Some(&access), "mutation { logout }", json!({}))
        .await;
    let trail = app
        .query_as(
            ANALYST,
            "{ auditEvents(first: 100) { nodes { action before after } } }",
            json!({}),
        )
        .await;
    let text = trail.to_string();
    assert!(text.contains("api_key.create"));
    assert!(!text.contains(&secret) && !text.contains(PASSWORD) && !text.contains("$argon2"));
}

#[tokio::test]
async fn an_admin_creates_users_bound_to_the_organisation_their_role_needs() {
    let app = TestApp::spawn().await;
    let admin = app.token_for(ADMIN).await;
    let partner = app
        .query_as(ADMIN, "{ partners(first: 1) { nodes { id } } }", json!({}))
        .await["partners"]["nodes"][0]["id"]
        .clone();
    let create = "mutation($i: CreateUserInput!) { createUser(input: $i) { user { email role partner { id } } userErrors { field code } } }";
    let unbound = app.graphql(Some(&admin), create, json!({ "i": { "email": "new@partner.example.com", "password": "a-long-enough-password", "displayName": "New", "role": "PARTNER" } })).await;
    assert_eq!(
        unbound["data"]["createUser"]["userErrors"][0]["code"],
        "ROLE_BINDING"
    );
    let weak = app.graphql(Some(&admin), create, json!({ "i": { "email": "new@partner.example.com", "password": "short", "displayName": "New", "role": "PARTNER", "partnerId": partner } })).await;
    assert_eq!(
        weak["data"]["createUser"]["userErrors"][0]["code"],
        "WEAK_PASSWORD"
    );
    let made = app.graphql(Some(&admin), create, json!({ "i": { "email": "New@Partner.example.com", "password": "a-long-enough-password", "displayName": "New", "role": "PARTNER", "partnerId": partner } })).await;
    assert_eq!(made["data"]["createUser"]["user"]["partner"]["id"], partner);
    let duplicate = app.graphql(Some(&admin), create, json!({ "i": { "email": "new@partner.example.com", "password": "a-long-enough-password", "displayName": "Again", "role": "ANALYST" } })).await;
    assert_eq!(
        duplicate["data"]["createUser"]["userErrors"][0]["code"],
        "DUPLICATE_EMAIL"
    );
    let response = app
        .graphql(
            None,
            LOGIN,
            json!({ "e": "new@partner.example.com", "p": "a-long-enough-password" }),
        )
        .await;
    assert!(response["data"]["login"]["accessToken"].is_string());

    let partner_token = app.token_for(PARTNER_SELECT).await;
    let refused = app.graphql(Some(&partner_token), create, json!({ "i": { "email": "x@example.com", "password": "a-long-enough-password", "displayName": "X", "role": "ADMIN" } })).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"));
}

#[tokio::test]
async fn a_user_changes_its_own_password_and_its_sessions_end() {
    let app = TestApp::spawn().await;
    // Where accounts are kept (PostgreSQL), the requests below are answered from memory until the change.
    app.keeps_accounts().await;
    let (access, _) = session(&app, ANALYST).await;
    let change = "mutation($i: ChangePasswordInput!) { changePassword(input: $i) { user { email } userErrors { code } } }";
    let wrong = app
        .graphql(
            Some(&access),
            change,
            json!({ "i": { "currentPassword": "nope", "newPassword": "another-long-password" } }),
        )
        .await;
    assert_eq!(
        wrong["data"]["changePassword"]["userErrors"][0]["code"],
        "WRONG_PASSWORD"
    );
    let changed = app
        .graphql(
            Some(&access),
            change,
            json!({ "i": { "currentPassword": PASSWORD, "newPassword": "another-long-password" } }),
        )
        .await;
    assert_eq!(changed["data"]["changePassword"]["userErrors"], json!([]));
    assert!(!viewer_ok(&app, Some(&access)).await);
    assert_eq!(
        login_code(&app, ANALYST, PASSWORD).await.as_deref(),
        Some("UNAUTHENTICATED")
    );
    assert_eq!(
        login_code(&app, ANALYST, "another-long-password").await,
        None
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failed_sign_ins_sent_in_parallel_each_count() {
    let app = std::sync::Arc::new(
        TestApp::spawn_with(&[("ACEGATE_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE", "1000")]).await,
    );
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move { login_code(&app, ANALYST, &format!("guess-{i}")).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().as_deref(), Some("UNAUTHENTICATED"));
    }
    let sql = "SELECT failed_login_count FROM users WHERE email_normalized = 'analyst@acegate.example.com'";
    let row = app
        .db()
        .query_one_raw(Statement::from_string(
            app.db().get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    let failures: i32 = row.try_get("", "failed_login_count").unwrap();
    // Guesses that arrive once the account is in back-off are refused unchecked and need not count; every guess
    // that was checked does. A read-modify-write counter would end at 1 here.
    assert!((5..=10).contains(&failures), "{failures}");
}
