//! Inquiries (DESIGN.md §1, step 1): a company describes itself, anonymously if it likes; acegate routes it to the
//! best-matching partner firm ([`super::routing`]) and stores that match. The partner (or an admin) accepts the
//! inquiry, which creates the customer for that partner through the same path as `createCustomer`.

use chrono::{DateTime, Utc};
use entity::{
    customer,
    enums::{AwsService, FundingStage},
    inquiry, partner,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Select,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};
use serde_json::json;

use super::{
    Caller,
    audit::{self, Subject},
    customers::{self, NewCustomer},
    input::FieldErrors,
    like_pattern,
    pagination::{Ordering, Page, PageRequest, SortDirection, SortKey, SortKeyKind, paginate},
    routing::{self, Need},
    scope,
};
use crate::{
    auth::Actor,
    domain::values::{EmailAddress, text},
    error::{AppError, AppResult},
    policy,
};

/// An inquiry as the client sent it; [`submit`] parses every field.
#[derive(Clone, Debug)]
pub struct NewInquiry {
    pub company_name: String,
    pub funding_stage: FundingStage,
    pub use_case: String,
    pub region: String,
    pub services: Vec<AwsService>,
    pub contact_email: String,
}

/// The AWS services an inquiry names, in its order. Stored as a JSON array of `AwsService` names; an entry that is
/// not one (impossible through the API) is skipped rather than failing the read.
pub fn services(row: &inquiry::Model) -> Vec<AwsService> {
    row.services
        .as_array()
        .map(|names| {
            names
                .iter()
                .filter_map(|name| serde_json::from_value(name.clone()).ok())
                .collect()
        })
        .unwrap_or_default()
}

fn audit_json(row: &inquiry::Model) -> serde_json::Value {
    json!({
        "companyName": row.company_name,
        "fundingStage": row.funding_stage.as_str(),
        "region": row.region,
        "services": row.services,
        "matchedPartnerId": row.matched_partner_id,
        "customerId": row.customer_id,
    })
}

