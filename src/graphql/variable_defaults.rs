//! Completes a request's variables with the defaults its operation declares (GraphQL's CoerceVariableValues).
//!
//! async-graphql applies a variable's default where an argument reads it, but not where `@skip(if:)` and
//! `@include(if:)` read it: those see a missing variable as false, so `query($brief: Boolean = true) { … @skip(if:
//! $brief) }` sent without variables would not skip. With the defaults in the variables, every reader agrees.

use std::sync::Arc;

use async_graphql::{
    Request, ServerResult,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest},
};

use super::limits::selected_operation;

/// The schema extension.
pub struct VariableDefaults;

impl ExtensionFactory for VariableDefaults {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(VariableDefaults)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for VariableDefaults {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let operation_name = request.operation_name.clone();
        // A document that does not parse is reported by the parse that follows.
        let defaults: Vec<_> = match request.parsed_query() {
            Ok(document) => selected_operation(document, operation_name.as_deref())
                .map(|(_, operation)| {
                    operation
                        .variable_definitions
                        .iter()
                        .filter_map(|definition| {
                            let default = definition.node.default_value.as_ref()?;
                            Some((definition.node.name.node.clone(), default.node.clone()))
                        })
                        .collect()
                })
                .unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        for (name, value) in defaults {
            request.variables.entry(name).or_insert(value);
        }
        next.run(ctx, request).await
    }
}
