use serde_json::json;

use crate::helpers::*;

const VIEWER: &str =
    "{ viewer { email role partner { name } vcFirm { name } customer { legalName } } }";

#[tokio::test]
async fn every_demo_login_signs_in_with_its_role() {
    let app = TestApp::spawn().await;
    let expected = [
        (ADMIN, "ADMIN"),
        (REVIEWER, "REVIEWER"),
        (ANALYST, "ANALYST"),
        (PARTNER_PREMIER, "PARTNER"),
        (PARTNER_ADVANCED, "PARTNER"),
        (PARTNER_SELECT, "PARTNER"),
        (VC_PORTFOLIO, "VC"),
        (VC_EMERGING, "VC"),
        (FOUNDER, "FOUNDER"),
    ];
    for (email, role) in expected {
        let data = app.query_as(email, VIEWER, json!({})).await;
        assert_eq!(data["viewer"]["email"], email);
        assert_eq!(data["viewer"]["role"], role, "{email}");
        let bound = match role {
            "PARTNER" => &data["viewer"]["partner"],
            "VC" => &data["viewer"]["vcFirm"],
            "FOUNDER" => &data["viewer"]["customer"],
            _ => continue,
        };
        assert!(bound.is_object(), "{email} belongs to an organisation");
    }
}

#[tokio::test]
async fn email_is_matched_case_insensitively() {
    let app = TestApp::spawn().await;
    let token = app.login(&ADMIN.to_uppercase()).await;
    let response = app
        .graphql(Some(&token), "{ viewer { email } }", json!({}))
        .await;
    assert_eq!(response["data"]["viewer"]["email"], ADMIN);
}

#[tokio::test]
async fn unknown_account_and_wrong_password_get_the_identical_reply() {
    let app = TestApp::spawn().await;
    let login = "mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }";
    let wrong_password = app
        .graphql(None, login, json!({ "e": ADMIN, "p": "not-the-password" }))
        .await;
    let unknown_user = app
        .graphql(
            None,
            login,
            json!({ "e": "nobody@example.com", "p": "not-the-password" }),
        )
        .await;
    assert_eq!(error_code(&wrong_password), Some("UNAUTHENTICATED"));
    assert_eq!(
        wrong_password["errors"][0]["message"],
        unknown_user["errors"][0]["message"]
    );
    // Identical but for the request id, which every error carries.
    let extensions = |response: &serde_json::Value| {
        let mut extensions = response["errors"][0]["extensions"].clone();
        extensions.as_object_mut().map(|e| e.remove("requestId"));
        extensions
    };
    assert_eq!(extensions(&wrong_password), extensions(&unknown_user));
    assert!(wrong_password["data"].is_null() && unknown_user["data"].is_null());
}

#[tokio::test]
async fn an_anonymous_viewer_is_null_and_data_needs_a_sign_in() {
    let app = TestApp::spawn().await;
    let response = app.graphql(None, "{ viewer { id } }", json!({})).await;
    assert!(response["data"]["viewer"].is_null());
    let response = app
        .graphql(None, "{ opportunities { totalCount } }", json!({}))
        .await;
    assert_eq!(error_code(&response), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn a_token_that_does_not_verify_is_refused_not_treated_as_anonymous() {
    let app = TestApp::spawn().await;
    let token = app.login(ADMIN).await;
    let tampered = format!("{}x", &token[..token.len() - 1]);
    for bad in [tampered.as_str(), "not-a-jwt", ""] {
        let response = app.graphql(Some(bad), "{ viewer { id } }", json!({})).await;
        assert_eq!(error_code(&response), Some("UNAUTHENTICATED"), "{bad}");
        assert!(response["data"].is_null());
    }
}

#[tokio::test]
async fn a_token_signed_by_another_deployment_is_refused() {
    let app = TestApp::spawn().await;
    let other = TestApp::spawn_with(&[(
        "ACEGATE_JWT_SECRET",
        "an-entirely-different-secret-0123456789",
    )])
    .await;
    let foreign = other.login(ADMIN).await;
    let response = app
        .graphql(Some(&foreign), "{ viewer { id } }", json!({}))
        .await;
    assert_eq!(error_code(&response), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn a_token_for_another_audience_is_refused() {
    let app = TestApp::spawn().await;
    let other = TestApp::spawn_with(&[("ACEGATE_JWT_AUDIENCE", "some-other-api")]).await;
    let foreign = other.login(ADMIN).await;
    let response = app
        .graphql(Some(&foreign), "{ viewer { id } }", json!({}))
        .await;
    assert_eq!(error_code(&response), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn a_disabled_user_is_cut_off_at_once() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let app = TestApp::spawn().await;
    let token = app.login(PARTNER_SELECT).await;
    let sql = "UPDATE users SET disabled_at = CURRENT_TIMESTAMP WHERE email_normalized = $1";
    let backend = app.db().get_database_backend();
    let sql = if backend == DbBackend::Sqlite {
        sql.replace("$1", "?")
    } else {
        sql.to_owned()
    };
    app.db()
        .execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [PARTNER_SELECT.into()],
        ))
        .await
        .unwrap();
    let response = app
        .graphql(Some(&token), "{ viewer { id } }", json!({}))
        .await;
    assert_eq!(error_code(&response), Some("UNAUTHENTICATED"));
    let login = "mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }";
    let response = app
        .graphql(None, login, json!({ "e": PARTNER_SELECT, "p": PASSWORD }))
        .await;
    assert_eq!(error_code(&response), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn stored_passwords_are_argon2id_and_never_a_field() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let app = TestApp::spawn().await;
    let backend = app.db().get_database_backend();
    let row = app
        .db()
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT password_hash FROM users LIMIT 1",
        ))
        .await
        .unwrap()
        .unwrap();
    let hash: String = row.try_get("", "password_hash").unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    let _ = DbBackend::Sqlite;
    let response = app
        .graphql(
            Some(&app.login(ADMIN).await),
            "{ viewer { passwordHash } }",
            json!({}),
        )
        .await;
    assert!(response["errors"].is_array(), "no such field");
}
