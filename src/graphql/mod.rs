//! The GraphQL schema: assembly, per-request context, types and resolvers. Resolvers stay thin and call the
//! service layer.

pub mod connection;
pub mod context;
pub mod cost;
pub mod documents;
pub mod ids;
pub mod input_text;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod node;
pub mod projection;
pub mod query;
pub mod subscription;
pub mod types;

use async_graphql::{Schema, SchemaBuilder};

pub type AppSchema = Schema<query::Query, mutation::Mutation, subscription::Subscription>;

/// The schema without runtime data: enough for SDL export.
pub fn builder() -> SchemaBuilder<query::Query, mutation::Mutation, subscription::Subscription> {
    Schema::build(
        query::Query,
        mutation::Mutation::default(),
        subscription::Subscription,
    )
}

/// The SDL of the whole schema, as committed in `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}
