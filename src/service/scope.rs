//! Row-level visibility: for each kind of row, the condition that selects what a principal may see. Every service
//! query that returns rows to a caller adds one of these, so scoping cannot be forgotten in one place and not another.
//!
//! Rows outside the scope are indistinguishable from rows that do not exist (`NOT_FOUND`).

use entity::{
    audit_event, customer, enums::OpportunityStatus, funding_attestation, inquiry, opportunity,
    user,
};
use sea_orm::{
    ColumnTrait, Condition,
    sea_query::{Expr, ExprTrait, IntoColumnRef, Query},
};

use crate::auth::{Actor, Principal};

/// Customers a VC firm attests now. A revoked attestation ends the view: the firm keeps its attestation rows (their
/// history is its own), not a window onto the company.
fn attested_by(vc_firm_id: i64) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(funding_attestation::Column::CustomerId)
        .from(funding_attestation::Entity)
        .and_where(funding_attestation::Column::VcFirmId.eq(vc_firm_id))
        .and_where(funding_attestation::Column::RevokedAt.is_null())
        .to_owned()
}

/// Customers of the records a VC firm filed itself: it keeps seeing the company its own records are for.
fn filed_for_by_vc(vc_firm_id: i64) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(opportunity::Column::CustomerId)
        .from(opportunity::Entity)
        .and_where(opportunity::Column::VcFirmId.eq(vc_firm_id))
        .to_owned()
}

/// Whether a partner firm works with the customer named by the column `customer_id` of the row being filtered: it
/// filed a record for the customer, or (with `owner`, when the row is not the customer itself) it owns it.
/// Correlated subqueries, so that checking a few rows costs a few index probes instead of a pass over the firm's
/// whole book (a busy firm has thousands of records); over a long scan PostgreSQL still hashes them once.
fn partner_works_with(
    partner_id: i64,
    customer_id: impl IntoColumnRef + Clone,
    owner: bool,
) -> Condition {
    let filed_for = Expr::exists(
        Query::select()
            .expr(Expr::cust("1"))
            .from(opportunity::Entity)
            .and_where(
                Expr::col((opportunity::Entity, opportunity::Column::CustomerId))
                    .equals(customer_id.clone()),
            )
            .and_where(opportunity::Column::PartnerId.eq(partner_id))
            .to_owned(),
    );
    let condition = Condition::any().add(filed_for);
    if !owner {
        return condition;
    }
    condition.add(Expr::exists(
        Query::select()
            .expr(Expr::cust("1"))
            .from(customer::Entity)
            .and_where(Expr::col((customer::Entity, customer::Column::Id)).equals(customer_id))
            .and_where(customer::Column::OwnerPartnerId.eq(partner_id))
            .to_owned(),
    ))
}

/// Opportunity records: partners see their firm's records; VC firms the records they filed and the status view of the
/// non-draft records of companies they attest now ([`opportunity_content`]); founders their company's non-draft records; reviewers everything but drafts.
pub fn opportunities(principal: &Principal) -> Condition {
    let not_draft = opportunity::Column::Status.ne(OpportunityStatus::Draft);
    match principal.actor {
        Actor::Admin | Actor::Analyst => Condition::all(),
        Actor::Reviewer => Condition::all().add(not_draft),
        Actor::Partner { partner_id } => {
            Condition::all().add(opportunity::Column::PartnerId.eq(partner_id))
        }
        Actor::Vc { vc_firm_id } => Condition::any()
            .add(opportunity::Column::VcFirmId.eq(vc_firm_id))
            .add(
                Condition::all()
                    .add(not_draft)
                    .add(opportunity::Column::CustomerId.in_subquery(attested_by(vc_firm_id))),
            ),
        Actor::Founder { customer_id } => Condition::all()
            .add(not_draft)
            .add(opportunity::Column::CustomerId.eq(customer_id)),
    }
}

/// Customers: partners see the customers they work with (created, or filed for); VC firms the companies they attest
/// now and those they filed records for; founders their own company; staff everyone.
pub fn customers(principal: &Principal) -> Condition {
    match principal.actor {
        Actor::Admin | Actor::Analyst | Actor::Reviewer => Condition::all(),
        Actor::Partner { partner_id } => Condition::any()
            .add(customer::Column::OwnerPartnerId.eq(partner_id))
            .add(partner_works_with(
                partner_id,
                (customer::Entity, customer::Column::Id),
                false,
            )),
        Actor::Vc { vc_firm_id } => Condition::any()
            .add(customer::Column::Id.in_subquery(attested_by(vc_firm_id)))
            .add(customer::Column::Id.in_subquery(filed_for_by_vc(vc_firm_id))),
        Actor::Founder { customer_id } => {
            Condition::all().add(customer::Column::Id.eq(customer_id))
        }
    }
}

