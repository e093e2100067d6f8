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

#[derive(InputObject)]
pub struct CreateVcFirmInput {
    /// Unique.
    pub name: String,
    /// Whether the firm is in the Activate Portfolio Sub-Program.
    pub portfolio_access: bool,
    pub reputation: VcReputation,
}

/// A partial update: only the fields given change.
#[derive(InputObject)]
pub struct UpdateVcFirmInput {
    pub id: ID,
    pub name: Option<String>,
    pub portfolio_access: Option<bool>,
    pub reputation: Option<VcReputation>,
}

/// A funding round the caller's own firm attests. Name the customer by exactly one of `customerId` and
/// `awsAccountId`.
#[derive(InputObject)]
pub struct AttestFundingInput {
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

#[derive(InputObject)]
pub struct RevokeAttestationInput {
    pub id: ID,
    /// Why the attestation no longer holds; kept with it.
    pub reason: String,
}

#[derive(SimpleObject)]
pub struct CreateVcFirmPayload {
    pub vc_firm: Option<VcFirm>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct UpdateVcFirmPayload {
    pub vc_firm: Option<VcFirm>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct AttestFundingPayload {
    pub attestation: Option<FundingAttestation>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct RevokeAttestationPayload {
    pub attestation: Option<FundingAttestation>,
    pub user_errors: Vec<UserError>,
}

#[Object]
impl VcFirmMutation {
    /// Creates a VC firm. ADMIN only.
    async fn create_vc_firm(
        &self,
        ctx: &Context<'_>,
        input: CreateVcFirmInput,
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
        input: UpdateVcFirmInput,
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
        input: AttestFundingInput,
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
        input: RevokeAttestationInput,
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
