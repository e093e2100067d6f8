//! The fast path of opportunity reads: a page of `opportunities` or one record by `node(id:)`, with the record's
//! customer (and the customer's attestations with their VC firm) and its filer (partner or VC firm). A page takes two
//! statements: the records joined to customer and filer, then the attestations of the customers on the page joined
//! to their firms. One record takes one: its attestations are left-joined to it. Every read is scoped by the caller
//! exactly as the ordinary resolvers' service calls and loaders are.

use std::collections::HashMap;

use async_graphql::{
    Context, Name, OutputType, Value,
    connection::{Edge, EmptyFields, PageInfo},
};
use entity::{customer, funding_attestation, opportunity, partner, vc_firm};

use super::{Collected, NoRelation, Plan, collect, value};
use crate::{
    domain::lifecycle,
    graphql::{
        ids::NodeType,
        types::{
            enums::{
                EngagementType, FundingSource, FundingStage, OpportunityAction, OpportunityStatus,
                PartnerTier, SubmissionPath, VcReputation,
            },
            opportunity::{CONTENT_FIELDS, Opportunity, OpportunityConnection},
            scalars::Date,
        },
    },
    service::{
        self, Caller,
        opportunities::{Extras, OpportunityFilter, OpportunityOrderField, RecordWithParties},
        pagination::{PageRequest, SortDirection},
        pinned::Pinned,
        vc_firms::AttestationWithFirm,
        workflow,
    },
};

type Row<M> = fn(&M) -> Value;

fn opportunity_column(name: &str) -> Option<Row<opportunity::Model>> {
    Some(match name {
        "id" => |m| value::of(NodeType::Opportunity.id(m.id)),
        "reference" => |m| value::text(&m.reference),
        "partnerReference" => |m| value::opt_text(m.partner_reference.as_deref()),
        "submissionPath" => |m| value::of(SubmissionPath::from(m.submission_path)),
        "fundingSource" => |m| value::of(FundingSource::from(m.funding_source)),
        "engagementType" => |m| value::of(EngagementType::from(m.engagement_type)),
        "workloadName" => |m| value::text(&m.workload_name),
        "useCase" => |m| value::text(&m.use_case),
        "scopeOfWork" => |m| value::text(&m.scope_of_work),
        "estimatedAnnualDealUsd" => |m| value::of(m.estimated_annual_deal_usd),
        "requestedAmountUsd" => |m| value::of(m.requested_amount_usd),
        "awardedAmountUsd" => |m| value::opt(m.awarded_amount_usd),
        "status" => |m| value::of(OpportunityStatus::from(m.status)),
        "version" => |m| value::of(m.version),
        "createdAt" => |m| value::of(m.created_at),
        "updatedAt" => |m| value::of(m.updated_at),
        "submittedAt" => |m| value::opt(m.submitted_at),
        "decidedAt" => |m| value::opt(m.decided_at),
        "issuedAt" => |m| value::opt(m.issued_at),
        _ => return None,
    })
}

fn customer_column(name: &str) -> Option<Row<customer::Model>> {
    Some(match name {
        "id" => |m| value::of(NodeType::Customer.id(m.id)),
        "legalName" => |m| value::text(&m.legal_name),
        "website" => |m| value::text(&m.website),
        "awsAccountId" => |m| value::text(&m.aws_account_id),
        "country" => |m| value::text(&m.country),
        "incorporated" => |m| value::of(m.incorporated),
        "fundingStage" => |m| value::of(FundingStage::from(m.funding_stage)),
        "engineerCount" => |m| value::of(m.engineer_count),
        "monthsOnAws" => |m| value::of(m.months_on_aws),
        "monthlyAwsSpendUsd" => |m| value::of(m.monthly_aws_spend_usd),
        "marketplaceSpendShare" => |m| value::of(m.marketplace_spend_share),
        "competesWithAws" => |m| value::of(m.competes_with_aws),
        "selfServeCreditUsd" => |m| value::of(m.self_serve_credit_usd),
        "createdAt" => |m| value::of(m.created_at),
        "updatedAt" => |m| value::of(m.updated_at),
        _ => return None,
    })
}

fn partner_column(name: &str) -> Option<Row<partner::Model>> {
    Some(match name {
        "id" => |m| value::of(NodeType::Partner.id(m.id)),
        "name" => |m| value::text(&m.name),
        "tier" => |m| value::of(PartnerTier::from(m.tier)),
        "createdAt" => |m| value::of(m.created_at),
        "updatedAt" => |m| value::of(m.updated_at),
        _ => return None,
    })
}

