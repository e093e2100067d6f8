//! Per-request DataLoaders: every relation of a page is fetched in one batched query per relation, whatever the
//! page size. Loaders built from a [`Caller`] apply the caller's scope; the others load rows referenced by rows the
//! caller already sees.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{
    clarification_message, consumption_line, credit_grant, customer, enums::FundingSource,
    funding_attestation, opportunity, partner, review_decision, user, vc_firm,
};
use sea_orm::DatabaseConnection;

use crate::{error::AppError, service, service::Caller};

macro_rules! loader {
    ($name:ident, $source:ty, $value:ty, $load:path) => {
        pub struct $name($source);

        impl Loader<i64> for $name {
            type Value = $value;
            type Error = AppError;

            async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
                $load(&self.0, keys).await
            }
        }
    };
}

loader!(
    UserById,
    DatabaseConnection,
    user::Model,
    service::accounts::load_by_ids
);
loader!(
    CustomerById,
    DatabaseConnection,
    customer::Model,
    service::customers::load_by_ids
);
loader!(
    VisibleCustomerById,
    Caller,
    customer::Model,
    service::customers::visible_by_ids
);
loader!(
    PartnerById,
    DatabaseConnection,
    partner::Model,
    service::partners::load_by_ids
);
loader!(
    VcFirmById,
    DatabaseConnection,
    vc_firm::Model,
    service::vc_firms::load_by_ids
);
loader!(
    OpportunityById,
    DatabaseConnection,
    opportunity::Model,
    service::opportunities::load_by_ids
);
loader!(
    PartnerRegions,
    DatabaseConnection,
    Vec<String>,
    service::partners::regions
);
loader!(
    PartnerSpecialties,
    DatabaseConnection,
    Vec<String>,
    service::partners::specialties
);
loader!(
    ConsumptionLines,
    DatabaseConnection,
    Vec<consumption_line::Model>,
    service::opportunities::consumption_lines
);
loader!(
    Decisions,
    DatabaseConnection,
    Vec<review_decision::Model>,
    service::opportunities::decisions
);
loader!(
    Messages,
    DatabaseConnection,
    Vec<clarification_message::Model>,
    service::opportunities::messages
);
loader!(
    GrantByOpportunity,
    DatabaseConnection,
    credit_grant::Model,
    service::opportunities::grants
);
loader!(
    AttestationsByCustomer,
    Caller,
    Vec<funding_attestation::Model>,
    service::vc_firms::attestations_by_customer
);
loader!(
    GrantsByCustomer,
    Caller,
    Vec<(credit_grant::Model, FundingSource)>,
    service::customers::grants_by_customer
);
loader!(
    TrackRecords,
    Caller,
    crate::domain::track_record::TrackRecord,
    service::track_record::visible_track_records
);

/// All loaders of one request.
pub struct Loaders {
    pub users: DataLoader<UserById>,
    pub customers: DataLoader<CustomerById>,
    /// Customers the caller may see; others are absent.
    pub visible_customers: DataLoader<VisibleCustomerById>,
    pub partners: DataLoader<PartnerById>,
    pub vc_firms: DataLoader<VcFirmById>,
    pub opportunities: DataLoader<OpportunityById>,
    pub partner_regions: DataLoader<PartnerRegions>,
    pub partner_specialties: DataLoader<PartnerSpecialties>,
    pub consumption_lines: DataLoader<ConsumptionLines>,
    pub decisions: DataLoader<Decisions>,
    pub messages: DataLoader<Messages>,
    pub grant_by_opportunity: DataLoader<GrantByOpportunity>,
    pub attestations_by_customer: DataLoader<AttestationsByCustomer>,
    pub grants_by_customer: DataLoader<GrantsByCustomer>,
    /// Track records of the partners the caller may see; others are absent.
    pub track_records: DataLoader<TrackRecords>,
}

impl Loaders {
    pub fn new(caller: &Caller) -> Self {
        fn make<L: Loader<i64>>(loader: L) -> DataLoader<L> {
            DataLoader::new(loader, tokio::spawn)
        }
        let db = &caller.db;
        Self {
            users: make(UserById(db.clone())),
            customers: make(CustomerById(db.clone())),
            visible_customers: make(VisibleCustomerById(caller.clone())),
            partners: make(PartnerById(db.clone())),
            vc_firms: make(VcFirmById(db.clone())),
            opportunities: make(OpportunityById(db.clone())),
            partner_regions: make(PartnerRegions(db.clone())),
            partner_specialties: make(PartnerSpecialties(db.clone())),
            consumption_lines: make(ConsumptionLines(db.clone())),
            decisions: make(Decisions(db.clone())),
            messages: make(Messages(db.clone())),
            grant_by_opportunity: make(GrantByOpportunity(db.clone())),
            attestations_by_customer: make(AttestationsByCustomer(caller.clone())),
            grants_by_customer: make(GrantsByCustomer(caller.clone())),
            track_records: make(TrackRecords(caller.clone())),
        }
    }
}
