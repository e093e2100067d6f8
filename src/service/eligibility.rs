//! Gathers the facts the reviewer checklist needs for one record and runs it ([`crate::domain::eligibility`]).

use chrono::{DateTime, Utc};
use entity::{
    consumption_line, credit_grant, customer,
    enums::{AwsService, OpportunityStatus},
    funding_attestation, opportunity, partner, vc_firm,
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{scope, track_record};
use crate::{
    auth::Principal,
    domain::eligibility::{
        self, AttestationFacts, CustomerFacts, Facts, FilerFacts, OtherRecord, RecordFacts, Report,
    },
    domain::values::sum_usd,
    error::{AppError, AppResult},
};

/// A record as the checklist sees it: stored fields, possibly with pending edits applied by the caller.
pub struct Candidate<'a> {
    pub record: &'a opportunity::Model,
    pub consumption: &'a [(AwsService, i64)],
    pub audience: Audience<'a>,
}

/// Whose view of the customer's other records and attestations the checklist weighs.
#[derive(Clone, Copy)]
pub enum Audience<'a> {
    /// The reviewer deciding (and the award it sets): every record and attestation of the customer.
    Reviewer,
    /// Someone reading the report (its filer, or AWS staff): only the records whose content and the attestations that
    /// principal may read. A filer's report is then no oracle for another filer's workload names and use cases (a
    /// draft edited at will could test guesses against them) or for other firms' attestations; the reviewer still
    /// weighs them all.
    Viewer(&'a Principal),
}

pub async fn consumption_of(
    db: &impl ConnectionTrait,
    record_id: i64,
) -> AppResult<Vec<(AwsService, i64)>> {
    let lines = consumption_line::Entity::find()
        .filter(consumption_line::Column::OpportunityId.eq(record_id))
        .order_by_asc(consumption_line::Column::Position)
        .all(db)
        .await?;
    Ok(lines
        .into_iter()
        .map(|l| (l.service, l.monthly_usd))
        .collect())
}

/// Statuses whose records count as the customer's other live or approved workloads.
const COUNTED: [OpportunityStatus; 5] = [
    OpportunityStatus::Submitted,
    OpportunityStatus::InReview,
    OpportunityStatus::ActionRequired,
    OpportunityStatus::Approved,
    OpportunityStatus::CreditsIssued,
];

/// Credits the customer holds or has been awarded on this path, other than `record_id`'s own: unexpired grants
/// plus approved records not yet issued. Grants are bound to the AWS account: every unexpired grant on the
/// customer's account counts, whichever customer row it was issued through.
pub async fn committed_usd(
    db: &impl ConnectionTrait,
    customer: &customer::Model,
    record_id: i64,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    let customer_id = customer.id;
    let grants = credit_grant::Entity::find()
        .filter(
            Condition::any()
                .add(credit_grant::Column::CustomerId.eq(customer_id))
                .add(credit_grant::Column::AwsAccountId.eq(customer.aws_account_id.as_str())),
        )
        .filter(credit_grant::Column::ExpiresAt.gt(now))
        .filter(credit_grant::Column::OpportunityId.ne(record_id))
        .all(db)
        .await?;
    let approved = opportunity::Entity::find()
        .filter(opportunity::Column::CustomerId.eq(customer_id))
        .filter(opportunity::Column::Status.eq(OpportunityStatus::Approved))
        .filter(opportunity::Column::Id.ne(record_id))
        .all(db)
        .await?;
    Ok(sum_usd(grants.iter().map(|g| g.face_value_usd).chain(
        approved.iter().filter_map(|r| r.awarded_amount_usd),
    )))
}

