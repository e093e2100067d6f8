use axum::{
    body::Body,
    http::{Request, StatusCode},
};

use crate::helpers::TestApp;

#[tokio::test]
async fn liveness_and_readiness_answer_ok_when_the_database_is_reachable() {
    let app = TestApp::spawn().await;
    let (status, _) = app
        .request(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .request(Request::get("/readyz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;
    let response = tower::ServiceExt::oneshot(
        app.router.clone(),
        Request::get("/healthz").body(Body::empty()).unwrap(),
    )
    .await
    .unwrap();
    assert!(response.headers().get("x-request-id").is_some());
}

#[tokio::test]
async fn a_batched_request_is_refused_with_a_typed_error() {
    let app = TestApp::spawn().await;
    let body = r#"[{"query":"{ viewer { id } }"},{"query":"{ viewer { id } }"}]"#;
    let request = Request::post("/graphql")
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap();
    let (status, response) = app.request(request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(response["errors"][0]["extensions"]["code"], "BAD_REQUEST");
}
