//! The read side of the schema: `viewer`, global lookup and the top-level connections.

// Each GraphQL argument is a Rust parameter; a connection with filters and ordering has more than seven.
#![allow(clippy::too_many_arguments)]

use async_graphql::{Context, ID, Object, Result};

use super::{
    connection::{ConnectionTotals, PagedConnection, connection},
    context::caller,
    ids,
    node::{self, Node},
    projection::{self, Projected},
    types::{
        analytics::Analytics,
        audit::{AuditEvent, AuditEventFilter},
        customer::{Customer, CustomerFilter, CustomerLookup, CustomerOrder},
        inquiry::{Inquiry, InquiryFilter},
        opportunity::{
            CreditGrant, Opportunity, OpportunityConnection, OpportunityFilter, OpportunityOrder,
            opportunity_connection,
        },
        partner::{Partner, PartnerFilter, PartnerOrder},
        routing::{PartnerMatch, PartnerMatchInput},
        user::User,
        vc_firm::{VcFirm, VcFirmFilter},
    },
};
use crate::{
    error::AppError,
    service::{self, audit::Subject, pagination::PageRequest},
};

/// Largest number of IDs `nodes(ids:)` resolves at once, the same cap as a page.
const MAX_NODES: usize = crate::policy::MAX_PAGE_SIZE as usize;

#[derive(Default)]
pub struct Query;

/// The entry points for reading: the viewer, global lookup, the lists and the aggregates.
#[Object]
impl Query {
    /// The signed-in user; null when anonymous.
    async fn viewer(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let Ok(caller) = caller(ctx) else {
            return Ok(None);
        };
        Ok(Some(User(
            service::accounts::get(caller, caller.principal.user_id).await?,
        )))
    }