/// Of the records a principal sees (`opportunities`), those whose content it may read: use case, scope of work,
/// consumption, decisions, messages, eligibility. A VC firm reads the content of the records it filed itself; of
/// the records of a company it attests it sees the status view only, since they are another filer's work.
pub fn opportunity_content(principal: &Principal) -> Condition {
    match principal.actor {
        Actor::Vc { vc_firm_id } => {
            Condition::all().add(opportunity::Column::VcFirmId.eq(vc_firm_id))
        }
        _ => Condition::all(),
    }
}

/// The rule of [`opportunity_content`] for a record already loaded (and visible to the principal).
pub fn may_read_content(principal: &Principal, record: &opportunity::Model) -> bool {
    match principal.actor {
        Actor::Vc { vc_firm_id } => record.vc_firm_id == Some(vc_firm_id),
        _ => true,
    }
}

/// Funding attestations: a VC firm sees only its own; partners and founders those of the customers they see, since
/// they are the customer's funding evidence; staff all.
pub fn attestations(principal: &Principal) -> Condition {
    match principal.actor {
        Actor::Admin | Actor::Analyst | Actor::Reviewer => Condition::all(),
        Actor::Vc { vc_firm_id } => {
            Condition::all().add(funding_attestation::Column::VcFirmId.eq(vc_firm_id))
        }
        Actor::Founder { customer_id } => {
            Condition::all().add(funding_attestation::Column::CustomerId.eq(customer_id))
        }
        // The same test as `customers`, made per attestation row (the loader asks for a page's customers only).
        Actor::Partner { partner_id } => partner_works_with(
            partner_id,
            (
                funding_attestation::Entity,
                funding_attestation::Column::CustomerId,
            ),
            true,
        ),
    }
}

/// Users: staff see every account; others see the accounts of their own organisation.
pub fn users(principal: &Principal) -> Condition {
    match principal.actor {
        Actor::Admin | Actor::Analyst | Actor::Reviewer => Condition::all(),
        Actor::Partner { partner_id } => {
            Condition::all().add(user::Column::PartnerId.eq(partner_id))
        }
        Actor::Vc { vc_firm_id } => Condition::all().add(user::Column::VcFirmId.eq(vc_firm_id)),
        Actor::Founder { customer_id } => {
            Condition::all().add(user::Column::CustomerId.eq(customer_id))
        }
    }
}

/// Audit events: the trail of every change is for admins, analysts and reviewers; anyone else sees the events of
/// the changes they made themselves.
pub fn audit_events(principal: &Principal) -> Condition {
    if principal.is_staff() {
        Condition::all()
    } else {
        Condition::all().add(audit_event::Column::ActorUserId.eq(principal.user_id))
    }
}

/// Inquiries: AWS staff see every one; a partner firm the inquiries routed to it (`matched_partner_id`, which
/// acceptance sets to the firm that took the customer); a founder the one that became its company (accepted as
/// it, whoever sent it). Everyone also sees the inquiries it submitted itself while signed in; an anonymous
/// submitter reads its inquiry only in the `submitInquiry` payload.
pub fn inquiries(principal: &Principal) -> Condition {
    let own = inquiry::Column::SubmittedByUserId.eq(principal.user_id);
    match principal.actor {
        Actor::Admin | Actor::Analyst | Actor::Reviewer => Condition::all(),
        Actor::Partner { partner_id } => Condition::any()
            .add(inquiry::Column::MatchedPartnerId.eq(partner_id))
            .add(own),
        Actor::Founder { customer_id } => Condition::any()
            .add(inquiry::Column::CustomerId.eq(customer_id))
            .add(own),
        Actor::Vc { .. } => Condition::all().add(own),
    }
}

/// The rule of [`users`] for a row already loaded: a user referenced by a visible row (who filed, decided,
/// attested) is shown, but only these viewers see its contact details.
pub fn may_see_user(principal: &Principal, user: &user::Model) -> bool {
    user.id == principal.user_id
        || match principal.actor {
            Actor::Admin | Actor::Analyst | Actor::Reviewer => true,
            Actor::Partner { partner_id } => user.partner_id == Some(partner_id),
            Actor::Vc { vc_firm_id } => user.vc_firm_id == Some(vc_firm_id),
            Actor::Founder { customer_id } => user.customer_id == Some(customer_id),
        }
}
