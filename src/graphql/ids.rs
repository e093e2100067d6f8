//! Opaque global IDs: `base64url("Type:rowid")`. Clients treat them as opaque strings; the type prefix lets
//! `node(id:)` route and lets typed inputs refuse an ID of the wrong kind.

use async_graphql::ID;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use crate::error::AppError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeType {
    User,
    Customer,
    Partner,
    VcFirm,
    FundingAttestation,
    Opportunity,
    ReviewDecision,
    CreditGrant,
    AuditEvent,
    ApiKey,
    Inquiry,
}

impl NodeType {
    const ALL: [NodeType; 11] = [
        NodeType::User,
        NodeType::Customer,
        NodeType::Partner,
        NodeType::VcFirm,
        NodeType::FundingAttestation,
        NodeType::Opportunity,
        NodeType::ReviewDecision,
        NodeType::CreditGrant,
        NodeType::AuditEvent,
        NodeType::ApiKey,
        NodeType::Inquiry,
    ];

    pub fn name(self) -> &'static str {
        match self {
            NodeType::User => "User",
            NodeType::Customer => "Customer",
            NodeType::Partner => "Partner",
            NodeType::VcFirm => "VcFirm",
            NodeType::FundingAttestation => "FundingAttestation",
            NodeType::Opportunity => "Opportunity",
            NodeType::ReviewDecision => "ReviewDecision",
            NodeType::CreditGrant => "CreditGrant",
            NodeType::AuditEvent => "AuditEvent",
            NodeType::ApiKey => "ApiKey",
            NodeType::Inquiry => "Inquiry",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    pub fn id(self, row_id: i64) -> ID {
        ID(URL_SAFE_NO_PAD.encode(format!("{}:{row_id}", self.name())))
    }
}

/// Splits a global ID into its type and row id; `None` for anything that is not one of ours.
pub fn decode(id: &str) -> Option<(NodeType, i64)> {
    let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(id.trim()).ok()?).ok()?;
    let (kind, row) = raw.split_once(':')?;
    let row_id: i64 = row.parse().ok()?;
    (row_id > 0).then_some(())?;
    Some((NodeType::from_name(kind)?, row_id))
}

/// Decodes an ID that must be of one type, for input fields such as `partnerId`.
pub fn expect(id: &ID, expected: NodeType, field: &str) -> Result<i64, AppError> {
    match decode(id) {
        Some((kind, row_id)) if kind == expected => Ok(row_id),
        _ => Err(AppError::BadUserInput(format!(
            "`{field}` is not a valid {} ID",
            expected.name()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_round_trips_and_keeps_its_type() {
        let id = NodeType::Opportunity.id(42);
        assert_eq!(decode(&id), Some((NodeType::Opportunity, 42)));
        assert!(expect(&id, NodeType::Customer, "customerId").is_err());
    }

    #[test]
    fn garbage_is_not_an_id() {
        for junk in ["", "42", "T3Bwb3J0dW5pdHk6", "Zm9vOjE", "VXNlcjotMQ"] {
            assert_eq!(decode(junk), None, "{junk}");
        }
    }
}
