//! Inquiries: submitting one (open to anonymous callers, rate-limited per IP) and accepting one (which creates the
//! customer for the partner that takes it).

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use sea_orm::DatabaseConnection;

use super::auth::ClientIp;
use crate::{
    error::{AppError, UserError, payload_parts},
    graphql::{
        context::caller,
        ids::{self, NodeType},
        types::{
            customer::Customer,
            enums::{AwsService, FundingStage},
            inquiry::Inquiry,
        },
    },
    ratelimit::Limiter,
    service::{
        Caller,
        inquiries::{self as service, Acceptance, NewInquiry},
    },
};

/// The per-IP limiter of `submitInquiry`, in the schema data: the mutation is public, so it is what stands between
/// a script and the inquiries table.
pub struct InquiryLimiter(pub Limiter);

#[derive(Default)]
pub struct InquiryMutation;

/// A company looking for a partner.
#[derive(InputObject)]
pub struct SubmitInquiryInput {
    /// The company's name.
    pub company_name: String,
    /// ENTERPRISE and PUBLIC_SECTOR are refused: they use private pricing, not Activate credits.
    pub funding_stage: FundingStage,
    /// One sentence or a short paragraph (at most 1,000 characters).
    pub use_case: String,
    /// The company's region, one of EU, UK, US, APAC and LATAM.
    pub region: String,
    /// The AWS services the company needs, at least one.
    pub services: Vec<AwsService>,
    /// An email address to reach the company at.
    pub contact_email: String,
}

/// The result of `submitInquiry`.
#[derive(SimpleObject)]
pub struct SubmitInquiryPayload {
    /// The inquiry stored, with the partner firm it is routed to; null when the input was refused.
    pub inquiry: Option<Inquiry>,
    /// Why the input was refused, one entry per problem; when any is present, nothing changed.
    pub user_errors: Vec<UserError>,
}

/// The company's details as a customer; its funding stage comes from the inquiry.
#[derive(InputObject)]
pub struct AcceptInquiryInput {
    /// The inquiry to accept.
    pub id: ID,
    /// The partner firm the customer goes to: required from an admin; a partner user's own firm by default.
    pub partner_id: Option<ID>,
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
    /// Self-serve credit received earlier; 0 when absent.
    pub self_serve_credit_usd: Option<i64>,
}

/// The result of `acceptInquiry`.
#[derive(SimpleObject)]
pub struct AcceptInquiryPayload {
    /// The inquiry as accepted; null when the input was refused.
    pub inquiry: Option<Inquiry>,
    /// The customer created from the inquiry; null when the input was refused.
    pub customer: Option<Customer>,
    /// Why the input was refused, one entry per problem; when any is present, nothing changed.
    pub user_errors: Vec<UserError>,
}

#[Object]
impl InquiryMutation {
    /// Describes a company looking for a partner; acegate routes it to the best-matching partner firm. Open to
    /// anonymous callers and limited per client IP (`RATE_LIMITED`). An invalid field is a userError and nothing is
    /// stored.
    async fn submit_inquiry(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company looking for a partner.")] input: SubmitInquiryInput,
    ) -> Result<SubmitInquiryPayload> {
        if let (Some(limiter), Some(ip)) =
            (ctx.data_opt::<InquiryLimiter>(), ctx.data_opt::<ClientIp>())
            && let Err(exceeded) = limiter.0.check(&ip.0)
        {
            return Err(AppError::RateLimited {
                retry_after_secs: exceeded.retry_after_secs,
            }
            .into());
        }
        let new = NewInquiry {
            company_name: input.company_name,
            funding_stage: input.funding_stage.into(),
            use_case: input.use_case,
            region: input.region,
            services: input.services.into_iter().map(Into::into).collect(),
            contact_email: input.contact_email,
        };
        let db = ctx.data::<DatabaseConnection>()?;
        let (inquiry, user_errors) =
            payload_parts(service::submit(db, ctx.data_opt::<Caller>(), new).await)?;
        Ok(SubmitInquiryPayload {
            inquiry: inquiry.map(Inquiry),
            user_errors,
        })
    }

    /// Accepts an inquiry: creates its customer (validated like `createCustomer`) for the partner firm that takes
    /// it. ADMIN (naming `partnerId`) or a PARTNER user for an inquiry routed to its firm. Accepting twice is the
    /// userError `ALREADY_ACCEPTED`.
    async fn accept_inquiry(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The inquiry and the customer's details.")] input: AcceptInquiryInput,
    ) -> Result<AcceptInquiryPayload> {
        let caller = caller(ctx)?;
        let id = ids::expect(&input.id, NodeType::Inquiry, "input.id")?;
        let partner_id = input
            .partner_id
            .map(|id| ids::expect(&id, NodeType::Partner, "input.partnerId"))
            .transpose()?;
        let acceptance = Acceptance {
            partner_id,
            legal_name: input.legal_name,
            website: input.website,
            aws_account_id: input.aws_account_id,
            country: input.country,
            incorporated: input.incorporated,
            engineer_count: input.engineer_count,
            months_on_aws: input.months_on_aws,
            monthly_aws_spend_usd: input.monthly_aws_spend_usd,
            marketplace_spend_share: input.marketplace_spend_share,
            competes_with_aws: input.competes_with_aws,
            self_serve_credit_usd: input.self_serve_credit_usd,
        };
        let (accepted, user_errors) = payload_parts(service::accept(caller, id, acceptance).await)?;
        let (inquiry, customer) = match accepted {
            Some((inquiry, customer)) => (Some(Inquiry(inquiry)), Some(Customer(customer))),
            None => (None, None),
        };
        Ok(AcceptInquiryPayload {
            inquiry,
            customer,
            user_errors,
        })
    }
}
