//! `GET`/`POST /graphql` per the GraphQL-over-HTTP draft, with every limit of API.md checked before execution.
//!
//! The order is cheapest first, and nothing is read that a check could have refused: `Accept` (406), the method
//! and `Content-Type` (415), the credential, the rate limit (429), the body size (413) and its read deadline (408),
//! the request's JSON shape
//! (400, batches included), the query text and document (`QUERY_TOO_COMPLEX`, via the schema's
//! [`Protections`](crate::graphql::limits::Protections)), a mutation over GET (405), then execution under the
//! request deadline (`TIMEOUT`). A request error (nothing executed) has no `data` entry; with
//! `application/graphql-response+json` it gets a 4xx status, with `application/json` a 200. A resolver's own rate
//! limit (`login`, `submitInquiry`) answers 429 with `Retry-After` like the endpoint's.

use std::{
    net::SocketAddr,
    num::NonZeroUsize,
    time::{Duration, Instant},
};

use async_graphql::{ServerError, Variables, parser::types::OperationType};
use axum::{
    body::Body,
    extract::{ConnectInfo, Query, Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use futures_util::StreamExt;
use serde_json::{Map, Value, json};

use super::{
    RequestId,
    negotiate::{self, ResponseType},
};
use crate::{
    app::AppState,
    auth::AuthFailure,
    config::Limits,
    error::AppError,
    graphql::{
        documents::DocumentCache,
        limits::{self, ExecutionMarker},
        loaders::Loaders,
        mutation::ClientIp,
    },
    metrics::{Outcome, RateLimitScope},
    ratelimit::{Exceeded, Limiter, Quota},
    service::{self, Caller},
};

/// Distinct operation texts whose parsed documents are kept (a client application has tens, not thousands).
const PARSED_DOCUMENTS_KEPT: NonZeroUsize = NonZeroUsize::new(256).unwrap();

/// The limits of the endpoint, its rate limiters and its parsed documents.
pub struct Guard {
    pub limits: Limits,
    per_principal: Limiter,
    per_anonymous_ip: Limiter,
    documents: DocumentCache,
}

impl Guard {
    pub fn new(limits: Limits) -> Self {
        let minute = Duration::from_secs(60);
        Self {
            per_principal: Limiter::new(limits.requests_per_principal_per_minute, minute),
            per_anonymous_ip: Limiter::new(limits.anonymous_requests_per_ip_per_minute, minute),
            documents: DocumentCache::new(PARSED_DOCUMENTS_KEPT),
            limits,
        }
    }

    /// Counts one operation of a signed-in principal, over HTTP or WebSocket alike: one budget per principal.
    pub fn hit_principal(&self, user_id: i64) -> Result<Quota, Exceeded> {
        self.per_principal.hit(&principal_key(user_id))
    }
}

fn principal_key(user_id: i64) -> String {
    format!("user:{user_id}")
}

/// A response built before execution: an HTTP-level refusal, or a GraphQL request error.
struct Refusal {
    status: StatusCode,
    code: &'static str,
    /// `extensions.reason` of an `UNAUTHENTICATED` refusal.
    reason: Option<&'static str>,
    message: String,
    headers: Vec<(header::HeaderName, HeaderValue)>,
}

impl Refusal {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            reason: None,
            message: message.into(),
            headers: Vec::new(),
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
    }

    /// Asks the client to close the connection: the rest of what it was sending is not worth reading.
    fn closing(mut self) -> Self {
        self.headers
            .push((header::CONNECTION, HeaderValue::from_static("close")));
        self
    }
}

pub async fn handler(State(state): State<AppState>, request: Request) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let request_id = parts
        .extensions
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    let media = negotiate::response_type(&parts.headers);
    let mut context = Exchange {
        state: &state,
        media: media.unwrap_or(ResponseType::Json),
        request_id,
        quota: None,
        operation: None,
    };
    let outcome = match media {
        None => Err(Refusal::new(
            StatusCode::NOT_ACCEPTABLE,
            "BAD_REQUEST",
            "this endpoint answers application/graphql-response+json or application/json",
        )),
        Some(_) => context.serve(parts, body).await,
    };
    let (response, result) = match outcome {
        Ok(done) => done,
        Err(refusal) => {
            let result = match refusal.code {
                "RATE_LIMITED" => Outcome::RateLimited,
                _ => Outcome::Rejected,
            };
            (context.refusal(refusal), result)
        }
    };
    state
        .ops
        .metrics
        .record_graphql(context.operation.as_deref(), result, started.elapsed());
    response
}

