//! Joined rows decoded by position. SeaORM decodes a joined row (`find_also_related`) by looking every column up by
//! a prefixed name it formats per column and per row; on a page of 50 records with customer and partner that was a
//! quarter of the server's CPU (bench/RESULTS.md). Here each entity's columns are selected in one fixed order and
//! read back by index. The column list and the decoder come from the same field list, so they cannot drift apart,
//! and a field missing from the list does not compile.

use sea_orm::{DbErr, EntityTrait, QueryResult, QuerySelect, Select};

macro_rules! positional {
    ($name:ident, $module:ident, { $($field:ident: $column:ident),* $(,)? }) => {
        pub mod $name {
            use entity::$module::{Column, Model};
            use sea_orm::{DbErr, QueryResult};

            pub const COLUMNS: &[Column] = &[$(Column::$column),*];

            /// The model whose columns start at `*at`; moves `*at` past them.
            pub fn decode(row: &QueryResult, at: &mut usize) -> Result<Model, DbErr> {
                Ok(Model {
                    $($field: {
                        let value = row.try_get_by_index(*at)?;
                        *at += 1;
                        value
                    }),*
                })
            }

            /// The same for a left-joined entity: `None` when its key (the first column) is null.
            #[allow(dead_code)]
            pub fn decode_optional(row: &QueryResult, at: &mut usize) -> Result<Option<Model>, DbErr> {
                let key: Option<i64> = row.try_get_by_index(*at)?;
                if key.is_none() {
                    *at += COLUMNS.len();
                    return Ok(None);
                }
                decode(row, at).map(Some)
            }
        }
    };
}

positional!(opportunity, opportunity, {
    id: Id,
    reference: Reference,
    partner_reference: PartnerReference,
    customer_id: CustomerId,
    partner_id: PartnerId,
    vc_firm_id: VcFirmId,
    filed_by_user_id: FiledByUserId,
    submission_path: SubmissionPath,
    funding_source: FundingSource,
    engagement_type: EngagementType,
    workload_name: WorkloadName,
    workload_key: WorkloadKey,
    use_case: UseCase,
    scope_of_work: ScopeOfWork,
    estimated_annual_deal_usd: EstimatedAnnualDealUsd,
    requested_amount_usd: RequestedAmountUsd,
    awarded_amount_usd: AwardedAmountUsd,
    status: Status,
    version: Version,
    created_at: CreatedAt,
    updated_at: UpdatedAt,
    submitted_at: SubmittedAt,
    decided_at: DecidedAt,
    issued_at: IssuedAt,
});

positional!(customer, customer, {
    id: Id,
    legal_name: LegalName,
    website: Website,
    aws_account_id: AwsAccountId,
    country: Country,
    incorporated: Incorporated,
    funding_stage: FundingStage,
    engineer_count: EngineerCount,
    months_on_aws: MonthsOnAws,
    monthly_aws_spend_usd: MonthlyAwsSpendUsd,
    marketplace_spend_share: MarketplaceSpendShare,
    competes_with_aws: CompetesWithAws,
    self_serve_credit_usd: SelfServeCreditUsd,
    owner_partner_id: OwnerPartnerId,
    created_at: CreatedAt,
    updated_at: UpdatedAt,
});

positional!(partner, partner, {
    id: Id,
    name: Name,
    tier: Tier,
    created_at: CreatedAt,
    updated_at: UpdatedAt,
});

positional!(funding_attestation, funding_attestation, {
    id: Id,
    vc_firm_id: VcFirmId,
    customer_id: CustomerId,
    round: Round,
    amount_usd: AmountUsd,
    closed_on: ClosedOn,
    attested_by_user_id: AttestedByUserId,
    attested_at: AttestedAt,
    revoked_at: RevokedAt,
    revocation_reason: RevocationReason,
    revoked_by_user_id: RevokedByUserId,
});

positional!(vc_firm, vc_firm, {
    id: Id,
    name: Name,
    portfolio_access: PortfolioAccess,
    reputation: Reputation,
    created_at: CreatedAt,
    updated_at: UpdatedAt,
});

/// Appends `columns` (each qualified by its own table) to the select list.
pub fn select<E: EntityTrait, C: sea_orm::ColumnTrait>(
    select: Select<E>,
    columns: &[C],
) -> Select<E> {
    columns
        .iter()
        .fold(select, |select, column| select.column(*column))
}

/// Decodes every row with `decode`.
pub fn decode_all<T>(
    rows: Vec<QueryResult>,
    decode: impl Fn(&QueryResult, &mut usize) -> Result<T, DbErr>,
) -> Result<Vec<T>, DbErr> {
    rows.iter().map(|row| decode(row, &mut 0)).collect()
}
