//! Gives every GraphQL error an `extensions.code`, as API.md promises and Apollo's servers do.
//!
//! acegate's own errors carry a code from [`crate::error::AppError`]; async-graphql's own do not: a syntax error, a
//! validation error (an unknown field, a bad enum value, a missing variable), an operation name that matches
//! nothing, or a scalar that fails to parse while arguments are read. This extension codes them by the phase they
//! came from, for every transport: `GRAPHQL_PARSE_FAILED` before the document parsed, `GRAPHQL_VALIDATION_FAILED`
//! until execution started, and `BAD_USER_INPUT` for an argument value that failed to parse during execution.

use std::sync::{
    Arc,
    atomic::{AtomicU8, Ordering},
};

use async_graphql::{
    Response, ServerError, ServerResult, ValidationResult, Variables,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextRequest,
        NextSubscribe, NextValidation,
    },
    futures_util::stream::BoxStream,
    parser::types::ExecutableDocument,
};
use futures_util::StreamExt;

pub const PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
pub const VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
/// An operation the transport cannot run (a subscription over HTTP).
pub const BAD_REQUEST: &str = "BAD_REQUEST";
pub const INTERNAL: &str = "INTERNAL";

/// The error's code, if it has one.
pub fn code_of(error: &ServerError) -> Option<&str> {
    match error.extensions.as_ref()?.get("code") {
        Some(async_graphql::Value::String(code)) => Some(code),
        _ => None,
    }
}

/// `error` with `code`, unless it already has one.
pub fn coded(mut error: ServerError, code: &str) -> ServerError {
    if code_of(&error).is_none() {
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
    error
}

/// A syntax error, coded, with the parser's multi-line diagram reduced to its one line of substance
/// (`expected selection`); the location stays in `locations`.
pub fn parse_failed(mut error: ServerError) -> ServerError {
    if let Some(expected) = error
        .message
        .lines()
        .rev()
        .find_map(|line| line.trim().strip_prefix("= "))
    {
        error.message = format!("syntax error: {expected}");
    }
    coded(error, PARSE_FAILED)
}

/// The id a WebSocket connection's errors carry (session data), as every HTTP error carries its request's.
#[derive(Clone)]
pub struct RequestId(pub String);

fn stamp(errors: &mut [ServerError], request_id: &str) {
    for error in errors {
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("requestId", request_id);
    }
}

/// The schema extension.
pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Coder(Arc::default()))
    }
}

/// How far a request got; an error without a code is coded by it.
#[derive(Default)]
struct Progress(AtomicU8);

const STARTED: u8 = 0;
const PARSED: u8 = 1;
const VALIDATED: u8 = 2;
const EXECUTING: u8 = 3;

impl Progress {
    fn reached(&self, phase: u8) {
        self.0.fetch_max(phase, Ordering::AcqRel);
    }

    fn code(&self, errors: &mut [ServerError]) {
        let phase = self.0.load(Ordering::Acquire);
        for error in errors.iter_mut() {
            if code_of(error).is_some() {
                continue;
            }
            let code = match phase {
                STARTED => {
                    *error = parse_failed(std::mem::replace(error, ServerError::new("", None)));
                    continue;
                }
                PARSED => VALIDATION_FAILED,
                // After validation: choosing the operation, then executing it (a subscription's root field runs
                // before any event, outside the execute hook).
                _ => execution_code(&error.message),
            };
            *error = coded(std::mem::replace(error, ServerError::new("", None)), code);
        }
    }
}

/// The code of an uncoded error raised after validation: async-graphql's own messages for an operation name that
/// selects nothing, an argument that does not parse, or a subscription sent to a transport without them. Anything
/// else is a defect, logged as such.
fn execution_code(message: &str) -> &'static str {
    if message.starts_with("Unknown operation named")
        || message.starts_with("Operation name required")
    {
        VALIDATION_FAILED
    } else if message.starts_with("Failed to parse") || message.starts_with("Invalid value") {
        BAD_USER_INPUT
    } else if message.starts_with("Subscriptions are not supported") {
        BAD_REQUEST
    } else {
        tracing::error!(error = %message, "a GraphQL error without a code");
        INTERNAL
    }
}

struct Coder(Arc<Progress>);

#[async_graphql::async_trait::async_trait]
impl Extension for Coder {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        self.0.code(&mut response.errors);
        response
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        let progress = self.0.clone();
        let request_id = ctx.data_opt::<RequestId>().cloned();
        next.run(ctx, stream)
            .map(move |mut response| {
                progress.code(&mut response.errors);
                if let Some(RequestId(id)) = &request_id {
                    stamp(&mut response.errors, id);
                }
                response
            })
            .boxed()
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next
            .run(ctx, query, variables)
            .await
            .map_err(parse_failed)?;
        self.0.reached(PARSED);
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|error| coded(error, VALIDATION_FAILED))
                .collect::<Vec<_>>()
        })?;
        self.0.reached(VALIDATED);
        Ok(result)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        self.0.reached(EXECUTING);
        let mut response = next.run(ctx, operation_name).await;
        // A subscription's events are coded here, one by one, as they are produced.
        self.0.code(&mut response.errors);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_uncoded_error_is_coded_by_the_phase_it_came_from() {
        let cases = [
            (STARTED, "expected selection", PARSE_FAILED),
            (PARSED, "Unknown field \"nope\"", VALIDATION_FAILED),
            (
                VALIDATED,
                "Operation name required in request.",
                VALIDATION_FAILED,
            ),
            (EXECUTING, "Failed to parse \"DateTime\"", BAD_USER_INPUT),
            (
                EXECUTING,
                "Subscriptions are not supported on this transport.",
                BAD_REQUEST,
            ),
            // A subscription's root field runs after validation and before any execute hook.
            (VALIDATED, "Failed to parse \"ID\"", BAD_USER_INPUT),
            (VALIDATED, "Data `EventBus` does not exist.", INTERNAL),
        ];
        for (phase, message, code) in cases {
            let progress = Progress::default();
            progress.reached(phase);
            let mut errors = vec![ServerError::new(message, None)];
            progress.code(&mut errors);
            assert_eq!(code_of(&errors[0]), Some(code), "{message}");
        }
    }

    #[test]
    fn a_syntax_error_reads_as_one_line() {
        let error = async_graphql::parser::parse_query("{ viewer { id }").unwrap_err();
        let error = parse_failed(ServerError::new(error.to_string(), None));
        assert_eq!(error.message, "syntax error: expected selection");
        assert_eq!(code_of(&error), Some(PARSE_FAILED));
    }

    #[test]
    fn a_code_already_there_stays() {
        let progress = Progress::default();
        let mut errors = vec![coded(ServerError::new("slow", None), "TIMEOUT")];
        progress.code(&mut errors);
        assert_eq!(code_of(&errors[0]), Some("TIMEOUT"));
    }
}