/// One request's answer in the making.
struct Exchange<'a> {
    state: &'a AppState,
    media: ResponseType,
    request_id: String,
    quota: Option<Quota>,
    operation: Option<String>,
}

impl Exchange<'_> {
    async fn serve(&mut self, parts: Parts, body: Body) -> Result<(Response, Outcome), Refusal> {
        let guard = &self.state.guard;
        let is_get = parts.method == Method::GET;
        if !is_get && !negotiate::is_json_body(&parts.headers) {
            return Err(Refusal::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "BAD_REQUEST",
                "send the request as application/json",
            ));
        }
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip().to_string())
            .unwrap_or_else(|| "unknown".into());

        // Who is asking, then whether they may ask now.
        let caller = self.authenticate(&parts.headers).await;
        let (limiter, key, scope) = match &caller {
            Ok(Some(caller)) => (
                &guard.per_principal,
                principal_key(caller.principal.user_id),
                RateLimitScope::Principal,
            ),
            // A credential that fails counts against the address, like an anonymous request.
            _ => (
                &guard.per_anonymous_ip,
                format!("ip:{ip}"),
                RateLimitScope::AnonymousIp,
            ),
        };
        match limiter.hit(&key) {
            Ok(quota) => self.quota = Some(quota),
            Err(Exceeded { retry_after_secs }) => {
                self.state.ops.metrics.record_rate_limited(scope);
                self.quota = Some(Quota {
                    limit: limiter.limit(),
                    remaining: 0,
                    reset_secs: retry_after_secs,
                });
                let mut refusal = Refusal::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "RATE_LIMITED",
                    AppError::RateLimited { retry_after_secs }.message(),
                );
                refusal
                    .headers
                    .push((header::RETRY_AFTER, HeaderValue::from(retry_after_secs)));
                return Err(refusal);
            }
        }
        let caller = caller.map_err(|err| {
            let mut refusal = Refusal::new(StatusCode::UNAUTHORIZED, err.code(), err.message());
            if let AppError::Unauthenticated(failure) = err {
                refusal.reason = Some(failure.reason());
                // RFC 6750: a bearer token that was presented and refused is `invalid_token`.
                let challenge = if failure.is_invalid_token() {
                    "Bearer error=\"invalid_token\""
                } else {
                    "Bearer"
                };
                refusal.headers.push((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(challenge),
                ));
            } else {
                refusal.status = StatusCode::INTERNAL_SERVER_ERROR;
            }
            refusal
        })?;

        let mut request = if is_get {
            from_query_string(&parts)?
        } else {
            // A total deadline rather than an idle one: a body trickled a byte at a time never goes idle.
            let limits = &guard.limits;
            tokio::time::timeout(
                limits.body_read_timeout,
                read_json_request(body, limits.max_body_bytes),
            )
            .await
            .map_err(|_| {
                Refusal::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "BAD_REQUEST",
                    format!(
                        "the request body was not received within {} s",
                        limits.body_read_timeout.as_secs()
                    ),
                )
                .closing()
            })??
        };

        // The text is measured before the parser sees it, and the document is parsed once, here, so that a
        // mutation over GET is refused before anything runs; the schema's Protections reuse the parsed document.
        if let Err(error) = limits::check_text(&request.query, &guard.limits.query) {
            return Ok((self.request_error(error), Outcome::Rejected));
        }
        let operation_type = {
            let operation_name = request.operation_name.clone();
            let doc = match guard.documents.parsed(&mut request) {
                Ok(doc) => doc,
                Err(error) => return Ok((self.request_error(error), Outcome::Rejected)),
            };
            let selected = limits::selected_operation(doc, operation_name.as_deref());
            if let Some((name, _)) = selected {
                let name = name.map_or("anonymous", |n| n.as_str());
                tracing::Span::current().record("operation", name);
                self.operation = Some(name.to_owned());
            }
            selected.map(|(_, operation)| operation.ty)
        };
        if is_get && matches!(operation_type, Some(ty) if ty != OperationType::Query) {
            let mut refusal = Refusal::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "BAD_REQUEST",
                "mutations and subscriptions are only accepted over POST",
            );
            refusal
                .headers
                .push((header::ALLOW, HeaderValue::from_static("POST")));
            return Err(refusal);
        }

        let marker = ExecutionMarker::default();
        request = request.data(ClientIp(ip)).data(marker.clone());
        if let Some(caller) = caller {
            request = request.data(Loaders::new(&caller)).data(caller);
        }
        // Dropping the execution at the deadline drops any open transaction with it, which rolls it back.
        let executed = tokio::time::timeout(
            guard.limits.request_timeout,
            self.state.schema.execute(request),
        )
        .await;
        let response = match executed {
            Ok(response) => response,
            Err(_) => {
                tracing::warn!(
                    timeout_ms = guard.limits.request_timeout.as_millis() as u64,
                    "request timed out"
                );
                let refusal = Refusal::new(
                    StatusCode::GATEWAY_TIMEOUT,
                    "TIMEOUT",
                    format!(
                        "the request took longer than {} ms and was cancelled; nothing it did was committed",
                        guard.limits.request_timeout.as_millis()
                    ),
                );
                return Ok((self.refusal(refusal), Outcome::Timeout));
            }
        };
        let outcome = if !marker.executed() {
            Outcome::Rejected
        } else if rate_limited(&response.errors).is_some() {
            Outcome::RateLimited
        } else if response.errors.is_empty() {
            Outcome::Ok
        } else {
            Outcome::Error
        };
        Ok((self.render(response, marker.executed()), outcome))
    }

    async fn authenticate(&self, headers: &HeaderMap) -> Result<Option<Caller>, AppError> {
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            return Ok(None);
        };
        let value = value
            .to_str()
            .map_err(|_| AppError::Unauthenticated(AuthFailure::WrongScheme))?;
        let principal = service::accounts::principal_for_authorization(
            &self.state.db,
            &self.state.tokens,
            &self.state.accounts,
            value,
        )
        .await?
        .map_err(AppError::Unauthenticated)?;
        Ok(Some(
            self.state.caller(principal, Some(self.request_id.clone())),
        ))
    }

    /// A GraphQL request error found by the handler itself (text limits, syntax), rendered like the schema's own
    /// (a syntax error keeps its location).
    fn request_error(&self, error: ServerError) -> Response {
        self.render(async_graphql::Response::from_errors(vec![error]), false)
    }

    /// Renders a refusal. GraphQL-level codes (`QUERY_TOO_COMPLEX`, `UNAUTHENTICATED`, `TIMEOUT`, a syntax error)
    /// follow the negotiated media type's status rules; transport refusals (406, 413, 415, 405, 429, 400 for a
    /// malformed body) keep their status either way.
    fn refusal(&self, refusal: Refusal) -> Response {
        let graphql_level = matches!(refusal.code, "UNAUTHENTICATED" | "TIMEOUT" | "INTERNAL");
        let status = if graphql_level && self.media == ResponseType::Json {
            StatusCode::OK
        } else {
            refusal.status
        };
        let mut extensions = Map::new();
        if !refusal.code.is_empty() {
            extensions.insert("code".into(), refusal.code.into());
        }
        if let Some(reason) = refusal.reason {
            extensions.insert("reason".into(), reason.into());
        }
        if refusal.code == "RATE_LIMITED"
            && let Some(quota) = self.quota
        {
            extensions.insert("retryAfter".into(), quota.reset_secs.into());
        }
        extensions.insert("requestId".into(), self.request_id.clone().into());
        let body = json!({ "errors": [{ "message": refusal.message, "extensions": extensions }] });
        let mut response = self.respond(status, body);
        for (name, value) in refusal.headers {
            response.headers_mut().insert(name, value);
        }
        response
    }

    /// Renders an async-graphql response: without `data` when nothing executed, every error with the request
    /// id and without internals. Serialized straight from the response, so `data` keeps the query's field order.
    fn render(&self, mut response: async_graphql::Response, executed: bool) -> Response {
        let first_code = response.errors.first().and_then(|e| {
            e.extensions.as_ref().and_then(|x| match x.get("code") {
                Some(async_graphql::Value::String(code)) => Some(code.clone()),
                _ => None,
            })
        });
        let retry_after = rate_limited(&response.errors);
        for error in &mut response.errors {
            self.scrub(error);
        }
        #[derive(serde::Serialize)]
        struct Body<'a> {
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            errors: &'a [async_graphql::ServerError],
            #[serde(skip_serializing_if = "Option::is_none")]
            data: Option<&'a async_graphql::Value>,
            #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
            extensions: &'a std::collections::BTreeMap<String, async_graphql::Value>,
        }
        let body = Body {
            errors: &response.errors,
            data: executed.then_some(&response.data),
            extensions: &response.extensions,
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec());
        let status = match (executed, self.media) {
            // A resolver's own limit (sign-in attempts, inquiries per address) answers like the endpoint's: 429 and
            // Retry-After, whatever the media type; `data` stays, since what ran before it did run.
            _ if retry_after.is_some() => StatusCode::TOO_MANY_REQUESTS,
            (true, _) | (false, ResponseType::Json) => StatusCode::OK,
            (false, ResponseType::GraphQLResponseJson) => match first_code.as_deref() {
                Some("UNAUTHENTICATED") => StatusCode::UNAUTHORIZED,
                Some("INTERNAL") => StatusCode::INTERNAL_SERVER_ERROR,
                _ => StatusCode::BAD_REQUEST,
            },
        };
        let mut http = self.respond_bytes(status, bytes);
        for (name, value) in response.http_headers.iter() {
            http.headers_mut().append(name, value.clone());
        }
        if let Some(seconds) = retry_after {
            http.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        http
    }

    /// Adds the request id to an error, and replaces a message that looks like an internal (a Rust path, a file,
    /// SQL) with an opaque `INTERNAL`: a last line of defence behind `AppError`'s own mapping.
    fn scrub(&self, error: &mut async_graphql::ServerError) {
        let code = error.extensions.as_ref().and_then(|x| match x.get("code") {
            Some(async_graphql::Value::String(code)) => Some(code.clone()),
            _ => None,
        });
        if matches!(code.as_deref(), None | Some("INTERNAL")) && looks_internal(&error.message) {
            tracing::error!(error = %error.message, "internal detail withheld from a GraphQL error");
            error.message = "internal error".into();
            error.extensions = Some(Default::default());
            error.locations.clear();
            error.path.clear();
            if let Some(extensions) = error.extensions.as_mut() {
                extensions.set("code", "INTERNAL");
            }
        }
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("requestId", self.request_id.clone());
    }

    fn respond(&self, status: StatusCode, body: Value) -> Response {
        self.respond_bytes(status, body.to_string().into_bytes())
    }

    fn respond_bytes(&self, status: StatusCode, body: Vec<u8>) -> Response {
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, self.media.content_type());
        if let Some(quota) = self.quota {
            headers.insert("ratelimit-limit", HeaderValue::from(quota.limit));
            headers.insert("ratelimit-remaining", HeaderValue::from(quota.remaining));
            headers.insert("ratelimit-reset", HeaderValue::from(quota.reset_secs));
        }
        response
    }
}