fn attestation_column(name: &str) -> Option<Row<funding_attestation::Model>> {
    Some(match name {
        "id" => |m| value::of(NodeType::FundingAttestation.id(m.id)),
        "round" => |m| value::of(FundingStage::from(m.round)),
        "amountUsd" => |m| value::of(m.amount_usd),
        "closedOn" => |m| value::of(Date(m.closed_on)),
        "attestedAt" => |m| value::of(m.attested_at),
        "revokedAt" => |m| value::opt(m.revoked_at),
        "revocationReason" => |m| value::opt_text(m.revocation_reason.as_deref()),
        _ => return None,
    })
}

fn vc_firm_column(name: &str) -> Option<Row<vc_firm::Model>> {
    Some(match name {
        "id" => |m| value::of(NodeType::VcFirm.id(m.id)),
        "name" => |m| value::text(&m.name),
        "portfolioAccess" => |m| value::of(m.portfolio_access),
        "reputation" => |m| value::of(VcReputation::from(m.reputation)),
        "createdAt" => |m| value::of(m.created_at),
        _ => return None,
    })
}

type VcFirmPlan = Plan<vc_firm::Model, NoRelation>;
type AttestationPlan = Plan<funding_attestation::Model, VcFirmPlan>;
type PartnerPlan = Plan<partner::Model, NoRelation>;

enum CustomerRelation {
    Attestations(AttestationPlan),
}

type CustomerPlan = Plan<customer::Model, CustomerRelation>;

enum RecordRelation {
    Customer(CustomerPlan),
    Partner(PartnerPlan),
    VcFirm(VcFirmPlan),
    AvailableActions,
}

/// The selection on one opportunity record.
pub struct RecordPlan {
    plan: Plan<opportunity::Model, RecordRelation>,
    extras: Extras,
}

fn plain_plan<'a, M>(
    ctx: &Context<'a>,
    c: &Collected<'a>,
    type_name: &str,
    column: fn(&str) -> Option<Row<M>>,
) -> Option<Plan<M, NoRelation>> {
    let fields = collect(ctx, &c.selection_sets(), type_name)?;
    Plan::new(type_name, fields, column, |_| None)
}

impl RecordPlan {
    fn new<'a>(ctx: &Context<'a>, fields: Vec<Collected<'a>>) -> Option<Self> {
        // Content is for some viewers only: a VC firm that asks for it goes through the resolvers, which say per
        // record whether it may read it.
        let status_view_only = matches!(
            crate::graphql::context::caller(ctx).ok()?.principal.actor,
            crate::auth::Actor::Vc { .. }
        );
        if status_view_only && fields.iter().any(|c| CONTENT_FIELDS.contains(&c.name)) {
            return None;
        }
        let long_texts = fields
            .iter()
            .any(|c| matches!(c.name, "useCase" | "scopeOfWork"));
        let plan = Plan::new("Opportunity", fields, opportunity_column, |c| {
            match c.name {
                "customer" => {
                    let fields = collect(ctx, &c.selection_sets(), "Customer")?;
                    Some(RecordRelation::Customer(Plan::new(
                        "Customer",
                        fields,
                        customer_column,
                        |c| match c.name {
                            "attestations" => {
                                let fields =
                                    collect(ctx, &c.selection_sets(), "FundingAttestation")?;
                                Some(CustomerRelation::Attestations(Plan::new(
                                    "FundingAttestation",
                                    fields,
                                    attestation_column,
                                    |c| match c.name {
                                        "vcFirm" => plain_plan(ctx, c, "VcFirm", vc_firm_column),
                                        _ => None,
                                    },
                                )?))
                            }
                            _ => None,
                        },
                    )?))
                }
                "partner" => {
                    plain_plan(ctx, c, "Partner", partner_column).map(RecordRelation::Partner)
                }
                "vcFirm" => {
                    plain_plan(ctx, c, "VcFirm", vc_firm_column).map(RecordRelation::VcFirm)
                }
                "availableActions" => c
                    .fields
                    .iter()
                    .all(|f| f.node.selection_set.node.items.is_empty())
                    .then_some(RecordRelation::AvailableActions),
                _ => None,
            }
        })?;
        let vc_firm = plan
            .relations()
            .any(|r| matches!(r, RecordRelation::VcFirm(_)));
        Some(Self {
            plan,
            extras: Extras {
                long_texts,
                vc_firm,
            },
        })
    }

    /// The selection of the current field (`node(id:)`) on a record.
    pub fn for_node(ctx: &Context<'_>) -> Option<Self> {
        let fields = collect(ctx, &[&ctx.item.node.selection_set.node], "Opportunity")?;
        Self::new(ctx, fields)
    }

    fn wants_attestations(&self) -> bool {
        self.plan.relations().any(|r| match r {
            RecordRelation::Customer(customer) => customer
                .relations()
                .any(|CustomerRelation::Attestations(_)| true),
            _ => false,
        })
    }

    /// One record the caller may see, rendered; `NOT_FOUND` otherwise. One statement, with the attestations when
    /// the plan shows them.
    pub async fn fetch_one(&self, caller: &Caller, id: i64) -> async_graphql::Result<Value> {
        // A single statement: the pool's own checkout is as good as a held connection.
        let (row, attestations) = if self.wants_attestations() {
            let (row, attestations) = service::opportunities::get_with_parties_and_attestations(
                caller,
                &caller.db,
                id,
                self.extras,
            )
            .await?;
            let customer_id = row.0.customer_id;
            (row, HashMap::from([(customer_id, attestations)]))
        } else {
            let row = service::opportunities::get_with_parties(caller, &caller.db, id, self.extras)
                .await?;
            (row, HashMap::new())
        };
        self.render(caller, &row, &attestations)
    }

    fn render(
        &self,
        caller: &Caller,
        (record, customer, partner, vc_firm): &RecordWithParties,
        attestations: &Attestations,
    ) -> async_graphql::Result<Value> {
        self.plan.render(record, |relation| match relation {
            RecordRelation::Customer(plan) => render_customer(plan, customer, attestations),
            RecordRelation::Partner(plan) => match (record.partner_id, partner) {
                (None, _) => Ok(Value::Null),
                (Some(_), Some(partner)) => plan.render(partner, never),
                (Some(id), None) => Err(dangling("partner", id)),
            },
            RecordRelation::VcFirm(plan) => match (record.vc_firm_id, vc_firm) {
                (None, _) => Ok(Value::Null),
                (Some(_), Some(firm)) => plan.render(firm, never),
                (Some(id), None) => Err(dangling("VC firm", id)),
            },
            RecordRelation::AvailableActions => {
                let party = workflow::party(caller, record);
                Ok(Value::List(
                    lifecycle::available_on(record.status, record.awarded_amount_usd, party)
                        .into_iter()
                        .map(|a| value::of(OpportunityAction::from(a)))
                        .collect(),
                ))
            }
        })
    }
}

