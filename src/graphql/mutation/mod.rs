//! The write side of the schema, one resolver struct per domain, merged. Every mutation takes one `input` and
//! returns a payload with `userErrors`; resolvers parse input and call the service layer.

mod auth;
mod customers;
mod inquiries;
mod opportunities;
mod partners;
mod vc_firms;

use async_graphql::MergedObject;
pub use auth::{ClientIp, LoginLimiter};
pub use inquiries::InquiryLimiter;

/// Every change: a mutation takes one `input` (`logout` none) and returns a payload with `userErrors`.
#[derive(MergedObject, Default)]
pub struct Mutation(
    opportunities::OpportunityMutation,
    auth::AuthMutation,
    customers::CustomerMutation,
    partners::PartnerMutation,
    vc_firms::VcFirmMutation,
    inquiries::InquiryMutation,
);
