//! The layers every response passes through, outermost first: the request id, a log span per request, response
//! metrics, header caps, security headers, CORS, a panic guard, and compression.

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    body::Body,
    extract::{Request, State},
    http::{HeaderName, HeaderValue, Method, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use tower_http::{
    catch_panic::CatchPanicLayer,
    classify::StatusInRangeAsFailures,
    compression::{
        CompressionLayer,
        predicate::{NotForContentType, Predicate, SizeAbove},
    },
    cors::{AllowOrigin, CorsLayer},
    trace::{DefaultOnResponse, TraceLayer},
};
use tracing::Level;

use super::{Ops, RequestId};

pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What the layers need from the configuration.
#[derive(Clone, Debug)]
pub struct LayerSettings {
    pub cors_origins: Vec<String>,
    pub max_headers: usize,
    pub max_header_bytes: usize,
}

/// Wraps a router in every layer.
pub fn apply(router: Router, ops: Arc<Ops>, settings: &LayerSettings) -> Router {
    let caps = Arc::new((settings.max_headers, settings.max_header_bytes));
    let cors = (!settings.cors_origins.is_empty()).then(|| cors(&settings.cors_origins));
    router
        .layer(compression())
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(tower::util::option_layer(cors))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(caps, header_caps))
        .layer(middleware::from_fn_with_state(ops, count_responses))
        .layer(
            // 503 (starting, shutting down: what /readyz answers a probe by design) and 504 (a request past its
            // deadline, logged where it is cancelled) are answers, not failures of the server: only 500–502 log as
            // errors here.
            TraceLayer::new(StatusInRangeAsFailures::new(500..=502).into_make_classifier())
                .make_span_with(make_span)
                .on_request(())
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Millis),
                ),
        )
        .layer(middleware::from_fn(request_id))
}

/// gzip for clients that send `Accept-Encoding: gzip`: a page of 50 records is tens of kilobytes of repetitive JSON
/// and shrinks about tenfold. Small answers (errors, single records) are not worth the CPU; the WebSocket upgrade
/// and event streams are never touched.
fn compression() -> CompressionLayer<impl Predicate> {
    let worth_it = SizeAbove::new(COMPRESS_ABOVE_BYTES)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::SSE)
        .and(
            |status: StatusCode, _, _: &axum::http::HeaderMap, _: &axum::http::Extensions| {
                status != StatusCode::SWITCHING_PROTOCOLS
            },
        );
    CompressionLayer::new()
        .gzip(true)
        .quality(tower_http::CompressionLevel::Fastest)
        .compress_when(worth_it)
}

const COMPRESS_ABOVE_BYTES: u16 = 2048;

/// Keeps a client's `x-request-id` when it is a plausible id (at most 64 characters of `[A-Za-z0-9._-]`), so that
/// a caller can correlate; otherwise mints a UUID. Either way the id is in the request (header and extension) and
/// on the response.
pub async fn request_id(mut request: Request, next: Next) -> Response {
    let given = request
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|id| {
            !id.is_empty()
                && id.len() <= 64
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        })
        .map(str::to_owned);
    let id = given.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let value = HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("invalid"));
    request.headers_mut().insert(X_REQUEST_ID, value.clone());
    request.extensions_mut().insert(RequestId(id));
    let mut response = next.run(request).await;
    response.headers_mut().insert(X_REQUEST_ID, value);
    response
}

/// One span per request with its id, method and path; never the query string (a GET carries variables), never a
/// header (`Authorization`). The GraphQL handler records the operation name.
fn make_span(request: &Request<Body>) -> tracing::Span {
    let id = request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.as_str())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        path = %request.uri().path(),
        operation = tracing::field::Empty,
    )
}

async fn count_responses(State(ops): State<Arc<Ops>>, request: Request, next: Next) -> Response {
    ops.metrics.request_started();
    let response = next.run(request).await;
    ops.metrics.request_finished();
    ops.metrics.record_response(response.status().as_u16());
    response
}

/// Refuses requests with too many headers or too many header bytes (431), before anything reads them.
async fn header_caps(
    State(caps): State<Arc<(usize, usize)>>,
    request: Request,
    next: Next,
) -> Response {
    let (max_headers, max_bytes) = *caps;
    let headers = request.headers();
    let bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if headers.len() > max_headers || bytes > max_bytes {
        let id = request
            .extensions()
            .get::<RequestId>()
            .map(|id| id.0.clone());
        let body = serde_json::json!({ "errors": [{
            "message": format!("request headers exceed the limits ({max_headers} headers, {max_bytes} bytes)"),
            "extensions": { "code": "BAD_REQUEST", "requestId": id },
        }] });
        return (
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response();
    }
    next.run(request).await
}

/// The Content-Security-Policy of everything but the playground: nothing may load, nothing may frame us.
const API_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(API_CSP),
        );
    }
    // Responses carry business records and tokens: no shared or browser cache may keep them.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// CORS for the configured origins only; credentials are bearer tokens, never cookies, so none are allowed.
fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            X_REQUEST_ID,
        ])
        .expose_headers([
            X_REQUEST_ID,
            HeaderName::from_static("ratelimit-limit"),
            HeaderName::from_static("ratelimit-remaining"),
            HeaderName::from_static("ratelimit-reset"),
            header::RETRY_AFTER,
        ])
        .max_age(Duration::from_secs(600))
}

/// A panic is a bug: the client gets an opaque 500 (no message, no location), the log gets the detail.
fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = %detail, "request handler panicked");
    let body = serde_json::json!({ "errors": [{ "message": "internal error", "extensions": { "code": "INTERNAL" } }] });
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}
