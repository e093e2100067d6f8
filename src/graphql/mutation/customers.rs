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

/// A new customer; a partner's customer belongs to its firm.
#[derive(InputObject)]
pub struct CreateCustomerInput {
    /// The company's registered legal name, at most 200 characters.
    pub legal_name: String,
    /// The company's website, an http(s) URL.
    pub website: String,
    /// The company's AWS account ID, exactly 12 digits and unique across customers.
    pub aws_account_id: String,
    /// The company's country, as an ISO 3166-1 alpha-2 code, e.g. GB.
    pub country: String,
    /// Whether the company is incorporated.
    pub incorporated: bool,
    /// The company's current funding stage.
    pub funding_stage: FundingStage,
    /// How many engineers the company employs, 0 to 1,000,000.
    pub engineer_count: i32,
    /// How many months the company has run on AWS, 0 to 1,000,000.
    pub months_on_aws: i32,
    /// The company's current monthly AWS spend, in whole US dollars, at most 1,000,000,000.
    pub monthly_aws_spend_usd: i64,
    /// Share of AWS spend billed through AWS Marketplace, 0 to 1.
    pub marketplace_spend_share: f64,
    /// Whether the company's product competes with AWS.
    pub competes_with_aws: bool,
    /// Self-serve credit received earlier (e.g. the $5K Founders tier); 0 when absent.
    pub self_serve_credit_usd: Option<i64>,
}

/// A partial update: only the fields given change.
#[derive(InputObject)]
pub struct UpdateCustomerInput {
    /// The customer to change.
    pub id: ID,
    /// A new legal name, at most 200 characters.
    pub legal_name: Option<String>,
    /// A new website, an http(s) URL.
    pub website: Option<String>,
    /// A new 12-digit AWS account ID, unique across customers; refused once credits were issued to the current one.
    pub aws_account_id: Option<String>,
    /// A new ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// Whether the company is incorporated.
    pub incorporated: Option<bool>,
    /// A new funding stage.
    pub funding_stage: Option<FundingStage>,
    /// A new engineer headcount, 0 to 1,000,000.
    pub engineer_count: Option<i32>,
    /// A new number of months on AWS, 0 to 1,000,000.
    pub months_on_aws: Option<i32>,
    /// A new monthly AWS spend, in whole US dollars, at most 1,000,000,000.
    pub monthly_aws_spend_usd: Option<i64>,
    /// A new share of AWS spend billed through AWS Marketplace, 0 to 1.
    pub marketplace_spend_share: Option<f64>,
    /// Whether the company's product competes with AWS.
    pub competes_with_aws: Option<bool>,
    /// A new amount of self-serve credit received earlier, in whole US dollars.
    pub self_serve_credit_usd: Option<i64>,
}

/// The result of `createCustomer`.
#[derive(SimpleObject)]
pub struct CreateCustomerPayload {
    /// The customer created; null when the input was refused.
    pub customer: Option<Customer>,
    /// Why the input was refused, one entry per problem; when any is present, nothing changed.
    pub user_errors: Vec<UserError>,
}

/// The result of `updateCustomer`.
#[derive(SimpleObject)]
pub struct UpdateCustomerPayload {
    /// The customer as changed; null when the input was refused.
    pub customer: Option<Customer>,
    /// Why the input was refused, one entry per problem; when any is present, nothing changed.
    pub user_errors: Vec<UserError>,
}

#[Object]
impl CustomerMutation {
    /// Creates a customer. A partner's customer belongs to its firm. PARTNER or ADMIN.
    async fn create_customer(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer to create.")] input: CreateCustomerInput,
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
        #[graphql(desc = "The customer and the fields to change.")] input: UpdateCustomerInput,
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
