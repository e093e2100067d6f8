//! Partner firms and their imported track record, managed by admins.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

use crate::{
    error::{UserError, payload_parts},
    graphql::{
        context::caller,
        ids::{self, NodeType},
        types::{
            enums::{FundingSource, PartnerTier},
            partner::Partner,
        },
    },
    service::{
        partners::{self as service, NewPartner, PartnerChanges},
        track_record::{self, MonthImport},
    },
};

#[derive(Default)]
pub struct PartnerMutation;

/// A new partner firm.
#[derive(InputObject)]
pub struct CreatePartnerInput {
    /// The firm's name, unique among partner firms.
    pub name: String,
    /// The firm's partner tier.
    pub tier: PartnerTier,
    /// The regions the firm works in, e.g. EU or US; stored upper-case, without duplicates.
    pub regions: Vec<String>,
    /// What the firm is known for, e.g. GENAI or MIGRATION; stored upper-case, without duplicates.
    pub specialties: Vec<String>,
}

/// A partial update: only the fields given change; a given list replaces the whole set.
#[derive(InputObject)]
pub struct UpdatePartnerInput {
    /// The firm to change.
    pub id: ID,
    /// A new name, unique among partner firms.
    pub name: Option<String>,
    /// A new tier.
    pub tier: Option<PartnerTier>,
    /// The firm's regions, replacing the current ones.
    pub regions: Option<Vec<String>>,
    /// The firm's specialties, replacing the current ones.
    pub specialties: Option<Vec<String>>,
}

/// One month of a partner's history from before acegate, for one funding source. Importing a month again replaces
/// it.
#[derive(InputObject)]
pub struct ImportTrackRecordInput {
    /// The partner firm whose history this is.
    pub partner_id: ID,
    /// The calendar month, `YYYY-MM`, not after the current one.
    pub month: String,
    /// The funding source the figures are for.
    pub funding_source: FundingSource,
    /// Records submitted in the month.
    pub submitted: i32,
    /// Records approved in the month; approved plus rejected cannot exceed submitted.
    pub approved: i32,
    /// Records rejected in the month.
    pub rejected: i32,
    /// Dollars awarded on the records approved in the month.
    pub awarded_usd: i64,
}

/// The result of `createPartner`.
#[derive(SimpleObject)]
pub struct CreatePartnerPayload {
    /// The firm created; null when the input was refused.
    pub partner: Option<Partner>,
    /// Why the input was refused, one entry per problem; when any is present, nothing changed.
    pub user_errors: Vec<UserError>,
}

/// The result of `updatePartner`.
#[derive(SimpleObject)]
pub struct UpdatePartnerPayload {
    /// The firm as changed; null when the input was refused.
    pub partner: Option<Partner>,
    /// Why the input was refused, one entry per problem; when any is present, nothing changed.
    pub user_errors: Vec<UserError>,
}

/// The result of `importTrackRecord`.
#[derive(SimpleObject)]
pub struct ImportTrackRecordPayload {
    /// The firm whose track record now includes the month; null when the input was refused.
    pub partner: Option<Partner>,
    /// Why the input was refused, one entry per problem; when any is present, nothing changed.
    pub user_errors: Vec<UserError>,
}

#[Object]
impl PartnerMutation {
    /// Creates a partner firm. ADMIN only.
    async fn create_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The firm to create.")] input: CreatePartnerInput,
    ) -> Result<CreatePartnerPayload> {
        let new = NewPartner {
            name: input.name,
            tier: input.tier.into(),
            regions: input.regions,
            specialties: input.specialties,
        };
        let (partner, user_errors) = payload_parts(service::create(caller(ctx)?, new).await)?;
        Ok(CreatePartnerPayload {
            partner: partner.map(Partner),
            user_errors,
        })
    }

    /// Renames a partner firm, changes its tier, or replaces its regions or specialties. ADMIN only.
    async fn update_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The firm and the fields to change.")] input: UpdatePartnerInput,
    ) -> Result<UpdatePartnerPayload> {
        let id = ids::expect(&input.id, NodeType::Partner, "input.id")?;
        let changes = PartnerChanges {
            name: input.name,
            tier: input.tier.map(Into::into),
            regions: input.regions,
            specialties: input.specialties,
        };
        let (partner, user_errors) =
            payload_parts(service::update(caller(ctx)?, id, changes).await)?;
        Ok(UpdatePartnerPayload {
            partner: partner.map(Partner),
            user_errors,
        })
    }

    /// Imports one month of a partner's history (per funding source), merged with live figures into its track
    /// record. ADMIN only.
    async fn import_track_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The month of history to import.")] input: ImportTrackRecordInput,
    ) -> Result<ImportTrackRecordPayload> {
        let partner_id = ids::expect(&input.partner_id, NodeType::Partner, "input.partnerId")?;
        let import = MonthImport {
            partner_id,
            month: input.month,
            funding_source: input.funding_source.into(),
            submitted: input.submitted,
            approved: input.approved,
            rejected: input.rejected,
            awarded_usd: input.awarded_usd,
        };
        let (partner, user_errors) =
            payload_parts(track_record::import(caller(ctx)?, import).await)?;
        Ok(ImportTrackRecordPayload {
            partner: partner.map(Partner),
            user_errors,
        })
    }
}