/// Stores an inquiry with its best-matching partner (none when no firm may file the funding source it is routed
/// for, `policy::inquiry_funding_source`) and its submitter, the signed-in caller (none when anonymous), who may
/// read it from then on ([`scope::inquiries`]). Open to anonymous callers (`caller: None`); the per-IP rate limit is
/// the resolver's. Every field error is reported at once.
pub async fn submit(
    db: &DatabaseConnection,
    caller: Option<&Caller>,
    input: NewInquiry,
) -> AppResult<inquiry::Model> {
    let mut errors = FieldErrors::default();
    let company_name = errors.check(
        "companyName",
        text(&input.company_name, policy::MAX_SHORT_TEXT_CHARS),
    );
    let stage = errors.check("fundingStage", routing::parse_stage(input.funding_stage));
    let use_case = errors.check(
        "useCase",
        text(&input.use_case, policy::MAX_INQUIRY_USE_CASE_CHARS),
    );
    let region = errors.check("region", routing::parse_region(&input.region));
    let services = errors.check("services", routing::parse_services(&input.services));
    let email = errors.check("contactEmail", EmailAddress::parse(&input.contact_email));
    errors.finish()?;
    let (
        Some(company_name),
        Some(stage),
        Some(use_case),
        Some(region),
        Some(services),
        Some(email),
    ) = (company_name, stage, use_case, region, services, email)
    else {
        return Err(AppError::Internal(
            "a parsed inquiry field is missing".into(),
        ));
    };

    let matched = match policy::inquiry_funding_source(stage, &services) {
        Some(source) => {
            routing::best_match(db, &Need::new(region.clone(), source, services.clone()))
                .await?
                .map(|firm| firm.id)
        }
        None => None,
    };
    let now = crate::time::now();
    let names: Vec<&str> = services.iter().map(|s| s.as_str()).collect();
    let tx = super::begin_write(db).await?;
    let stored = inquiry::ActiveModel {
        company_name: Set(company_name),
        funding_stage: Set(stage),
        use_case: Set(use_case),
        region: Set(region),
        services: Set(json!(names)),
        contact_email: Set(email.into_inner()),
        matched_partner_id: Set(matched),
        customer_id: Set(None),
        submitted_by_user_id: Set(caller.map(|caller| caller.principal.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    let subject = Subject {
        kind: "Inquiry",
        id: stored.id,
    };
    match caller {
        Some(caller) => {
            audit::record(
                &tx.txn,
                caller,
                "inquiry.submit",
                subject,
                None,
                Some(audit_json(&stored)),
            )
            .await?
        }
        None => {
            audit::record_anonymous(
                &tx.txn,
                "inquiry.submit",
                subject,
                Some(audit_json(&stored)),
            )
            .await?
        }
    }
    tx.commit().await?;
    Ok(stored)
}

/// One inquiry the caller may see ([`scope::inquiries`]); `NOT_FOUND` otherwise.
pub async fn get(caller: &Caller, id: i64) -> AppResult<inquiry::Model> {
    inquiry::Entity::find_by_id(id)
        .filter(scope::inquiries(&caller.principal))
        .one(&caller.db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Which inquiries to list; every given condition must hold.
#[derive(Clone, Debug, Default)]
pub struct InquiryFilter {
    /// Case-insensitive substring of the company name.
    pub search: Option<String>,
    pub regions: Vec<String>,
    pub funding_stages: Vec<FundingStage>,
    /// Accepted (a customer was created) or not yet.
    pub accepted: Option<bool>,
    pub matched_partner_id: Option<i64>,
    pub created_after: Option<DateTime<Utc>>,
    /// Inquiries changed (matched or accepted) after this instant, for delta sync.
    pub updated_after: Option<DateTime<Utc>>,
}

fn filtered(caller: &Caller, filter: &InquiryFilter) -> Select<inquiry::Entity> {
    use inquiry::Column as C;
    let mut condition = Condition::all().add(scope::inquiries(&caller.principal));
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        condition = condition.add(
            Expr::expr(Func::lower(Expr::col(C::CompanyName)))
                .like(LikeExpr::new(like_pattern(search)).escape('\\')),
        );
    }
    if !filter.regions.is_empty() {
        condition =
            condition.add(C::Region.is_in(filter.regions.iter().map(|r| r.trim().to_uppercase())));
    }
    if !filter.funding_stages.is_empty() {
        condition = condition.add(C::FundingStage.is_in(filter.funding_stages.iter().copied()));
    }
    match filter.accepted {
        Some(true) => condition = condition.add(C::CustomerId.is_not_null()),
        Some(false) => condition = condition.add(C::CustomerId.is_null()),
        None => {}
    }
    if let Some(id) = filter.matched_partner_id {
        condition = condition.add(C::MatchedPartnerId.eq(id));
    }
    if let Some(at) = filter.created_after {
        condition = condition.add(C::CreatedAt.gt(at));
    }
    if let Some(at) = filter.updated_after {
        condition = condition.add(C::UpdatedAt.gt(at));
    }
    inquiry::Entity::find().filter(condition)
}

fn newest_first() -> Ordering<inquiry::Entity> {
    Ordering {
        tag: "createdAt",
        column: inquiry::Column::CreatedAt,
        id_column: inquiry::Column::Id,
        direction: SortDirection::Desc,
        key_of: |m| SortKey::Time(m.created_at),
        id_of: |m| m.id,
    }
}

/// The inquiries the caller may see, newest first.
pub async fn list(
    caller: &Caller,
    filter: &InquiryFilter,
    page: &PageRequest,
) -> AppResult<Page<inquiry::Model>> {
    paginate(
        &caller.db,
        filtered(caller, filter),
        &newest_first(),
        SortKeyKind::Time,
        page,
    )
    .await
}

pub async fn count(caller: &Caller, filter: &InquiryFilter) -> AppResult<u64> {
    Ok(filtered(caller, filter).count(&caller.db).await?)
}

/// What the accepting user tells about the company: every field of a new customer except the funding stage, which
/// the inquiry gave.
#[derive(Clone, Debug)]
pub struct Acceptance {
    /// The partner firm the customer goes to: required from an admin; a partner user's own firm otherwise.
    pub partner_id: Option<i64>,
    pub legal_name: String,
    pub website: String,
    pub aws_account_id: String,
    pub country: String,
    pub incorporated: bool,
    pub engineer_count: i32,
    pub months_on_aws: i32,
    pub monthly_aws_spend_usd: i64,
    pub marketplace_spend_share: f64,
    pub competes_with_aws: bool,
    pub self_serve_credit_usd: Option<i64>,
}

/// Accepts an inquiry: creates its customer, owned by the partner firm that takes it, with the inquiry's funding
/// stage, through `customers::new_row`/`customers::insert` (the validation and the `customer.create` audit event of
/// `createCustomer`), links it to the inquiry and sets the inquiry's matched partner to that firm (so the firm's
/// users keep seeing the inquiry and its customer), all in one transaction. ADMIN (naming the firm) or a PARTNER
/// user for an inquiry routed to its firm; anyone else `FORBIDDEN`. An inquiry already accepted is the userError
/// `ALREADY_ACCEPTED` and nothing changes.
pub async fn accept(
    caller: &Caller,
    id: i64,
    input: Acceptance,
) -> AppResult<(inquiry::Model, customer::Model)> {
    let owner = match caller.principal.actor {
        Actor::Admin => input.partner_id.ok_or_else(|| {
            AppError::invalid(
                &["input", "partnerId"],
                "PARTNER_REQUIRED",
                "name the partner firm the customer goes to",
            )
        })?,
        Actor::Partner { partner_id } => match input.partner_id {
            None => partner_id,
            Some(named) if named == partner_id => partner_id,
            Some(_) => {
                return Err(AppError::Forbidden(
                    "a partner accepts inquiries for its own firm only".into(),
                ));
            }
        },
        _ => {
            return Err(AppError::Forbidden(
                "only admins and partners may accept inquiries".into(),
            ));
        }
    };

    let tx = super::begin_write(&caller.db).await?;
    let current = inquiry::Entity::find_by_id(id)
        .filter(scope::inquiries(&caller.principal))
        .lock_exclusive()
        .one(&tx.txn)
        .await?
        .ok_or(AppError::NotFound)?;
    // A partner user also sees the inquiries it submitted itself; it accepts only those routed to its firm.
    if let Actor::Partner { partner_id } = caller.principal.actor
        && current.matched_partner_id != Some(partner_id)
    {
        return Err(AppError::Forbidden(
            "a partner accepts the inquiries routed to its firm only".into(),
        ));
    }
    if current.customer_id.is_some() {
        return Err(AppError::invalid(
            &["input", "id"],
            "ALREADY_ACCEPTED",
            "this inquiry was already accepted",
        ));
    }
    if partner::Entity::find_by_id(owner)
        .one(&tx.txn)
        .await?
        .is_none()
    {
        return Err(AppError::invalid(
            &["input", "partnerId"],
            "UNKNOWN_PARTNER",
            "no partner firm has this ID",
        ));
    }
    let row = customers::new_row(
        NewCustomer {
            legal_name: input.legal_name,
            website: input.website,
            aws_account_id: input.aws_account_id,
            country: input.country,
            incorporated: input.incorporated,
            funding_stage: current.funding_stage,
            engineer_count: input.engineer_count,
            months_on_aws: input.months_on_aws,
            monthly_aws_spend_usd: input.monthly_aws_spend_usd,
            marketplace_spend_share: input.marketplace_spend_share,
            competes_with_aws: input.competes_with_aws,
            self_serve_credit_usd: input.self_serve_credit_usd,
        },
        Some(owner),
    )?;
    let created = customers::insert(&tx.txn, caller, row).await?;

    let mut changes: inquiry::ActiveModel = current.clone().into();
    changes.customer_id = Set(Some(created.id));
    changes.matched_partner_id = Set(Some(owner));
    changes.updated_at = Set(crate::time::now());
    let accepted = changes.update(&tx.txn).await?;
    audit::record(
        &tx.txn,
        caller,
        "inquiry.accept",
        Subject {
            kind: "Inquiry",
            id,
        },
        Some(audit_json(&current)),
        Some(audit_json(&accepted)),
    )
    .await?;
    tx.commit().await?;
    Ok((accepted, created))
}