    /// Any object by its global ID. An object the viewer may not see is `NOT_FOUND`, like one that does not exist.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's global ID.")] id: ID,
    ) -> Result<Option<Projected<Node>>> {
        let caller = caller(ctx)?;
        if let Some((ids::NodeType::Opportunity, row)) = ids::decode(&id)
            && projection::enabled(ctx)
            && let Some(plan) = projection::opportunity::RecordPlan::for_node(ctx)
        {
            return Ok(Some(Projected::ready(plan.fetch_one(caller, row).await?)));
        }
        Ok(Some(Projected::Resolve(node::resolve(caller, &id).await?)))
    }

    /// Objects by global ID, in order; null for each one that does not exist or that the viewer may not see.
    #[graphql(complexity = "ids.len().max(1).saturating_mul(child_complexity)")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs, at most 100.")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
        let caller = caller(ctx)?;
        if ids.len() > MAX_NODES {
            return Err(AppError::BadUserInput(format!("at most {MAX_NODES} IDs per call")).into());
        }
        let mut found = Vec::with_capacity(ids.len());
        for id in &ids {
            found.push(match node::resolve(caller, id).await {
                Ok(node) => Some(node),
                Err(AppError::NotFound) => None,
                Err(other) => return Err(other.into()),
            });
        }
        Ok(found)
    }

    /// Customers the viewer may see: every one for AWS staff, those a partner firm works with, the companies a VC
    /// firm attests or filed for, a founder's own company.
    #[graphql(complexity = "super::limits::page_cost(first, last, child_complexity)")]
    async fn customers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items from the start or `after`, 1 to 100.")] first: Option<i32>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many items from the end or `before`, 1 to 100.")] last: Option<i32>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "What every returned item must match.")] filter: Option<CustomerFilter>,
        #[graphql(desc = "Sort order (default: oldest first).")] order_by: Option<CustomerOrder>,
    ) -> Result<PagedConnection<Customer>> {
        let caller = caller(ctx)?.clone();
        let filter: service::customers::CustomerFilter = filter.unwrap_or_default().into();
        let (field, direction) = order_by.unwrap_or_default().into_service();
        let page = PageRequest {
            first,
            after,
            last,
            before,
        };
        let rows = service::customers::list(&caller, &filter, field, direction, &page).await?;
        let totals = ConnectionTotals::new(move || {
            let (caller, filter) = (caller.clone(), filter.clone());
            async move { service::customers::count(&caller, &filter).await }
        });
        Ok(connection(rows, Customer, totals))
    }

    /// A company by its exact 12-digit AWS account ID, for a VC back office about to attest its funding: only its ID
    /// and legal name. Null when no customer has that account. VC and ADMIN only.
    async fn customer_lookup(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company's exact 12-digit AWS account ID.")] aws_account_id: String,
    ) -> Result<Option<CustomerLookup>> {
        let found = service::vc_firms::lookup_customer(caller(ctx)?, &aws_account_id).await?;
        Ok(found.map(CustomerLookup))
    }

    /// Partner firms; every signed-in user sees the directory (name, tier, regions, specialties).
    #[graphql(complexity = "super::limits::page_cost(first, last, child_complexity)")]
    async fn partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items from the start or `after`, 1 to 100.")] first: Option<i32>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many items from the end or `before`, 1 to 100.")] last: Option<i32>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "What every returned item must match.")] filter: Option<PartnerFilter>,
        #[graphql(desc = "Sort order (default: by name, A to Z).")] order_by: Option<PartnerOrder>,
    ) -> Result<PagedConnection<Partner>> {
        let caller = caller(ctx)?.clone();
        let filter: service::partners::PartnerFilter = filter.unwrap_or_default().into();
        let (field, direction) = order_by.unwrap_or_default().into_service();
        let page = PageRequest {
            first,
            after,
            last,
            before,
        };
        let rows = service::partners::list(&caller, &filter, field, direction, &page).await?;
        let totals = ConnectionTotals::new(move || {
            let (caller, filter) = (caller.clone(), filter.clone());
            async move { service::partners::count(&caller, &filter).await }
        });
        Ok(connection(rows, Partner, totals))
    }

    /// VC firms, by name; every signed-in user sees the directory.
    #[graphql(complexity = "super::limits::page_cost(first, last, child_complexity)")]
    async fn vc_firms(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items from the start or `after`, 1 to 100.")] first: Option<i32>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many items from the end or `before`, 1 to 100.")] last: Option<i32>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "What every returned item must match.")] filter: Option<VcFirmFilter>,
    ) -> Result<PagedConnection<VcFirm>> {
        let caller = caller(ctx)?.clone();
        let filter: service::vc_firms::VcFirmFilter = filter.unwrap_or_default().into();
        let rows = service::vc_firms::list(
            &caller,
            &filter,
            &PageRequest {
                first,
                after,
                last,
                before,
            },
        )
        .await?;
        let totals = ConnectionTotals::new(move || {
            let (caller, filter) = (caller.clone(), filter.clone());
            async move { service::vc_firms::count(&caller, &filter).await }
        });
        Ok(connection(rows, VcFirm, totals))
    }

    /// Opportunity records the viewer may see.
    #[graphql(complexity = "super::limits::page_cost(first, last, child_complexity)")]
    async fn opportunities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items from the start or `after`, 1 to 100.")] first: Option<i32>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many items from the end or `before`, 1 to 100.")] last: Option<i32>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "What every returned item must match.")] filter: Option<OpportunityFilter>,
        #[graphql(desc = "Sort order (default: oldest first).")] order_by: Option<OpportunityOrder>,
    ) -> Result<Projected<OpportunityConnection>> {
        let filter = filter.unwrap_or_default().into_service()?;
        let page = PageRequest {
            first,
            after,
            last,
            before,
        };
        if projection::enabled(ctx)
            && let Some(plan) = projection::opportunity::ConnectionPlan::new(ctx)
        {
            let (field, direction) = order_by.unwrap_or_default().into_service();
            let query = projection::opportunity::ConnectionQuery {
                filter,
                field,
                direction,
                page,
            };
            return Ok(Projected::ready(plan.fetch(caller(ctx)?, query).await?));
        }
        Ok(Projected::Resolve(
            opportunity_connection(ctx, filter, order_by, page).await?,
        ))
    }

    /// The record with this reference (e.g. `O1000015`; blanks around it and the case of the `O` do not matter).
    /// Null when no record has it or the viewer may not see the one that does: the two are indistinguishable. For
    /// the filer's own CRM reference, filter `opportunities` by `partnerReference`.
    async fn opportunity_by_reference(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's reference, e.g. `O1000015`.")] reference: String,
    ) -> Result<Option<Opportunity>> {
        let reference = service::opportunities::Reference::parse(&reference);
        let found = service::opportunities::find_by_reference(caller(ctx)?, &reference).await?;
        Ok(found.map(Opportunity))
    }

    /// Credit grants the viewer may see that expire within the given number of days, soonest first.
    #[graphql(complexity = "super::limits::page_cost(first, None, child_complexity)")]
    async fn expiring_credit_grants(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Days from now, 1 to 366, in which grants expire.")] within_days: i32,
        #[graphql(desc = "How many items from the start or `after`, 1 to 100.")] first: Option<i32>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
    ) -> Result<PagedConnection<CreditGrant>> {
        let caller = caller(ctx)?.clone();
        let days = i64::from(within_days);
        let rows = service::opportunities::expiring_grants(
            &caller,
            days,
            &PageRequest::forward(first, after),
        )
        .await?;
        let totals = ConnectionTotals::new(move || {
            let caller = caller.clone();
            async move { service::opportunities::count_expiring_grants(&caller, days).await }
        });
        Ok(connection(rows, CreditGrant, totals))
    }

    /// The audit trail, newest first, optionally about one object and filtered.
    #[graphql(complexity = "super::limits::page_cost(first, None, child_complexity)")]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items from the start or `after`, 1 to 100.")] first: Option<i32>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only events about the object with this ID.")] subject_id: Option<ID>,
        #[graphql(desc = "What every returned item must match.")] filter: Option<AuditEventFilter>,
    ) -> Result<PagedConnection<AuditEvent>> {
        let caller = caller(ctx)?.clone();
        let subject = match subject_id {
            None => None,
            Some(id) => {
                let (kind, id) = ids::decode(&id).ok_or_else(|| {
                    AppError::BadUserInput("`subjectId` is not a valid ID".into())
                })?;
                Some(Subject {
                    kind: kind.name(),
                    id,
                })
            }
        };
        let filter = filter.unwrap_or_default().into_service(subject)?;
        let rows =
            service::audit::list(&caller, &filter, &PageRequest::forward(first, after)).await?;
        let totals = ConnectionTotals::new(move || {
            let (caller, filter) = (caller.clone(), filter.clone());
            async move { service::audit::count(&caller, &filter).await }
        });
        Ok(connection(rows, AuditEvent, totals))
    }

    /// Aggregates for analysts: approval rates, decision times, credits by month, scrutiny distribution. ADMIN,
    /// ANALYST and REVIEWER over every record; a PARTNER user over its own firm's records; others `FORBIDDEN`.
    async fn analytics(&self, ctx: &Context<'_>) -> Result<Analytics> {
        service::analytics::authorize(caller(ctx)?)?;
        Ok(Analytics)
    }

    /// Partner firms ranked for a company (best first, `first` defaults to 5), each with a score in [0, 1] and
    /// the reasons. A firm whose tier may not file the funding source is never returned. Any signed-in user.
    #[graphql(
        complexity = "(first.unwrap_or(5).clamp(1, 100) as usize).saturating_mul(child_complexity)"
    )]
    async fn partner_matches(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company to find partner firms for.")] input: PartnerMatchInput,
        #[graphql(desc = "How many firms, 1 to 100; 5 by default.")] first: Option<i32>,
    ) -> Result<Vec<PartnerMatch>> {
        let matches = service::routing::partner_matches(caller(ctx)?, input.into(), first).await?;
        Ok(matches.into_iter().map(Into::into).collect())
    }

    /// Inquiries the viewer may see, newest first: staff all; a partner those routed to its firm; a founder the one
    /// that became its company; everyone those it submitted itself while signed in.
    #[graphql(complexity = "super::limits::page_cost(first, last, child_complexity)")]
    async fn inquiries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items from the start or `after`, 1 to 100.")] first: Option<i32>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many items from the end or `before`, 1 to 100.")] last: Option<i32>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "What every returned item must match.")] filter: Option<InquiryFilter>,
    ) -> Result<PagedConnection<Inquiry>> {
        let caller = caller(ctx)?.clone();
        let filter = filter.unwrap_or_default().into_service()?;
        let page = PageRequest {
            first,
            after,
            last,
            before,
        };
        let rows = service::inquiries::list(&caller, &filter, &page).await?;
        let totals = ConnectionTotals::new(move || {
            let (caller, filter) = (caller.clone(), filter.clone());
            async move { service::inquiries::count(&caller, &filter).await }
        });
        Ok(connection(rows, Inquiry, totals))
    }
}
