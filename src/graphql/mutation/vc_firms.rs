//! VC firms (managed by admins) and their funding attestations (written by VC users, always as their own firm).

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

use crate::{
    error::{UserError, payload_parts},
    graphql::{
        context::caller,
        ids::{self, NodeType},
        types::{
            enums::{FundingStage, VcReputation},
            scalars::Date,
            vc_firm::{FundingAttestation, VcFirm},
        },
    },
    service::vc_firms::{self as service, NewAttestation, NewVcFirm, VcFirmChanges},
};

#[derive(Default)]
pub struct VcFirmMutation;

/// A new VC firm.
#[derive(InputObject)]
pub struct CreateVcFirmInput {
    /// The firm's name, unique among VC firms.
    pub name: String,
    /// Whether the firm is in the Activate Portfolio Sub-Program.
    pub portfolio_access: bool,
    /// The firm's standing.
    pub reputation: VcReputation,
}

/// A partial update: only the fields given change.
#[derive(InputObject)]
pub struct UpdateVcFirmInput {
    /// The firm to change.
    pub id: ID,
    /// A new name, unique among VC firms.
    pub name: Option<String>,
    /// Grants (true) or withdraws (false) the firm's Activate Portfolio Sub-Program access.
    pub portfolio_access: Option<bool>,
    /// A new standing.
    pub reputation: Option<VcReputation>,
}

/// A funding round the caller's own firm attests. Name the customer by exactly one of `customerId` and
/// `awsAccountId`.
#[derive(InputObject)]
pub struct AttestFundingInput {
    /// The customer's global ID, instead of `awsAccountId`.
    pub customer_id: Option<ID>,
    /// The customer's exact 12-digit AWS account ID, instead of `customerId`.
    pub aws_account_id: Option<String>,
    /// A startup stage (not ENTERPRISE or PUBLIC_SECTOR).
    pub round: FundingStage,
    /// Greater than 0 and at most 1,000,000,000 (`AMOUNT_OUT_OF_RANGE`).
    pub amount_usd: i64,
    /// Not in the future, nor before 1990-01-01 (`CLOSED_ON_OUT_OF_RANGE`). The same round, amount and date
    /// attested again by the same firm while the first stands is `DUPLICATE_ATTESTATION`.
    pub closed_on: Date,
    /// A retry with the same key and input returns the first attestation; another input is a `CONFLICT`.
    pub idempotency_key: Option<String>,
}

/// An attestation of the caller's firm to revoke, with the reason.
#[derive(InputObject)]
pub struct RevokeAttestationInput {
    /// The attestation to revoke.
    pub id: ID,
    /// Why the attestation no longer holds; kept with it.
    pub reason: String,
}

/// The result of `createVcFirm`.
#[derive(SimpleObject)]
pub struct CreateVcFirmPayload {
    /// The firm created; null when the input was refused.
    pub vc_firm: Option<VcFirm>,
    /// Why the input was refused, one entry per problem; when any is present, nothing changed.
    pub user_errors: Vec<UserError>,
}

/// The result of `updateVcFirm`.
#[derive(SimpleObject)]
pub struct UpdateVcFirmPayload {
    /// The firm as changed; null when the input was refused.
    pub vc_firm: Option<VcFirm>,
    /// Why the input was refused, one entry per problem; when any is present, nothing changed.
    pub user_errors: Vec<UserError>,
}

/// The result of `attestFunding`.
#[derive(SimpleObject)]
pub struct AttestFundingPayload {
    /// The attestation made (or, on a retry with the same idempotency key, the first one); null when the input was
    /// refused.
    pub attestation: Option<FundingAttestation>,
    /// Why the input was refused, one entry per problem; when any is present, nothing changed.
    pub user_errors: Vec<UserError>,
}

/// The result of `revokeAttestation`.
#[derive(SimpleObject)]
pub struct RevokeAttestationPayload {
    /// The attestation as revoked; null when the input was refused.
    pub attestation: Option<FundingAttestation>,
    /// Why the input was refused, one entry per problem; when any is present, nothing changed.
    pub user_errors: Vec<UserError>,
}

#[Object]
impl VcFirmMutation {
    /// Creates a VC firm. ADMIN only.
    async fn create_vc_firm(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The firm to create.")] input: CreateVcFirmInput,
    ) -> Result<CreateVcFirmPayload> {
        let new = NewVcFirm {
            name: input.name,
            portfolio_access: input.portfolio_access,
            reputation: input.reputation.into(),
        };
        let (firm, user_errors) = payload_parts(service::create_firm(caller(ctx)?, new).await)?;
        Ok(CreateVcFirmPayload {
            vc_firm: firm.map(VcFirm),
            user_errors,
        })
    }

    /// Renames a VC firm, grants or withdraws its Portfolio access, or changes its reputation. ADMIN only.
    async fn update_vc_firm(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The firm and the fields to change.")] input: UpdateVcFirmInput,
    ) -> Result<UpdateVcFirmPayload> {
        let id = ids::expect(&input.id, NodeType::VcFirm, "input.id")?;
        let changes = VcFirmChanges {
            name: input.name,
            portfolio_access: input.portfolio_access,
            reputation: input.reputation.map(Into::into),
        };
        let (firm, user_errors) =
            payload_parts(service::update_firm(caller(ctx)?, id, changes).await)?;
        Ok(UpdateVcFirmPayload {
            vc_firm: firm.map(VcFirm),
            user_errors,
        })
    }

    /// Attests, as the viewer's own VC firm, that a company closed a funding round. VC only.
    async fn attest_funding(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company and the round to attest.")] input: AttestFundingInput,
    ) -> Result<AttestFundingPayload> {
        let customer_id = input
            .customer_id
            .as_ref()
            .map(|id| ids::expect(id, NodeType::Customer, "input.customerId"))
            .transpose()?;
        let new = NewAttestation {
            customer_id,
            aws_account_id: input.aws_account_id,
            round: input.round.into(),
            amount_usd: input.amount_usd,
            closed_on: input.closed_on.0,
            idempotency_key: input.idempotency_key,
        };
        let (attestation, user_errors) = payload_parts(service::attest(caller(ctx)?, new).await)?;
        Ok(AttestFundingPayload {
            attestation: attestation.map(FundingAttestation),
            user_errors,
        })
    }

    /// Revokes one of the viewer's firm's attestations, keeping it with the reason. VC only.
    async fn revoke_attestation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The attestation and the reason.")] input: RevokeAttestationInput,
    ) -> Result<RevokeAttestationPayload> {
        let id = ids::expect(&input.id, NodeType::FundingAttestation, "input.id")?;
        let (attestation, user_errors) =
            payload_parts(service::revoke_attestation(caller(ctx)?, id, &input.reason).await)?;
        Ok(RevokeAttestationPayload {
            attestation: attestation.map(FundingAttestation),
            user_errors,
        })
    }
}