/// The longest `retryAfter` of the `RATE_LIMITED` errors a resolver raised, if any did.
fn rate_limited(errors: &[ServerError]) -> Option<u64> {
    errors
        .iter()
        .filter_map(|error| {
            let extensions = error.extensions.as_ref()?;
            match (extensions.get("code"), extensions.get("retryAfter")) {
                (
                    Some(async_graphql::Value::String(code)),
                    Some(async_graphql::Value::Number(seconds)),
                ) if code == "RATE_LIMITED" => seconds.as_u64(),
                _ => None,
            }
        })
        .max()
}

/// Whether an error message carries what a client must never see: Rust paths, source files, SQL, driver text.
pub fn looks_internal(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    message.contains("::")
        || lower.contains(".rs:")
        || lower.contains("panicked")
        || lower.contains("backtrace")
        || lower.contains("/src/")
        || lower.contains("sqlx")
        || lower.contains("sqlite")
        || lower.contains("postgres")
        || lower.contains("error returned from database")
        || lower.contains("select ")
        || lower.contains("insert into")
        || lower.contains("delete from")
}

/// The parameters of a GET: `query`, and `operationName`, `variables` and `extensions` (JSON) when present.
fn from_query_string(parts: &Parts) -> Result<async_graphql::Request, Refusal> {
    let Query(params) =
        Query::<std::collections::HashMap<String, String>>::try_from_uri(&parts.uri)
            .map_err(|_| Refusal::bad_request("the query string is malformed"))?;
    let mut object = Map::new();
    if let Some(query) = params.get("query") {
        object.insert("query".into(), query.clone().into());
    }
    if let Some(name) = params.get("operationName").filter(|n| !n.is_empty()) {
        object.insert("operationName".into(), name.clone().into());
    }
    for key in ["variables", "extensions"] {
        if let Some(raw) = params.get(key).filter(|raw| !raw.is_empty()) {
            let value: Value = serde_json::from_str(raw)
                .map_err(|_| Refusal::bad_request(format!("`{key}` is not valid JSON")))?;
            object.insert(key.into(), value);
        }
    }
    graphql_request(Value::Object(object))
}

