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

#[derive(InputObject)]
pub struct CreatePartnerInput {
    /// Unique.
    pub name: String,
    pub tier: PartnerTier,
    /// Stored upper-case, without duplicates.
    pub regions: Vec<String>,
    /// Stored upper-case, without duplicates.
    pub specialties: Vec<String>,
}

/// A partial update: only the fields given change; a given list replaces the whole set.
#[derive(InputObject)]
pub struct UpdatePartnerInput {
    pub id: ID,
    pub name: Option<String>,
    pub tier: Option<PartnerTier>,
    pub regions: Option<Vec<String>>,
    pub specialties: Option<Vec<String>>,
}

/// One month of a partner's history from before acegate, for one funding source. Importing a month again replaces
/// it.
#[derive(InputObject)]
pub struct ImportTrackRecordInput {
    pub partner_id: ID,
    /// `YYYY-MM`, not after the current month.
    pub month: String,
    pub funding_source: FundingSource,
    pub submitted: i32,
    /// approved + rejected cannot exceed submitted.
    pub approved: i32,
    pub rejected: i32,
    pub awarded_usd: i64,
}

#[derive(SimpleObject)]
pub struct CreatePartnerPayload {
    pub partner: Option<Partner>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct UpdatePartnerPayload {
    pub partner: Option<Partner>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct ImportTrackRecordPayload {
    pub partner: Option<Partner>,
    pub user_errors: Vec<UserError>,
}

#[Object]
impl PartnerMutation {
    /// Creates a partner firm. ADMIN only.
    async fn create_partner(
        &self,
        ctx: &Context<'_>,
        input: CreatePartnerInput,
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
        input: UpdatePartnerInput,
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
        input: ImportTrackRecordInput,
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
