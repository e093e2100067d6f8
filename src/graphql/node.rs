//! The `Node` interface and global object lookup.

use async_graphql::{ID, Interface};

use super::{
    ids::{self, NodeType},
    types::{
        audit::AuditEvent,
        customer::Customer,
        inquiry::Inquiry,
        opportunity::{CreditGrant, Opportunity, ReviewDecision},
        partner::Partner,
        user::{ApiKey, User},
        vc_firm::{FundingAttestation, VcFirm},
    },
};
use crate::{
    error::{AppError, AppResult},
    service::{self, Caller},
};

/// An object with a global ID, resolvable through `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "The object's opaque global ID."))]
pub enum Node {
    User(User),
    Customer(Customer),
    Partner(Partner),
    VcFirm(VcFirm),
    FundingAttestation(FundingAttestation),
    Opportunity(Opportunity),
    ReviewDecision(ReviewDecision),
    CreditGrant(CreditGrant),
    AuditEvent(AuditEvent),
    ApiKey(ApiKey),
    Inquiry(Inquiry),
}

/// Resolves a global ID the caller may see; anything else, malformed IDs included, is `NOT_FOUND`.
pub async fn resolve(caller: &Caller, id: &ID) -> AppResult<Node> {
    let (kind, row) = ids::decode(id).ok_or(AppError::NotFound)?;
    Ok(match kind {
        NodeType::User => Node::User(User(service::accounts::get(caller, row).await?)),
        NodeType::Customer => Node::Customer(Customer(service::customers::get(caller, row).await?)),
        NodeType::Partner => Node::Partner(Partner(service::partners::get(caller, row).await?)),
        NodeType::VcFirm => Node::VcFirm(VcFirm(service::vc_firms::get(caller, row).await?)),
        NodeType::FundingAttestation => Node::FundingAttestation(FundingAttestation(
            service::vc_firms::get_attestation(caller, row).await?,
        )),
        NodeType::Opportunity => {
            Node::Opportunity(Opportunity(service::opportunities::get(caller, row).await?))
        }
        NodeType::ReviewDecision => Node::ReviewDecision(ReviewDecision(
            service::opportunities::get_decision(caller, row).await?,
        )),
        NodeType::CreditGrant => Node::CreditGrant(CreditGrant(
            service::opportunities::get_grant(caller, row).await?,
        )),
        NodeType::AuditEvent => {
            Node::AuditEvent(AuditEvent(service::audit::get(caller, row).await?))
        }
        NodeType::ApiKey => Node::ApiKey(ApiKey(
            service::credentials::get_api_key(caller, row).await?,
        )),
        NodeType::Inquiry => Node::Inquiry(Inquiry(service::inquiries::get(caller, row).await?)),
    })
}