type Attestations = HashMap<i64, Vec<AttestationWithFirm>>;

/// The attestations of the records' customers that the caller may see, when a plan shows them.
async fn attestations<'r>(
    caller: &Caller,
    db: &Pinned,
    wanted: bool,
    rows: impl Iterator<Item = &'r RecordWithParties>,
) -> async_graphql::Result<Attestations> {
    if !wanted {
        return Ok(HashMap::new());
    }
    let mut customers: Vec<i64> = rows.map(|(record, ..)| record.customer_id).collect();
    customers.sort_unstable();
    customers.dedup();
    Ok(service::vc_firms::attestations_with_firms_by_customer(caller, db, &customers).await?)
}

fn render_customer(
    plan: &CustomerPlan,
    customer: &customer::Model,
    attestations: &Attestations,
) -> async_graphql::Result<Value> {
    plan.render(customer, |CustomerRelation::Attestations(plan)| {
        let rows = attestations
            .get(&customer.id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        rows.iter()
            .map(|(attestation, firm)| {
                plan.render(attestation, |firm_plan| firm_plan.render(firm, never))
            })
            .collect::<async_graphql::Result<Vec<_>>>()
            .map(Value::List)
    })
}

fn never(relation: &NoRelation) -> async_graphql::Result<Value> {
    match *relation {}
}

fn dangling(what: &str, id: i64) -> async_graphql::Error {
    crate::graphql::types::dangling(what, id)
}

/// What the client selected on an `OpportunityConnection`.
pub struct ConnectionPlan {
    fields: Vec<(Name, ConnectionField)>,
}

enum ConnectionField {
    Typename,
    TotalCount,
    PageInfo(Plan<PageInfoRow, NoRelation>),
    Edges(Plan<EdgeRow, RecordPlan>),
    Nodes(RecordPlan),
}

/// What `pageInfo` is read from.
struct PageInfoRow {
    has_previous_page: bool,
    has_next_page: bool,
    start_cursor: Option<String>,
    end_cursor: Option<String>,
}

fn page_info_column(name: &str) -> Option<Row<PageInfoRow>> {
    Some(match name {
        "hasPreviousPage" => |p| value::of(p.has_previous_page),
        "hasNextPage" => |p| value::of(p.has_next_page),
        "startCursor" => |p| value::opt_text(p.start_cursor.as_deref()),
        "endCursor" => |p| value::opt_text(p.end_cursor.as_deref()),
        _ => return None,
    })
}

/// What an edge is read from: a row of the page, its cursor and its record (the node is the edge plan's relation).
type EdgeRow = (String, RecordWithParties);

fn edge_column(name: &str) -> Option<Row<EdgeRow>> {
    match name {
        "cursor" => Some(|(cursor, _)| value::text(cursor)),
        _ => None,
    }
}

/// The ordering, filter and page of one connection read.
pub struct ConnectionQuery {
    pub filter: OpportunityFilter,
    pub field: OpportunityOrderField,
    pub direction: SortDirection,
    pub page: PageRequest,
}

type EdgeType = Edge<String, Opportunity, EmptyFields>;

fn record_plan<'a>(ctx: &Context<'a>, c: &Collected<'a>) -> Option<RecordPlan> {
    RecordPlan::new(ctx, collect(ctx, &c.selection_sets(), "Opportunity")?)
}

