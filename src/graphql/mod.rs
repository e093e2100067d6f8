//! The GraphQL schema: assembly, per-request context, types and resolvers. Resolvers stay thin and call the
//! service layer.

pub mod connection;
pub mod context;
pub mod cost;
pub mod documents;
pub mod error_codes;
pub mod ids;
pub mod input_text;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod node;
pub mod projection;
pub mod query;
pub mod response_order;
pub mod subscription;
pub mod types;
pub mod variable_defaults;

use async_graphql::{Schema, SchemaBuilder};

pub type AppSchema = Schema<query::Query, mutation::Mutation, subscription::Subscription>;

/// The schema without runtime data: enough for SDL export.
pub fn builder() -> SchemaBuilder<query::Query, mutation::Mutation, subscription::Subscription> {
    describe_library_types(Schema::build(
        query::Query,
        mutation::Mutation::default(),
        subscription::Subscription,
    ))
}

/// Descriptions of the types async-graphql defines, which it leaves blank or words for Rust readers.
fn describe_library_types<Q, M, S>(builder: SchemaBuilder<Q, M, S>) -> SchemaBuilder<Q, M, S> {
    use types::{audit, customer, inquiry, opportunity, partner, vc_firm};
    /// One description per connection type, from one template.
    macro_rules! pages {
        ($builder:expr, $($node:ty => $items:literal),* $(,)?) => {
            $builder$(.override_output_type_description::<connection::PagedConnection<$node>>(concat!(
                "A page of ", $items, ": `first` or `last` of them (50 when neither is given, at most 100), with ",
                "`pageInfo` to fetch the pages around it."
            )))*
        };
    }
    let builder = builder
        .override_output_type_description::<chrono::DateTime<chrono::Utc>>(
            "An instant, as an RFC 3339 string in UTC, e.g. `2026-01-31T09:30:00Z`.",
        )
        .override_output_type_description::<async_graphql::connection::PageInfo>(
            "Where a page of a connection starts and ends, and whether there are pages before and after it.",
        );
    pages!(
        builder,
        customer::Customer => "customers",
        partner::Partner => "partner firms",
        vc_firm::VcFirm => "VC firms",
        vc_firm::FundingAttestation => "funding attestations",
        opportunity::Opportunity => "opportunity records",
        opportunity::CreditGrant => "credit grants",
        audit::AuditEvent => "audit events",
        inquiry::Inquiry => "inquiries",
    )
}

/// The SDL of the whole schema, as committed in `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}
