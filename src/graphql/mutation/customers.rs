//! Creating and updating customers (partners for their own firm, admins for anyone).

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

use crate::{
    error::{UserError, payload_parts},
    graphql::{
        context::caller,
        ids::{self, NodeType},
        types::{customer::Customer, enums::FundingStage},
    },
    service::customers::{self as service, CustomerChanges, NewCustomer},
};

#[derive(Default)]
pub struct CustomerMutation;

#[derive(InputObject)]
pub struct CreateCustomerInput {
    pub legal_name: String,
    /// An http(s) URL.
    pub website: String,
    /// Exactly 12 digits; unique across customers.
    pub aws_account_id: String,
    /// ISO 3166-1 alpha-2 country code, e.g. GB.
    pub country: String,
    pub incorporated: bool,
    pub funding_stage: FundingStage,
    pub engineer_count: i32,
    pub months_on_aws: i32,
    pub monthly_aws_spend_usd: i64,
    /// Share of AWS spend billed through AWS Marketplace, 0 to 1.
    pub marketplace_spend_share: f64,
    pub competes_with_aws: bool,
    /// Self-serve credit received earlier (e.g. the $5K Founders tier); 0 when absent.
    pub self_serve_credit_usd: Option<i64>,
}

/// A partial update: only the fields given change.
#[derive(InputObject)]
pub struct UpdateCustomerInput {
    pub id: ID,
    pub legal_name: Option<String>,
    pub website: Option<String>,
    pub aws_account_id: Option<String>,
    pub country: Option<String>,
    pub incorporated: Option<bool>,
    pub funding_stage: Option<FundingStage>,
    pub engineer_count: Option<i32>,
    pub months_on_aws: Option<i32>,
    pub monthly_aws_spend_usd: Option<i64>,
    pub marketplace_spend_share: Option<f64>,
    pub competes_with_aws: Option<bool>,
    pub self_serve_credit_usd: Option<i64>,
}

#[derive(SimpleObject)]
pub struct CreateCustomerPayload {
    pub customer: Option<Customer>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct UpdateCustomerPayload {
    pub customer: Option<Customer>,
    pub user_errors: Vec<UserError>,
}

#[Object]
impl CustomerMutation {
    /// Creates a customer. A partner's customer belongs to its firm. PARTNER or ADMIN.
    async fn create_customer(
        &self,
        ctx: &Context<'_>,
        input: CreateCustomerInput,
    ) -> Result<CreateCustomerPayload> {
        let new = NewCustomer {
            legal_name: input.legal_name,
            website: input.website,
            aws_account_id: input.aws_account_id,
            country: input.country,
            incorporated: input.incorporated,
            funding_stage: input.funding_stage.into(),
            engineer_count: input.engineer_count,
            months_on_aws: input.months_on_aws,
            monthly_aws_spend_usd: input.monthly_aws_spend_usd,
            marketplace_spend_share: input.marketplace_spend_share,
            competes_with_aws: input.competes_with_aws,
            self_serve_credit_usd: input.self_serve_credit_usd,
        };
        let (customer, user_errors) = payload_parts(service::create(caller(ctx)?, new).await)?;
        Ok(CreateCustomerPayload {
            customer: customer.map(Customer),
            user_errors,
        })
    }

    /// Updates the given fields of a customer the viewer works with. PARTNER (its firm's customers) or ADMIN.
    async fn update_customer(
        &self,
        ctx: &Context<'_>,
        input: UpdateCustomerInput,
    ) -> Result<UpdateCustomerPayload> {
        let id = ids::expect(&input.id, NodeType::Customer, "input.id")?;
        let changes = CustomerChanges {
            legal_name: input.legal_name,
            website: input.website,
            aws_account_id: input.aws_account_id,
            country: input.country,
            incorporated: input.incorporated,
            funding_stage: input.funding_stage.map(Into::into),
            engineer_count: input.engineer_count,
            months_on_aws: input.months_on_aws,
            monthly_aws_spend_usd: input.monthly_aws_spend_usd,
            marketplace_spend_share: input.marketplace_spend_share,
            competes_with_aws: input.competes_with_aws,
            self_serve_credit_usd: input.self_serve_credit_usd,
        };
        let (customer, user_errors) =
            payload_parts(service::update(caller(ctx)?, id, changes).await)?;
        Ok(UpdateCustomerPayload {
            customer: customer.map(Customer),
            user_errors,
        })
    }
}