impl ConnectionPlan {
    /// The plan of the current field (an `OpportunityConnection`), or `None` when the selection needs the resolvers.
    pub fn new(ctx: &Context<'_>) -> Option<Self> {
        let connection_type = OpportunityConnection::type_name();
        let collected = collect(ctx, &[&ctx.item.node.selection_set.node], &connection_type)?;
        let mut fields = Vec::with_capacity(collected.len());
        for c in collected {
            let field = match c.name {
                "__typename" => ConnectionField::Typename,
                "totalCount" => ConnectionField::TotalCount,
                "pageInfo" => {
                    let page_info = PageInfo::type_name();
                    let fields = collect(ctx, &c.selection_sets(), &page_info)?;
                    ConnectionField::PageInfo(Plan::new(
                        &page_info,
                        fields,
                        page_info_column,
                        |_| None,
                    )?)
                }
                "edges" => {
                    let edge = EdgeType::type_name();
                    let fields = collect(ctx, &c.selection_sets(), &edge)?;
                    ConnectionField::Edges(Plan::new(&edge, fields, edge_column, |c| {
                        (c.name == "node").then(|| record_plan(ctx, c)).flatten()
                    })?)
                }
                "nodes" => ConnectionField::Nodes(record_plan(ctx, &c)?),
                _ => return None,
            };
            fields.push((c.key, field));
        }
        Some(Self { fields })
    }

    fn record_plans(&self) -> impl Iterator<Item = &RecordPlan> {
        self.fields
            .iter()
            .flat_map(|(_, field)| -> Box<dyn Iterator<Item = &RecordPlan>> {
                match field {
                    ConnectionField::Nodes(plan) => Box::new(std::iter::once(plan)),
                    ConnectionField::Edges(edge) => Box::new(edge.relations()),
                    _ => Box::new(std::iter::empty()),
                }
            })
    }

    /// Reads the page and renders the connection.
    pub async fn fetch(
        &self,
        caller: &Caller,
        query: ConnectionQuery,
    ) -> async_graphql::Result<Value> {
        // One connection for all of the fetch's statements; nothing else is read while it is held.
        let db = Pinned::for_caller(caller).await?;
        let page = service::opportunities::list_with_parties(
            caller,
            &db,
            &query.filter,
            query.field,
            query.direction,
            &query.page,
            self.record_plans()
                .fold(Extras::default(), |extras, plan| extras.union(plan.extras)),
        )
        .await?;
        let wanted = self.record_plans().any(RecordPlan::wants_attestations);
        let attestations =
            attestations(caller, &db, wanted, page.rows.iter().map(|(_, row)| row)).await?;
        let wants_total =
            (self.fields.iter()).any(|(_, f)| matches!(f, ConnectionField::TotalCount));
        let total = if wants_total {
            value::of(service::opportunities::count(caller, &db, &query.filter).await? as i64)
        } else {
            Value::Null
        };
        // Everything is read: the connection goes back to the pool before the page is rendered.
        drop(db);
        let mut object = async_graphql::indexmap::IndexMap::with_capacity(self.fields.len());
        for (key, field) in &self.fields {
            let value = match field {
                ConnectionField::Typename => {
                    Value::String(OpportunityConnection::type_name().into_owned())
                }
                ConnectionField::TotalCount => total.clone(),
                ConnectionField::PageInfo(plan) => {
                    let info = PageInfoRow {
                        has_previous_page: page.has_previous_page,
                        has_next_page: page.has_next_page,
                        start_cursor: page.rows.first().map(|(cursor, _)| cursor.clone()),
                        end_cursor: page.rows.last().map(|(cursor, _)| cursor.clone()),
                    };
                    plan.render(&info, never)?
                }
                ConnectionField::Edges(plan) => Value::List(
                    page.rows
                        .iter()
                        .map(|edge| {
                            plan.render(edge, |node| node.render(caller, &edge.1, &attestations))
                        })
                        .collect::<async_graphql::Result<_>>()?,
                ),
                ConnectionField::Nodes(plan) => Value::List(
                    page.rows
                        .iter()
                        .map(|(_, row)| plan.render(caller, row, &attestations))
                        .collect::<async_graphql::Result<_>>()?,
                ),
            };
            object.insert(key.clone(), value);
        }
        Ok(Value::Object(object))
    }
}