/// Reads at most `limit` bytes of body, refusing more with 413 as soon as it is known.
async fn read_json_request(body: Body, limit: usize) -> Result<async_graphql::Request, Refusal> {
    let too_large = || {
        Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "BAD_REQUEST",
            format!("the request body is larger than {limit} bytes"),
        )
    };
    let mut bytes = Vec::new();
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|_| Refusal::bad_request("the request body could not be read"))?;
        if bytes.len() + chunk.len() > limit {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    match first {
        None => return Err(Refusal::bad_request("the request body is empty")),
        Some(b'[') => return Err(Refusal::bad_request("batched requests are not supported")),
        _ => {}
    }
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|_| Refusal::bad_request("the request body is not valid JSON"))?;
    graphql_request(value)
}

/// Checks the shape of a GraphQL-over-HTTP request: `query` a string; `operationName` a string or null;
/// `variables` and `extensions` maps or null.
fn graphql_request(value: Value) -> Result<async_graphql::Request, Refusal> {
    let Value::Object(mut object) = value else {
        return Err(Refusal::bad_request("the request must be a JSON object"));
    };
    let query = match object.remove("query") {
        Some(Value::String(query)) => query,
        Some(_) => return Err(Refusal::bad_request("`query` must be a string")),
        None => return Err(Refusal::bad_request("`query` is missing")),
    };
    let mut request = async_graphql::Request::new(query);
    match object.remove("operationName") {
        None | Some(Value::Null) => {}
        Some(Value::String(name)) => request = request.operation_name(name),
        Some(_) => return Err(Refusal::bad_request("`operationName` must be a string")),
    }
    match object.remove("variables") {
        None | Some(Value::Null) => {}
        Some(variables @ Value::Object(_)) => {
            request = request.variables(Variables::from_json(variables));
        }
        Some(_) => return Err(Refusal::bad_request("`variables` must be an object")),
    }
    match object.remove("extensions") {
        None | Some(Value::Null) => {}
        Some(extensions @ Value::Object(_)) => {
            request.extensions = serde_json::from_value(extensions)
                .map_err(|_| Refusal::bad_request("`extensions` is malformed"))?;
        }
        Some(_) => return Err(Refusal::bad_request("`extensions` must be an object")),
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_looking_messages_are_recognised() {
        assert!(looks_internal(
            "Data `acegate::service::Caller` does not exist."
        ));
        assert!(looks_internal(
            "error returned from database: relation \"x\" does not exist"
        ));
        assert!(looks_internal("thread 'main' panicked at src/app.rs:12:5"));
        assert!(!looks_internal("not found"));
        assert!(!looks_internal("Unknown field \"foo\" on type \"Query\"."));
    }
}
