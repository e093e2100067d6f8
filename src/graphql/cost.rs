//! The cost of an operation, reported with its result: every executed response (HTTP, and each WebSocket `next`
//! event) carries `extensions.cost = { requested, limit }`, where `requested` is the operation's complexity exactly
//! as the complexity limit measures it (API.md: a list costs its page size × its children) and `limit` the most
//! one operation may cost. A client can see how close a query is to the limit before it is refused, and the
//! playground shows it next to each result. A refusal for complexity carries the same object in its error's
//! extensions (see [`Protections`](super::limits::Protections)).
//!
//! The [`Cost`] extension records the figure that validation computed and adds it to the response of execution,
//! so that every transport gets it without knowing about it.

use std::sync::{Arc, OnceLock};

use async_graphql::{
    Response, ServerError, ValidationResult, Value,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextValidation},
    indexmap::IndexMap,
};

/// The key of the cost in a response's (or a refusal's) `extensions`.
pub const KEY: &str = "cost";

/// `{ "requested": …, "limit": … }`.
pub fn value(requested: usize, limit: usize) -> Value {
    let mut object = IndexMap::new();
    object.insert(
        async_graphql::Name::new("requested"),
        Value::from(requested),
    );
    object.insert(async_graphql::Name::new("limit"), Value::from(limit));
    Value::Object(object)
}

/// The schema extension that reports each operation's cost; `limit` is the configured complexity limit.
#[derive(Clone, Copy, Debug)]
pub struct Cost {
    pub limit: usize,
}

impl ExtensionFactory for Cost {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Measured {
            limit: self.limit,
            requested: OnceLock::new(),
        })
    }
}

/// One request's (or one subscription's) extension: created per request, so the figure belongs to it alone.
struct Measured {
    limit: usize,
    requested: OnceLock<usize>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for Measured {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await;
        if let Ok(result) = &result {
            let _ = self.requested.set(result.complexity);
        }
        result
    }

    /// Runs once per query or mutation, and once per event of a subscription.
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        if let Some(requested) = self.requested.get() {
            response
                .extensions
                .insert(KEY.to_owned(), value(*requested, self.limit));
        }
        response
    }
}