/// Runs the checklist for a record.
pub async fn evaluate(
    db: &impl ConnectionTrait,
    candidate: Candidate<'_>,
    now: DateTime<Utc>,
) -> AppResult<Report> {
    let record = candidate.record;
    let customer = customer::Entity::find_by_id(record.customer_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(format!("record {} has no customer", record.id)))?;

    let (attestations_seen, records_seen) = match candidate.audience {
        Audience::Reviewer => (Condition::all(), Condition::all()),
        Audience::Viewer(principal) => (
            scope::attestations(principal),
            Condition::all()
                .add(scope::opportunities(principal))
                .add(scope::opportunity_content(principal)),
        ),
    };
    let attestations = funding_attestation::Entity::find()
        .find_also_related(vc_firm::Entity)
        .filter(attestations_seen)
        .filter(funding_attestation::Column::CustomerId.eq(customer.id))
        .filter(funding_attestation::Column::RevokedAt.is_null())
        .order_by_asc(funding_attestation::Column::Id)
        .all(db)
        .await?;
    let attestation_facts: Vec<AttestationFacts<'_>> = attestations
        .iter()
        .filter_map(|(a, firm)| {
            firm.as_ref().map(|f| AttestationFacts {
                vc_firm_name: &f.name,
                portfolio_access: f.portfolio_access,
                round: a.round,
            })
        })
        .collect();

    let filer_partner;
    let filer_vc;
    let filer = match (record.partner_id, record.vc_firm_id) {
        (Some(partner_id), _) => {
            filer_partner = partner::Entity::find_by_id(partner_id)
                .one(db)
                .await?
                .ok_or_else(|| {
                    AppError::Internal(format!("record {} has no partner", record.id))
                })?;
            let track_record = track_record::track_record(db, partner_id, now).await?;
            FilerFacts::Partner {
                name: &filer_partner.name,
                tier: filer_partner.tier,
                track_record,
            }
        }
        (None, Some(vc_firm_id)) => {
            filer_vc = vc_firm::Entity::find_by_id(vc_firm_id)
                .one(db)
                .await?
                .ok_or_else(|| {
                    AppError::Internal(format!("record {} has no VC firm", record.id))
                })?;
            let attested_customer = attestations.iter().any(|(a, _)| a.vc_firm_id == vc_firm_id);
            FilerFacts::Vc {
                name: &filer_vc.name,
                portfolio_access: filer_vc.portfolio_access,
                reputation: filer_vc.reputation,
                attested_customer,
            }
        }
        (None, None) => {
            return Err(AppError::Internal(format!(
                "record {} has no filer",
                record.id
            )));
        }
    };

    let others_rows = opportunity::Entity::find()
        .filter(records_seen)
        .filter(opportunity::Column::CustomerId.eq(customer.id))
        .filter(opportunity::Column::Id.ne(record.id))
        .filter(opportunity::Column::Status.is_in(COUNTED))
        .order_by_asc(opportunity::Column::Id)
        .all(db)
        .await?;
    let others: Vec<OtherRecord<'_>> = others_rows
        .iter()
        .map(|o| OtherRecord {
            reference: &o.reference,
            same_filer: o.partner_id == record.partner_id && o.vc_firm_id == record.vc_firm_id,
            status: o.status,
            workload_key: &o.workload_key,
            use_case: &o.use_case,
        })
        .collect();

    let committed = committed_usd(db, &customer, record.id, now).await?;
    let facts = Facts {
        customer: CustomerFacts {
            incorporated: customer.incorporated,
            website: &customer.website,
            country: &customer.country,
            funding_stage: customer.funding_stage,
            months_on_aws: customer.months_on_aws,
            marketplace_spend_share: customer.marketplace_spend_share,
            competes_with_aws: customer.competes_with_aws,
        },
        record: RecordFacts {
            funding_source: record.funding_source,
            workload_key: &record.workload_key,
            use_case: &record.use_case,
            requested_amount_usd: record.requested_amount_usd,
            consumption: candidate.consumption,
        },
        attestations: &attestation_facts,
        filer,
        others: &others,
        committed_usd: committed,
    };
    Ok(eligibility::evaluate(&facts))
}
